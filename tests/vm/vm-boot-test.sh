#!/bin/bash
# Privileged test: boots a Debian kernel (version prefix: 6.1, 6.12, 7) with
# lab/vm/run-in-vm.sh, runs guest-checks.sh inside, and asserts what crossed back: exit code 7,
# stdout and stderr kept apart, and a file written in the guest's working directory present on
# the host. Exit 77 (ctest skip) only when the VM packages or the kernel are not there.
# usage: vm-boot-test.sh SOURCE_DIR [KERNEL_PREFIX]     (default 6.1)
set -u
src=${1:?usage: vm-boot-test.sh SOURCE_DIR [KERNEL_PREFIX]}
k=${2:-6.1}
run=$src/lab/vm/run-in-vm.sh
. "$src/tests/vm/vm-skip.sh"
vm_skip_unless_ready "$k"

work=$(mktemp -d /tmp/retx-vm-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

start=$(date +%s%N)
"$run" --kernel "$k" --timeout 240 -- bash "$src/tests/vm/guest-checks.sh" "$k" >out 2>err
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
echo "--- stdout"; cat out; echo "--- stderr"; cat err; echo "--- rc $rc, ${ms} ms wall"

re=${k//./\\.}
status=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; status=1; fi; }
check "exit code 7 returned to the host" '((rc == 7))'
check "guest checks reported the $k kernel" "grep -Eq '^ok kernel $re[.+-]' out"
check "the guest's modprobe loads from /lib/modules" "grep -q '^ok modprobe -r / modprobe sch_netem' out"
check "netem check passed" "grep -q '^ok netem loss 1%' out"
check "stderr kept apart from stdout" "grep -q '^guest stderr line' err && ! grep -q 'guest stderr line' out"
check "file written in the guest reached the host" "grep -Eq '^written-in-guest $re[.+-]' vm-check-marker"
check "harness printed its timing line" "grep -Eq '^run-in-vm: kernel $re[.+-].*exit 7' err"
exit $status
