#!/usr/bin/env bash
# tests/matrix/guest_clock.sh with stand-in guest runs: a failed run whose report claims more
# time than passed is run once more; a failed run with a believable report, or with none, is
# not; a passing run is run once. No VM, no root: jq only.
#
#   guest_clock_test.sh SOURCE_DIR
set -uo pipefail
source "$1/tests/matrix/guest_clock.sh"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fails=0
check() { if [[ $2 == "$3" ]]; then echo "ok: $1"; else echo "FAIL: $1: got '$2', want '$3'" >&2; fails=$((fails + 1)); fi; }

# A stand-in for invm: counts its runs in $dir/runs, writes a report claiming $1 seconds unless
# $1 is "none", and exits with the next status of the list $2 ("1 0": fails, then passes).
fake_guest() {
  local n; n=$(($(cat "$dir/runs" 2>/dev/null || echo 0) + 1))
  echo "$n" >"$dir/runs"
  [[ $1 == none ]] || printf '{"wall_seconds": %s}\n' "$1" >"$dir/report.json"
  local statuses; read -ra statuses <<<"$2"
  return "${statuses[n - 1]}"
}

scenario() {  # name claimed statuses want_status want_runs
  rm -f "$dir/runs"
  local rc=0
  rerun_if_clock_jumped "$dir/report.json" fake_guest "$2" "$3" 2>"$dir/err" || rc=$?
  check "$1: status" "$rc" "$4"
  check "$1: runs" "$(cat "$dir/runs")" "$5"
}

scenario "a jumped clock is run again, and its second run counts" 487291.3 "1 0" 0 2
scenario "a jumped clock fails again: the second failure stands" 487291.3 "1 3" 3 2
scenario "a failure that took believable time stands" 1.5 "1 0" 1 1
scenario "a failure without a report stands" none "2 0" 2 1
scenario "a pass is run once" 487291.3 "0 0" 0 1
grep -q "the guest clock jumped" "$dir/err" && msg=said || msg=silent
check "a pass says nothing of the clock" "$msg" silent
scenario "the rerun is said" 487291.3 "1 0" 0 2
# The host's seconds are whatever this run took (1 on a loaded machine, not always 0).
grep -Eq "claims 487291 s where the host saw [0-9]+ s pass: the guest clock jumped" "$dir/err" && msg=said || msg=silent
check "the rerun names the claim and the host's time" "$msg" said
((fails == 0)) || { echo "guest_clock_test: $fails failed" >&2; exit 1; }
echo "guest_clock_test: all passed"
