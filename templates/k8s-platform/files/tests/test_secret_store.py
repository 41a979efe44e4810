"""The secret store is fenced to the team namespace: only ExternalSecrets there can read through it. Parses
platform/ and the rendered chart; needs `helm` on PATH (run by `make test-chart`)."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import yaml

from layout import project_with_service, services, team_dir, teams

ROOT = Path(__file__).resolve().parent.parent
CHART = next((ROOT / "charts").glob("*/Chart.yaml")).parent
KUBE_VERSION = re.search(r"^KUBE_VERSION\s*:=\s*(\S+)$", (ROOT / "Makefile").read_text(), re.M).group(1)
TEAM = yaml.safe_load((team_dir() / "namespace.yaml").read_text(encoding="utf-8"))["metadata"]["name"]

if shutil.which("helm") is None:
    raise RuntimeError("helm is not installed: see https://helm.sh/docs/intro/install/")


def platform_docs(root: Path = ROOT) -> list[dict[str, Any]]:
    return [
        doc
        for path in sorted((root / "platform").rglob("*.yaml"))
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


def stores_by_namespace(root: Path, owners: dict[str, str]) -> dict[str, dict[str, Any]]:
    """The kind stores under platform/, by the one namespace each serves; every one is fenced to a team, and holds
    the key of each service of that team."""
    stores = [d for d in platform_docs(root) if d["kind"] in {"SecretStore", "ClusterSecretStore"}]
    assert stores, "no secret store under platform/"
    found = {}
    for store in stores:
        readers = readable_from(store)
        assert readers and len(readers) == 1, f"{store['kind']} {store['metadata']['name']} serves {readers or 'all'}"
        (namespace,) = readers
        assert namespace not in found, f"two stores serve {namespace}"
        keys = {entry["key"] for entry in store["spec"]["provider"]["fake"]["data"]}
        wanted = {f"{service}/api-token" for service, team in owners.items() if team == namespace}
        assert wanted <= keys, f"the store in {namespace} lacks {sorted(wanted - keys)}"
        found[namespace] = store
    return found


def test_no_store_is_readable_from_other_namespaces() -> None:
    stores = stores_by_namespace(ROOT, services())
    assert set(stores) == set(teams()), "each team, and only a team, has its kind store"


def test_a_new_team_gets_its_own_store_with_its_new_service_key(tmp_path: Path) -> None:
    root = project_with_service(tmp_path / "project", "paved-svc", "paved-probe")
    owners = {**services(), "paved-svc": "paved-probe"}
    stores = stores_by_namespace(root, owners)
    assert set(stores) == {*teams(), "paved-probe"}
    assert stores["paved-probe"]["metadata"]["name"] == "platform-secrets"


def test_a_cluster_store_counts_as_readable_everywhere() -> None:
    store = {"kind": "ClusterSecretStore", "metadata": {"name": "platform-secrets"}}
    assert readable_from(store) is None


def test_the_external_secret_reads_the_namespaced_store() -> None:
    result = render()
    assert result.returncode == 0, result.stderr
    docs = [d for d in yaml.safe_load_all(result.stdout) if d]
    (secret,) = [d for d in docs if d["kind"] == "ExternalSecret"]
    (store,) = [d for d in platform_docs() if d["kind"] == "SecretStore" and d["metadata"]["namespace"] == TEAM]
    assert secret["spec"]["secretStoreRef"] == {"kind": "SecretStore", "name": store["metadata"]["name"]}
    assert secret["metadata"]["namespace"] == store["metadata"]["namespace"] == TEAM


def test_the_chart_refuses_a_cluster_store() -> None:
    result = render("secret.externalSecret.storeRef.kind=ClusterSecretStore")
    assert result.returncode != 0
    assert "storeRef/kind" in result.stderr


def test_each_team_store_is_what_the_paved_road_makes() -> None:
    spec = importlib.util.spec_from_file_location("paved_road", ROOT / "scripts/paved_road.py")
    paved_road = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(paved_road)
    for team in teams():
        written = (ROOT / "platform/secrets" / f"{team}.yaml").read_text(encoding="utf-8")
        assert written == paved_road.kind_store(ROOT, team, paved_road.team_services(ROOT, team)), team
