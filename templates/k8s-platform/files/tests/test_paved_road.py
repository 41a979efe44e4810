"""The paved road (scripts/paved_road.py): the first team and service are what its templates make, a new team and
service come out the same for the same names, and a bad name or an unknown team is refused with nothing written."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

from layout import FIRST_SERVICE, FIRST_TEAM, PAVED_ROAD, ROOT, team_dir
from project_files import project_files

spec = importlib.util.spec_from_file_location("paved_road", ROOT / "scripts/paved_road.py")
paved_road = importlib.util.module_from_spec(spec)
spec.loader.exec_module(paved_road)


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def copy_project(target: Path) -> Path:
    """The project's own files (never .venv/ or .render/) under `target`."""
    for path in project_files():
        destination = target / path.relative_to(ROOT)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
    return target


def test_the_first_team_is_what_the_template_makes() -> None:
    made = paved_road.team_files(ROOT, FIRST_TEAM, paved_road.team_cost_center(ROOT, FIRST_TEAM))
    assert {str(p): text.encode() for p, text in made.items()} == tree(team_dir())


def test_the_first_service_is_what_the_template_makes() -> None:
    cost_center = paved_road.team_cost_center(ROOT, FIRST_TEAM)
    made = paved_road.service_files(ROOT, FIRST_SERVICE, FIRST_TEAM, cost_center, PAVED_ROAD["first_host"])
    assert {str(p): text.encode() for p, text in made.items()} == tree(ROOT / "services" / FIRST_SERVICE)


def test_a_new_team_and_service_are_written_whole_and_deterministic(tmp_path: Path) -> None:
    results = []
    for copy in ("one", "two"):
        root = copy_project(tmp_path / copy)
        assert paved_road.main(["--root", str(root), "new-team", "paved-probe", "--cost-center", "cc-7"]) == 0
        assert paved_road.main(["--root", str(root), "new-service", "paved-svc", "--team", "paved-probe"]) == 0
        results.append(tree(root))
    assert results[0] == results[1]
    made = results[0]
    new_team = {p.removeprefix("teams/paved-probe/") for p in made if p.startswith("teams/paved-probe/")}
    assert set(tree(team_dir())) == new_team
    assert b'name: "paved-probe"' in made["teams/paved-probe/namespace.yaml"]
    assert b'cost-center: "cc-7"' in made["teams/paved-probe/resourcequota.yaml"]
    values = made["services/paved-svc/values.yaml"].decode()
    assert 'team: "paved-probe"' in values
    assert 'costCenter: "cc-7"' in values
    assert "nameOverride: paved-svc" in values
    assert f"/services/paved-svc/ @{PAVED_ROAD['github_org']}/paved-probe" in made[".github/CODEOWNERS"].decode()
    argocd = "platform/argocd/base/kustomization.yaml"
    if argocd in made:
        assert "  - ../../../teams/paved-probe/argocd\n" in made[argocd].decode()
        assert made["teams/paved-probe/argocd/appproject.yaml"]
    before = tree(copy_project(tmp_path / "untouched"))
    added = sorted(set(made) - set(before))
    assert added and all(p.startswith(("teams/paved-probe/", "services/paved-svc/")) for p in added), added
    assert not any("/." in p for p in added), "staging files were left behind"


BAD_TEAMS = [
    ("Data", "not a DNS-1123 label"),
    ("data_eng", "not a DNS-1123 label"),
    ("-data", "not a DNS-1123 label"),
    ("data-", "not a DNS-1123 label"),
    ("9lives", "not a DNS-1123 label"),
    ("", "not a DNS-1123 label"),
    ("d" * 41, "at most 40"),
    ("kube-system", "the platform uses"),
    ("monitoring", "the platform uses"),
    (FIRST_TEAM, "already exists"),
]


@pytest.mark.parametrize(("team", "reason"), BAD_TEAMS)
def test_a_bad_team_is_refused_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], team: str, reason: str
) -> None:
    root = copy_project(tmp_path / "project")
    before = tree(root)
    assert paved_road.main(["--root", str(root), "new-team", "--", team]) == 2
    assert reason in capsys.readouterr().err
    assert tree(root) == before


@pytest.mark.parametrize(
    ("service", "team", "reason"),
    [
        ("billing", "nobody", "not onboarded"),
        ("Billing", FIRST_TEAM, "not a DNS-1123 label"),
        ("b" * 41, FIRST_TEAM, "at most 40"),
        (FIRST_SERVICE, FIRST_TEAM, "already exists"),
        ("billing", "../platform", "not a DNS-1123 label"),
    ],
)
def test_a_bad_service_or_unknown_team_is_refused_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], service: str, team: str, reason: str
) -> None:
    root = copy_project(tmp_path / "project")
    before = tree(root)
    assert paved_road.main(["--root", str(root), "new-service", "--team", team, "--", service]) == 2
    err = capsys.readouterr().err
    assert reason in err
    assert "nothing was written" in err
    assert tree(root) == before
