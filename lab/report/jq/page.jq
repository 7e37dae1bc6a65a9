# HTML fragments of the page from an array of retxlab-report/1 reports (jq -s), one per kernel.
# Every string from a report goes through @html; numbers through fmt.
include "common";

def esc: tostring | @html;

# Column heads: the kernel, plus the suite when two reports share a kernel.
def column_names: . as $rs | [range(0; length) as $i | $rs[$i]
  | kernel_of + (if ([$rs[] | kernel_of] | map(select(. == ($rs[$i] | kernel_of))) | length) > 1
                 then " (\(.suite), \(.started_utc))" else "" end)];

def badge: "<span class=\"badge \(vclass)\">\(esc)</span>";

# --- header -------------------------------------------------------------------------------
def header_html: column_names as $names
  | "<table class=\"runs\"><thead><tr><th>kernel</th><th>suite</th><th>started (UTC)</th><th>wall</th>"
    + "<th>verdict</th><th>scenarios</th><th>checks</th><th>offload</th><th>exporter probes</th>"
    + "<th>backends available</th></tr></thead><tbody>"
  + ([range(0; length) as $i | .[$i] as $r
      | "<tr><td>\($names[$i] | esc)<br><small>\($r.host.kernel_version // "" | esc) \($r.host.machine // "" | esc), \($r.host.cpus // "?") CPUs</small></td>"
        + "<td>\($r.suite | esc)</td><td>\($r.started_utc | esc)</td><td>\($r.wall_seconds | fmt(1)) s</td>"
        + "<td>\($r.verdict | badge)</td>"
        + "<td>\([($r.counts.scenarios // {}) | to_entries[] | select(.value > 0) | "\(.value) \(.key)"] | join(", ") | esc)</td>"
        + "<td>\([($r.counts.checks // {}) | to_entries[] | select(.value > 0) | "\(.value) \(.key)"] | join(", ") | esc)</td>"
        + "<td>\([$r.scenarios[].offload // empty] | unique | join(", ") | esc)</td>"
        + "<td>\([$r.exporter.probe_info[]? | "\(.tracepoint): \(.attach) (err field \(.err_field))" | esc] | join("<br>"))</td>"
        + "<td>\(($r.backends_available // []) | join(", ") | esc)</td></tr>"] | join(""))
  + "</tbody></table>";

# --- verdict grid -------------------------------------------------------------------------
# Rows: every (scenario, check) in the order first seen; columns: one per report (kernel).
def grid_rows: [.[] | .scenarios[] | .name as $s | {s: $s, c: null}, (.checks[] | {s: $s, c: .name})]
  | reduce .[] as $x ([]; if index([$x]) then . else . + [$x] end);

def find($s; $c): (.scenarios | map(select(.name == $s))[0]) as $sc
  | if $sc == null then null elif $c == null then $sc else ($sc.checks | map(select(.name == $c))[0]) end;

# Footnotes: the reason of every check that did not pass, and every scenario's own reason.
def notes: . as $rs | column_names as $names | [grid_rows[] as $row | range(0; $rs | length) as $i
  | ($rs[$i] | find($row.s; $row.c)) as $x
  | select($x != null and (($row.c == null and ($x.reason // "") != "") or ($row.c != null and $x.verdict != "pass")))
  | {s: $row.s, c: $row.c, i: $i,
     text: "\($row.s)\(if $row.c then " · " + $row.c else "" end) [\($names[$i])]: \($x.reason // "")"}]
  | to_entries | map(.value + {n: (.key + 1)});

def grid_html: . as $rs | column_names as $names | notes as $notes
  | ($rs | length) as $n | ($n == 1) as $single
  | "<table id=\"verdict-grid\" class=\"grid\" data-cells=\"\([$rs[] | .scenarios[].checks | length] | add // 0)\">"
  + "<thead><tr><th>scenario · check</th>"
  + ([$names[] | "<th class=\"kernel\">\(esc)</th>"] | join(""))
  + (if $single then "<th>reason (hover a cell for the full text)</th>" else "" end) + "</tr></thead><tbody>"
  + ([grid_rows[] as $row
      | ([range(0; $n) as $i | ($rs[$i] | find($row.s; $row.c)) as $x
          | ($notes | map(select(.s == $row.s and .c == $row.c and .i == $i))[0].n) as $k
          | (if $k then "<sup><a href=\"#note-\($k)\">\($k)</a></sup>" else "" end) as $sup
          | if $x == null then "<td class=\"absent\" title=\"not in this report\">·</td>"
            elif $row.c == null then
              "<td class=\"scen \($x.verdict | vclass)\" title=\"\($x.reason // "" | esc)\">\($x.verdict | badge) "
              + "<small>\(if ($x.backend // "") == "" then "no impairment" else "backend " + ($x.backend | esc) end)"
              + " · \($x.offload // "" | esc) · \($x.family // "" | esc) · \($x.seconds | fmt(1)) s</small>\($sup)</td>"
            else "<td class=\"cell \($x.verdict | vclass)\" data-check=\"\($row.s | esc)/\($row.c | esc)\" "
              + "title=\"\($x.verdict | esc): \($x.reason // "" | esc)\">\($x.verdict | vmark) \($x.verdict | esc)\($sup)</td>" end]
         | join("")) as $cells
      # Several kernels: a row whose verdicts are not all the same is flagged (absent cells aside).
      | ([range(0; $n) as $i | $rs[$i] | find($row.s; $row.c) | .verdict // empty] | unique | length > 1) as $differs
      | (if $differs then " differs" else "" end) as $dc
      | (if $differs then " <span class=\"flag\" title=\"the verdict differs between kernels\">≠</span>" else "" end) as $dm
      | if $row.c == null then
          "<tr class=\"scenario-row\($dc)\"><th class=\"scenario\">\($row.s | esc)\($dm)</th>\($cells)"
          + (if $single then "<td class=\"reason\">\($rs[0] | find($row.s; null) | .description // "" | esc)</td>" else "" end) + "</tr>"
        else "<tr class=\"check-row\($dc)\"><td class=\"check\">\($row.c | esc)\($dm)</td>\($cells)"
          + (if $single then "<td class=\"reason\">\($rs[0] | find($row.s; $row.c) | .reason // "" | esc)</td>" else "" end) + "</tr>" end]
     | join(""))
  + "</tbody></table>"
  + "<ol id=\"footnotes\" class=\"notes\">"
  + ([$notes[] | "<li id=\"note-\(.n)\">\(.text | esc)</li>"] | join("")) + "</ol>";
