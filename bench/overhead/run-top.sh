#!/usr/bin/env bash
# retx-top --once over many open sockets: wall time of the whole command (start,
# BPF iterator load, one iterator per namespace, owners from /proc, cgroups,
# output), as a user sees it, and its CPU time (user + sys). SOCKETS/2 established loopback connections are
# held in a scratch namespace by retx-bench-socket-farm; every other namespace
# of the machine is read too. Variants, order rotated every round:
#   top_json   retx-top --once --json            (the BPF iterator)
#   top_table  retx-top --once                   (same, rendered as the table)
#   top_diag   retx-top --once --json --diag     (the INET_DIAG fallback)
#   ss         ss -tin in the scratch namespace  (the usual tool, one namespace only)
# Goal: top_json under 200 ms at 10,000 sockets (median; wall and CPU reported).
#
#   run-top.sh [--sockets N] [--rounds N] [--out FILE]
set -euo pipefail
source "$(dirname "$0")/lib.sh"

SOCKETS=10000 ROUNDS=10 OUT=/dev/stdout
while (($#)); do
  case $1 in
    --sockets) SOCKETS=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    -h | --help) usage ;;
    *) die "unknown option $1 (--help lists them)" ;;
  esac
done
need_root
RXLB_TOP=$RXLB_BUILD/top/retx-top
RXLB_FARM=$RXLB_BUILD/bench/retx-bench-socket-farm
for b in "$RXLB_TOP" "$RXLB_FARM"; do [[ -x $b ]] || die "$b missing: make -C $RXLB_BUILD bench_all"; done

NS="${RXLB_NS_PREFIX}top"
ip netns add "$NS"
RXLB_UNDO+=("ip netns delete $NS")  # after the farm is stopped (cleanup kills spawned pids first)
ip -n "$NS" link set lo up
spawn "$RXLB_TMP/farm.out" "$RXLB_TMP/farm.err" ip netns exec "$NS" "$RXLB_FARM" $((SOCKETS / 2))
wait_for_line "$RXLB_TMP/farm.err" '^ready' 120 || die "socket farm did not start: $(cat "$RXLB_TMP/farm.err")"
log "top: $(cat "$RXLB_TMP/farm.err") sockets held in $NS"

# Runs a variant once; prints "WALL_MS CPU_MS" (bash's time: real, user + sys).
# On a shared machine the CPU time is the steadier figure: wall time also
# holds the time spent waiting for a CPU.
run_variant() {  # run_variant NAME
  local TIMEFORMAT='%R %U %S' t
  t=$( { time {
    case $1 in
      top_json) "$RXLB_TOP" --once --json >"$RXLB_TMP/top.json" 2>/dev/null ;;
      top_table) "$RXLB_TOP" --once >/dev/null 2>&1 ;;
      top_diag) "$RXLB_TOP" --once --json --diag >/dev/null 2>&1 ;;
      ss) ip netns exec "$NS" ss -tinH >/dev/null ;;
    esac
  }; } 2>&1)
  awk '{ printf "%.1f %.1f\n", $1 * 1000, ($2 + $3) * 1000 }' <<<"$t"
}

VARIANTS=(top_json top_table top_diag ss)
RUNS=$RXLB_TMP/top.jsonl
: >"$RUNS"
for round in $(seq "$ROUNDS"); do
  n=${#VARIANTS[@]}
  for i in $(seq 0 $((n - 1))); do
    v=${VARIANTS[$(((i + round) % n))]}
    read -r wall cpu < <(run_variant "$v")
    echo "{\"round\":$round,\"variant\":\"$v\",\"wall_ms\":$wall,\"cpu_ms\":$cpu}" | tee -a "$RUNS" >&2
  done
done
seen=$(jq --arg ns "$(netns_inode "$NS")" '[.connections[] | select(.netns == ($ns | tonumber))] | length' "$RXLB_TMP/top.json")
all=$(jq '.connections | length' "$RXLB_TMP/top.json")
jq -s --arg load "$(cut -d' ' -f1-3 /proc/loadavg)" --argjson sockets "$SOCKETS" --argjson seen "$seen" --argjson all "$all" --argjson rounds "$ROUNDS" '
  def stats: sort as $s | {median: $s[($s | length) / 2 | floor], min: $s[0], max: $s[-1]};
  { sockets: $sockets, rounds: $rounds, goal_ms: 200, loadavg: $load,
    sockets_seen_in_farm: $seen, connections_reported: $all,
    summary: (group_by(.variant) | map({variant: .[0].variant, wall_ms: (map(.wall_ms) | stats),
                                         cpu_ms: (map(.cpu_ms) | stats)})),
    runs: . }' "$RUNS" >"$OUT"
