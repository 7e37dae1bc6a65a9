#!/usr/bin/env python3
"""retx-exporter's HTTP surface as a hostile client and a careless operator see it.

1. Methods and paths: GET and HEAD only (405 with Allow otherwise), HEAD without a
   body, exact paths (/METRICS and /healthz/../metrics are 404), a landing page at /.
2. Starvation: N clients that send a request header one byte every 3 s (reconnecting
   whenever the server cuts them), then N clients that connect and send nothing;
   during each, 10 scrapes one second apart must all be answered within 2 s.

Runs the real exporter as root on loopback, port chosen by the kernel (port 0; the
bound port is read from the exporter's log). Prints every scrape's latency.

Usage (root): exporter_http_test.py EXPORTER_BINARY [--clients N] [--scrapes N]
Runtime: about 35 s.
"""
import argparse
import http.client
import re
import select
import socket
import subprocess
import sys
import threading
import time

DEADLINE_S = 2.0  # what every scrape must meet under attack; --deadline changes it for measurements
BYTE_EVERY_S = 3.0


def start_exporter(binary):
    p = subprocess.Popen([binary, "--listen", "127.0.0.1:0"], stderr=subprocess.PIPE, text=True)
    for line in p.stderr:
        m = re.search(r"serving http://127\.0\.0\.1:(\d+)/metrics", line)
        if m:
            threading.Thread(target=p.stderr.read, daemon=True).start()  # keep the pipe drained
            return p, int(m.group(1))
    raise SystemExit(f"exporter exited ({p.wait()}) before serving")


def request(port, method, path, timeout=5.0):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    c.request(method, path)
    r = c.getresponse()
    body = r.read()
    c.close()
    return r.status, dict(r.getheaders()), body


def check_surface(port, fail):
    for method in ("POST", "PUT", "DELETE", "OPTIONS", "PATCH"):
        for path in ("/metrics", "/healthz", "/"):
            status, headers, _ = request(port, method, path)
            if status != 405 or headers.get("Allow") != "GET, HEAD":
                fail(f"{method} {path}: {status}, Allow={headers.get('Allow')} (want 405, GET, HEAD)")
    for path in ("/METRICS", "/healthz/../metrics", "/metrics/", "/nope", "/healthz/"):
        status, _, _ = request(port, "GET", path)
        if status != 404:
            fail(f"GET {path}: {status}, want 404")
    status, headers, body = request(port, "HEAD", "/metrics")
    if status != 200 or body or int(headers.get("Content-Length", "0")) == 0:
        fail(f"HEAD /metrics: {status}, {len(body)} body bytes, Content-Length {headers.get('Content-Length')}")
    status, headers, body = request(port, "GET", "/metrics")
    if status != 200 or b"# TYPE tcp_retransmissions_total counter" not in body:
        fail(f"GET /metrics: {status}, no tcp_retransmissions_total family")
    if not headers.get("Content-Type", "").startswith("text/plain; version=0.0.4"):
        fail(f"GET /metrics: Content-Type {headers.get('Content-Type')}")
    status, headers, body = request(port, "GET", "/")
    if status != 200 or b'href="/metrics"' not in body or "text/html" not in headers.get("Content-Type", ""):
        fail(f"GET /: {status}, no link to /metrics")
    status, _, body = request(port, "GET", "/healthz")
    if (status, body) != (200, b"ok\n"):
        fail(f"GET /healthz: {status} {body!r}")


class Attackers:
    """N clients holding connections open: slow (a header byte every 3 s) or idle."""

    def __init__(self, port, n, slow):
        self.port, self.slow, self.stop = port, slow, threading.Event()
        self.connections = 0
        self.threads = [threading.Thread(target=self.run, daemon=True) for _ in range(n)]
        for t in self.threads:
            t.start()

    def run(self):
        header = b"GET /metrics HTTP/1.1\r\nHost: x\r\nUser-Agent: slow\r\n\r\n"
        while not self.stop.is_set():
            try:
                s = socket.create_connection(("127.0.0.1", self.port), timeout=30)
            except OSError:
                time.sleep(0.05)
                continue
            self.connections += 1
            sent, next_byte = 0, time.monotonic() + BYTE_EVERY_S
            try:
                # Until the server cuts the connection (EOF or reset): then reconnect at once.
                while not self.stop.is_set():
                    readable, _, _ = select.select([s], [], [], 0.1)
                    if readable and not s.recv(4096):
                        break
                    if self.slow and time.monotonic() >= next_byte:
                        s.send(header[sent % len(header):sent % len(header) + 1])
                        sent, next_byte = sent + 1, next_byte + BYTE_EVERY_S
            except OSError:
                pass
            s.close()

    def close(self):
        self.stop.set()
        for t in self.threads:
            t.join(timeout=5)


def scrapes(port, n, label, fail, deadline):
    answered = 0
    for i in range(n):
        t0 = time.monotonic()
        try:
            status, _, body = request(port, "GET", "/metrics", timeout=deadline)
            took = time.monotonic() - t0
            ok = status == 200 and b"tcp_retransmissions_total" in body and took <= deadline
        except OSError as e:
            took, ok, status = time.monotonic() - t0, False, type(e).__name__
        answered += ok
        print(f"  {label}: scrape {i + 1}: {status} in {took * 1000:.0f} ms")
        time.sleep(max(0.0, 1.0 - (time.monotonic() - t0)))
    print(f"{label}: {answered} of {n} scrapes answered within {deadline:g} s")
    if answered != n:
        fail(f"{label}: only {answered} of {n} scrapes answered within {deadline:g} s")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("exporter")
    ap.add_argument("--clients", type=int, default=64)
    ap.add_argument("--scrapes", type=int, default=10)
    ap.add_argument("--deadline", type=float, default=DEADLINE_S)
    args = ap.parse_args()
    errors = []
    fail = lambda msg: (errors.append(msg), print("FAIL " + msg))
    proc, port = start_exporter(args.exporter)
    try:
        check_surface(port, fail)
        for slow, label in ((True, f"{args.clients} slow clients"), (False, f"{args.clients} idle clients")):
            attackers = Attackers(port, args.clients, slow)
            time.sleep(BYTE_EVERY_S)  # every attacker connected and holding a worker
            scrapes(port, args.scrapes, label, fail, args.deadline)
            attackers.close()
            print(f"{label}: {attackers.connections} connections opened")
    finally:
        proc.terminate()
        rc = proc.wait(timeout=30)
        if rc != 0:
            fail(f"exporter exited {rc} on SIGTERM")
    print("exporter_http_test: " + ("FAIL" if errors else "ok"))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
