#!/bin/bash
# Privileged test: the host-built exporter inside the 6.1 guest, against real netem loss
# (guest-exporter-netem.sh). Exit 77 (ctest skip) only when the VM packages are not installed.
set -u
src=${1:?usage: vm-exporter-test.sh SOURCE_DIR EXPORTER}
exporter=${2:?usage: vm-exporter-test.sh SOURCE_DIR EXPORTER}
skip() { echo "SKIP: $* (install with: scripts/setup.sh --vm)"; exit 77; }
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 not installed"
compgen -G '/boot/vmlinuz-6.1.*' >/dev/null || skip "no /boot/vmlinuz-6.1.* (linux-image-amd64 not installed)"
command -v iperf3 >/dev/null || { echo "FAIL: iperf3 missing (scripts/setup.sh installs it)"; exit 1; }
work=$(mktemp -d /tmp/retx-vm-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
"$src/lab/vm/run-in-vm.sh" --timeout 300 -- bash "$src/tests/vm/guest-exporter-netem.sh" "$exporter"
