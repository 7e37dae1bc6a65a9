#!/usr/bin/env bash
# The capabilities granted in deploy/systemd/retx-exporter.service (and, checked by
# k8s_manifests.py to be the same, in the DaemonSet) are enough and each is needed.
#
# Runs the real exporter as an unprivileged user holding exactly the unit's
# AmbientCapabilities (what systemd's DynamicUser= does), with two namespaces to find:
#   named:   under /run/netns, read through setns()
#   unnamed: only a root process lives in it, found through /proc/PID/ns/net
# With the full set the exporter must attach and export both; without a capability
# it must lose exactly what the unit's comments say that capability is for. Once serving, each
# thread must hold only what a scrape needs (CAP_SYS_ADMIN, CAP_SYS_PTRACE) with no_new_privs.
#
# Usage (root): exporter_caps.sh [EXPORTER_BINARY]
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
EXPORTER=${1:-$REPO/build/exporter/retx-exporter}
UNIT=$REPO/deploy/systemd/retx-exporter.service
die() { echo "exporter_caps: FAIL: $*" >&2; exit 1; }
[[ $(id -u) -eq 0 ]] || die "must run as root"
command -v setpriv >/dev/null || die "setpriv missing (util-linux)"
[[ -x $EXPORTER ]] || die "no exporter binary at $EXPORTER"

NS=rxlp-$$-caps
TMP=$(mktemp -d /tmp/rxlp-caps.XXXXXX)
# The binary is copied where an unprivileged user can execute it whatever the
# permissions of the build tree's parents.
install -m 755 "$EXPORTER" "$TMP/retx-exporter"; chmod 755 "$TMP"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  ip netns del "$NS" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT

ip netns add "$NS"
NAMED=$(stat -L -c %i "/run/netns/$NS")
unshare -n sleep 300 & PIDS+=($!)
sleep 0.2
UNNAMED=$(stat -L -c %i "/proc/${PIDS[0]}/ns/net")
read -r -a CAPS <<<"$(sed -n 's/^AmbientCapabilities=//p' "$UNIT")"
((${#CAPS[@]} > 0)) || die "no AmbientCapabilities in $UNIT"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

# run CAP...: prints "exit=N" if the exporter stopped, else which namespaces it exports.
run() {
  local set=-all; for c in "$@"; do set+=",+${c#CAP_}"; done
  set=${set,,}
  setpriv --reuid=nobody --regid=nogroup --clear-groups --no-new-privs \
    --bounding-set="$set" --inh-caps="$set" --ambient-caps="$set" \
    "$TMP/retx-exporter" --listen "127.0.0.1:$PORT" >"$TMP/log" 2>&1 &
  local pid=$! m=""
  for _ in $(seq 50); do
    if ! kill -0 "$pid" 2>/dev/null; then wait "$pid" && echo "exit=0" || echo "exit=$?"; return; fi
    curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
    sleep 0.1
  done
  m=$(curl -fsS "http://127.0.0.1:$PORT/metrics" || true)
  # What the threads hold once serving: each distinct value of each field, one line each.
  grep -hE '^(CapEff|CapPrm|CapAmb|NoNewPrivs):' /proc/"$pid"/task/*/status 2>/dev/null | tr -s '\t ' ' ' |
    sort -u | paste -sd' ' >"$TMP/caps" || true
  kill "$pid"; wait "$pid" 2>/dev/null || true
  local out=""
  grep -q "^tcp_segments_sent_total{netns=\"$NAMED\"}" <<<"$m" && out+=" named"
  grep -q "^tcp_segments_sent_total{netns=\"$UNNAMED\"}" <<<"$m" && out+=" unnamed"
  grep -q '^retx_exporter_probe_info{' <<<"$m" && out+=" attached"
  echo "${out# }"
}

full=$(run "${CAPS[@]}")
echo "as nobody with ${CAPS[*]}: $full"
[[ $full == "named unnamed attached" ]] || die "unit's capabilities are not enough: got '$full' ($(head -c 300 "$TMP/log"))"
# Serving, every thread has dropped CAP_BPF and CAP_PERFMON (the unit's comment says why) and
# runs with no_new_privs. The bounding set stays the unit's: shrinking it needs CAP_SETPCAP.
want="CapAmb: 0000000000000000 CapEff: 0000000000280000 CapPrm: 0000000000280000 NoNewPrivs: 1"
[[ $(cat "$TMP/caps") == "$want" ]] || die "threads after the drop: '$(cat "$TMP/caps")', want '$want'"
echo "serving with the unit's capabilities, every thread: cap_sys_ptrace + cap_sys_admin, no ambient, no_new_privs"

# What each capability is documented (in the unit) to be for, as expectations.
without() { local c; REST=(); for c in "${CAPS[@]}"; do [[ " $* " == *" $c "* ]] || REST+=("$c"); done; }
expect() {  # EXPECTED DESCRIPTION CAP...
  local want=$1 what=$2; shift 2
  local got; got=$(run "$@")
  echo "$what: $got"
  [[ $got == "$want" ]] || die "$what: expected '$want', got '$got' ($(head -c 200 "$TMP/log"))"
}
without CAP_SYS_ADMIN; expect "unnamed attached" "without CAP_SYS_ADMIN (no setns)" "${REST[@]}"
without CAP_SYS_PTRACE; expect "named attached" "without CAP_SYS_PTRACE (no /proc/PID/ns of root processes)" "${REST[@]}"
expect "attached" "CAP_BPF and CAP_PERFMON alone (the probes)" CAP_BPF CAP_PERFMON
expect "exit=3" "CAP_SYS_PTRACE alone (exit 3: missing privileges)" CAP_SYS_PTRACE
# The kernel lets CAP_SYS_ADMIN stand in for CAP_BPF and CAP_PERFMON; the unit says so.
without CAP_BPF CAP_PERFMON
expect "named unnamed attached" "without CAP_BPF and CAP_PERFMON (CAP_SYS_ADMIN covers them)" "${REST[@]}"
echo "exporter_caps: the unit's capabilities are enough, and each does what the unit says"
