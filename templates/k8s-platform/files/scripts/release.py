#!/usr/bin/env python3
"""Release steps the release workflow runs, kept here so they are tested (tests/test_release.py).

scripts/release.py services                  every service, as a GitHub Actions output (names=[...]) for a matrix
scripts/release.py check-tag v1.2.3          the tag must equal the chart's appVersion with a leading v
scripts/release.py pin 1.2.3 PINS            for each file PINS/<service> (its image's sha256 digest), write image.tag
                                             and image.digest into services/<service>/values-production.yaml
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
VERSION = re.compile(r"^[0-9]+\.[0-9]+\.[0-9]+$")


def chart_dir(root: Path = ROOT) -> Path:
    charts = sorted(p.parent for p in (root / "charts").glob("*/Chart.yaml"))
    if len(charts) != 1:
        raise SystemExit(f"release: expected one chart under charts/, found {len(charts)}")
    return charts[0]


def production_values(root: Path = ROOT) -> Path:
    """The production pin of the service whose image this repository builds: the one the chart is named after."""
    return root / "services" / chart_dir(root).name / "values-production.yaml"


def services(root: Path = ROOT) -> list[str]:
    """Every service (services/<service>/service.yaml), sorted: each has its own app, image and production pin."""
    return sorted(p.parent.name for p in (root / "services").glob("*/service.yaml"))


def app_version(chart: Path) -> str:
    found = re.search(r'^appVersion:\s*"?([^"\s]+)"?\s*$', (chart / "Chart.yaml").read_text(encoding="utf-8"), re.M)
    if not found:
        raise SystemExit(f"release: {chart / 'Chart.yaml'} has no appVersion")
    return found.group(1)


def check_tag(tag: str, chart: Path) -> str | None:
    """None when the tag releases the chart's appVersion, else what is wrong and how to fix it."""
    version = app_version(chart)
    if tag != f"v{version}":
        return (
            f"release: the tag {tag} does not match appVersion {version} in {chart.name}/Chart.yaml; "
            f"set appVersion (and bump version) in a pull request, then tag v{version}"
        )
    return None


def pin(text: str, version: str, digest: str) -> str:
    """The production values with image.tag and image.digest replaced; every other line is kept as it was."""
    if not VERSION.match(version):
        raise ValueError(f"{version!r} is not a version like 1.2.3")
    if not DIGEST.match(digest):
        raise ValueError(f"{digest!r} is not a sha256 digest (sha256: and 64 hex digits)")
    lines = text.splitlines(keepends=True)
    out, in_image, done = [], False, set()
    for line in lines:
        if re.match(r"^image:\s*$", line):
            in_image = True
        elif re.match(r"^\S", line):
            in_image = False
        key = re.match(r"^(  )(tag|digest):(\s*)(\S*)(.*)$", line.rstrip("\n")) if in_image else None
        if key:
            value = f'"{version}"' if key.group(2) == "tag" else f'"{digest}"'
            line = f"{key.group(1)}{key.group(2)}: {value}\n"
            done.add(key.group(2))
        out.append(line)
    missing = {"tag", "digest"} - done
    if missing:
        raise ValueError(f"the production values have no image.{' or image.'.join(sorted(missing))} line to set")
    return "".join(out)


def pin_all(version: str, pins: Path, root: Path = ROOT) -> dict[Path, str]:
    """Each service's production values pinned to the digest in pins/<service>, all checked before any is written:
    a service without a pin, or a pin for no service, is an error."""
    names = services(root)
    given = sorted(p.name for p in pins.iterdir() if p.is_file()) if pins.is_dir() else []
    if given != names:
        raise ValueError(f"{pins} holds pins for {given or 'no service'}, but the services are {names}")
    pinned = {}
    for name in names:
        path = root / "services" / name / "values-production.yaml"
        digest = (pins / name).read_text(encoding="utf-8").strip()
        try:
            pinned[path] = pin(path.read_text(encoding="utf-8"), version, digest)
        except ValueError as error:
            raise ValueError(f"{name}: {error}") from error
    return pinned


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "check-tag":
        problem = check_tag(argv[1], chart_dir())
        if problem:
            print(problem, file=sys.stderr)
            return 1
        print(f"release: {argv[1]} matches the chart's appVersion")
        return 0
    if argv == ["services"]:
        # The GitHub Actions output the workflows' matrices read.
        print("names=" + json.dumps(services()))
        return 0
    if len(argv) == 3 and argv[0] == "pin":
        try:
            pinned = pin_all(argv[1], Path(argv[2]))
        except ValueError as error:
            print(f"release: {error}", file=sys.stderr)
            return 1
        for path, text in pinned.items():
            path.write_text(text, encoding="utf-8")
            print(f"release: {path.relative_to(ROOT)} now deploys {argv[1]}")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
