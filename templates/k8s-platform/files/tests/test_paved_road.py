"""The paved road (scripts/paved_road.py): the first team and service are what its templates make, a new team and
service come out the same for the same names, and a bad name or an unknown team is refused with nothing written."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from layout import FIRST_SERVICE, FIRST_TEAM, PAVED_ROAD, ROOT, services, team_dir
from project_files import project_files

spec = importlib.util.spec_from_file_location("paved_road", ROOT / "scripts/paved_road.py")
paved_road = importlib.util.module_from_spec(spec)
spec.loader.exec_module(paved_road)


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` by its relative path, leaving out what a run of the tools leaves behind."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not paved_road.NOT_APP.intersection(p.parts) and p.suffix != ".pyc"
    }


# What the paved road reads and writes: the copies the tests run it in hold only these.
PAVED_PATHS = (
    ".github/",
    "platform/onboarding/",
    "platform/argocd/base/",
    "platform/flux/base/",
    "platform/tls/",
    "platform/secrets/",
    "teams/",
    "services/",
)


def copy_project(target: Path) -> Path:
    """The project's files the paved road reads or writes (never .venv/ or .render/) under `target`."""
    for path in (p for p in project_files() if str(p.relative_to(ROOT)).startswith(PAVED_PATHS)):
        destination = target / path.relative_to(ROOT)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
    return target


def test_the_first_team_is_what_the_template_makes() -> None:
    made = paved_road.team_files(ROOT, FIRST_TEAM, paved_road.team_cost_center(ROOT, FIRST_TEAM))
    if paved_road.SERVICE_LIST in made:  # Flux: the team's list names its first service, as new-service adds it
        made[paved_road.SERVICE_LIST] = paved_road.list_service(made[paved_road.SERVICE_LIST], FIRST_SERVICE)
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
    assert 'nameOverride: "paved-svc"' in values
    assert f"/services/paved-svc/ @{PAVED_ROAD['github_org']}/paved-probe" in made[".github/CODEOWNERS"].decode()
    for tool in ("argocd", "flux"):
        overlay = f"platform/{tool}/base/kustomization.yaml"
        if overlay in made:
            assert f"  - ../../../teams/paved-probe/{tool}\n" in made[overlay].decode()
    if "platform/argocd/base/kustomization.yaml" in made:
        assert made["teams/paved-probe/argocd/appproject.yaml"]
    if "platform/flux/base/kustomization.yaml" in made:
        listed = made["teams/paved-probe/flux/services/kustomization.yaml"].decode()
        assert listed.endswith("resources:\n  - ../../../../services/paved-svc/flux\n")
    before = tree(copy_project(tmp_path / "untouched"))
    added = sorted(set(made) - set(before))
    ours = ("teams/paved-probe/", "services/paved-svc/", "platform/secrets/paved-probe.yaml")
    assert added and all(p.startswith(ours) for p in added), added
    # The staging folders and files are named .<name>-<8 random characters> (tempfile); .dockerignore is the app's.
    staged = [p for p in added if re.search(r"/\.[^/]+-[a-z0-9_]{8}(/|$)", p)]
    assert staged == [], "staging files were left behind"


def test_a_new_service_gets_its_own_app_that_make_check_tests_lints_and_builds(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    shutil.copy2(ROOT / "Makefile", root / "Makefile")
    assert paved_road.main(["--root", str(root), "new-service", "paved-svc", "--team", FIRST_TEAM]) == 0
    app = root / "services/paved-svc/app"
    for name in ("Dockerfile", "pyproject.toml", "requirements.txt", "service/main.py", "tests/test_service.py"):
        assert (app / name).is_file(), f"services/paved-svc/app/{name} was not written"
    assert tree(app) == tree(ROOT / "services" / FIRST_SERVICE / "app")
    planned = subprocess.run(
        ["make", "-n", "--no-print-directory", "test", "lint-python", "hadolint"],  # noqa: S607 - make from the PATH
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for service in (FIRST_SERVICE, "paved-svc"):
        assert f"cd services/{service}/app && " in planned, f"make test does not run {service}'s tests"
        assert f"services/{service}/app/Dockerfile" in planned, f"make hadolint does not lint {service}'s Dockerfile"
    assert "ruff check services " in planned


def test_make_deploy_installs_every_service_into_its_team_namespace(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    shutil.copy2(ROOT / "Makefile", root / "Makefile")
    assert paved_road.main(["--root", str(root), "new-team", "paved-probe"]) == 0
    assert paved_road.main(["--root", str(root), "new-service", "paved-svc", "--team", "paved-probe"]) == 0
    planned = subprocess.run(
        ["make", "-n", "--no-print-directory", "deploy"],  # noqa: S607 - make from the PATH
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    owners = {**services(), "paved-svc": "paved-probe"}
    for service, team in owners.items():
        values = yaml.safe_load((root / "services" / service / "values.yaml").read_text(encoding="utf-8"))
        image = f"{values['image']['repository']}:kind"
        assert f"docker build -t {image} services/{service}/app\n" in planned, f"{service}'s image is not built"
        assert f"kind load docker-image {image} " in planned, f"{service}'s image is not loaded into kind"
        install = re.search(rf"^helm upgrade --install {service} charts/\S+ --namespace (\S+) (.*)$", planned, re.M)
        assert install, f"make deploy does not install {service}"
        assert install.group(1) == team, f"{service} is installed into {install.group(1)}, not its team's namespace"
        assert install.group(2).endswith(f"-f services/{service}/values.yaml --wait --timeout 5m")


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
        ("billing", "kube-system", "the platform uses"),
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


def applied_paths(text: str, base: str) -> list[str]:
    """The files and folders a script hands to `kubectl apply` or `--values`, as paths from the project root."""
    found = re.findall(r'(?:apply -[kf]|--values) "?(?:\$\{HERE\}/)?([\w.][\w./-]*)"?', text)
    found = [name for name in found if not name.startswith("http")]
    return [name if name.startswith(("platform/", "teams/", "charts/")) else f"{base}/{name}" for name in found]


def test_every_path_the_bootstrap_and_makefile_apply_exists() -> None:
    paths = applied_paths((ROOT / "platform/bootstrap.sh").read_text(encoding="utf-8"), "platform")
    paths += [p for p in applied_paths((ROOT / "Makefile").read_text(encoding="utf-8"), ".") if "$" not in p]
    assert "platform/policies" in paths
    assert [p for p in paths if not (ROOT / p).exists()] == []


def test_each_service_page_says_how_it_is_deployed() -> None:
    for service, team in services().items():
        page = (ROOT / "services" / service / "README.md").read_text(encoding="utf-8")
        assert f"Owned by the `{team}` team" in page
        if "ApplicationSet picks it up" in page:
            gitops = [*(ROOT / "platform/argocd").rglob("*.yaml"), *(ROOT / "teams").rglob("argocd/*.yaml")]
            naming = [p for p in gitops if f"services/{service}" in p.read_text(encoding="utf-8")]
            assert naming == [], "a GitOps file names the service"
            appset = (ROOT / "platform/argocd/base/applicationset.yaml").read_text(encoding="utf-8")
            assert "- path: services/*/service.yaml" in appset
        elif "Flux Kustomization" in page:
            listed = (ROOT / "teams" / team / "flux/services/kustomization.yaml").read_text(encoding="utf-8")
            assert f"/services/{service}/flux\n" in listed
        else:
            assert "helm upgrade --install" in page
            assert not (ROOT / "platform/argocd").exists() and not (ROOT / "platform/flux").exists()


def planned(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """What `make -n ARGS` would run in `root`, and what it says."""
    return subprocess.run(  # noqa: S603 - make with arguments the test chose
        ["make", "-n", "--no-print-directory", *args],  # noqa: S607 - make from the PATH
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )


def test_smoke_seal_and_e2e_act_on_the_service_named(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    shutil.copy2(ROOT / "Makefile", root / "Makefile")
    assert paved_road.main(["--root", str(root), "new-team", "paved-probe"]) == 0
    assert paved_road.main(["--root", str(root), "new-service", "paved-svc", "--team", "paved-probe"]) == 0
    first_host = PAVED_ROAD["first_host"]
    host = paved_road.service_host(root, "paved-svc")
    smoke = planned(root, "smoke", "SERVICE=paved-svc")
    assert smoke.returncode == 0, smoke.stderr
    assert host in smoke.stdout
    assert first_host not in smoke.stdout
    assert first_host in planned(root, "smoke").stdout, "without SERVICE, make smoke calls the first service"
    e2e = planned(root, "e2e", "SERVICE=paved-svc")
    assert e2e.returncode == 0, e2e.stderr
    assert "helm test paved-svc --namespace paved-probe " in e2e.stdout
    assert f"helm test {FIRST_SERVICE} --namespace {FIRST_TEAM} " in planned(root, "e2e").stdout
    targets = planned(root, "help").stdout
    if re.search(r"^  seal ", targets, re.M):
        seal = planned(root, "seal", "SERVICE=paved-svc", "API_TOKEN=t")
        assert seal.returncode == 0, seal.stderr
        assert "kubeseal --raw --namespace paved-probe --name paved-svc-secret " in seal.stdout


def test_an_unknown_service_is_refused_before_anything_runs(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    shutil.copy2(ROOT / "Makefile", root / "Makefile")
    for goal in ("smoke", "seal", "e2e", "e2e-all"):
        for service in ("nope", "../platform", f"{FIRST_SERVICE} other", ""):
            refused = planned(root, goal, f"SERVICE={service}", "API_TOKEN=t")
            assert refused.returncode != 0, (goal, service)
            assert refused.stdout == "", f"make {goal} planned commands for the unknown service {service!r}"
            assert f"no service '{service}'" in refused.stderr, refused.stderr
            assert f"SERVICE={FIRST_SERVICE}" in refused.stderr, "the error names a service to use instead"
