# Renders a bench-<stamp>.json (bench/run-all.sh) as the readable table:
# goals first, then each part's figures. Used as: jq -r -L bench 'include "report_table"; table'.

def pad(n): tostring | if length >= n then . else . + (" " * (n - length)) end;
def lpad(n): tostring | if length >= n then . else (" " * (n - length)) + . end;
def r1: if . == null then "n/a" else (. * 10 | round / 10 | tostring) end;
def r3: if . == null then "n/a" else (. * 1000 | round / 1000 | tostring) end;
def r4: if . == null then "n/a" else (. * 10000 | round / 10000 | tostring) end;
def row(cols; widths): [range(0; cols | length) as $i | cols[$i] | pad(widths[$i])] | join("  ");
def skipped: (type != "object") or has("skipped") or has("failed");
def why: if type != "object" then "missing" elif has("skipped") then "skipped: \(.skipped)" else "FAILED: \(.failed)" end;
def mmm: "\(.median | r3) [\(.min | r3)-\(.max | r3)]";
# Google Benchmark results: the median aggregate of each case where there were
# repetitions, else the single run; names without the "_median" suffix.
def gb_rows: (.benchmarks // []) as $b
  | if any($b[]; .aggregate_name == "median") then [$b[] | select(.aggregate_name == "median") | .name |= sub("_median$"; "")]
    else [$b[] | select(.run_type != "aggregate")] end;
def verdict(ok): if ok then "met" else "MISSED" end;

# Kernel-side CPU of a probe during one transfer, as % of the transfer's whole-machine CPU:
# (events per run) x (its ns/event from the probe-cost part of the same report) / CPU seconds.
# User-space work (bpftrace's printing, the per-event consumer) is not in it.
def probe_share($r; variant; $m):
  ([$r.probe_cost | if skipped then empty else .summary[] end | select(.variant == variant) | .ns_per_event.median]
   | first // null) as $ns
  | if $ns == null or ($m.throughput_ratio.n // 0) == 0 or ($m.cpu_seconds_median // 0) == 0 then null
    else ($m.events / $m.throughput_ratio.n) * $ns / 1e9 / $m.cpu_seconds_median * 100 end;

def goals:
  . as $r
  | ($r.probe_cost | if skipped then null else .summary end) as $pc
  | ($r.overhead | if skipped then null else .summary end) as $ov
  | ($r.scrape | if skipped then null else .stages end) as $sc
  | [ ( ($pc // [])[] | select(.variant == "exporter" or .variant == "exporter_peer")
        | . as $v | ($pc[] | select(.variant == "empty") | .ns_per_event.median) as $floor
        | ["probe cost/event (\(.variant))", "<= 50 ns",
           "\(.ns_per_event.median | r1) ns (empty floor \($floor | r1), net +\(.ns_over_empty.median | r1))",
           (if .ns_per_event.median <= 50 then "met" else "MISSED by \(.ns_per_event.median - 50 | r1) ns" end),
           $r.commands.probe_cost] ),
      ( ($ov // [])[] | select(.mode == "exporter") | . as $e
        | ([($ov // [])[] | select(.mode == "none_ctl" and .loss == $e.loss) | .throughput_ratio] | first // null) as $ctl
        | (probe_share($r; "exporter"; $e)) as $share
        | ["throughput ratio, \(.loss) % loss", ">= 0.99",
           "\(.throughput_ratio | mmm)" + (if $ctl then "; no-probe control \($ctl | mmm)" else "" end)
           + (if $share then "; probe CPU (derived) \($share | r3) % => ratio >= \(1 - $share / 100 | r4)" else "" end),
           # A control that strays further from 1 than the goal's 1 % means this run cannot resolve it.
           (if $ctl and ([$ctl.min, $ctl.max] | any(. < 0.99 or . > 1.01))
            then "UNRESOLVED (noise \($ctl.min | r3)-\($ctl.max | r3))"
            elif .throughput_ratio.median >= 0.99 then "met" else "MISSED by \(0.99 - .throughput_ratio.median | r3)" end),
           $r.commands.overhead] ),
      ( ($sc // []) | map(select(.target_series == 10000)) | .[]
        | ["scrape 10k series (median)", "<= node_exporter, <= 20 ms",
           "\(.exporter.median_ms | r1) ms (p99 \(.exporter.p99_ms | r1)); node_exporter \(.node_exporter.median_ms | r1) ms",
           (if .exporter.median_ms <= 20 and .exporter.median_ms <= .node_exporter.median_ms then "met"
            else "MISSED: \(.exporter.median_ms / .node_exporter.median_ms | r1)x node_exporter, +\(.exporter.median_ms - 20 | r1) ms over 20" end),
           $r.commands.scrape] ),
      ( ($sc // []) | map(select(.target_series == 10000 and .exporter.ms_per_1k_series != null)) | .[]
        | ["scrape cost per 1k series (10k)", "<= 1.5 ms",
           "\(.exporter.ms_per_1k_series | r3) ms; node_exporter \(.node_exporter.ms_per_1k_series | r3) ms (\(.node_exporter.series) series)",
           (if .exporter.ms_per_1k_series <= 1.5 then "met" else "MISSED by \(.exporter.ms_per_1k_series - 1.5 | r3) ms" end),
           $r.commands.scrape] ),
      ( ($sc // []) | if length > 0 then max_by(.exporter.rss_mib) else empty end
        | ["exporter RSS (\(.retx_series) series)", "<= 30 MiB", "\(.exporter.rss_mib | r1) MiB (peak \(.exporter.hwm_mib | r1))",
           (if .exporter.rss_mib <= 30 then "met" else "MISSED by \(.exporter.rss_mib - 30 | r1) MiB" end), $r.commands.scrape] ),
      ( $r.lost | if skipped then empty else
          ["lost under load (identity)", "0 missing",
           "\(.exporter.missing) of \(.kernel_retrans_segs) segs (\(.retrans_segs_per_second)/s); per-event lost \(.per_event.lost)",
           verdict(.exporter.identity_holds and .exporter_peer.identity_holds), $r.commands.lost] end ),
      ( $r.top | if skipped then empty else
          (.summary[] | select(.variant == "top_json")) as $t
          | ["retx-top --once, \($r.top.sockets) sockets", "< 200 ms",
             "wall \($t.wall_ms | mmm) ms, CPU \($t.cpu_ms | mmm) ms (load \($r.top.loadavg))",
             (if $t.wall_ms.median < 200 then "met"
              elif $t.cpu_ms.median < 200 then "met in CPU; wall +\($t.wall_ms.median - 200 | r1) ms (waiting for a CPU)"
              else "MISSED by \($t.cpu_ms.median - 200 | r1) ms of CPU" end), $r.commands.top] end ) ];

def table:
  . as $r
  | [ "retxlab benchmarks \(.timestamp) (\(.mode)), kernel \(.host.kernel), \(.host.cpus) CPUs, load at end \(.host.loadavg_at_end), commit \(.commit)",
      "Ratios compare with a baseline measured in the same run; absolute times on this shared machine are noisy.",
      "",
      "GOALS",
      row(["measure", "goal", "measured", "verdict"]; [32, 28, 64, 10]),
      (goals[] | row(.[0:4]; [32, 28, 64, 10])),
      "",
      "PROBE COST PER EVENT (bpf_stats run_time_ns/run_cnt; median [min-max] over rounds)",
      (if (.probe_cost | skipped) then "  " + (.probe_cost | why) else
        (row(["variant", "events", "ns/event", "ns over empty", "x empty", "recursion misses"]; [14, 8, 30, 30, 24, 8]),
         (.probe_cost.summary[] | row([.variant, .events, (.ns_per_event | mmm), (.ns_over_empty | mmm), (.ratio_to_empty | mmm),
                                       .recursion_misses]; [14, 8, 30, 30, 24, 8]))) end),
      "",
      "SYSTEM OVERHEAD (fixed-size iperf3 transfer; ratio to no probe in the same round: median [min-max])",
      (if (.overhead | skipped) then "  " + (.overhead | why) else
        ("transfer \(.overhead.bytes) over \(.overhead.flows // 1) flows, \(.overhead.rounds) rounds",
         row(["loss", "mode", "Gbit/s", "throughput ratio", "CPU s", "CPU ratio", "events", "lost", "probe CPU % (derived)"];
             [5, 10, 7, 26, 6, 26, 8, 6, 10]),
         (.overhead.summary[] | . as $m
          | row(["\(.loss)%", .mode, (.throughput_gbit_median | r3), (.throughput_ratio | mmm),
                 (.cpu_seconds_median | r3), (.cpu_ratio | mmm), .events, .lost_events,
                 (probe_share($r; $m.mode; $m) | if . == null then "" else r3 end)];
                [5, 10, 7, 26, 6, 26, 8, 6, 10]))) end),
      "",
      "SCRAPE (/metrics over loopback, no compression; alternating with node_exporter)",
      (if (.scrape | skipped) then "  " + (.scrape | why) else
        (row(["retx series", "exporter lines", "median ms", "p99 ms", "RSS MiB", "node lines", "node median", "node p99", "node RSS", "ratio"];
             [11, 14, 9, 8, 8, 10, 11, 8, 8, 6]),
         (.scrape.stages[] | row([.retx_series, .exporter.series, (.exporter.median_ms | r3), (.exporter.p99_ms | r3), (.exporter.rss_mib | r1),
                                  .node_exporter.series, (.node_exporter.median_ms | r3), (.node_exporter.p99_ms | r3),
                                  (.node_exporter.rss_mib | r1), .latency_ratio_median]; [11, 14, 9, 8, 8, 10, 11, 8, 8, 6]))) end),
      "",
      "LOST COUNTS UNDER LOAD (sender netns; exporter must equal the kernel identity)",
      (if (.lost | skipped) then "  " + (.lost | why) else
        (.lost | "kernel ΔRetransSegs \(.kernel_retrans_segs) in \(.traffic_seconds | r1) s (\(.retrans_segs_per_second) segs/s; \(.config.flows) flows at \(.config.loss) % + \(.config.syns) dropped SYNs)",
         "exporter:           retransmissions \(.exporter.retransmissions) + xmit failures \(.exporter.xmit_failures) -> missing \(.exporter.missing), lost_hits \(.exporter.lost_hits), recursion misses \(.exporter.recursion_misses)",
         "exporter (peer):    retransmissions \(.exporter_peer.retransmissions) + xmit failures \(.exporter_peer.xmit_failures) -> missing \(.exporter_peer.missing), lost_hits \(.exporter_peer.lost_hits), recursion misses \(.exporter_peer.recursion_misses)",
         "per-event (ring \(.per_event.ringbuf_kib) KiB): hits \(.per_event.hits), records received \(.per_event.records), lost (ring full) \(.per_event.lost), recursion misses \(.per_event.recursion_misses)") end),
      "",
      "RETX-TOP --ONCE (the whole command, ms: median [min-max]; ss reads the farm's namespace only)",
      (if (.top | skipped) then "  " + (.top | why) else
        ("\(.top.sockets) sockets held, \(.top.sockets_seen_in_farm) seen by retx-top there, \(.top.connections_reported) in all namespaces",
         row(["variant", "wall ms", "CPU ms (user + sys)"]; [12, 30, 30]),
         (.top.summary[] | row([.variant, (.wall_ms | mmm), (.cpu_ms | mmm)]; [12, 30, 30]))) end),
      "",
      "IN-PROCESS (Google Benchmark; CPU time of the benchmark thread, less disturbed by other load than real time)",
      ( .google_benchmark.metrics | if has("benchmarks") then
          (gb_rows[] | row([.name, "cpu \(.cpu_time | r1) \(.time_unit)", "real \(.real_time | r1) \(.time_unit)"]; [34, 18, 18]))
        else "  bench_metrics " + why end),
      ( .google_benchmark.map_read | if has("benchmarks") then
          ((gb_rows | map(select(.error_occurred | not)) | group_by(.keys)[] | select(length == 2)
            | (map(select(.name | startswith("BM_ReadBatch")))[0]) as $b | (map(select(.name | startswith("BM_ReadPerKey")))[0]) as $p
            | row(["map read \($b.keys) keys", "batch \($b.cpu_time | r1) \($b.time_unit)", "per-key \($p.cpu_time | r1) \($p.time_unit)",
                   "per-key/batch \($p.cpu_time / $b.cpu_time | r1)x", "batch \($b.cpu_time * 1000 / $b.keys | r1) ns/key"];
                  [22, 20, 22, 18, 18])),
           (.benchmarks[] | select(.error_occurred) | "  \(.name): \(.error_message)"))
        else "  bench_map_read " + why end),
      ( .google_benchmark.expectations | if has("benchmarks") then
          (gb_rows[] | row([.name, "cpu \(.cpu_time | r1) \(.time_unit)", "real \(.real_time | r1) \(.time_unit)"]; [34, 18, 18]))
        else "  bench_expectations " + why end),
      "",
      "COMMANDS (each reproduces one part; bench/README.md)",
      (.commands | to_entries[] | "  \(.key): \(.value)")
    ] | .[];
