# The tables under the per-report plots: what each point is, in numbers.
include "common";
include "run-data";

def esc: tostring | @html;
def model(p): if p == null then null else p / (1 - p) end;
def off(r; m): if m == null or m == 0 then null else (r / m - 1) end;

# Each measured ratio against the model at the nominal and at the realised drop rate: a point
# off the curve at nominal p but on it at realised p is the lab's sampling, not TCP's doing.
def ratio_table_html: ratio_points
  | if length == 0 then "" else
    "<table class=\"nums\"><thead><tr><th>scenario</th><th>sender</th><th>nominal p</th><th>realised p [Wilson interval]</th>"
    + "<th>measured ratio</th><th>model at nominal</th><th>off</th><th>model at realised</th><th>off</th><th>check tolerance</th></tr></thead><tbody>"
    + ([.[] | off(.ratio; model(.nominal)) as $atn | off(.ratio; model(.realised)) as $atr
        | "<tr><td>\(.label | esc)</td><td>\(.sender | esc)</td><td>\(.nominal | pct)</td>"
          + "<td>\(.realised | pct) [\(.low | pct), \(.high | pct)]</td><td>\(.ratio | fmt(5))</td>"
          + "<td>\(model(.nominal) | fmt(5))</td><td>\($atn | pct)</td><td>\(model(.realised) | fmt(5))</td>"
          + "<td class=\"\(if .tolerance != null and $atr != null and ($atr | absval) > .tolerance then "bad" else "" end)\">\($atr | pct)</td>"
          + "<td>\(if .tolerance == null then "no ratio_model check" else (.tolerance | pct) end)</td></tr>"] | join(""))
    + "</tbody></table>" end;

# Every scenario, attempt and namespace, including the quiet ones the plot leaves out.
def exact_table_html: exact_rows
  | "<table class=\"nums\"><thead><tr><th>scenario</th><th>attempt</th><th>namespace</th><th>kernel ΔRetransSegs</th>"
    + "<th>exporter retransmissions + xmit failures</th><th>difference</th></tr></thead><tbody>"
    + ([.[] | "<tr class=\"\(if .diff != 0 then "bad" else "" end)\"><td>\(.scenario | esc)</td><td>\(.attempt)</td>"
        + "<td>\(.ns | esc)</td><td>\(.kernel)</td><td>\(.exporter)</td><td>\(.diff)</td></tr>"] | join(""))
    + "</tbody></table>";

def exact_summary_html: exact_rows | map(select(.diff != 0))
  | if length == 0 then "<p class=\"ok\">Every namespace of every attempt: difference 0.</p>"
    else "<p class=\"bad\">\(length) namespace(s) differ: "
      + ([.[] | "\(.label | esc): kernel \(.kernel) vs exporter \(.exporter)"] | join("; ")) + "</p>" end;
