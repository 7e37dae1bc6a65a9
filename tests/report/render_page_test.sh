#!/usr/bin/env bash
# Renders the fixture reports with lab/report/render-report.sh and opens the pages in a real
# headless Chromium (Debian's package). Asserts, for a single-kernel page with benchmarks, a
# two-kernel and a four-kernel matrix page (6.18, 6.1, 6.12, 7.2: real reports):
#   - the browser logs nothing to the console (no errors, no CSP violations: the page is offline);
#   - the page's own check ran and passed (data-render-ok="1");
#   - the grid holds one cell per check, counted by jq from the JSON, not by the renderer;
#   - every plot is present and the browser found one marker per data point, again counted
#     from the JSON here;
#   - a page with a marker removed is caught (so the checks above can fail);
#   - the four-kernel page flags exactly the traits that differ between the reports (worked out
#     here from the JSON), flags nothing for one report twice, and a difference stripped of
#     its flag is caught in the browser.
# Writes render-test-{single,matrix,matrix4}.{html,png} into OUT_DIR (ctest: reports/, git-ignored;
# default: a temporary dir, removed) for a person to look at.
#
#   render_page_test.sh [OUT_DIR]
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
FIX=$ROOT/tests/report/fixtures
RENDER=$ROOT/lab/report/render-report.sh
WORK=$(mktemp -d /tmp/retx-report-test.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
OUT=${1:-$WORK/out}
mkdir -p "$OUT"
fails=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
expect_eq() {  # expect_eq WHAT GOT WANT
  if [[ $2 == "$3" ]]; then ok "$1 = $3"; else bad "$1: got '$2', want '$3'"; fi
}

CHECK=$ROOT/lab/report/check-page.sh

# The figure's attribute NAME in the dumped DOM.
fig_attr() { grep -o "<figure class=\"plot\" id=\"$2\"[^>]*>" "$1" | grep -o "$3=\"[^\"]*\"" | cut -d'"' -f2; }

# Expected markers, from the JSON. Ratio: one per attempt of a random-loss scenario on the data path;
# exactness and causes: one per namespace (per attempt) where the kernel or the exporter counted
# a retransmission; benchmarks: two per overhead row (throughput, CPU), one per probe variant,
# two per scrape stage (exporter, node_exporter).
want_ratio() {
  jq '[.scenarios[] | select(.spec.impairment.kind == "random" and .spec.impairment.direction == "data")
       | .attempts[]] | length' "$1"
}
want_groups() {
  jq '[.scenarios[].attempts[].measurements.namespaces[]
       | select((.kernel_delta["Tcp.RetransSegs"] // 0) + .exporter_delta.retransmissions
                + .exporter_delta.xmit_failures > 0)] | length' "$1"
}

# Overhead: two per mode other than none (each a ratio to none) in the windowed method's summary
# (per loss, modes[]); one summary row per mode, none included, in reports before it.
want_overhead() {
  jq '[.overhead.summary[] | if has("modes") then .modes[] | select(.mode != "none") else . end] | length * 2' "$1"
}

check_page() {  # check_page NAME HTML REPORT... -- BENCH...
  local name=$1 html=$2; shift 2
  local reports=() benches=() in_bench=0 f
  for f in "$@"; do
    if [[ $f == -- ]]; then in_bench=1; elif ((in_bench)); then benches+=("$f"); else reports+=("$f"); fi
  done
  echo "--- $name"
  # Offline by construction: nothing that a browser would fetch.
  if grep -Eiq '(src|href|url)\s*[=(]\s*["'"'"']?(https?:|//)' "$html"; then
    bad "$name: references a network URL: $(grep -Eio '(src|href|url)\s*[=(]\s*["'"'"']?(https?:|//)[^ ]*' "$html" | head -1)"
  else ok "$name: no network references"; fi
  if grep -q "Content-Security-Policy\" content=\"default-src 'none'" "$html"; then
    ok "$name: CSP forbids every fetch"
  else bad "$name: no default-src 'none' CSP"; fi

  # Headless Chromium: no console message, the page's own check passed, a screenshot.
  local dom=$WORK/$name.dom
  if "$CHECK" "$html" --dom "$dom" --screenshot "$OUT/$name.png" 2>"$WORK/$name.err"; then
    ok "$name: Chromium logged nothing and the page's check passed"
  else bad "$name: check-page.sh: $(cat "$WORK/$name.err")"; fi
  expect_eq "$name: data-render-ok" "$(grep -o 'data-render-ok="[^"]*"' "$dom" | cut -d'"' -f2)" 1

  local want_cells
  want_cells=$(jq -s '[.[].scenarios[].checks | length] | add' "${reports[@]}")
  expect_eq "$name: grid cells" "$(grep -o '<td class="cell v-' "$dom" | wc -l)" "$want_cells"
  local verdict
  for verdict in pass fail inconclusive skipped; do
    expect_eq "$name: $verdict cells" "$(grep -o "<td class=\"cell v-$verdict\"" "$dom" | wc -l)" \
      "$(jq -s --arg v "$verdict" '[.[].scenarios[].checks[] | select(.verdict == $v)] | length' "${reports[@]}")"
  done

  local i=0 r id want
  for r in "${reports[@]}"; do
    i=$((i + 1))
    for id in ratio exact causes; do
      case $id in ratio) want=$(want_ratio "$r") ;; *) want=$(want_groups "$r") ;; esac
      expect_eq "$name: $id-$i markers in the browser" "$(fig_attr "$dom" "$id-$i" data-markers)" "$want"
    done
  done
  i=0
  for r in "${benches[@]}"; do
    i=$((i + 1))
    expect_eq "$name: overhead-$i markers" "$(fig_attr "$dom" "overhead-$i" data-markers)" "$(want_overhead "$r")"
    expect_eq "$name: ns-$i markers" "$(fig_attr "$dom" "ns-$i" data-markers)" \
      "$(jq '[.probe_cost.workloads[].summary[]] | length' "$r")"
    expect_eq "$name: scrape-$i markers" "$(fig_attr "$dom" "scrape-$i" data-markers)" \
      "$(jq '.scrape.stages | length * 2' "$r")"
  done
  expect_eq "$name: plots" "$(grep -o '<figure class="plot"' "$dom" | wc -l)" \
    "$((3 * ${#reports[@]} + 3 * ${#benches[@]}))"

  if [[ $(head -c 8 "$OUT/$name.png" 2>/dev/null | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]] \
     && (($(stat -c %s "$OUT/$name.png") > 50000)); then
    ok "$name: screenshot $OUT/$name.png"
  else bad "$name: no usable screenshot at $OUT/$name.png"; fi
}

single=$OUT/render-test-single.html matrix=$OUT/render-test-matrix.html
"$RENDER" "$FIX/smoke-6.18.json" --bench "$FIX/bench-smoke.json" -o "$single" >/dev/null
check_page render-test-single "$single" "$FIX/smoke-6.18.json" -- "$FIX/bench-smoke.json"
"$RENDER" "$FIX/smoke-6.18.json" "$FIX/smoke-6.1-variant.json" -o "$matrix" >/dev/null
check_page render-test-matrix "$matrix" "$FIX/smoke-6.18.json" "$FIX/smoke-6.1-variant.json" --
expect_eq "matrix: kernel columns (grid + differences)" "$(grep -o '<th class="kernel">' "$matrix" | wc -l)" 4
expect_eq "matrix: absent cells (first-synack missing on the variant)" \
  "$(grep -o '<td class="absent"' "$matrix" | wc -l)" \
  "$(jq '.scenarios[] | select(.name == "first-synack") | .checks | length + 1' "$FIX/smoke-6.18.json")"

# The kernel matrix of four (the host and the three guest kernels of lab/vm/kernels.txt, real
# reports): one column per kernel in the grid and in the differences table, and the traits that
# differ flagged, which this test works out from the JSON on its own.
echo "--- matrix of four"
four=("$FIX/smoke-6.18.json" "$FIX/smoke-6.1.json" "$FIX/smoke-6.12.json" "$FIX/smoke-7.2.json")
matrix4=$OUT/render-test-matrix4.html
"$RENDER" "${four[@]}" -o "$matrix4" >/dev/null
check_page render-test-matrix4 "$matrix4" "${four[@]}" --
expect_eq "matrix4: kernel columns (grid + differences)" "$(grep -o '<th class="kernel">' "$matrix4" | wc -l)" 8
# One line per report and trait: "TRAIT VALUE"; a trait differs when it has several values.
traits_of() {
  jq -r '"err \([.exporter.probe_info[] | select(.tracepoint == "tcp_retransmit_skb") | .err_field][0])",
    "attach \([.exporter.probe_info[].attach] | unique | join("+"))",
    "backend \([.scenarios[].backend | select(. != "")] | unique | join("+"))",
    "synack \([.scenarios[].attempts[].measurements.namespaces[] | select((.exporter_delta.by_cause.synack // 0) > 0
       and .sockets.count > 0) | .sockets.total_retrans == .kernel_delta["Tcp.RetransSegs"]] | unique | tostring)"' "$@"
}
want=$(traits_of "${four[@]}" | sort -u | awk '{ n[$1]++ } END { for (t in n) if (n[t] > 1) print t }' | sort | paste -sd ' ')
got=$(grep -o 'class="trait differs" data-trait="[a-z]*"' "$WORK/render-test-matrix4.dom" | cut -d'"' -f4 | sort | paste -sd ' ')
expect_eq "matrix4: traits flagged as differing" "$got" "$want"
[[ $want == *err* ]] && ok "matrix4: the err field differs between the fixtures (6.1/6.12 without, 6.18/7.2 with)" \
  || bad "matrix4: the fixtures no longer differ in the err field: the flag is untested"
# The same report twice: nothing differs, in the table or in the grid.
same=$WORK/same.html
"$RENDER" "$FIX/smoke-7.2.json" "$FIX/smoke-7.2.json" -o "$same" >/dev/null
"$CHECK" "$same" --dom "$WORK/same.dom" 2>"$WORK/same.err" || bad "same: $(cat "$WORK/same.err")"
expect_eq "same report twice: traits differing" "$(grep -o 'data-differs-found="[0-9]*"' "$WORK/same.dom" | cut -d'"' -f2)" 0
expect_eq "same report twice: grid rows differing" "$(grep -o 'data-rows-differ="[0-9]*"' "$WORK/same.dom" | cut -d'"' -f2)" 0
# Negative control: a differing trait row stripped of its flag must be caught in the browser.
sed '0,/class="trait differs"/s//class="trait"/' "$matrix4" >"$WORK/unflagged.html"
set +e
"$CHECK" "$WORK/unflagged.html" 2>"$WORK/unflagged.err"; rc=$?
set -e
expect_eq "unflagged difference: check-page.sh exit code" "$rc" 1
if grep -q 'kernel-diff: row [a-z]* flagged wrongly' "$WORK/unflagged.err"; then ok "unflagged difference: the console names the row"
else bad "unflagged difference: $(cat "$WORK/unflagged.err")"; fi

# Edges: a loss scenario that retransmitted nothing (log axes cannot hold a 0: the point must
# still be drawn) and a benchmark part that was skipped (named, no plot).
jq '(.scenarios[] | select(.name == "loss-5pct") | .attempts[0].measurements.namespaces.client1.kernel_delta)
      |= (.["Tcp.RetransSegs"] = 0 | .["TcpExt.TCPDSACKRecvSegs"] = 0)' "$FIX/smoke-6.18.json" >"$WORK/zero.json"
# The bench report is the older format (fixed-size transfers, one probe-cost workload), which the
# page still draws.
jq '.scrape = {skipped: "not root"}' "$FIX/bench-smoke-2026-11-26.json" >"$WORK/bench-skip.json"
edges=$WORK/edges.html
"$RENDER" "$WORK/zero.json" --bench "$WORK/bench-skip.json" -o "$edges" >/dev/null
echo "--- edges"
if "$CHECK" "$edges" --dom "$WORK/edges.dom" 2>"$WORK/edges.err"; then ok "edges: page checks pass"
else bad "edges: $(cat "$WORK/edges.err")"; fi
expect_eq "edges: ratio-1 markers with a zero ratio" "$(fig_attr "$WORK/edges.dom" ratio-1 data-markers)" \
  "$(want_ratio "$WORK/zero.json")"
expect_eq "edges: skipped scrape part has no points" "$(fig_attr "$WORK/edges.dom" scrape-1 data-points)" 0
expect_eq "edges: overhead-1 markers, older bench format" "$(fig_attr "$WORK/edges.dom" overhead-1 data-markers)" \
  "$(want_overhead "$WORK/bench-skip.json")"
expect_eq "edges: ns-1 markers, older bench format" "$(fig_attr "$WORK/edges.dom" ns-1 data-markers)" \
  "$(jq '.probe_cost.summary | length' "$WORK/bench-skip.json")"
if grep -q 'Not plotted (skipped: not root)' "$edges"; then ok "edges: the skip reason is shown"
else bad "edges: skip reason missing"; fi

# Negative control: drop one data marker from the ratio plot; the page must notice and say so
# on the console, or the assertions above prove nothing.
echo "--- negative control"
broken=$WORK/broken.html
awk '/<figure class="plot" id="ratio-1"/ {f = 1} f && !done && /<use xlink:href=/ && /translate/ {done = 1; next} 1' \
  "$single" >"$broken"
set +e
"$CHECK" "$broken" --dom "$WORK/broken.dom" 2>"$WORK/broken.err"; rc=$?
set -e
expect_eq "broken page: check-page.sh exit code" "$rc" 1
expect_eq "broken page: data-render-ok" "$(grep -o 'data-render-ok="[^"]*"' "$WORK/broken.dom" | cut -d'"' -f2)" 0
if grep -q 'console: .*ratio-1: 4 markers for 5 data points' "$WORK/broken.err"; then
  ok "broken page: the console names the missing marker"
else bad "broken page: $(cat "$WORK/broken.err")"; fi

# Bad input is refused with one line and exit code 2.
set +e
"$RENDER" "$FIX/bench-smoke.json" -o "$WORK/x.html" 2>"$WORK/bad.err"; rc=$?
set -e
expect_eq "bench JSON given as a report: exit code" "$rc" 2
if grep -q "is not a retxlab-report/1" "$WORK/bad.err"; then ok "bad input: says why"
else bad "bad input: $(cat "$WORK/bad.err")"; fi

# Malformed or misshapen reports, a directory and a device: one line naming the input, exit 2,
# never jq's own error (which names only a temporary copy) or its exit code.
printf '{"schema": "retxlab-report/1", "scenarios": [' >"$WORK/truncated.json"
jq '.scenarios = "x"' "$FIX/smoke-6.18.json" >"$WORK/misshapen.json"
mkdir "$WORK/adir"
for input in truncated.json misshapen.json adir /dev/zero; do
  path=$WORK/$input
  [[ $input == /* ]] && path=$input
  set +e
  "$RENDER" "$path" -o "$WORK/x.html" >/dev/null 2>"$WORK/bad.err"; rc=$?
  set -e
  expect_eq "$input: exit code" "$rc" 2
  expect_eq "$input: lines on stderr" "$(wc -l <"$WORK/bad.err")" 1
  if grep -q "^render-report.sh: '$path' " "$WORK/bad.err" && ! grep -q "/tmp/retx-report\." "$WORK/bad.err"; then
    ok "$input: names the input: $(cat "$WORK/bad.err")"
  else bad "$input: $(cat "$WORK/bad.err")"; fi
done

if ((fails)); then echo "$fails assertion(s) failed" >&2; exit 1; fi
echo "all assertions passed; pages and screenshots in $OUT"
