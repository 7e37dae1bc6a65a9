#!/usr/bin/env bash
# A fleet of three kernels scraped by one Prometheus. Boots the guest kernels of
# lab/vm/kernels.txt at once (run-in-vm.sh, one vCPU each), each a node running retx-exporter
# and its own lossy TCP traffic (fleet-node.sh; one node above 2 % loss, the others below), each
# exporter forwarded to a loopback port (qemu user networking, restricted: no route out).
# Debian's Prometheus scrapes the three with the shipped deploy/prometheus/prometheus.yml (only
# its targets replaced by the three ports) and the shipped rules, unchanged. Then, through the
# Prometheus HTTP API (fleet-checks.py):
#   - each node's netns:tcp_retransmission_ratio:rate5m matches ΔRetransSegs/ΔOutSegs that the
#     node read in its client namespace, within 3 % (relative);
#   - fleet:tcp_retransmission_ratio:rate5m is the fleet's ratio of sums: exactly the recorded
#     per-namespace rates summed, and within 3 % of the nodes' kernel ratios weighted by their
#     traffic (not their mean: the nodes send different volumes);
#   - TCPRetransmissionRatioHigh is pending (its `for: 10m` cannot elapse) for the lossy node's
#     namespace and was never pending or firing anywhere else.
#
# usage: fleet.sh [--exporter PATH] [--timeout S] [--keep DIR]
#   --exporter  the retx-exporter binary the guests run (default build/exporter/retx-exporter)
#   --timeout   the whole run's bound in seconds (default 360)
#   --keep DIR  copy the summary (fleet.json), node logs and the Prometheus config there
# Exit codes: 0 all assertions held, 1 one failed (named), 2 bad usage, 66 a kernel is not
# fetched (scripts/setup.sh --vm), 69 not root or a tool missing, 124 a stage missed the bound.
# Everything it starts (three qemu, Prometheus) and its scratch dir are removed on any exit,
# Ctrl-C and SIGTERM included; if it is SIGKILLed, its children get SIGTERM (pdeathsig) and
# the next run removes the scratch dir.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
. "$here/fleet-lib.sh"

exporter=$repo/build/exporter/retx-exporter timeout=360 keep=""
while (($#)); do
  case $1 in
    --exporter) exporter=${2:-}; shift 2 || die 2 "--exporter needs a path" ;;
    --timeout) timeout=${2:-}; shift 2 || die 2 "--timeout needs seconds" ;;
    --keep) keep=${2:-}; shift 2 || die 2 "--keep needs a directory" ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
    *) die 2 "unknown argument '$1' (see --help)" ;;
  esac
done
[[ $timeout =~ ^[1-9][0-9]*$ ]] || die 2 "--timeout '$timeout' is not a positive integer"

# Per node, in the order of lab/vm/kernels.txt: loss share and iperf3 rate. Different volumes
# keep a ratio of sums apart from a mean of ratios (1.25 % against 1.83 % here).
LOSS=(0.005 0.04 0.01)
RATE=(12M 4M 8M)
# The priming run before Prometheus's first scrape: see fleet-node.sh for why it is unpaced and
# its loss high, and long enough that its segments are not small beside the measured run's.
PRIME_LOSS=0.04 PRIME_S=20 MEASURE_S=40
THRESHOLD=0.02 TOLERANCE=0.03

preflight
start_nodes
write_prometheus_config
wait_all primed "lossy priming run"
start_prometheus
give_go_after_first_scrape
wait_all counters.json "measured traffic"
assert_fleet
finish
