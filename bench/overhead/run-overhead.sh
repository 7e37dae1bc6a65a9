#!/usr/bin/env bash
# Throughput cost of the exporter as CPU time per byte transferred, which a
# shared 2-core machine resolves far better than iperf3's throughput: a
# fixed-size iperf3 transfer (--bytes over --flows flows) between two
# namespaces (veth, nft random loss on the receiver's prerouting), rounds of
# none / exporter / none_ctl with the order rotated every round.
#
#   run-overhead.sh [--rounds N] [--bytes SIZE] [--flows N] [--loss "2"] [--out FILE]
#
# Per run: the user + system CPU of the iperf3 client and server
# (getrusage of each, via bash's `time`: this kernel has no IRQ time
# accounting, so the softirq work done in their context, the probe's
# included, is charged to them) plus the ksoftirqd threads' (the softirq
# work handed off; other users' too), the whole machine's busy CPU (/proc/stat,
# includes other users of the machine) and the bytes received. Hardware
# counters (perf stat -e cycles,instructions) are used instead of CPU time
# where the machine exposes them. none_ctl is a second no-probe run: its
# ratio to none is the method's noise floor, against which exporter / none is read.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ROUNDS=5 BYTES=2G FLOWS=4 LOSSES="2" OUT=/dev/stdout
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
MODES=(none exporter none_ctl)
RUNS=$RXLB_TMP/runs.jsonl
: >"$RUNS"
# perf counts cycles only where the (virtual) CPU exposes a PMU; this VM may not.
PERF=0
perf stat -x, -e cycles true 2>&1 | grep -q '^[0-9]' && PERF=1

# Runs a command; its (and its children's) CPU goes to OUTFILE as "user_s sys_s".
timed() {  # timed OUTFILE cmd...
  local out=$1; shift
  local TIMEFORMAT='%3U %3S'
  { time "$@" 2>&4; } 4>&2 2>"$out"
}

# The one-off server (-1) is started per run so its rusage is this run's alone.
start_server() {
  local i
  spawn "$RXLB_TMP/srv.out" /dev/null bash -c "$(declare -f timed); "'timed "$1" ip netns exec "$2" iperf3 -s -1 -p 5201 >/dev/null' \
    _ "$RXLB_TMP/srv.time" "$NS_R"
  SRV_PID=$SPAWNED
  for i in $(seq 100); do
    if ip netns exec "$NS_R" ss -Htln 'sport = :5201' | grep -q .; then
      # The server itself (a grandchild) too, so cleanup finds it if the run is stopped.
      ip netns pids "$NS_R" >>"$RXLB_TMP/pids"
      return 0
    fi
    sleep 0.05
  done
  die "iperf3 server did not listen"
}

client() {  # the measured transfer; with a PMU, cycles and instructions of the whole machine
  if ((PERF)); then
    perf stat -a -x, -o "$RXLB_TMP/perf.csv" -e cycles,instructions -- \
      ip netns exec "$NS_S" iperf3 -c "$SERVER_ADDR" -p 5201 -n "$BYTES" -P "$FLOWS" -J >"$RXLB_TMP/iperf.json"
  else
    ip netns exec "$NS_S" iperf3 -c "$SERVER_ADDR" -p 5201 -n "$BYTES" -P "$FLOWS" -J >"$RXLB_TMP/iperf.json"
  fi
}

# Run time of the ksoftirqd threads in ns (schedstat: exact): under load the
# kernel hands the transfer's softirq work to them instead of running it in
# the iperf3 processes' context, and which one does it changes from run to run.
ksoftirqd_ns() {
  local p s=0 t
  for p in $(pgrep -x 'ksoftirqd/[0-9]+'); do
    read -r t _ <"/proc/$p/schedstat" && s=$((s + t))
  done
  echo "$s"
}

run_one() {  # run_one LOSS ROUND MODE
  local loss=$1 round=$2 mode=$3 c0 c1 k0 k1 pid="" cycles=null instr=null
  [[ $mode == exporter ]] && { start_exporter exporter; pid=$EXP_PID; }
  start_server
  c0=$(cpu_busy_jiffies) k0=$(ksoftirqd_ns)
  timed "$RXLB_TMP/cli.time" client || die "iperf3 failed: $(jq -r '.error // empty' "$RXLB_TMP/iperf.json" 2>/dev/null)"
  c1=$(cpu_busy_jiffies) k1=$(ksoftirqd_ns)
  wait "$SRV_PID" 2>/dev/null || true
  [[ -n $pid ]] && stop_pid "$pid"
  if ((PERF)); then
    cycles=$(awk -F, '$3 == "cycles" { print $1 }' "$RXLB_TMP/perf.csv")
    instr=$(awk -F, '$3 == "instructions" { print $1 }' "$RXLB_TMP/perf.csv")
  fi
  jq -c --argjson loss "$loss" --argjson round "$round" --arg mode "$mode" \
    --argjson busy "$(awk -v a="$c0" -v b="$c1" -v t="$CLK_TCK" 'BEGIN { print (b - a) / t }')" \
    --argjson cli "[$(sed 's/ /,/' "$RXLB_TMP/cli.time")]" --argjson srv "[$(sed 's/ /,/' "$RXLB_TMP/srv.time")]" \
    --argjson ksoft "$(((k1 - k0)))" --argjson cycles "${cycles:-null}" --argjson instr "${instr:-null}" \
    '.end.sum_received.bytes as $b
     | {loss: $loss, round: $round, mode: $mode, bytes: $b,
        bits_per_second: .end.sum_received.bits_per_second, retransmits: .end.sum_sent.retransmits,
        client_cpu_s: ($cli | add), server_cpu_s: ($srv | add), ksoftirqd_cpu_s: ($ksoft / 1e9), busy_cpu_s: $busy,
        cpu_ns_per_kib: ((($cli + $srv | add) * 1e9 + $ksoft) / ($b / 1024)),
        busy_ns_per_kib: ($busy * 1e9 / ($b / 1024)),
        cycles_per_byte: (if $cycles then $cycles / $b else null end),
        instructions_per_byte: (if $instr then $instr / $b else null end)}' \
    "$RXLB_TMP/iperf.json" | tee -a "$RUNS" >&2
}

for loss in $LOSSES; do
  make_pair "o$loss" "$loss" gso
  start_server
  ip netns exec "$NS_S" iperf3 -c "$SERVER_ADDR" -p 5201 -n 64M >/dev/null || die "iperf3 warm-up failed"  # caches, ARP
  wait "$SRV_PID" 2>/dev/null || true
  for round in $(seq "$ROUNDS"); do
    log "overhead: loss $loss %, round $round/$ROUNDS"
    for i in 0 1 2; do
      run_one "$loss" "$round" "${MODES[$(((i + round - 1) % 3))]}"
    done
  done
  delete_pair "$PAIR_PREFIX"
done

jq -s --arg bytes "$BYTES" --argjson flows "$FLOWS" --argjson rounds "$ROUNDS" --argjson perf "$PERF" \
  -L "$(dirname "$0")" -f "$(dirname "$0")/overhead.jq" "$RUNS" >"$OUT"
