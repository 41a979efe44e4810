"""scripts/check-api-versions.py must reject retired and unvetted apiVersions."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "check-api-versions.py"
spec = importlib.util.spec_from_file_location("check_api_versions", SCRIPT)
assert spec is not None and spec.loader is not None
check = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "manifest.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_current_versions_pass(tmp_path: Path) -> None:
    path = write(tmp_path, "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: x}\n")
    assert check.problems_in(path) == []
    assert check.main([str(path)]) == 0


def test_removed_version_fails_with_its_replacement(tmp_path: Path) -> None:
    path = write(tmp_path, "apiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\nmetadata: {name: x}\n")
    [problem] = check.problems_in(path)
    assert "autoscaling/v2" in problem
    assert check.main([str(path)]) == 1


def test_unvetted_kind_fails(tmp_path: Path) -> None:
    path = write(tmp_path, "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: x}\n")
    assert "not in the vetted list" in check.problems_in(path)[0]


def test_wrong_version_of_a_known_kind_fails(tmp_path: Path) -> None:
    path = write(tmp_path, "---\napiVersion: external-secrets.io/v1alpha1\nkind: ExternalSecret\nmetadata: {name: x}\n")
    assert "expected external-secrets.io/v1" in check.problems_in(path)[0]


def test_the_table_names_the_kubernetes_version_the_makefile_renders_for() -> None:
    makefile = (SCRIPT.parent.parent / "Makefile").read_text(encoding="utf-8")
    minor = re.search(r"^KUBE_VERSION\s*:=\s*(\d+\.\d+)\.", makefile, re.M).group(1)
    stated = re.findall(r"current for Kubernetes (\d+\.\d+)", SCRIPT.read_text(encoding="utf-8"))
    assert stated == [minor]
