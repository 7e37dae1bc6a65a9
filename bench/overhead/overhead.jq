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
# rounds' log ratios: how far single rounds stray), n} and min/median/max. $fitted: parameters
# estimated from the same windows before the ratios were taken (degrees of freedom they use up).
def interval($fitted): map(select(. != null and . > 0)) | length as $n | map(log) as $l
  | if $n == 0 then null
    else ($l | add / $n) as $m
    | (if $n > 1 + $fitted then ($l | map(pow(. - $m; 2)) | add / ($n - 1) | sqrt) else null end) as $s
    | (if $s == null then null else t975($n - 1 - $fitted) * $s / ($n | sqrt) end) as $h
    | { geomean: ($m | exp | round4), ci95: (if $h == null then null else [($m - $h | exp | round4), ($m + $h | exp | round4)] end),
        half_width: (if $h == null then null else (($m + $h | exp) - ($m - $h | exp)) / 2 | round4 end),
        log_sd: (if $s == null then null else $s | round4 end), n: $n } end;
def ratios($base; f): map(if (f) and ($base[.round | tostring] | f) then (f) / ($base[.round | tostring] | f) else null end);
def interval: interval(0);
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

# The covariate the ratios are adjusted for, chosen on the windows of
# reports/bench-20261203T224230Z.json before any run used it: NET_RX
# softirqs per MiB, how finely the stack's receive work was split (fewer,
# larger NAPI batches cost less per byte), set by where the host ran the two
# vCPUs, not by the probe, which runs on the sender's retransmits.
def adjust_covariate: "net_rx_per_mib";

# Regression adjustment (ANCOVA) of each mode's ratio for that covariate,
# over the rounds that have every mode: log(cost) = round + mode + b * x,
# b estimated within rounds and modes (the layout is balanced, so by double
# demeaning), and each round's log ratio taken over cost / exp(b * x). Valid
# only while the probe does not move x itself: covariate_shift is the
# exporter's window's x minus the mean of the same round's two no-probe
# windows (a mean with its 95 % interval), and bias_bound the
# largest change of the exporter's adjusted ratio that shift's interval can
# explain (|b| * its farther bound). The A/A comparison has no probe and no
# such bias; its interval is the adjusted noise floor.
def adjusted($modes): adjust_covariate as $c
  | map(select((metric // 0) > 0 and .[$c] != null))
  | group_by(.round) | map(map({key: .mode, value: .}) | from_entries | select(all($modes[]; . as $m | $m != null)))
  | map(. as $r | select($modes | all(. as $k | $r[$k] != null))) as $R
  | ($R | length) as $n
  | if $n < 3 then null
    else [$R[] | [$modes[] as $k | .[$k] | {y: (metric | log), x: .[$c]}]] as $cells
    | ($cells | map(map(.y) | add / length)) as $ry | ($cells | map(map(.x) | add / length)) as $rx
    | [range($modes | length) as $j | $cells | map(.[$j].y) | add / $n] as $my
    | [range($modes | length) as $j | $cells | map(.[$j].x) | add / $n] as $mx
    | ($my | add / length) as $gy | ($mx | add / length) as $gx
    | [range($n) as $i | range($modes | length) as $j | $cells[$i][$j]
       | {x: (.x - $rx[$i] - $mx[$j] + $gx), y: (.y - $ry[$i] - $my[$j] + $gy)}] as $D
    | ($D | map(.x * .x) | add) as $sxx | ($D | map(.y * .y) | add) as $syy
    | if $sxx <= 0 then null
      else (($D | map(.x * .y) | add) / $sxx) as $b
      | ($R | map(.none | (metric | log) - $b * .[$c])) as $base
      | [$modes[] as $k | {key: $k, value: ([range($n) as $i | $R[$i][$k] | ((metric | log) - $b * .[$c] - $base[$i]) | exp]
                                         | interval(1))}] | from_entries as $A
      | ([$R[] | .exporter[$c] - (.none[$c] + .none_ctl[$c]) / 2] | length as $m | (add / $m) as $d
         | (map(pow(. - $d; 2)) | add / ($m - 1) | sqrt) as $s | (t975($m - 1) * $s / ($m | sqrt)) as $h
         | {mean: ($d | round4), ci95: [($d - $h | round4), ($d + $h | round4)],
            relative: ($d / ($R | map(.none[$c]) | add / $n) | round4)}) as $shift
      | { covariate: $c, rounds: $n, slope: ($b | . * 1e6 | round / 1e6),
          within_round_corr: (($D | map(.x * .y) | add) / ($sxx * $syy | sqrt) | round3),
          modes: [$modes[] as $k | {mode: $k, cost_ratio: $A[$k]}],
          noise_floor: ($A.none_ctl | floor_of),
          covariate_shift: $shift,
          bias_bound: (($b | fabs) * ([$shift.ci95[] | fabs] | max) | exp - 1 | . * 1e5 | round / 1e5) } end end;

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
          adjusted: ($L | adjusted(["none", "exporter", "none_ctl"])),
          noise_floor: ($C.none_ctl | floor_of),
          busy_noise_floor: ($B.none_ctl | floor_of) } ] }
