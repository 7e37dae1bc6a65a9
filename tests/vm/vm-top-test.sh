#!/bin/bash
# Privileged test: retx-top inside the 6.1 guest. The host-built top_privileged_tests run their
# lossy-transfer cases there: every held socket's figures from `retx-top --once --json` equal its
# TCP_INFO and `ss -ti`, through the BPF iterator and through INET_DIAG, with the probe's causes.
# Exit 77 (ctest skip) only when the VM packages or the kernel are not there.
set -u
src=${1:?usage: vm-top-test.sh SOURCE_DIR TOP_PRIVILEGED_TESTS}
tests=${2:?usage: vm-top-test.sh SOURCE_DIR TOP_PRIVILEGED_TESTS}
. "$src/tests/vm/vm-skip.sh"
vm_skip_unless_ready 6.1
work=$(mktemp -d /tmp/retx-vm-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
"$src/lab/vm/run-in-vm.sh" --kernel 6.1 --timeout 400 --retry-on-panic -- "$tests" \
  --gtest_filter='TopConnections.IteratorMatchesTcpInfoAndSs:TopConnections.InetDiagFallbackMatchesToo'
