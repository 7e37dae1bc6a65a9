#!/usr/bin/env bash
# bench/overhead/overhead.jq's regression adjustment on windows with a known
# answer: log cost = round + mode + 0.02 * NET_RX per MiB + a little noise,
# the exporter 1 % dearer. The adjustment must find the slope and the 1 %,
# narrow the A/A floor, and, when the exporter's windows also have more NET_RX
# per MiB, say so through covariate_shift and bias_bound. Then run-all.sh's
# --only refuses a part it does not have. No root.
set -euo pipefail
ROOT=${1:?usage: overhead_jq_test.sh REPO_ROOT}
OV=$ROOT/bench/overhead
fail() { echo "FAIL: $*" >&2; exit 1; }

# windows SHIFT: 60 rounds of the three modes; SHIFT added to the exporter's covariate.
windows() {
  jq -nc --argjson shift "$1" '
    range(1; 61) as $r | ["none", "exporter", "none_ctl"] | to_entries[] | .key as $k | .value as $m
    | (30 + 2 * ($r * 7.1 + $k * 3.3 | sin) + (if $m == "exporter" then $shift else 0 end)) as $x
    | {loss: 2, round: $r, mode: $m, net_rx_per_mib: $x, acks_per_mib: 17, retrans_per_mib: 20, slices_per_mib: 8,
       bits_per_second: 1e10, busy_ns_per_kib: 700, cycles_per_byte: null,
       cpu_ns_per_kib: (700 * ((0.05 * ($r * 1.7 | cos)) + (if $m == "exporter" then (1.01 | log) else 0 end)
                               + 0.02 * $x + 0.001 * ($r * 13.7 + $k * 5.1 | sin) | exp))}'
}
summary() {
  windows "$1" | jq -s --argjson window 4 --argjson flows 4 --argjson rounds 60 --argjson perf 0 -L "$OV" \
    -f "$OV/overhead.jq" | jq -c '.summary[0]'
}

S=$(summary 0)
check() { jq -e "$1" <<<"$S" >/dev/null || fail "$2: $(jq -c "$3" <<<"$S")"; }
check '.adjusted.covariate == "net_rx_per_mib" and .adjusted.rounds == 60' "adjusted block" '.adjusted'
check '.adjusted.slope > 0.0195 and .adjusted.slope < 0.0205' "slope 0.02 not recovered" '.adjusted.slope'
check '.adjusted.modes[] | select(.mode == "exporter") | .cost_ratio.geomean > 1.008 and .cost_ratio.geomean < 1.012' \
  "the exporter's 1 % not recovered" '.adjusted.modes'
check '.adjusted.noise_floor < 0.005 and .noise_floor > 2 * .adjusted.noise_floor' "floor not narrowed" \
  '[.noise_floor, .adjusted.noise_floor]'
check '.adjusted.covariate_shift.ci95[0] <= 0 and .adjusted.covariate_shift.ci95[1] >= 0' "a shift where there is none" \
  '.adjusted.covariate_shift'

# The exporter's windows with one more NET_RX per MiB: the adjustment takes
# ~2 % (0.02 x 1) off its ratio, and the report must say it could have.
S=$(summary 1)
check '.adjusted.covariate_shift.mean > 0.99 and .adjusted.covariate_shift.mean < 1.01' "shift 1 not measured" \
  '.adjusted.covariate_shift'
check '.adjusted.bias_bound > 0.019' "bias bound misses the shift" '.adjusted.bias_bound'

# Too few rounds for a slope and an interval: no adjusted block, no error.
S=$(windows 0 | jq -s 'map(select(.round <= 2))' | jq -c '.[]' | jq -s --argjson window 4 --argjson flows 4 \
  --argjson rounds 2 --argjson perf 0 -L "$OV" -f "$OV/overhead.jq" | jq -c '.summary[0]')
check '.adjusted == null' "adjusted over 2 rounds" '.adjusted'

set +e
msg=$("$ROOT/bench/run-all.sh" --only "overhead nosuchpart" 2>&1)
rc=$?
set -e
[[ $rc -eq 2 && $msg == *"--only: no part 'nosuchpart'"* ]] || fail "run-all.sh --only nosuchpart: rc $rc, '$msg'"
echo "overhead.jq adjustment and run-all --only: ok"
