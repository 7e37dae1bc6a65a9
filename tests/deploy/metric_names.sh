#!/usr/bin/env bash
# Every PromQL expression in the dashboard and the rules names only metrics and
# labels from exporter/METRICS.md (or recording rules), and the dashboard shows
# every exported metric. Then a planted typo must be caught, so a pass is not
# just a parser that finds nothing. (The e2e test repeats the check against a
# real /metrics scrape.)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
DASH=$REPO/deploy/grafana/retx-dashboard.json
check() {
  python3 "$HERE/promql_names.py" --metrics-md "$REPO/exporter/METRICS.md" \
    --rules "$REPO/deploy/prometheus/rules/retx.rules.yml" --dashboard "$1" --require-all-metrics
}
check "$DASH"
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
sed '0,/tcp_retransmissions_total/s//tcp_retransmission_total/' "$DASH" >"$TMP/metric-typo.json"
sed '0,/by (cause)/s//by (reason)/' "$DASH" >"$TMP/label-typo.json"
for f in metric-typo label-typo; do
  cmp -s "$DASH" "$TMP/$f.json" && { echo "metric_names: FAIL: could not plant $f"; exit 1; }
  if check "$TMP/$f.json" >/dev/null; then
    echo "metric_names: FAIL: planted $f was not caught"; exit 1
  fi
done
echo "metric_names: planted metric and label typos are caught"
