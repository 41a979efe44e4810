"""Every Renovate custom manager matches the pins it is written for, so a bump is never silently missed."""

from __future__ import annotations

import json
import re
from pathlib import Path

from project_files import project_files

ROOT = Path(__file__).resolve().parent.parent
CONFIG = json.loads((ROOT / "renovate.json").read_text(encoding="utf-8"))


def python_regex(pattern: str) -> re.Pattern[str]:
    """Renovate's RE2 named groups (?<name>...) in Python's spelling."""
    return re.compile(pattern.replace("(?<", "(?P<"))


def files_for(manager: dict) -> list[Path]:
    patterns = [python_regex(p.strip("/")) for p in manager["managerFilePatterns"]]
    return [path for path in project_files(ROOT) if any(p.search(str(path.relative_to(ROOT))) for p in patterns)]


def matches(manager: dict) -> list[dict[str, str]]:
    found = []
    for path in files_for(manager):
        text = path.read_text(encoding="utf-8")
        for pattern in manager["matchStrings"]:
            found += [m.groupdict() for m in python_regex(pattern).finditer(text)]
    return found


def test_every_manager_finds_its_pins() -> None:
    for manager in CONFIG["customManagers"]:
        assert matches(manager), f"no match for: {manager['description']}"


def test_every_bootstrap_pin_is_annotated() -> None:
    text = (ROOT / "platform/bootstrap.sh").read_text(encoding="utf-8")
    pins = re.findall(r"^readonly [A-Z0-9_]+_VERSION=", text, re.M)
    manager = CONFIG["customManagers"][0]
    assert len(matches(manager)) == len(pins)


def test_kind_pins_are_found_in_every_file() -> None:
    manager = next(m for m in CONFIG["customManagers"] if "kindest" in m["description"])
    found = matches(manager)
    assert {m["currentValue"] for m in found} == {found[0]["currentValue"]}
    assert len(found) >= 3, "cluster.yaml's two nodes and the workflow's node_image"
