#!/usr/bin/env bash
# Throughput cost of the exporter as CPU time per byte, in windows of one
# long transfer: iperf3 -P --flows runs unpaced between two namespaces (veth,
# nft random loss on the receiver's ingress) for the whole run, and each
# round measures one window per mode, none / exporter / none_ctl, in each of
# the six orders in turn (ORDERS below). The exporter is started before its window and stopped
# after it; every window is preceded and followed by --settle seconds of
# nothing measured, so the exporter's start (BPF load) and stop stay outside.
#
#   run-overhead.sh [--rounds N] [--window S] [--settle S] [--flows N] [--loss "2"]
#                   [--until-floor F [--min-rounds M]] [--out FILE]
#
# --until-floor F stops a loss level's rounds early, at the first multiple of
# six rounds from --min-rounds (default 24) on where its noise floor (below;
# the adjusted one where there is one) is at most F; --rounds is then the most
# it runs. The rule looks at the A/A comparison's interval only, never at the
# exporter's ratio, so it sets how precise the answer is, not what it is (a
# fixed-width interval by sequential sampling); how noisy the machine is
# decides how long that takes.
#
# Per window: the bytes the receiver's namespace took in (IpExt InOctets), the
# segments the sender retransmitted (Tcp RetransSegs: the probe's work), the
# CPU the transfer cost (run time of the iperf3 threads and the ksoftirqd
# threads from /proc/*/schedstat, in ns: this kernel has no IRQ time
# accounting, so softirq work, the probe's included, is charged to the thread
# it interrupted) and the whole machine's busy CPU (CPUs x wall time minus the
# idle time of /proc/uptime, which NO_HZ measures rather than samples).
# Hardware counters (perf stat -a -e cycles,instructions over the window)
# replace the CPU time where the machine exposes them. Why windows of one
# transfer rather than one transfer per mode: a new transfer's slow start,
# connection setup and thread placement moved CPU per byte by up to 30 % from
# run to run here (bench/README.md); within one transfer the windows vary by
# 2-8 %, and the rounds average that down. none_ctl is a second no-probe
# window: its ratio to none is an A/A comparison, the method's noise floor.
# Each window also records what its CPU per byte moves with, per MiB: NET_RX
# softirqs (how the stack batched), the receiver's ACKs, the sender's
# retransmits, the threads' times on a CPU. NET_RX per MiB alone explains half
# of the spread between the windows of a round (correlation 0.70 over 540
# windows), so overhead.jq also adjusts the ratios for it (regression within
# rounds) and reports how far the probe moved it, which would bias that
# adjustment: the verdict reads the adjusted A/A floor (bench/README.md).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ROUNDS=40 WINDOW=4 SETTLE=0.5 FLOWS=4 LOSSES="2" OUT=/dev/stdout UNTIL_FLOOR="" MIN_ROUNDS=24
while (($#)); do
  case $1 in
    --rounds) ROUNDS=$2; shift 2 ;;
    --until-floor) UNTIL_FLOOR=$2; shift 2 ;;
    --min-rounds) MIN_ROUNDS=$2; shift 2 ;;
    --window) WINDOW=$2; shift 2 ;;
    --settle) SETTLE=$2; shift 2 ;;
    --flows) FLOWS=$2; shift 2 ;;
    --loss) LOSSES=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    -h | --help) usage ;;
    *) die "unknown option $1 (--help lists them)" ;;
  esac
done
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || die "--rounds: a positive integer, not '$ROUNDS'"
[[ $WINDOW =~ ^[0-9]+(\.[0-9]+)?$ && $SETTLE =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "--window and --settle: seconds"
[[ -z $UNTIL_FLOOR || $UNTIL_FLOOR =~ ^0?\.[0-9]+$ ]] || die "--until-floor: a ratio below 1 (0.009), not '$UNTIL_FLOOR'"
[[ $MIN_ROUNDS =~ ^[1-9][0-9]*$ ]] || die "--min-rounds: a positive integer, not '$MIN_ROUNDS'"
need_root
need_bins
# Every order of the three modes, one per round, the three rotations of one
# order and then of its mirror: over each six rounds the two no-probe windows
# stand equally often just before and just after the exporter's, within a
# round and across its boundaries, so that whatever a window inherits from its
# neighbours (the exporter's start and stop, drift) biases neither. With the
# rotations alone, none came before the exporter's start and none_ctl after
# its stop two rounds in three, and an A/A comparison that rides on where its
# windows sit is no noise floor.
ORDERS=("none exporter none_ctl" "exporter none_ctl none" "none_ctl none exporter"
        "none none_ctl exporter" "none_ctl exporter none" "exporter none none_ctl")
RUNS=$RXLB_TMP/runs.jsonl
: >"$RUNS"
NCPU=$(nproc)
# perf counts cycles only where the (virtual) CPU exposes a PMU; this VM may not.
PERF=0
perf stat -x, -e cycles true 2>&1 | grep -q '^[0-9]' && PERF=1

# Run time in ns and timeslices of the transfer's threads: both iperf3
# processes' and every ksoftirqd (which one takes the handed-off softirq work
# changes).
transfer_ns() {
  # shellcheck disable=SC2086  # KSOFTIRQD: one path per word
  schedstat_sum /proc/"$IPERF_SRV_PID"/task/*/schedstat /proc/"$CLI_PID"/task/*/schedstat $KSOFTIRQD
}
net_rx_softirqs() { awk '$1 == "NET_RX:" { for (i = 2; i <= NF; i++) s += $i; print s }' /proc/softirqs; }
KSOFTIRQD=$(for p in $(pgrep -x 'ksoftirqd/[0-9]+'); do echo "/proc/$p/schedstat"; done)

idle_s() { awk '{ print $2 }' /proc/uptime; }  # summed over CPUs

window() {  # window LOSS ROUND MODE: one measured window, as a JSON line
  local x0 x1 k0 k1 o0 o1 i0 i1 t0 t1 r0 r1 a0 a1 q0 q1 cycles=null instr=null
  # The receiver's bytes and ACKs in one read, next to the CPU read.
  r0=$(retrans_segs "$NS_S") q0=$(net_rx_softirqs)
  read -r x0 k0 < <(transfer_ns)
  read -r o0 a0 < <(ns_counter "$NS_R" IpExt InOctets Tcp OutSegs)
  i0=$(idle_s) t0=$(date +%s%N)
  if ((PERF)); then
    perf stat -a -x, -o "$RXLB_TMP/perf.csv" -e cycles,instructions -- sleep "$WINDOW"
    cycles=$(awk -F, '$3 == "cycles" { print $1 }' "$RXLB_TMP/perf.csv")
    instr=$(awk -F, '$3 == "instructions" { print $1 }' "$RXLB_TMP/perf.csv")
  else
    sleep "$WINDOW"
  fi
  read -r x1 k1 < <(transfer_ns)
  read -r o1 a1 < <(ns_counter "$NS_R" IpExt InOctets Tcp OutSegs)
  i1=$(idle_s) t1=$(date +%s%N)
  r1=$(retrans_segs "$NS_S") q1=$(net_rx_softirqs)
  kill -0 "$CLI_PID" 2>/dev/null || die "the iperf3 transfer ended early: $(tail -2 "$RXLB_TMP/cli.out")"
  ((o1 > o0)) || die "round $2, $3: no bytes arrived in the $WINDOW s window"
  jq -nc --argjson loss "$1" --argjson round "$2" --arg mode "$3" --argjson bytes $((o1 - o0)) \
    --argjson cpu_ns $((x1 - x0)) --argjson wall_ns $((t1 - t0)) --argjson idle "$(awk -v a="$i0" -v b="$i1" 'BEGIN { print b - a }')" \
    --argjson ncpu "$NCPU" --argjson rtx $((r1 - r0)) \
    --argjson acks $((a1 - a0)) --argjson slices $((k1 - k0)) --argjson net_rx $((q1 - q0)) --argjson cycles "${cycles:-null}" --argjson instr "${instr:-null}" \
    '{loss: $loss, round: $round, mode: $mode, bytes: $bytes, bits_per_second: ($bytes * 8e9 / $wall_ns),
      retrans_segs_per_second: ($rtx * 1e9 / $wall_ns),
      acks_per_mib: ($acks / ($bytes / 1048576)), slices_per_mib: ($slices / ($bytes / 1048576)),
      net_rx_per_mib: ($net_rx / ($bytes / 1048576)), retrans_per_mib: ($rtx / ($bytes / 1048576)),
      cpu_s: ($cpu_ns / 1e9), busy_cpu_s: ($ncpu * $wall_ns / 1e9 - $idle),
      cpu_ns_per_kib: ($cpu_ns / ($bytes / 1024)),
      busy_ns_per_kib: (($ncpu * $wall_ns - $idle * 1e9) / ($bytes / 1024)),
      cycles_per_byte: (if $cycles then $cycles / $bytes else null end),
      instructions_per_byte: (if $instr then $instr / $bytes else null end)}' | tee -a "$RUNS" >&2
}

summarize() {  # summarize ROUNDS: overhead.jq over the windows so far
  jq -s --argjson window "$WINDOW" --argjson flows "$FLOWS" --argjson rounds "$1" --argjson perf "$PERF" \
    -L "$(dirname "$0")" -f "$(dirname "$0")/overhead.jq" "$RUNS"
}

# Whether --until-floor ends loss level LOSS after ROUND rounds: at whole
# cycles of the six orders only, so that every order weighs the same.
floor_reached() {  # floor_reached LOSS ROUND
  [[ -n $UNTIL_FLOOR ]] && (($2 >= MIN_ROUNDS && $2 % 6 == 0)) || return 1
  local f
  local raw f
  read -r raw f < <(summarize "$2" | jq -r --argjson loss "$1" \
    '.summary[] | select(.loss == $loss) | "\(.noise_floor // 1) \(.adjusted.noise_floor // .noise_floor // 1)"')
  log "overhead: loss $1 %, $2 rounds: noise floor $f adjusted, $raw raw (stop at $UNTIL_FLOOR)"
  awk -v f="$f" -v u="$UNTIL_FLOOR" 'BEGIN { exit !(f <= u) }'
}

measure() {  # measure LOSS ROUND MODE
  local pid=""
  [[ $3 == exporter ]] && { start_exporter exporter; pid=$EXP_PID; }
  sleep "$SETTLE"
  window "$@"
  [[ -n $pid ]] && stop_pid "$pid"
  sleep "$SETTLE"
}

DONE_ROUNDS=0 STOPS="{}"
for loss in $LOSSES; do
  make_pair "o$loss" "$loss" gso
  start_iperf_server
  # Long enough for every window with room to spare; stopped once they are done.
  spawn "$RXLB_TMP/cli.out" "$RXLB_TMP/cli.err" ip netns exec "$NS_S" \
    iperf3 -c "$SERVER_ADDR" -p 5201 -P "$FLOWS" -t $((ROUNDS * 3 * (${WINDOW%.*} + 3) + 30))
  CLI_PID=$SPAWNED
  sleep 2  # past slow start
  for round in $(seq "$ROUNDS"); do
    log "overhead: loss $loss %, round $round/$ROUNDS"
    for mode in ${ORDERS[$(((round - 1) % 6))]}; do
      measure "$loss" "$round" "$mode"
    done
    floor_reached "$loss" "$round" && break
  done
  if ((round > DONE_ROUNDS)); then DONE_ROUNDS=$round; fi
  STOPS=$(jq -c --arg loss "$loss" --argjson n "$round" '. + {($loss): $n}' <<<"$STOPS")
  stop_pid "$CLI_PID"
  stop_pid "$IPERF_SRV_PID"
  delete_pair "$PAIR_PREFIX"
done

# stopping: how many rounds each loss level ran, and the rule that set it.
summarize "$DONE_ROUNDS" | jq --argjson stops "$STOPS" --argjson max "$ROUNDS" --argjson min "$MIN_ROUNDS" \
  --arg until "$UNTIL_FLOOR" '. + {stopping: {until_floor: ($until | if . == "" then null else tonumber end),
    min_rounds: (if $until == "" then null else $min end), max_rounds: $max, rounds_by_loss: $stops}}' >"$OUT"
