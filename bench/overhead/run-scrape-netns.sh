#!/usr/bin/env bash
# Scrape cost against the number of live network namespaces: /metrics latency
# (median, p90, first scrape) and the exporter's CPU per scrape with N
# namespaces of ours for each N of --stages, next to the same exporter's scrape
# with none of ours (stage 0) in the same run. Every namespace is read at every
# scrape (its /proc/net/snmp and netstat), so the cost grows with N.
#
# Namespaces are named rxlb-ns-<pid>-<i> (`ip netns add`, bind-mounted under
# /run/netns as container runtimes do), each with its loopback up and one TCP
# connection over it that moved a few bytes, so each has TCP counters of its
# own. Stages add namespaces to reach N. Deleted at exit, INT and TERM. The
# machine's other namespaces are served too: `namespaces_seen` is what the
# exporter listed (tcp_netns_info lines) at each stage, `series` the sample
# lines of its /metrics (each namespace with a closed connection adds ~30).
#
# --baseline-exporter BIN runs a second exporter (e.g. a build of main) next
# to this one, scraped alternately in batches of 10, so before and after are
# measured under the same load.
#
# --no-traffic leaves out the TCP connection: loopback up only, ~8 series per
# namespace instead of ~23 (no connection histogram).
#
#   run-scrape-netns.sh [--scrapes M] [--stages "1 30 300 1000"] [--baseline-exporter BIN] [--no-traffic] [--out FILE]
set -euo pipefail
source "$(dirname "$0")/lib.sh"

SCRAPES=50 STAGES="1 30 300 1000" BASELINE="" TRAFFIC=1 OUT=/dev/stdout
while (($#)); do
  case $1 in
    --scrapes) SCRAPES=$2; shift 2 ;;
    --stages) STAGES=$2; shift 2 ;;
    --baseline-exporter) BASELINE=$2; shift 2 ;;
    --no-traffic) TRAFFIC=0; shift ;;
    --out) OUT=$2; shift 2 ;;
    -h | --help) usage ;;
    *) die "unknown option $1 (--help lists them)" ;;
  esac
done
need_root
[[ -x $RXLB_EXPORTER ]] || die "$RXLB_EXPORTER missing: make -C $RXLB_BUILD retx-exporter"
[[ -z $BASELINE || -x $BASELINE ]] || die "--baseline-exporter $BASELINE: not an executable"
for b in jq curl ip python3; do command -v "$b" >/dev/null || die "$b missing: scripts/setup.sh"; done

NS_PREFIX="rxlb-ns-$$-"
NS_MADE=0
delete_namespaces() {
  local n
  for n in /run/netns/"$NS_PREFIX"*; do [[ -e $n ]] && echo "netns del ${n##*/}"; done | ip -force -batch - 2>/dev/null
  return 0
}
RXLB_UNDO+=(delete_namespaces)

# Loopback up and one TCP connection in each named namespace: setns on one
# process, which a loop of `ip netns exec` would take seconds per hundred for.
warm_namespaces() {  # warm_namespaces NAME...
  python3 - "$TRAFFIC" "$@" <<'PY'
import ctypes, fcntl, os, socket, struct, sys
libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNET, SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x40000000, 0x8913, 0x8914, 0x1
traffic = sys.argv[1] == "1"
for name in sys.argv[2:]:
    fd = os.open("/run/netns/" + name, os.O_RDONLY)
    if libc.setns(fd, CLONE_NEWNET) != 0:
        sys.exit("setns %s: %s" % (name, os.strerror(ctypes.get_errno())))
    os.close(fd)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        req = struct.pack("16sH14x", b"lo", 0)
        flags = struct.unpack("16sH14x", fcntl.ioctl(s, SIOCGIFFLAGS, req))[1]
        fcntl.ioctl(s, SIOCSIFFLAGS, struct.pack("16sH14x", b"lo", flags | IFF_UP))
    if not traffic:
        continue
    with socket.create_server(("127.0.0.1", 0)) as srv:
        with socket.create_connection(srv.getsockname()) as c:
            peer, _ = srv.accept()
            c.sendall(b"x" * 1000)
            peer.recv(1000)
            peer.close()
PY
}

grow_to() {  # grow_to N: our namespaces become N
  local target=$1 names=() i
  for ((i = NS_MADE; i < target; i++)); do names+=("$NS_PREFIX$i"); done
  ((${#names[@]})) || return 0
  printf 'netns add %s\n' "${names[@]}" | ip -batch - || die "ip netns add failed"
  NS_MADE=$target
  warm_namespaces "${names[@]}" || die "bringing up the namespaces' loopback failed"
}

start_exporter scrape_netns
NEW_PID=$EXP_PID NEW_URL=$EXP_URL
if [[ -n $BASELINE ]]; then
  RXLB_EXPORTER=$BASELINE start_exporter scrape_netns_base
  BASE_PID=$EXP_PID BASE_URL=$EXP_URL
fi

scrape_batch() {  # scrape_batch URL N: ms of N scrapes over one keep-alive connection
  local args=() i
  for i in $(seq "$2"); do args+=(-o /dev/null "$1"); done
  curl -s -w '%{time_total}\n' "${args[@]}" | awk '{ printf "%.3f\n", $1 * 1000 }'
}
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

summary_json() {  # summary_json MS_FILE FIRST_MS CPU_TICKS
  jq -sc -L "$(dirname "$0")" --argjson first "$2" --argjson ticks "$3" --argjson tck "$CLK_TCK" \
    'include "summarize"; {scrapes: length, median_ms: (median | round3), p90_ms: (pct(90) | round3), max_ms: max,
      first_ms: $first, cpu_ms_per_scrape: ($ticks * 1000 / $tck / length | round3)}' "$1"
}

STAGE_JSON=$RXLB_TMP/stages.jsonl
: >"$STAGE_JSON"
# Each stage: a first scrape (it opens what is new), then M scrapes in batches
# of 10, alternating with the baseline exporter when there is one.
for target in 0 $STAGES; do
  grow_to "$target"
  tags=(new) pids=("$NEW_PID") urls=("$NEW_URL")
  [[ -n $BASELINE ]] && tags+=(base) pids+=("$BASE_PID") urls+=("$BASE_URL")
  declare -A first=() ticks=()
  for i in "${!tags[@]}"; do
    : >"$RXLB_TMP/${tags[i]}.ms"
    first[${tags[i]}]=$(scrape_batch "${urls[i]}" 1)
    ticks[${tags[i]}]=0
  done
  for ((done_ = 0; done_ < SCRAPES; done_ += 10)); do
    for i in "${!tags[@]}"; do
      t0=$(cpu_ticks "${pids[i]}")
      scrape_batch "${urls[i]}" $((SCRAPES - done_ < 10 ? SCRAPES - done_ : 10)) >>"$RXLB_TMP/${tags[i]}.ms"
      ticks[${tags[i]}]=$((ticks[${tags[i]}] + $(cpu_ticks "${pids[i]}") - t0))
    done
  done
  curl -sf "$NEW_URL" >"$RXLB_TMP/body.prom" || die "scrape failed"
  seen=$(grep -c '^tcp_netns_info' "$RXLB_TMP/body.prom" || true)
  series=$(grep -vc '^#' "$RXLB_TMP/body.prom" || true)
  new=$(summary_json "$RXLB_TMP/new.ms" "${first[new]}" "${ticks[new]}")
  base=null
  [[ -n $BASELINE ]] && base=$(summary_json "$RXLB_TMP/base.ms" "${first[base]}" "${ticks[base]}")
  jq -nc --argjson n "$target" --argjson seen "$seen" --argjson series "$series" --argjson e "$new" --argjson b "$base" \
    '{namespaces: $n, namespaces_seen: $seen, series: $series, exporter: $e}
     + (if $b then {baseline: $b, median_ratio_to_baseline: ($e.median_ms / $b.median_ms | . * 1000 | round / 1000)} else {} end)' \
    | tee -a "$STAGE_JSON" >&2
  unset first ticks
done
jq -s --argjson scrapes "$SCRAPES" --arg base "$BASELINE" '
  (.[] | select(.namespaces == 0) | .exporter.median_ms) as $zero
  | {scrapes_per_stage: $scrapes, baseline_exporter: (if $base == "" then null else $base end),
     zero_median_ms: $zero,
     stages: map(. + {median_over_zero_ms: (.exporter.median_ms - $zero | . * 1000 | round / 1000)})}' \
  "$STAGE_JSON" >"$OUT"
