"""The secret store is fenced to the team namespace: only ExternalSecrets there can read through it. Parses
platform/ and the rendered chart; needs `helm` on PATH (run by `make test-chart`)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import yaml

from layout import team_dir

ROOT = Path(__file__).resolve().parent.parent
CHART = next((ROOT / "charts").glob("*/Chart.yaml")).parent
KUBE_VERSION = re.search(r"^KUBE_VERSION\s*:=\s*(\S+)$", (ROOT / "Makefile").read_text(), re.M).group(1)
TEAM = yaml.safe_load((team_dir() / "namespace.yaml").read_text(encoding="utf-8"))["metadata"]["name"]

if shutil.which("helm") is None:
    raise RuntimeError("helm is not installed: see https://helm.sh/docs/intro/install/")


def platform_docs() -> list[dict[str, Any]]:
    return [
        doc
        for path in sorted((ROOT / "platform").rglob("*.yaml"))
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8"))
        if isinstance(doc, dict) and isinstance(doc.get("kind"), str)
    ]


def render(*sets: str) -> subprocess.CompletedProcess[str]:
    command = ["helm", "template", CHART.name, str(CHART), "--namespace", TEAM, "--kube-version", KUBE_VERSION]
    for item in sets:
        command += ["--set", item]
    return subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 - fixed command


def readable_from(store: dict[str, Any]) -> set[str] | None:
    """The namespaces whose ExternalSecrets may use the store; None means every namespace."""
    if store["kind"] == "SecretStore":
        return {store["metadata"]["namespace"]}
    return None


def test_no_store_is_readable_from_other_namespaces() -> None:
    stores = [d for d in platform_docs() if d["kind"] in {"SecretStore", "ClusterSecretStore"}]
    assert stores, "no secret store under platform/"
    for store in stores:
        assert readable_from(store) == {TEAM}, f"{store['kind']} {store['metadata']['name']} is not fenced to {TEAM}"


def test_a_cluster_store_counts_as_readable_everywhere() -> None:
    store = {"kind": "ClusterSecretStore", "metadata": {"name": "platform-secrets"}}
    assert readable_from(store) is None


def test_the_external_secret_reads_the_namespaced_store() -> None:
    result = render()
    assert result.returncode == 0, result.stderr
    docs = [d for d in yaml.safe_load_all(result.stdout) if d]
    (secret,) = [d for d in docs if d["kind"] == "ExternalSecret"]
    (store,) = [d for d in platform_docs() if d["kind"] == "SecretStore"]
    assert secret["spec"]["secretStoreRef"] == {"kind": "SecretStore", "name": store["metadata"]["name"]}
    assert secret["metadata"]["namespace"] == store["metadata"]["namespace"] == TEAM


def test_the_chart_refuses_a_cluster_store() -> None:
    result = render("secret.externalSecret.storeRef.kind=ClusterSecretStore")
    assert result.returncode != 0
    assert "storeRef/kind" in result.stderr
