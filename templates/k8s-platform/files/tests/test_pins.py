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


# Retired upstream: no release will follow these, so the pin must be the last one. ingress-nginx's final
# releases were tagged on 2026-03-19 (controller-v1.13.9, controller-v1.15.1) and 2026-03-20 (controller-v1.14.5);
# v1.15.1 is the newest line (kubernetes/ingress-nginx tags, checked 2026-12-06).
FINAL_RELEASES = {"INGRESS_NGINX_VERSION": "controller-v1.15.1"}


def test_a_retired_component_is_pinned_at_its_final_release() -> None:
    pins = pinned("platform/bootstrap.sh")
    rows = current()
    for var, final in FINAL_RELEASES.items():
        if var in pins:
            assert pins[var] == final, f"{var} pins {pins[var]}: take the final release {final}"
            assert "retired" in (ROOT / "docs/upgrade-plan.md").read_text(encoding="utf-8")
        else:
            assert var not in rows, f"{var} is in the table but not pinned"


def base_images() -> list[str]:
    """The FROM lines of every service's Dockerfile."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(ROOT.glob("services/*/app/Dockerfile"))]
    return [image for text in texts for image in re.findall(r"^FROM (\S+)", text, re.M)]


def test_the_base_image_tag_is_one_that_is_still_rebuilt() -> None:
    # A tag naming a Python patch release (3.12.11-...) is rebuilt only until the next patch ships, and then
    # misses every Debian security fix. A minor tag (3.12-slim-trixie) is rebuilt for each patch and each
    # Debian update; a digest pins one build exactly (and a bot must keep it fresh).
    images = base_images()
    assert images, "no services/*/app/Dockerfile has a FROM"
    for image in images:
        assert "@sha256:" in image or re.fullmatch(r"python:3\.\d+-slim-[a-z]+", image), image
