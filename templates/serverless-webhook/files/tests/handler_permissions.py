"""What CloudFormation calls to create, update and delete a stack's resources, offline.

Each resource type's provider schema lists the permissions its handlers need (`handlers.create/update/delete
.permissions`); cfn-lint ships those schemas for every Region, and IAM's own list of actions with the resource
types each one names (its W3037 check). The app stack's execution role (tests/test_deploy_permissions.py) and the
deployer of the bootstrap (tests/test_bootstrap_permissions.py) are both checked against `needed()`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass

from cfnlint.data import AdditionalSpecs
from cfnlint.helpers import load_resource
from cfnlint.schema import PROVIDER_SCHEMA_MANAGER
from iam_policy import action_matches

from local_env import ROOT

REGION = tomllib.loads((ROOT / "samconfig.toml").read_text())["default"]["global"]["parameters"]["region"]
HANDLERS = ("create", "update", "delete")


@dataclass(frozen=True)
class Unused:
    """A feature a resource type's handlers hold permissions for, which a stack may not use: it uses it when one
    of its resources of that type sets one of `properties`, or it has a resource of the `types` that deliver it."""

    why: str
    properties: tuple[str, ...] = ()
    types: tuple[str, ...] = ()

    def used_in(self, kind: str, resources: dict) -> list[str]:
        """The resources of `resources` that use the feature, each with how."""
        users = []
        for name, resource in resources.items():
            if resource["Type"] == kind:
                users += [f"{name}.{p}" for p in self.properties if p in resource.get("Properties", {})]
            elif resource["Type"] in self.types:
                users.append(f"{name} ({resource['Type']})")
        return users


# (resource type, action pattern) -> the feature the permission serves. A stack that does not use the feature needs
# none of these permissions; one that starts to use it needs them all again (needed() asks, resource by resource).
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
    ("AWS::S3::Bucket", "s3tables:*"): Unused(
        "S3 Metadata tables of the bucket", ("MetadataTableConfiguration", "MetadataConfiguration")
    ),
    ("AWS::S3::Bucket", "s3:*BucketMetadata*"): Unused(
        "S3 Metadata tables of the bucket", ("MetadataTableConfiguration", "MetadataConfiguration")
    ),
    ("AWS::S3::Bucket", "iam:PassRole"): Unused(
        "the role that replication or S3 Metadata tables act with",
        ("ReplicationConfiguration", "MetadataTableConfiguration", "MetadataConfiguration"),
    ),
    ("AWS::IAM::ManagedPolicy", "iam:*GroupPolicy"): Unused("attaching the policy to IAM groups", ("Groups",)),
    ("AWS::IAM::ManagedPolicy", "iam:*UserPolicy"): Unused("attaching the policy to IAM users", ("Users",)),
    ("AWS::Logs::LogGroup", "firehose:*"): Unused(
        "vended log delivery to Firehose", types=("AWS::Logs::Delivery", "AWS::Logs::DeliveryDestination")
    ),
    ("AWS::Logs::LogGroup", "s3:*"): Unused(
        "vended log delivery to S3", types=("AWS::Logs::Delivery", "AWS::Logs::DeliveryDestination")
    ),
}

_IAM = load_resource(AdditionalSpecs, "Policies.json")
# service -> action (lower case) -> the resource types (IAM's names: "bucket", "role") a request for it names.
IAM_ACTIONS = {
    service: {action.lower(): spec.get("Resources", []) for action, spec in service_spec["Actions"].items()}
    for service, service_spec in _IAM.items()
}


def defined_by_iam(action: str) -> bool:
    """A handler may list a name IAM does not define (apigateway:TagResource, s3:REST.PUT.OBJECT); no policy can
    grant or refuse such a name, so it is not checked."""
    service, _, name = action.partition(":")
    return name.lower() in IAM_ACTIONS.get(service.lower(), {})


def resource_types(action: str) -> list[str]:
    """IAM's resource types that a request for `action` names (empty: it names none, so its Resource is "*")."""
    service, _, name = action.partition(":")
    return IAM_ACTIONS.get(service.lower(), {}).get(name.lower(), [])


def schema(kind: str) -> dict:
    return PROVIDER_SCHEMA_MANAGER.get_resource_schema(REGION, kind).schema


def handler_permissions(kind: str) -> dict[str, set[str]]:
    """action -> the handlers of `kind` that call it, from the provider schema for this Region."""
    needed: dict[str, set[str]] = {}
    for handler in HANDLERS:
        for action in schema(kind).get("handlers", {}).get(handler, {}).get("permissions", []):
            needed.setdefault(action, set()).add(handler)
    return needed


def unused(kind: str, action: str, resources: dict) -> Unused | None:
    """The feature `action` serves for `kind`, if the stack of `resources` does not use it."""
    for (k, pattern), feature in UNUSED.items():
        if k == kind and action_matches(pattern, action) and not feature.used_in(kind, resources):
            return feature
    return None


def needed(kind: str, resources: dict) -> dict[str, set[str]]:
    """The actions the handlers of `kind` call for the stack of `resources`, with the handlers that call them:
    every listed permission IAM defines, but those of features the stack does not use."""
    return {
        action: handlers
        for action, handlers in handler_permissions(kind).items()
        if defined_by_iam(action) and not unused(kind, action, resources)
    }
