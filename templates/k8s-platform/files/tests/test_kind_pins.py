"""The e2e cluster is created by a kind release with a node image that release publishes, at a Kubernetes minor
that upstream and EKS standard support both cover (table: platform/kind/node-images.yaml)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
DIGEST = re.compile(r"^kindest/node:v(?P<version>\d+\.\d+\.\d+)@sha256:[0-9a-f]{64}$")


def load(path: str) -> Any:
    return yaml.safe_load((ROOT / path).read_text(encoding="utf-8"))


def makefile_kube_version(text: str) -> str:
    found = re.search(r"^KUBE_VERSION\s*:=\s*(\S+)$", text, re.M)
    assert found, "the Makefile sets no KUBE_VERSION"
    return found.group(1)


def kind_action(workflow: dict[str, Any]) -> dict[str, Any]:
    steps = [
        step
        for job in workflow["jobs"].values()
        for step in job.get("steps", [])
        if str(step.get("uses", "")).startswith("helm/kind-action@")
    ]
    assert len(steps) == 1, f"expected one helm/kind-action step, found {len(steps)}"
    return steps[0].get("with", {})


def problems(workflow: dict[str, Any], cluster: dict[str, Any], kube_version: str, table: dict[str, Any]) -> list[str]:
    """Every way the workflow, the kind config and the Makefile disagree with the table."""
    found: list[str] = []
    inputs = kind_action(workflow)
    kind_version = inputs.get("version")
    node_image = str(inputs.get("node_image", ""))
    releases = table["kind"]
    if kind_version not in releases:
        found.append(f"helm/kind-action `version: {kind_version}` is not a kind release in {sorted(releases)}")
        return found
    if node_image not in releases[kind_version].values():
        found.append(f"node_image {node_image!r} is not an image kind {kind_version} publishes")
    match = DIGEST.match(node_image)
    if not match:
        found.append(f"node_image {node_image!r} is not pinned by digest")
    elif match.group("version") != kube_version:
        found.append(f"node_image is Kubernetes {match.group('version')}, the Makefile renders for {kube_version}")
    if inputs.get("config") != "platform/kind/cluster.yaml":
        found.append("helm/kind-action does not create the cluster from platform/kind/cluster.yaml")
    if str(inputs.get("kubectl_version", "")).lstrip("v") != kube_version:
        found.append(f"kubectl_version {inputs.get('kubectl_version')} differs from KUBE_VERSION {kube_version}")
    for node in cluster["nodes"]:
        if node.get("image") != node_image:
            found.append(f"cluster.yaml {node['role']} image {node.get('image')!r} differs from the workflow's")
    minor = ".".join(kube_version.split(".")[:2])
    windows = table["standard_support"]
    if minor not in windows:
        found.append(f"Kubernetes {minor} is not in standard support (table: {sorted(windows)})")
    else:
        checked = date.fromisoformat(table["checked"])
        for end in windows[minor]:
            if date.fromisoformat(end) <= checked:
                found.append(f"Kubernetes {minor} support ended on {end}")
    return found


def current() -> tuple[dict[str, Any], dict[str, Any], str, dict[str, Any]]:
    return (
        load(".github/workflows/ci.yml"),
        load("platform/kind/cluster.yaml"),
        makefile_kube_version((ROOT / "Makefile").read_text(encoding="utf-8")),
        load("platform/kind/node-images.yaml"),
    )


def test_the_pins_agree_with_the_table() -> None:
    assert problems(*current()) == []


def test_a_node_image_from_another_kind_release_is_caught() -> None:
    workflow, cluster, kube_version, table = current()
    kind_action(workflow)["version"] = "v0.26.0"
    assert any("not a kind release" in p for p in problems(workflow, cluster, kube_version, table))


def test_a_tag_without_digest_is_caught() -> None:
    workflow, cluster, kube_version, table = current()
    for node in cluster["nodes"]:
        node["image"] = "kindest/node:v1.33.1"
    assert any("cluster.yaml" in p for p in problems(workflow, cluster, kube_version, table))
    kind_action(workflow)["node_image"] = "kindest/node:v1.36.1"
    found = problems(workflow, cluster, kube_version, table)
    assert any("not pinned by digest" in p for p in found)


def test_a_minor_out_of_standard_support_is_caught() -> None:
    workflow, cluster, _, table = current()
    assert any("not in standard support" in p for p in problems(workflow, cluster, "1.33.12", table))
