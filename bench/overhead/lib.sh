# Shared by the bench/overhead scripts (sourced, not run). Everything created
# here is registered for cleanup: the namespace pairs come from `retx-lab pair`
# (named rxl-$$-bench-*, so a SIGKILLed run's are swept by `retx-lab sweep`),
# processes are remembered by pid, and rxlb_cleanup (installed on
# EXIT/INT/TERM) undoes both, so an interrupted run leaves `ip netns list` as
# it found it.

RXLB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
RXLB_BUILD=${RXLB_BUILD:-$RXLB_ROOT/build-bench}
RXLB_EXPORTER=$RXLB_BUILD/exporter/retx-exporter
RXLB_EMPTY=$RXLB_BUILD/bench/retx-bench-empty-probe
RXLB_PER_EVENT=$RXLB_BUILD/bench/retx-bench-per-event
RXLB_STORM=$RXLB_BUILD/bench/retx-bench-syn-storm
RXLB_REFUSE=$RXLB_BUILD/bench/retx-bench-refuse-storm
RXLB_PARTS=$RXLB_BUILD/bench/retx-bench-cost-parts
RXLB_LAB=$RXLB_BUILD/lab/retx-lab
RXLB_BT=$RXLB_ROOT/bench/overhead/tcpretrans_tp.bt
# bpftrace needs tracefs for the tracepoint's id and format; a fresh machine may not have it mounted.
RXLB_BPFTRACE=("$RXLB_ROOT/scripts/with-tracefs.sh" bpftrace)
RXLB_NS_PREFIX="rxl-$$-bench-"
RXLB_PAIRS=()  # prefixes of the pairs made, deleted at cleanup
RXLB_PIDS=()
RXLB_UNDO=()  # shell commands run at cleanup, last first
RXLB_TMP=$(mktemp -d /tmp/rxlb-$$.XXXXXX)

log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
die() { log "error: $*"; exit 1; }
# --help: the calling script's header comment, which documents its options.
usage() { sed -n '2,/^[^#]/{/^#/!q;s/^# \{0,1\}//p}' "$0"; exit 0; }

rxlb_cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  set +e  # undo everything even if one step fails
  local pid i
  # Pids come from the file too: a spawn inside a subshell cannot add to the array.
  for pid in "${RXLB_PIDS[@]}" $(cat "$RXLB_TMP/pids" 2>/dev/null); do
    kill -TERM "$pid" 2>/dev/null || continue
    for i in $(seq 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    kill -KILL "$pid" 2>/dev/null
  done
  wait 2>/dev/null
  for ((i = ${#RXLB_UNDO[@]} - 1; i >= 0; i--)); do eval "${RXLB_UNDO[i]}"; done
  for i in "${RXLB_PAIRS[@]}"; do delete_pair "$i"; done
  rm -rf "$RXLB_TMP"
  exit "$rc"
}
trap rxlb_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Runs a command in the background and remembers its pid for cleanup.
# `ip netns exec` execs its command, so the pid is the program's own.
spawn() {  # spawn OUTFILE ERRFILE cmd...
  local out=$1 err=$2; shift 2
  "$@" >"$out" 2>"$err" &
  RXLB_PIDS+=($!)
  echo $! >>"$RXLB_TMP/pids"
  SPAWNED=$!
}

# iperf3's server refuses a client while it is still tearing down the previous
# test ("the server is busy"); retry that case only, briefly.
iperf_client() {  # iperf_client NS OUTFILE iperf3-client-args...
  local ns=$1 out=$2 i; shift 2
  for i in 1 2 3 4 5 6; do
    ip netns exec "$ns" iperf3 "$@" >"$out" 2>&1 && return 0
    grep -q "server is busy" "$out" || return 1
    sleep 0.5
  done
  return 1
}

# Stops a spawned process and waits for it (its stdout is then complete).
stop_pid() {
  local pid=$1 i
  kill -INT "$pid" 2>/dev/null || return 0
  for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

wait_for_line() {  # wait_for_line FILE REGEX TIMEOUT_S
  local i
  for i in $(seq $(($3 * 20))); do
    grep -qE "$2" "$1" 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}

wait_for_http() {  # wait_for_http URL TIMEOUT_S
  local i
  for i in $(seq $(($2 * 20))); do
    curl -sf -o /dev/null "$1" && return 0
    sleep 0.05
  done
  return 1
}

free_port() {  # a loopback TCP port nobody listens on right now
  local p
  for _ in $(seq 50); do
    p=$((20000 + RANDOM % 20000))
    ss -Htln "sport = :$p" | grep -q . || { echo "$p"; return 0; }
  done
  die "no free port"
}

# Two namespaces joined by a veth (`retx-lab pair`): S (the client, sender)
# and R (the server, receiver, at SERVER_ADDR). LOSS_PCT of the TCP packets S
# sends to port 5201 are dropped on R's ingress (nft, random, counted; SYNs
# spared), and every SYN S sends to ports 9-19 (the SYN storm's target) is
# dropped. OFFLOAD=gso keeps GSO/TSO (many segments per skb, as a host would);
# OFFLOAD=segment sets gso_max_segs 1 so every skb is one segment and every
# tracepoint hit one retransmitted segment.
make_pair() {  # make_pair TAG LOSS_PCT [gso|segment]; sets NS_S NS_R SERVER_ADDR PAIR_PREFIX
  local tag=$1 loss=$2 offload=gso out
  [[ ${3:-gso} == segment ]] && offload=segment_exact
  out=$("$RXLB_LAB" pair --prefix "${RXLB_NS_PREFIX}${tag}" --loss "$loss" --loss-port 5201 \
    --drop-syn-ports 9-19 --offload "$offload") || die "retx-lab pair failed"
  eval "$out"
  RXLB_PAIRS+=("$PAIR_PREFIX")
  NS_S=$PAIR_C1_NS NS_R=$PAIR_SERVER_NS SERVER_ADDR=$PAIR_C1_SERVER_ADDR
}
delete_pair() { "$RXLB_LAB" pair --delete "$1" >/dev/null; }

# The iperf3 server on port 5201 of the pair's server namespace, for the whole
# script; returns once it listens. Sets IPERF_SRV_PID (iperf3's own: `ip netns
# exec` execs it).
start_iperf_server() {
  spawn "$RXLB_TMP/iperf-s.out" "$RXLB_TMP/iperf-s.err" ip netns exec "$NS_R" iperf3 -s -p 5201
  IPERF_SRV_PID=$SPAWNED
  for _ in $(seq 100); do
    ip netns exec "$NS_R" ss -Htln 'sport = :5201' | grep -q . && return 0
    sleep 0.05
  done
  die "iperf3 server did not listen: $(cat "$RXLB_TMP/iperf-s.err")"
}

netns_inode() { stat -L -c %i "/run/netns/$1"; }

# Counters of a namespace's /proc/net/snmp and /proc/net/netstat (they are
# per netns: read from inside), their values on one line in the order asked,
# from one read of both files: e.g. `ns_counter NS Tcp RetransSegs`,
# `ns_counter NS IpExt InOctets Tcp OutSegs`.
ns_counter() {  # ns_counter NS GROUP NAME [GROUP NAME...]
  local ns=$1; shift
  ip netns exec "$ns" awk -v want="$*" '
    !($1 in hdr) { hdr[$1] = 1; for (i = 2; i <= NF; i++) col[$1, $i] = i; next }
    { for (i = 2; i <= NF; i++) val[$1, i] = $i }
    END { n = split(want, w, " "); for (k = 1; k < n; k += 2) out = out (k > 1 ? " " : "") val[w[k] ":", col[w[k] ":", w[k + 1]]]; print out }' \
    /proc/net/snmp /proc/net/netstat
}
retrans_segs() { ns_counter "$1" Tcp RetransSegs; }

# The counters the retransmission identities use, as one JSON object.
ns_counters_json() {  # ns_counters_json NS
  local names=(RetransSegs TCPRetransFail TCPSynRetrans TCPLossProbes TCPTimeouts TCPFastRetrans) vals
  read -ra vals < <(ns_counter "$1" Tcp RetransSegs TcpExt TCPRetransFail TcpExt TCPSynRetrans \
    TcpExt TCPLossProbes TcpExt TCPTimeouts TcpExt TCPFastRetrans)
  ((${#vals[@]} == ${#names[@]})) || die "counters of $1: got '${vals[*]}'"
  local out="{" sep="" i
  for i in "${!names[@]}"; do
    out+="$sep\"${names[$i]}\":${vals[$i]}"
    sep=,
  done
  echo "$out}"
}

# Busy jiffies of the whole machine (everything but idle and iowait).
cpu_busy_jiffies() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat; }
CLK_TCK=$(getconf CLK_TCK)

# Sum of a metric's samples in a Prometheus text body, keeping only samples
# whose line contains every FILTER (e.g. 'netns="4026532"' 'stage="xmit"').
prom_sum() {  # prom_sum FILE METRIC [FILTER...]
  local file=$1 metric=$2; shift 2
  awk -v m="$metric" -v fs="$(printf '%s\037' "$@")" '
    BEGIN { nf = split(fs, f, "\037") - 1 }
    $0 !~ /^#/ && (index($0, m "{") == 1 || index($0, m " ") == 1) {
      for (i = 1; i <= nf; i++) if (index($0, f[i]) == 0) next
      s += $NF
    }
    END { printf "%.0f\n", s }' "$file"
}

# bpf_stats of a process's programs on one tracepoint (default
# tcp_retransmit_skb; "all" = every program the process holds), read from its
# /proc/PID/fdinfo: the same numbers for every tool (exporter, loaders,
# bpftrace), without trusting each tool to report itself. Programs attached
# through a link (tp_btf, raw_tp) are found by the link's tp_name; bpftrace
# attaches through perf events (no link), so there every classic tracepoint
# program (prog_type 5) of the process counts. recursion_misses are hits the
# kernel skipped because the program was already running on that CPU (a
# softirq retransmit interrupting it): events the tool never saw.
prog_stats_json() {  # prog_stats_json PID [TRACEPOINT|all]
  local f ids="" t tp=${2:-tcp_retransmit_skb}
  if [[ $tp != all ]]; then
    for f in /proc/"$1"/fdinfo/*; do
      t=$(awk -v tp="$tp" '$1 == "tp_name:" && $2 == tp { found = 1 } $1 == "prog_id:" { id = $2 }
               END { if (found) print id }' "$f" 2>/dev/null)
      [[ -n $t ]] && ids+=" $t"
    done
  fi
  for f in /proc/"$1"/fdinfo/*; do cat "$f" 2>/dev/null; echo; done | awk -v ids="$ids" -v all=$([[ $tp == all ]] && echo 1 || echo 0) '
    BEGIN { n = split(ids, a, " "); for (i = 1; i <= n; i++) want[a[i]] = 1 }
    /^$/ { flush() ; next }
    { v[$1] = $2 }
    function flush() {
      if ("run_cnt:" in v && !("link_id:" in v) && !(v["prog_id:"] in seen) &&
          (all || (n > 0 && v["prog_id:"] in want) || (n == 0 && v["prog_type:"] == 5))) {
        seen[v["prog_id:"]] = 1
        c += v["run_cnt:"]; t += v["run_time_ns:"]; m += v["recursion_misses:"]; p++
      }
      delete v
    }
    END { flush(); printf "{\"programs\":%d,\"run_cnt\":%d,\"run_time_ns\":%d,\"recursion_misses\":%d}\n", p, c, t, m }'
}

# One slot of a per-CPU array map held by process PID, summed over CPUs, e.g.
# `map_slot_sum $EXP_PID retx_stats 7`. The map is found through the process's
# own fds, not by name: other exporters on this machine have maps of the same name.
map_slot_sum() {  # map_slot_sum PID MAP_NAME SLOT
  local id
  for id in $(awk '$1 == "map_id:" { print $2 }' /proc/"$1"/fdinfo/* 2>/dev/null | sort -un); do
    [[ $(bpftool map show id "$id" -j 2>/dev/null | jq -r .name) == "$2" ]] || continue
    # Key as 4 little-endian bytes; the value is printed per CPU (formatted when
    # the map has BTF, else as hex bytes of a little-endian u64).
    bpftool map lookup id "$id" key $(($3 & 255)) $(($3 >> 8 & 255)) 0 0 -j | jq '
      (.formatted.values // null) as $f
      | if $f then [$f[].value] | add
        else [.values[].value | to_entries | map((.value | ltrimstr("0x") | explode
              | map(if . >= 97 then . - 87 else . - 48 end) | .[0] * 16 + .[1]) * pow(256; .key)) | add] | add end'
    return
  done
  echo null
}

# Run time in ns and timeslices (how often they were put on a CPU) summed
# over threads' schedstat files, e.g. /proc/PID/task/*/schedstat: ns
# resolution, where /proc/PID/stat counts 10 ms clock ticks. A thread that
# exits between the glob and the read is skipped, and takes its time with it.
schedstat_sum() {  # schedstat_sum FILE... -> "NS SLICES"
  local f t n s=0 k=0
  for f in "$@"; do
    read -r t _ n 2>/dev/null <"$f" && s=$((s + t)) k=$((k + n))
  done
  echo "$s $k"
}

# CPU time of a running process's threads in ns: the processes measured here
# (exporter, per-event consumer, bpftrace) keep their threads for the whole run.
proc_cpu_ns() {  # proc_cpu_ns PID
  local ns
  read -r ns _ < <(schedstat_sum /proc/"$1"/task/*/schedstat)
  echo "$ns"
}

# Starts the exporter on a free loopback port; sets EXP_PID and EXP_URL.
start_exporter() {  # start_exporter NAME extra-args...
  local name=$1; shift
  local port; port=$(free_port)
  spawn "$RXLB_TMP/$name.out" "$RXLB_TMP/$name.err" "$RXLB_EXPORTER" --listen "127.0.0.1:$port" "$@"
  EXP_PID=$SPAWNED
  EXP_URL="http://127.0.0.1:$port/metrics"
  wait_for_http "http://127.0.0.1:$port/healthz" 20 || die "exporter did not start: $(cat "$RXLB_TMP/$name.err")"
}

# kernel.bpf_stats_enabled=1 for the whole run, restored at exit. The sysctl
# and the loaders' bpf_enable_stats() fds are separate references to the same
# kernel switch, so restoring ours never turns off someone else's.
enable_bpf_stats() {
  local old
  old=$(sysctl -n kernel.bpf_stats_enabled)
  RXLB_UNDO+=("sysctl -qw kernel.bpf_stats_enabled=$old")
  sysctl -qw kernel.bpf_stats_enabled=1
}

need_root() { [[ $(id -u) -eq 0 ]] || die "needs root (namespaces, BPF)"; }
need_bins() {
  local b
  for b in "$RXLB_EXPORTER" "$RXLB_EMPTY" "$RXLB_PER_EVENT" "$RXLB_STORM" "$RXLB_REFUSE" "$RXLB_PARTS" "$RXLB_LAB"; do
    [[ -x $b ]] || die "$b missing: make -C $RXLB_BUILD bench_all"
  done
  for b in iperf3 bpftrace bpftool nft jq curl; do command -v "$b" >/dev/null || die "$b missing: scripts/setup.sh"; done
}
