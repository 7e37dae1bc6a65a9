#!/bin/bash
# Privileged tests of lab/vm/fleet.sh, the three-kernel fleet scraped by one Prometheus.
#   vm-fleet-test.sh SOURCE_DIR EXPORTER run       the fleet passes (its own assertions, exit 0)
#                                                   and leaves nothing behind
#   vm-fleet-test.sh SOURCE_DIR EXPORTER signals   Ctrl-C (SIGINT to its process group) while
#                                                   the VMs boot, and SIGTERM once Prometheus
#                                                   runs: exit 130 / 143, nothing left behind
# "Nothing": no qemu or Prometheus process it started, no /tmp/retx-fleet.* or /tmp/retx-vm.*
# scratch dir of its own (other runs may have theirs: only ours are looked at).
# Exit 77 (ctest skip) only when the VM packages or a kernel are not there.
set -u
src=${1:?usage: vm-fleet-test.sh SOURCE_DIR EXPORTER run|signals}
exporter=${2:?usage: vm-fleet-test.sh SOURCE_DIR EXPORTER run|signals}
mode=${3:?usage: vm-fleet-test.sh SOURCE_DIR EXPORTER run|signals}
. "$src/tests/vm/vm-skip.sh"
while read -r k; do vm_skip_unless_ready "$k"; done < <(grep -E '^[0-9]' "$src/lab/vm/kernels.txt")
command -v prometheus >/dev/null || { echo "FAIL: prometheus missing (scripts/setup.sh installs it)"; exit 1; }

status=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; status=1; fi; }
descendants() { local c; for c in $(ps -o pid= --ppid "$1"); do echo "$c"; descendants "$c"; done; }
# Our processes of one kind (qemu-system-x86_64, prometheus) among the fleet's descendants
# (ps shows a command name cut to 15 characters).
ours() { local p; for p in $(descendants "$1"); do [[ $(ps -o comm= -p "$p" 2>/dev/null) == "${2:0:15}"* ]] && echo "$p"; done; }
# Scratch dirs whose owner file names one of the given pids (fleet.sh and its run-in-vm.sh).
scratch_of() { local d; for d in /tmp/retx-fleet.*/ /tmp/retx-vm.*/; do grep -qxF -f <(printf '%s\n' "$@") "$d/owner" 2>/dev/null && echo "$d"; done; }

# wait_for PID KIND COUNT SECONDS: until COUNT processes of KIND run under PID.
wait_for() {
  local i
  for ((i = 0; i < $4 * 2; i++)); do
    (($(ours "$1" "$2" | wc -l) >= $3)) && return 0
    kill -0 "$1" 2>/dev/null || return 1
    sleep 0.5
  done
  return 1
}

# interrupt NAME SIGNAL WANT_RC KIND COUNT: starts the fleet in its own process group, waits
# for COUNT KIND processes, sends SIGNAL (to the group for INT, as a terminal's Ctrl-C does),
# and checks the exit code and that every process and dir it had is gone.
interrupt() {
  local name=$1 sig=$2 want=$3 pid rc procs dirs
  setsid "$src/lab/vm/fleet.sh" --exporter "$exporter" --timeout 600 >"$work/$name.out" 2>&1 &
  pid=$!
  wait_for "$pid" "$4" "$5" 400 || { echo "FAIL: $name: no $5 $4 process(es) appeared"; tail -n 5 "$work/$name.out"; status=1; kill -TERM "$pid"; wait "$pid"; return; }
  procs=$(ours "$pid" qemu-system-x86_64; ours "$pid" prometheus)
  dirs=$(scratch_of "$pid" $(descendants "$pid"))
  echo "$name: fleet $pid with $(wc -w <<<"$procs") qemu/prometheus processes, scratch $(echo $dirs)"
  if [[ $sig == INT ]]; then kill -INT -- "-$pid"; else kill -TERM "$pid"; fi
  wait "$pid"; rc=$?
  check "$name: exit $want (got $rc)" "((rc == want))"
  sleep 2
  check "$name: no qemu or Prometheus process left" "! kill -0 $(echo $procs) 2>/dev/null"
  check "$name: no scratch dir left" "! ls -d $(echo $dirs) >/dev/null 2>&1"
  check "$name: said why it stopped" "grep -q 'fleet: \(interrupted\|terminated\)' '$work/$name.out'"
}

work=$(mktemp -d /tmp/retx-fleet-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
case $mode in
  run)
    start=$SECONDS
    "$src/lab/vm/fleet.sh" --exporter "$exporter" --keep "$work/keep" > >(tee "$work/fleet.out") 2>&1 & pid=$!
    wait_for "$pid" qemu-system-x86_64 3 120
    procs=$(ours "$pid" qemu-system-x86_64)
    dirs=$(scratch_of "$pid" $(descendants "$pid"))
    wait "$pid"; rc=$?
    echo "fleet.sh: exit $rc in $((SECONDS - start)) s"
    check "fleet.sh passed (exit 0)" "((rc == 0))"
    check "fleet.json written" "jq -e '.nodes | length == 3' '$work/keep/fleet.json' >/dev/null"
    check "no qemu left" "[[ -n '$procs' ]] && ! kill -0 $(echo $procs) 2>/dev/null"
    check "no scratch dir left" "[[ -n '$dirs' ]] && ! ls -d $(echo $dirs) >/dev/null 2>&1"
    # Node logs follow a failure and push its reason out of a truncated log's tail: repeat it.
    if ((rc != 0)); then
      echo "--- fleet.sh's own verdict lines, repeated:"
      grep -E '^fleet(-checks)?: |FAIL' "$work/fleet.out" | grep -v '^fleet: node ' | tail -n 20
    fi ;;
  signals)
    interrupt ctrl-c INT 130 qemu-system-x86_64 3
    interrupt sigterm TERM 143 prometheus 1 ;;
  *) echo "FAIL: unknown mode $mode"; exit 2 ;;
esac
exit $status
