#!/usr/bin/env bash
# The benchmark suite in one command: builds, runs the Google Benchmark
# programs and the system-level runs in bench/overhead/, and writes
# reports/bench-<UTC timestamp>.json (every figure, every run) and .txt (the
# readable table against the goals). See bench/README.md.
#
#   bench/run-all.sh            full suite (~25-65 min on 2 cores: the throughput windows run
#                               until their noise floor is under 0.009, 24 to 180 rounds)
#   bench/run-all.sh --quick    fewer rounds and shorter runs (~7 min)
#   bench/run-all.sh --smoke    everything once, tiny (< 90 s): proves the suite runs
# Options: --no-build (use build-bench as is), --reports DIR, --only "PART ..." (run only
# these parts, with the mode's arguments; the others are reported as not selected):
# bench_metrics bench_map_read bench_expectations probe_cost state_cost
# state_cost_accept share overhead scrape scrape_netns lost top.
# Needs root for the system-level parts (namespaces, BPF); without root only
# the in-process benchmarks run and the rest is reported as skipped.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${RXLB_BUILD:-$ROOT/build-bench}
REPORTS=$ROOT/reports
MODE=full BUILD_FIRST=1 ONLY=""
PARTS=(bench_metrics bench_map_read bench_expectations probe_cost state_cost state_cost_accept share overhead
  scrape scrape_netns lost top)
while (($#)); do
  case $1 in
    --quick) MODE=quick; shift ;;
    --smoke) MODE=smoke; shift ;;
    --no-build) BUILD_FIRST=0; shift ;;
    --reports) REPORTS=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    -h | --help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "run-all.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
for p in $ONLY; do
  [[ " ${PARTS[*]} " == *" $p "* ]] || { echo "run-all.sh: --only: no part '$p' (parts: ${PARTS[*]})" >&2; exit 2; }
done
# Whether part NAME runs: every part unless --only names some.
selected() { [[ -z $ONLY || " $ONLY " == *" $1 "* ]]; }

# Per mode: Google Benchmark min time, then each script's arguments.
case $MODE in
  full)
    GB_MIN=0.2 GB_REPS=3
    COST=(--rounds 3 --syns 25000 --hold 3500 --spread 1000 --seconds 3 --loss 5 --parts)
    STATE=(--rounds 3 --connects 40000)
    SHARE=(--rounds 3 --seconds 20 --loss 5)
    # Rounds until the A/A floor is below 0.009 (a margin under the goal's 0.01:
    # stopping on a low estimate of the spread makes the interval a little too
    # narrow), at most 180: 27 rounds at this VM's quietest (SD 2.6 %), ~130 at
    # its noisiest seen (5.3 %), ~16 s each.
    OVERHEAD=(--rounds 180 --min-rounds 24 --until-floor 0.009 --window 4 --flows 4 --loss 2)
    SCRAPE=(--scrapes 100 --stages "10 1000 10000")
    SCRAPE_NETNS=(--scrapes 50 --stages "1 30 300 1000")
    LOST=(--seconds 5 --flows 8 --loss 10 --syns 15000)
    TOP=(--sockets 10000 --rounds 10) ;;
  quick)
    GB_MIN=0.1 GB_REPS=1
    COST=(--rounds 2 --syns 25000 --hold 3500 --spread 1000 --seconds 3 --loss 5)
    STATE=(--rounds 2 --connects 40000)
    SHARE=(--seconds 10 --loss 5)
    OVERHEAD=(--rounds 12 --window 3 --flows 4 --loss 2)
    SCRAPE=(--scrapes 50 --stages "10 1000 10000")
    SCRAPE_NETNS=(--scrapes 30 --stages "1 30 300 1000")
    LOST=(--seconds 3 --flows 8 --loss 10 --syns 10000)
    TOP=(--sockets 10000 --rounds 5) ;;
  smoke)
    GB_MIN=0.001 GB_REPS=1
    COST=(--rounds 1 --syns 2000 --hold 1200 --spread 100 --seconds 1 --loss 5)
    STATE=(--rounds 1 --connects 1000)
    SHARE=(--seconds 1 --loss 5)
    OVERHEAD=(--rounds 1 --window 1 --settle 0.2 --flows 4 --loss 2)
    SCRAPE=(--scrapes 10 --stages "10 100")
    SCRAPE_NETNS=(--scrapes 10 --stages "1 30")
    LOST=(--seconds 1 --flows 2 --loss 10 --syns 200)
    TOP=(--sockets 1000 --rounds 1) ;;
esac

log() { echo "[$(date -u +%H:%M:%S)] run-all: $*" >&2; }
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
WORK=$(mktemp -d /tmp/rxlb-all-$$.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
# Each part runs in its own session (setsid) and is waited for in the
# background, so a signal here is handled at once: the part's whole process
# group (its iperf3s, storms, probes) gets TERM and its own exit trap removes
# its namespaces, nft rules and sysctls before this script exits.
PART_PID=""
on_signal() {
  if [[ -n $PART_PID ]]; then
    kill -TERM -- "-$PART_PID" 2>/dev/null
    wait "$PART_PID" 2>/dev/null
  fi
  exit "$1"
}
trap 'on_signal 130' INT
trap 'on_signal 143' TERM
mkdir -p "$REPORTS"

if ((BUILD_FIRST)); then
  log "building in $BUILD"
  cmake -S "$ROOT" -B "$BUILD" -G 'Unix Makefiles' >"$WORK/cmake.log" || { cat "$WORK/cmake.log" >&2; exit 1; }
  make -C "$BUILD" bench_all -j2 >"$WORK/make.log" 2>&1 || { tail -30 "$WORK/make.log" >&2; exit 1; }
fi

# A part that fails is recorded in the report and the suite goes on; the exit
# status says whether everything ran (what `ctest -L bench` checks).
FAILED=()

# --- in-process benchmarks -------------------------------------------------
for b in bench_metrics bench_map_read bench_expectations; do
  bin=$BUILD/bench/$b
  if ! selected "$b"; then
    echo '{"skipped": "not selected (--only)"}' >"$WORK/gb-$b.json"
    continue
  fi
  if [[ ! -x $bin ]]; then
    echo '{"skipped": "not built"}' >"$WORK/gb-$b.json"
    continue
  fi
  log "$b"
  # Repetitions: the report keeps the median of each, less sensitive to other
  # load on the machine than a single pass.
  if ! "$bin" --benchmark_min_time="$GB_MIN" --benchmark_repetitions="$GB_REPS" --benchmark_report_aggregates_only=true \
    --benchmark_format=json --benchmark_out_format=json --benchmark_out="$WORK/gb-$b.json" >/dev/null 2>"$WORK/$b.log"; then
    FAILED+=("$b")
    jq -n --arg e "$(tail -3 "$WORK/$b.log")" '{failed: $e}' >"$WORK/gb-$b.json"
  fi
done

# --- system level ------------------------------------------------------------
# Each part writes $WORK/parts/NAME.json and its command line to
# $WORK/commands.jsonl; the report takes every part found there.
OV=$ROOT/bench/overhead
mkdir -p "$WORK/parts"
: >"$WORK/commands.jsonl"
run_part() {  # run_part NAME SCRIPT ARGS...
  local name=$1 script=$2; shift 2
  if ! selected "$name"; then
    echo '{"skipped": "not selected (--only)"}' >"$WORK/parts/$name.json"
    return
  fi
  jq -nc --arg k "$name" --arg v "bench/overhead/$script $(printf "%q " "$@")" '{($k): ($v | rtrimstr(" "))}' >>"$WORK/commands.jsonl"
  if [[ $(id -u) -ne 0 ]]; then
    echo '{"skipped": "needs root"}' >"$WORK/parts/$name.json"
    return
  fi
  log "$name: $script $*"
  RXLB_BUILD=$BUILD setsid "$OV/$script" "$@" --out "$WORK/parts/$name.json" 2>"$WORK/$name.log" </dev/null &
  PART_PID=$!
  if ! wait "$PART_PID"; then
    tail -5 "$WORK/$name.log" >&2
    FAILED+=("$name")
    jq -n --arg e "$(tail -3 "$WORK/$name.log")" '{failed: $e}' >"$WORK/parts/$name.json"
  fi
  PART_PID=""
}
run_part probe_cost run-probe-cost.sh "${COST[@]}"
run_part state_cost run-state-cost.sh "${STATE[@]}"
run_part state_cost_accept run-state-cost.sh "${STATE[@]}" --accept
run_part share run-share.sh "${SHARE[@]}"
run_part overhead run-overhead.sh "${OVERHEAD[@]}"
run_part scrape run-scrape.sh "${SCRAPE[@]}"
run_part scrape_netns run-scrape-netns.sh "${SCRAPE_NETNS[@]}"
run_part lost run-lost.sh "${LOST[@]}"
run_part top run-top.sh "${TOP[@]}"

# --- report ------------------------------------------------------------------
JSON=$REPORTS/bench-$STAMP.json
TXT=$REPORTS/bench-$STAMP.txt
for f in "$WORK/parts"/*.json; do jq -c --arg k "$(basename "$f" .json)" '{($k): .}' "$f"; done >"$WORK/parts.jsonl"
jq -n --arg stamp "$STAMP" --arg mode "$MODE" --arg only "$ONLY" --arg kernel "$(uname -r)" --argjson cpus "$(nproc)" \
  --arg load "$(cut -d' ' -f1-3 /proc/loadavg)" --arg commit "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo none)" \
  --arg gb_min "$GB_MIN" --arg gb_reps "$GB_REPS" \
  --slurpfile gm "$WORK/gb-bench_metrics.json" --slurpfile gr "$WORK/gb-bench_map_read.json" \
  --slurpfile ge "$WORK/gb-bench_expectations.json" \
  --slurpfile cmds "$WORK/commands.jsonl" --slurpfile parts "$WORK/parts.jsonl" \
  '{ timestamp: $stamp, mode: $mode, only: ($only | [splits(" +")] | map(select(. != "")) | if . == [] then null else . end),
     commit: $commit,
     host: {kernel: $kernel, cpus: $cpus, loadavg_at_end: $load},
     commands: ({
       bench_metrics: "build-bench/bench/bench_metrics --benchmark_min_time=\($gb_min) --benchmark_repetitions=\($gb_reps)",
       bench_map_read: "build-bench/bench/bench_map_read --benchmark_min_time=\($gb_min) --benchmark_repetitions=\($gb_reps)",
       bench_expectations: "build-bench/bench/bench_expectations --benchmark_min_time=\($gb_min) --benchmark_repetitions=\($gb_reps)"}
       + ($cmds | add // {})),
     google_benchmark: {metrics: $gm[0], map_read: $gr[0], expectations: $ge[0]} }
   + ($parts | add // {})' >"$JSON"
jq -r -L "$ROOT/bench" 'include "report_table"; table' "$JSON" >"$TXT"
cat "$TXT"
log "wrote $JSON and $TXT"
if ((${#FAILED[@]})); then
  log "failed parts: ${FAILED[*]}"
  exit 1
fi
