#!/usr/bin/env bash
# The main job: set up, build, and run the lab's smoke suite on this kernel.
# Exit code is retx-lab's: 0 all passed, 1 a check failed, 2 bad input, 3 environment.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
exec build/lab/retx-lab run --suite smoke "$@"
