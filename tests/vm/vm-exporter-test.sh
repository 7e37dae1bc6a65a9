#!/bin/bash
# Privileged test: the host-built exporter inside a Debian kernel (version prefix: 6.1, 6.12, 7)
# against real netem loss, once per attach flavour (guest-exporter-netem.sh): its segments must
# equal ΔRetransSegs.
# Exit 77 (ctest skip) only when the VM packages or the kernel are not there.
# usage: vm-exporter-test.sh SOURCE_DIR EXPORTER [KERNEL_PREFIX]     (default 6.1)
set -u
src=${1:?usage: vm-exporter-test.sh SOURCE_DIR EXPORTER [KERNEL_PREFIX]}
exporter=${2:?usage: vm-exporter-test.sh SOURCE_DIR EXPORTER [KERNEL_PREFIX]}
k=${3:-6.1}
. "$src/tests/vm/vm-skip.sh"
vm_skip_unless_ready "$k"
command -v iperf3 >/dev/null || { echo "FAIL: iperf3 missing (scripts/setup.sh installs it)"; exit 1; }
work=$(mktemp -d /tmp/retx-vm-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
"$src/lab/vm/run-in-vm.sh" --kernel "$k" --timeout 600 --retry-on-panic -- bash "$src/tests/vm/guest-exporter-netem.sh" "$exporter"
