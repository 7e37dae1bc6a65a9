#!/usr/bin/env bash
# After attaching, the exporter keeps only the capabilities a scrape needs (exporter/privileges.h
# says which and why), in every thread, with no_new_privs set, and still counts exactly:
#
# 1. as root, default (--capabilities.keep auto): every thread's CapEff = CapPrm = CapBnd =
#    cap_sys_ptrace + cap_sys_admin, CapInh = CapAmb = 0, NoNewPrivs 1. Retransmissions made in a
#    namespace that only a /run/netns bind mount keeps alive (read by setns, CAP_SYS_ADMIN) match
#    its own RetransSegs exactly, its tcp_segments_sent_total equals its OutSegs, and a namespace
#    held only by another root process (found through /proc/PID/ns, CAP_SYS_PTRACE) is exported.
# 2. --capabilities.keep none: no capability at all, and the retransmissions still match exactly
#    (the maps are read through the fds already held); the two namespaces above lose their
#    tcp_segments_sent_total, which is what each kept capability is for, and the refused setns is
#    not tried again at later scrapes (strace counts them).
# 3. --netns with 1,030 other namespaces listed before the one with traffic (the filter map used
#    to hold 1,024 and dropped the rest silently): still exact.
#
# Usage (root): exporter_privileges.sh EXPORTER_BINARY        Runtime: about 30 s.
set -euo pipefail
EXPORTER=${1:?usage: exporter_privileges.sh EXPORTER_BINARY}
die() { echo "exporter_privileges: FAIL: $*" >&2; exit 1; }
log() { echo "exporter_privileges: $*"; }
[[ $(id -u) -eq 0 ]] || die "must run as root"
for t in iperf3 nft curl ip unshare strace; do command -v "$t" >/dev/null || die "$t not installed"; done

P=rxl-$$-priv
TMP=$(mktemp -d /tmp/rxl-priv.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  [[ -f $TMP/del.batch ]] && ip -batch "$TMP/del.batch" 2>/dev/null || true
  ip netns del "$P-a" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Namespace A: only its bind mount keeps it; lossy loopback (5 % of data segments dropped on input).
ip netns add "$P-a"
ip -n "$P-a" link set lo up
ip netns exec "$P-a" nft -f - <<'EOF'
table inet rxl_loss {
  chain in {
    type filter hook input priority 0; policy accept;
    tcp dport 5201 tcp flags & syn == 0 numgen random mod 100 < 5 drop
  }
}
EOF
INO_A=$(stat -L -c %i "/run/netns/$P-a")
# Namespace B: held only by a root process (no /run/netns name).
unshare -n sleep 600 & PIDS+=($!)
sleep 0.2
INO_B=$(stat -L -c %i "/proc/${PIDS[-1]}/ns/net")

start() {  # ARGS...: starts the exporter, sets EPID and PORT
  "$EXPORTER" --listen 127.0.0.1:0 "$@" 2>"$TMP/log" & EPID=$!; PIDS+=("$EPID")
  for _ in $(seq 100); do
    PORT=$(sed -n 's#.*serving http://127.0.0.1:\([0-9]*\)/metrics.*#\1#p' "$TMP/log")
    [[ -n $PORT ]] && return
    kill -0 "$EPID" 2>/dev/null || die "exporter exited: $(cat "$TMP/log")"
    sleep 0.1
  done
  die "exporter did not start: $(cat "$TMP/log")"
}
stop() { kill "$EPID"; wait "$EPID" || die "exporter exited $? on SIGTERM"; }
# Every thread, not just the main one: capabilities are per thread.
check_status() {  # WANT_HEX: CapEff, CapPrm and CapBnd of every thread
  local bad
  # One awk over every thread's status file: a process per thread is minutes on a busy machine.
  bad=$(awk -v want="$1" '
    FNR == 1 { n++ }
    $1 == "CapEff:" || $1 == "CapPrm:" || $1 == "CapBnd:" { if ($2 != want) print FILENAME ": " $1 " " $2 }
    $1 == "CapInh:" || $1 == "CapAmb:" { if ($2 != "0000000000000000") print FILENAME ": " $1 " " $2 }
    $1 == "NoNewPrivs:" { if ($2 != 1) print FILENAME ": NoNewPrivs " $2 }
    END { print n " threads" > "/dev/stderr" }' /proc/"$EPID"/task/*/status 2>"$TMP/threads")
  [[ -z $bad ]] || die "want CapEff=CapPrm=CapBnd=$1: $bad"
  log "all $(cat "$TMP/threads"): CapEff=CapPrm=CapBnd=$1, CapInh=CapAmb=0, NoNewPrivs=1"
}
snmp() { ip netns exec "$1" awk -v k="$2" '/^Tcp:/ { if (!h) { for (i = 2; i <= NF; i++) c[$i] = i; h = 1 } else print $c[k] }' /proc/net/snmp; }
# Sum of a family's samples in namespace INO (optionally only lines matching EXTRA).
metric() { curl -fsS "http://127.0.0.1:$PORT/metrics" | awk -v n="$1" -v ino="netns=\"$2\"" -v x="${3:-}" \
  'index($0, n "{") == 1 && index($0, ino) && index($0, x) { s += $NF; f = 1 } END { if (f) printf "%d\n", s; else print "absent" }'; }
# Namespaces whose counters a scrape could not read, so far.
proc_net_errors() { curl -fsS "http://127.0.0.1:$PORT/metrics" | awk '/^retx_exporter_scrape_errors_total\{.*source="proc_net"/ { printf "%d\n", $NF }'; }
traffic() {  # NS: 2 s of TCP over the namespace's lossy loopback; returns once every process is gone
  ip netns exec "$1" iperf3 -s -1 -p 5201 >/dev/null 2>&1 & local srv=$!
  sleep 0.3
  ip netns exec "$1" iperf3 -c 127.0.0.1 -p 5201 -t 2 -b 100M >/dev/null 2>&1 || die "iperf3 in $1 failed"
  wait "$srv" || true
}
# ΔRetransSegs over a traffic run = Δ(retransmissions + failures at the xmit stage) scraped.
check_exact() {  # LABEL
  local r0 x0 s0 r1 x1 s1
  r0=$(metric tcp_retransmissions_total "$INO_A"); x0=$(metric tcp_retransmit_failures_total "$INO_A" 'stage="xmit"')
  s0=$(snmp "$P-a" RetransSegs)
  traffic "$P-a"
  sleep 0.5
  s1=$(snmp "$P-a" RetransSegs)
  r1=$(metric tcp_retransmissions_total "$INO_A"); x1=$(metric tcp_retransmit_failures_total "$INO_A" 'stage="xmit"')
  [[ $r0 == absent ]] && r0=0; [[ $x0 == absent ]] && x0=0; [[ $x1 == absent ]] && x1=0
  local kernel=$((s1 - s0)) exported=$((r1 - r0 + x1 - x0))
  log "$1: namespace $INO_A: kernel RetransSegs +$kernel, exported +$exported"
  ((kernel > 0)) || die "$1: no retransmissions made (the loss rule did nothing)"
  ((kernel == exported)) || die "$1: exported $exported retransmissions, the kernel counted $kernel"
}

log "1. default capabilities, as root"
start
check_status 0000000000280000  # cap_sys_ptrace (19) + cap_sys_admin (21)
check_exact "after the drop"
o0=$(snmp "$P-a" OutSegs); seg=$(metric tcp_segments_sent_total "$INO_A"); o1=$(snmp "$P-a" OutSegs)
[[ $seg != absent ]] && ((o0 <= seg && seg <= o1)) || die "bind-mount-only namespace: tcp_segments_sent_total $seg, OutSegs $o0..$o1"
log "bind-mount-only namespace (setns, cap_sys_admin): tcp_segments_sent_total $seg = OutSegs"
[[ $(metric tcp_segments_sent_total "$INO_B") != absent ]] || die "namespace held by a root process is not exported"
log "namespace of a root process (/proc/PID/ns, cap_sys_ptrace): exported"
stop

log "2. --capabilities.keep none"
start --capabilities.keep none
check_status 0000000000000000
check_exact "with no capability"
[[ $(metric tcp_segments_sent_total "$INO_A") == absent ]] || die "setns worked without cap_sys_admin"
[[ $(metric tcp_segments_sent_total "$INO_B") == absent ]] || die "a root process's namespace was found without cap_sys_ptrace"
log "without capabilities both namespaces lose tcp_segments_sent_total, as documented"
# A refused setns is not tried again while the namespace stays listed (it was a thread and two
# setns calls per namespace at every scrape); the namespace's error still counts at each scrape.
strace -f -y -e trace=setns -e status=failed -p "$EPID" -o "$TMP/setns" 2>"$TMP/strace" & STRACE=$!; PIDS+=("$STRACE")
for _ in $(seq 100); do grep -q attached "$TMP/strace" && break; sleep 0.1; done
grep -q attached "$TMP/strace" || die "strace did not attach: $(cat "$TMP/strace")"
e0=$(proc_net_errors)
for _ in 1 2; do metric tcp_retransmissions_total "$INO_A" >/dev/null; done
e1=$(proc_net_errors)
kill "$STRACE"; wait "$STRACE" || true
refused=$(grep -c "setns([0-9]*</run/netns/$P-a>.*EPERM" "$TMP/setns" || true)
((refused == 0)) || die "setns into $P-a refused $refused times in 4 scrapes: $(grep -m3 "$P-a" "$TMP/setns")"
((e1 - e0 >= 3)) || die "proc_net errors went from $e0 to $e1 over 3 scrapes: the refusal is no longer reported"
log "4 scrapes without cap_sys_admin: 0 setns into $P-a tried, proc_net errors +$((e1 - e0))"
stop

log "3. --netns with 1,030 other namespaces listed first"
for i in $(seq 1030); do echo "netns add $P-n$i"; done >"$TMP/add.batch"
sed 's/netns add/netns del/' "$TMP/add.batch" >"$TMP/del.batch"
ip -batch "$TMP/add.batch"
list=$(seq -f "$P-n%g" 1030 | paste -sd, -)
start --netns "$list,$P-a"
check_exact "1,031-entry filter"
stop
log "ok"
