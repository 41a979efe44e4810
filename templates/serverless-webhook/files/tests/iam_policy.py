"""IAM policy evaluation for the offline permission tests, and the stack as CloudFormation receives it.

`expanded()` is template.yaml after SAM's own translator (the resources CloudFormation creates). `Resolver`
turns the intrinsics of a template into strings for one example deployment, so a statement's `Resource` can be
compared with the ARN a request names. `Policy` answers "does this policy allow this action on this resource with
this request context?" the way IAM does for one identity policy: an explicit Deny wins, wildcards in actions match
case-insensitively and in resources case-sensitively, and a condition must hold for its statement to apply.
"""

from __future__ import annotations

import copy
import functools
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass

from local_env import ROOT, load_template

PARTITION = "aws"
REGION = "us-east-1"
ACCOUNT = "123456789012"
BOOTSTRAP_TEMPLATE = "bootstrap/oidc-roles.yaml"


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def template() -> dict:
    return load_template()


def bootstrap() -> dict:
    return load_template(ROOT / BOOTSTRAP_TEMPLATE)


# The bootstrap is deployed as the app stack's name with "-ci" (the README's first deploy step says so, and
# tests/test_bootstrap_permissions.py checks that it does).
BOOTSTRAP_STACK = f"{bootstrap()['Parameters']['AppStackName']['Default']}-ci"


def generated_bucket_name(stack: str, logical_id: str) -> str:
    """The name CloudFormation gives a bucket without BucketName: `<stack>-<logical id>-<suffix>` in lower case,
    at most S3's 63 characters. Names seen in accounts end in a 12- or 13-character suffix; the longer is taken.
    When the whole is too long, the logical id is cut first, then the stack name, so a policy may rely on the
    stack name and nothing after it."""
    suffix = "1a2b3c4d5e6f7"
    room = 63 - len(suffix) - 2
    stack, logical_id = stack.lower(), logical_id.lower()
    logical_id = logical_id[: max(0, room - len(stack))]
    return f"{stack[: room - len(logical_id)]}-{logical_id}-{suffix}"


# The bucket name CloudFormation would give the bootstrap's ArtifactBucket (it has no BucketName).
ARTIFACT_BUCKET = generated_bucket_name(BOOTSTRAP_STACK, "ArtifactBucket")
CODE_KEY = "code/0123456789abcdef"


@functools.cache
def _expanded() -> dict:
    return expand(template())


def expand(source: dict) -> dict:
    """`source` (a copy of template.yaml) after SAM's translator, offline."""
    from samtranslator.translator.transform import transform

    class NoManagedPolicies:
        def load(self) -> dict:
            return {}

    source = copy.deepcopy(source)
    # What `sam deploy --s3-bucket $ARTIFACT_BUCKET` uploads and writes into the template.
    source["Globals"]["Function"]["CodeUri"] = f"s3://{ARTIFACT_BUCKET}/{CODE_KEY}"
    region = os.environ.get("AWS_DEFAULT_REGION")
    os.environ["AWS_DEFAULT_REGION"] = REGION
    try:
        return transform(source, {}, NoManagedPolicies())
    finally:
        if region is None:
            del os.environ["AWS_DEFAULT_REGION"]
        else:
            os.environ["AWS_DEFAULT_REGION"] = region


def expanded() -> dict:
    """template.yaml as CloudFormation receives it: expanded by SAM's translator, offline (a fresh copy)."""
    return copy.deepcopy(_expanded())


def _pattern(text: str, ignore_case: bool) -> re.Pattern:
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in text)
    return re.compile(f"^{body}$", re.IGNORECASE if ignore_case else 0)


def action_matches(pattern: str, action: str) -> bool:
    return bool(_pattern(pattern, ignore_case=True).match(action))


def resource_matches(pattern: str, arn: str) -> bool:
    return bool(_pattern(pattern, ignore_case=False).match(arn))


class Resolver:
    """Intrinsics of one template as strings: parameters take their defaults (or `parameters`), resources the
    names and ARNs `names` gives them (logical id -> {"Ref": ..., "Arn": ...}); pseudo parameters are fixed."""

    def __init__(self, source: dict, names: dict[str, dict[str, str]], parameters: dict[str, str] | None = None):
        self.values = {
            "AWS::Partition": PARTITION,
            "AWS::Region": REGION,
            "AWS::AccountId": ACCOUNT,
            "AWS::URLSuffix": "amazonaws.com",
        }
        for name, parameter in source.get("Parameters", {}).items():
            self.values[name] = str(parameter.get("Default", ""))
        self.values.update(parameters or {})
        self.names = names

    def ref(self, name: str) -> str:
        if name in self.values:
            return self.values[name]
        return self.names[name]["Ref"]

    def attribute(self, name: str, attribute: str) -> str:
        return self.names[name][attribute]

    def __call__(self, value):
        if isinstance(value, str):
            return value
        if isinstance(value, list):
            return [self(v) for v in value]
        if not isinstance(value, dict):
            return value
        if set(value) == {"Ref"}:
            return self.ref(value["Ref"])
        if set(value) == {"Fn::GetAtt"}:
            target = value["Fn::GetAtt"]
            name, attribute = target if isinstance(target, list) else target.split(".", 1)
            return self.attribute(name, attribute)
        if set(value) == {"Fn::Sub"}:
            text, extra = (value["Fn::Sub"], {}) if isinstance(value["Fn::Sub"], str) else value["Fn::Sub"]
            extra = {k: self(v) for k, v in extra.items()}

            def one(match: re.Match) -> str:
                key = match.group(1)
                if key in extra:
                    return extra[key]
                if "." in key and not key.startswith("AWS::"):
                    return self.attribute(*key.split(".", 1))
                return self.ref(key)

            return re.sub(r"\$\{([^}!]+)\}", one, text)
        if set(value) == {"Fn::Join"}:
            separator, parts = value["Fn::Join"]
            return separator.join(self(parts))
        if set(value) == {"Fn::Split"}:
            separator, text = value["Fn::Split"]
            return self(text).split(separator)
        if set(value) == {"Fn::Select"}:
            index, items = value["Fn::Select"]
            return self(items)[int(index)]
        return {k: self(v) for k, v in value.items()}


@dataclass(frozen=True)
class Statement:
    sid: str
    effect: str
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    conditions: dict

    def names(self, action: str) -> bool:
        return any(action_matches(p, action) for p in self.actions)

    def covers(self, arn: str | None) -> bool:
        return arn is None or any(resource_matches(p, arn) for p in self.resources)

    def holds(self, context: dict[str, str] | None) -> bool:
        """Whether the conditions hold for `context`; None means "whatever the request carries"."""
        if context is None or not self.conditions:
            return True
        for operator, tests in self.conditions.items():
            for key, expected in tests.items():
                if not _condition(operator, context.get(key), as_list(expected)):
                    return False
        return True


def _condition(operator: str, actual: str | None, expected: list[str]) -> bool:
    operator = operator.removeprefix("ForAnyValue:")
    if actual is None:
        return operator == "Null" and expected == ["true"]
    if operator in {"StringEquals", "ArnEquals"}:
        return actual in expected
    if operator in {"StringLike", "ArnLike"}:
        return any(resource_matches(p, actual) for p in expected)
    if operator == "StringNotEquals":
        return actual not in expected
    if operator == "Null":
        return expected == ["false"]
    raise AssertionError(f"condition operator {operator} is not modelled; add it to tests/iam_policy.py")


class Policy:
    """The statements of one or more policy documents, resolved to strings."""

    def __init__(self, documents: Iterable[dict], resolve: Resolver):
        self.statements: list[Statement] = []
        for document in documents:
            for raw in as_list(document["Statement"]):
                assert "NotAction" not in raw, raw
                assert "NotResource" not in raw, raw
                self.statements.append(
                    Statement(
                        sid=raw.get("Sid", ""),
                        effect=raw["Effect"],
                        actions=tuple(as_list(raw["Action"])),
                        resources=tuple(str(r) for r in as_list(resolve(raw["Resource"]))),
                        conditions=resolve(raw.get("Condition", {})),
                    )
                )

    def allows(self, action: str, arn: str | None = None, context: dict[str, str] | None = None) -> bool:
        """Allowed for some request to `arn` (any resource when None) whose context is `context` (any when None)."""
        matching = [s for s in self.statements if s.names(action) and s.covers(arn) and s.holds(context)]
        if any(s.effect == "Deny" and (context is not None or not s.conditions) for s in matching):
            return False
        return any(s.effect == "Allow" for s in matching)

    def allowing(self, action: str) -> list[Statement]:
        return [s for s in self.statements if s.effect == "Allow" and s.names(action)]

    def denying(self, action: str) -> list[Statement]:
        return [s for s in self.statements if s.effect == "Deny" and s.names(action)]


def role_policy(source: dict, role: str, resolve: Resolver) -> Policy:
    """The inline policies of `role` in `source`."""
    documents = [p["PolicyDocument"] for p in source["Resources"][role]["Properties"].get("Policies", [])]
    return Policy(documents, resolve)


def _arn(service: str, resource: str, region: str = REGION) -> str:
    return f"arn:{PARTITION}:{service}:{region}:{ACCOUNT}:{resource}"


def bootstrap_resolver() -> Resolver:
    """The bootstrap's intrinsics for the example account: the names and ARNs CloudFormation would give."""
    source = bootstrap()
    names = {}
    for name, resource in source["Resources"].items():
        kind, props = resource["Type"], resource.get("Properties", {})
        if kind == "AWS::S3::Bucket":
            names[name] = {"Ref": ARTIFACT_BUCKET, "Arn": f"arn:{PARTITION}:s3:::{ARTIFACT_BUCKET}"}
        elif kind == "AWS::IAM::Role":
            path = props.get("Path", "/")
            names[name] = {"Ref": name, "Arn": _arn("iam", f"role{path}{BOOTSTRAP_STACK}-{name}-ABC123", region="")}
        elif kind == "AWS::IAM::OIDCProvider":
            # Its Ref is its ARN: the provider's URL without the scheme.
            provider = _arn("iam", f"oidc-provider/{props['Url'].removeprefix('https://')}", region="")
            names[name] = {"Ref": provider, "Arn": provider}
        else:
            names[name] = {"Ref": name, "Arn": name}
    resolve = Resolver(source, names)
    for name, resource in source["Resources"].items():
        if resource["Type"] == "AWS::IAM::ManagedPolicy":
            policy = resolve(resource["Properties"]["ManagedPolicyName"])
            names[name] = {"Ref": _arn("iam", f"policy/{policy}", region="")}
    return resolve


def execution_policy() -> Policy:
    """What CloudFormation may do with the bootstrap's execution role."""
    return role_policy(bootstrap(), "CloudFormationExecutionRole", bootstrap_resolver())


def deployer_policy() -> Policy:
    """bootstrap/deployer-policy.json: what the person who deploys the bootstrap may do."""
    document = json.loads((ROOT / "bootstrap" / "deployer-policy.json").read_text(encoding="utf-8"))
    return Policy([document], Resolver({}, {}))


def boundary_policy() -> Policy:
    properties = bootstrap()["Resources"]["PermissionsBoundary"]["Properties"]
    return Policy([properties["PolicyDocument"]], bootstrap_resolver())


def stack_resolver(source: dict) -> Resolver:
    """The app stack's intrinsics, deployed as the stack the bootstrap's AppStackName names."""
    stack = bootstrap_resolver().ref("AppStackName")
    stack_id = _arn("cloudformation", f"stack/{stack}/1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d")
    resolve = Resolver(source, {}, {"AWS::StackName": stack, "AWS::StackId": stack_id})
    for name, resource in source["Resources"].items():
        kind, props = resource["Type"], resource.get("Properties", {})
        ref = arn = f"{stack}-{name}-ABC123"
        if kind == "AWS::SQS::Queue":
            queue = resolve(props["QueueName"])
            ref, arn = f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{queue}", _arn("sqs", queue)
        elif kind == "AWS::DynamoDB::Table":
            ref = resolve(props["TableName"])
            arn = _arn("dynamodb", f"table/{ref}")
        elif kind == "AWS::SecretsManager::Secret":
            ref = arn = _arn("secretsmanager", f"secret:{resolve(props['Name'])}-AbCdEf")
        elif kind == "AWS::KMS::Key":
            ref = "1234abcd-12ab-34cd-56ef-1234567890ab"
            arn = _arn("kms", f"key/{ref}")
        elif kind == "AWS::Logs::LogGroup":
            ref = resolve(props["LogGroupName"])
            arn = _arn("logs", f"log-group:{ref}:*")
        elif kind == "AWS::Lambda::Function":
            ref = resolve(props.get("FunctionName", ref))
            arn = _arn("lambda", f"function:{ref}")
        elif kind == "AWS::IAM::Role":
            arn = _arn("iam", f"role/{ref}", region="")
        elif kind == "AWS::S3::Bucket":
            ref = resolve(props["BucketName"]) if "BucketName" in props else generated_bucket_name(stack, name)
            arn = f"arn:{PARTITION}:s3:::{ref}"
        resolve.names[name] = {"Ref": ref, "Arn": arn}
    return resolve
