#!/usr/bin/env bash
# Probe cost per event on the real retransmit path: bpf_stats run_time_ns /
# run_cnt of each tool's tcp_retransmit_skb program while an iperf3 bulk
# transfer under nft loss drives a retransmit storm, with
# kernel.bpf_stats_enabled=1 for the run (restored at exit). Variants, one at a
# time, order rotated every round:
#   exporter      retx-exporter, peer labels off (the default)
#   exporter_peer retx-exporter --peer-labels --series-budget 20000
#   empty         bench/retx_empty.bpf.c: the floor any program on this tracepoint pays
#   per_event     bench/per_event: one ring-buffer record per retransmit
#   bpftrace      bench/overhead/tcpretrans_tp.bt (kernel side only)
#   part_reads, part_direct, part_map, part_sk
#                 bench/cost_parts: the exporter's work split into its field
#                 reads (helper calls), the same reads as direct BTF loads, its
#                 per-CPU hash update and its per-socket storage: what the
#                 exporter's figure is made of
# Figures come from each process's /proc/PID/fdinfo (lib.sh: prog_stats_json),
# the same way for every tool; bpftrace runs one program per address family on
# every event, so its cost per event is the sum over them. ratio_to_empty compares with the empty program
# measured in the same round.
#
#   run-probe-cost.sh [--rounds N] [--bytes SIZE] [--loss PCT] [--out FILE]
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ROUNDS=3 BYTES=512M LOSS=5 OUT=/dev/stdout
while (($#)); do
  case $1 in
    --rounds) ROUNDS=$2; shift 2 ;;
    --bytes) BYTES=$2; shift 2 ;;
    --loss) LOSS=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    *) die "unknown option $1" ;;
  esac
done
need_root
need_bins
VARIANTS=(exporter exporter_peer empty per_event bpftrace part_reads part_direct part_map part_sk)
RUNS=$RXLB_TMP/cost.jsonl
: >"$RUNS"
enable_bpf_stats

# Runs one storm under VARIANT and prints its program's fdinfo stats.
measure() {  # measure VARIANT
  local pid stats
  case $1 in
    exporter) start_exporter cost; pid=$EXP_PID ;;
    exporter_peer) start_exporter cost --peer-labels --series-budget 20000; pid=$EXP_PID ;;
    empty | per_event)
      local bin=$RXLB_EMPTY
      [[ $1 == per_event ]] && bin=$RXLB_PER_EVENT
      spawn "$RXLB_TMP/cost.out" "$RXLB_TMP/cost.err" "$bin"
      pid=$SPAWNED
      wait_for_line "$RXLB_TMP/cost.err" ready 20 || die "$1 did not start: $(cat "$RXLB_TMP/cost.err")" ;;
    part_*)
      spawn "$RXLB_TMP/cost.out" "$RXLB_TMP/cost.err" "$RXLB_PARTS" --part "${1#part_}"
      pid=$SPAWNED
      wait_for_line "$RXLB_TMP/cost.err" ready 20 || die "$1 did not start: $(cat "$RXLB_TMP/cost.err")" ;;
    bpftrace)
      spawn "$RXLB_TMP/cost.out" "$RXLB_TMP/cost.err" "${RXLB_BPFTRACE[@]}" "$RXLB_BT"
      pid=$SPAWNED
      wait_for_line "$RXLB_TMP/cost.out" '^TIME' 30 || die "bpftrace did not start: $(cat "$RXLB_TMP/cost.err")" ;;
  esac
  storm
  stats=$(prog_stats_json "$pid")  # before stopping: the fds close with the process
  stop_pid "$pid"
  echo "$stats"
}

storm() {
  iperf_client "$NS_S" "$RXLB_TMP/storm.out" -c "$SERVER_ADDR" -p 5201 -n "$BYTES" -P 4 ||
    die "iperf3 failed: $(tail -2 "$RXLB_TMP/storm.out")"
}

make_pair pc "$LOSS" gso
spawn "$RXLB_TMP/iperf-s.out" "$RXLB_TMP/iperf-s.err" ip netns exec "$NS_R" iperf3 -s -p 5201
sleep 0.3
for round in $(seq "$ROUNDS"); do
  log "probe cost: round $round/$ROUNDS"
  n=${#VARIANTS[@]}
  for i in $(seq 0 $((n - 1))); do
    v=${VARIANTS[$(((i + round - 1) % n))]}
    # Not in a pipeline: measure spawns processes, and a subshell's die would
    # skip this shell's cleanup of them.
    measure "$v" >"$RXLB_TMP/measure.json"
    jq -c --arg v "$v" --argjson r "$round" \
      '{variant: $v, round: $r} + . + {events: (.run_cnt / ([.programs, 1] | max) | round),
       ns_per_event: (if .run_cnt > 0 then .run_time_ns / (.run_cnt / ([.programs, 1] | max)) else null end)}' \
      "$RXLB_TMP/measure.json" | tee -a "$RUNS" >&2
  done
done

jq -s --argjson loss "$LOSS" --arg bytes "$BYTES" -L "$(dirname "$0")" '
  include "summarize";
  . as $runs
  | ($runs | map(select(.variant == "empty")) | map({key: (.round | tostring), value: .ns_per_event}) | from_entries) as $floor
  | { loss: $loss, bytes: $bytes, runs: $runs,
      summary: [ $runs | group_by(.variant)[] | . as $V
        | { variant: $V[0].variant, events: ($V | map(.events) | add), recursion_misses: ($V | map(.recursion_misses) | add),
            ns_per_event: ($V | map(.ns_per_event | round3) | stats),
            ns_over_empty: ($V | map(if .ns_per_event and $floor[.round | tostring]
                                     then .ns_per_event - $floor[.round | tostring] | round3 else null end) | stats),
            ratio_to_empty: ($V | map(if .ns_per_event and $floor[.round | tostring]
                                      then .ns_per_event / $floor[.round | tostring] | round3 else null end) | stats),
            runs_without_events: ($V | map(select(.run_cnt == 0)) | length) } ] }' "$RUNS" >"$OUT"
