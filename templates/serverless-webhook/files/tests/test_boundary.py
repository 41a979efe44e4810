"""No escalation: whoever can run a deploy job cannot get a role that does more than the permissions boundary.

bootstrap/oidc-roles.yaml defines the boundary (<stack>-boundary). The execution role may create a role, or give a
role permissions, only with that boundary set; it may never remove it or rewrite the boundary policy; and the CI
roles themselves are out of its reach. Every role of the stack sets the boundary, and the boundary still allows
everything the stack's own policies grant, so the functions work under it.
"""

from __future__ import annotations

import re

import pytest
from iam_policy import (
    ACCOUNT,
    PARTITION,
    as_list,
    bootstrap,
    bootstrap_resolver,
    boundary_policy,
    execution_policy,
    expand,
    expanded,
    stack_resolver,
    template,
)

from local_env import ROOT

EXECUTION = execution_policy()
BOUNDARY = boundary_policy()
BOUNDARY_ARN = bootstrap_resolver().ref("PermissionsBoundary")
STACK_NAME = bootstrap_resolver().ref("AppStackName")
STACK = expanded()
RESOLVE = stack_resolver(STACK)
ROLES = sorted(name for name, r in STACK["Resources"].items() if r["Type"] == "AWS::IAM::Role")
A_STACK_ROLE = f"arn:{PARTITION}:iam::{ACCOUNT}:role/{STACK_NAME}-IngestRole-ABC123"
OTHER_POLICY = f"arn:{PARTITION}:iam::{ACCOUNT}:policy/AdministratorAccess"

# IAM actions that make a role able to do more; each takes the iam:PermissionsBoundary condition key.
WIDENING = (
    "iam:CreateRole",
    "iam:PutRolePolicy",
    "iam:AttachRolePolicy",
    "iam:PutRolePermissionsBoundary",
    "iam:DeleteRolePolicy",
    "iam:DetachRolePolicy",
)
# Ways to give anyone permissions outside a boundary-bound role: never allowed.
NEVER = (
    "iam:DeleteRolePermissionsBoundary",
    "iam:CreatePolicy",
    "iam:CreatePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:DeletePolicy",
    "iam:DeletePolicyVersion",
    "iam:CreateUser",
    "iam:PutUserPolicy",
    "iam:AttachUserPolicy",
    "iam:CreateAccessKey",
    "iam:PutGroupPolicy",
    "iam:AttachGroupPolicy",
    "iam:AddUserToGroup",
    "sts:AssumeRole",
)


@pytest.mark.parametrize("role", ROLES)
def test_every_role_the_stack_creates_carries_the_bootstrap_boundary(role):
    boundary = STACK["Resources"][role]["Properties"].get("PermissionsBoundary")
    assert boundary is not None, f"{role} has no PermissionsBoundary"
    assert RESOLVE(boundary) == BOUNDARY_ARN


def test_a_function_added_without_its_own_role_gets_one_with_the_boundary():
    source = template()
    source["Resources"]["AddedFunction"] = {
        "Type": "AWS::Serverless::Function",
        "Properties": {"Handler": "added.handler", "FunctionName": {"Fn::Sub": "${AWS::StackName}-added"}},
    }
    role = expand(source)["Resources"]["AddedFunctionRole"]
    assert RESOLVE(role["Properties"]["PermissionsBoundary"]) == BOUNDARY_ARN


def test_the_stack_creates_the_roles_sam_would_otherwise_add_without_a_boundary():
    # SAM adds a CodeDeploy service role unless DeploymentPreference names one.
    assert "CodeDeployServiceRole" not in STACK["Resources"]
    assert "CodeDeployRole" in ROLES


@pytest.mark.parametrize("action", WIDENING)
def test_the_pipeline_widens_a_role_only_when_the_role_carries_the_boundary(action):
    assert EXECUTION.allows(action, A_STACK_ROLE, {"iam:PermissionsBoundary": BOUNDARY_ARN}), action
    assert not EXECUTION.allows(action, A_STACK_ROLE, {"iam:PermissionsBoundary": OTHER_POLICY}), action
    assert not EXECUTION.allows(action, A_STACK_ROLE, {}), f"{action} is allowed on a role without a boundary"
    # And no statement grants it without the condition, on any resource.
    for statement in EXECUTION.allowing(action):
        assert statement.conditions.get("StringEquals", {}).get("iam:PermissionsBoundary") == BOUNDARY_ARN, statement


@pytest.mark.parametrize("action", NEVER)
def test_the_pipeline_can_never_drop_or_rewrite_the_boundary_nor_make_other_principals(action):
    for arn in (A_STACK_ROLE, BOUNDARY_ARN, None):
        assert not EXECUTION.allows(action, arn), f"{action} on {arn or 'any resource'}"


def test_the_boundary_policy_itself_is_protected_by_an_explicit_deny():
    for action in ("iam:DeleteRolePermissionsBoundary", "iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion"):
        assert any(s.covers(BOUNDARY_ARN) for s in EXECUTION.denying(action)), action


@pytest.mark.parametrize("role", ["CloudFormationExecutionRole", "DeployRole", "ReplayRole"])
def test_the_ci_roles_are_out_of_the_pipelines_reach(role):
    # They carry no boundary; a deploy must not be able to change, pass or delete them.
    arn = bootstrap_resolver().attribute(role, "Arn")
    iam_actions = {a for s in EXECUTION.statements for a in s.actions if a.startswith("iam:")}
    reachable = sorted(a for a in iam_actions if EXECUTION.allows(a, arn))
    assert not reachable, f"the execution role may {reachable} on {role}"


def test_the_boundary_is_scoped_to_this_stack():
    # What the README means by "scoped": no IAM, STS or wildcard action, and every resource named by the stack,
    # except actions that take no resource (X-Ray writes, DescribeAlarms), the fixed Application Signals log group,
    # and the key, which is picked by its alias.
    no_resource = {"Traces", "CanaryAlarms"}
    raw = bootstrap()["Resources"]["PermissionsBoundary"]["Properties"]["PolicyDocument"]["Statement"]
    for statement in raw:
        assert statement["Effect"] == "Allow"
        for action in as_list(statement["Action"]):
            assert not re.match(r"^(iam|sts|organizations):", action), statement
            assert "*" not in action, statement
        for resource in as_list(statement["Resource"]):
            if resource == "*":
                assert statement["Sid"] in no_resource, statement
                continue
            text = resource["Fn::Sub"]
            if statement["Sid"] == "StackKey":
                assert statement["Condition"]["ForAnyValue:StringEquals"]["kms:ResourceAliases"] == {
                    "Fn::Sub": "alias/${AppStackName}"
                }
            elif statement["Sid"] == "ApplicationSignals":
                assert text.endswith(":log-group:/aws/application-signals/data:*")
            else:
                assert "${AppStackName}" in text, statement


@pytest.mark.parametrize("role", ROLES)
def test_the_boundary_allows_everything_the_stacks_own_policies_grant(role):
    # Otherwise a function would be refused at run time what its own policy grants.
    properties = STACK["Resources"][role]["Properties"]
    for policy in properties.get("Policies", []):
        for statement in as_list(policy["PolicyDocument"]["Statement"]):
            for action in as_list(statement["Action"]):
                for arn in as_list(RESOLVE(statement["Resource"])):
                    assert BOUNDARY.allows(action, arn), f"{role}: the boundary refuses {action} on {arn}"


def test_the_readme_calls_the_pipeline_scoped_and_says_how():
    readme = " ".join((ROOT / "README.md").read_text().split())
    sentence = next(s for s in readme.split(". ") if "execution role is scoped" in s)
    assert "only when the role carries the permissions boundary" in sentence
    assert "never remove or edit that boundary" in sentence
    assert f"`{STACK_NAME}-boundary`" in readme
