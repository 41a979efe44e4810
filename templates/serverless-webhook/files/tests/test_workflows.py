"""The GitHub workflows: pinned actions, one tested artifact, separate deploy and replay identities."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest
import yaml
from test_doc_names import project_files

from local_env import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
CI = yaml.safe_load((WORKFLOWS / "ci.yml").read_text())
REPLAY = yaml.safe_load((WORKFLOWS / "replay.yml").read_text())
PIN = re.compile(
    r"^\s*(?:-\s+)?uses:\s+([\w.-]+/[\w./-]+)@([0-9a-f]{40}) # (v\d+(?:\.\d+){0,2}), checked (\d{4}-\d{2}-\d{2})$"
)


def uses_lines() -> list[tuple[str, str]]:
    found = []
    for path in sorted(WORKFLOWS.glob("*.yml")):
        for line in path.read_text().splitlines():
            if re.match(r"^\s*(?:-\s+)?uses:", line):
                found.append((path.name, line))
    return found


def steps(job: dict) -> list[dict]:
    return job["steps"]


def test_every_action_is_pinned_by_sha_with_its_version_and_date():
    lines = uses_lines()
    assert lines
    for name, line in lines:
        match = PIN.match(line)
        assert match, f"{name}: {line.strip()} is not `uses: owner/repo@<40-hex sha> # vX.Y.Z, checked YYYY-MM-DD`"
        assert match.group(4) == "2026-12-01"


def test_one_sha_per_action():
    shas: dict[str, set[str]] = {}
    for _, line in uses_lines():
        action, sha = PIN.match(line).group(1, 2)
        shas.setdefault(action, set()).add(sha)
    assert all(len(found) == 1 for found in shas.values()), shas


def test_actions_are_at_least_the_node24_majors_checked_2026_12_01():
    current = {
        "actions/checkout": 7,
        "actions/setup-python": 7,
        "actions/upload-artifact": 7,
        "actions/download-artifact": 8,
        "aws-actions/configure-aws-credentials": 6,
        "aws-actions/setup-sam": 3,
    }
    for _, line in uses_lines():
        action, version = PIN.match(line).group(1, 3)
        assert action in current, f"{action}: add its current major here when adopting it"
        assert int(version[1:].split(".")[0]) >= current[action], line


def test_deploy_needs_the_tests_and_the_build_and_deploys_the_uploaded_artifact():
    deploy, build = CI["jobs"]["deploy"], CI["jobs"]["build"]
    assert set(deploy["needs"]) == {"check", "build"}
    (upload,) = [s for s in steps(build) if s.get("uses", "").startswith("actions/upload-artifact@")]
    (download,) = [s for s in steps(deploy) if s.get("uses", "").startswith("actions/download-artifact@")]
    assert upload["with"]["name"] == download["with"]["name"] == "sam-build-${{ github.sha }}"
    assert upload["with"]["path"] == download["with"]["path"] == "${{ env.BUILD_DIR }}"
    runs = [s.get("run", "") for s in steps(deploy)]
    assert any("scripts/deploy.sh --artifact" in run for run in runs)
    assert not any("sam build" in run or "--build-only" in run for run in runs)
    assert any("scripts/deploy.sh --build-only" in s.get("run", "") for s in steps(build))


def test_check_job_runs_make_setup_then_make_check():
    runs = [s["run"] for s in steps(CI["jobs"]["check"]) if "run" in s]
    assert runs == ["make setup", "make check"]


def test_deploy_and_replay_use_separate_environments_and_role_secrets():
    deploy = CI["jobs"]["deploy"]
    (replay,) = REPLAY["jobs"].values()
    assert deploy["environment"] == "production"
    assert replay["environment"] == "replay"

    def role(job):
        (creds,) = [s for s in steps(job) if s.get("uses", "").startswith("aws-actions/configure-aws-credentials@")]
        return creds["with"]["role-to-assume"]

    assert role(deploy) == "${{ secrets.AWS_DEPLOY_ROLE_ARN }}"
    assert role(replay) == "${{ secrets.AWS_REPLAY_ROLE_ARN }}"
    assert "AWS_DEPLOY_ROLE_ARN" not in (WORKFLOWS / "replay.yml").read_text()


def test_only_the_jobs_that_assume_a_role_may_request_an_oidc_token():
    assert CI["permissions"] == {"contents": "read"}
    assert REPLAY["permissions"] == {"contents": "read"}
    for workflow in (CI, REPLAY):
        for name, job in workflow["jobs"].items():
            assumes = any(s.get("uses", "").startswith("aws-actions/configure-aws-credentials@") for s in steps(job))
            assert (job.get("permissions", {}).get("id-token") == "write") == assumes, name


def test_dependabot_watches_actions_and_every_requirements_file():
    config = yaml.safe_load((ROOT / ".github" / "dependabot.yml").read_text())
    watched = {(u["package-ecosystem"], u["directory"]) for u in config["updates"]}
    assert ("github-actions", "/") in watched
    for requirements in project_files(ROOT):
        if not re.fullmatch(r"requirements.*\.txt", requirements.name):
            continue
        relative = requirements.relative_to(ROOT)
        directory = "/" + "/".join(relative.parts[:-1])
        assert ("pip", directory) in watched, relative


READY = "steps.configured.outputs.ready == 'true'"


@pytest.mark.parametrize("configured", [False, True])
def test_the_deploy_job_ends_green_as_not_configured_until_the_bootstrap_secrets_are_set(tmp_path, configured):
    # A first push before the bootstrap's outputs are stored must not turn the pipeline red.
    deploy = CI["jobs"]["deploy"]
    gate, *rest = steps(deploy)
    assert gate.get("id") == "configured"
    assert gate["shell"] == "bash"
    # It checks every secret the job uses.
    used = set(re.findall(r"secrets\.(\w+)", yaml.safe_dump(rest)))
    assert set(gate["env"]) == used
    outputs = tmp_path / "outputs"
    env = {"PATH": os.environ["PATH"], "GITHUB_OUTPUT": str(outputs)}
    env.update({name: ("arn:aws:iam::123456789012:role/x" if configured else "") for name in gate["env"]})
    bash = shutil.which("bash") or "/bin/bash"
    result = subprocess.run([bash, "-e", "-c", gate["run"]], env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert outputs.read_text() == f"ready={str(configured).lower()}\n"
    if configured:
        assert "::notice" not in result.stdout
    else:
        assert "::notice title=Deploy not configured::" in result.stdout
        assert all(name in result.stdout for name in gate["env"])
    # Every later step runs only when it is configured.
    for step in rest:
        assert step.get("if") == READY, step
