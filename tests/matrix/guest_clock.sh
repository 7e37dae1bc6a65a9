# shellcheck shell=bash
# Sourced by kernel_matrix.sh. A guest run whose clock jumped fails for the VM's sake, not the
# lab's: once, a 7.x guest under TCG saw its clocks leap 487,239 s forward during a 67 s run
# (the report said finished 5.6 days after it started), so a 20 s command timeout fired at once
# and the scenario failed before its checks. Such a run is told apart by its report claiming
# more seconds than the host saw pass, and is run once more, saying so; any other failure stands.
#
#   rerun_if_clock_jumped REPORT CMD [ARGS...]   exit status of the last run of CMD

# Seconds the report says its run took (wall_seconds, whole), 0 when it has none.
report_seconds() {
  [[ -s $1 ]] || { echo 0; return; }
  jq -r '(.wall_seconds // 0) | floor' "$1" 2>/dev/null || echo 0
}

rerun_if_clock_jumped() {
  local report=$1 t0=$SECONDS rc=0
  shift
  rm -f "$report"
  "$@" || rc=$?
  ((rc != 0)) || return 0
  local claimed host=$((SECONDS - t0))
  claimed=$(report_seconds "$report")
  # The report's run is inside the host's: a few seconds of slack for rounding.
  ((claimed > host + 5)) || return "$rc"
  printf 'kernel matrix: %s claims %d s where the host saw %d s pass: the guest clock jumped; running it once more\n' \
    "$report" "$claimed" "$host" >&2
  rm -f "$report"
  "$@"
}
