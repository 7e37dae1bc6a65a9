#!/bin/bash
# Privileged test of run-in-vm.sh's failure paths, each with a real VM:
#  - the exit code still arrives when the 9p result share is gone (isa-debug-exit fallback);
#  - the bzImage boot that a retry uses works, not only the faster PVH boot;
#  - a command past --timeout gives 124, and a boot past --boot-timeout is retried once, then 125;
#  - a guest kernel panic (sysrq c) gives 123 with the oops printed; with --retry-on-panic the
#    command runs once more, and a second panic gives 123;
#  - SIGTERM mid-run leaves no qemu process and no scratch directory behind.
# Exit 77 (ctest skip) only when the VM packages or the 6.1 kernel are not there.
set -u
src=${1:?usage: vm-harness-test.sh SOURCE_DIR}
run=$src/lab/vm/run-in-vm.sh

. "$src/tests/vm/vm-skip.sh"
vm_skip_unless_ready 6.1   # run-in-vm.sh's default kernel

work=$(mktemp -d /tmp/retx-vm-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
status=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; status=1; fi; }
# Our own scratch dirs and qemu processes only: other engineers may run VMs concurrently.
scratch() { ls -d /tmp/retx-vm.* 2>/dev/null | sort; }

"$run" -- sh -c 'umount -l /run/retx-vm && exit 9' >out 2>err; rc=$?
check "exit 9 arrives through isa-debug-exit when the result share is gone (got $rc)" '((rc == 9))'

RETX_VM_BZIMAGE=1 "$run" -- sh -c 'exit 5' >out 2>err; rc=$?
check "the retry's boot path (the bzImage, not PVH) works: exit 5 (got $rc)" '((rc == 5))'

"$run" --timeout 3 -- sleep 60 >out 2>err; rc=$?
check "a command past --timeout gives 124 (got $rc)" '((rc == 124))'
check "the timeout is reported in one line" "grep -q 'did not finish within 3s' err"

"$run" --boot-timeout 1 -- true >out 2>err; rc=$?
check "a boot past --boot-timeout gives 125 (got $rc)" '((rc == 125))'
check "the hung boot was retried once" "(( \$(grep -c 'did not reach the command' err) == 2 ))"

crash='echo c >/proc/sysrq-trigger; sleep 30'
"$run" -- sh -c "$crash" >out 2>err; rc=$?
check "a guest kernel panic gives 123 (got $rc)" '((rc == 123))'
check "the panic's oops is printed from its first line" "grep -q 'Kernel panic - not syncing: sysrq triggered crash' err && grep -q 'Call Trace' err"
check "without --retry-on-panic the command is not run again" "! grep -q 'running it once more' err"
# Panics on its first run only: the shared working directory keeps the mark across boots.
"$run" --retry-on-panic -- sh -c "[ -e panicked ] && exit 6; touch panicked; $crash" >out 2>err; rc=$?
check "--retry-on-panic runs the command once more, and its exit code counts: 6 (got $rc)" '((rc == 6))'
check "the rerun is said once" "(( \$(grep -c 'running it once more' err) == 1 ))"
"$run" --retry-on-panic -- sh -c "$crash" >out 2>err; rc=$?
check "a second panic gives 123 (got $rc)" '((rc == 123))'
check "after one rerun only" "(( \$(grep -c 'running it once more' err) == 1 ))"

before=$(scratch)
"$run" -- sleep 120 >out 2>err & pid=$!
for _ in $(seq 300); do grep -q . <(scratch | comm -13 <(echo "$before") -) && break; sleep 0.1; done
mine=$(scratch | comm -13 <(echo "$before") -)
for _ in $(seq 600); do [[ -e $mine/job/started ]] && break; sleep 0.1; done
qemu=$(pgrep -P "$pid" -f qemu-system-x86_64)
check "the guest was running before SIGTERM" '[[ -n $qemu && -e $mine/job/started ]]'
kill -TERM "$pid"; wait "$pid"; rc=$?
check "SIGTERM gives 143 (got $rc)" '((rc == 143))'
check "no qemu left after SIGTERM" '! kill -0 $qemu 2>/dev/null'
check "scratch directory removed after SIGTERM" '[[ -n $mine && ! -e $mine ]]'
exit $status
