# Summary of run-probe-cost.sh's runs (one JSON object per run, slurped): per
# workload and variant, ns/event and its ratio to the empty program of the
# same workload and round; exporter_peer over exporter, and exporter and
# exporter_peer over their _base runs (--baseline-exporter), per round; the
# exporter's over its _base run with each one's state program added.
include "summarize";

# A run's probe and state program together, per event (state_ns_per_event:
# the exporter's inet_sock_set_state program over the same events).
def with_state: if .ns_per_event then .ns_per_event + (.state_ns_per_event // 0) else null end;
# Figure f of VARIANT's run in WORKLOAD, by round number (as a string key).
def by_round($runs; w; v; f): $runs | map(select(.workload == w and .variant == v))
  | map({key: (.round | tostring), value: f}) | from_entries;
def ratio(num; den): if num and den then num / den | round3 else null end;
# Figure f of VARIANT over VARIANT_base (--baseline-exporter) per round, in workload w's runs $W.
def over_base($runs; $W; w; v; f): by_round($runs; w; v + "_base"; f) as $base
  | $W | map(select(.variant == v)) | map(ratio(f; $base[.round | tostring])) | stats;

. as $runs
| { config: $cfg, runs: $runs,
    workloads: [ $runs | group_by(.workload)[] | . as $W | $W[0].workload as $w
      | by_round($runs; $w; "empty"; .ns_per_event) as $floor
      | by_round($runs; $w; "exporter"; .ns_per_event) as $exp
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
                state_ns_per_event: ($V | map(.state_ns_per_event | round3) | stats),
                runs_without_events: ($V | map(select(.run_cnt == 0)) | length) } ],
          peer_ratio: ($W | map(select(.variant == "exporter_peer")) | map(ratio(.ns_per_event; $exp[.round | tostring])) | stats),
          base_ratio: over_base($runs; $W; $w; "exporter"; .ns_per_event),
          base_ratio_with_state: over_base($runs; $W; $w; "exporter"; with_state),
          peer_base_ratio: over_base($runs; $W; $w; "exporter_peer"; .ns_per_event) } ] }
