#!/usr/bin/env python3
"""Checks that every PromQL expression shipped in deploy/ names only metrics the
exporter exports (or recording rules the rules file defines), and only labels
they carry.

A dashboard or alert that names a metric nobody exports shows "No data" forever
and never fires; nothing else catches that, so this test exists.

Known metric names come from exporter/METRICS.md's table (--metrics-md) and,
when given, from a real /metrics scrape (--exposition), which is stricter.

Usage: promql_names.py --metrics-md M.md --rules R.yml --dashboard D.json
                       [--exposition FILE] [--require-all-metrics]
Exit 0 when every name is known, 1 otherwise (each unknown name on one line).
"""
import argparse
import json
import re
import sys

import yaml

# Series Prometheus itself synthesises for every target / alert.
PROMETHEUS_METRICS = {"up", "ALERTS", "ALERTS_FOR_STATE"}
# Labels Prometheus attaches to every scraped series.
TARGET_LABELS = {"job", "instance", "__name__", "alertname", "alertstate"}
KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "and", "or",
            "unless", "bool", "offset", "inf", "nan"}
IDENT = r"[a-zA-Z_:][a-zA-Z0-9_:]*"


def metrics_md(path):
    """Metric and label names from METRICS.md's table rows: | `m` [, `m2`] | type | labels | ...;
    and each metric's own labels (the peer labels, described in prose, go to every metric)."""
    metrics, labels, of_metric = set(), set(), {}
    text = open(path, encoding="utf-8").read()
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 4 or not cells[0].startswith("`"):
            continue
        names = re.findall(r"`(" + IDENT + r")`", cells[0])
        row = {w for w in re.findall(r"[a-z_]+", cells[2]) if w not in {"same", "peer"}}
        metrics.update(names)
        labels |= row
        for n in names:
            of_metric.setdefault(n, set()).update(row)
    peer = re.search(r"Peer labels.*?:(.*)", text)
    if peer:
        peer_labels = set(re.findall(r"`([a-z_]+)`", peer.group(1)))
        labels |= peer_labels
        for n in of_metric:
            of_metric[n] |= peer_labels
    return metrics, labels, of_metric


def exposition(path):
    """Metric and label names from a real /metrics body (text format), and the names of the
    samples it holds (a family with a # TYPE line may have none yet)."""
    metrics, labels, sampled = set(), set(), set()
    for line in open(path, encoding="utf-8"):
        if line.startswith("# TYPE "):
            metrics.add(line.split()[2])
        elif line and not line.startswith("#"):
            m = re.match(r"(" + IDENT + r")(\{(.*)\})?\s", line)
            if m:
                metrics.add(m.group(1))
                sampled.add(m.group(1))
                labels.update(re.findall(r"(" + IDENT + r")=\"", m.group(3) or ""))
    return metrics, labels, sampled


def unsampled(family, sampled):
    """Whether a family has no sample: none named after it, nor after it plus a suffix."""
    return not any(s == family or s.startswith(family + "_") for s in sampled)


def rules_exprs(path):
    """(where, expr) for every rule, and the recording rules' names and output labels."""
    doc = yaml.safe_load(open(path, encoding="utf-8"))
    exprs, records = [], set()
    for group in doc["groups"]:
        for rule in group["rules"]:
            name = rule.get("record") or rule.get("alert")
            exprs.append((f"{path}: {name}", rule["expr"]))
            if "record" in rule:
                records.add(rule["record"])
    return exprs, records


def dashboard_exprs(path):
    """(where, expr) for every target, annotation and templating query of a Grafana dashboard."""
    doc = json.load(open(path, encoding="utf-8"))
    out = []

    def walk(node, where):
        if isinstance(node, dict):
            title = node.get("title") or node.get("name") or where
            for key, value in node.items():
                if key == "expr" and isinstance(value, str):
                    out.append((f"{path}: {title}", value))
                elif key == "definition" and isinstance(value, str):
                    out.append((f"{path}: variable {title}", value))
                else:
                    walk(value, title)
        elif isinstance(node, list):
            for item in node:
                walk(item, where)

    walk(doc, path)
    return out


def names_in(expr):
    """(metric names, label names) an expression refers to."""
    # Grafana's label_values(SELECTOR, LABEL) is not PromQL: split it into both parts.
    expr = re.sub(r"label_values\((.*),\s*(" + IDENT + r")\s*\)", r"\1 by (\2)", expr)
    expr = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)       # string literals
    labels = set()
    for body in re.findall(r"\{([^}]*)\}", expr):           # matchers
        labels.update(re.findall(r"(" + IDENT + r")\s*(?:=~|!~|!=|=)", body))
    expr = re.sub(r"\{[^}]*\}", " ", expr)
    expr = re.sub(r"\[[^\]]*\]", " ", expr)                 # range and subquery durations
    for clause in re.findall(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)", expr):
        labels.update(re.findall(IDENT, clause))
    expr = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", expr)
    expr = re.sub(r"\boffset\s+\S+", " ", expr)
    metrics = set()
    for m in re.finditer(r"(?<![\w.$])(" + IDENT + r")\b(\s*\()?", expr):
        word = m.group(1)
        if m.group(2) or word.lower() in KEYWORDS:          # a function call or keyword
            continue
        metrics.add(word)
    return metrics, labels


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--metrics-md", required=True)
    ap.add_argument("--rules", required=True)
    ap.add_argument("--dashboard", required=True)
    ap.add_argument("--exposition")
    ap.add_argument("--require-all-metrics", action="store_true",
                    help="also fail when a METRICS.md metric appears in no dashboard panel")
    args = ap.parse_args()

    md_metrics, md_labels, md_of_metric = metrics_md(args.metrics_md)
    if len(md_metrics) < 10:
        sys.exit(f"{args.metrics_md}: found only {sorted(md_metrics)}; did its table change format?")
    known, known_labels = set(md_metrics), set(md_labels)
    source = args.metrics_md
    if args.exposition:
        known, known_labels, sampled = exposition(args.exposition)
        source = args.exposition
        # A family the exporter declares but has no series of yet (failures, say, before any
        # retransmit failed) shows no labels: take those METRICS.md gives it. Seen in CI: a run
        # with no transmit failure had tcp_retransmit_failures_total without a sample, and the
        # dashboard's stage and errno were reported unknown.
        for family in sorted(known & md_metrics):
            if unsampled(family, sampled):
                known_labels |= md_of_metric.get(family, set())
    rule_exprs, records = rules_exprs(args.rules)
    known |= records | PROMETHEUS_METRICS
    # Recording rules keep (instance, netns, cause, stage, errno): all already known.
    known_labels |= TARGET_LABELS

    dash_exprs = dashboard_exprs(args.dashboard)
    bad = []
    used = set()
    for where, expr in rule_exprs + dash_exprs:
        metrics, labels = names_in(expr)
        used |= metrics
        bad += [f"{where}: metric '{m}' is not exported ({source}) nor recorded" for m in sorted(metrics - known)]
        bad += [f"{where}: label '{l}' is not a label of any exported metric" for l in sorted(labels - known_labels)]
    if args.require_all_metrics:
        dash_used = set().union(*(names_in(e)[0] for _, e in dash_exprs))
        bad += [f"{args.dashboard}: exported metric '{m}' is shown in no panel"
                for m in sorted(md_metrics - dash_used)]
    print(f"checked {len(rule_exprs)} rule and {len(dash_exprs)} dashboard expressions, "
          f"{len(used)} distinct metric names, against {len(known)} known names from {source}")
    for line in bad:
        print("UNKNOWN " + line)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
