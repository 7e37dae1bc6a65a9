#!/usr/bin/env bash
# Installs packages (idempotent) and builds everything into build/.
# Shared by smoke.sh, test.sh, .ci/run, the Vagrantfile and the Lima template.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh "$@"
# Unity build, 8 sources per compiler run: most sources include nlohmann/json or gtest, whose
# parsing and template instantiation each file otherwise repeats. A clean build on 2 cores:
# 189 s against 439 per file (the same tree). A plain `cmake -S . -B dir` builds file by file,
# which suits editing (one change recompiles one file); both must compile.
cmake -S . -B build -G 'Unix Makefiles' -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_UNITY_BUILD=ON -DCMAKE_UNITY_BUILD_BATCH_SIZE=8 >/dev/null
cmake --build build -j"$(nproc)"
