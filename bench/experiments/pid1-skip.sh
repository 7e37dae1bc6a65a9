#!/usr/bin/env bash
# Which retransmits fire no tracing program, and why (bpf/README.md,
# "Programs the kernel skips"). A sock_ops program on the cgroup2 root counts
# every BPF_SOCK_OPS_RETRANS_CB call (__tcp_retransmit_skb, right after the
# kernel counts the segments) and those made while PID 1 was the current task;
# run-lost.sh's SYN burst then shows how many the tcp_retransmit_skb programs
# (the exporter's and the per-event program's) saw. On a kernel that skips
# tracing programs in PID 1's context, the sender namespace's RetransSegs -
# the exporter's hits == calls in PID 1 ("explained"), run after run; on any
# other, both are 0. (The sock_ops count is host-wide and its window wider
# than the exporter's scrapes: a host retransmit can add 1-3 to the calls.)
#
#   pid1-skip.sh [--runs N] [--syns N]     one JSON line per run on stdout
#
# Needs root, clang, bpftool, jq and a build (bench/README.md; RXLB_BUILD=dir).
# Detaches and unpins on exit, Ctrl-C or SIGTERM; sweeps a killed run's pins.
# Any error: one line on stderr, exit 1 (as the other bench scripts).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/../overhead/lib.sh"  # log, die, usage, need_root; RXLB_TMP and RXLB_UNDO, undone at exit
RUNS=5 SYNS=19000
while (($#)); do
  case $1 in
    --runs) RUNS=$2; shift 2 ;;
    --syns) SYNS=$2; shift 2 ;;
    -h | --help) usage ;;
    *) die "unknown option $1 (--help lists them)" ;;
  esac
done
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "--runs: want a positive integer, got '$RUNS'"
[[ $SYNS =~ ^[1-9][0-9]*$ ]] || die "--syns: want a positive integer, got '$SYNS'"
need_root
for t in clang bpftool jq; do command -v "$t" >/dev/null || die "$t missing: scripts/setup.sh"; done

CG=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
[[ -n $CG ]] || die "no cgroup2 mount in /proc/self/mountinfo"
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf

detach() {  # detach PIN: the program pinned there off the cgroup2 root, then unpin it
  local id
  id=$(bpftool -j prog show pinned "$1/prog" 2>/dev/null | jq -r .id) || id=""
  [[ -n $id ]] && bpftool cgroup detach "$CG" sock_ops id "$id" 2>/dev/null || true
  rm -rf "$1"
}
for old in /sys/fs/bpf/rxlb-pid1-*; do  # a killed run's
  [[ -e $old ]] && detach "$old"
done
PIN=/sys/fs/bpf/rxlb-pid1-$$
RXLB_UNDO+=("detach $PIN")

clang -O2 -g -target bpf -I"/usr/include/$(uname -m)-linux-gnu" -c "$HERE/pid1_skip.bpf.c" -o "$RXLB_TMP/p.o"
mkdir -p "$PIN"
bpftool prog load "$RXLB_TMP/p.o" "$PIN/prog" type sockops pinmaps "$PIN"
bpftool cgroup attach "$CG" sock_ops pinned "$PIN/prog" multi

counts() { bpftool -j map dump pinned "$PIN/counts" | jq -c '[.[] | [.formatted.values[].value] | add]'; }
log "pid1-skip: $RUNS runs of run-lost.sh --flows 0 --syns $SYNS, sock_ops on $CG"
for r in $(seq "$RUNS"); do
  b=$(counts)
  "$HERE/../overhead/run-lost.sh" --flows 0 --syns "$SYNS" --out "$RXLB_TMP/lost.json" 2>"$RXLB_TMP/lost.err" ||
    die "run-lost.sh failed: $(tail -1 "$RXLB_TMP/lost.err")"
  a=$(counts)
  jq -c --argjson r "$r" --argjson b "$b" --argjson a "$a" '
    {run: $r, kernel_RetransSegs: .kernel_retrans_segs, kernel_TCPSynRetrans: .kernel_deltas.TCPSynRetrans,
     retrans_cb_calls: ($a[1] - $b[1]), retrans_cb_in_pid1: ($a[4] - $b[4]),
     exporter_hits: .exporter.hits, per_event_hits: .per_event.hits,
     recursion_misses: .exporter.recursion_misses, exporter_missing: .exporter.missing}
    | . + {no_program: (.kernel_RetransSegs - .exporter_hits)}
    | . + {explained: (.no_program == .retrans_cb_in_pid1)}' "$RXLB_TMP/lost.json"
done
