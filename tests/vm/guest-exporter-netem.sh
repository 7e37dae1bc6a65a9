#!/bin/bash
# Runs inside the 6.1 guest: the host-built exporter against netem loss, the combination the
# host kernel (no sch_netem, `err` on the tracepoint) cannot exercise. Two namespaces joined by
# a veth pair, 3% netem loss on the sender's egress, iperf3 for 3 s while `retx-exporter --once`
# counts; the exporter's segments for the sender's namespace must equal ΔRetransSegs there.
# usage: guest-exporter-netem.sh EXPORTER      exit 0 equal, 1 not (or setup failed)
set -u
exporter=${1:?usage: guest-exporter-netem.sh EXPORTER}
fail() { echo "FAIL $*" >&2; exit 1; }
tmp=$(mktemp -d)
cleanup() { kill $(jobs -p) 2>/dev/null; wait 2>/dev/null; ip netns del vmtx 2>/dev/null; ip netns del vmrx 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

ip netns add vmtx && ip netns add vmrx || fail "ip netns add"
ip link add vtx netns vmtx type veth peer name vrx netns vmrx || fail "veth"
ip -n vmtx addr add 198.18.0.1/30 dev vtx && ip -n vmrx addr add 198.18.0.2/30 dev vrx || fail "addr"
for ns in vmtx vmrx; do ip -n $ns link set lo up; done
ip -n vmtx link set vtx up && ip -n vmrx link set vrx up || fail "link up"
tc -n vmtx qdisc add dev vtx root netem loss 3% limit 10000 || fail "netem"
retrans() { ip netns exec vmtx awk '/^Tcp:/ { if (!h) { for (i = 1; i <= NF; i++) c[$i] = i; h = 1 } else print $c["RetransSegs"] }' /proc/net/snmp; }
ino=$(ip netns exec vmtx stat -L -c %i /proc/self/ns/net)

"$exporter" --listen 127.0.0.1:0 --once 14 >"$tmp/once.json" 2>"$tmp/exporter.err" &
exp=$!
for _ in $(seq 300); do grep -q attached "$tmp/exporter.err" && break; kill -0 $exp 2>/dev/null || break; sleep 0.1; done
grep -q attached "$tmp/exporter.err" || fail "exporter did not attach: $(cat "$tmp/exporter.err")"
head -1 "$tmp/exporter.err"
before=$(retrans)
ip netns exec vmrx iperf3 -s -1 -B 198.18.0.2 >/dev/null 2>&1 &
sleep 1
ip netns exec vmtx iperf3 -c 198.18.0.2 -t 3 >"$tmp/iperf" 2>&1 || fail "iperf3: $(tail -3 "$tmp/iperf")"
sleep 3   # let the last retransmissions (RTO, FIN) happen inside the exporter's window
after=$(retrans)
wait $exp || fail "exporter exited with $?: $(tail -3 "$tmp/exporter.err")"
got=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]));
print(sum(c["segments"] for c in d["counters"] if c["netns"] == int(sys.argv[2]) and c["outcome"] == "sent"))' \
  "$tmp/once.json" "$ino") || fail "cannot read the exporter's JSON"
attach=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["attach"], "err_field=%s" % d["err_field"])' "$tmp/once.json")
echo "iperf3: $(grep -E 'sender' "$tmp/iperf" | tail -1)"
echo "exporter ($attach): $got segments in netns $ino; kernel RetransSegs delta: $((after - before))"
((after - before > 0)) || fail "netem loss produced no retransmissions"
((got == after - before)) || fail "exporter $got != RetransSegs delta $((after - before))"
echo "ok exporter equals RetransSegs under netem loss"
