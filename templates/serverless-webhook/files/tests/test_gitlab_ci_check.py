"""The offline GitLab CI checker accepts this project's pipeline and catches broken ones."""

from __future__ import annotations

import subprocess
import sys

import pytest
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
    assert config["replay-dlq"]["environment"]["name"] == "replay"
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


def test_production_deploy_is_manual_and_deploys_the_built_artifact():
    config = yaml.safe_load(PIPELINE.read_text())
    deploy = config["deploy"]
    assert deploy["environment"]["name"] == "production"
    assert [rule["when"] for rule in deploy["rules"]] == ["manual"]
    assert deploy["rules"][0]["allow_failure"] is False  # blocks the pipeline until someone starts it
    assert "sam-build" in deploy["needs"]
    assert any("--artifact" in line for line in deploy["script"])
    assert not any("sam build" in line for line in deploy["script"])
    assert any("--build-only" in line for line in config["sam-build"]["script"])


def test_deploy_and_replay_use_different_roles_and_environments():
    config = yaml.safe_load(PIPELINE.read_text())
    assert 'AWS_ROLE_ARN="$AWS_DEPLOY_ROLE_ARN"' in config["deploy"]["script"][0]
    assert 'AWS_ROLE_ARN="$AWS_REPLAY_ROLE_ARN"' in config["replay-dlq"]["script"][0]
    assert config["deploy"]["environment"]["name"] != config["replay-dlq"]["environment"]["name"]


@pytest.mark.parametrize(
    "mutate",
    [
        pytest.param(lambda job: job["rules"][0].pop("when"), id="rule-without-when"),
        pytest.param(lambda job: job["rules"][0].update(when="on_success"), id="rule-on-success"),
        pytest.param(lambda job: job.pop("rules"), id="no-rules"),
        pytest.param(lambda job: job["rules"].append({"if": "$CI_COMMIT_TAG"}), id="second-rule-without-gate"),
        pytest.param(
            lambda job: (job.pop("rules"), job.update(environment="production")), id="environment-as-a-string"
        ),
    ],
)
def test_production_deploy_without_a_manual_gate_is_caught(tmp_path, mutate):
    assert "deploys to environment 'production' without a manual gate" in broken(
        tmp_path, lambda config: mutate(config["deploy"])
    )


def test_job_level_manual_gate_and_non_deploying_environments_pass(tmp_path):
    config = yaml.safe_load(PIPELINE.read_text())
    config["deploy"].pop("rules")
    config["deploy"]["when"] = "manual"
    config["verify"] = {
        "stage": "operate",
        "environment": {"name": "production", "action": "verify"},
        "script": ["true"],
    }
    path = tmp_path / ".gitlab-ci.yml"
    path.write_text(yaml.safe_dump(config))
    result = run(path)
    assert result.returncode == 0, result.stderr
