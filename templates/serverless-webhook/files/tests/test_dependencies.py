"""What the functions ship with: nothing in maintenance mode, nothing the Lambda runtime already provides."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from importlib import metadata

from packaging.requirements import Requirement

from local_env import ROOT

REQUIREMENTS = ROOT / "src" / "requirements.txt"
# The X-Ray SDK for Python: maintenance mode since 2026-02-25, end of support 2027-02-25 (AWS X-Ray
# Developer Guide, "X-Ray SDK and daemon end of support timeline", checked 2026-12-01).
MAINTENANCE_MODE = {"aws-xray-sdk"}
# The Lambda Python runtime provides these; bundling them adds about 30 MB unpacked (botocore 1.44.8).
RUNTIME_PROVIDED = {"boto3", "botocore"}
FORBIDDEN_IMPORTS = {"aws_xray_sdk", "aws_lambda_powertools.tracing"}
# Modules that call AWS on every invocation import boto3 at module level; the runtime provides it.
BOTO_AT_MODULE_LEVEL = {"ingest.py", "processor.py"}


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared() -> list[Requirement]:
    lines = [line.split("#", 1)[0].strip() for line in REQUIREMENTS.read_text().splitlines()]
    return [Requirement(line) for line in lines if line]


def closure(requirements: list[Requirement]) -> set[str]:
    """Every distribution pip installs for these requirements, from the installed packages' metadata."""
    seen: set[str] = set()
    todo = [(r, frozenset(r.extras)) for r in requirements]
    while todo:
        requirement, extras = todo.pop()
        name = normalise(requirement.name)
        key = name + "[" + ",".join(sorted(extras)) + "]"
        if key in seen:
            continue
        seen.add(key)
        try:
            requires = metadata.requires(requirement.name) or []
        except metadata.PackageNotFoundError:
            requires = []  # not installed here: named, but its own dependencies are not walked
        for text in requires:
            child = Requirement(text)
            if child.marker is None or any(child.marker.evaluate({"extra": e}) for e in extras or {""}):
                todo.append((child, frozenset(child.extras)))
    return {key.split("[")[0] for key in seen}


def test_runtime_requirements_pull_in_nothing_in_maintenance_mode_or_provided_by_lambda():
    requirements = declared()
    assert requirements, "src/requirements.txt declares the functions' dependencies"
    installed = closure(requirements)
    assert not installed & MAINTENANCE_MODE, f"in maintenance mode: {sorted(installed & MAINTENANCE_MODE)}"
    assert not installed & RUNTIME_PROVIDED, f"provided by the Lambda runtime: {sorted(installed & RUNTIME_PROVIDED)}"


def test_the_closure_sees_what_an_extra_pulls_in():
    # The check above is only as good as this walk: the [tracer] extra must be seen to bring the X-Ray SDK.
    assert "aws-xray-sdk" in closure([Requirement("aws-lambda-powertools[tracer]")])
    assert "aws-xray-sdk" not in closure([Requirement("aws-lambda-powertools")])


def module_imports(path) -> list[tuple[str, bool, set[str]]]:
    """(module, at module level, imported names) for every import in a source file."""
    tree = ast.parse(path.read_text())
    top = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, id(node) in top, set()) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, id(node) in top, {alias.name for alias in node.names}))
    return found


def test_the_code_uses_no_x_ray_sdk_and_imports_boto3_only_where_it_calls_aws():
    sources = sorted((ROOT / "src").glob("*.py"))
    assert sources
    for path in sources:
        for module, top_level, names in module_imports(path):
            assert not any(module == f or module.startswith(f + ".") for f in FORBIDDEN_IMPORTS), (path.name, module)
            assert not (module == "aws_lambda_powertools" and "Tracer" in names), (
                f"{path.name}: Tracer needs aws-xray-sdk"
            )
            if module.split(".")[0] in ("boto3", "botocore") and top_level:
                assert path.name in BOTO_AT_MODULE_LEVEL, f"{path.name} imports {module} at module level"


def test_loading_the_functions_loads_no_x_ray_sdk():
    # Where the SDK is installed (a shared tool environment, an old venv), this sees it loaded if anything imports it.
    modules = [p.stem for p in sorted((ROOT / "src").glob("*.py"))]
    code = (
        "import sys; sys.path.insert(0, 'src'); "
        + "; ".join(f"import {m}" for m in modules)
        + "; print(sorted(m for m in sys.modules if m.split('.')[0] == 'aws_xray_sdk'))"
    )
    env = {"AWS_DEFAULT_REGION": "us-east-1", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout


def test_tracing_is_active_and_the_opentelemetry_layer_is_opt_in():
    from local_env import load_template

    template = load_template()
    resources, parameters = template["Resources"], template["Parameters"]
    assert template["Globals"]["Function"]["Tracing"] == "Active"
    assert parameters["OtelLayerArn"]["Default"] == ""
    assert template["Conditions"]["UseOtelLayer"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "OtelLayerArn"}, ""]}]}
    no_value = {"Ref": "AWS::NoValue"}
    for function, role in (("IngestFunction", "IngestRole"), ("ProcessorFunction", "ProcessorRole")):
        props = resources[function]["Properties"]
        assert props["Layers"] == [{"Fn::If": ["UseOtelLayer", {"Ref": "OtelLayerArn"}, no_value]}], function
        wrapper = props["Environment"]["Variables"]["AWS_LAMBDA_EXEC_WRAPPER"]
        assert wrapper == {"Fn::If": ["UseOtelLayer", "/opt/otel-instrument", no_value]}, function
        policies = resources[role]["Properties"]["ManagedPolicyArns"]
        [optional] = [p for p in policies if isinstance(p, dict) and "Fn::If" in p]
        condition, policy, otherwise = optional["Fn::If"]
        assert condition == "UseOtelLayer"
        assert policy["Fn::Sub"].endswith(":policy/CloudWatchLambdaApplicationSignalsExecutionRolePolicy"), role
        assert otherwise == no_value
