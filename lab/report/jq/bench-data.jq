# Tables drawn from one bench-<stamp>.json (bench/run-all.sh, bench/README.md). A part that was
# skipped or failed is an object with "skipped"/"failed" and yields no rows; part_state says why.
include "common";

def part_ok: type == "object" and (has("skipped") or has("failed") | not);
def part_state(p): .[p] | if type != "object" then "missing from this file"
  elif has("skipped") then "skipped: \(.skipped)" elif has("failed") then "failed: \(.failed)" else "ok" end;

# Overhead ratios to the no-probe window of the same round: one row per (loss, mode), each ratio
# as a bar {lo, mid, hi}. Since the windowed method (bench/README.md) a summary is per loss with
# modes[] and a geometric mean with its 95 % interval; older reports have one summary row per
# (loss, mode) with min/median/max, and their CPU ratio was cpu_ratio.
def bar: if . == null then {lo: null, mid: null, hi: null}
  elif .geomean != null then {lo: (.ci95[0] // .geomean), mid: .geomean, hi: (.ci95[1] // .geomean)}
  else {lo: .min, mid: .median, hi: .max} end;
def overhead_rows: if (.overhead | part_ok) then [.overhead.summary[]
    | if has("modes") then .loss as $l | .modes[] | select(.mode != "none")
        | {loss: $l, mode, throughput: (.throughput_ratio | bar), cpu: (.cost_ratio | bar)}
      else {loss, mode, throughput: (.throughput_ratio | bar), cpu: ((.cpu_ratio // .cost_ratio) | bar)} end]
  else [] end;
def overhead_tsv: overhead_rows | to_entries[] | .key as $i | .value
  | [$i, "\(.loss) % \(.mode)", .throughput.lo, .throughput.mid, .throughput.hi, .cpu.lo, .cpu.mid, .cpu.hi] | @tsv;

# Probe cost: bpf_stats run time per event, per program variant (per workload and variant since
# the SYN storm and bulk workloads; older reports had one summary).
def ns_rows: if (.probe_cost | part_ok) then
    if (.probe_cost | has("workloads")) then [.probe_cost.workloads[] | .workload as $w | .summary[] | .variant = "\($w) \(.variant)"]
    else [.probe_cost.summary[]] end
  else [] end;
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
