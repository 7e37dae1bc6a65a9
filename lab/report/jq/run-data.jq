# Tables drawn from one retxlab-report/1 (reports/README.md), for the plots and
# the exactness table. Each *_tsv filter emits the rows one gnuplot script reads.
include "common";

# A set-aside attempt (lab/README.md) shares its index with the run that replaced it.
def attempt_label($s; $a): $s.name + (if ($s.attempts | length) > 1 then "#\($a.index)" else "" end)
  + (if ($a.set_aside // "") != "" then " (set aside)" else "" end);

def measured_attempts: .scenarios[] as $s | $s.attempts[]?
  | select(.measurements.namespaces != null) | {s: $s, a: .};

# --- measured against the model: independent random loss on the data path, where p/(1-p)
# is the expectation (ACK-path loss is left out: it retransmits little or nothing by design).
# "claimed": the scenario has a ratio_model check; other random-loss scenarios (storms of short
# connections, many flows) are drawn too, but the model is not promised for them.
def ratio_points: [ measured_attempts
  | select(.s.spec.impairment.kind == "random" and (.s.spec.impairment.direction // "data") == "data")
  | (.s.spec.traffic[0].direction // "upload") as $dir | (.a | sender_ns($dir)) as $snd
  | select($snd != null and ($snd.value | kd("TcpExt.TCPOrigDataSent")) > 0)
  | (.a.checks // [] | map(select(.kind == "drop_rate_wilson"))[0].measured) as $w
  | .a.measurements.impairment as $imp
  | (if $w.interval_low != null then {low: $w.interval_low, high: $w.interval_high, rate: $w.realised_rate}
     # No such check in the attempt: its default confidence, 99.9 % (drop_rate_wilson.cpp).
     else wilson($imp.packets_dropped // 0; $imp.candidates // 0; 3.2905267314919) end) as $wi
  | {label: attempt_label(.s; .a), sender: $snd.key,
     nominal: .s.spec.impairment.nominal_loss,
     ratio: (($snd.value | kd("Tcp.RetransSegs") - kd("TcpExt.TCPDSACKRecvSegs"))
             / ($snd.value | kd("TcpExt.TCPOrigDataSent"))),
     low: $wi.low, high: $wi.high, realised: $wi.rate,
     tolerance: ((.s.checks // [] | map(select(.kind == "ratio_model"))[0].expected.tolerance) // null)}
  | .claimed = (.tolerance != null) ];

# gnuplot reads "?" as a missing value, so an attempt without a Wilson interval keeps its point.
def ratio_tsv: ratio_points[]
  | [.label, .nominal, .ratio, (.low // "?"), (.high // "?"), (.realised // "?"), (if .claimed then 1 else 0 end)] | @tsv;

# --- exporter against the kernel: every scenario, attempt and namespace.
def exact_rows: [ measured_attempts | .s as $s | .a as $a
  | $a.measurements.namespaces | to_entries[]
  | {label: (attempt_label($s; $a) + "/" + .key), scenario: $s.name, attempt: $a.index, ns: .key,
     kernel: (.value | kd("Tcp.RetransSegs")), exporter: (.value | exporter_segs),
     causes: (.value.exporter_delta.by_cause // {}),
     xmit_causes: (.value.exporter_delta.xmit_failures_by_cause // {}),
     tcpext: {syn: (.value | kd("TcpExt.TCPSynRetrans")), fast: (.value | kd("TcpExt.TCPFastRetrans")),
              tlp: (.value | kd("TcpExt.TCPLossProbes")),
              rto: ((.value | kd("TcpExt.TCPTimeouts")) + (.value | kd("TcpExt.TCPSlowStartRetrans")))}}
  | .diff = (.kernel - .exporter) ];

# The plots show only groups where something was retransmitted: zero bars carry no picture,
# and the table below the plot lists every namespace.
def plotted_groups: exact_rows | map(select(.kernel > 0 or .exporter > 0));

def exact_tsv: plotted_groups | to_entries[] | [.key, .value.label, .value.kernel, .value.exporter, .value.diff] | @tsv;

# Stacked segments, one row each: x, bottom, top, colour index (1 rto, 2 fast, 3 tlp, 4 syn,
# 5 synack, 6 other). Exporter causes include xmit failures, as exporter_exact does.
def cause_order: ["rto", "fast", "tlp", "syn", "synack", "other"];
def stack($x; $vals): reduce range(0; $vals | length) as $i ({y: 0, rows: []};
    if $vals[$i] > 0 then .rows += [[$x, .y, .y + $vals[$i], $i + 1]] | .y += $vals[$i] else . end) | .rows[];
def cause_exporter_tsv: plotted_groups | to_entries[]
  | (.value.causes) as $c | (.value.xmit_causes) as $f
  | stack(.key - 0.2; [cause_order[] | ($c[.] // 0) + ($f[.] // 0)]) | @tsv;
# TcpExt counterparts, same colours: TCPTimeouts+TCPSlowStartRetrans (rto), TCPFastRetrans
# (fast and other), TCPLossProbes (tlp, an upper bound), TCPSynRetrans (syn and synack together).
def cause_kernel_tsv: plotted_groups | to_entries[] | .value.tcpext as $k
  | stack(.key + 0.2; [$k.rto, $k.fast, $k.tlp, $k.syn]) | @tsv;
def cause_total_tsv: plotted_groups | to_entries[] | [.key, .value.kernel] | @tsv;

# gnuplot xtics for the grouped plots: ("label" 0, ...), labels stripped of quotes.
def group_xtics: "set xtics (" + ([plotted_groups | to_entries[]
  | "\"\(.value.label | gp_label)\" \(.key)"] | join(", ")) + ")";
