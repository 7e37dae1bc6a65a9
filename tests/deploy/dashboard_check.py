#!/usr/bin/env python3
"""Structural checks of the Grafana dashboard that Grafana itself would only
reveal on import (no Grafana here): unique panel ids, every panel on the 24-column
grid without overlaps, every query bound to the dashboard's data-source variable
with a refId, and every $variable used in a query defined in templating.

Usage: dashboard_check.py DASHBOARD.json
"""
import json
import re
import sys

errors = []
doc = json.load(open(sys.argv[1], encoding="utf-8"))
panels = doc["panels"]
variables = {v["name"] for v in doc["templating"]["list"]}
BUILTIN = {"__rate_interval", "__range", "__interval"}

ids = [p["id"] for p in panels]
if len(ids) != len(set(ids)):
    errors.append(f"duplicate panel ids: {sorted(i for i in ids if ids.count(i) > 1)}")

cells = {}
for p in panels:
    g = p["gridPos"]
    if g["x"] < 0 or g["w"] <= 0 or g["x"] + g["w"] > 24:
        errors.append(f"panel '{p['title']}' leaves the 24-column grid: {g}")
    for x in range(g["x"], g["x"] + g["w"]):
        for y in range(g["y"], g["y"] + g["h"]):
            if (x, y) in cells:
                errors.append(f"panels '{cells[(x, y)]}' and '{p['title']}' overlap at {x},{y}")
                break
            cells[(x, y)] = p["title"]
        else:
            continue
        break
    if p["type"] == "row":
        continue
    if p.get("datasource", {}).get("uid") != "${datasource}":
        errors.append(f"panel '{p['title']}' is not bound to the $datasource variable")
    refs = [t.get("refId") for t in p.get("targets", [])]
    if not refs or None in refs or len(refs) != len(set(refs)):
        errors.append(f"panel '{p['title']}' has missing or repeated refIds: {refs}")
    for t in p["targets"]:
        for var in re.findall(r"\$\{?(\w+)", t["expr"]):
            if var not in variables | BUILTIN:
                errors.append(f"panel '{p['title']}' uses undefined variable ${var}")
    if not p.get("description"):
        errors.append(f"panel '{p['title']}' has no description (the hover help)")

for e in errors:
    print("FAIL " + e)
print(f"dashboard: {len(panels)} panels, variables {sorted(variables)}, {len(errors)} problems")
sys.exit(1 if errors else 0)
