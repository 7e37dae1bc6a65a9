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
# A ratio summary of run-overhead.sh: geometric mean and its 95 % interval.
def gci: if . == null then "n/a" elif .ci95 == null then "\(.geomean | r3)" else "\(.geomean | r3) [\(.ci95[0] | r3)-\(.ci95[1] | r3)]" end;
# Google Benchmark results: the median aggregate of each case where there were
# repetitions, else the single run; names without the "_median" suffix.
def gb_rows: (.benchmarks // []) as $b
  | if any($b[]; .aggregate_name == "median") then [$b[] | select(.aggregate_name == "median") | .name |= sub("_median$"; "")]
    else [$b[] | select(.run_type != "aggregate")] end;
def verdict(ok): if ok then "met" else "MISSED" end;

# A part's summary row of variant v, or null.
def variant(v): [.summary[] | select(.variant == v)] | first;

# The summary row of VARIANT in WORKLOAD of the probe-cost part, or null.
def cost_row($r; w; v): $r.probe_cost | if skipped then null
  else [.workloads[] | select(.workload == w)] | first | if . == null then null else variant(v) end end;
def workload_name: if . == "syn" then "SYN storm" elif . == "bulk" then "lossy bulk" else . end;
def ratio_verdict($x; $goal): if $x == null then "n/a" elif $x <= $goal then "met" else "MISSED by \($x - $goal | r3)x" end;

def goals:
  . as $r
  | ($r.scrape | if skipped then null else .stages end) as $sc
  | [ ( ($r.probe_cost | if skipped then [] else .workloads end)[] | . as $w
        | cost_row($r; $w.workload; "exporter") as $e | cost_row($r; $w.workload; "empty") as $f
        | select($e != null)
        | ["probe cost/event, \($w.workload | workload_name)", "<= 2x empty program",
           "\($e.ratio_to_empty | mmm)x: \($e.ns_per_event.median | r1) ns vs empty \($f.ns_per_event.median | r1) ns, \($e.events_per_second) events/s",
           ratio_verdict($e.ratio_to_empty.median; 2), $r.commands.probe_cost],
          ["--peer-labels cost, \($w.workload | workload_name)", "<= 1.5x exporter without",
           "\($w.peer_ratio | mmm)x (\(cost_row($r; $w.workload; "exporter_peer").ns_per_event.median | r1) ns)",
           ratio_verdict($w.peer_ratio.median; 1.5), $r.commands.probe_cost] ),
      ( $r.state_cost | if skipped then empty else
          variant("exporter") as $e
          | variant("empty") as $f
          | ["state program per state change", "<= 100 ns; 0 sockets tracked",
             "\($e.ns_per_change.median | r1) ns (empty \($f.ns_per_change.median | r1), \($e.ratio_to_empty.median | r3)x); tracked \($e.sk_tracked_delta // "n/a") for \(.connects * .rounds) refused connects",
             (if $e.ns_per_change.median <= 100 then "met" else "MISSED by \($e.ns_per_change.median - 100 | r1) ns" end)
             + (if ($e.sk_tracked_delta // 0) > 0 then "; tracked \($e.sk_tracked_delta)" else "" end),
             $r.commands.state_cost] end ),
      ( $r.state_cost_accept | if skipped then empty else
          variant("exporter") as $e
          | variant("empty") as $f
          | ["... accepted connections (reference)", "none: priced, not a goal",
             "\($e.ns_per_change.median | r1) ns (empty \($f.ns_per_change.median | r1), \($e.ratio_to_empty.median | r3)x); \($e.sk_tracked_delta // "n/a") baselines for \(.connects * .rounds) connections (2 each)",
             "-", $r.commands.state_cost_accept] end ),
      ( $r.share | if skipped then empty else . as $s
          | variant("exporter") as $e
          | ["probe share of busy CPU, \(.seconds) s", "<= 0.1 %",
             "\($e.prog_share_pct.median | r4) % (\($e.events_per_second) events/s on \($e.busy_cpus) busy CPUs); per-event \($s.summary[] | select(.variant == "per_event") | .total_share_pct | r3) %, bpftrace \($s.summary[] | select(.variant == "bpftrace") | .total_share_pct | r3) %",
             (if $e.prog_share_pct.median <= 0.1 then "met" else "MISSED by \($e.prog_share_pct.median - 0.1 | r4) %" end), $r.commands.share] end ),
      ( $r.overhead | if skipped then empty else . as $o | .summary[]
          | ([.modes[] | select(.mode == "exporter")] | first) as $e
          # The verdict reads the ratio adjusted for NET_RX per MiB where there is one (overhead.jq).
          | (.adjusted // null) as $a
          | (if $a then [$a.modes[] | select(.mode == "exporter")] | first | .cost_ratio else $e.cost_ratio end) as $x
          | ($a.noise_floor // .noise_floor) as $f
          | ["CPU per byte, exporter/none, \(.loss) % loss", "<= 1.01 (resolved to 1 %)",
             (if $a then "\($x | gci) adjusted for \($a.covariate) (bias <= \($a.bias_bound * 100 | r3) %), floor \($f | r4); " else "" end)
             + "raw \($e.cost_ratio | gci) (\($o.method), \($e.cost_ratio.n) rounds), floor \(.noise_floor | r4); whole machine \($e.busy_cost_ratio | gci), floor \(.busy_noise_floor | r4)",
             (if $f == null or $f > 0.01 then "UNRESOLVED (floor \($f | r3) > 0.01)"
              elif $x.geomean <= 1.01 then "met" else "MISSED by \($x.geomean - 1.01 | r4)" end),
             $r.commands.overhead] end ),
      ( ($sc // []) | map(select(.target_series == 10000)) | .[]
        | ["scrape 10k series (median)", "<= node_exporter, <= 20 ms",
           "\(.exporter.median_ms | r1) ms (p99 \(.exporter.p99_ms | r1)); node_exporter \(.node_exporter.median_ms | r1) ms",
           (if .exporter.median_ms <= 20 and .exporter.median_ms <= .node_exporter.median_ms then "met"
            else "MISSED: \(.exporter.median_ms / .node_exporter.median_ms | r1)x node_exporter, +\(.exporter.median_ms - 20 | r1) ms over 20" end),
           $r.commands.scrape] ),
      ( $r.scrape_netns | if skipped then empty else (.zero_median_ms) as $z | .stages[] | select(.namespaces == 300)
        | ["scrape, 300 namespaces (median)", "<= 15 ms",
           "\(.exporter.median_ms | r1) ms (p90 \(.exporter.p90_ms | r1)); none of ours \($z | r1) ms",
           (if .exporter.median_ms <= 15 then "met" else "MISSED by \(.exporter.median_ms - 15 | r1) ms" end),
           $r.commands.scrape_netns] end ),
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
      row(["measure", "goal", "measured", "verdict"]; [36, 28, 72, 10]),
      (goals[] | row(.[0:4]; [36, 28, 72, 10])),
      "",
      "PROBE COST PER EVENT (bpf_stats run_time_ns/run_cnt on tcp_retransmit_skb; median [min-max] over rounds; x empty = over the empty program of the same round; events = program hits in every namespace, own segs = the sender namespace's RetransSegs; state prog = the exporter's inet_sock_set_state run time over the same events)",
      (if (.probe_cost | skipped) then "  " + (.probe_cost | why) else
        (.probe_cost.workloads[] | "\(.workload | workload_name):",
         (row(["variant", "events", "own segs", "events/s", "ns/event", "ns over empty", "x empty", "rec. misses", "state prog ns/event"]; [14, 8, 8, 9, 28, 28, 22, 12, 10]),
          (.summary[] | row([.variant, .events, .netns_retrans_segs, .events_per_second, (.ns_per_event | mmm), (.ns_over_empty | mmm),
                             (.ratio_to_empty | mmm), .recursion_misses, (.state_ns_per_event.median // "-")]; [14, 8, 8, 9, 28, 28, 22, 12, 10])),
          "  exporter_peer / exporter per round: \(.peer_ratio | mmm)")) end),
      "",
      "STATE PROGRAM (inet_sock_set_state during a connect storm, refused then accepted; median [min-max] over rounds)",
      (.state_cost, .state_cost_accept | select(. != null) |
        if skipped then "  " + why else
        ("\(.workload // "refuse"):",
         row(["variant", "changes", "per connect", "connects/s", "ns/change", "x empty", "sockets tracked"]; [10, 8, 11, 10, 28, 22, 10]),
         (.summary[] | row([.variant, .state_changes, .changes_per_connect, .connects_per_second, (.ns_per_change | mmm),
                            (.ratio_to_empty | mmm), (.sk_tracked_delta // "")]; [10, 8, 11, 10, 28, 22, 10]))) end),
      "",
      "PROBE SHARE OF BUSY CPU (lossy transfer; % of the whole machine's busy CPU, median over rounds)",
      (if (.share | skipped) then "  " + (.share | why) else
        ("\(.share.seconds) s at \(.share.loss) % loss, \(.share.rounds) round(s)",
         row(["variant", "events/s", "busy CPUs", "BPF %", "process %", "total %", "ns/event"]; [10, 9, 9, 10, 10, 10, 8]),
         (.share.summary[] | row([.variant, .events_per_second, .busy_cpus, (.prog_share_pct.median | r4), (.proc_share_pct.median | r4),
                                  (.total_share_pct | r4), (.ns_per_event | r1)]; [10, 9, 9, 10, 10, 10, 8]))) end),
      "",
      "THROUGHPUT COST (CPU per byte in windows of one iperf3 transfer; ratio to the no-probe window of the same round: geometric mean [95 % CI])",
      (if (.overhead | skipped) then "  " + (.overhead | why) else
        ("\(.overhead.flows) flows, \(.overhead.rounds) rounds\(.overhead.stopping // {} | if .until_floor then " (stopped at a noise floor <= \(.until_floor), \(.min_rounds) to \(.max_rounds) rounds)" else "" end) of \(.overhead.window_s) s windows, method \(.overhead.method)",
         (.overhead.summary[] | "loss \(.loss) %: noise floor (none_ctl at 95 %) \(.noise_floor | r4), whole machine \(.busy_noise_floor | r4)",
          row(["mode", "Gbit/s", "CPU ns/KiB", "cost ratio", "whole-machine ratio", "throughput ratio"]; [10, 7, 10, 26, 26, 26]),
          (.modes[] | row([.mode, (.throughput_gbit_median | r3), (.cpu_ns_per_kib_median | r1), (.cost_ratio | gci), (.busy_cost_ratio | gci),
                           (.throughput_ratio | gci)]; [10, 7, 10, 26, 26, 26])),
          (.adjusted // empty | "adjusted for \(.covariate) (slope \(.slope) per unit of log cost, within-round correlation \(.within_round_corr), \(.rounds) rounds): "
            + "noise floor \(.noise_floor | r4); " + ([.modes[] | select(.mode != "none") | "\(.mode) \(.cost_ratio | gci)"] | join(", "))
            + "; the exporter moved it by \(.covariate_shift.mean) [\(.covariate_shift.ci95[0]), \(.covariate_shift.ci95[1])], a bias of at most \(.bias_bound * 100 | r3) %"))) end),
      "",
      "SCRAPE (/metrics over loopback, no compression; alternating with node_exporter)",
      (if (.scrape | skipped) then "  " + (.scrape | why) else
        (row(["retx series", "exporter lines", "median ms", "p99 ms", "RSS MiB", "node lines", "node median", "node p99", "node RSS", "ratio"];
             [11, 14, 9, 8, 8, 10, 11, 8, 8, 6]),
         (.scrape.stages[] | row([.retx_series, .exporter.series, (.exporter.median_ms | r3), (.exporter.p99_ms | r3), (.exporter.rss_mib | r1),
                                  .node_exporter.series, (.node_exporter.median_ms | r3), (.node_exporter.p99_ms | r3),
                                  (.node_exporter.rss_mib | r1), .latency_ratio_median]; [11, 14, 9, 8, 8, 10, 11, 8, 8, 6]))) end),
      "",
      "SCRAPE BY NAMESPACES (/metrics, every namespace's counters read; ms; CPU = the exporter's user + sys per scrape)",
      (if (.scrape_netns | skipped) then "  " + (.scrape_netns | why) else
        (row(["ours", "seen", "median", "p90", "first", "CPU", "over none", "baseline median", "baseline CPU"]; [6, 6, 8, 8, 8, 6, 10, 16, 12]),
         (.scrape_netns.stages[] | row([.namespaces, .namespaces_seen, (.exporter.median_ms | r3), (.exporter.p90_ms | r3),
                                        (.exporter.first_ms | r3), (.exporter.cpu_ms_per_scrape | r1), (.median_over_zero_ms | r3),
                                        (.baseline.median_ms // "" | if . == "" then "" else r3 end),
                                        (.baseline.cpu_ms_per_scrape // "" | if . == "" then "" else r1 end)];
                                       [6, 6, 8, 8, 8, 6, 10, 16, 12]))) end),
      "",
      "LOST COUNTS UNDER LOAD (sender netns; exporter must equal the kernel identity)",
      (if (.lost | skipped) then "  " + (.lost | why) else
        (.lost | "kernel ΔRetransSegs \(.kernel_retrans_segs) in \(.traffic_seconds | r1) s (\(.retrans_segs_per_second) segs/s; \(.config.flows) flows at \(.config.loss) % + \(.config.syns) dropped SYNs)",
         "exporter:           retransmissions \(.exporter.retransmissions) + xmit failures \(.exporter.xmit_failures) -> missing \(.exporter.missing), lost_hits \(.exporter.lost_hits), recursion misses \(.exporter.recursion_misses)\(
           .exporter.late // null | if . == null then "" else "; once the namespace's sockets had closed (\(.waited_s) s; open at the first read: \(if .open_sockets_at_first_read == "" then "none" else .open_sockets_at_first_read end)): missing \(.missing)" end)\(
           .exporter.uncounted_segments // null | if . == null then "" else "; its own check: \(.) uncounted" end)\(
           .exporter.uncounted_segments_max_during // null | if . == null then "" else " (at most \(.) while the load ran)" end)",
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
