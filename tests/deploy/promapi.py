#!/usr/bin/env python3
"""Small client for a Prometheus server's HTTP API, for the end-to-end test.

  promapi.py URL value EXPR [TIME]   one instant value (fails unless exactly 1 series)
  promapi.py URL series EXPR [TIME]  the result's label sets, one JSON object a line
  promapi.py URL alerts              active alerts: NAME STATE key=value...
  promapi.py URL dashboard FILE      runs every expression of a Grafana dashboard;
                                     fails on any query error, prints empty results
Exits 1 with a message on an API error or an unexpected result shape.
"""
import json
import re
import sys
import urllib.parse
import urllib.request


def get(url, path, **params):
    full = f"{url}{path}?{urllib.parse.urlencode(params)}" if params else url + path
    try:
        with urllib.request.urlopen(full, timeout=10) as r:
            body = json.load(r)
    except urllib.error.HTTPError as e:  # 400 carries the PromQL error as JSON
        body = json.load(e)
    if body.get("status") != "success":
        raise RuntimeError(f"{path} {params}: {body.get('errorType')}: {body.get('error')}")
    return body["data"]


def query(url, expr, t=None):
    params = {"query": expr}
    if t:
        params["time"] = t
    return get(url, "/api/v1/query", **params)["result"]


def dashboard_queries(path):
    """Expressions of a dashboard with Grafana's variables replaced by what they
    mean on a real server: every host, every namespace, a 20 s rate window."""
    doc = json.load(open(path, encoding="utf-8"))
    found = []

    def walk(node, title):
        if isinstance(node, dict):
            title = node.get("title") or node.get("name") or title
            for k, v in node.items():
                if k in ("expr", "definition") and isinstance(v, str):
                    found.append((title, v))
                else:
                    walk(v, title)
        elif isinstance(node, list):
            for v in node:
                walk(v, title)

    walk(doc, "")
    out = []
    for title, e in found:
        e = re.sub(r"label_values\((.*),\s*\w+\s*\)", r"\1", e)
        e = e.replace("$__rate_interval", "20s").replace("$__range", "1m")
        e = re.sub(r"\$\{?\w+\}?", ".*", e)
        out.append((title, e))
    return out


def main():
    url, cmd = sys.argv[1], sys.argv[2]
    try:
        if cmd == "value":
            res = query(url, sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else None)
            if len(res) != 1:
                sys.exit(f"{sys.argv[3]}: expected 1 series, got {len(res)}: {res}")
            print(res[0]["value"][1])
        elif cmd == "series":
            for s in query(url, sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else None):
                print(json.dumps(s["metric"], sort_keys=True))
        elif cmd == "alerts":
            for a in get(url, "/api/v1/alerts")["alerts"]:
                labels = " ".join(f"{k}={v}" for k, v in sorted(a["labels"].items()) if k != "alertname")
                print(f"{a['labels']['alertname']} {a['state']} {labels}")
        elif cmd == "dashboard":
            qs = dashboard_queries(sys.argv[3])
            empty = 0
            for title, e in qs:
                if not query(url, e):
                    empty += 1
                    print(f"empty: {title}: {e}")
            print(f"dashboard: {len(qs)} expressions ran without error, {empty} returned no series")
        else:
            sys.exit(f"unknown command {cmd}")
    except (RuntimeError, OSError) as e:
        sys.exit(f"promapi: {e}")


if __name__ == "__main__":
    main()
