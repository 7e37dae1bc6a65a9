#!/usr/bin/env bash
# After a failed ctest run, from its build directory: for each failed test, the
# lines of its output that say what failed (a check's FAIL and its reason, a
# gtest failure, an error). CI shows the start and the end of a long log and
# drops the middle, where a failed test's output sits; this repeats the cause
# at the end.
#
#   ci-failure-summary.sh [LastTest.log [LastTestsFailed.log]]
set -uo pipefail
log=${1:-Testing/Temporary/LastTest.log}
failed=${2:-Testing/Temporary/LastTestsFailed.log}
[[ -f $log && -f $failed ]] || exit 0
while IFS= read -r line; do
  name=${line#*:}  # "NUMBER:NAME"
  echo "== what failed in $name (last 60 such lines of its output)"
  # The test's own section of LastTest.log: from its "N/M Test: NAME" line to its end of output.
  awk -v t="$name" '
    !on && index($0, " Test: " t) && substr($0, length($0) - length(t) + 1) == t { on = 1; next }
    on && /^<end of output>/ { exit }
    on' "$log" | grep -aiE 'fail|mismatch|inconclusive|error|expected|which is' | tail -n 60
done < "$failed"
exit 0
