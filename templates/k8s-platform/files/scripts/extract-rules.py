#!/usr/bin/env python3
"""Writes the rule groups of every PrometheusRule in rendered manifests as plain Prometheus rule files:

    extract-rules.py OUT_DIR MANIFEST...

OUT_DIR/rules.yaml holds the groups as rendered (for `promtool check rules`); OUT_DIR/rules-unit.yaml the same
without annotations, so `promtool test rules` checks when each alert fires and with which labels while the
wording of summaries can change freely (tests/test_chart.py checks the runbook links)."""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import yaml


def groups(paths: list[str]) -> list[dict]:
    found: list[dict] = []
    for path in paths:
        for doc in yaml.safe_load_all(Path(path).read_text(encoding="utf-8")):
            if doc and doc.get("kind") == "PrometheusRule":
                found += doc["spec"]["groups"]
    return found


def without_annotations(rule_groups: list[dict]) -> list[dict]:
    stripped = copy.deepcopy(rule_groups)
    for group in stripped:
        for rule in group["rules"]:
            rule.pop("annotations", None)
    return stripped


def main(argv: list[str]) -> int:
    if len(argv) < 3:
        print("usage: extract-rules.py OUT_DIR MANIFEST...", file=sys.stderr)
        return 2
    out, paths = Path(argv[1]), argv[2:]
    found = groups(paths)
    if not found:
        print(f"extract-rules: no PrometheusRule in {' '.join(paths)}", file=sys.stderr)
        return 1
    out.mkdir(parents=True, exist_ok=True)
    (out / "rules.yaml").write_text(yaml.safe_dump({"groups": found}, sort_keys=False), encoding="utf-8")
    unit = yaml.safe_dump({"groups": without_annotations(found)}, sort_keys=False)
    (out / "rules-unit.yaml").write_text(unit, encoding="utf-8")
    print(f"extract-rules: {sum(len(g['rules']) for g in found)} rules into {out}/rules.yaml")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
