"""The minimum Kubernetes version the project states is the one its manifests need, and Helm enforces it.

Needs `helm` (run by `make test-chart`).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CHART = next((ROOT / "charts").glob("*/Chart.yaml")).parent
# The first Kubernetes minor that serves each built-in apiVersion and kind the manifests use, from the Kubernetes
# deprecation guide and release notes. A built-in group missing here fails the test until it is added.
SERVED_SINCE = {
    ("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicy"): (1, 30),
    ("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicyBinding"): (1, 30),
    ("autoscaling/v2", "HorizontalPodAutoscaler"): (1, 23),
    ("policy/v1", "PodDisruptionBudget"): (1, 21),
    ("networking.k8s.io/v1", "NetworkPolicy"): (1, 7),
    ("networking.k8s.io/v1", "Ingress"): (1, 19),
    ("rbac.authorization.k8s.io/v1", "Role"): (1, 8),
    ("rbac.authorization.k8s.io/v1", "RoleBinding"): (1, 8),
    ("apps/v1", "Deployment"): (1, 9),
}
BUILT_IN_GROUPS = {
    "admissionregistration.k8s.io",
    "autoscaling",
    "policy",
    "networking.k8s.io",
    "rbac.authorization.k8s.io",
    "apps",
}


def stated_minimum() -> tuple[int, int]:
    chart = yaml.safe_load((CHART / "Chart.yaml").read_text(encoding="utf-8"))
    found = re.fullmatch(r">=(\d+)\.(\d+)\.0-0", chart["kubeVersion"])
    assert found, f"kubeVersion {chart['kubeVersion']!r} is not of the form >=1.N.0-0"
    return int(found.group(1)), int(found.group(2))


def used() -> set[tuple[str, str]]:
    files = [*(ROOT / "platform").rglob("*.yaml"), *(CHART / "templates").rglob("*.yaml")]
    pairs = set()
    for path in files:
        text = path.read_text(encoding="utf-8")
        pairs |= set(re.findall(r"^apiVersion: (\S+)\nkind: (\S+)$", text, re.M))
    return {(api, kind) for api, kind in pairs if api.split("/")[0] in BUILT_IN_GROUPS}


def needed() -> tuple[int, int]:
    unknown = used() - set(SERVED_SINCE)
    assert not unknown, f"add the first Kubernetes version serving {unknown} to SERVED_SINCE"
    return max(SERVED_SINCE[pair] for pair in used())


def test_the_chart_states_the_version_the_manifests_need() -> None:
    assert ("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicy") in used()
    assert stated_minimum() == needed()


def test_the_readme_states_the_same_minimum() -> None:
    major, minor = stated_minimum()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    stated = set(re.findall(r"Kubernetes (\d+\.\d+)\+", readme))
    assert stated == {f"{major}.{minor}"}, stated


def helm_template(version: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - fixed command
        ["helm", "template", CHART.name, str(CHART), "--kube-version", version],  # noqa: S607 - helm from the PATH
        capture_output=True,
        text=True,
        check=False,
    )


def test_helm_refuses_an_older_cluster_and_takes_the_minimum() -> None:
    major, minor = stated_minimum()
    older = helm_template(f"{major}.{minor - 1}.0")
    assert older.returncode != 0
    assert "kubeVersion" in older.stderr or "incompatible" in older.stderr, older.stderr
    assert helm_template(f"{major}.{minor}.0").returncode == 0
