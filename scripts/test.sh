#!/usr/bin/env bash
# Set up, build, and pass every test: unit, privileged (real kernel, namespaces,
# traffic), deploy checks, benchmark smoke runs and the kernel-matrix VM; then the
# unit tests again under ASan and UBSan, and the fuzzers (build-asan).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
# Each stage says when it starts: where CI's wall time goes, from its log alone.
stage() { echo "test.sh: $* (at $SECONDS s)"; }
# A failed stage ends with the failed tests' FAIL lines, which CI's log would
# otherwise keep only in its dropped middle; the exit code is ctest's.
failed() {
  local rc=$?
  bash "$root/scripts/ci-failure-summary.sh" 2>/dev/null || true
  exit "$rc"
}
stage "setup and build"
bash scripts/build.sh --vm

cd build
# Unit tests are pure: both cores at once. Privileged tests build namespaces and
# drive traffic: one at a time, so that their timing-sensitive checks do not
# compete for the 2 cores.
stage "unit tests"
ctest --output-on-failure --timeout 900 -L unit -j"$(nproc)" "$@" || failed

# Privileged tests, then the sanitizer build, one after the other. The build once compiled at
# SCHED_IDLE next to the host's privileged tests (they leave about half the CPU idle): a CI
# emulation then saw a spurious fast retransmit in a kernel-fact test
# (LabKernelTargetedDrop.LostHandshakePacketCostsOneSynRetransmitAndOneSecond, client RetransSegs
# 2 instead of 1), and a guest under TCG took 115 s instead of 50 next to it. Timing-sensitive
# checks get the machine to themselves.
stage "privileged tests, one at a time (host, then the kernel-matrix VMs)"
ctest --output-on-failure --timeout 900 -LE unit "$@" || failed
cd ..
stage "sanitizer build"
# Second build, with clang: the unit tests under AddressSanitizer and UndefinedBehaviorSanitizer
# (any report fails), and the libFuzzer targets of tests/fuzz, each run for 20 s from its
# checked-in seeds. Only what those need is built (target sanitizer_checks), at -O1 -g1: what the
# sanitizers' own documentation recommends, and quicker to compile than -O2 -g on CI's 2 cores.
cmake -S . -B build-asan -G 'Unix Makefiles' -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=None -DCMAKE_C_FLAGS='-O1 -g1' -DCMAKE_CXX_FLAGS='-O1 -g1' \
  -DRETX_SANITIZE=ON -DRETX_FUZZ=ON -DRETX_BUILD_BENCH=OFF -DRETX_UNITY_BUILD=ON >/dev/null
cmake --build build-asan -j"$(nproc)" --target sanitizer_checks

stage "sanitizer unit tests and fuzzers"
cd build-asan
# Both cores: the fuzzers run for a fixed time each, one per core, and the unit tests are pure.
ctest --output-on-failure -L 'unit|fuzz' -j"$(nproc)" || failed
stage "all passed"
