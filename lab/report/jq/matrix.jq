# The kernel-differences table of a matrix page (jq -s over several retxlab-report/1 reports):
# one row per kernel trait that decides how the exporter counts or how the lab impairs, one
# column per report, and a "differs" flag on every row whose values are not all the same.
include "common";
include "page";

def probe($tp): [.exporter.probe_info[]? | select(.tracepoint == $tp)][0];

# tcp_retransmit_skb's `err` argument (6.17+): failed retransmits are then reported apart.
def trait_err: probe("tcp_retransmit_skb") as $p
  | if $p == null then "unknown (no exporter probe info)"
    elif ($p.err_field | tostring) == "true" then "present" else "absent" end;

# The attach flavour the exporter chose, per tracepoint when they differ.
def trait_attach: [.exporter.probe_info[]? | {tp: .tracepoint, a: .attach}] as $p
  | if ($p | length) == 0 then "unknown (no exporter probe info)"
    elif ($p | map(.a) | unique | length) == 1 then $p[0].a
    else $p | map("\(.tp): \(.a)") | join(", ") end;

# Whether an accepted socket's tcpi_total_retrans holds its SYN-ACK retransmits: every
# namespace with sockets where the exporter saw synack retransmits is one sample; its socket
# sum equals RetransSegs (included) or RetransSegs minus the SYN-ACKs (not included).
def synack_samples: [.scenarios[] | .name as $s | .attempts[]?.measurements.namespaces // {} | to_entries[]
  | .value | select((.exporter_delta.by_cause.synack // 0) > 0 and (.sockets.count // 0) > 0)
  | kd("Tcp.RetransSegs") as $k | (.exporter_delta.by_cause.synack) as $syn | .sockets.total_retrans as $t
  | if $t == $k then "included" elif $t == $k - $syn then "not included" else "neither" end];

def trait_synack: synack_samples as $x | ($x | length) as $n
  | if $n == 0 then "not exercised (no SYN-ACK retransmitted)"
    elif ($x | unique | length) == 1 then "\($x[0]) (\($n) of \($n))"
    else "mixed: " + ($x | group_by(.) | map("\(.[0]) \(length)") | join(", ")) + " of \($n)" end;

# The impairment backends the scenarios really used (not just the ones available).
def trait_backend: [.scenarios[].backend // empty | select(. != "")] | unique
  | if length == 0 then "none" else join(", ") end;

def traits: [
  {name: "tracepoint err field", why: "tcp_retransmit_skb carries err (6.17+): failed retransmits counted apart", f: "err"},
  {name: "attach flavour", why: "the first of tp_btf, raw_tp, tracepoint the kernel accepted", f: "attach"},
  {name: "SYN-ACK retransmits in tcpi_total_retrans", why: "accepted sockets where the exporter saw synack retransmits", f: "synack"},
  {name: "impairment backend used", why: "netem where sch_netem exists, else nft or the bpf dropper", f: "backend"}];

def trait_value($f): if $f == "err" then trait_err elif $f == "attach" then trait_attach
  elif $f == "synack" then trait_synack else trait_backend end;

# A value that says nothing about the kernel (no probe info, nothing exercised) differs from nothing.
def known: test("^(unknown|not exercised)") | not;

def diff_html: . as $rs | column_names as $names
  | [traits[] as $t | [$rs[] | trait_value($t.f)] as $v
     | {t: $t, v: $v, d: ([$v[] | select(known)] | unique | length > 1)}] as $rows
  | "<table id=\"kernel-diff\" class=\"grid diff\" data-differs=\"\([$rows[] | select(.d)] | length)\">"
    + "<thead><tr><th>trait</th>" + ([$names[] | "<th class=\"kernel\">\(esc)</th>"] | join(""))
    + "<th class=\"flag\">between kernels</th></tr></thead><tbody>"
    + ([$rows[] | "<tr class=\"trait\(if .d then " differs" else "" end)\" data-trait=\"\(.t.f)\">"
        + "<th title=\"\(.t.why | esc)\">\(.t.name | esc)</th>"
        + ([.v[] | "<td class=\"tv\">\(esc)</td>"] | join(""))
        + "<td class=\"flag\">\(if .d then "≠ differs" else "same" end)</td></tr>"] | join(""))
    + "</tbody></table>";

# The same table as text for a terminal (tab-separated; ≠ where the kernels differ).
def diff_tsv: . as $rs | (["trait"] + column_names + [""] | @tsv),
  (traits[] as $t | [$rs[] | trait_value($t.f)] as $v
   | [$t.name] + $v + [if ([$v[] | select(known)] | unique | length > 1) then "≠" else "" end] | @tsv);
