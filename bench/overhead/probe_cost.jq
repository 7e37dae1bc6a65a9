# Summary of run-probe-cost.sh's runs (one JSON object per run, slurped): per
# workload and variant, ns/event and its ratio to the empty program of the
# same workload and round; exporter_peer over exporter, and exporter and
# exporter_peer over their _base runs (--baseline-exporter), per round.
include "summarize";

# Value of VARIANT's run in WORKLOAD, by round number (as a string key).
def by_round($runs; w; v): $runs | map(select(.workload == w and .variant == v))
  | map({key: (.round | tostring), value: .ns_per_event}) | from_entries;
def ratio(num; den): if num and den then num / den | round3 else null end;
# VARIANT over VARIANT_base (--baseline-exporter) per round, in workload w's runs $W.
def over_base($runs; $W; w; v): by_round($runs; w; v + "_base") as $base
  | $W | map(select(.variant == v)) | map(ratio(.ns_per_event; $base[.round | tostring])) | stats;

. as $runs
| { config: $cfg, runs: $runs,
    workloads: [ $runs | group_by(.workload)[] | . as $W | $W[0].workload as $w
      | by_round($runs; $w; "empty") as $floor
      | by_round($runs; $w; "exporter") as $exp
      | { workload: $w,
          summary: [ $W | group_by(.variant)[] | . as $V
            | { variant: $V[0].variant, events: ($V | map(.events) | add),
                events_per_second: ($V | map(.events_per_second) | median),
                netns_retrans_segs: ($V | map(.netns_retrans_segs) | add),
                recursion_misses: ($V | map(.recursion_misses) | add),
                ns_per_event: ($V | map(.ns_per_event | round3) | stats),
                ns_over_empty: ($V | map(if .ns_per_event and $floor[.round | tostring]
                                         then .ns_per_event - $floor[.round | tostring] | round3 else null end) | stats),
                ratio_to_empty: ($V | map(ratio(.ns_per_event; $floor[.round | tostring])) | stats),
                runs_without_events: ($V | map(select(.run_cnt == 0)) | length) } ],
          peer_ratio: ($W | map(select(.variant == "exporter_peer")) | map(ratio(.ns_per_event; $exp[.round | tostring])) | stats),
          base_ratio: over_base($runs; $W; $w; "exporter"),
          peer_base_ratio: over_base($runs; $W; $w; "exporter_peer") } ] }
