#!/usr/bin/env bash
# Lost counts under load: drive the highest retransmission rate this machine
# can (parallel bulk flows under heavy random loss, plus a burst of SYNs whose
# first retransmits all fire within the same few milliseconds), with the
# exporter (peer labels off, and on with a series budget) and the per-event
# program attached at once. For the sender namespace the exporter must satisfy
#   ΔRetransSegs = Δ Σ tcp_retransmissions_total + Δ Σ tcp_retransmit_failures_total{stage="xmit"}
# exactly (0 lost); the per-event program reports how many records its ring
# buffer could not take in the same run. The exporter's own check of itself,
# retx_exporter_uncounted_segments for the sender namespace, is recorded at
# the end (must be 0) and at its largest while the load runs, polled twice a
# second (SYNs that fired no hit show there until their connect ends).
#
#   run-lost.sh [--seconds S] [--flows N] [--loss PCT] [--syns N] [--out FILE]
set -euo pipefail
source "$(dirname "$0")/lib.sh"

SECONDS_=5 FLOWS=8 LOSS=10 SYNS=15000 OUT=/dev/stdout
while (($#)); do
  case $1 in
    --seconds) SECONDS_=$2; shift 2 ;;
    --flows) FLOWS=$2; shift 2 ;;
    --loss) LOSS=$2; shift 2 ;;
    --syns) SYNS=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    -h | --help) usage ;;
    *) die "unknown option $1 (--help lists them)" ;;
  esac
done
need_root
need_bins

make_pair lost "$LOSS" gso
INODE=$(netns_inode "$NS_S")
start_iperf_server

start_exporter plain
URL_PLAIN=$EXP_URL PID_PLAIN=$EXP_PID
start_exporter peer --peer-labels --series-budget 20000
URL_PEER=$EXP_URL PID_PEER=$EXP_PID
spawn "$RXLB_TMP/pe.out" "$RXLB_TMP/pe.err" "$RXLB_PER_EVENT"
PE_PID=$SPAWNED
wait_for_line "$RXLB_TMP/pe.err" ready 20 || die "per-event did not start: $(cat "$RXLB_TMP/pe.err")"

curl -sf "$URL_PLAIN" >"$RXLB_TMP/plain0.prom"
curl -sf "$URL_PEER" >"$RXLB_TMP/peer0.prom"
r0=$(retrans_segs "$NS_S")
k0=$(ns_counters_json "$NS_S")
t0=$(date +%s.%N)

# The exporter's check of itself (exporter/uncounted.h) while the load runs:
# its largest figure for the sender namespace, written to a file at each scrape.
# Retransmits counted late (a SYN that fired no hit, until its connect ends)
# show in it for a while; a miss stays.
echo 0 >"$RXLB_TMP/uncounted.max"
(
  m=0
  while :; do
    v=$(curl -sf "$URL_PLAIN" | awk -v f="netns=\"$INODE\"" '/^retx_exporter_uncounted_segments\{/ && index($0, f) { print $NF }') || v=""
    if [[ -n $v ]] && ((v > m)); then m=$v; echo "$m" >"$RXLB_TMP/uncounted.max"; fi
    sleep 0.5
  done
) &
POLL_PID=$!
RXLB_PIDS+=("$POLL_PID")

log "lost: $FLOWS flows at $LOSS % loss for ${SECONDS_}s, plus $SYNS SYNs dropped"
# Either part can be turned off (--flows 0, --syns 0) to see which one a
# mismatch comes from.
bulk=""
if ((FLOWS > 0)); then
  iperf_client "$NS_S" "$RXLB_TMP/iperf.json" -c "$SERVER_ADDR" -p 5201 -t "$SECONDS_" -P "$FLOWS" -J &
  bulk=$!
else
  echo '{}' >"$RXLB_TMP/iperf.json"
fi
# Hold past the first SYN retransmit (1 s) and the second (3 s): two bursts.
if ((SYNS > 0)); then
  ip netns exec "$NS_S" "$RXLB_STORM" "$SYNS" "$SERVER_ADDR" 9 3500 >/dev/null || log "syn storm opened fewer sockets"
fi
if [[ -n $bulk ]]; then wait "$bulk" || die "iperf3 failed"; fi
t1=$(date +%s.%N)

# Closed lossy connections may still retransmit FINs: wait until RetransSegs
# has been still for a second (at most 15 s) before reading "after".
prev=-1
for _ in $(seq 15); do
  cur=$(retrans_segs "$NS_S")
  [[ $cur == "$prev" ]] && break
  prev=$cur
  sleep 1
done
r1=$(retrans_segs "$NS_S")
k1=$(ns_counters_json "$NS_S")
curl -sf "$URL_PLAIN" >"$RXLB_TMP/plain1.prom"
kill "$POLL_PID" 2>/dev/null || true
wait "$POLL_PID" 2>/dev/null || true
curl -sf "$URL_PEER" >"$RXLB_TMP/peer1.prom"
# Hits the kernel skipped because the program was already running on that CPU.
MISS_PLAIN=$(prog_stats_json "$PID_PLAIN" | jq .recursion_misses)
MISS_PEER=$(prog_stats_json "$PID_PEER" | jq .recursion_misses)
MISS_PE=$(prog_stats_json "$PE_PID" | jq .recursion_misses)
stop_pid "$PE_PID"

# Δ failure segments per "stage/errno" in one netns: where a mismatch hides.
failures_by_errno() {  # failures_by_errno BEFORE AFTER FILTER
  awk -v f="$3" '
    FNR == 1 { file++ }
    /^tcp_retransmit_failures_total\{/ && index($0, f) {
      match($0, /stage="[^"]*"/); st = substr($0, RSTART + 7, RLENGTH - 8)
      match($0, /errno="[^"]*"/); en = substr($0, RSTART + 7, RLENGTH - 8)
      d[st "/" en] += (file == 2 ? $NF : -$NF)
    }
    END { printf "{"; sep = ""; for (k in d) { printf "%s\"%s\":%.0f", sep, k, d[k]; sep = "," } print "}" }' "$1" "$2"
}

exporter_delta() {  # exporter_delta NAME [AFTER]: {retransmissions, xmit_failures, lost_hits}, scrape 0 to AFTER (1)
  local b=$RXLB_TMP/${1}0.prom a=$RXLB_TMP/${1}${2:-1}.prom f="netns=\"$INODE\""
  jq -n --argjson s0 "$(prom_sum "$b" tcp_retransmissions_total "$f")" \
    --argjson s1 "$(prom_sum "$a" tcp_retransmissions_total "$f")" \
    --argjson x0 "$(prom_sum "$b" tcp_retransmit_failures_total "$f" 'stage="xmit"')" \
    --argjson x1 "$(prom_sum "$a" tcp_retransmit_failures_total "$f" 'stage="xmit"')" \
    --argjson l0 "$(prom_sum "$b" retx_exporter_lost_hits_total)" \
    --argjson l1 "$(prom_sum "$a" retx_exporter_lost_hits_total)" \
    --argjson h0 "$(prom_sum "$b" retx_exporter_tracepoint_hits_total)" \
    --argjson h1 "$(prom_sum "$a" retx_exporter_tracepoint_hits_total)" \
    --argjson e0 "$(prom_sum "$b" tcp_retransmit_failures_total "$f" 'stage="early"')" \
    --argjson e1 "$(prom_sum "$a" tcp_retransmit_failures_total "$f" 'stage="early"')" \
    --argjson errnos "$(failures_by_errno "$b" "$a" "$f")" \
    --argjson u1 "$(prom_sum "$a" retx_exporter_uncounted_segments "$f")" \
    '{retransmissions: ($s1 - $s0), xmit_failures: ($x1 - $x0), early_failures: ($e1 - $e0),
      failures_by_stage_errno: $errnos, lost_hits: ($l1 - $l0), hits: ($h1 - $h0),
      uncounted_segments: $u1}'
}

# When the identity misses, tell a count that was late from one that was lost:
# a counted attempt that fired no hit (bpf/README.md) is seen only at its
# socket's next hit or CLOSE. Wait until the sender namespace holds no socket
# but TIME-WAIT ones (at most 30 s), then read kernel and exporter again.
open_sockets() {  # the sender namespace's sockets other than TIME-WAIT, "STATE:N,..."
  ip netns exec "$NS_S" ss -Htan |
    awk '$1 != "TIME-WAIT" { n[$1]++ } END { for (st in n) { printf "%s%s:%d", sep, st, n[st]; sep = "," } }'
}
PLAIN=$(exporter_delta plain | jq -c --argjson m "$MISS_PLAIN" --argjson u "$(cat "$RXLB_TMP/uncounted.max")" \
  '. + {recursion_misses: $m, uncounted_segments_max_during: $u}')
late='null'
missing=$((r1 - r0 - $(jq '.retransmissions + .xmit_failures' <<<"$PLAIN")))
if ((missing != 0)); then
  open_then=$(open_sockets)
  waited=0
  while ((waited < 30)) && [[ -n $(open_sockets) ]]; do
    sleep 1
    waited=$((waited + 1))
  done
  r2=$(retrans_segs "$NS_S")
  curl -sf "$URL_PLAIN" >"$RXLB_TMP/plain2.prom"
  late=$(jq -c --argjson k "$((r2 - r0))" --argjson w "$waited" --arg open "$open_then" \
    '{open_sockets_at_first_read: $open, waited_s: $w, kernel: $k,
      missing: ($k - .retransmissions - .xmit_failures)}' <<<"$(exporter_delta plain 2)")
  log "lost: identity missed by $missing; after the sockets closed ($waited s): $late"
fi

jq -n --argjson kernel "$((r1 - r0))" --argjson inode "$INODE" --argjson k0 "$k0" --argjson k1 "$k1" \
  --argjson secs "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" \
  --argjson plain "$PLAIN" \
  --argjson late "$late" \
  --argjson peer "$(exporter_delta peer | jq -c --argjson m "$MISS_PEER" '. + {recursion_misses: $m}')" \
  --argjson pe "$(jq -c --arg ns "$INODE" '{hits, records, lost, ringbuf_kib, segs_in_netns: (.segs_by_netns[$ns] // 0)}' "$RXLB_TMP/pe.out" |
    jq -c --argjson m "$MISS_PE" '. + {recursion_misses: $m}')" \
  --argjson iperf "$(jq -c '{bits_per_second: .end.sum_received.bits_per_second, retransmits: .end.sum_sent.retransmits}' "$RXLB_TMP/iperf.json")" \
  --argjson cfg "$(jq -nc --argjson s "$SECONDS_" --argjson f "$FLOWS" --argjson l "$LOSS" --argjson n "$SYNS" '{seconds: $s, flows: $f, loss: $l, syns: $n}')" \
  '{config: $cfg, netns: $inode, traffic_seconds: $secs, kernel_retrans_segs: $kernel,
    retrans_segs_per_second: ($kernel / $secs | round),
    kernel_deltas: ($k1 | with_entries(.value -= $k0[.key])),
    iperf: $iperf,
    exporter: ($plain + {identity_holds: ($plain.retransmissions + $plain.xmit_failures == $kernel),
                         missing: ($kernel - $plain.retransmissions - $plain.xmit_failures),
                         late: $late}),
    exporter_peer: ($peer + {identity_holds: ($peer.retransmissions + $peer.xmit_failures == $kernel),
                             missing: ($kernel - $peer.retransmissions - $peer.xmit_failures)}),
    per_event: $pe}' >"$OUT"
