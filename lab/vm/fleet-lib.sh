# Stages of lab/vm/fleet.sh (sourced; it sets exporter, timeout, keep, LOSS, RATE, PRIME_LOSS,
# PRIME_S, MEASURE_S, THRESHOLD, TOLERANCE). Globals here: tmp (scratch), kernels/ports/insts per node,
# vm_pids, prom_pid, prom (its URL), deadline.

die() { echo "fleet: $2" >&2; exit "$1"; }
log() { printf 'fleet: [%5.1f s] %s\n' "$(elapsed)" "$*"; }
elapsed() { echo "$(( ${EPOCHREALTIME/./} / 1000 - t_start_ms ))" | awk '{ printf "%.1f", $1 / 1000 }'; }
t_start_ms=$(( ${EPOCHREALTIME/./} / 1000 ))
tmp="" vm_pids=() prom_pid="" kernels=() ports=() insts=() failed=0

# A failed assertion or stage: the node logs help more than the line alone.
fail() { echo "fleet: FAIL: $*" >&2; failed=1; show_logs; exit 1; }
late() { echo "fleet: FAIL: $* not done within the ${timeout}s bound" >&2; show_logs; exit 124; }
show_logs() {
  local i
  [[ -n $tmp ]] || return 0
  for i in "${!kernels[@]}"; do
    echo "--- node $i (kernel ${kernels[i]})" >&2
    tail -n 5 "$tmp/n$i/vm.err" "$tmp/n$i/node.log" "$tmp/n$i/node.err" "$tmp/n$i/exporter.log" 2>/dev/null | sed 's/^/  /' >&2
  done
  [[ -s $tmp/prometheus.log ]] && { echo "--- prometheus" >&2; tail -n 5 "$tmp/prometheus.log" >&2; }
  return 0
}
in_time() { (( ${EPOCHREALTIME/./} / 1000 < deadline )); }

cleanup() {
  local i pid
  [[ -n $tmp ]] || return 0
  for i in "${!kernels[@]}"; do : >"$tmp/n$i/stop" 2>/dev/null; done
  # run-in-vm.sh's own TERM trap stops its qemu and removes its scratch dir.
  for pid in "${vm_pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  [[ -n $prom_pid ]] && kill -TERM "$prom_pid" 2>/dev/null
  for pid in "${vm_pids[@]}" $prom_pid; do wait "$pid" 2>/dev/null; done
  if [[ -n $keep ]]; then
    mkdir -p "$keep" && cp -r "$tmp"/fleet.json "$tmp"/prometheus "$tmp"/n[0-9] "$keep"/ 2>/dev/null
    rm -rf "$keep"/prometheus/rules
  fi
  rm -rf "$tmp"
}

preflight() {
  local t k why
  ((EUID == 0)) || die 69 "must run as root (qemu's 9p passthrough, the guests' namespaces and BPF)"
  for t in qemu-system-x86_64 prometheus promtool curl jq python3 setpriv; do
    command -v "$t" >/dev/null || die 69 "$t not found (scripts/setup.sh --vm installs it)"
  done
  [[ -x $exporter ]] || die 69 "no exporter binary at $exporter (build it: cmake --build build)"
  mapfile -t kernels < <(grep -E '^[0-9]' "$here/kernels.txt")
  ((${#kernels[@]} == ${#LOSS[@]})) || die 2 "lab/vm/kernels.txt lists ${#kernels[@]} kernels; the fleet has ${#LOSS[@]} loss rates"
  for k in "${kernels[@]}"; do
    why=$("$here/fetch-kernel.sh" --cached --quiet "$k" 2>&1 >/dev/null) || die 66 "${why#fetch-kernel: }"
  done
  # A SIGKILLed run's children got SIGTERM through pdeathsig; its scratch dir goes here.
  . "$here/scratch.sh"
  new_scratch /tmp/retx-fleet || die 69 "mktemp failed"
  trap cleanup EXIT
  trap 'echo "fleet: interrupted" >&2; exit 130' INT
  trap 'echo "fleet: terminated" >&2; exit 143' TERM
  deadline=$((t_start_ms + timeout * 1000))
  # Four free loopback ports: three exporters' forwards and Prometheus.
  mapfile -t ports < <(python3 -c 'import socket
ss = [socket.socket() for _ in range(4)]
for s in ss: s.bind(("127.0.0.1", 0))
for s in ss: print(s.getsockname()[1])')
  prom=http://127.0.0.1:${ports[3]}
}

start_nodes() {
  local i
  for i in "${!kernels[@]}"; do
    insts[i]=127.0.0.1:${ports[i]}
    mkdir -p "$tmp/n$i"
    # Each VM's working directory (shared read-write) is its node's folder: the files there are
    # how the node and this script talk. pdeathsig: a SIGKILLed fleet.sh still stops them.
    (cd "$tmp/n$i" && exec setpriv --pdeathsig TERM "$here/run-in-vm.sh" --kernel "${kernels[i]}" --cpus 1 --mem 1536 \
       --forward "${ports[i]}:2112" --boot-timeout 150 --timeout "$timeout" -- \
       bash "$here/fleet-node.sh" "$exporter" "${LOSS[i]}" "${RATE[i]}" "$PRIME_LOSS" "$PRIME_S" "$MEASURE_S") \
      >"$tmp/n$i/vm.out" 2>"$tmp/n$i/vm.err" &
    vm_pids[i]=$!
    log "node $i: kernel ${kernels[i]}, loss ${LOSS[i]}, ${RATE[i]}bit/s, exporter on ${insts[i]}"
  done
}

# The shipped config with only its static targets replaced (and a kernel label per node), and
# the shipped rules directory beside it, so rule_files resolves as it does when installed.
write_prometheus_config() {
  mkdir -p "$tmp/prometheus"
  ln -s "$repo/deploy/prometheus/rules" "$tmp/prometheus/rules"
  python3 - "$repo/deploy/prometheus/prometheus.yml" "$tmp/prometheus/prometheus.yml" \
    "$(paste -sd, <<<"$(printf '%s\n' "${insts[@]}")")" "$(paste -sd, <<<"$(printf '%s\n' "${kernels[@]}")")" <<'EOF' \
    || die 69 "cannot derive the fleet's Prometheus config from deploy/prometheus/prometheus.yml"
import sys, yaml
src, dst, targets, kernels = sys.argv[1], sys.argv[2], sys.argv[3].split(","), sys.argv[4].split(",")
doc = yaml.safe_load(open(src))
job = [j for j in doc["scrape_configs"] if j["job_name"] == "retx-exporter"][0]
job["static_configs"] = [{"targets": [t], "labels": {"kernel": k}} for t, k in zip(targets, kernels)]
yaml.safe_dump(doc, open(dst, "w"), sort_keys=False)
EOF
  promtool check config "$tmp/prometheus/prometheus.yml" >"$tmp/promtool.log" 2>&1 \
    || die 69 "promtool rejects the fleet config: $(tail -n 1 "$tmp/promtool.log")"
}

# wait_all FILE WHAT: until every node wrote FILE; a node that failed or whose VM ended stops it.
wait_all() {
  local i n
  while in_time; do
    n=0
    for i in "${!kernels[@]}"; do
      [[ -e $tmp/n$i/$1 ]] && { n=$((n + 1)); continue; }
      [[ -s $tmp/n$i/node.err ]] && fail "node $i (${kernels[i]}): $(head -n 1 "$tmp/n$i/node.err")"
      kill -0 "${vm_pids[i]}" 2>/dev/null || fail "node $i (${kernels[i]}): its VM ended: $(tail -n 1 "$tmp/n$i/vm.err")"
    done
    ((n == ${#kernels[@]})) && { log "every node: $2 done"; return 0; }
    sleep 0.5
  done
  late "$2 ($n of ${#kernels[@]} nodes)"
}

start_prometheus() {
  # The shipped config's 15 s scrape and evaluation intervals and 5 m windows stay as they are.
  (exec setpriv --pdeathsig TERM prometheus --config.file="$tmp/prometheus/prometheus.yml" \
     --storage.tsdb.path="$tmp/tsdb" --web.listen-address="127.0.0.1:${ports[3]}" --log.level=warn) \
    >"$tmp/prometheus.log" 2>&1 &
  prom_pid=$!
  until curl -fsS -o /dev/null "$prom/-/ready" 2>/dev/null; do
    in_time || late "Prometheus start"
    kill -0 "$prom_pid" 2>/dev/null || fail "prometheus exited: $(tail -n 2 "$tmp/prometheus.log")"
    sleep 0.3
  done
  log "Prometheus $prom scrapes ${insts[*]}"
}

# The single value of an instant query, empty when it returns nothing.
qv() { curl -fsS -G "$prom/api/v1/query" --data-urlencode "query=$1" | jq -r '.data.result[0].value[1] // empty'; }

# Measured traffic starts only after the node's first scrape: every series then already holds
# the priming run's counts, and rate() sees the whole measured run as growth between samples.
give_go_after_first_scrape() {
  local i n
  declare -A gone=()
  while in_time; do
    n=0
    for i in "${!kernels[@]}"; do
      [[ -n ${gone[$i]:-} ]] && { n=$((n + 1)); continue; }
      if [[ $(qv "up{instance=\"${insts[i]}\"}") == 1 ]]; then
        : >"$tmp/n$i/go"; gone[$i]=1; n=$((n + 1)); log "node $i: first scrape seen, measuring"
      fi
    done
    ((n == ${#kernels[@]})) && return 0
    sleep 1
  done
  late "first scrapes"
}

assert_fleet() {
  local i nodes=() rc
  for i in "${!kernels[@]}"; do nodes+=(--node "${insts[i]},${kernels[i]},${LOSS[i]},$tmp/n$i/counters.json"); done
  python3 "$here/fleet-checks.py" --prom "$prom" --deadline "$((deadline / 1000))" --threshold "$THRESHOLD" \
    --tolerance "$TOLERANCE" --out "$tmp/fleet.json" "${nodes[@]}"
  rc=$?
  ((rc == 0)) || { show_logs; exit "$rc"; }
}

# Lets the nodes stop on their own and requires that they all exit 0.
finish() {
  local i rc
  for i in "${!kernels[@]}"; do : >"$tmp/n$i/stop"; done
  for i in "${!kernels[@]}"; do
    wait "${vm_pids[i]}"; rc=$?
    ((rc == 0)) || fail "node $i (${kernels[i]}) exited $rc: $(tail -n 1 "$tmp/n$i/vm.err")"
  done
  vm_pids=()
  log "PASS: three kernels, one Prometheus, $(elapsed) s"
}
