"""The bootstrap deploys with bootstrap/deployer-policy.json, and that policy holds nothing more, proven offline.

The README deploys bootstrap/oidc-roles.yaml with `aws cloudformation deploy` and no --role-arn, so CloudFormation
creates, updates and deletes its resources with the deployer's own credentials. What each resource type's handlers
call comes from the provider schemas cfn-lint ships (tests/handler_permissions.py, as for the app stack's execution
role); each call that names a resource is checked against the ARN of the bootstrap's own resource.
"""

from __future__ import annotations

import re

import pytest
from handler_permissions import REGION, handler_permissions, needed, resource_types
from iam_policy import (
    ACCOUNT,
    BOOTSTRAP_STACK,
    BOOTSTRAP_TEMPLATE,
    CODE_KEY,
    PARTITION,
    bootstrap,
    bootstrap_resolver,
    deployer_policy,
)

from local_env import ROOT

RESOURCES = bootstrap()["Resources"]
RESOLVE = bootstrap_resolver()
DEPLOYER = deployer_policy()
STACK_ARN = f"arn:{PARTITION}:cloudformation:{REGION}:{ACCOUNT}:stack/{BOOTSTRAP_STACK}/0a1b2c3d-4e5f-6789"

# The CloudFormation calls of the README's commands. `deploy` (awscli/customizations/cloudformation/deployer.py,
# checked 2026-12-06): DescribeStacks to see whether the stack exists, CreateChangeSet, DescribeChangeSet until it is
# ready, ExecuteChangeSet, then DescribeStacks until the stack is complete.
CLI_CALLS = {
    "deploy": ("DescribeStacks", "CreateChangeSet", "DescribeChangeSet", "ExecuteChangeSet"),
    "describe-stacks": ("DescribeStacks",),
}
# When the first deploy fails: read why, delete the stack (one in ROLLBACK_COMPLETE cannot be updated) and a change
# set left behind.
RECOVERY = ("DescribeStackEvents", "DeleteStack", "DeleteChangeSet")


def arns(name: str) -> dict[str, str]:
    """IAM resource type -> the ARN a request about the bootstrap resource `name` names."""
    kind, props = RESOURCES[name]["Type"], RESOURCES[name].get("Properties", {})
    if kind == "AWS::S3::Bucket":
        bucket = RESOLVE.attribute(name, "Arn")
        return {"bucket": bucket, "object": f"{bucket}/{CODE_KEY}"}
    if kind == "AWS::S3::BucketPolicy":
        return {"bucket": f"arn:{PARTITION}:s3:::{RESOLVE(props['Bucket'])}"}
    if kind == "AWS::IAM::Role":
        return {"role": RESOLVE.attribute(name, "Arn")}
    if kind in ("AWS::IAM::ManagedPolicy", "AWS::IAM::OIDCProvider"):
        return {"policy" if kind == "AWS::IAM::ManagedPolicy" else "oidc-provider": RESOLVE.ref(name)}
    raise AssertionError(f"{name}: say in arns() which ARNs a request about a {kind} names")


@pytest.mark.parametrize("name", sorted(RESOURCES))
def test_the_deployer_may_do_what_the_handlers_of_each_bootstrap_resource_do(name):
    kind = RESOURCES[name]["Type"]
    assert handler_permissions(kind), f"{kind}: its provider schema lists no handler permissions"
    own = arns(name)
    missing = []
    for action, handlers in sorted(needed(kind, RESOURCES).items()):
        # A request names this resource when the action takes its resource type; otherwise it names another
        # resource of the account (a role attached to the policy) or none.
        targets = [own[t] for t in resource_types(action) if t in own] or [None]
        missing += [
            f"{action} ({'/'.join(sorted(handlers))}) on {arn or 'any resource'}"
            for arn in targets
            if not DEPLOYER.allows(action, arn)
        ]
    assert not missing, f"bootstrap/deployer-policy.json cannot {kind} {name}: {', '.join(missing)}"


def readme_bootstrap_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    step = readme.split("1. Create the CI access once", 1)[1].split("\n2. ", 1)[0]
    assert "bootstrap/deployer-policy.json" in step, "the first deploy step does not name the deployer policy"
    return [m.group(0) for m in re.finditer(r"aws cloudformation [^\n]*(?:\\\n[^\n]*)*", step)]


def test_the_deployer_may_run_the_readmes_bootstrap_commands():
    commands = readme_bootstrap_commands()
    assert [c.split()[2] for c in commands] == ["deploy", "describe-stacks"], commands
    for command in commands:
        assert f"--stack-name {BOOTSTRAP_STACK} " in command, command
        calls = CLI_CALLS[command.split()[2]]
        refused = [c for c in calls if not DEPLOYER.allows(f"cloudformation:{c}", STACK_ARN)]
        assert not refused, f"`{command.splitlines()[0]}` calls {refused}, which the deployer policy refuses"
    deploy = commands[0]
    assert f"--template-file {BOOTSTRAP_TEMPLATE} " in deploy
    # No --role-arn: CloudFormation acts with the deployer's credentials, which is what the test above checks.
    assert "--role-arn" not in deploy
    # No --s3-bucket either: the CLI sends the template in the request, which CloudFormation takes up to 51,200
    # bytes (CloudFormation quotas, checked 2026-12-06).
    assert "--s3-bucket" not in deploy
    assert len((ROOT / BOOTSTRAP_TEMPLATE).read_bytes()) <= 51_200


@pytest.mark.parametrize("call", RECOVERY)
def test_the_deployer_may_clean_up_a_failed_first_deploy(call):
    assert DEPLOYER.allows(f"cloudformation:{call}", STACK_ARN)


def test_the_deployer_policy_grants_nothing_the_bootstrap_does_not_need():
    wanted = {f"cloudformation:{c}".lower() for calls in CLI_CALLS.values() for c in calls}
    wanted |= {f"cloudformation:{c}".lower() for c in RECOVERY}
    for kind in {r["Type"] for r in RESOURCES.values()}:
        wanted |= {action.lower() for action in needed(kind, RESOURCES)}
    for statement in DEPLOYER.statements:
        assert statement.effect == "Allow", statement.sid
        assert not statement.conditions, statement.sid
        assert "*" not in statement.resources, f"{statement.sid}: names every resource"
        for action in statement.actions:
            assert not set("*?") & set(action), f"{statement.sid}: {action} is a wildcard"
            assert action.lower() in wanted, f"{statement.sid}: nothing in the bootstrap needs {action}"


@pytest.mark.parametrize(
    ("action", "arn"),
    [
        ("iam:CreateRole", f"arn:{PARTITION}:iam::{ACCOUNT}:role/{BOOTSTRAP_STACK}-Admin"),
        ("iam:PutRolePolicy", f"arn:{PARTITION}:iam::{ACCOUNT}:role/OrganizationAccountAccessRole"),
        ("iam:CreatePolicy", f"arn:{PARTITION}:iam::{ACCOUNT}:policy/AnotherPolicy"),
        ("s3:PutBucketPolicy", f"arn:{PARTITION}:s3:::another-teams-bucket"),
        ("cloudformation:DeleteStack", f"arn:{PARTITION}:cloudformation:{REGION}:{ACCOUNT}:stack/another-stack/1"),
        ("iam:AttachUserPolicy", f"arn:{PARTITION}:iam::{ACCOUNT}:user/someone"),
    ],
)
def test_the_deployer_cannot_touch_what_the_bootstrap_does_not_own(action, arn):
    assert not DEPLOYER.allows(action, arn)
