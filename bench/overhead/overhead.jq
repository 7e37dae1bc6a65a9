# Summary of run-overhead.sh's runs (slurped): per loss level, each mode's
# cost per byte over the none run of the same round (min / median / max), and
# the noise floor: how far none_ctl / none strays from 1.
include "summarize";

# The method's metric: cycles per byte with a PMU, else the transfer's CPU time per KiB.
def metric: if $perf == 1 then .cycles_per_byte else .cpu_ns_per_kib end;
def ratios($base; f): map(if (f) and ($base[.round | tostring] | f) then (f) / ($base[.round | tostring] | f) | . * 10000 | round / 10000
                          else null end) | stats;
def floor_of: if . == null or .n == 0 then null else [(1 - .min), (.max - 1)] | max | . * 10000 | round / 10000 end;

. as $runs
| { bytes: $bytes, flows: $flows, rounds: $rounds, runs: $runs,
    method: (if $perf == 1 then "cycles_per_byte" else "cpu_ns_per_kib" end),
    summary: [ $runs | group_by(.loss)[] | . as $L
      | ($L | map(select(.mode == "none")) | map({key: (.round | tostring), value: .}) | from_entries) as $base
      | ($L | group_by(.mode) | map({key: .[0].mode, value: .}) | from_entries) as $M
      | { loss: $L[0].loss,
          modes: [ $M | to_entries[] | .value as $R
            | { mode: .key, throughput_gbit_median: ($R | map(.bits_per_second / 1e9) | median | round3),
                cpu_ns_per_kib_median: ($R | map(.cpu_ns_per_kib) | median | round3),
                cost_ratio: ($R | ratios($base; metric)),
                busy_cost_ratio: ($R | ratios($base; .busy_ns_per_kib)),
                throughput_ratio: ($R | ratios($base; .bits_per_second)) } ],
          noise_floor: (($M.none_ctl // []) | ratios($base; metric) | floor_of),
          busy_noise_floor: (($M.none_ctl // []) | ratios($base; .busy_ns_per_kib) | floor_of) } ] }
