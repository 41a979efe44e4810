"""CloudWatch alarms of template.yaml, evaluated offline against the metrics a local run really produced.

A game day (scripts/gameday.py) collects datapoints from two places: the EMF lines the functions print (the
custom metrics in src/, namespace and `service` dimension included) and samples of the queues' depth (the AWS/SQS
metrics CloudWatch reads from SQS). This module reads each alarm's metric, statistic, period, evaluation periods,
datapoints to alarm, threshold, comparison and missing-data rule from the template itself, and replays the
evaluation CloudWatch does at the end of every period. Periods are divided by the run's time scale, as the
queue's visibility timeout is in `make local`.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Iterable
from dataclasses import dataclass

COMPARISONS = {
    "GreaterThanThreshold": operator.gt,
    "GreaterThanOrEqualToThreshold": operator.ge,
    "LessThanThreshold": operator.lt,
    "LessThanOrEqualToThreshold": operator.le,
}
STATISTICS = {
    "Sum": sum,
    "Maximum": max,
    "Minimum": min,
    "SampleCount": len,
    "Average": lambda values: sum(values) / len(values),
}


@dataclass(frozen=True)
class Datapoint:
    """One value of one metric at `time` (Unix seconds), with its dimensions."""

    time: float
    namespace: str
    metric: str
    dimensions: tuple[tuple[str, str], ...]
    value: float


@dataclass(frozen=True)
class Alarm:
    logical_id: str
    name: str
    description: str
    namespace: str
    metric: str
    dimensions: tuple[tuple[str, str], ...]
    statistic: str
    period: float
    evaluation_periods: int
    datapoints_to_alarm: int
    threshold: float
    comparison: str
    treat_missing: str

    def selects(self, point: Datapoint) -> bool:
        if (point.namespace, point.metric) != (self.namespace, self.metric):
            return False
        dims = dict(point.dimensions)
        return all(dims.get(name) == value for name, value in self.dimensions)


def _reference(value, parameters: dict) -> str:
    """A dimension value or name as text: a literal, a parameter's default, or the logical id a !Ref or !GetAtt
    names (the local run labels its queue samples with the same logical ids)."""
    if isinstance(value, dict):
        if "Ref" in value:
            ref = value["Ref"]
            return str(parameters[ref].get("Default")) if ref in parameters else ref
        if "Fn::GetAtt" in value:
            return value["Fn::GetAtt"][0]
        if "Fn::Sub" in value:
            return str(value["Fn::Sub"])
    return str(value)


def load_alarms(template: dict, stack: str) -> dict[str, Alarm]:
    """Every single-metric AWS::CloudWatch::Alarm of the template, by logical id."""
    parameters = template.get("Parameters", {})
    alarms = {}
    for logical_id, resource in template["Resources"].items():
        props = resource.get("Properties", {})
        if resource.get("Type") != "AWS::CloudWatch::Alarm" or "MetricName" not in props:
            continue
        threshold = props["Threshold"]
        if isinstance(threshold, dict):
            threshold = _reference(threshold, parameters)
        evaluation_periods = int(props["EvaluationPeriods"])
        alarms[logical_id] = Alarm(
            logical_id=logical_id,
            name=_reference(props["AlarmName"], parameters).replace("${AWS::StackName}", stack),
            description=str(props.get("AlarmDescription", "")),
            namespace=_reference(props["Namespace"], parameters),
            metric=props["MetricName"],
            dimensions=tuple((d["Name"], _reference(d["Value"], parameters)) for d in props.get("Dimensions", [])),
            statistic=props["Statistic"],
            period=float(props["Period"]),
            evaluation_periods=evaluation_periods,
            datapoints_to_alarm=int(props.get("DatapointsToAlarm", evaluation_periods)),
            threshold=float(threshold),
            comparison=props["ComparisonOperator"],
            treat_missing=props.get("TreatMissingData", "missing"),
        )
    return alarms


def evaluate(alarm: Alarm, points: Iterable[Datapoint], start: float, end: float, scale: float = 1) -> list[tuple]:
    """The alarm's state changes between start and end: [(time, "ALARM" | "OK"), ...], starting from OK.

    CloudWatch evaluates at the end of each period: the last `evaluation_periods` periods, each reduced with the
    statistic, alarm when at least `datapoints_to_alarm` of them breach. A period without data counts as the
    missing-data rule says (notBreaching: good, breaching: bad, ignore or missing: not counted, state kept).
    """
    period = alarm.period / scale
    compare = COMPARISONS[alarm.comparison]
    reduce = STATISTICS[alarm.statistic]
    buckets: dict[int, list[float]] = {}
    for point in points:
        if alarm.selects(point) and start <= point.time < end:
            buckets.setdefault(int((point.time - start) // period), []).append(point.value)
    state, changes = "OK", []
    index = 0
    while start + (index + 1) * period <= end:
        window = range(index - alarm.evaluation_periods + 1, index + 1)
        verdicts = []
        for k in window:
            if k in buckets:
                verdicts.append(compare(reduce(buckets[k]), alarm.threshold))
            elif alarm.treat_missing == "breaching":
                verdicts.append(True)
            elif alarm.treat_missing == "notBreaching":
                verdicts.append(False)
        if verdicts:
            new = "ALARM" if sum(verdicts) >= alarm.datapoints_to_alarm else "OK"
            if new != state:
                state = new
                changes.append((start + (index + 1) * period, new))
        index += 1
    return changes


def emf_datapoints(line: str) -> list[Datapoint]:
    """The metrics of one CloudWatch embedded-metric-format log line ([] for any other line)."""
    try:
        document = json.loads(line)
    except ValueError:
        return []
    meta = document.get("_aws") if isinstance(document, dict) else None
    if not isinstance(meta, dict):
        return []
    when = meta["Timestamp"] / 1000
    points = []
    for directive in meta.get("CloudWatchMetrics", []):
        for dimension_set in directive.get("Dimensions", [[]]):
            dims = tuple((name, str(document[name])) for name in dimension_set)
            for metric in directive.get("Metrics", []):
                values = document.get(metric["Name"])
                for value in values if isinstance(values, list) else [values]:
                    points.append(Datapoint(when, directive["Namespace"], metric["Name"], dims, float(value)))
    return points
