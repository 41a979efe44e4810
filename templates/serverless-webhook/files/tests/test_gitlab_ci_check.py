"""The offline GitLab CI checker accepts this project's pipeline and catches broken ones."""

from __future__ import annotations

import subprocess
import sys

import yaml

from local_env import ROOT

CHECKER = ROOT / "scripts" / "check-gitlab-ci.py"
PIPELINE = ROOT / ".gitlab-ci.yml"


def run(path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(CHECKER), str(path)], capture_output=True, text=True, check=False)


def broken(tmp_path, mutate) -> str:
    config = yaml.safe_load(PIPELINE.read_text())
    mutate(config)
    path = tmp_path / ".gitlab-ci.yml"
    path.write_text(yaml.safe_dump(config))
    result = run(path)
    assert result.returncode == 1
    return result.stderr


def test_project_pipeline_passes():
    result = run(PIPELINE)
    assert result.returncode == 0, result.stderr


def test_pipeline_has_deploy_with_oidc_and_a_manual_replay():
    config = yaml.safe_load(PIPELINE.read_text())
    assert config[".aws-oidc"]["id_tokens"]["AWS_ID_TOKEN"]["aud"] == "sts.amazonaws.com"
    assert ".aws-oidc" in config["deploy"]["extends"]
    assert config["replay-dlq"]["rules"][0]["when"] == "manual"
    text = PIPELINE.read_text()
    assert "AWS_SECRET_ACCESS_KEY" not in text


def test_typo_in_a_keyword_is_caught(tmp_path):
    def mutate(config):
        config["check"]["scirpt"] = config["check"].pop("script")

    assert "unknown keyword 'scirpt'" in broken(tmp_path, mutate)


def test_unknown_stage_and_need_are_caught(tmp_path):
    def mutate(config):
        config["deploy"]["stage"] = "ship"
        config["deploy"]["needs"] = ["tests"]

    errors = broken(tmp_path, mutate)
    assert "stage 'ship'" in errors
    assert "needs unknown job 'tests'" in errors


def test_shell_mistakes_in_scripts_are_caught(tmp_path):
    def mutate(config):
        config["check"]["script"].append("rm -rf $BUILD_DIR/*")

    assert "SC2115" in broken(tmp_path, mutate) or "SC2086" in broken(tmp_path, mutate)


def test_job_needing_a_later_stage_is_caught(tmp_path):
    def mutate(config):
        config["sam-build"]["needs"] = ["deploy"]

    assert "needs 'deploy', which runs in a later stage" in broken(tmp_path, mutate)
