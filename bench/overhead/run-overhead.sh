#!/usr/bin/env bash
# System overhead of each way to watch retransmissions, against no probe, in
# one run: a fixed-size iperf3 bulk transfer between two namespaces (veth, nft
# random loss on the receiver's prerouting), rounds of A B C D E with the order
# rotated every round, so every probe run has a no-probe run next to it in time.
# Unpaced on purpose: on 2 cores the transfer is CPU-bound, so probe overhead
# shows as lost throughput as well as CPU.
#
#   run-overhead.sh [--rounds N] [--bytes SIZE] [--flows N] [--loss "2 5"] [--out FILE]
#
# Per run: throughput (iperf3 receiver), whole-machine busy CPU seconds
# (/proc/stat delta around the transfer), sender retransmits; per-event mode's
# lost records and bpftrace's printed lines. The summary holds, per loss level
# and mode, ratios to the no-probe run of the same round: min / median / max.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

# 4 parallel flows: one lossy flow's throughput swings with every RTO it hits;
# four average that out and keep both cores busy.
ROUNDS=5 BYTES=2G FLOWS=4 LOSSES="2 5" OUT=/dev/stdout
while (($#)); do
  case $1 in
    --rounds) ROUNDS=$2; shift 2 ;;
    --bytes) BYTES=$2; shift 2 ;;
    --flows) FLOWS=$2; shift 2 ;;
    --loss) LOSSES=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    *) die "unknown option $1" ;;
  esac
done
need_root
need_bins
# none_ctl is a second run without any probe: its "ratio to no probe" is the
# noise floor of this machine, to read every other ratio against.
MODES=(none exporter bpftrace per_event none_ctl)
RUNS=$RXLB_TMP/runs.jsonl
: >"$RUNS"

# Starts MODE's probe and waits until it is attached; sets PROBE_PID ("" for none).
start_probe() {
  PROBE_PID=""
  case $1 in
    none | none_ctl) ;;
    exporter)
      start_exporter exporter
      PROBE_PID=$EXP_PID ;;
    bpftrace)
      spawn "$RXLB_TMP/bt.out" "$RXLB_TMP/bt.err" "${RXLB_BPFTRACE[@]}" "$RXLB_BT"
      PROBE_PID=$SPAWNED
      # The header is printed by BEGIN, which runs after every probe is attached.
      wait_for_line "$RXLB_TMP/bt.out" '^TIME' 30 || die "bpftrace did not start: $(cat "$RXLB_TMP/bt.err")" ;;
    per_event)
      spawn "$RXLB_TMP/pe.out" "$RXLB_TMP/pe.err" "$RXLB_PER_EVENT"
      PROBE_PID=$SPAWNED
      wait_for_line "$RXLB_TMP/pe.err" 'ready' 20 || die "per-event did not start: $(cat "$RXLB_TMP/pe.err")" ;;
  esac
}

# Stops the probe and prints its mode-specific figures as a JSON object.
stop_probe() {
  case $1 in
    none | none_ctl) echo '{}' ;;
    exporter)
      curl -sf "$EXP_URL" >"$RXLB_TMP/exp.prom" || true
      stop_pid "$PROBE_PID"
      jq -n --argjson hits "$(prom_sum "$RXLB_TMP/exp.prom" retx_exporter_tracepoint_hits_total 'tcp_retransmit_skb')" \
        --argjson lost "$(prom_sum "$RXLB_TMP/exp.prom" retx_exporter_lost_hits_total)" '{hits: $hits, lost: $lost}' ;;
    bpftrace)
      stop_pid "$PROBE_PID"
      # One line per event between the header and the END output (@hits: N).
      local lines hits lost
      lines=$(grep -cE '^[0-9]{2}:[0-9]{2}:[0-9]{2} ' "$RXLB_TMP/bt.out" || true)
      hits=$(awk '/^@hits:/ { print $2 }' "$RXLB_TMP/bt.out")
      lost=$(grep -hoiE 'lost [0-9]+ events' "$RXLB_TMP/bt.out" "$RXLB_TMP/bt.err" | awk '{ s += $2 } END { print s + 0 }')
      jq -n --argjson l "${lines:-0}" --argjson h "${hits:-0}" --argjson lost "$lost" \
        '{lines: $l, hits: $h, lost: $lost}' ;;
    per_event)
      stop_pid "$PROBE_PID"
      jq -c '{hits, records, lost, ringbuf_kib}' "$RXLB_TMP/pe.out" ;;
  esac
}

run_one() {  # run_one LOSS ROUND MODE
  local loss=$1 round=$2 mode=$3 c0 c1 extra
  start_probe "$mode"
  c0=$(cpu_busy_jiffies)
  iperf_client "$NS_S" "$RXLB_TMP/iperf.json" -c "$SERVER_ADDR" -p 5201 -n "$BYTES" -P "$FLOWS" -J ||
    die "iperf3 failed: $(jq -r '.error // empty' "$RXLB_TMP/iperf.json" 2>/dev/null || cat "$RXLB_TMP/iperf.json")"
  c1=$(cpu_busy_jiffies)
  extra=$(stop_probe "$mode")
  jq -c --argjson loss "$loss" --argjson round "$round" --arg mode "$mode" \
    --argjson cpu "$(awk -v a="$c0" -v b="$c1" -v t="$CLK_TCK" 'BEGIN { print (b - a) / t }')" \
    --argjson extra "$extra" \
    '{loss: $loss, round: $round, mode: $mode,
      bits_per_second: .end.sum_received.bits_per_second, seconds: .end.sum_received.seconds,
      retransmits: .end.sum_sent.retransmits, cpu_seconds: $cpu} + {probe: $extra}' \
    "$RXLB_TMP/iperf.json" | tee -a "$RUNS" >&2
}

for loss in $LOSSES; do
  make_pair "o$loss" "$loss" gso
  spawn "$RXLB_TMP/iperf-s.out" "$RXLB_TMP/iperf-s.err" ip netns exec "$NS_R" iperf3 -s -p 5201
  srv=$SPAWNED
  sleep 0.3
  iperf_client "$NS_S" "$RXLB_TMP/warmup.out" -c "$SERVER_ADDR" -p 5201 -n 64M || die "iperf3 warm-up failed"  # caches, ARP
  for round in $(seq "$ROUNDS"); do
    log "overhead: loss $loss %, round $round/$ROUNDS"
    n=${#MODES[@]}
    for i in $(seq 0 $((n - 1))); do
      run_one "$loss" "$round" "${MODES[$(((i + round - 1) % n))]}"
    done
  done
  stop_pid "$srv"
  delete_pair "$PAIR_PREFIX"
done

jq -s --arg bytes "$BYTES" --argjson flows "$FLOWS" --argjson rounds "$ROUNDS" -L "$(dirname "$0")" '
  include "summarize";
  . as $runs
  | { bytes: $bytes, flows: $flows, rounds: $rounds, runs: $runs,
      summary: [ $runs | group_by(.loss)[] | . as $L
        | ($L | map(select(.mode == "none")) | map({key: (.round | tostring), value: .}) | from_entries) as $base
        | ($L | group_by(.mode)[] | . as $M
          | { loss: $M[0].loss, mode: $M[0].mode,
              throughput_gbit_median: ($M | map(.bits_per_second / 1e9) | median | round3),
              cpu_seconds_median: ($M | map(.cpu_seconds) | median | round3),
              retransmits_median: ($M | map(.retransmits) | median),
              throughput_ratio: ($M | map(.bits_per_second / $base[.round | tostring].bits_per_second | round3) | stats),
              cpu_ratio: ($M | map(.cpu_seconds / $base[.round | tostring].cpu_seconds | round3) | stats),
              lost_events: ($M | map(.probe.lost // 0) | add),
              events: ($M | map(.probe.hits // 0) | add) }) ] }' "$RUNS" >"$OUT"
