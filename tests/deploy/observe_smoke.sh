#!/usr/bin/env bash
# scripts/observe.sh (the README's "Observe in Prometheus" command) does what it
# prints: Prometheus answers on the printed URL, scrapes the exporter (target up),
# has the shipped rules loaded, sees the demo namespace, and everything (processes,
# namespaces, temporary data) is gone after it stops; and with its port already taken by another
# process it refuses to start (exit 3, naming the process) instead of printing the other's URL.
# Usage (root): observe_smoke.sh [EXPORTER_BINARY [RETX_LAB_BINARY]]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
export RETX_EXPORTER=${1:-$REPO/build/exporter/retx-exporter}
export RETX_LAB=${2:-$REPO/build/lab/retx-lab}
die() { echo "observe_smoke: FAIL: $*" >&2; exit 1; }
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PP=$(port); EP=$(port); OUT=$(mktemp)

# A port already taken by another process: observe.sh must refuse (exit 3, naming the port and
# the process) rather than print links to a server it did not start. About 1 s.
python3 -m http.server --bind 127.0.0.1 "$PP" >/dev/null 2>&1 &
FOREIGN=$!
for _ in $(seq 50); do curl -fsS -o /dev/null "http://127.0.0.1:$PP/" 2>/dev/null && break; sleep 0.1; done
rc=0; "$REPO/scripts/observe.sh" --port "$PP" --exporter-port "$EP" --for 5 >"$OUT" 2>&1 || rc=$?
kill "$FOREIGN"; wait "$FOREIGN" 2>/dev/null || true
[[ $rc == 3 ]] || die "port $PP taken: observe.sh exited $rc, want 3: $(cat "$OUT")"
grep -q "port $PP (for Prometheus) is already in use by pid $FOREIGN" "$OUT" || die "port taken: no reason given: $(cat "$OUT")"
grep -q '^Open ' "$OUT" && die "port taken: links printed anyway"
curl -fsS -o /dev/null "http://127.0.0.1:$EP/healthz" 2>/dev/null && die "port taken: an exporter was left running"
echo "observe_smoke: a taken port is refused: $(grep 'already in use' "$OUT")"
"$REPO/scripts/observe.sh" --demo 5 --port "$PP" --exporter-port "$EP" --for 25 >"$OUT" 2>&1 &
OBS=$!
trap 'kill $OBS 2>/dev/null || true; wait $OBS 2>/dev/null || true; rm -f "$OUT"' EXIT
PROM=http://127.0.0.1:$PP
for _ in $(seq 150); do grep -q '^Open ' "$OUT" && break; sleep 0.1; done
grep -q "^Open $PROM/graph?" "$OUT" || die "no Prometheus URL printed: $(cat "$OUT")"
NS=$(sed -n 's/^Demo traffic: namespace \([^ ]*\) .*/\1/p' "$OUT")
INO=$(sed -n 's/.*(netns="\([0-9]*\)").*/\1/p' "$OUT")
[[ -n $NS && -n $INO ]] || die "no demo namespace printed"
api() { python3 "$HERE/promapi.py" "$PROM" "$@"; }
# The shipped config scrapes every 15 s: wait for the first scrape of the demo namespace.
for _ in $(seq 40); do
  [[ -n $(api series "tcp_segments_sent_total{netns=\"$INO\"}") ]] && break; sleep 0.5
done
[[ $(api value 'up{job="retx-exporter"}') == 1 ]] || die "exporter target not up"
[[ -n $(api series "tcp_segments_sent_total{netns=\"$INO\"}") ]] || die "demo namespace $INO not scraped"
curl -fsS "$PROM/api/v1/rules" | grep -q '"name":"TCPRetransmissionRatioHigh"' || die "shipped rules not loaded"
echo "observe_smoke: URL printed, target up, rules loaded, demo netns $INO scraped"
wait "$OBS" || die "observe.sh exited with $?"
ip netns list | grep -q "^$NS" && die "demo namespace $NS left behind"
curl -fsS -o /dev/null "$PROM/-/ready" 2>/dev/null && die "Prometheus still running after observe.sh stopped"
grep -q 'temporary data removed' "$OUT" || die "observe.sh did not clean up"
echo "observe_smoke: PASS (stopped cleanly, nothing left behind)"
