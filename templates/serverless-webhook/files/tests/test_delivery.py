"""Delivery: canary deploys with rollback, least-privilege CI roles, one tested artifact, `make setup`."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from pathlib import Path

import iam_policy
import pytest

from local_env import ROOT, load_template

TEMPLATE = load_template()
BOOTSTRAP = load_template(ROOT / "bootstrap" / "oidc-roles.yaml")
DEPLOY_SH = ROOT / "scripts" / "deploy.sh"
BASH = shutil.which("bash") or "/bin/bash"


# --- canary: AutoPublishAlias + DeploymentPreference --------------------------------------------------------


@pytest.mark.parametrize("function", ["IngestFunction", "ProcessorFunction"])
def test_functions_deploy_as_a_canary_that_rolls_back_on_their_own_alarms(function):
    props = TEMPLATE["Resources"][function]["Properties"]
    assert props["AutoPublishAlias"] == "live"
    preference = props["DeploymentPreference"]
    assert preference["Type"].startswith("Canary")
    assert preference.get("Enabled", True) is not False
    alarms = [ref["Ref"] for ref in preference["Alarms"]]
    watched = set()
    for alarm in alarms:
        resource = TEMPLATE["Resources"][alarm]
        assert resource["Type"] == "AWS::CloudWatch::Alarm"
        dimensions = {d["Name"]: d["Value"] for d in resource["Properties"]["Dimensions"]}
        if dimensions.get("FunctionName") == {"Ref": function}:
            watched.add(resource["Properties"]["MetricName"])
    # The function's own errors and throttles stop the canary (5xx answered without an error: tests/test_canary.py).
    assert watched == {"Errors", "Throttles"}


def test_event_sources_are_sam_events_so_they_invoke_the_alias():
    # SAM points a function's Events at its AutoPublishAlias. A hand-written integration or event source
    # mapping would keep invoking $LATEST and bypass the canary.
    kinds = {r["Type"] for r in TEMPLATE["Resources"].values()}
    assert "AWS::Lambda::EventSourceMapping" not in kinds
    assert "AWS::ApiGatewayV2::Integration" not in kinds
    assert TEMPLATE["Resources"]["IngestFunction"]["Properties"]["Events"]["Webhook"]["Type"] == "HttpApi"
    assert TEMPLATE["Resources"]["ProcessorFunction"]["Properties"]["Events"]["Queue"]["Type"] == "SQS"


@pytest.fixture(scope="module")
def expanded() -> dict:
    """template.yaml as CloudFormation receives it: expanded by SAM's translator, offline."""
    return iam_policy.expanded()["Resources"]


def test_the_queue_and_the_route_invoke_the_live_alias(expanded):
    (mapping,) = [r for r in expanded.values() if r["Type"] == "AWS::Lambda::EventSourceMapping"]
    assert mapping["Properties"]["FunctionName"] == {"Ref": "ProcessorFunctionAliaslive"}
    route = expanded["HttpApi"]["Properties"]["Body"]["paths"]["/webhooks"]["post"]
    assert "${IngestFunctionAliaslive}" in route["x-amazon-apigateway-integration"]["uri"]["Fn::Sub"]
    permission = expanded["IngestFunctionWebhookPermission"]["Properties"]
    assert permission["FunctionName"] == {"Ref": "IngestFunctionAliaslive"}


@pytest.mark.parametrize("function", ["IngestFunction", "ProcessorFunction"])
def test_the_alias_shifts_through_codedeploy_and_rolls_back_on_alarm(expanded, function):
    alias = expanded[f"{function}Aliaslive"]
    group_ref = alias["UpdatePolicy"]["CodeDeployLambdaAliasUpdate"]["DeploymentGroupName"]["Ref"]
    group = expanded[group_ref]["Properties"]
    assert group["AutoRollbackConfiguration"]["Enabled"] is True
    assert "DEPLOYMENT_STOP_ON_ALARM" in group["AutoRollbackConfiguration"]["Events"]
    assert group["AlarmConfiguration"]["Enabled"] is True
    assert group["DeploymentConfigName"]["Fn::Sub"][1]["ConfigName"] == "Canary10Percent5Minutes"


# --- bootstrap: OIDC provider and CI roles ----------------------------------------------------------------


def trust(role: str) -> dict:
    (statement,) = BOOTSTRAP["Resources"][role]["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    return statement["Condition"]["StringEquals"]


def subject(role: str) -> str:
    (value,) = (v for k, v in trust(role).items() if k.endswith(":sub"))
    return value["Fn::Sub"] if isinstance(value, dict) else value


def statements(role: str) -> list[dict]:
    (policy,) = BOOTSTRAP["Resources"][role]["Properties"]["Policies"]
    return policy["PolicyDocument"]["Statement"]


def test_oidc_provider_is_created_or_reused():
    provider = BOOTSTRAP["Resources"]["OidcProvider"]
    assert provider["Condition"] == "CreateProvider"
    assert provider["Properties"]["ClientIdList"] == ["sts.amazonaws.com"]
    for role in ("DeployRole", "ReplayRole"):
        (statement,) = BOOTSTRAP["Resources"][role]["Properties"]["AssumeRolePolicyDocument"]["Statement"]
        assert statement["Principal"]["Federated"] == {
            "Fn::If": ["CreateProvider", {"Ref": "OidcProvider"}, {"Ref": "ExistingOidcProviderArn"}]
        }


@pytest.mark.parametrize("role", ["DeployRole", "ReplayRole"])
def test_roles_check_the_audience_and_an_exact_subject(role):
    conditions = trust(role)
    assert [v for k, v in conditions.items() if k.endswith(":aud")] == ["sts.amazonaws.com"]
    assert "*" not in subject(role)
    assert (
        "StringLike"
        not in BOOTSTRAP["Resources"][role]["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Condition"]
    )


def test_deploy_and_replay_trust_the_subjects_of_their_own_jobs():
    if (ROOT / ".github").exists():
        # Distinct environments, so a replay job cannot take the deploy role and the other way round.
        assert subject("DeployRole") == "repo:${Repository}:environment:production"
        assert subject("ReplayRole") == "repo:${Repository}:environment:replay"
    else:
        # GitLab's sub names the branch; the protected environments decide who starts each job.
        assert subject("DeployRole") == "project_path:${ProjectPath}:ref_type:branch:ref:${DeployBranch}"
        assert subject("ReplayRole") == subject("DeployRole")


def test_replay_role_can_only_read_the_dlq_and_send_to_the_queue():
    queues = {
        name: r["Properties"]["QueueName"]["Fn::Sub"].replace("${AWS::StackName}", "${AppStackName}")
        for name, r in TEMPLATE["Resources"].items()
        if r["Type"] == "AWS::SQS::Queue"
    }
    allowed = {
        "ReadQueueArns": {"cloudformation:DescribeStacks"},
        "ReadTheDeadLetterQueue": {
            "sqs:StartMessageMoveTask",
            "sqs:ListMessageMoveTasks",
            "sqs:CancelMessageMoveTask",
            "sqs:ReceiveMessage",
            "sqs:DeleteMessage",
            "sqs:GetQueueAttributes",
            "sqs:GetQueueUrl",
        },
        "SendToTheQueue": {"sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"},
        "UseTheQueueKey": {"kms:Decrypt", "kms:GenerateDataKey"},
    }
    by_sid = {s["Sid"]: s for s in statements("ReplayRole")}
    assert set(by_sid) == set(allowed)
    for sid, actions in allowed.items():
        assert by_sid[sid]["Effect"] == "Allow"
        granted = by_sid[sid]["Action"]
        assert set(granted if isinstance(granted, list) else [granted]) == actions
    # The queue ARNs are the ones template.yaml names.
    assert by_sid["ReadTheDeadLetterQueue"]["Resource"]["Fn::Sub"].endswith(":" + queues["DeadLetterQueue"])
    assert by_sid["SendToTheQueue"]["Resource"]["Fn::Sub"].endswith(":" + queues["Queue"])
    assert "kms:ViaService" in by_sid["UseTheQueueKey"]["Condition"]["StringEquals"]


def test_deploy_role_drives_cloudformation_and_passes_only_the_execution_role():
    by_sid = {s["Sid"]: s for s in statements("DeployRole")}
    for statement in by_sid.values():
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        assert all(not a.endswith(":*") and a != "*" for a in actions), statement
        assert {a.split(":")[0] for a in actions} <= {"cloudformation", "iam", "s3"}
    passrole = by_sid["HandTheExecutionRoleToCloudFormation"]
    assert passrole["Action"] == "iam:PassRole"
    assert passrole["Resource"] == {"Fn::GetAtt": ["CloudFormationExecutionRole", "Arn"]}
    assert passrole["Condition"]["StringEquals"]["iam:PassedToService"] == "cloudformation.amazonaws.com"


def test_execution_role_is_scoped_to_the_app_stack_names():
    # Resources AWS names at random (key ids, mapping UUIDs, API ids) cannot carry the stack name.
    unnameable = {"EventSourceMappings", "ManageKey", "HttpApi", "LogDelivery", "CanaryDeployments"}
    (policy,) = BOOTSTRAP["Resources"]["CloudFormationExecutionRole"]["Properties"]["Policies"]
    for statement in policy["PolicyDocument"]["Statement"]:
        if statement["Effect"] == "Deny":
            continue  # a deny narrows whatever it names (tests/test_boundary.py)
        resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        for resource in resources:
            if resource == "*":
                # Only actions that name no resource at all may use "*".
                assert statement["Sid"] in {"CreateKey", "RandomSecretValues", "ListKeyAliases"}, statement
            elif resource["Fn::Sub"].startswith("${ArtifactBucket.Arn}"):
                # The code packages in this bootstrap's own bucket.
                assert statement["Sid"] == "CodePackages", statement
            elif "${AppStackName}" not in resource["Fn::Sub"]:
                assert statement["Sid"] in unnameable | {"BudgetBillingView"}, statement
                if statement["Sid"] != "BudgetBillingView":  # billing views are global, as budgets are
                    assert "${AWS::Region}" in resource["Fn::Sub"], statement


# --- one artifact: build once, verify, deploy ---------------------------------------------------------------


def fake_build(tmp_path: Path) -> Path:
    build = tmp_path / "build"
    (build / "IngestFunction").mkdir(parents=True)
    (build / "template.yaml").write_text("Resources: {}\n")
    (build / "IngestFunction" / "ingest.py").write_text("print('built')\n")
    lines = [
        f"{hashlib.sha256((build / name).read_bytes()).hexdigest()}  {name}\n"
        for name in ("template.yaml", "IngestFunction/ingest.py")
    ]
    (build / "SHA256SUMS").write_text("".join(lines))
    return build


def run_deploy(*args: str, path: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"ARTIFACT_BUCKET", "CFN_EXECUTION_ROLE_ARN"}}
    env["PATH"] = path
    return subprocess.run([BASH, str(DEPLOY_SH), *args], capture_output=True, text=True, check=False, env=env)


def test_deploy_refuses_an_artifact_that_differs_from_the_built_one(tmp_path):
    build = fake_build(tmp_path)
    (build / "IngestFunction" / "ingest.py").write_text("print('changed after the tests')\n")
    result = run_deploy("--artifact", str(build), path=os.environ["PATH"])
    assert result.returncode == 1
    assert "differs from the build that was tested" in result.stderr


def test_deploy_refuses_a_folder_that_is_no_build(tmp_path):
    result = run_deploy("--artifact", str(tmp_path), path=os.environ["PATH"])
    assert result.returncode == 1
    assert "SHA256SUMS" in result.stderr


def test_deploy_of_an_artifact_runs_sam_deploy_on_it_and_never_sam_build(tmp_path):
    build = fake_build(tmp_path)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "sam.log"
    fake_sam = bin_dir / "sam"
    fake_sam.write_text(f'#!/bin/sh\necho "$@" >> {log}\n')
    fake_sam.chmod(0o755)
    env_path = f"{bin_dir}:{os.environ['PATH']}"
    result = run_deploy("--artifact", str(build), path=env_path)
    assert result.returncode == 0, result.stderr
    calls = log.read_text().splitlines()
    assert not any(call.startswith("build") for call in calls)
    (deploy,) = [call for call in calls if call.startswith("deploy")]
    assert f"--template-file {build}/template.yaml" in deploy


# --- make setup, then make check --------------------------------------------------------------------------


def make_target(name: str) -> list[str]:
    lines = (ROOT / "Makefile").read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{name}:"))
    body = []
    for line in lines[start + 1 :]:
        if not line.startswith("\t"):
            break
        body.append(line.strip())
    return body


def test_setup_installs_the_pinned_tools_into_two_venvs_and_nothing_global():
    body = make_target("setup")
    # The Python version is checked before anything is created or downloaded.
    assert body[0].startswith("@$(BOOTSTRAP_PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))'")
    assert "$(BOOTSTRAP_PYTHON) -m venv $(VENV)" in body
    assert "$(UV) venv --quiet --allow-existing --python $(BOOTSTRAP_PYTHON) $(CHECKOV_VENV)" in body
    # Both venvs get their bytecode at install time: a run never compiles the tools again, even where Python
    # may not write bytecode itself (PYTHONDONTWRITEBYTECODE).
    assert "$(UV) pip install --compile-bytecode --python $(VENV)/bin/python -r requirements-dev.txt" in body
    assert (
        "$(UV) pip install --compile-bytecode --python $(CHECKOV_VENV)/bin/python -r requirements-checkov.txt" in body
    )
    for line in body:
        if " install" in line and "pip" in line:
            uv_install = "$(UV) pip install --compile-bytecode --python $("
            assert line.startswith(("$(VENV)/bin/python -m pip", uv_install)), line
        for global_install in ("pipx", "--user", "sudo", "--system"):
            assert global_install not in line
    # Each step says what it does, so a slow download is not mistaken for a hang.
    assert len([line for line in body if line.startswith('@echo "==> [')]) == 4
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^VENV := \.venv$", makefile, re.MULTILINE)
    assert re.search(r"^CHECKOV_VENV := \.venv-checkov$", makefile, re.MULTILINE)
    assert re.search(r"^UV := \$\(VENV\)/bin/uv$", makefile, re.MULTILINE)
    assert re.search(r"^uv==[0-9.]+$", (ROOT / "requirements-dev.txt").read_text(), re.MULTILINE)


@pytest.mark.parametrize("python", ["old", "missing"])
def test_setup_refuses_an_old_or_missing_python_before_installing_anything(tmp_path, python):
    fake = tmp_path / "python3"
    if python == "old":
        fake.write_text('#!/bin/sh\ncase "$1" in --version) echo "Python 3.9.18";; *) exit 1;; esac\n')
        fake.chmod(0o755)
    make = shutil.which("make") or "/usr/bin/make"
    venv = f"{tmp_path}/venv"
    result = subprocess.run(
        [make, "--no-print-directory", "setup", f"BOOTSTRAP_PYTHON={fake}", f"VENV={venv}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "make setup needs Python 3.11+" in result.stderr
    assert ("Python 3.9.18" if python == "old" else "not installed") in result.stderr
    assert "BOOTSTRAP_PYTHON=python3.12" in result.stderr
    assert not (tmp_path / "venv").exists()
    assert result.stdout == ""


def test_every_requirement_is_pinned():
    for name in ("requirements-dev.txt", "requirements-checkov.txt", "src/requirements.txt"):
        for line in (ROOT / name).read_text().splitlines():
            line = line.split("#", 1)[0].strip()
            if line and not line.startswith("-r "):
                assert re.fullmatch(r"[A-Za-z0-9_.\-\[\],]+==[0-9][A-Za-z0-9.]*", line), f"{name}: {line}"


def test_readme_quick_start_is_make_setup_then_make_check():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    first_block = section.split("```bash\n", 1)[1].split("```", 1)[0]
    commands = [line.split("#", 1)[0].strip() for line in first_block.splitlines() if line.strip()]
    assert commands == ["make setup", "make check"]
    # Both targets exist, and check uses the venvs that setup creates.
    assert make_target("setup")
    assert (ROOT / "Makefile").read_text().count("$(CHECKOV)") >= 2


def test_venvs_and_build_output_are_ignored():
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert {".venv/", ".venv-checkov/", "dist/"} <= set(ignored)


def test_lint_checks_the_bootstrap_template_too():
    makefile = (ROOT / "Makefile").read_text()
    assert "CFN_TEMPLATES := template.yaml bootstrap/oidc-roles.yaml" in makefile
    assert "cfn-lint $(CFN_TEMPLATES)" in make_target("lint-cfn")
    assert "$(CHECKOV) --config-file .checkov.yaml $(addprefix -f ,$(CFN_TEMPLATES))" in make_target("lint-checkov")


@pytest.mark.parametrize(("args", "port"), [((), "3000"), (("PORT=8123",), "8123")])
def test_make_local_serves_on_the_port_given(args, port):
    make = shutil.which("make") or "/usr/bin/make"
    result = subprocess.run(
        [make, "-n", "local", *args], cwd=ROOT, capture_output=True, text=True, check=True, env=dict(os.environ)
    )
    (command,) = [line for line in result.stdout.splitlines() if "scripts/local_server.py" in line]
    assert command.endswith(f"scripts/local_server.py --port {port}")


CHECKERS = ("ruff", "yamllint", "cfn-lint", "shellcheck", "actionlint", "checkov", "python")


@pytest.fixture
def stub_tools(tmp_path):
    """Every checker `make check` calls, as a stub that logs its arguments; `fail` names the ones that fail."""
    bin_dir, log = tmp_path / "bin", tmp_path / "calls.log"
    bin_dir.mkdir()

    def install(fail: tuple[str, ...] = ()) -> Path:
        for name in CHECKERS:
            stub = bin_dir / name
            status = 1 if name in fail else 0
            stub.write_text(f'#!/bin/sh\necho "{name} $*" >> "{log}"\nexit {status}\n')
            stub.chmod(0o755)
        return log

    return bin_dir, install


def run_check(bin_dir: Path) -> subprocess.CompletedProcess:
    make = shutil.which("make") or "/usr/bin/make"
    # Not the flags of a `make check` this test may run under: its jobserver is not ours.
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}}
    env["PATH"] = f"{bin_dir}:{os.environ['PATH']}"
    # No venv: the stubs on PATH are the tools.
    overrides = ["VENV=/nonexistent", f"PYTHON={bin_dir}/python", f"CHECKOV={bin_dir}/checkov"]
    return subprocess.run(
        [make, "--no-print-directory", "check", *overrides], cwd=ROOT, env=env, capture_output=True, text=True
    )


def commands(log: Path, tool: str) -> list[str]:
    return sorted(line for line in log.read_text().splitlines() if line.split(" ", 1)[0] == tool)


def pytest_arguments(log: Path) -> list[list[str]]:
    """The arguments of each `python -m pytest` run."""
    runs = [line.split()[1:] for line in commands(log, "python")]
    return [args[2:] for args in runs if args[:2] == ["-m", "pytest"]]


def test_check_runs_every_lint_and_every_test_file_side_by_side(stub_tools):
    bin_dir, install = stub_tools
    log = install()
    result = run_check(bin_dir)
    assert result.returncode == 0, result.stdout + result.stderr
    (line,) = make_target("check")
    assert " -k -j4 " in line
    # Every linter of `make lint` ran, once.
    for tool in ("ruff", "yamllint", "cfn-lint", "shellcheck", "checkov"):
        assert commands(log, tool), f"make check did not run {tool}"
    assert len(commands(log, "ruff")) == 2  # check and format --check
    # The tests ran in two pytest processes that together run every test file exactly once.
    pytest_runs = pytest_arguments(log)
    assert len(pytest_runs) == 2, pytest_runs
    (part1,) = [args for args in pytest_runs if not args[0].startswith("--ignore=")]
    (ignored,) = [args for args in pytest_runs if args[0].startswith("--ignore=")]
    assert [arg.removeprefix("--ignore=") for arg in ignored] == part1
    test_files = {str(path.relative_to(ROOT)) for path in (ROOT / "tests").glob("test_*.py")}
    assert set(part1) <= test_files, "TESTS_PART1 names a file that does not exist"
    assert len(part1) == len(set(part1))


def test_one_failing_check_fails_make_check_and_the_others_still_run(stub_tools):
    bin_dir, install = stub_tools
    log = install(fail=("cfn-lint",))
    result = run_check(bin_dir)
    assert result.returncode != 0
    assert "lint-cfn" in result.stdout + result.stderr
    # -k: the checks after the failure ran all the same, so one run shows every problem.
    for tool in ("ruff", "yamllint", "shellcheck", "checkov"):
        assert commands(log, tool), f"{tool} did not run after cfn-lint failed"
    assert len(pytest_arguments(log)) == 2
