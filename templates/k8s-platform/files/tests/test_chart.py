"""Invariants of the rendered chart that linters do not check. Needs `helm` on PATH (run by `make test-chart`)."""

from __future__ import annotations

import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CHART = next((ROOT / "charts").glob("*/Chart.yaml")).parent
NAMESPACE = "team-under-test"

if shutil.which("helm") is None:
    raise RuntimeError("helm is not installed: see https://helm.sh/docs/intro/install/")


@cache
def render(*values_files: str, sets: tuple[str, ...] = ()) -> tuple[dict[str, Any], ...]:
    command = ["helm", "template", CHART.name, str(CHART), "--namespace", NAMESPACE, "--kube-version", "1.33.0"]
    for name in values_files:
        command += ["-f", str(CHART / name)]
    for item in sets:
        command += ["--set", item]
    result = subprocess.run(command, check=True, capture_output=True, text=True)  # noqa: S603 - fixed command
    return tuple(doc for doc in yaml.safe_load_all(result.stdout) if doc)


def one(docs: tuple[dict[str, Any], ...], kind: str, suffix: str = "") -> dict[str, Any]:
    found = [d for d in docs if d["kind"] == kind and d["metadata"]["name"].endswith(suffix)]
    assert len(found) == 1, f"expected one {kind}, found {len(found)}"
    return found[0]


def app_container(docs: tuple[dict[str, Any], ...]) -> dict[str, Any]:
    return one(docs, "Deployment")["spec"]["template"]["spec"]["containers"][0]


def test_every_object_is_namespaced_to_the_release_namespace() -> None:
    for doc in render():
        assert doc["metadata"].get("namespace") == NAMESPACE, doc["metadata"]["name"]


def test_no_replicas_field_while_the_hpa_is_on() -> None:
    docs = render()
    assert "replicas" not in one(docs, "Deployment")["spec"]
    hpa = one(docs, "HorizontalPodAutoscaler")
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"]["behavior"]["scaleDown"]["stabilizationWindowSeconds"] >= 60
    assert hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]


def test_fixed_replicas_when_the_hpa_is_off() -> None:
    docs = render("ci/fixed-replicas-values.yaml")
    assert one(docs, "Deployment")["spec"]["replicas"] == 3
    assert not [d for d in docs if d["kind"] == "HorizontalPodAutoscaler"]


def test_min_above_max_is_rejected() -> None:
    with pytest.raises(subprocess.CalledProcessError):
        render(sets=("autoscaling.minReplicas=9", "autoscaling.maxReplicas=3"))


def test_selector_uses_only_name_and_instance() -> None:
    deployment = one(render(), "Deployment")
    assert set(deployment["spec"]["selector"]["matchLabels"]) == {
        "app.kubernetes.io/name",
        "app.kubernetes.io/instance",
    }


def test_fixed_sizing_of_the_container() -> None:
    resources = app_container(render())["resources"]
    assert resources["requests"] == {"cpu": "100m", "memory": "128Mi"}
    assert resources["limits"]["memory"] == "256Mi"
    assert resources["limits"]["cpu"] == "500m"


def test_liveness_and_readiness_probe_different_endpoints() -> None:
    container = app_container(render())
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"


def test_pods_run_restricted() -> None:
    docs = render()
    pod_spec = one(docs, "Deployment")["spec"]["template"]["spec"]
    assert pod_spec["automountServiceAccountToken"] is False
    assert pod_spec["securityContext"]["runAsNonRoot"] is True
    for spec in (pod_spec, one(docs, "Pod")["spec"]):
        for container in spec["containers"]:
            context = container["securityContext"]
            assert context["allowPrivilegeEscalation"] is False
            assert context["readOnlyRootFilesystem"] is True
            assert context["capabilities"]["drop"] == ["ALL"]
            assert context["runAsUser"] >= 10000


def test_cost_labels_on_the_pod_template() -> None:
    labels = one(render(), "Deployment")["spec"]["template"]["metadata"]["labels"]
    for key in ("team", "owner", "cost-center", "environment", "app.kubernetes.io/part-of"):
        assert labels.get(key), key


def test_network_policy_limits_egress_to_dns() -> None:
    policy = one(render(), "NetworkPolicy", suffix=CHART.name)
    assert policy["spec"]["policyTypes"] == ["Ingress", "Egress"]
    ports = {port["port"] for rule in policy["spec"]["egress"] for port in rule["ports"]}
    assert ports == {53}


def test_kind_values_do_not_pull_from_the_registry() -> None:
    container = app_container(render("ci/kind-values.yaml"))
    assert container["imagePullPolicy"] == "IfNotPresent"
    assert container["image"].endswith(":kind")


def test_digest_wins_over_tag() -> None:
    digest = "sha256:" + "a" * 64
    container = app_container(render(sets=(f"image.digest={digest}",)))
    assert container["image"].endswith("@" + digest)


def test_alerts_link_their_runbook_pages() -> None:
    rules = [d for d in render() if d["kind"] == "PrometheusRule"]
    if not rules:
        # Monitoring is off: then there must be no runbook pages for alerts that do not exist.
        assert not (ROOT / "docs" / "runbooks").exists()
        return
    for rule in rules[0]["spec"]["groups"][0]["rules"]:
        page = ROOT / "docs" / "runbooks" / f"{rule['alert']}.md"
        assert page.is_file(), page
        assert rule["annotations"]["runbook_url"].endswith(f"/docs/runbooks/{rule['alert']}.md")
        assert page.read_text(encoding="utf-8").startswith(f"# {rule['alert']}\n")
        assert rule["labels"]["severity"] in {"warning", "critical"}
