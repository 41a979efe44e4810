"""Every job that runs without a caller to see it fail (queue consumers, schedules) alarms when it fails.

A failed run of such a job answers nobody; only an alarm on the function's Errors says it failed. Each alarm must
notify, fire on one failed run within one run interval, and have a runbook section.
"""

from __future__ import annotations

import re

import pytest

from local_env import ROOT, load_template

TEMPLATE = load_template()
RESOURCES = TEMPLATE["Resources"]
RUNBOOK = (ROOT / "docs" / "runbook.md").read_text()
# GitHub lets a failed delivery be redelivered for 3 days (GitHub Docs, "Redelivering webhooks", checked 2026-12-01).
GITHUB_REDELIVERY_WINDOW_S = 3 * 24 * 3600


def jobs() -> dict[str, int]:
    """Functions started by a schedule or a queue -> the longest time in seconds between two runs."""
    found = {}
    for name, resource in RESOURCES.items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        for event in resource["Properties"].get("Events", {}).values():
            if event["Type"] in {"Schedule", "ScheduleV2"}:
                expression = event["Properties"]["ScheduleExpression"]
                amount, unit = re.fullmatch(r"rate\((\d+) (minutes?|hours?)\)", expression).groups()
                found[name] = int(amount) * (60 if unit.startswith("minute") else 3600)
            elif event["Type"] == "SQS":
                found[name] = 60  # polled continuously
    return found


def error_alarms(function: str) -> list[tuple[str, dict]]:
    return [
        (name, r["Properties"])
        for name, r in RESOURCES.items()
        if r["Type"] == "AWS::CloudWatch::Alarm"
        and r["Properties"].get("Namespace") == "AWS/Lambda"
        and r["Properties"].get("MetricName") == "Errors"
        and r["Properties"]["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": function}}]
    ]


@pytest.mark.parametrize("function", sorted(jobs()))
def test_each_job_alarms_on_one_failed_run_within_its_interval(function):
    alarms = error_alarms(function)
    assert alarms, f"{function} runs unattended and no alarm watches its Errors"
    for name, alarm in alarms:
        assert alarm["Threshold"] == 0, name
        assert alarm["ComparisonOperator"] == "GreaterThanThreshold", name
        assert alarm["Statistic"] == "Sum", name
        assert alarm["Period"] * alarm["EvaluationPeriods"] <= max(jobs()[function], 300), name
        assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}], name
        section = alarm["AlarmDescription"].split("docs/runbook.md#", 1)[1].rstrip(".")
        assert f"\n## {section}\n" in RUNBOOK, f"{name} links to a missing runbook section {section}"


def test_the_redelivery_job_is_seen_failing_well_inside_githubs_window():
    if "RedeliveryFunction" not in RESOURCES:
        assert not (ROOT / "src" / "redeliver.py").exists()
        return
    interval = jobs()["RedeliveryFunction"]
    # One failed run alarms within one run interval plus one alarm period: under 1% of GitHub's window.
    alarms = error_alarms("RedeliveryFunction")
    assert alarms, "no alarm watches the redelivery job's Errors"
    for name, alarm in alarms:
        assert interval + alarm["Period"] * alarm["EvaluationPeriods"] <= GITHUB_REDELIVERY_WINDOW_S / 100, name
    gave_up = RESOURCES["RedeliveryGaveUpAlarm"]["Properties"]
    assert gave_up["MetricName"] == "RedeliveryGaveUp"
    assert gave_up["Threshold"] == 0
    section = RUNBOOK.split("\n## redelivery-errors\n", 1)[1].split("\n## ", 1)[0]
    assert "3 days" in section
    assert "15 minutes" in section
