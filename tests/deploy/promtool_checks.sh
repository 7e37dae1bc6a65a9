#!/usr/bin/env bash
# promtool checks of the shipped Prometheus files.
#   config  promtool check config deploy/prometheus/prometheus.yml (and its rule files)
#   rules   promtool check rules, and every rule has a unit test naming it
#   test    promtool test rules over deploy/prometheus/tests/*.yml, then the same
#           tests against a rules file with the 2 % threshold moved to 20 %: they
#           must fail, or the fixtures are not actually testing the threshold.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
PROMDIR=$REPO/deploy/prometheus
RULES=$PROMDIR/rules/retx.rules.yml
die() { echo "promtool_checks: FAIL: $*" >&2; exit 1; }
command -v promtool >/dev/null || die "promtool not installed (scripts/setup.sh installs prometheus)"

case ${1:?usage: promtool_checks.sh config|rules|test} in
  config)
    promtool check config "$PROMDIR/prometheus.yml"
    ;;
  rules)
    promtool check rules "$RULES"
    # Coverage: every recording rule is evaluated and every alert is asserted in some test.
    missing=0
    for name in $(awk '/^ *- (record|alert):/ {print $3}' "$RULES"); do
      if ! grep -qE "(expr: .*\b$name\b|alertname: $name\$)" "$PROMDIR"/tests/*.yml; then
        echo "rule $name has no promtool unit test"; missing=1
      fi
    done
    ((missing == 0)) || die "untested rules"
    echo "every rule in $(basename "$RULES") is exercised by deploy/prometheus/tests"
    ;;
  test)
    promtool test rules "$PROMDIR"/tests/*.yml
    TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
    mkdir "$TMP/rules" "$TMP/tests"
    sed 's/netns:tcp_retransmission_ratio:rate5m > 0.02/netns:tcp_retransmission_ratio:rate5m > 0.2/' "$RULES" >"$TMP/rules/retx.rules.yml"
    cmp -s "$RULES" "$TMP/rules/retx.rules.yml" && die "mutation did not apply: threshold expression changed?"
    cp "$PROMDIR"/tests/*.yml "$TMP/tests/"
    if promtool test rules "$TMP"/tests/*.yml >/dev/null 2>&1; then
      die "unit tests still pass with the alert threshold at 20 %: they do not test it"
    fi
    echo "mutation check: tests fail when the 2 % threshold is moved to 20 %, as they must"
    ;;
  *) die "unknown mode $1" ;;
esac
