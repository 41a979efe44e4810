"""What the README says of the GitOps controller, checked on its manifests: Flux tests each upgrade and rolls back a
failed one; Argo CD prunes and self-heals inside an AppProject fenced to this repository, the team namespace and
the kinds the chart renders; the ApplicationSet makes one Application per service. Needs `helm` on PATH (run by
`make test-chart`)."""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from layout import FIRST_SERVICE, FIRST_TEAM, team_dir

ROOT = Path(__file__).resolve().parent.parent
CHART = next((ROOT / "charts").glob("*/Chart.yaml")).parent
KUBE_VERSION = re.search(r"^KUBE_VERSION\s*:=\s*(\S+)$", (ROOT / "Makefile").read_text(), re.M).group(1)
FLUX = ROOT / "services" / FIRST_SERVICE / "flux" / "helmrelease.yaml"
ARGOCD = ROOT / "platform" / "argocd" / "base"

if shutil.which("helm") is None:
    raise RuntimeError("helm is not installed: see https://helm.sh/docs/intro/install/")


def load(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@cache
def chart_kinds() -> frozenset[tuple[str, str]]:
    """(group, kind) of every object the chart renders: with its defaults, every ci/*-values.yaml, and the HPA on
    (a fixed-replica project can turn it on with `autoscaling.enabled`)."""
    kinds: set[tuple[str, str]] = set()
    runs = [
        [],
        ["--set", "autoscaling.enabled=true"],
        *(["-f", str(v)] for v in sorted((CHART / "ci").glob("*-values.yaml"))),
    ]
    for extra in runs:
        command = ["helm", "template", CHART.name, str(CHART), "--kube-version", KUBE_VERSION, *extra]
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603 - fixed command
        for doc in yaml.safe_load_all(out):
            if isinstance(doc, dict):
                group = doc["apiVersion"].rpartition("/")[0]
                kinds.add((group, doc["kind"]))
    return frozenset(kinds)


def generated_applications(appset: dict[str, Any], service_files: list[Path]) -> dict[str, dict[str, Any]]:
    """The Applications the ApplicationSet's git files generator makes, by service: each `{{.key}}` of the template
    filled from the service's service.yaml, as Argo CD's goTemplate does (missingkey=error: an unknown key fails)."""
    template = yaml.safe_dump(appset["spec"]["template"])
    apps = {}
    for path in service_files:
        params = yaml.safe_load(path.read_text(encoding="utf-8"))

        def fill(found: re.Match[str], params: dict[str, Any] = params) -> str:
            return str(params[found.group(1)])

        apps[path.parent.name] = yaml.safe_load(re.sub(r"\{\{\s*\.(\w+)\s*\}\}", fill, template))
    return apps


def applicationset() -> dict[str, Any]:
    return load(ARGOCD / "applicationset.yaml")


def flux_problems(release: dict[str, Any]) -> list[str]:
    spec = release["spec"]
    problems = []
    if not spec.get("test", {}).get("enable"):
        problems.append("helm test does not run after an upgrade (spec.test.enable)")
    if spec.get("upgrade", {}).get("remediation", {}).get("strategy") != "rollback":
        problems.append("a failed upgrade is not rolled back (spec.upgrade.remediation.strategy)")
    if not spec.get("upgrade", {}).get("remediation", {}).get("retries"):
        problems.append("a failed upgrade is never remediated (spec.upgrade.remediation.retries)")
    return problems


def argocd_problems(app: dict[str, Any], project: dict[str, Any], kinds: frozenset[tuple[str, str]]) -> list[str]:
    problems = []
    automated = app["spec"].get("syncPolicy", {}).get("automated", {})
    if not (automated.get("prune") and automated.get("selfHeal")):
        problems.append("the Application does not prune and self-heal")
    spec = project["spec"]
    if app["spec"]["project"] != project["metadata"]["name"]:
        problems.append("the Application is not in the AppProject")
    if spec.get("sourceRepos") != [app["spec"]["source"]["repoURL"]]:
        problems.append("the AppProject allows other repositories")
    if [d["namespace"] for d in spec.get("destinations", [])] != [app["spec"]["destination"]["namespace"]]:
        problems.append("the AppProject allows other namespaces")
    if spec.get("clusterResourceWhitelist") != []:
        problems.append("the AppProject allows cluster-scoped objects")
    allowed = {(k["group"], k["kind"]) for k in spec.get("namespaceResourceWhitelist", [])}
    if kinds - allowed:
        problems.append(f"the chart renders kinds the AppProject refuses: {sorted(kinds - allowed)}")
    if allowed - kinds:
        problems.append(f"the AppProject allows kinds the chart never renders: {sorted(allowed - kinds)}")
    return problems


def test_the_gitops_controller_does_what_the_readme_says() -> None:
    """Flux: helm test after each upgrade, rollback of a failed one. Argo CD: prune and self-heal inside the fence.
    Without GitOps neither controller's manifests exist."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| GitOps |"))
    assert ("Flux" in row) == FLUX.exists(), row
    assert ("Argo CD" in row) == ARGOCD.exists(), row
    if FLUX.exists():
        assert flux_problems(load(FLUX)) == []
    if ARGOCD.exists():
        services = sorted((ROOT / "services").glob("*/service.yaml"))
        app = generated_applications(applicationset(), services)[FIRST_SERVICE]
        project = load(team_dir(FIRST_TEAM) / "argocd/appproject.yaml")
        assert argocd_problems(app, project, chart_kinds()) == []
    if not (FLUX.exists() or ARGOCD.exists()):
        assert "none" in row, row


def test_a_weakened_gitops_manifest_is_caught() -> None:
    release = {"spec": {"test": {"enable": True}, "upgrade": {"remediation": {"retries": 3, "strategy": "rollback"}}}}
    assert flux_problems(release) == []
    broken = copy.deepcopy(release)
    broken["spec"]["upgrade"]["remediation"]["strategy"] = "uninstall"
    assert flux_problems(broken) == ["a failed upgrade is not rolled back (spec.upgrade.remediation.strategy)"]
    del broken["spec"]["test"]
    assert len(flux_problems(broken)) == 2
    repo = "https://github.com/example/app.git"
    app = {
        "spec": {
            "project": "team",
            "source": {"repoURL": repo},
            "destination": {"namespace": "team"},
            "syncPolicy": {"automated": {"prune": True, "selfHeal": True}},
        }
    }
    kinds = frozenset({("apps", "Deployment"), ("", "Service")})
    project = {
        "metadata": {"name": "team"},
        "spec": {
            "sourceRepos": [repo],
            "destinations": [{"server": "https://kubernetes.default.svc", "namespace": "team"}],
            "clusterResourceWhitelist": [],
            "namespaceResourceWhitelist": [{"group": "apps", "kind": "Deployment"}, {"group": "", "kind": "Service"}],
        },
    }
    assert argocd_problems(app, project, kinds) == []
    wider = copy.deepcopy(project)
    wider["spec"]["clusterResourceWhitelist"] = [{"group": "*", "kind": "*"}]
    assert argocd_problems(app, wider, kinds) == ["the AppProject allows cluster-scoped objects"]
    narrower = copy.deepcopy(project)
    narrower["spec"]["namespaceResourceWhitelist"].pop()
    assert "refuses" in " ".join(argocd_problems(app, narrower, kinds))
    drifting = copy.deepcopy(app)
    drifting["spec"]["syncPolicy"]["automated"]["selfHeal"] = False
    assert argocd_problems(drifting, project, kinds) == ["the Application does not prune and self-heal"]
