#!/usr/bin/env bash
# Set up, build, and pass every test: unit, privileged (real kernel, namespaces,
# traffic), deploy checks, benchmark smoke runs and the kernel-matrix VM.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh --vm
cd build
# Privileged tests build namespaces and drive traffic: run them one at a time
# so that their timing-sensitive checks do not compete for the 2 cores.
ctest --output-on-failure --timeout 900 "$@"
