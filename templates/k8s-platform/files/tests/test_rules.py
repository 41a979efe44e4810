"""`make rules` catches a broken PromQL expression and a misspelt rule field, and extract-rules.py finds the rules.
Needs promtool on PATH (run by `make rules`)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / ".render/rules/rules.yaml"

if shutil.which("promtool") is None:
    raise RuntimeError("promtool is not installed: see `make tools`")


def check(tmp_path: Path, groups: dict) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(groups), encoding="utf-8")
    return subprocess.run(["promtool", "check", "rules", str(path)], capture_output=True, text=True, check=False)  # noqa: S603, S607


def rendered() -> dict:
    assert RULES.is_file(), "run `make rules` (it renders the chart first)"
    return yaml.safe_load(RULES.read_text(encoding="utf-8"))


def test_the_rendered_rules_pass(tmp_path: Path) -> None:
    assert check(tmp_path, rendered()).returncode == 0


def test_a_broken_expression_fails(tmp_path: Path) -> None:
    groups = rendered()
    groups["groups"][0]["rules"][0]["expr"] = "sum(rate(http_requests_total[5m])"
    result = check(tmp_path, groups)
    assert result.returncode != 0
    assert "parse error" in result.stdout + result.stderr


def test_a_misspelt_field_fails(tmp_path: Path) -> None:
    groups = rendered()
    rule = groups["groups"][0]["rules"][0]
    rule["fro"] = rule.pop("for")
    result = check(tmp_path, groups)
    assert result.returncode != 0
    assert "fro" in result.stdout + result.stderr


def test_extract_rules_fails_without_a_prometheus_rule(tmp_path: Path) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n", encoding="utf-8")
    script = ROOT / "scripts/extract-rules.py"
    result = subprocess.run([sys.executable, str(script), str(tmp_path / "out"), str(empty)], check=False)  # noqa: S603
    assert result.returncode == 1
