#!/usr/bin/env bash
# Observe retransmissions in Prometheus: starts retx-exporter and a local Prometheus
# with the shipped config and rules (deploy/prometheus/), both on loopback, prints
# what to open and what to type, and stops both (deleting Prometheus's temporary
# data) on Ctrl-C.
#
#   sudo scripts/observe.sh               exporter + Prometheus
#   sudo scripts/observe.sh --demo 5      ... plus paced TCP traffic between two
#                                         scratch namespaces with 5 % random loss
#                                         (made by `retx-lab pair`)
# Options: --demo PCT, --port N (Prometheus, default 9090), --exporter-port N
# (default 2112), --for SECONDS (stop by itself; for scripts and tests).
# RETX_EXPORTER and RETX_LAB point at other retx-exporter / retx-lab binaries.
# Exit codes: 0 stopped, 2 bad option, 3 cannot start (not root, a tool missing, a port already
# taken by another process, or the process answering a port is not the one this script started).
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
EXPORTER=${RETX_EXPORTER:-$REPO/build/exporter/retx-exporter}
LAB=${RETX_LAB:-$REPO/build/lab/retx-lab}
PROM_PORT=9090 EXP_PORT=2112 DEMO="" FOR=""
while (($#)); do
  case $1 in
    --demo) DEMO=${2:?--demo needs a loss percentage}; shift 2 ;;
    --port) PROM_PORT=${2:?}; shift 2 ;;
    --exporter-port) EXP_PORT=${2:?}; shift 2 ;;
    --for) FOR=${2:?}; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "observe.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
done
die() { echo "observe.sh: $*" >&2; exit 3; }
[[ $(id -u) -eq 0 ]] || die "must run as root (the exporter loads BPF programs)"
command -v prometheus >/dev/null || die "prometheus not installed: run scripts/setup.sh"
[[ -x $EXPORTER ]] || die "no exporter at $EXPORTER: cmake -S . -B build && cmake --build build --target retx-exporter"
[[ -z $DEMO || -x $LAB ]] || die "no retx-lab at $LAB (it makes the demo namespaces): cmake --build build --target retx-lab"

TMP=$(mktemp -d /tmp/retx-observe.XXXXXX)
PAIR=rxl-$$-observe
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  [[ -n $DEMO ]] && { "$LAB" pair --delete "$PAIR" >/dev/null || true; }
  rm -rf "$TMP"
  echo "observe.sh: stopped, temporary data removed"
}
trap cleanup EXIT
trap 'exit 0' INT TERM
# The pid listening on 127.0.0.1:PORT (or on every address), from ss; empty when none.
listener_pid() {
  { ss -Hltnp "sport = :$1" 2>/dev/null || true; } | { grep -Eo 'pid=[0-9]+' || true; } | head -1 | cut -d= -f2
}
# Refuses a port something else already listens on: our server would fail to bind while the
# other one answered every URL printed below.
port_free() {
  local pid
  pid=$(listener_pid "$1")
  [[ -z $pid ]] || die "port $1 (for $2) is already in use by pid $pid ($(cat "/proc/$pid/comm" 2>/dev/null || echo '?')): stop it or pass $3"
}
# wait_http URL SECONDS PID NAME: until URL answers; fails at once if our process PID died.
wait_http() {
  local end=$((SECONDS + $2))
  until curl -fsS -o /dev/null "$1" 2>/dev/null; do
    kill -0 "$3" 2>/dev/null || die "$4 exited before answering $1: $(tail -c 300 "$TMP/$4.log" | tr '\n' ' ')"
    ((SECONDS < end)) || die "$1 did not answer within $2 s (logs: $TMP)"
    sleep 0.2
  done
}
# ours NAME PID PORT: the process answering on PORT must be the one we started.
ours() {
  local pid
  pid=$(listener_pid "$3")
  [[ $pid == "$2" ]] || die "port $3 is answered by pid ${pid:-none}, not by the $1 this script started (pid $2)"
}
port_free "$EXP_PORT" "the exporter" "--exporter-port N"
port_free "$PROM_PORT" "Prometheus" "--port N"

"$EXPORTER" --listen "127.0.0.1:$EXP_PORT" >"$TMP/exporter.log" 2>&1 & PIDS+=($!)
wait_http "http://127.0.0.1:$EXP_PORT/healthz" 20 "${PIDS[0]}" exporter
ours exporter "${PIDS[0]}" "$EXP_PORT"

# The shipped files, unchanged except the exporter's port when --exporter-port moved it.
mkdir "$TMP/rules"
cp "$REPO/deploy/prometheus/rules/retx.rules.yml" "$TMP/rules/"
sed "s/'localhost:2112'/'localhost:$EXP_PORT'/" "$REPO/deploy/prometheus/prometheus.yml" >"$TMP/prometheus.yml"
prometheus --config.file="$TMP/prometheus.yml" --storage.tsdb.path="$TMP/data" \
  --web.listen-address="127.0.0.1:$PROM_PORT" --log.level=warn >"$TMP/prometheus.log" 2>&1 & PIDS+=($!)
wait_http "http://127.0.0.1:$PROM_PORT/-/ready" 30 "${PIDS[1]}" prometheus
ours Prometheus "${PIDS[1]}" "$PROM_PORT"

if [[ -n $DEMO ]]; then
  # Dropped on the receiving side (the pair's server ingress): a drop in the sender's
  # own output path is reported back to TCP as an error and retried, not lost.
  PAIR_VARS=$("$LAB" pair --prefix "$PAIR" --loss "$DEMO") || die "retx-lab pair could not build the demo namespaces"
  eval "$PAIR_VARS"
  ip netns exec "$PAIR_SERVER_NS" iperf3 -s >/dev/null 2>&1 & PIDS+=($!)
  sleep 0.5
  ip netns exec "$PAIR_C1_NS" iperf3 -c "$PAIR_C1_SERVER_ADDR" -b 50M -t 86400 >/dev/null 2>&1 & PIDS+=($!)
fi

G="http://127.0.0.1:$PROM_PORT/graph?g0.tab=0&g0.range_input=15m&g0.expr="
cat <<EOF

retx-exporter  http://127.0.0.1:$EXP_PORT/metrics
Prometheus     http://127.0.0.1:$PROM_PORT   (config and rules: deploy/prometheus/)

Open ${G}netns%3Atcp_retransmission_ratio%3Arate5m
and type, in the expression box:
  netns:tcp_retransmission_ratio:rate5m                    retransmitted / sent segments, per namespace (5 m)
  sum by (netns, cause) (rate(tcp_retransmissions_total[1m]))   retransmitted segments/s by cause
  tcp_netns_info                                           which namespace name an inode is
Alerts: http://127.0.0.1:$PROM_PORT/alerts   (TCPRetransmissionRatioHigh: above 2 % for 10 minutes)
Scrapes run every 15 s: the ratio appears after about a minute.
From another machine: ssh -L $PROM_PORT:127.0.0.1:$PROM_PORT THIS_HOST, then open the same URL.
EOF
[[ -n $DEMO ]] && echo "Demo traffic: namespace $PAIR_C1_NS (netns=\"$PAIR_C1_INODE\") sends at 50 Mbit/s with $DEMO % loss."
if [[ -n $FOR ]]; then
  echo "Stopping in $FOR s."; sleep "$FOR"
else
  echo "Ctrl-C stops everything."; wait "${PIDS[0]}"
fi
