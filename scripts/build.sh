#!/usr/bin/env bash
# Installs packages (idempotent) and builds everything into build/.
# Shared by smoke.sh, test.sh, .ci/run, the Vagrantfile and the Lima template.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh "$@"
# A unity build: clean builds in less than half the time (CMakeLists.txt, RETX_UNITY_BUILD).
cmake -S . -B build -G 'Unix Makefiles' -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRETX_UNITY_BUILD=ON >/dev/null
cmake --build build -j"$(nproc)"
