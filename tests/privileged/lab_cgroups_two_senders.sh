#!/usr/bin/env bash
# The full suite's cgroups-two-senders scenario on the host: two senders in two cgroups of one
# namespace under an exporter with --cgroup-labels. retx-lab's own checks compare each cgroup's
# series with its sockets' tcpi_total_retrans exactly; this wrapper also insists the scenario
# passed (a skip here, where cgroup2 is mounted and the kernel has sk_cgrp_data, would hide a bug)
# and that the lab's cgroups are gone afterwards.
#
# Usage (root): lab_cgroups_two_senders.sh RETX_LAB SCENARIO_FILE      Runtime: about 3-6 s.
set -euo pipefail
LAB=${1:?usage: lab_cgroups_two_senders.sh RETX_LAB SCENARIO_FILE}
FILE=${2:?usage: lab_cgroups_two_senders.sh RETX_LAB SCENARIO_FILE}
die() { echo "lab_cgroups_two_senders: FAIL: $*" >&2; exit 1; }
[[ $(id -u) -eq 0 ]] || die "must run as root"
TMP=$(mktemp -d /tmp/rxl-cg.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

"$LAB" run "$FILE" --scenario cgroups-two-senders --reports-dir "$TMP" --report "$TMP/r.json" -v ||
  die "retx-lab run failed (exit $?)"
verdict=$(jq -r '.scenarios[0].verdict' "$TMP/r.json")
[[ $verdict == pass ]] || die "verdict $verdict: $(jq -r '.scenarios[0].reason' "$TMP/r.json")"
# mountinfo: the filesystem type follows the "-" that ends the optional fields.
mount=$(awk '{ for (i = 7; i < NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup2") { print $5; exit } break } }' /proc/self/mountinfo)
[[ -n $mount ]] || die "no cgroup2 mount"
n=0
for path in $(jq -r '.scenarios[0].attempts[].measurements.cgroups[].path' "$TMP/r.json"); do
  n=$((n + 1))
  [[ ! -e $mount$path ]] || die "cgroup $mount$path left behind"
done
[[ $n -eq 2 ]] || die "expected 2 cgroups in the report, found $n"
echo "lab_cgroups_two_senders: ok ($(jq -r '[.scenarios[0].checks[] | select(.kind == "cgroup_totals") | .reason] | join("")' "$TMP/r.json"))"
