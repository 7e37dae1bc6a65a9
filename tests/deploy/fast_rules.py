#!/usr/bin/env python3
"""Writes a fast variant of the production rules for the end-to-end test.

Production windows (5 m) and `for` durations (up to 15 m) would make a test last
half an hour. The variant is derived from the shipped file by substitution --
every range selector becomes WINDOW, every `for` becomes FOR -- so the rules under
test are the shipped rules, not a hand-kept copy that could drift. Rule names
(".../rate5m") are kept so queries are the same as in production.

Usage: fast_rules.py IN.yml OUT.yml WINDOW FOR     e.g. ... 20s 4s
"""
import re
import sys

import yaml

src, dst, window, hold = sys.argv[1:5]
doc = yaml.safe_load(open(src, encoding="utf-8"))
ranges = 0
for group in doc["groups"]:
    for rule in group["rules"]:
        rule["expr"], n = re.subn(r"\[\d+[smhdwy]\]", f"[{window}]", rule["expr"])
        ranges += n
        if "for" in rule:
            rule["for"] = hold
if ranges == 0:
    sys.exit(f"{src}: no range selectors substituted; has the file's format changed?")
yaml.safe_dump(doc, open(dst, "w", encoding="utf-8"), sort_keys=False)
print(f"{dst}: {ranges} range selectors -> [{window}], for -> {hold}")
