"""The first deploy succeeds: CloudFormation's role holds what every resource's handlers need, proven offline.

CloudFormation creates, updates and deletes each resource of the stack with the execution role from
bootstrap/oidc-roles.yaml (scripts/deploy.sh passes it as --role-arn). What each resource type's handlers call is
published in its resource provider schema; tests/handler_permissions.py reads the schemas cfn-lint ships for this
project's Region, for the stack as CloudFormation receives it (after SAM's transform). Lambda also reads the code
package from S3 with that role's credentials.
"""

from __future__ import annotations

import re

import pytest
from handler_permissions import UNUSED, handler_permissions, needed, schema
from iam_policy import (
    ARTIFACT_BUCKET,
    PARTITION,
    action_matches,
    execution_policy,
    expanded,
    generated_bucket_name,
    stack_resolver,
    template,
)

STACK = expanded()
RESOURCES = STACK["Resources"]
KINDS = sorted({r["Type"] for r in RESOURCES.values()})

EXECUTION_ROLE = "CloudFormationExecutionRole"
EXECUTION = execution_policy()

# Handler permissions the execution role must never hold, whatever a handler lists, and why.
REFUSED = {
    "iam:DeleteRolePermissionsBoundary": "a role without the boundary could exceed it (tests/test_boundary.py)",
}


@pytest.mark.parametrize("kind", KINDS)
def test_the_execution_role_may_call_what_each_resource_types_handlers_call(kind):
    assert handler_permissions(kind), f"{kind}: its provider schema lists no handler permissions"
    missing = [
        f"{action} ({'/'.join(sorted(handlers))})"
        for action, handlers in sorted(needed(kind, RESOURCES).items())
        if action not in REFUSED and not EXECUTION.allows(action)
    ]
    assert not missing, f"{EXECUTION_ROLE} cannot {kind}: {', '.join(missing)}"


# Every entry of the table of unused features, for the resource types of either stack this project deploys: each
# applies as soon as its type is added to a stack, and would hide a permission if it named none.
@pytest.mark.parametrize("key", sorted(UNUSED, key=str), ids=lambda key: f"{key[0]}-{key[1]}")
def test_each_feature_left_out_names_permissions_and_properties_its_type_has(key):
    kind, pattern = key
    feature = UNUSED[key]
    assert any(action_matches(pattern, a) for a in handler_permissions(kind)), f"{kind} handlers never call {pattern}"
    unknown = set(feature.properties) - set(schema(kind)["properties"])
    assert not unknown, f"{kind} has no properties {unknown}: the feature could never count as used"


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


def _app_buckets() -> list[tuple[str, str]]:
    """(logical id, the name S3 is asked for) of each bucket of the app stack, this project's stack name in full."""
    resolve = stack_resolver(template())
    stack = resolve.ref("AWS::StackName")
    buckets = [(name, r["Properties"]) for name, r in template()["Resources"].items() if r["Type"] == "AWS::S3::Bucket"]
    return [
        (name, resolve(p["BucketName"]) if "BucketName" in p else generated_bucket_name(stack, name))
        for name, p in buckets
    ]


# S3's rules for a bucket name: 3 to 63 characters of lower-case letters, digits, dots and hyphens, a letter or
# digit at each end. CloudFormation cuts a name it generates to fit, inside the logical id first, where no IAM
# pattern can follow; so each bucket of the app stack names itself, and the execution role's pattern must match.
@pytest.mark.parametrize(("bucket", "name"), _app_buckets(), ids=lambda v: v if isinstance(v, str) else None)
def test_every_app_bucket_has_a_name_s3_accepts_and_the_execution_role_may_create_it(bucket, name):
    assert re.fullmatch(S3_NAME, name), f"{bucket}: S3 refuses the name {name!r} ({len(name)} characters)"
    arn = f"arn:{PARTITION}:s3:::{name}"
    assert EXECUTION.allows("s3:CreateBucket", arn), f"{EXECUTION_ROLE} cannot create {bucket} as {name}"


S3_NAME = r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]"


def test_the_bootstrap_bucket_cloudformation_names_keeps_the_stack_name_whole():
    assert re.fullmatch(S3_NAME, ARTIFACT_BUCKET), ARTIFACT_BUCKET
    longest = generated_bucket_name("a" * 40 + "-ci", "ArtifactBucket")
    assert len(longest) == 63, longest
    assert longest.startswith("a" * 40 + "-ci-"), longest
