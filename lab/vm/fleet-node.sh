#!/bin/bash
# One node of lab/vm/fleet.sh, run inside its guest kernel by run-in-vm.sh (--forward to port
# 2112). It serves retx-exporter on the guest's NIC and drives its own lossy TCP traffic between
# two namespaces: client -> server over a veth pair, a share LOSS of the client's data packets
# dropped on the server's ingress by nftables (real loss on the path, on every kernel).
#
# The host and the node talk through files in the working directory (the host's, shared
# read-write, uncached): the node writes "primed" after a first run at PRIME_LOSS, waits for
# "go" (the host saw a scrape),
# reads the client namespace's Tcp counters, runs the measured traffic, waits until the client
# has no socket left, reads them again and writes counters.json; then it serves until "stop".
#
# Why prime: rate() extrapolates each series from its first sample towards the window's start by
# half a scrape interval, but never past the point where the series would have been 0, which
# lies sampled_interval * first/growth before it. When that is under 1.1 scrape intervals, the
# extrapolation depends on the series' own first/growth, so numerator and denominator are
# stretched differently and the ratio drifts from the measured run's. Seen here: a 0.5 % node
# primed at 0.5 % had 2 fast retransmits at its first scrape against 199 after it (its rule
# read 5 % under its kernel); a 4 Mbit/s node primed at 4 Mbit/s had first/growth 0.12 for its
# retransmissions and 0.17 for its segments (4.4 % under). So the priming run is unpaced at a
# high loss (PRIME_LOSS) for every node: each series' first sample then holds about as much as
# the measured run adds, or more, and all are extrapolated alike. The segments are the tight
# side (few at that loss): a 10 s priming gave the 12 Mbit/s node 9,128 segments against 41,700
# measured, first/growth 0.219, just under 1.1/5 with six samples, and its ratio read 9.6 % under
# its kernel's (one CI run); 20 s doubles that margin.
#
# usage: fleet-node.sh EXPORTER LOSS RATE PRIME_LOSS PRIME_S MEASURE_S
#   LOSS, PRIME_LOSS fractions (0.04), RATE iperf3's -b (8M), PRIME_S (>= 6)/MEASURE_S seconds.
# Exit 0 after "stop", 1 on a failed step (the reason in ./node.err and on stderr).
set -u
exporter=$1 loss=$2 rate=$3 prime_loss=$4 prime_s=$5 measure_s=$6
cl=fleet-client sv=fleet-server
fail() { echo "fleet-node: $*" | tee -a node.err >&2; exit 1; }
step() { local up; read -r up _ </proc/uptime; echo "[$up] $*" >>node.log; }
cleanup() { kill $(jobs -p) 2>/dev/null; wait 2>/dev/null; ip netns del $cl 2>/dev/null; ip netns del $sv 2>/dev/null; }
trap cleanup EXIT
wait_file() {  # NAME SECONDS
  local i
  for ((i = 0; i < $2 * 5; i++)); do [[ -e $1 ]] && return 0; sleep 0.2; done
  fail "no '$1' from the host within $2 s"
}

# Isolation: the guest's NIC is qemu's restricted user network; nothing may leave through it.
[[ -z $(ip route show default) ]] || fail "the guest has a default route: $(ip route show default)"
timeout 3 bash -c 'exec 3<>/dev/tcp/10.0.2.2/22' 2>/dev/null && fail "the guest reached the host at 10.0.2.2:22"
step "isolated: no default route, 10.0.2.2 unreachable"

ip netns add $cl && ip netns add $sv || fail "ip netns add"
ip link add cl0 netns $cl type veth peer name fromcl netns $sv || fail "veth"
ip -n $cl addr add 198.18.1.1/24 dev cl0 && ip -n $sv addr add 198.18.1.2/24 dev fromcl || fail "addresses"
for l in "$cl lo" "$cl cl0" "$sv lo" "$sv fromcl"; do set -- $l; ip -n "$1" link set "$2" up || fail "link $l up"; done
# One segment per skb, as in the lab (lab/kernel/topology.cpp): the rule below draws once per skb,
# and GSO skbs would make a 0.5 % loss a handful of drops of many segments (lab/vm/README.md).
ip -n $cl link set cl0 gso_max_segs 1 && ip -n $sv link set fromcl gso_max_segs 1 || fail "gso_max_segs 1"
# numgen over 10000 for rates below 1 %. Only packets carrying bulk data (IP length > 200) are
# dropped: SYNs, FINs, pure ACKs and iperf3's small control messages pass, so only the
# client's data is retransmitted (a lost ACK would make the server retransmit its replies).
set_loss() {
  local n pick=""
  n=$(awk -v p="$1" 'BEGIN { printf "%d", p * 10000 + 0.5 }')
  ((n < 10000)) && pick="numgen random mod 10000 < $n"   # 1 (a blackhole) drops them all
  ip netns exec $sv nft -f - <<EOF || fail "nft loss rule ($1)"
table netdev fleet_loss
flush table netdev fleet_loss
table netdev fleet_loss {
  chain in { type filter hook ingress device "fromcl" priority 0; policy accept;
    ip saddr 198.18.1.1 tcp dport 5201 ip length > 200 $pick counter drop
  }
}
EOF
}
set_loss "$prime_loss"
ino=$(stat -L -c %i /run/netns/$cl)

"$exporter" --listen 0.0.0.0:2112 2>exporter.log &
for _ in $(seq 900); do curl -fsS -o /dev/null http://127.0.0.1:2112/healthz 2>/dev/null && break; sleep 0.2; done
curl -fsS -o /dev/null http://127.0.0.1:2112/healthz || fail "exporter not serving: $(tail -n 2 exporter.log)"
step "exporter serving: $(head -n 1 exporter.log)"
ip netns exec $sv iperf3 -s -B 198.18.1.2 -p 5201 >/dev/null 2>&1 &
sleep 0.5

# tcp COUNTER [NETNS]: one Tcp counter of the client namespace (or NETNS; "-" is the guest's own).
tcp() {
  local ns=${2:-$cl} run=()
  [[ $ns == - ]] || run=(ip netns exec "$ns")
  "${run[@]}" awk -v k="$1" '/^Tcp:/ { if (!h) { for (i = 2; i <= NF; i++) c[$i] = i; h = 1 } else print $c[k] }' /proc/net/snmp
}
# All of the node's namespaces (the server's ACKs, the exporter's own scrapes in the guest's
# namespace): the fleet-wide ratio covers them too. An overloaded host delays the guest enough
# for a spurious retransmit there now and then.
all() { echo $(($(tcp "$1") + $(tcp "$1" $sv) + $(tcp "$1" -))); }
# The last retransmissions (RTO, FIN) come after iperf3 returns: wait for the client's sockets.
drain() { for _ in $(seq 150); do [[ -z $(ip netns exec $cl ss -Htn state all exclude time-wait exclude listening) ]] && return; sleep 0.2; done; fail "client sockets did not close"; }
# iperf SECONDS NAME RATE (0: unpaced)
iperf() { ip netns exec $cl iperf3 -c 198.18.1.2 -p 5201 -b "$3" -t "$1" >"iperf-$2.log" 2>&1 || fail "iperf3 ($2): $(tail -n 2 "iperf-$2.log")"; }

# Priming creates every cause series the measured run will likely add to: fast and tlp from the
# random loss, rto from a 2 s blackhole in the middle (a series first seen during the measured
# run loses its first value to rate(): the 4 % node once lost 48 rto segments of 627, 7.6 %).
iperf "$prime_s" prime 0 &
sleep $((prime_s / 3))
set_loss 1
sleep 2
set_loss "$prime_loss"
wait $! || fail "iperf3 (prime): $(tail -n 2 iperf-prime.log)"
drain
set_loss "$loss"
: >primed
step "primed"
wait_file go 240
r0=$(tcp RetransSegs) o0=$(tcp OutSegs) ra0=$(all RetransSegs) oa0=$(all OutSegs)
step "measuring"
iperf "$measure_s" measure "$rate"
drain
r1=$(tcp RetransSegs) o1=$(tcp OutSegs) ra1=$(all RetransSegs) oa1=$(all OutSegs)
printf '{"kernel": "%s", "netns": "%s", "loss": %s, "retrans_segs": %d, "out_segs": %d, "all_retrans_segs": %d, "all_out_segs": %d, "packets_dropped": %d}\n' \
  "$(uname -r)" "$ino" "$loss" $((r1 - r0)) $((o1 - o0)) $((ra1 - ra0)) $((oa1 - oa0)) \
  "$(ip netns exec $sv nft list table netdev fleet_loss | sed -n 's/.*packets \([0-9]*\).*/\1/p')" >counters.tmp
mv counters.tmp counters.json
step "measured: RetransSegs +$((r1 - r0)), OutSegs +$((o1 - o0))"
wait_file stop 300
step "stopped"
