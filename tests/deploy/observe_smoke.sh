#!/usr/bin/env bash
# scripts/observe.sh (the README's "Observe in Prometheus" command) does what it
# prints: Prometheus answers on the printed URL, scrapes the exporter (target up),
# has the shipped rules loaded, sees the demo namespace, and everything (processes,
# namespaces, temporary data) is gone after it stops.
# Usage (root): observe_smoke.sh [EXPORTER_BINARY [RETX_LAB_BINARY]]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
export RETX_EXPORTER=${1:-$REPO/build/exporter/retx-exporter}
export RETX_LAB=${2:-$REPO/build/lab/retx-lab}
die() { echo "observe_smoke: FAIL: $*" >&2; exit 1; }
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PP=$(port); EP=$(port); OUT=$(mktemp)
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
