"""The first deploy succeeds: CloudFormation's role holds what every resource's handlers need, proven offline.

CloudFormation creates, updates and deletes each resource of the stack with the execution role from
bootstrap/oidc-roles.yaml (scripts/deploy.sh passes it as --role-arn). What each resource type's handlers call is
published in its resource provider schema (`handlers.create/update/delete.permissions`); cfn-lint ships those
schemas for every Region, so the check reads them for this project's Region and the stack as CloudFormation
receives it (after SAM's transform). Lambda also reads the code package from S3 with that role's credentials.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass

import pytest
from cfnlint.data import AdditionalSpecs
from cfnlint.helpers import load_resource
from cfnlint.schema import PROVIDER_SCHEMA_MANAGER
from iam_policy import ARTIFACT_BUCKET, PARTITION, action_matches, execution_policy, expanded

from local_env import ROOT

REGION = tomllib.loads((ROOT / "samconfig.toml").read_text())["default"]["global"]["parameters"]["region"]
HANDLERS = ("create", "update", "delete")


@dataclass(frozen=True)
class Unused:
    """A feature a resource type's handlers hold permissions for, which no resource of the stack uses:
    none sets one of `properties`, and the stack has no resource of the `types` that would deliver it."""

    why: str
    properties: tuple[str, ...] = ()
    types: tuple[str, ...] = ()


# (resource type, action pattern) -> the feature the permission serves. Each entry is checked below, so a
# resource that starts using the feature makes the execution role need the permission again.
UNUSED = {
    ("AWS::Lambda::Function", "ec2:*"): Unused("network interfaces in a VPC", ("VpcConfig",)),
    ("AWS::Lambda::Function", "elasticfilesystem:*"): Unused("EFS mounts", ("FileSystemConfigs",)),
    ("AWS::Lambda::Function", "s3files:*"): Unused("S3 file-system mounts", ("FileSystemConfigs",)),
    ("AWS::ApiGatewayV2::Api", "s3:GetObject"): Unused("an OpenAPI body read from S3", ("BodyS3Location",)),
    ("AWS::DynamoDB::Table", "kinesis:*"): Unused("change streams into Kinesis", ("KinesisStreamSpecification",)),
    ("AWS::DynamoDB::Table", "s3:*"): Unused("creating the table from an S3 import", ("ImportSourceSpecification",)),
    ("AWS::DynamoDB::Table", "iam:CreateServiceLinkedRole"): Unused(
        "the service-linked roles of Kinesis streaming and contributor insights",
        ("KinesisStreamSpecification", "ContributorInsightsSpecification"),
    ),
    ("AWS::S3::Bucket", "s3tables:*"): Unused("S3 Metadata tables of the bucket", ("MetadataTableConfiguration",)),
    ("AWS::Logs::LogGroup", "firehose:*"): Unused(
        "vended log delivery to Firehose", types=("AWS::Logs::Delivery", "AWS::Logs::DeliveryDestination")
    ),
    ("AWS::Logs::LogGroup", "s3:*"): Unused(
        "vended log delivery to S3", types=("AWS::Logs::Delivery", "AWS::Logs::DeliveryDestination")
    ),
}

# Handler permissions the execution role must never hold, whatever a handler lists, and why.
REFUSED = {
    "iam:DeleteRolePermissionsBoundary": "a role without the boundary could exceed it (tests/test_boundary.py)",
}

# IAM's own list of actions, as cfn-lint ships it (its W3037 check): a handler may list a name IAM does not define
# (apigateway:TagResource, s3:REST.PUT.OBJECT); no policy can grant or refuse such a name, so it is not checked.
IAM_ACTIONS = {
    service: {action.lower() for action in spec["Actions"]}
    for service, spec in load_resource(AdditionalSpecs, "Policies.json").items()
}


def defined_by_iam(action: str) -> bool:
    service, _, name = action.partition(":")
    return name.lower() in IAM_ACTIONS.get(service.lower(), set())


STACK = expanded()
RESOURCES = STACK["Resources"]


EXECUTION_ROLE = "CloudFormationExecutionRole"
EXECUTION = execution_policy()


def handler_permissions(kind: str) -> dict[str, set[str]]:
    """action -> the handlers of `kind` that call it, from the provider schema for this Region."""
    schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema(REGION, kind).schema
    needed: dict[str, set[str]] = {}
    for handler in HANDLERS:
        for action in schema.get("handlers", {}).get(handler, {}).get("permissions", []):
            needed.setdefault(action, set()).add(handler)
    return needed


def unused(kind: str, action: str) -> Unused | None:
    return next((why for (k, pattern), why in UNUSED.items() if k == kind and action_matches(pattern, action)), None)


@pytest.mark.parametrize("kind", sorted({r["Type"] for r in RESOURCES.values()}))
def test_the_execution_role_may_call_what_each_resource_types_handlers_call(kind):
    needed = handler_permissions(kind)
    assert needed, f"{kind}: its provider schema lists no handler permissions"
    missing = []
    for action, handlers in sorted(needed.items()):
        if unused(kind, action) or action in REFUSED or not defined_by_iam(action):
            continue
        if not EXECUTION.allows(action):
            missing.append(f"{action} ({'/'.join(sorted(handlers))})")
    assert not missing, f"{EXECUTION_ROLE} cannot {kind}: {', '.join(missing)}"


# Only the entries for resource types this stack has: each applies as soon as its type is added.
@pytest.mark.parametrize(
    "key",
    sorted((key for key in UNUSED if key[0] in {r["Type"] for r in RESOURCES.values()}), key=str),
    ids=lambda key: f"{key[0]}-{key[1]}",
)
def test_each_permission_left_out_serves_a_feature_the_stack_does_not_use(key):
    kind, pattern = key
    feature = UNUSED[key]
    of_kind = [name for name, r in RESOURCES.items() if r["Type"] == kind]
    assert any(action_matches(pattern, a) for a in handler_permissions(kind)), f"{kind} handlers never call {pattern}"
    for name in of_kind:
        used = set(feature.properties) & set(RESOURCES[name].get("Properties", {}))
        assert not used, f"{name} uses {feature.why} ({used}): grant {pattern} to {EXECUTION_ROLE}"
    present = {r["Type"] for r in RESOURCES.values()} & set(feature.types)
    assert not present, f"the stack has {present}, which uses {feature.why}: grant {pattern} to {EXECUTION_ROLE}"


@pytest.mark.parametrize("action", sorted(REFUSED))
def test_the_execution_role_never_holds_a_refused_permission(action):
    assert not EXECUTION.allows(action), f"{EXECUTION_ROLE} may {action}: {REFUSED[action]}"


FUNCTIONS = sorted(name for name, r in RESOURCES.items() if r["Type"] == "AWS::Lambda::Function")


@pytest.mark.parametrize("function", FUNCTIONS)
def test_lambda_can_read_the_code_package_with_the_execution_roles_credentials(function):
    # CreateFunction and UpdateFunctionCode fetch the zip from S3 as the caller: the execution role. Without
    # s3:GetObject on the code bucket the first deploy fails and the stack rolls back.
    code = RESOURCES[function]["Properties"]["Code"]
    assert code["S3Bucket"] == ARTIFACT_BUCKET
    package = f"arn:{PARTITION}:s3:::{code['S3Bucket']}/{code['S3Key']}"
    assert EXECUTION.allows("s3:GetObject", package), f"{EXECUTION_ROLE} cannot read {package}"
    assert EXECUTION.allows("s3:GetObjectVersion", package), f"{EXECUTION_ROLE} cannot read versions of {package}"
    # ... and nothing else in S3.
    assert not EXECUTION.allows("s3:GetObject", f"arn:{PARTITION}:s3:::another-bucket/{code['S3Key']}")
    assert not EXECUTION.allows("s3:PutObject", package)
