#!/usr/bin/env bash
# End-to-end: TLS and basic auth from a web config file in exporter-toolkit's format, with
# Debian's real `prometheus` scraping through them.
#
# Certificates (a CA, the exporter's, Prometheus's client certificate, and one from another CA)
# are made here with openssl; the bcrypt hash with python3's crypt (libcrypt). The exporter
# requires and verifies a client certificate with an allowed SAN, TLS >= 1.2, and a password.
# Asserts: Prometheus's target is up and the exporter's series are in its TSDB; plain HTTP,
# no client certificate, a certificate from another CA or with another SAN, TLS 1.1, a wrong or
# missing password are all refused; SIGHUP picks up a new password and a new server certificate
# without a restart, and a broken file on SIGHUP leaves the running configuration in force.
#
# Usage (root): prometheus_tls_e2e.sh [EXPORTER_BINARY]          Runtime: about 25 s.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
EXPORTER=${1:-$REPO/build/exporter/retx-exporter}
die() { echo "prometheus_tls_e2e: FAIL: $*" >&2; exit 1; }
log() { echo "prometheus_tls_e2e: $*"; }
[[ $(id -u) -eq 0 ]] || die "must run as root (BPF)"
for t in prometheus promtool openssl curl python3; do
  command -v "$t" >/dev/null || die "$t not installed (scripts/setup.sh installs it)"
done
[[ -x $EXPORTER ]] || die "no exporter binary at $EXPORTER"
EXPORTER=$(realpath "$EXPORTER")  # the script works in its temporary directory

TMP=$(mktemp -d /tmp/rxlp-tls.XXXXXX)
PIDS=()
cleanup() {
  local rc=$?
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  ((rc == 0)) || for f in exporter prometheus; do echo "--- $f log"; tail -n 20 "$TMP/$f.log" 2>/dev/null || true; done
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
cd "$TMP"

# --- certificates and the password hash -------------------------------------------
cert() {  # NAME SUBJECT_CN EXT SIGNER: NAME.key and NAME.crt signed by SIGNER (self if "self")
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" -subj "/CN=$2" \
    -out "$1.csr" 2>/dev/null
  if [[ $4 == self ]]; then
    openssl x509 -req -in "$1.csr" -signkey "$1.key" -days 1 -out "$1.crt" \
      -extfile <(printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=keyCertSign\n') 2>/dev/null
  else
    openssl x509 -req -in "$1.csr" -CA "$4.crt" -CAkey "$4.key" -CAcreateserial -days 1 -out "$1.crt" \
      -extfile <(printf '%s\n' "$3") 2>/dev/null
  fi
}
cert ca "rxl test CA" "" self
cert other-ca "rxl other CA" "" self
cert server 127.0.0.1 "subjectAltName=IP:127.0.0.1
extendedKeyUsage=serverAuth" ca
cert client prometheus "subjectAltName=DNS:prometheus.rxl.test
extendedKeyUsage=clientAuth" ca
cert stranger prometheus "subjectAltName=DNS:prometheus.rxl.test
extendedKeyUsage=clientAuth" other-ca
cert othersan prometheus "subjectAltName=DNS:grafana.rxl.test
extendedKeyUsage=clientAuth" ca
bcrypt() { python3 -W ignore -c 'import crypt, sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=1 << 10)))' "$1"; }
PASS1=first-$$ PASS2=second-$$
web_config() {  # HASH: the web config, paths relative to it (resolved as exporter-toolkit does)
  cat >web.yml <<EOF
tls_server_config:
  cert_file: server.crt
  key_file: server.key
  client_auth_type: RequireAndVerifyClientCert
  client_ca_file: ca.crt
  client_allowed_sans: [prometheus.rxl.test]
  min_version: TLS12
http_server_config:
  headers:
    X-Content-Type-Options: nosniff
basic_auth_users:
  prometheus: '$1'
EOF
}
web_config "$(bcrypt "$PASS1")"

# --- the exporter -----------------------------------------------------------------
"$EXPORTER" --listen 127.0.0.1:0 --web.config.file "$TMP/web.yml" 2>"$TMP/exporter.log" & EPID=$!; PIDS+=("$EPID")
for _ in $(seq 100); do
  EP=$(sed -n 's#.*serving https://127.0.0.1:\([0-9]*\)/metrics (basic auth)#\1#p' "$TMP/exporter.log")
  [[ -n $EP ]] && break
  kill -0 "$EPID" 2>/dev/null || die "exporter exited: $(cat "$TMP/exporter.log")"
  sleep 0.2
done
[[ -n $EP ]] || die "exporter did not start serving https"
URL=https://127.0.0.1:$EP/metrics
log "exporter serving $URL with client certificates and basic auth"

# code CURL_ARGS...: the HTTP status, or "refused(CURL_EXIT)" when no HTTP answer came.
code() { local c; c=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@") && echo "$c" || echo "refused($?)"; }
AUTH=(--cacert ca.crt --cert client.crt --key client.key)
expect() {  # WANT DESCRIPTION CURL_ARGS...
  local want=$1 what=$2; shift 2
  local got; got=$(code "$@")
  [[ $got == $want ]] || die "$what: got $got, want $want"
  log "$what: $got"
}
expect 200 "client certificate and password" "${AUTH[@]}" -u "prometheus:$PASS1" "$URL"
expect 401 "wrong password" "${AUTH[@]}" -u "prometheus:nope" "$URL"
expect 401 "no password" "${AUTH[@]}" "$URL"
expect 401 "unknown user" "${AUTH[@]}" -u "root:$PASS1" "$URL"
expect "refused(*)" "plain HTTP" -u "prometheus:$PASS1" "http://127.0.0.1:$EP/metrics"
expect "refused(*)" "no client certificate" --cacert ca.crt -u "prometheus:$PASS1" "$URL"
expect "refused(*)" "client certificate from another CA" --cacert ca.crt --cert stranger.crt --key stranger.key -u "prometheus:$PASS1" "$URL"
expect "refused(*)" "client certificate with another SAN" --cacert ca.crt --cert othersan.crt --key othersan.key -u "prometheus:$PASS1" "$URL"
expect "refused(*)" "TLS 1.1" "${AUTH[@]}" --tlsv1.1 --tls-max 1.1 -u "prometheus:$PASS1" "$URL"
curl -s -D - -o /dev/null "${AUTH[@]}" -u "prometheus:$PASS1" "$URL" | grep -qi '^X-Content-Type-Options: nosniff' \
  || die "configured header X-Content-Type-Options missing"

# --- Prometheus scraping through TLS and basic auth --------------------------------
PP=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
PROM=http://127.0.0.1:$PP
printf '%s' "$PASS1" >password
cat >prometheus.yml <<EOF
global: {scrape_interval: 1s, evaluation_interval: 1s}
scrape_configs:
  - job_name: retx-exporter-tls
    scheme: https
    scrape_timeout: 900ms
    tls_config: {ca_file: $TMP/ca.crt, cert_file: $TMP/client.crt, key_file: $TMP/client.key}
    basic_auth: {username: prometheus, password_file: $TMP/password}
    static_configs: [{targets: ['127.0.0.1:$EP']}]
EOF
promtool check config prometheus.yml >/dev/null || die "generated Prometheus config rejected by promtool"
prometheus --config.file=prometheus.yml --storage.tsdb.path="$TMP/tsdb" --web.listen-address="127.0.0.1:$PP" \
  --log.level=warn >"$TMP/prometheus.log" 2>&1 & PIDS+=($!)
api() { python3 "$HERE/promapi.py" "$PROM" "$@"; }
wait_for() {  # EXPR WANT SECONDS
  local end=$((SECONDS + $3)) v=""
  while ((SECONDS < end)); do
    v=$(api value "$1" 2>/dev/null || true)
    [[ $v == "$2" ]] && return 0
    sleep 0.5
  done
  die "$1 was '$v', want $2 (after $3 s)"
}
wait_for 'up{job="retx-exporter-tls"}' 1 30
[[ -n $(api series 'retx_exporter_probe_info{job="retx-exporter-tls"}') ]] || die "no retx_exporter_probe_info in Prometheus"
[[ -n $(api series 'tcp_segments_sent_total{job="retx-exporter-tls"}') ]] || die "no tcp_segments_sent_total in Prometheus"
log "Prometheus $(prometheus --version 2>&1 | head -1 | awk '{print $3}') scrapes through TLS + basic auth: up = 1, series stored"

# --- SIGHUP: a new password and a new server certificate, no restart ----------------
serial() { openssl s_client -connect "127.0.0.1:$EP" -cert client.crt -key client.key -CAfile ca.crt </dev/null 2>/dev/null |
  openssl x509 -noout -serial; }
old_serial=$(serial)
cert server 127.0.0.1 "subjectAltName=IP:127.0.0.1
extendedKeyUsage=serverAuth" ca
web_config "$(bcrypt "$PASS2")"
kill -HUP "$EPID"
for _ in $(seq 50); do grep -q "SIGHUP: reloaded" "$TMP/exporter.log" && break; sleep 0.1; done
grep -q "SIGHUP: reloaded" "$TMP/exporter.log" || die "no reload logged: $(tail -n 2 "$TMP/exporter.log")"
expect 401 "old password after SIGHUP" "${AUTH[@]}" -u "prometheus:$PASS1" "$URL"
expect 200 "new password after SIGHUP" "${AUTH[@]}" -u "prometheus:$PASS2" "$URL"
new_serial=$(serial)
[[ -n $new_serial && $new_serial != "$old_serial" ]] || die "server certificate not replaced ($old_serial -> $new_serial)"
log "new server certificate served after SIGHUP ($old_serial -> $new_serial)"
wait_for 'up{job="retx-exporter-tls"}' 0 15
printf '%s' "$PASS2" >password
wait_for 'up{job="retx-exporter-tls"}' 1 15
log "Prometheus with the old password: up = 0; with the new one: up = 1"

# A broken file on SIGHUP is reported and changes nothing.
echo "tls_server_config: {cert_file: server.crt, key_file: missing.key}" >web.yml
kill -HUP "$EPID"
for _ in $(seq 50); do grep -q "previous web config stays" "$TMP/exporter.log" && break; sleep 0.1; done
grep -q "missing.key.*previous web config stays in force" "$TMP/exporter.log" || die "broken reload not reported"
expect 200 "after a broken SIGHUP the previous configuration serves" "${AUTH[@]}" -u "prometheus:$PASS2" "$URL"
kill "$EPID"; wait "$EPID" || die "exporter exited $? on SIGTERM"
PIDS=("${PIDS[@]:1}")
log "ok"
