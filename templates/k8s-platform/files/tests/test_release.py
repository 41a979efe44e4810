"""The release workflow gates on CI, checks the tag, builds both arches, scans, signs, attests and opens the
pull request that pins the digest; production follows that pin. scripts/release.py does the tag and pin steps."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from layout import PAVED_ROAD, project_with_service, services

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


# A job runs once for each service when its matrix reads the list the `services` job wrote to $GITHUB_OUTPUT.
PER_SERVICE = "${{ fromJSON(needs.services.outputs.names) }}"


def expand(text: str, service: str) -> str:
    """`text` with the expressions that name a service or its owner filled in, as Actions would for that service."""
    return text.replace("${{ matrix.service }}", service).replace(
        "${{ github.repository_owner }}", PAVED_ROAD["github_org"]
    )


def run_step(step: dict[str, Any], root: Path, service: str, extra: dict[str, str]) -> str:
    """Run a step's shell script in `root` with its env filled in for `service`; the text it wrote to $GITHUB_OUTPUT."""
    output = root / ".github-output"
    output.write_text("", encoding="utf-8")
    env = {name: expand(str(value), service) for name, value in step.get("env", {}).items()}
    env = {**os.environ, **env, **extra, "GITHUB_OUTPUT": str(output), "RUNNER_TEMP": str(root / ".runner")}
    script = ["bash", "-e", "-c", str(step["run"])]
    subprocess.run(script, cwd=root, env=env, check=True)  # noqa: S603 - the workflow's own step, bash on PATH
    return output.read_text(encoding="utf-8")


def with_paved_svc() -> list[str]:
    return sorted([*services(), "paved-svc"])


def listed_services(flow: dict[str, Any], root: Path) -> list[str]:
    (step,) = [s for s in steps(flow["jobs"]["services"]) if "run" in s]
    found = re.fullmatch(r"names=(\[.*\])\n", run_step(step, root, "", {}))
    assert found, "the services job writes no names=[...] output"
    return yaml.safe_load(found.group(1))


@pytest.fixture
def two_services(tmp_path: Path) -> Path:
    return project_with_service(tmp_path / "project", "paved-svc")


def test_ci_scans_the_image_of_every_service(two_services: Path) -> None:
    ci = workflow("ci.yml")
    names = listed_services(ci, two_services)
    assert names == with_paved_svc()
    scan = ci["jobs"]["scan"]
    assert "services" in scan["needs"] and scan["strategy"]["matrix"]["service"] == PER_SERVICE
    (build,) = [s for s in steps(scan) if "docker build" in str(s.get("run", ""))]
    for service in names:
        context = re.search(r'docker build .* "?([^" ]+)"?$', build["run"].strip())
        assert context, build["run"]
        folder = context.group(1).replace("${SERVICE}", expand(build["env"]["SERVICE"], service))
        assert (two_services / folder / "Dockerfile").is_file(), f"the scan of {service} builds {folder}"


def test_every_service_is_built_released_and_pinned_in_its_own_production_values(
    flow: dict[str, Any], two_services: Path
) -> None:
    names = listed_services(flow, two_services)
    assert names == with_paved_svc()
    image = flow["jobs"]["image"]
    assert "services" in image["needs"] and image["strategy"]["matrix"]["service"] == PER_SERVICE
    builds = uses(image, "docker/build-push-action")
    assert len(builds) == 2, "one build for the scan and one for the push"
    digests = {name: "sha256:" + f"{i + 1:x}" * 64 for i, name in enumerate(names)}
    (record,) = [s for s in steps(image) if "DIGEST" in str(s.get("run", "")) and "pins" in str(s.get("run", ""))]
    (upload,) = uses(image, "actions/upload-artifact")
    for service in names:
        values = yaml.safe_load((two_services / "services" / service / "values.yaml").read_text(encoding="utf-8"))
        assert expand(image["env"]["IMAGE"], service) == values["image"]["repository"]
        for build in builds:
            folder = expand(build["with"]["context"], service)
            assert (two_services / folder / "Dockerfile").is_file(), f"{service}'s image is built from {folder}"
        run_step(record, two_services, service, {"DIGEST": digests[service]})
    assert expand(upload["with"]["path"], "") == "pins/"
    promote = flow["jobs"]["promote"]
    (download,) = uses(promote, "actions/download-artifact")
    assert download["with"]["pattern"] == expand(upload["with"]["name"], "*")
    assert download["with"].get("merge-multiple") is True
    pinned = shutil.copytree(two_services / "pins", two_services / ".runner" / "pins")
    assert download["with"]["path"] == "${{ runner.temp }}/pins" and pinned.is_dir()
    (pin,) = [s for s in steps(promote) if "scripts/release.py pin" in str(s.get("run", ""))]
    run_step(pin, two_services, "", {"TAG": "v1.2.3"})
    for service in names:
        values = yaml.safe_load(
            (two_services / f"services/{service}/values-production.yaml").read_text(encoding="utf-8")
        )
        assert values["image"] == {"tag": "1.2.3", "digest": digests[service]}, service
    (pull,) = uses(promote, "peter-evans/create-pull-request")
    assert pull["with"]["add-paths"] == "services/*/values-production.yaml"
