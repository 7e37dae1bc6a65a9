#!/usr/bin/env bash
# scripts/ci-failure-summary.sh on a LastTest.log in ctest's format: it names each
# failed test and repeats the lines of that test's output that say what failed,
# and nothing from passing tests or from lines that say nothing.
set -euo pipefail
summary=$1/scripts/ci-failure-summary.sh
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cat > "$dir/LastTest.log" <<'LOG'
Start testing: Dec 03 18:20 UTC
----------------------------------------------------------
1/3 Testing: quiet_pass
1/3 Test: quiet_pass
Output:
----------------------------------------------------------
an error message a passing test printed
<end of output>
Test Passed.
2/3 Testing: kernel_matrix
2/3 Test: kernel_matrix
Output:
----------------------------------------------------------
[4/8] first-syn                FAIL           2.5 s  6 pass, 3 fail
  client1: MISMATCH RetransSegs +1 vs exporter 0
a line that says nothing
kernel matrix: FAIL: smoke on the host (exit 1)
<end of output>
Test Failed.
3/3 Testing: Suite.Case
3/3 Test: Suite.Case
Output:
----------------------------------------------------------
x.cpp:10: Failure
Expected equality of these values:
<end of output>
Test Failed.
LOG
printf '2:kernel_matrix\n3:Suite.Case\n' > "$dir/LastTestsFailed.log"
out=$(bash "$summary" "$dir/LastTest.log" "$dir/LastTestsFailed.log")
want='== what failed in kernel_matrix (last 60 such lines of its output)
[4/8] first-syn                FAIL           2.5 s  6 pass, 3 fail
  client1: MISMATCH RetransSegs +1 vs exporter 0
kernel matrix: FAIL: smoke on the host (exit 1)
== what failed in Suite.Case (last 60 such lines of its output)
x.cpp:10: Failure
Expected equality of these values:'
if [[ $out != "$want" ]]; then
  printf 'ci-failure-summary printed:\n%s\n--- want:\n%s\n' "$out" "$want" >&2
  exit 1
fi
# No ctest logs (the build failed before any test ran): nothing to say, and no failure of its own.
[[ -z $(bash "$summary" "$dir/none.log" "$dir/none-failed.log") ]]
echo "ci-failure-summary: as expected"
