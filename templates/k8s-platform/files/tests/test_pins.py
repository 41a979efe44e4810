"""The pins table in docs/upgrade-plan.md matches the versions the files actually pin, both ways."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROW = re.compile(
    r"^\| [^|]+ \| `(?P<var>[A-Z0-9_]+)` \| `(?P<version>[^`]+)` \| `(?P<file>[^`]+)` \| (?P<day>[0-9-]+) \|"
)


def table(text: str) -> dict[str, tuple[str, str, str]]:
    return {m["var"]: (m["version"], m["file"], m["day"]) for m in map(ROW.match, text.splitlines()) if m}


def pinned(path: str) -> dict[str, str]:
    text = (ROOT / path).read_text(encoding="utf-8")
    found = dict(re.findall(r'^readonly ([A-Z0-9_]+_VERSION)="([^"]+)"$', text, re.M))
    found.update(re.findall(r"^([A-Z0-9_]+_VERSION)\s*:=\s*(\S+)$", text, re.M))
    return found


def problems(rows: dict[str, tuple[str, str, str]]) -> list[str]:
    found = []
    for var, (version, path, day) in rows.items():
        date.fromisoformat(day)
        actual = pinned(path).get(var)
        if actual != version:
            found.append(f"{var}: the table says {version}, {path} pins {actual}")
    for path in ("platform/bootstrap.sh", "Makefile"):
        found += [f"{var} in {path} is missing from the table" for var in pinned(path) if var not in rows]
    return found


def current() -> dict[str, tuple[str, str, str]]:
    return table((ROOT / "docs/upgrade-plan.md").read_text(encoding="utf-8"))


def test_the_table_matches_the_pins() -> None:
    assert current()
    assert problems(current()) == []


def test_a_bump_without_the_table_is_caught() -> None:
    rows = current()
    var = next(v for v, (_, path, _) in rows.items() if path == "platform/bootstrap.sh")
    _, path, day = rows[var]
    rows[var] = ("v0.0.1", path, day)
    assert any(var in p for p in problems(rows))
    del rows[var]
    assert any("missing from the table" in p for p in problems(rows))
