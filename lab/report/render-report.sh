#!/usr/bin/env bash
# Renders retx-lab JSON reports (and optionally benchmark results) as one self-contained HTML
# page: inline CSS, inline script, gnuplot-drawn SVG plots inlined; no network, no CDN.
#
#   render-report.sh REPORT.json [MORE_REPORTS.json...] [--bench BENCH.json]... [-o OUT.html]
#
# Several reports (e.g. one per kernel) give the verdict grid one column per report: the kernel
# matrix. -o defaults to the first report with .html for .json. See lab/report/README.md.
# Exit codes: 0 written, 2 bad input, 3 missing tool (jq, gnuplot: scripts/setup.sh).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
die() { echo "render-report.sh: $*" >&2; exit "${2:-2}"; }
usage() { sed -n '5,9p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

reports=() benches=() out=""
while (($#)); do
  case $1 in
    --bench) (($# >= 2)) || usage; benches+=("$2"); shift 2 ;;
    -o | --output) (($# >= 2)) || usage; out=$2; shift 2 ;;
    -h | --help) sed -n '5,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option '$1' (see --help)" ;;
    *) reports+=("$1"); shift ;;
  esac
done
((${#reports[@]})) || usage
for tool in jq gnuplot; do
  command -v "$tool" >/dev/null || die "$tool not found: run scripts/setup.sh" 3
done
[[ -n $out ]] || out=${reports[0]%.json}.html
names=$(for f in "${reports[@]}" "${benches[@]}"; do basename "$f"; done | paste -sd ' ' | sed 's/ /, /g')

WORK=$(mktemp -d /tmp/retx-report.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
JQ=(jq -r -L "$HERE/jq")
# Every filter the page applies to one report (or one benchmark result): run once on each input
# before drawing, so a file of the wrong shape is named here instead of failing deep in the page.
DRAW_REPORT='include "run-data"; include "run-tables"; include "page"; include "matrix";
  ratio_tsv, exact_tsv, group_xtics, cause_exporter_tsv, cause_kernel_tsv, cause_total_tsv,
  ratio_table_html, exact_summary_html, exact_table_html, ([., .] | header_html, grid_html, diff_html),
  .verdict, .suite, .host.kernel_release, .started_utc'
DRAW_BENCH='include "bench-data"; overhead_tsv, overhead_xtics, ns_tsv, ns_xtics, scrape_tsv,
  part_state("overhead"), part_state("probe_cost"), part_state("scrape"), .timestamp, .host'
LIMIT=$((16 << 20))  # as retx-lab's other inputs: larger is a mistake (a device, a log)
# jq's first error line without its "jq: error (at FILE:N): " prefix.
jq_reason() { head -1 "$1" | sed -E 's/^jq: error \(at [^)]*\): //; s/^jq: error: //; s/^parse error: //'; }
# Inputs are read many times: copy each once, so a pipe or <(...) works as well as a file.
# copy_in KIND JQ_TEST WHAT DRAW FILE...: the copies' paths end up in the array "copies".
copy_in() {
  local kind=$1 test=$2 what=$3 draw=$4 i=0 f c; shift 4
  copies=()
  for f in "$@"; do
    i=$((i + 1)) c=$WORK/$kind-$i.json
    [[ ! -d $f ]] || die "'$f' is a directory, not $what"
    head -c $((LIMIT + 1)) -- "$f" >"$c" 2>/dev/null || die "cannot read '$f'"
    (($(stat -c %s "$c") <= LIMIT)) || die "'$f' is larger than the input limit of 16 MiB"
    jq empty "$c" 2>"$WORK/err" || die "'$f' is not valid JSON: $(jq_reason "$WORK/err")"
    jq -e "$test" "$c" >/dev/null 2>&1 || die "'$f' is not $what"
    "${JQ[@]}" "$draw" "$c" >/dev/null 2>"$WORK/err" \
      || die "'$f' does not have the shape of $what: $(jq_reason "$WORK/err")"
    copies+=("$c")
  done
}
copy_in report '.schema == "retxlab-report/1"' "a retxlab-report/1 JSON (see reports/README.md)" \
  "$DRAW_REPORT" "${reports[@]}"
reports=("${copies[@]}")
copy_in bench 'has("timestamp") and has("host")' \
  "a bench/run-all.sh result with timestamp and host (see bench/README.md)" "$DRAW_BENCH" "${benches[@]}"
benches=("${copies[@]}")
html_escape() { sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' -e 's/"/\&quot;/g'; }

# The legend of a plot, from the "#legend KIND COLOUR TEXT" lines of its gnuplot script.
legend_html() {
  echo '<ul class="legend">'
  sed -n 's/^#legend //p' "$1" | while read -r kind colour text; do
    printf '<li><span class="sw %s" style="--c:%s"></span>%s</li>\n' \
      "${kind/-/ }" "$colour" "$(html_escape <<<"$text")"
  done
  echo '</ul>'
}

# figure ID TITLE SCRIPT POINTS DATADIR CAPTION_HTML: runs the gnuplot script on the tables in
# DATADIR and prints the <figure>, the SVG inlined with its ids prefixed by ID (gnuplot names
# the same ids in every SVG, and one HTML document must not repeat an id).
figure() {
  local id=$1 title=$2 script=$3 points=$4 dir=$5 caption=$6
  printf '<figure class="plot" id="%s" data-points="%s">\n<figcaption><b>%s</b> %s</figcaption>\n' \
    "$id" "$points" "$(html_escape <<<"$title")" "$caption"
  if ((points == 0)); then
    echo '<p class="empty-plot">Nothing to plot in this report.</p></figure>'
    return
  fi
  legend_html "$script"
  gnuplot -e "gp='$HERE/gnuplot'; dir='$dir'; out='$dir/$id.svg'; width=1180" "$script" 2>"$dir/$id.log" \
    || die "gnuplot failed on $(basename "$script"): $(tail -3 "$dir/$id.log")" 1
  sed -e '/^<?xml/d' \
      -e "s|<title>Gnuplot</title>|<title>$(html_escape <<<"$title" | sed 's/[|&\\]/\\&/g')</title>|" \
      -e "s/id='/id='$id-/g; s/id=\"/id=\"$id-/g; s/href='#/href='#$id-/g; s/url(#/url(#$id-/g" \
      "$dir/$id.svg"
  echo '</figure>'
}

rows() { [[ -s $1 ]] && wc -l <"$1" || echo 0; }

# The three plots of one lab report. $1 report, $2 index (for unique ids).
report_sections() {
  local r=$1 k=$2 d=$WORK/r$2
  mkdir -p "$d"
  "${JQ[@]}" 'include "run-data"; ratio_tsv' "$r" >"$d/ratio.tsv"
  "${JQ[@]}" 'include "run-data"; exact_tsv' "$r" >"$d/exact.tsv"
  "${JQ[@]}" 'include "run-data"; group_xtics' "$r" >"$d/xtics.gp"
  for part in exporter kernel total; do
    "${JQ[@]}" "include \"run-data\"; cause_${part}_tsv" "$r" >"$d/cause-$part.tsv"
  done
  echo '<h3>Measured against the model</h3>'
  figure "ratio-$k" "Retransmission ratio against nominal loss." "$HERE/gnuplot/ratio.gp" \
    "$(rows "$d/ratio.tsv")" "$d" "Every attempt of every independent-random-loss scenario, in its \
sender's namespace. The shaded box spans the Wilson interval (at the drop_rate_wilson check's confidence, 99.9 % by default) of the drop rate the lab really \
realised (x) and the model's ratio over that interval (y): a point inside its box is on the model."
  "${JQ[@]}" 'include "run-tables"; ratio_table_html' "$r"
  echo '<h3>Exporter against the kernel</h3>'
  figure "exact-$k" "Exporter against the kernel, per scenario and namespace." \
    "$HERE/gnuplot/exactness.gp" "$(rows "$d/exact.tsv")" "$d" "Namespaces where anything was \
retransmitted; the difference (right axis) must read 0."
  "${JQ[@]}" 'include "run-tables"; exact_summary_html' "$r"
  echo '<details><summary>Every namespace of every attempt</summary>'
  "${JQ[@]}" 'include "run-tables"; exact_table_html' "$r"
  echo '</details>'
  echo '<h3>Causes</h3>'
  figure "causes-$k" "Causes against the TcpExt counters." "$HERE/gnuplot/causes.gp" \
    "$(rows "$d/cause-total.tsv")" "$d" "Left bar: the exporter's cause counts (segments, \
including xmit failures). Right bar: the matching TcpExt counters, which count events rather than \
segments and are not 1:1 (bpf/README.md): TCPLossProbes also counts probes that sent new data, \
TCPTimeouts counts SYN timeouts too, TCPSynRetrans covers syn and synack."
}

# " This part was skipped: why." for a part without figures; nothing for a part that ran.
part_note() {
  # shellcheck disable=SC2016  # $p is jq's variable, not the shell's
  "${JQ[@]}" --arg p "$1" 'include "bench-data"; part_state($p) | if . == "ok" then "" else " Not plotted (" + . + ")." | @html end' "$2"
}

# The benchmark plots of one bench-<stamp>.json. $1 file, $2 index.
bench_sections() {
  local b=$1 k=$2 d=$WORK/b$2
  mkdir -p "$d"
  "${JQ[@]}" '"<p>\(.timestamp) (\(.mode)), kernel \(.host.kernel), \(.host.cpus) CPUs, commit \(.commit // "?"), load at end \(.host.loadavg_at_end // "?"). Ratios compare with a baseline measured in the same run.</p>" ' "$b"
  "${JQ[@]}" 'include "bench-data"; overhead_tsv' "$b" >"$d/overhead.tsv"
  "${JQ[@]}" 'include "bench-data"; overhead_xtics' "$b" >"$d/xtics.gp"
  figure "overhead-$k" "Overhead ratios: geometric mean and 95 % interval (older results: median, min–max)." "$HERE/gnuplot/bench-overhead.gp" \
    "$(($(rows "$d/overhead.tsv") * 2))" "$d" \
    "Windows of one iperf3 transfer (older results: a fixed-size transfer per run); each ratio is to the no-probe window of the same round.\
$(part_note overhead "$b")"
  "${JQ[@]}" 'include "bench-data"; ns_tsv' "$b" >"$d/ns.tsv"
  "${JQ[@]}" 'include "bench-data"; ns_xtics' "$b" >"$d/xtics.gp"
  figure "ns-$k" "Probe cost, ns per event." "$HERE/gnuplot/bench-ns.gp" "$(rows "$d/ns.tsv")" "$d" \
    "bpf_stats run time over run count; the empty program is the floor.$(part_note probe_cost "$b")"
  "${JQ[@]}" 'include "bench-data"; scrape_tsv' "$b" >"$d/scrape.tsv"
  figure "scrape-$k" "Scrape latency against series count." "$HERE/gnuplot/bench-scrape.gp" \
    "$(($(rows "$d/scrape.tsv") * 2))" "$d" \
    "/metrics over loopback, no compression.$(part_note scrape "$b")"
}

page() {
  local verdict title
  # The run verdict over all reports: the most severe one wins, as in a single run.
  verdict=$(jq -r -s '[.[].verdict] as $v | (["fail", "inconclusive", "pass", "skipped"]
    | map(select(. as $x | $v | index($x))) | .[0]) // "skipped"' "${reports[@]}")
  title=$(jq -r -s '"retxlab report: " + ([.[].suite] | unique | join(", ")) + " on "
    + ([.[].host.kernel_release] | unique | join(", "))' "${reports[@]}" | html_escape)
  cat <<EOF
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>$title</title>
<style>
$(cat "$HERE/page/style.css")
</style></head>
<body data-render-ok="pending">
<h1>$title <span class="badge run-verdict v-$verdict">$verdict</span></h1>
<p><small>Rendered $(date -u +%Y-%m-%dT%H:%M:%SZ) by lab/report/render-report.sh from
$(html_escape <<<"$names").
The JSON is the source of truth; this page only draws it.</small></p>
<p id="render-check">Render check has not run (scripts disabled?).</p>
EOF
  "${JQ[@]}" -s 'include "page"; header_html' "${reports[@]}"
  if ((${#reports[@]} > 1)); then
    echo '<h2>Kernel differences</h2>'
    echo '<p><small>What decides how the exporter counts and how the lab impairs, per kernel; a row whose known values differ is flagged ≠. Hover a trait for where it comes from.</small></p>'
    "${JQ[@]}" -s 'include "matrix"; diff_html' "${reports[@]}"
  fi
  echo '<h2>Verdicts</h2>'
  echo '<p><small>Hover a cell for the reason; checks that did not pass and scenario notes are also footnoted. With several kernels, ≠ marks a row whose verdicts differ.</small></p>'
  "${JQ[@]}" -s 'include "page"; grid_html' "${reports[@]}"
  local i=0
  for r in "${reports[@]}"; do
    i=$((i + 1))
    printf '<section class="run" id="run-%s"><h2>%s</h2>\n' "$i" \
      "$(jq -r '"Plots: \(.suite) on \(.host.kernel_release) (\(.started_utc))"' "$r" | html_escape)"
    report_sections "$r" "$i"
    echo '</section>'
  done
  i=0
  for b in "${benches[@]}"; do
    i=$((i + 1))
    printf '<section class="bench" id="bench-%s"><h2>Benchmarks</h2>\n' "$i"
    bench_sections "$b" "$i"
    echo '</section>'
  done
  printf '<script>\n%s\n</script>\n</body></html>\n' "$(cat "$HERE/page/check.js")"
}

# Written beside and renamed, so a reader (or the lab) never sees half a page.
page >"$WORK/page.html"
mv -f "$WORK/page.html" "$out.tmp" 2>/dev/null || cp "$WORK/page.html" "$out.tmp"
mv -f "$out.tmp" "$out"
echo "render-report.sh: wrote $out"
