#!/usr/bin/env bash
# systemd-analyze verify of deploy/systemd/retx-exporter.service, plus its
# offline security score. Runs without systemd as PID 1 (verify only loads the
# unit). The unit's ExecStart path is swapped for the built binary, since verify
# requires an executable there and nothing is installed under /usr/local here.
# Any warning fails the test: verify only warns (exit 0) on unknown keys.
# Exit 77 (ctest: skipped) only when systemd-analyze is absent, with the reason.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
UNIT=$REPO/deploy/systemd/retx-exporter.service
EXPORTER=${1:-$REPO/build/exporter/retx-exporter}
MAX_EXPOSURE=3.5   # measured 2.7 ("OK"); fail if hardening is weakened noticeably
die() { echo "systemd_verify: FAIL: $*" >&2; exit 1; }
if ! command -v systemd-analyze >/dev/null; then
  echo "systemd_verify: SKIP: systemd-analyze not installed (package systemd)"; exit 77
fi
[[ -x $EXPORTER ]] || die "no exporter binary at $EXPORTER"
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
# A copy, so a concurrent rebuild of the binary cannot make verify see a half-written file.
install -m 755 "$EXPORTER" "$TMP/retx-exporter"
verify() {  # UNIT_FILE: prints systemd-analyze's complaints, returns non-zero on any
  sed "s#/usr/local/bin/retx-exporter#$TMP/retx-exporter#" "$1" >"$TMP/retx-exporter.service"
  local out
  out=$(cd "$TMP" && systemd-analyze verify retx-exporter.service 2>&1) || { echo "$out"; return 1; }
  [[ -z $out ]] || { echo "$out"; return 1; }
}
verify "$UNIT" || die "systemd-analyze verify complained (above)"
echo "systemd-analyze verify: no complaints"
# The checker must notice a typo'd key, or a silent pass above means nothing.
sed 's/^NoNewPrivileges=/NoNewPrivilege=/' "$UNIT" >"$TMP/typo.service"
verify "$TMP/typo.service" >/dev/null && die "verify did not notice a misspelt key"
sed "s#/usr/local/bin/retx-exporter#$TMP/retx-exporter#" "$UNIT" >"$TMP/retx-exporter.service"
score=$(cd "$TMP" && systemd-analyze security --offline=true retx-exporter.service 2>/dev/null |
  awk '/Overall exposure level/ {print $(NF-2)}')
[[ -n $score ]] || die "no exposure score from systemd-analyze security"
python3 -c "import sys; sys.exit(0 if $score <= $MAX_EXPOSURE else 1)" \
  || die "exposure level $score above $MAX_EXPOSURE: hardening weakened"
echo "systemd-analyze security: exposure $score (limit $MAX_EXPOSURE)"
