#!/usr/bin/env bash
# Runs one libFuzzer target for a bounded time from the checked-in seeds (and any
# extra seed directories), writing new inputs to a scratch corpus, never into the
# repository. A crash, leak, sanitizer report or timeout fails the run and leaves
# the input in ARTIFACT_DIR, printed at the end.
#
# Usage: run_fuzzer.sh FUZZER SECONDS ARTIFACT_DIR SEED_DIR...
set -euo pipefail
FUZZER=$1 SECONDS_MAX=$2 ARTIFACTS=$3
shift 3
mkdir -p "$ARTIFACTS"
SCRATCH=$(mktemp -d /tmp/rxl-fuzz.XXXXXX)
trap 'rm -rf "$SCRATCH"' EXIT
# -timeout: one input taking over 10 s is a hang; -rss_limit_mb: a parser that
# grows without bound on its input (a missing size limit) fails instead of
# swapping. -print_final_stats: the executions and coverage reached go in the log.
if "$FUZZER" -max_total_time="$SECONDS_MAX" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
     -artifact_prefix="$ARTIFACTS/" -print_final_stats=1 "$SCRATCH" "$@" 2>"$SCRATCH.log"; then
  grep -E '^stat::(number_of_executed_units|new_units_added)|cov:' "$SCRATCH.log" | tail -n 3
  rm -f "$SCRATCH.log"
  exit 0
fi
tail -n 60 "$SCRATCH.log"
rm -f "$SCRATCH.log"
echo "run_fuzzer: $(basename "$FUZZER") failed; the input is in $ARTIFACTS:" >&2
ls -l "$ARTIFACTS" >&2
exit 1
