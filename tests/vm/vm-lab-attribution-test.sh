#!/bin/bash
# Privileged test: the full suite's attribution scenarios inside Debian's 6.1 kernel (qemu TCG):
# namespace-churn (lossy namespaces created and deleted under one exporter: fresh ones read 0,
# each is exact, dead ones' series leave; 20 cycles here instead of the suite's 50, which take
# ~220 s under TCG and passed there too: CHURN_CYCLES=50 runs them all) and cgroups-two-senders (two senders in two cgroups of one
# namespace, each cgroup's series equal to its sockets' tcpi_total_retrans). 6.1 has sk_cgrp_data
# and the guest's init mounts cgroup2, so both must pass: a skip fails this test.
# Exit 77 (ctest skip) only when the VM packages or the kernel are not there.
set -u
src=${1:?usage: vm-lab-attribution-test.sh SOURCE_DIR RETX_LAB}
lab=${2:?usage: vm-lab-attribution-test.sh SOURCE_DIR RETX_LAB}
. "$src/tests/vm/vm-skip.sh"
vm_skip_unless_ready 6.1
work=$(mktemp -d /tmp/retx-vm-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
jq --argjson n "${CHURN_CYCLES:-20}" '(.scenarios[] | select(.name == "namespace-churn") | .churn.cycles) = $n' \
  "$src/scenarios/full.json" >"$work/full.json" || { echo "FAIL: jq could not rewrite scenarios/full.json"; exit 1; }
"$src/lab/vm/run-in-vm.sh" --kernel 6.1 --timeout 800 --retry-on-panic -- "$lab" run "$work/full.json" \
  --scenario namespace-churn --scenario cgroups-two-senders --reports-dir "$work" --report "$work/r.json" -v
rc=$?
[[ -f $work/r.json ]] || { echo "FAIL: no report (retx-lab exit $rc)"; exit 1; }
jq -r '.scenarios[] | "\(.name): \(.verdict) (\(.seconds | floor) s) \(.reason // "")"' "$work/r.json"
bad=$(jq -r '[.scenarios[] | select(.verdict != "pass") | .name] | join(", ")' "$work/r.json")
n=$(jq '.scenarios | length' "$work/r.json")
[[ $rc -eq 0 && -z $bad && $n -eq 2 ]] || { echo "FAIL: retx-lab exit $rc; not passed: ${bad:-none}; $n scenario(s)"; exit 1; }
echo "ok: both attribution scenarios pass in $(jq -r '.host.kernel_release' "$work/r.json")"
