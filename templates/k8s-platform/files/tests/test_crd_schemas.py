"""scripts/crd-schemas.py: strict conversion, a misspelt field fails, a missing schema fails, checksums hold.

The pinned upstream CRDs are downloaded only by `make crd-schemas`; these tests use a small CRD written here.
"""

from __future__ import annotations

import hashlib
import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts/crd-schemas.py"
spec = importlib.util.spec_from_file_location("crd_schemas", SCRIPT)
crd_schemas = importlib.util.module_from_spec(spec)
spec.loader.exec_module(crd_schemas)

CRD = {
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": "monitors.example.com"},
    "spec": {
        "group": "example.com",
        "names": {"kind": "Monitor", "plural": "monitors"},
        "scope": "Namespaced",
        "versions": [
            {"name": "v1beta1", "served": False, "storage": False},
            {
                "name": "v1",
                "served": True,
                "storage": True,
                "schema": {
                    "openAPIV3Schema": {
                        "type": "object",
                        "properties": {
                            "apiVersion": {"type": "string"},
                            "kind": {"type": "string"},
                            "metadata": {"type": "object"},
                            "spec": {
                                "type": "object",
                                "required": ["endpoints"],
                                "properties": {
                                    "endpoints": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "properties": {"port": {"type": "string"}, "interval": {"type": "string"}},
                                        },
                                    },
                                    "values": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
                                    "note": {"type": "string", "nullable": True},
                                },
                            },
                        },
                    }
                },
            },
        ],
    },
}


def monitor(**endpoint: str) -> dict:
    return {
        "apiVersion": "example.com/v1",
        "kind": "Monitor",
        "metadata": {"name": "m"},
        "spec": {"endpoints": [endpoint], "values": {"anything": {"goes": 1}}, "note": None},
    }


@pytest.fixture
def schemas(tmp_path: Path) -> Path:
    out = tmp_path / "schemas"
    written = crd_schemas.convert(yaml.safe_dump(CRD), out)
    assert [p.relative_to(out).as_posix() for p in written] == ["example.com/monitor_v1.json"]
    return out


def run_validate(tmp_path: Path, schema_dir: Path, *docs: dict) -> subprocess.CompletedProcess[str]:
    manifest = tmp_path / "manifest.yaml"
    manifest.write_text(yaml.safe_dump_all(docs), encoding="utf-8")
    command = [sys.executable, str(SCRIPT), "validate", "--dir", str(schema_dir), str(manifest)]
    return subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 - fixed command


def test_check_jsonschema_is_installed() -> None:
    assert shutil.which("check-jsonschema"), "check-jsonschema is missing: make setup"


def test_a_valid_custom_resource_passes(tmp_path: Path, schemas: Path) -> None:
    configmap = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}
    result = run_validate(tmp_path, schemas, monitor(port="http", interval="30s"), configmap)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 custom resource(s) checked, all valid" in result.stdout


def test_a_misspelt_field_fails(tmp_path: Path, schemas: Path) -> None:
    result = run_validate(tmp_path, schemas, monitor(port="http", intervl="30s"))
    assert result.returncode == 1
    assert "'intervl' was unexpected" in result.stdout + result.stderr


def test_a_missing_required_field_fails(tmp_path: Path, schemas: Path) -> None:
    doc = monitor(port="http")
    del doc["spec"]["endpoints"]
    assert run_validate(tmp_path, schemas, doc).returncode == 1


def test_a_custom_resource_without_a_schema_fails_loudly(tmp_path: Path, schemas: Path) -> None:
    other = {"apiVersion": "example.com/v2", "kind": "Monitor", "metadata": {"name": "m"}, "spec": {}}
    result = run_validate(tmp_path, schemas, monitor(port="http"), other)
    assert result.returncode == 1
    assert "have no schema: run `make crd-schemas`" in result.stderr


def test_an_empty_schema_folder_fails_loudly(tmp_path: Path) -> None:
    result = run_validate(tmp_path, tmp_path / "nothing-here", monitor(port="http"))
    assert result.returncode == 1
    assert "no schema" in result.stderr


def test_a_download_that_does_not_match_its_checksum_is_refused() -> None:
    data = b"kind: CustomResourceDefinition\n"
    assert crd_schemas.verified(data, hashlib.sha256(data).hexdigest(), "x") == data.decode()
    with pytest.raises(crd_schemas.SchemaError, match="does not match the pinned"):
        crd_schemas.verified(data + b" ", hashlib.sha256(data).hexdigest(), "x")


def test_every_source_is_pinned_to_a_tag_and_a_sha256() -> None:
    for repo, tag, path, sha256 in crd_schemas.SOURCES:
        assert tag not in {"main", "master", "HEAD"}, repo
        assert len(sha256) == 64 and int(sha256, 16) >= 0, repo
        assert path.endswith(".yaml"), path
