"""The release workflow gates on CI, checks the tag, builds both arches, scans, signs, attests and opens the
pull request that pins the digest; production follows that pin. scripts/release.py does the tag and pin steps."""

from __future__ import annotations

import importlib.util
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github/workflows"
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+ (?P<day>\d{4}-\d{2}-\d{2})$")
DIGEST = "sha256:" + "0123456789abcdef" * 4

spec = importlib.util.spec_from_file_location("release", ROOT / "scripts/release.py")
release = importlib.util.module_from_spec(spec)
spec.loader.exec_module(release)


def workflow(name: str) -> dict[str, Any]:
    return yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))


def triggers(flow: dict[str, Any]) -> dict[str, Any]:
    # YAML 1.1 reads the key `on` as true.
    return flow.get("on", flow.get(True)) or {}


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return job.get("steps", [])


def uses(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [s for s in steps(job) if str(s.get("uses", "")).startswith(action + "@")]


def runs(job: dict[str, Any]) -> str:
    return "\n".join(str(s.get("run", "")) for s in steps(job))


@pytest.fixture(scope="module")
def flow() -> dict[str, Any]:
    return workflow("release.yml")


def test_release_runs_on_version_tags(flow: dict[str, Any]) -> None:
    assert triggers(flow)["push"]["tags"] == ["v*.*.*"]


def test_the_image_waits_for_ci_and_the_tag_check(flow: dict[str, Any]) -> None:
    jobs = flow["jobs"]
    gate = [name for name, job in jobs.items() if job.get("uses") == "./.github/workflows/ci.yml"]
    assert gate, "no job runs the CI workflow"
    assert "workflow_call" in triggers(workflow("ci.yml")), "ci.yml cannot be called by the release"
    checks = [name for name, job in jobs.items() if "scripts/release.py check-tag" in runs(job)]
    assert checks, "no job checks the tag against the chart's appVersion"
    needs = jobs["image"]["needs"]
    assert set(gate) <= set(needs) and set(checks) <= set(needs)


def test_both_architectures_are_built(flow: dict[str, Any]) -> None:
    image = flow["jobs"]["image"]
    assert uses(image, "docker/setup-qemu-action") and uses(image, "docker/setup-buildx-action")
    pushed = [s for s in uses(image, "docker/build-push-action") if s["with"].get("push") is True]
    assert len(pushed) == 1
    platforms = str(pushed[0]["with"]["platforms"]).replace("${{ env.PLATFORMS }}", flow["env"]["PLATFORMS"])
    assert {"linux/amd64", "linux/arm64"} <= set(platforms.split(","))


def test_the_image_is_scanned_before_it_is_pushed(flow: dict[str, Any]) -> None:
    image = flow["jobs"]["image"]
    order = [str(s.get("uses", "")).split("@")[0] + str(s.get("with", {}).get("push", "")) for s in steps(image)]
    assert order.index("aquasecurity/trivy-action") < order.index("docker/build-push-actionTrue")
    for job in (image, workflow("ci.yml")["jobs"]["scan"]):
        gate = uses(job, "aquasecurity/trivy-action")[0]["with"]
        assert gate["severity"] == "HIGH,CRITICAL" and gate["ignore-unfixed"] is True and gate["exit-code"] == "1"


def test_keyless_signature_and_sbom_attestation(flow: dict[str, Any]) -> None:
    image = flow["jobs"]["image"]
    assert image["permissions"]["id-token"] == "write"
    assert uses(image, "sigstore/cosign-installer")
    text = runs(image)
    assert re.search(r"cosign sign --yes \"\$\{IMAGE\}@\$\{DIGEST\}\"", text)
    assert re.search(r"cosign attest --yes --type spdxjson --predicate sbom\.spdx\.json", text)
    assert "--key" not in text, "keyless signing needs no key"


def test_the_digest_reaches_production_through_a_pull_request(flow: dict[str, Any]) -> None:
    promote = flow["jobs"]["promote"]
    assert promote["needs"] == "image"
    assert "scripts/release.py pin" in runs(promote)
    assert uses(promote, "peter-evans/create-pull-request")
    assert promote["permissions"] == {"contents": "write", "pull-requests": "write"}


def test_production_follows_the_pinned_values_not_a_tag() -> None:
    overlays = [ROOT / f"platform/{tool}/production/kustomization.yaml" for tool in ("argocd", "flux")]
    for path in (p for p in overlays if p.exists()):
        text = path.read_text(encoding="utf-8")
        assert "semver" not in text and not re.search(r"value: v\d", text)
        if "argocd" in path.parts:
            assert "value: values-production.yaml" in text
            assert 'value: "../../services/{{.name}}/values-production.yaml"' in text
        else:
            assert "value: production" in text
            service = release.production_values().parent
            files = yaml.safe_load((service / "flux/helmrelease.yaml").read_text(encoding="utf-8"))
            valued = files["spec"]["chart"]["spec"]["valuesFiles"]
            assert f"./services/{service.name}/values-${{environment}}.yaml" in valued
            assert f"./charts/{release.chart_dir().name}/values-${{environment}}.yaml" in valued


def test_every_action_is_pinned_by_commit_with_version_and_date() -> None:
    found = []
    for path in sorted(WORKFLOWS.glob("*.yml")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            ref = re.match(r"^\s*(?:- )?uses: (.+)$", line)
            if not ref or ref.group(1).startswith("./"):
                continue
            pin = PINNED.match(ref.group(1))
            if not pin:
                found.append(f"{path.name}:{number}: {ref.group(1)}")
            else:
                date.fromisoformat(pin["day"])
    assert found == []


def test_no_download_without_verification() -> None:
    text = (WORKFLOWS / "ci.yml").read_text(encoding="utf-8")
    assert not re.search(r"\b(curl|wget)\b", text) or "sha256sum" in text
    assert re.search(r"go install github\.com/bitnami-labs/sealed-secrets/cmd/kubeseal@v\d+\.\d+\.\d+$", text, re.M)


def test_check_tag() -> None:
    chart = release.chart_dir()
    version = release.app_version(chart)
    assert release.check_tag(f"v{version}", chart) is None
    problem = release.check_tag("v9.9.9", chart)
    assert problem and f"appVersion {version}" in problem and "v9.9.9" in problem


def test_pin_sets_tag_and_digest_and_keeps_the_rest() -> None:
    original = release.production_values().read_text(encoding="utf-8")
    pinned = release.pin(original, "1.2.3", DIGEST)
    values = yaml.safe_load(pinned)
    assert values["image"]["tag"] == "1.2.3" and values["image"]["digest"] == DIGEST
    chart = yaml.safe_load((release.chart_dir() / "values-production.yaml").read_text(encoding="utf-8"))
    assert chart["image"] == {"requireDigest": True}, "the chart's production values must not pin one service's image"
    assert [line for line in pinned.splitlines() if line.startswith("#")] == [
        line for line in original.splitlines() if line.startswith("#")
    ]
    assert release.pin(pinned, "1.2.4", DIGEST.replace("0", "f")) != pinned


@pytest.mark.parametrize(
    ("version", "digest", "text", "message"),
    [
        ("1.2.3", "sha256:abc", 'image:\n  tag: ""\n  digest: ""\n', "not a sha256 digest"),
        ("latest", DIGEST, 'image:\n  tag: ""\n  digest: ""\n', "not a version"),
        ("1.2.3", DIGEST, 'image:\n  tag: ""\nother:\n  digest: ""\n', "no image.digest"),
    ],
)
def test_pin_refuses_what_it_cannot_set(version: str, digest: str, text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        release.pin(text, version, digest)


def test_the_cost_page_prices_nodes_the_released_image_runs_on() -> None:
    # docs/cost.md names the image's platforms and the node's architecture; both must match what release.yml builds.
    built = set(workflow("release.yml")["env"]["PLATFORMS"].split(","))
    page = (ROOT / "docs/cost.md").read_text(encoding="utf-8")
    named = re.search(r"multi-architecture\s+image \(([^)]*)\)", page)
    assert named, "docs/cost.md no longer says which platforms the image is built for"
    assert {p.strip() for p in named.group(1).split(",")} == built
    node = re.search(r"is an? (arm64|amd64) node", page)
    assert node, "docs/cost.md no longer names the node's architecture"
    assert f"linux/{node.group(1)}" in built, f"the cost page prices {node.group(1)} nodes the image is not built for"
