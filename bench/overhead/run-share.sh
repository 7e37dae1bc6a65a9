#!/usr/bin/env bash
# Share of the machine's busy CPU a probe takes during a lossy bulk transfer:
# iperf3 -P 4 for --seconds under --loss % nft loss while one variant is
# attached, order rotated every round:
#   exporter   retx-exporter (defaults)
#   per_event  bench/per_event: one ring-buffer record per retransmit, and its consumer
#   bpftrace   bench/overhead/tcpretrans_tp.bt, one printed line per retransmit
# Per run: the kernel-side CPU of every program the variant's process holds
# (Δ run_time_ns over the transfer, kernel.bpf_stats_enabled=1), the
# process's own CPU (its threads' schedstat, ns: the consumer's or
# bpftrace's printing; the exporter sleeps between scrapes), both as % of
# the whole machine's busy CPU over the transfer (/proc/stat: everything but
# idle and iowait, so other load on a shared machine dilutes the share), and
# the tcp_retransmit_skb events seen.
#
#   run-share.sh [--rounds N] [--seconds S] [--loss PCT] [--out FILE]
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ROUNDS=1 SECONDS_=20 LOSS=5 OUT=/dev/stdout
while (($#)); do
  case $1 in
    --rounds) ROUNDS=$2; shift 2 ;;
    --seconds) SECONDS_=$2; shift 2 ;;
    --loss) LOSS=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    -h | --help) usage ;;
    *) die "unknown option $1 (--help lists them)" ;;
  esac
done
need_root
need_bins
RUNS=$RXLB_TMP/share.jsonl
: >"$RUNS"
enable_bpf_stats

start_variant() {  # sets PROBE_PID
  case $1 in
    exporter) start_exporter share; PROBE_PID=$EXP_PID ;;
    per_event)
      spawn "$RXLB_TMP/pe.out" "$RXLB_TMP/pe.err" "$RXLB_PER_EVENT"
      PROBE_PID=$SPAWNED
      wait_for_line "$RXLB_TMP/pe.err" ready 20 || die "per-event did not start: $(cat "$RXLB_TMP/pe.err")" ;;
    bpftrace)
      spawn "$RXLB_TMP/bt.out" "$RXLB_TMP/bt.err" "${RXLB_BPFTRACE[@]}" "$RXLB_BT"
      PROBE_PID=$SPAWNED
      wait_for_line "$RXLB_TMP/bt.out" '^TIME' 30 || die "bpftrace did not start: $(cat "$RXLB_TMP/bt.err")" ;;
  esac
}

snapshot() {  # snapshot PID: one JSON object of the counters a run differences
  jq -nc --argjson all "$(prog_stats_json "$1" all)" --argjson skb "$(prog_stats_json "$1")" \
    --argjson busy "$(cpu_busy_jiffies)" --argjson proc "$(proc_cpu_ns "$1")" --argjson t "$(date +%s.%N)" \
    '{prog_ns: $all.run_time_ns, events: ($skb.run_cnt / ([$skb.programs, 1] | max)), busy_ns: ($busy * 1e9 / '"$CLK_TCK"'),
      proc_ns: $proc, t: $t}'
}

run_one() {  # run_one ROUND VARIANT
  local a b
  start_variant "$2"
  a=$(snapshot "$PROBE_PID")
  iperf_client "$NS_S" "$RXLB_TMP/iperf.out" -c "$SERVER_ADDR" -p 5201 -t "$SECONDS_" -P 4 ||
    die "iperf3 failed: $(tail -2 "$RXLB_TMP/iperf.out")"
  b=$(snapshot "$PROBE_PID")
  stop_pid "$PROBE_PID"
  jq -nc --argjson a "$a" --argjson b "$b" --argjson r "$1" --arg v "$2" '
    ($b.busy_ns - $a.busy_ns) as $busy
    | {variant: $v, round: $r, seconds: ($b.t - $a.t), events: ($b.events - $a.events | round),
       prog_ns: ($b.prog_ns - $a.prog_ns), proc_ns: ($b.proc_ns - $a.proc_ns), busy_ns: $busy,
       busy_cpus: ($busy / 1e9 / ($b.t - $a.t)),
       prog_share_pct: (if $busy > 0 then ($b.prog_ns - $a.prog_ns) / $busy * 100 else null end),
       proc_share_pct: (if $busy > 0 then ($b.proc_ns - $a.proc_ns) / $busy * 100 else null end)}'
}

make_pair sh "$LOSS" gso
start_iperf_server
VARIANTS=(exporter per_event bpftrace)
for round in $(seq "$ROUNDS"); do
  log "share: round $round/$ROUNDS"
  for i in 0 1 2; do
    run_one "$round" "${VARIANTS[$(((i + round - 1) % 3))]}" | tee -a "$RUNS" >&2
  done
done

jq -s --argjson s "$SECONDS_" --argjson l "$LOSS" -L "$(dirname "$0")" '
  include "summarize";
  { seconds: $s, loss: $l, rounds: (map(.round) | max), runs: .,
    summary: [ group_by(.variant)[] | . as $V
      | { variant: $V[0].variant, events_per_second: ($V | map(.events / .seconds) | median | round),
          busy_cpus: ($V | map(.busy_cpus) | median | round3),
          prog_share_pct: ($V | map(.prog_share_pct) | stats | map_values(if type == "number" then . * 10000 | round / 10000 else . end)),
          proc_share_pct: ($V | map(.proc_share_pct) | stats | map_values(if type == "number" then . * 10000 | round / 10000 else . end)),
          total_share_pct: ($V | map(.prog_share_pct + .proc_share_pct) | median | . * 10000 | round / 10000),
          ns_per_event: ($V | map(if .events > 0 then .prog_ns / .events else null end) | median | round3) } ] }' "$RUNS" >"$OUT"
