"""The canary rolls back a new ingest version that answers 5xx, raised or not.

Ingest answers a misconfigured secret with 500 and a refused enqueue with 503 without raising, so Lambda counts no
error. Each such answer is driven here and its metrics captured; the deployment group SAM generates for the `live`
alias must watch an alarm that one such answer trips.
"""

from __future__ import annotations

import importlib
import json

import pytest
from conftest import make_delivery
from iam_policy import expanded
from test_observability import emitted

from local_env import FakeContext, load_template

TEMPLATE = load_template()
RESOURCES = TEMPLATE["Resources"]
NAMESPACE = TEMPLATE["Globals"]["Function"]["Environment"]["Variables"]["POWERTOOLS_METRICS_NAMESPACE"]


def rollback_alarms(function: str) -> dict[str, dict]:
    """The alarms CodeDeploy watches while it shifts `function`'s alias, as CloudFormation receives them."""
    stack = expanded()["Resources"]
    alias = stack[f"{function}Aliaslive"]
    group = stack[alias["UpdatePolicy"]["CodeDeployLambdaAliasUpdate"]["DeploymentGroupName"]["Ref"]]["Properties"]
    assert group["AlarmConfiguration"]["Enabled"] is True
    assert "DEPLOYMENT_STOP_ON_ALARM" in group["AutoRollbackConfiguration"]["Events"]
    names = [alarm["Name"]["Ref"] for alarm in group["AlarmConfiguration"]["Alarms"]]
    return {name: RESOURCES[name]["Properties"] for name in names}


def trips_on_one(alarm: dict, metric: str, service: str) -> bool:
    """The alarm counts `metric` of `service` and fires on a single occurrence within a minute."""
    dimensions = {d["Name"]: d["Value"] for d in alarm.get("Dimensions", [])}
    return (
        alarm.get("Namespace") == NAMESPACE
        and alarm.get("MetricName") == metric
        and dimensions == {"service": service}
        and alarm["Statistic"] == "Sum"
        and alarm["Threshold"] == 0
        and alarm["ComparisonOperator"] == "GreaterThanThreshold"
        and alarm["EvaluationPeriods"] == 1
        and alarm["Period"] <= 60
    )


def answer(env, monkeypatch, capsys, broken: str) -> tuple[int, dict]:
    """Ingest's answer to a good delivery while `broken` is broken, and the metrics it emitted."""
    import ingest

    ingest = importlib.reload(ingest)
    if broken == "queue":
        monkeypatch.setenv("QUEUE_URL", env.urls["Queue"] + "-gone")
    else:
        env.secrets.put_secret_value(SecretId=env.urls["Secret"], SecretString="not a document")
    headers, body = make_delivery(env.scheme, "evt_canary", now=int(__import__("time").time()))
    capsys.readouterr()
    event = {"headers": headers, "body": body.decode(), "isBase64Encoded": False}
    status = ingest.handler(event, FakeContext("ingest", 10))["statusCode"]
    return status, emitted(capsys.readouterr().out)


@pytest.mark.parametrize(("broken", "status"), [("secret", 500), ("queue", 503)])
def test_a_5xx_answer_without_an_error_trips_a_rollback_alarm_of_ingest(env, monkeypatch, capsys, broken, status):
    got, metrics = answer(env, monkeypatch, capsys, broken)
    assert got == status
    counted = [metric for (service, metric), value in metrics.items() if service == "ingest" and value > 0]
    alarms = rollback_alarms("IngestFunction")
    tripped = [name for name, alarm in alarms.items() for metric in counted if trips_on_one(alarm, metric, "ingest")]
    assert tripped, f"a {status} emits {counted}; no rollback alarm of ingest ({sorted(alarms)}) trips on one"


def test_no_rollback_alarm_names_the_api_whose_route_invokes_the_alias():
    # The alias's update waits for its deployment group, which reads its alarms; an alarm on the HTTP API's own 5xx
    # names the API, whose route invokes the alias: a cycle CloudFormation refuses (cfn-lint E3004). The API's 5xx
    # that are not answered by the function (a timeout, a crash) are Lambda errors, which roll back.
    for name, alarm in rollback_alarms("IngestFunction").items():
        assert "HttpApi" not in json.dumps(alarm), name


@pytest.mark.parametrize("function", ["IngestFunction", "ProcessorFunction"])
def test_crashes_and_throttles_still_roll_back(function):
    watched = {(a.get("MetricName"), json.dumps(a.get("Dimensions"))) for a in rollback_alarms(function).values()}
    dimensions = json.dumps([{"Name": "FunctionName", "Value": {"Ref": function}}])
    assert {("Errors", dimensions), ("Throttles", dimensions)} <= watched
