#!/usr/bin/env bash
# The kernel matrix CI runs: the smoke suite on this host's kernel and inside every guest kernel
# of lab/vm/kernels.txt (Debian's 6.1, 6.12 and 7.x under qemu TCG), the netem scenarios of the
# full suite on the oldest and the newest guest (where sch_netem exists), a side-by-side verdict
# table and the kernel traits that differ, and the HTML page of the four smoke reports opened in
# headless Chromium.
#
#   kernel_matrix.sh SOURCE_DIR BUILD_DIR
#
# Reports, the page and its screenshot are left in BUILD_DIR/kernel-matrix/. The VM shares
# only the current directory read-write, so everything it writes goes there.
set -euo pipefail
src=$1
build=$2
out=$build/kernel-matrix
lab=$build/lab/retx-lab
rm -rf "$out"
mkdir -p "$out"
cd "$out"
mapfile -t kernels < <(grep -E '^[0-9]' "$src/lab/vm/kernels.txt")

step() { printf '\n== %s (%d s)\n' "$*" "$SECONDS"; }
# Every run goes ahead when one fails, so the table and the page show the whole matrix; the
# test fails at the end, naming the runs that did.
failed=()
runs() { local what=$1; shift; "$@" || failed+=("$what (exit $?)"); }
# --retry-on-panic: one rerun after a guest kernel panic (qemu 7.2's TCG race can cause one,
# lab/vm/README.md); the oops is printed and a second panic fails the run.
invm() { "$src/lab/vm/run-in-vm.sh" --kernel "$1" --timeout 900 --retry-on-panic -- "${@:2}"; }
source "$src/tests/matrix/guest_clock.sh"

step "smoke suite on the host kernel ($(uname -r))"
runs "smoke on the host" "$lab" run --suite smoke --reports-dir "$out" --report "$out/smoke-host.json"

for k in "${kernels[@]}"; do
  step "smoke suite inside Debian's $k kernel (qemu TCG)"
  runs "smoke in $k" rerun_if_clock_jumped "$out/smoke-$k.json" \
    invm "$k" "$lab" run --suite smoke --reports-dir "$out" --report "$out/smoke-$k.json"
done

# The scenarios that need netem (impossible on this host), plus the stochastic ones that netem
# seeds, on the oldest and the newest guest kernel. queue-overflow joined them once 6 runs on
# each guest kernel were exact (bpf/README.md).
for k in "${kernels[0]}" "${kernels[-1]}"; do
  step "netem scenarios of the full suite inside $k"
  runs "netem scenarios in $k" rerun_if_clock_jumped "$out/full-netem-$k.json" \
    invm "$k" "$lab" run --suite full --reports-dir "$out" --report "$out/full-netem-$k.json" \
    --scenario reorder-with-delay --scenario duplicate --scenario corrupt \
    --scenario gemodel-bursts --scenario loss-1pct-repeated --scenario queue-overflow
done

smokes=("$out/smoke-host.json")
for k in "${kernels[@]}"; do smokes+=("$out/smoke-$k.json"); done

step "kernel matrix: verdict per scenario and kernel"
jq -r -s '
  (map(.host.kernel_release)) as $k
  | ["scenario"] + $k, (map(.scenarios | map({(.name): .verdict}) | add) as $v
  | ($v | map(keys) | add | unique)[] as $s | [$s] + ($v | map(.[$s] // "-")))
  | @tsv' "${smokes[@]}" | column -t -s $'\t'

step "kernel matrix: what differs between the kernels (≠)"
jq -r -s -L "$src/lab/report/jq" 'include "matrix"; diff_tsv' "${smokes[@]}" | column -t -s $'\t'

step "HTML report of the four kernels, checked in headless Chromium"
"$lab" report "${smokes[@]}" -o "$out/kernel-matrix.html"
"$src/lab/report/check-page.sh" "$out/kernel-matrix.html" --dom "$out/kernel-matrix.dom" \
  --screenshot "$out/kernel-matrix.png"
cols=$(grep -o '<th class="kernel">' "$out/kernel-matrix.dom" | wc -l)
# One column per kernel in the verdict grid and in the differences table.
((cols == 2 * ${#smokes[@]})) || { echo "kernel matrix: the page has $cols kernel columns, want 2 x ${#smokes[@]}" >&2; exit 1; }
if ((${#failed[@]})); then
  printf 'kernel matrix: FAIL: %s\n' "${failed[@]}" >&2
  exit 1
fi
echo "kernel matrix: all passed in $SECONDS s; page at $out/kernel-matrix.html"
