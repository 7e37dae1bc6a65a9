#!/bin/bash
# Privileged test: boots Debian's 6.1 kernel with lab/vm/run-in-vm.sh, runs guest-checks.sh
# inside, and asserts what crossed back: exit code 7, stdout and stderr kept apart, and a
# file written in the guest's working directory present on the host.
# Exit 77 (ctest skip) only when the VM packages are not installed.
set -u
src=${1:?usage: vm-boot-test.sh SOURCE_DIR}
run=$src/lab/vm/run-in-vm.sh

skip() { echo "SKIP: $* (install with: scripts/setup.sh --vm)"; exit 77; }
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 not installed"
compgen -G '/boot/vmlinuz-6.1.*' >/dev/null || skip "no /boot/vmlinuz-6.1.* (linux-image-amd64 not installed)"
dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'install ok installed' \
  || skip "busybox-static not installed"
((EUID == 0)) || { echo "FAIL: needs root"; exit 1; }

work=$(mktemp -d /tmp/retx-vm-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

start=$(date +%s%N)
"$run" --timeout 240 -- bash "$src/tests/vm/guest-checks.sh" >out 2>err
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
echo "--- stdout"; cat out; echo "--- stderr"; cat err; echo "--- rc $rc, ${ms} ms wall"

status=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; status=1; fi; }
check "exit code 7 returned to the host" '((rc == 7))'
check "guest checks reported the 6.1 kernel" "grep -q '^ok kernel 6\.1\.' out"
check "the guest's modprobe loads from /lib/modules" "grep -q '^ok modprobe -r / modprobe sch_netem' out"
check "netem check passed" "grep -q '^ok netem loss 1%' out"
check "stderr kept apart from stdout" "grep -q '^guest stderr line' err && ! grep -q 'guest stderr line' out"
check "file written in the guest reached the host" "grep -q '^written-in-guest 6\.1\.' vm-check-marker"
check "harness printed its timing line" "grep -q '^run-in-vm: kernel 6\.1\..*exit 7' err"
exit $status
