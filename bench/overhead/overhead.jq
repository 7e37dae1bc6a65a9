# Summary of run-overhead.sh's windows (slurped): per loss level, each mode's
# cost per byte over the none window of the same round, as a geometric mean
# with its 95 % confidence interval (Student's t over the rounds' log
# ratios), and min / median / max. noise_floor is how far from 1 the A/A
# comparison (none_ctl / none) can be at 95 %: the farther bound of its
# interval. The method resolves 1 % when that floor is at most 0.01.
include "summarize";

# The method's metric: cycles per byte with a PMU, else the transfer's CPU time per KiB.
def metric: if $perf == 1 then .cycles_per_byte else .cpu_ns_per_kib end;
# Two-sided 97.5 % quantile of Student's t, at the largest tabulated df <= df (so never too narrow).
def t975(df): [[1, 12.706], [2, 4.303], [3, 3.182], [4, 2.776], [5, 2.571], [6, 2.447], [7, 2.365],
               [8, 2.306], [9, 2.262], [10, 2.228], [15, 2.131], [20, 2.086], [30, 2.042], [40, 2.021],
               [60, 2.000], [120, 1.980]] | map(select(.[0] <= df)) | last[1];
# Ratios (an array, nulls dropped) -> {geomean, ci95: [lo, hi], half_width, log_sd (the SD of the
# rounds' log ratios: how far single rounds stray), n} and min/median/max.
def interval: map(select(. != null and . > 0)) | length as $n | map(log) as $l
  | if $n == 0 then null
    else ($l | add / $n) as $m
    | (if $n > 1 then ($l | map(pow(. - $m; 2)) | add / ($n - 1) | sqrt) else null end) as $s
    | (if $s == null then null else t975($n - 1) * $s / ($n | sqrt) end) as $h
    | { geomean: ($m | exp | round4), ci95: (if $h == null then null else [($m - $h | exp | round4), ($m + $h | exp | round4)] end),
        half_width: (if $h == null then null else (($m + $h | exp) - ($m - $h | exp)) / 2 | round4 end),
        log_sd: (if $s == null then null else $s | round4 end), n: $n } end;
def ratios($base; f): map(if (f) and ($base[.round | tostring] | f) then (f) / ($base[.round | tostring] | f) else null end);
def with_stats: (interval // {}) + (map(select(. != null) | round4) | stats);
def floor_of: if . == null or .ci95 == null then null else [(1 - .ci95[0]), (.ci95[1] - 1)] | max | round4 end;
# Pearson correlation of two equally long arrays (null when either is constant).
def corr($a; $b): ($a | length) as $n | ($a | add / $n) as $ma | ($b | add / $n) as $mb
  | ([range($n)] | map(($a[.] - $ma) * ($b[.] - $mb)) | add) as $c
  | ($a | map(pow(. - $ma; 2)) | add) as $va | ($b | map(pow(. - $mb; 2)) | add) as $vb
  | if $va > 0 and $vb > 0 then $c / ($va * $vb | sqrt) | round3 else null end;
# What CPU per byte moved with, over a loss level's windows: each covariate's
# correlation with log CPU per byte, and its median per mode (a covariate the
# probe moves cannot be used to adjust the ratios).
def covariates: map(select(.acks_per_mib != null)) as $W
  | if ($W | length) < 3 then null
    else ($W | map(metric | log)) as $y
    | ["net_rx_per_mib", "acks_per_mib", "retrans_per_mib", "slices_per_mib"]
    | map(. as $c | {key: $c, value: {corr_with_log_cost: corr($W | map(.[$c]); $y),
        median_by_mode: ($W | group_by(.mode) | map({key: .[0].mode, value: (map(.[$c]) | median | round3)}) | from_entries)}})
    | from_entries end;

. as $runs
| { window_s: $window, flows: $flows, rounds: $rounds, runs: $runs,
    method: (if $perf == 1 then "cycles_per_byte" else "cpu_ns_per_kib" end),
    summary: [ $runs | group_by(.loss)[] | . as $L
      | ($L | map(select(.mode == "none")) | map({key: (.round | tostring), value: .}) | from_entries) as $base
      | ($L | group_by(.mode) | map({key: .[0].mode, value: .}) | from_entries) as $M
      | ($M | map_values(ratios($base; metric) | with_stats)) as $C
      | ($M | map_values(ratios($base; .busy_ns_per_kib) | with_stats)) as $B
      | { loss: $L[0].loss,
          modes: [ $M | to_entries[] | .key as $k | .value as $R
            | { mode: $k, throughput_gbit_median: ($R | map(.bits_per_second / 1e9) | median | round3),
                cpu_ns_per_kib_median: ($R | map(.cpu_ns_per_kib) | median | round3),
                retrans_segs_per_second_median: ($R | map(.retrans_segs_per_second) | median | round3),
                cost_ratio: $C[$k], busy_cost_ratio: $B[$k],
                throughput_ratio: ($R | ratios($base; .bits_per_second) | with_stats) } ],
          covariates: ($L | covariates),
          noise_floor: ($C.none_ctl | floor_of),
          busy_noise_floor: ($B.none_ctl | floor_of) } ] }
