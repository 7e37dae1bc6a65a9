#!/usr/bin/env bash
# with-tracefs.sh CMD [ARGS...]: runs CMD where tracefs is reachable.
#
# bpftrace and libbpf's classic tracepoint attach read event ids from tracefs
# (/sys/kernel/debug/tracing if that path exists, else /sys/kernel/tracing).
# A fresh machine may have neither mounted. Then CMD runs in a private mount
# namespace, a slave of this one, with tracefs mounted at /sys/kernel/tracing:
# nothing is mounted on the host and nothing is left behind. Every step execs,
# so CMD keeps this script's pid (callers read /proc/PID/fdinfo of it).
set -euo pipefail
(($#)) || { echo "usage: with-tracefs.sh CMD [ARGS...]" >&2; exit 2; }
root=/sys/kernel/tracing
[[ -e /sys/kernel/debug/tracing ]] && root=/sys/kernel/debug/tracing
[[ -d $root/events ]] && exec "$@"
exec unshare --mount --propagation slave -- \
  sh -c 'mount -t tracefs nodev /sys/kernel/tracing || { echo "with-tracefs.sh: cannot mount tracefs" >&2; exit 3; }; exec "$@"' \
  with-tracefs "$@"
