#!/bin/bash
# Runs inside a guest kernel (6.1, 6.12, 7.x): the host-built exporter against netem loss, the
# combination the host kernel (no sch_netem) cannot exercise, once per attach flavour (tp_btf,
# raw_tp, the classic tracepoint: the kernel's own tracepoint record and argument layout is what
# each reads). Two namespaces joined by a veth pair, 3% netem loss on the sender's egress,
# iperf3 for 3 s. The exporter serves /metrics on the guest's loopback and is scraped before and
# after, so a slow attach under TCG cannot cut the traffic short. The identity of
# exporter/METRICS.md must hold exactly for the sender's namespace: ΔRetransSegs =
# Δretransmissions + Δfailures{stage="xmit"} (the second is 0 before 6.17, where the tracepoint
# has no err).
# usage: guest-exporter-netem.sh EXPORTER      exit 0 equal for every flavour, 1 not (or setup failed)
set -u
exporter=${1:?usage: guest-exporter-netem.sh EXPORTER}
port=9561
fail() { echo "FAIL $*" >&2; exit 1; }
tmp=$(mktemp -d)
cleanup() { kill $(jobs -p) 2>/dev/null; wait 2>/dev/null; ip netns del vmtx 2>/dev/null; ip netns del vmrx 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

ip netns add vmtx && ip netns add vmrx || fail "ip netns add"
ip link add vtx netns vmtx type veth peer name vrx netns vmrx || fail "veth"
ip -n vmtx addr add 198.18.0.1/30 dev vtx && ip -n vmrx addr add 198.18.0.2/30 dev vrx || fail "addr"
for ns in vmtx vmrx; do ip -n $ns link set lo up; done
ip -n vmtx link set vtx up && ip -n vmrx link set vrx up || fail "link up"
# Permanent neighbours: netem drops ARP like anything else on its qdisc (lab/kernel/README.md).
mac_of() { ip netns exec "$1" cat "/sys/class/net/$2/address"; }
ip -n vmtx neigh replace 198.18.0.2 lladdr "$(mac_of vmrx vrx)" dev vtx nud permanent &&
  ip -n vmrx neigh replace 198.18.0.1 lladdr "$(mac_of vmtx vtx)" dev vrx nud permanent || fail "neighbours"
tc -n vmtx qdisc add dev vtx root netem loss 3% limit 10000 || fail "netem"
retrans() { ip netns exec vmtx awk '/^Tcp:/ { if (!h) { for (i = 1; i <= NF; i++) c[$i] = i; h = 1 } else print $c["RetransSegs"] }' /proc/net/snmp; }
ino=$(ip netns exec vmtx stat -L -c %i /proc/self/ns/net)
# Σ of the exporter's segments for the sender's namespace: sent, and xmit-stage failures.
scrape() {
  curl -fsS "http://127.0.0.1:$port/metrics" | awk -v ns="netns=\"$ino\"" '
    index($0, ns) && /^tcp_retransmissions_total\{/ { s += $NF }
    index($0, ns) && /^tcp_retransmit_failures_total\{/ && /stage="xmit"/ { s += $NF }
    END { printf "%d\n", s }'
}

# One flavour: start the exporter, drive lossy traffic, compare, stop the exporter.
check_flavour() {
  local attach=$1 exp before after got0 got1 got
  "$exporter" --attach "$attach" --listen "127.0.0.1:$port" 2>"$tmp/exporter.err" &
  exp=$!
  for _ in $(seq 600); do curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && break; kill -0 $exp 2>/dev/null || break; sleep 0.1; done
  curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" || fail "$attach: exporter not serving: $(cat "$tmp/exporter.err")"
  grep -q "via $attach" "$tmp/exporter.err" || fail "$attach: $(head -1 "$tmp/exporter.err")"
  head -1 "$tmp/exporter.err"
  before=$(retrans) got0=$(scrape)
  ip netns exec vmrx iperf3 -s -1 -B 198.18.0.2 >/dev/null 2>&1 &
  sleep 1
  ip netns exec vmtx iperf3 -c 198.18.0.2 -t 3 >"$tmp/iperf" 2>&1 || fail "$attach: iperf3: $(tail -3 "$tmp/iperf")"
  # The last retransmissions (RTO, FIN) may still come: wait until the sender has no socket left.
  for _ in $(seq 100); do [[ -z $(ip netns exec vmtx ss -Htn state all exclude time-wait exclude listening 2>/dev/null) ]] && break; sleep 0.2; done
  after=$(retrans) got1=$(scrape)
  kill -0 $exp 2>/dev/null || fail "$attach: exporter died: $(tail -3 "$tmp/exporter.err")"
  kill $exp; wait $exp 2>/dev/null
  got=$((got1 - got0))
  echo "iperf3: $(grep -E 'sender' "$tmp/iperf" | tail -1)"
  echo "exporter ($attach) on $(uname -r): $got segments (retransmissions + xmit failures) in netns $ino; kernel RetransSegs delta: $((after - before))"
  ((after - before > 0)) || fail "$attach: netem loss produced no retransmissions"
  ((got == after - before)) || fail "$attach: exporter $got != RetransSegs delta $((after - before))"
  echo "ok $attach: exporter equals RetransSegs under netem loss"
}

for attach in tp_btf raw_tp tracepoint; do check_flavour "$attach"; done
