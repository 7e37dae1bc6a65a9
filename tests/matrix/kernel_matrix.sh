#!/usr/bin/env bash
# What the kernel matrix in CI runs: the smoke suite on this host's kernel and inside
# Debian's stock 6.1 kernel (qemu TCG, lab/vm), the netem scenarios of the full suite in the
# VM (where sch_netem exists), a side-by-side verdict table, and the HTML page of both smoke
# reports opened in headless Chromium.
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

step() { printf '\n== %s\n' "$*"; }

step "smoke suite on the host kernel ($(uname -r))"
"$lab" run --suite smoke --reports-dir "$out" --report "$out/smoke-host.json"

step "smoke suite inside Debian's 6.1 kernel (qemu TCG)"
"$src/lab/vm/run-in-vm.sh" --timeout 900 -- \
  "$lab" run --suite smoke --reports-dir "$out" --report "$out/smoke-6.1.json"

# The scenarios that need netem (impossible on this host), plus the stochastic ones that
# netem seeds, run for real on 6.1. queue-overflow is left to the full suite: on 6.1 it was
# one segment short in 2 runs of 6 before the probe counted growth at CLOSE, and 6 of 6 exact
# since (bpf/README.md); CI should not depend on it until more runs confirm.
step "netem scenarios of the full suite inside 6.1"
"$src/lab/vm/run-in-vm.sh" --timeout 900 -- \
  "$lab" run --suite full --reports-dir "$out" --report "$out/full-netem-6.1.json" \
  --scenario reorder-with-delay --scenario duplicate --scenario corrupt \
  --scenario gemodel-bursts --scenario loss-1pct-repeated

step "kernel matrix: verdict per scenario and kernel"
jq -r -s '
  (map(.host.kernel_release)) as $k
  | ["scenario"] + $k, (map(.scenarios | map({(.name): .verdict}) | add) as $v
  | ($v | map(keys) | add | unique)[] as $s | [$s] + ($v | map(.[$s] // "-")))
  | @tsv' "$out/smoke-host.json" "$out/smoke-6.1.json" | column -t -s $'\t'

step "HTML report of both kernels, checked in headless Chromium"
"$lab" report "$out/smoke-host.json" "$out/smoke-6.1.json" -o "$out/kernel-matrix.html"
"$src/lab/report/check-page.sh" "$out/kernel-matrix.html" --screenshot "$out/kernel-matrix.png"
echo "kernel matrix: all passed; page at $out/kernel-matrix.html"
