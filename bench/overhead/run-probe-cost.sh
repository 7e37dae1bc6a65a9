#!/usr/bin/env bash
# Probe cost per retransmit event: bpf_stats run_time_ns / run_cnt of each
# tool's tcp_retransmit_skb program, kernel.bpf_stats_enabled=1 for the run
# (restored at exit), in two workloads:
#   syn   a SYN storm: retx-bench-syn-storm opens --syns connections paced
#         over --spread ms to ports whose SYNs nft drops and closes each
#         --hold ms after its open; with the kernel's linear SYN timeouts
#         (net.ipv4.tcp_syn_linear_timeouts, 4 by default) every connection
#         retransmits once a second: ~25k events/s at 25,000 connections
#   bulk  iperf3 -P 4 for --seconds under --loss % nft loss (~5k events/s)
# Variants, one attached at a time, order rotated every round:
#   empty         bench/retx_empty.bpf.c: the floor any program on this tracepoint pays
#   exporter      retx-exporter, peer labels off (the default)
#   exporter_peer retx-exporter --peer-labels --series-budget 20000
#   per_event     bench/per_event: one ring-buffer record per retransmit
#   bpftrace      bench/overhead/tcpretrans_tp.bt (kernel side only)
# and with --parts, in both workloads, the exporter's work split into parts
# (bench/cost_parts: part_reads, part_direct, part_map, part_sk, and part_map's
# halves part_stat and part_hash; part_slot prices a design the exporter does
# not use: per-socket state caching a per-CPU array row index).
# --baseline-exporter BIN adds exporter_base and exporter_peer_base, another
# build's exporter (e.g. main's) with the same flags as exporter and
# exporter_peer, so that a probe change is priced against what it replaces in
# the same run (base_ratio, peer_base_ratio: ours over theirs per round);
# --variants "..." runs only those variants (empty is always kept: every ratio
# is over it); it also takes the part_* variants and exporter_raw_tp, the
# exporter on its fallback attach flavour (--attach raw_tp: probe reads and an
# LRU hash of socket pointers instead of BTF loads and socket storage), neither
# run by default.
# Figures come from each process's /proc/PID/fdinfo (lib.sh: prog_stats_json),
# the same way for every tool; bpftrace runs one program per address family on
# every event, so its cost per event is the sum over them. ratio_to_empty is
# each run over the empty program's run of the same workload and round;
# peer_ratio is exporter_peer over exporter in the same round.
#
#   run-probe-cost.sh [--workloads "syn bulk"] [--rounds N] [--syns N] [--hold MS]
#                     [--spread MS] [--seconds S] [--loss PCT] [--parts] [--variants LIST]
#                     [--baseline-exporter BIN] [--out FILE]
set -euo pipefail
source "$(dirname "$0")/lib.sh"

WORKLOADS="syn bulk" ROUNDS=3 SYNS=25000 HOLD=3500 SPREAD=1000 SECONDS_=4 LOSS=5 PARTS=0 OUT=/dev/stdout
ALL_VARIANTS="empty exporter exporter_peer per_event bpftrace" ONLY="" BASELINE=""
PART_VARIANTS="part_reads part_direct part_map part_sk part_stat part_hash part_slot"
KNOWN_VARIANTS="$ALL_VARIANTS exporter_raw_tp $PART_VARIANTS"
while (($#)); do
  case $1 in
    --workloads) WORKLOADS=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --syns) SYNS=$2; shift 2 ;;
    --hold) HOLD=$2; shift 2 ;;
    --spread) SPREAD=$2; shift 2 ;;
    --seconds) SECONDS_=$2; shift 2 ;;
    --loss) LOSS=$2; shift 2 ;;
    --parts) PARTS=1; shift ;;
    --variants) ONLY=$2; shift 2 ;;
    --baseline-exporter) BASELINE=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    -h | --help) usage ;;
    *) die "unknown option $1 (--help lists them)" ;;
  esac
done
need_root
need_bins
[[ -z $BASELINE || -x $BASELINE ]] || die "--baseline-exporter $BASELINE: not an executable"
for v in $ONLY; do
  [[ " $KNOWN_VARIANTS " == *" $v "* ]] || die "--variants: unknown variant '$v' (known: $KNOWN_VARIANTS)"
done
RUNS=$RXLB_TMP/cost.jsonl
: >"$RUNS"
enable_bpf_stats

# Starts VARIANT's probe, waits until it is attached; sets PROBE_PID.
start_variant() {
  case $1 in
    exporter*)  # exporter, exporter_peer, exporter_raw_tp; NAME_base: the same flags, --baseline-exporter's binary
      local bin=$RXLB_EXPORTER args=()
      [[ $1 == *_base ]] && bin=$BASELINE
      case ${1%_base} in
        exporter_peer) args=(--peer-labels --series-budget 20000) ;;
        exporter_raw_tp) args=(--attach raw_tp) ;;
      esac
      RXLB_EXPORTER=$bin start_exporter cost "${args[@]}"
      PROBE_PID=$EXP_PID
      return ;;
    empty) spawn "$RXLB_TMP/cost.out" "$RXLB_TMP/cost.err" "$RXLB_EMPTY" ;;
    per_event) spawn "$RXLB_TMP/cost.out" "$RXLB_TMP/cost.err" "$RXLB_PER_EVENT" ;;
    part_*) spawn "$RXLB_TMP/cost.out" "$RXLB_TMP/cost.err" "$RXLB_PARTS" --part "${1#part_}" ;;
    bpftrace)
      spawn "$RXLB_TMP/cost.out" "$RXLB_TMP/cost.err" "${RXLB_BPFTRACE[@]}" "$RXLB_BT"
      PROBE_PID=$SPAWNED
      wait_for_line "$RXLB_TMP/cost.out" '^TIME' 30 || die "bpftrace did not start: $(cat "$RXLB_TMP/cost.err")"
      return ;;
  esac
  PROBE_PID=$SPAWNED
  wait_for_line "$RXLB_TMP/cost.err" ready 20 || die "$1 did not start: $(cat "$RXLB_TMP/cost.err")"
}

drive() {  # drive WORKLOAD
  if [[ $1 == syn ]]; then
    ip netns exec "$NS_S" "$RXLB_STORM" "$SYNS" "$SERVER_ADDR" 9 "$HOLD" "$SPREAD" >/dev/null ||
      log "syn storm opened fewer connections than $SYNS"
  else
    iperf_client "$NS_S" "$RXLB_TMP/storm.out" -c "$SERVER_ADDR" -p 5201 -t "$SECONDS_" -P 4 ||
      die "iperf3 failed: $(tail -2 "$RXLB_TMP/storm.out")"
  fi
}

# Seconds in which the workload's events happen: the transfer; or, for the
# storm, from the first connection's first retransmit (1 s after its open) to
# the last one's last (k retransmits a second apart while held).
active_seconds() {  # active_seconds WORKLOAD
  if [[ $1 == syn ]]; then awk -v h="$HOLD" -v s="$SPREAD" 'BEGIN { print int(h / 1000) - 1 + s / 1000 }'
  else echo "$SECONDS_"; fi
}

# Runs one workload under VARIANT and prints its program's fdinfo stats, with
# the sender namespace's own RetransSegs delta: the programs see every
# namespace, and other users of a shared machine add their events.
measure() {  # measure WORKLOAD VARIANT
  local stats state='{"run_time_ns":0}' r0
  start_variant "$2"
  r0=$(retrans_segs "$NS_S")
  drive "$1"
  stats=$(prog_stats_json "$PROBE_PID")  # before stopping: the fds close with the process
  # The exporter's state program works for the same connections (their
  # setup and close): priced beside the probe, so that a change moving work
  # from one program to the other shows. Only the exporter has a program
  # there (and prog_stats_json counts every program of a tool whose links
  # name no tracepoint, such as bpftrace).
  [[ $2 == exporter* ]] && state=$(prog_stats_json "$PROBE_PID" inet_sock_set_state)
  jq -c --argjson s "$(active_seconds "$1")" --argjson n "$(($(retrans_segs "$NS_S") - r0))" --argjson st "$state" \
    '. + {active_seconds: $s, netns_retrans_segs: $n, state_run_time_ns: $st.run_time_ns}' <<<"$stats"
  stop_pid "$PROBE_PID"
}

# GSO kept, as on a host: a hit retransmits one skb of one or more segments,
# so hits per second swing with how the stack batched them (netns_retrans_segs
# counts segments); every variant of a round shares that.
make_pair pc "$LOSS" gso
# 25,000 connections held at once outnumber the default 28k ephemeral ports per destination.
ip netns exec "$NS_S" sysctl -qw net.ipv4.ip_local_port_range="1024 65535"
start_iperf_server
for workload in $WORKLOADS; do
  VARIANTS=(empty)
  for v in ${ONLY:-$ALL_VARIANTS}; do [[ $v == empty ]] || VARIANTS+=("$v"); done
  if [[ -n $BASELINE ]]; then
    for v in exporter exporter_peer; do [[ " ${VARIANTS[*]} " == *" $v "* ]] && VARIANTS+=("${v}_base"); done
  fi
  # shellcheck disable=SC2206 # a word list
  ((PARTS)) && VARIANTS+=($PART_VARIANTS)
  for round in $(seq "$ROUNDS"); do
    log "probe cost: $workload, round $round/$ROUNDS"
    n=${#VARIANTS[@]}
    for i in $(seq 0 $((n - 1))); do
      v=${VARIANTS[$(((i + round - 1) % n))]}
      # Not in a pipeline: measure spawns processes, and a subshell's die would
      # skip this shell's cleanup of them.
      measure "$workload" "$v" >"$RXLB_TMP/measure.json"
      jq -c --arg w "$workload" --arg v "$v" --argjson r "$round" \
        '{workload: $w, variant: $v, round: $r} + . + {events: (.run_cnt / ([.programs, 1] | max) | round),
         ns_per_event: (if .run_cnt > 0 then .run_time_ns / (.run_cnt / ([.programs, 1] | max)) else null end)}
         | . + {state_ns_per_event: (if .events > 0 then .state_run_time_ns / .events else null end)}
         | . + {events_per_second: (.events / .active_seconds | round)}' \
        "$RXLB_TMP/measure.json" | tee -a "$RUNS" >&2
    done
  done
done

jq -s --argjson loss "$LOSS" --argjson cfg "$(jq -nc --argjson syns "$SYNS" --argjson hold "$HOLD" --argjson spread "$SPREAD" \
  --argjson s "$SECONDS_" --argjson l "$LOSS" --argjson r "$ROUNDS" '{syns: $syns, hold_ms: $hold, spread_ms: $spread, bulk_seconds: $s, loss: $l, rounds: $r}')" \
  -L "$(dirname "$0")" -f "$(dirname "$0")/probe_cost.jq" "$RUNS" >"$OUT"
