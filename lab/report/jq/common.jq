# Helpers shared by the page and plot-data filters (jq 1.6: no abs, no pick).

def absval: if . < 0 then -. else . end;

# Round for display: n significant decimals, without jq 1.6's 17-digit floats.
def fmt(d): if . == null then "n/a"
  elif type != "number" then tostring
  else (pow(10; d)) as $m | (. * $m | round) / $m | tostring end;

def pct: if . == null then "n/a" else (. * 100 | fmt(3)) + " %" end;

def vclass: "v-" + (. // "absent");

# The verdict's one-character mark, so the grid reads without colour too.
def vmark: {"pass": "✓", "fail": "✗", "inconclusive": "?", "skipped": "–"}[.] // "·";

# Kernel delta of one counter in a namespace object; absent means it did not move.
def kd(name): (.kernel_delta[name] // 0);

# What exporter_exact compares with ΔTcp.RetransSegs: sent plus xmit-failed.
def exporter_segs: ((.exporter_delta.retransmissions // 0) + (.exporter_delta.xmit_failures // 0));

# The sender of an attempt: the server for a download, else the client that sent the most
# original data (a storm's server sends as much as its client, so the role decides, not the count).
def sender_ns($direction): .measurements.namespaces | to_entries
  | map(select(if $direction == "download" then .key == "server" else .key | startswith("client") end))
  | max_by(.value | kd("TcpExt.TCPOrigDataSent"));

# Wilson score interval of k successes in n trials at z (99.9 % => 3.2905).
def wilson(k; n; z):
  if n <= 0 then null else
    (k / n) as $p | (z * z) as $z2
    | (1 + $z2 / n) as $den
    | (($p + $z2 / (2 * n)) / $den) as $c
    | (z * ((($p * (1 - $p)) / n + $z2 / (4 * n * n)) | sqrt) / $den) as $h
    | {low: ([$c - $h, 0] | max), high: ([$c + $h, 1] | min), rate: $p} end;

# Short label of a report for column heads: its kernel, and the file when kernels repeat.
def kernel_of: .host.kernel_release // "unknown kernel";

# A string as a gnuplot tic label: no quotes or backslashes, and "%" doubled because
# gnuplot reads tic labels as format strings.
def gp_label: gsub("[\"\\\\]"; "") | gsub("%"; "%%");
