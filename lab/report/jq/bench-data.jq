# Tables drawn from one bench-<stamp>.json (bench/run-all.sh, bench/README.md). A part that was
# skipped or failed is an object with "skipped"/"failed" and yields no rows; part_state says why.
include "common";

def part_ok: type == "object" and (has("skipped") or has("failed") | not);
def part_state(p): .[p] | if type != "object" then "missing from this file"
  elif has("skipped") then "skipped: \(.skipped)" elif has("failed") then "failed: \(.failed)" else "ok" end;

# Overhead ratios to the no-probe run of the same round: one row per (loss, mode).
def overhead_rows: if (.overhead | part_ok) then [.overhead.summary[]] else [] end;
def overhead_tsv: overhead_rows | to_entries[] | .key as $i | .value
  | [$i, "\(.loss) % \(.mode)", .throughput_ratio.min, .throughput_ratio.median, .throughput_ratio.max,
     .cpu_ratio.min, .cpu_ratio.median, .cpu_ratio.max] | @tsv;

# Probe cost: bpf_stats run time per event, per program variant.
def ns_rows: if (.probe_cost | part_ok) then [.probe_cost.summary[]] else [] end;
def ns_tsv: ns_rows | to_entries[] | .key as $i | .value
  | [$i, .variant, .ns_per_event.min, .ns_per_event.median, .ns_per_event.max] | @tsv;

# Scrape latency: per stage, each exporter at the series count its own /metrics carried.
def scrape_rows: if (.scrape | part_ok) then [.scrape.stages[]] else [] end;
def scrape_tsv: scrape_rows[]
  | [.exporter.series, .exporter.median_ms, .exporter.p99_ms,
     .node_exporter.series, .node_exporter.median_ms, .node_exporter.p99_ms, .retx_series] | @tsv;

def xtics_of(rows; f): "set xtics (" + ([rows | to_entries[] | "\"\(.value | f | gp_label)\" \(.key)"]
  | join(", ")) + ")";
def overhead_xtics: xtics_of(overhead_rows; "\(.loss) % \(.mode)");
def ns_xtics: xtics_of(ns_rows; .variant);
