"""Where the platform keeps its teams and their services: teams/<team>/ holds a team's landing zone, and
services/<service>/service.yaml names the team that owns the service. platform/onboarding/paved-road.toml holds what the
paved road (scripts/paved_road.py) fills into each new team and service, and which team and service came first."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
PAVED_ROAD = tomllib.loads((ROOT / "platform/onboarding/paved-road.toml").read_text(encoding="utf-8"))
FIRST_TEAM = PAVED_ROAD["first_team"]
FIRST_SERVICE = PAVED_ROAD["first_service"]
# The reference service's application code; `make new-service` copies it for each new service.
FIRST_APP = ROOT / "services" / FIRST_SERVICE / "app"


def load_all(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


def team_dir(team: str = FIRST_TEAM) -> Path:
    return ROOT / "teams" / team


def teams() -> list[str]:
    """Every onboarded team: a folder under teams/ with a namespace."""
    return sorted(p.parent.name for p in (ROOT / "teams").glob("*/namespace.yaml"))


def project_with_service(target: Path, service: str, team: str = FIRST_TEAM) -> Path:
    """A copy of the project under `target` (no .venv/, .render/ or caches) after `make new-team TEAM=<team>`
    (unless the team is onboarded already) and `make new-service SERVICE=<service> TEAM=<team>`."""
    ignored = shutil.ignore_patterns(".venv", ".render", ".git", "__pycache__", "*_cache")
    root = shutil.copytree(ROOT, target, ignore=ignored)
    steps = [["new-service", service, "--team", team]]
    if not (root / "teams" / team).exists():
        steps.insert(0, ["new-team", team])
    for step in steps:
        made = subprocess.run(  # noqa: S603 - this project's own script
            [sys.executable, "scripts/paved_road.py", *step], cwd=root, capture_output=True, text=True
        )
        assert made.returncode == 0, made.stderr
    return root


def services() -> dict[str, str]:
    """Every service and the team that owns it, from services/<service>/service.yaml."""
    found = {}
    for path in sorted((ROOT / "services").glob("*/service.yaml")):
        found[path.parent.name] = yaml.safe_load(path.read_text(encoding="utf-8"))["team"]
    return found
