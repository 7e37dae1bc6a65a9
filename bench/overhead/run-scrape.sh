#!/usr/bin/env bash
# Scrape cost: /metrics latency (median, p99) and RSS of retx-exporter at
# growing series counts, against Debian's prometheus-node-exporter (default
# collectors) scraped alternately in the same run on the same machine. The two
# serve different numbers of series, so each stage also gives the median per
# 1,000 series served (ms_per_1k_series, sample lines without comments) and
# the exporter's over node_exporter's (per_1k_series_ratio).
#
# Series are made deterministic: retx-bench-syn-storm opens connections whose
# SYNs nft drops, so each connection adds exactly one peer key (cause="syn",
# its own local port) = 2 series (segments and skbs), in batches small enough
# that the veth backlog does not drop the retransmitted SYNs (a drop would add
# failure series instead). The exporter watches only the sender namespace
# (--netns), so other users' traffic on this machine cannot add series.
#
#   run-scrape.sh [--scrapes N] [--stages "10 1000 10000"] [--out FILE]
set -euo pipefail
source "$(dirname "$0")/lib.sh"

SCRAPES=100 STAGES="10 1000 10000" OUT=/dev/stdout
while (($#)); do
  case $1 in
    --scrapes) SCRAPES=$2; shift 2 ;;
    --stages) STAGES=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    -h | --help) usage ;;
    *) die "unknown option $1 (--help lists them)" ;;
  esac
done
need_root
need_bins
command -v prometheus-node-exporter >/dev/null || die "prometheus-node-exporter missing: scripts/setup.sh"

make_pair sc 0 gso
start_exporter scrape --peer-labels --series-budget 20000 --netns "$NS_S"
NODE_PORT=$(free_port)
spawn "$RXLB_TMP/node.out" "$RXLB_TMP/node.err" prometheus-node-exporter --web.listen-address="127.0.0.1:$NODE_PORT"
NODE_PID=$SPAWNED
NODE_URL="http://127.0.0.1:$NODE_PORT/metrics"
wait_for_http "$NODE_URL" 20 || die "node_exporter did not start: $(tail -3 "$RXLB_TMP/node.err")"

retx_series() {  # sample lines of the four retransmission families
  curl -sf "$EXP_URL" | grep -c '^tcp_retrans' || true
}

# Latencies in ms of N scrapes over one keep-alive connection, as Prometheus does.
scrape_batch() {  # scrape_batch URL N
  local args=() i
  for i in $(seq "$2"); do args+=(-o /dev/null "$1"); done  # -o applies to one URL each
  curl -s -w '%{time_total}\n' "${args[@]}" | awk '{ printf "%.3f\n", $1 * 1000 }'
}

rss_json() {  # VmRSS and VmHWM of PID, MiB
  awk '/^VmRSS:/ { r = $2 } /^VmHWM:/ { h = $2 } END { printf "{\"rss_mib\":%.1f,\"hwm_mib\":%.1f}\n", r / 1024, h / 1024 }' "/proc/$1/status"
}

latency_json() {  # latency_json FILE (one ms value per line)
  jq -sc -L "$(dirname "$0")" 'include "summarize"; {scrapes: length, median_ms: (median | round3), p99_ms: (pct(99) | round3), max_ms: (max)}' "$1"
}

STAGE_JSON=$RXLB_TMP/stages.jsonl
: >"$STAGE_JSON"
port=9
for target in $STAGES; do
  # Grow to the target: each batch's retransmits land ~1 s after its connects.
  while :; do
    have=$(retx_series)
    ((have >= target)) && break
    need=$(((target - have + 1) / 2))
    ((need > 800)) && need=800
    ip netns exec "$NS_S" "$RXLB_STORM" "$need" "$SERVER_ADDR" "$port" 1300 >/dev/null || die "syn storm failed"
    port=$((port == 19 ? 9 : port + 1))  # a new remote port: never a key seen before
  done
  log "scrape: $have retransmission series (target $target), $SCRAPES scrapes each"
  : >"$RXLB_TMP/exp.ms"
  : >"$RXLB_TMP/node.ms"
  for ((done_ = 0; done_ < SCRAPES; done_ += 10)); do
    scrape_batch "$EXP_URL" 10 >>"$RXLB_TMP/exp.ms"
    scrape_batch "$NODE_URL" 10 >>"$RXLB_TMP/node.ms"
  done
  curl -sf "$EXP_URL" >"$RXLB_TMP/exp.prom"
  curl -sf "$NODE_URL" >"$RXLB_TMP/node.prom"
  jq -nc --argjson target "$target" --argjson retx "$have" \
    --argjson exp_lines "$(grep -vc '^#' "$RXLB_TMP/exp.prom")" --argjson exp_bytes "$(wc -c <"$RXLB_TMP/exp.prom")" \
    --argjson node_lines "$(grep -vc '^#' "$RXLB_TMP/node.prom")" --argjson node_bytes "$(wc -c <"$RXLB_TMP/node.prom")" \
    --argjson el "$(latency_json "$RXLB_TMP/exp.ms")" --argjson nl "$(latency_json "$RXLB_TMP/node.ms")" \
    --argjson er "$(rss_json "$EXP_PID")" --argjson nr "$(rss_json "$NODE_PID")" \
    'def per_1k($l; $n): {ms_per_1k_series: ($l.median_ms / ($n / 1000) * 1000 | round / 1000)};
     {target_series: $target, retx_series: $retx,
      exporter: ({series: $exp_lines, body_bytes: $exp_bytes} + $el + per_1k($el; $exp_lines) + $er),
      node_exporter: ({series: $node_lines, body_bytes: $node_bytes} + $nl + per_1k($nl; $node_lines) + $nr),
      latency_ratio_median: (($el.median_ms / $nl.median_ms) * 1000 | round / 1000),
      per_1k_series_ratio: ((($el.median_ms / $exp_lines) / ($nl.median_ms / $node_lines)) * 1000 | round / 1000)}' |
    tee -a "$STAGE_JSON" >&2
done
jq -s --argjson scrapes "$SCRAPES" '{scrapes_per_stage: $scrapes, compression: "none", stages: .}' "$STAGE_JSON" >"$OUT"
