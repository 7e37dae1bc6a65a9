#!/usr/bin/env bash
# Cost of the probe's inet_sock_set_state program per state change, and what
# it creates for connections that never retransmit. A connect/refuse storm
# (retx-bench-refuse-storm: --connects blocking connects to a closed port in
# the receiver namespace, each refused by an RST: CLOSE -> SYN_SENT -> CLOSE,
# two state changes, no retransmit) runs while one variant is attached, order
# rotated every round:
#   empty     bench/retx_empty.bpf.c on inet_sock_set_state: the floor
#   exporter  retx-exporter (defaults); its state program and, from its
#             retx_stats map (slot RETX_STAT_SK_TRACKED, summed over CPUs, read
#             with bpftool before and after the storm), the per-socket records
#             it created during the storm: should be 0
# ns_per_change = run_time_ns / run_cnt of the programs on that tracepoint
# (lib.sh prog_stats_json, kernel.bpf_stats_enabled=1 for the run);
# ratio_to_empty is over the empty program's run of the same round.
#
# --accept prices established connections instead: the storm listens on the
# sender namespace's loopback and each connect is accepted and then reset
# (three state changes per side, a baseline taken at ESTABLISHED on each
# side and a closed connection in the histogram): what every short
# connection on a host costs, retransmitting or not. sk_tracked_delta is
# then 2 per connect by design.
#
#   run-state-cost.sh [--rounds N] [--connects N] [--accept] [--out FILE]
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ROUNDS=3 CONNECTS=40000 OUT=/dev/stdout WORKLOAD=refuse
while (($#)); do
  case $1 in
    --rounds) ROUNDS=$2; shift 2 ;;
    --connects) CONNECTS=$2; shift 2 ;;
    --accept) WORKLOAD=accept; shift ;;
    --out) OUT=$2; shift 2 ;;
    -h | --help) usage ;;
    *) die "unknown option $1 (--help lists them)" ;;
  esac
done
need_root
need_bins
RUNS=$RXLB_TMP/state.jsonl
: >"$RUNS"
enable_bpf_stats
SK_TRACKED_SLOT=7  # RETX_STAT_SK_TRACKED in bpf/retx_abi.h

measure() {  # measure VARIANT; prints one JSON object
  local pid before=null after=null stats storm
  if [[ $1 == exporter ]]; then
    start_exporter state
    pid=$EXP_PID
    before=$(map_slot_sum "$pid" retx_stats "$SK_TRACKED_SLOT")
  else
    spawn "$RXLB_TMP/empty.out" "$RXLB_TMP/empty.err" "$RXLB_EMPTY" --tracepoint inet_sock_set_state
    pid=$SPAWNED
    wait_for_line "$RXLB_TMP/empty.err" ready 20 || die "empty probe did not start: $(cat "$RXLB_TMP/empty.err")"
  fi
  # Port 7: nobody listens there and neither nft rule of the pair touches it.
  if [[ $WORKLOAD == accept ]]; then
    storm=$(ip netns exec "$NS_S" "$RXLB_REFUSE" "$CONNECTS" 127.0.0.1 7 --accept) || die "accept storm: $storm"
  else
    storm=$(ip netns exec "$NS_S" "$RXLB_REFUSE" "$CONNECTS" "$SERVER_ADDR" 7) || die "refuse storm: $storm"
  fi
  stats=$(prog_stats_json "$pid" inet_sock_set_state)
  [[ $1 == exporter ]] && after=$(map_slot_sum "$pid" retx_stats "$SK_TRACKED_SLOT")
  stop_pid "$pid"
  jq -nc --argjson s "$stats" --argjson st "$storm" --argjson b "$before" --argjson a "$after" \
    '$s + {storm: $st, sk_tracked_delta: (if $a != null and $b != null then $a - $b else null end)}'
}

make_pair st 0 gso
[[ $WORKLOAD == accept ]] && ip -n "$NS_S" link set lo up
VARIANTS=(empty exporter)
for round in $(seq "$ROUNDS"); do
  log "state cost: round $round/$ROUNDS"
  for i in 0 1; do
    v=${VARIANTS[$(((i + round - 1) % 2))]}
    measure "$v" >"$RXLB_TMP/measure.json"
    jq -c --arg v "$v" --argjson r "$round" \
      '{variant: $v, round: $r} + . + {ns_per_change: (if .run_cnt > 0 then .run_time_ns / .run_cnt else null end),
       changes_per_connect: (if .storm.connects > 0 then .run_cnt / .storm.connects * 1000 | round / 1000 else null end)}' \
      "$RXLB_TMP/measure.json" | tee -a "$RUNS" >&2
  done
done

jq -s --argjson connects "$CONNECTS" --arg workload "$WORKLOAD" -L "$(dirname "$0")" '
  include "summarize";
  . as $runs
  | ($runs | map(select(.variant == "empty")) | map({key: (.round | tostring), value: .ns_per_change}) | from_entries) as $floor
  | { workload: $workload, connects: $connects, rounds: ($runs | map(.round) | max), runs: $runs,
      summary: [ $runs | group_by(.variant)[] | . as $V
        | { variant: $V[0].variant, state_changes: ($V | map(.run_cnt) | add),
            changes_per_connect: ($V | map(.changes_per_connect) | median),
            connects_per_second: ($V | map(.storm.connects / .storm.seconds | round) | median),
            ns_per_change: ($V | map(.ns_per_change | round3) | stats),
            ratio_to_empty: ($V | map(if .ns_per_change and $floor[.round | tostring]
                                      then .ns_per_change / $floor[.round | tostring] | round3 else null end) | stats),
            sk_tracked_delta: ($V | map(.sk_tracked_delta) | if all(. == null) then null else map(. // 0) | add end),
            recursion_misses: ($V | map(.recursion_misses) | add) } ] }' "$RUNS" >"$OUT"
