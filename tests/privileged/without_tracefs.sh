#!/usr/bin/env bash
# without_tracefs.sh CMD [ARGS...]: runs CMD as on a fresh machine, where
# neither tracefs nor debugfs is mounted. CMD runs in a private mount namespace
# (a slave of this one) from which both are unmounted; the host keeps its
# mounts. Fails if tracefs is still reachable there, so a pass proves CMD
# copes without it.
set -euo pipefail
(($#)) || { echo "usage: without_tracefs.sh CMD [ARGS...]" >&2; exit 2; }
[[ $(id -u) == 0 ]] || { echo "without_tracefs.sh: needs root (mount namespaces)" >&2; exit 1; }
exec unshare --mount --propagation slave -- bash -c '
  set -e
  for m in /sys/kernel/debug/tracing /sys/kernel/tracing /sys/kernel/debug; do
    while mountpoint -q "$m"; do umount -l "$m"; done
  done
  for d in /sys/kernel/debug/tracing/events /sys/kernel/tracing/events; do
    if [[ -e $d ]]; then echo "without_tracefs.sh: $d is still reachable" >&2; exit 1; fi
  done
  echo "without_tracefs.sh: tracefs and debugfs unmounted in this mount namespace" >&2
  exec "$@"' without-tracefs "$@"
