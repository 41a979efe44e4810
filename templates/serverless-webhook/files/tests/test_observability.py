"""The metrics and log lines the alarms, the dashboard and the docs rely on, captured from the handlers' output."""

from __future__ import annotations

import importlib
import json
import re
import time

from conftest import make_delivery

from local_env import ROOT, FakeContext, load_template

TEMPLATE = load_template()
RESOURCES = TEMPLATE["Resources"]
NAMESPACE = TEMPLATE["Globals"]["Function"]["Environment"]["Variables"]["POWERTOOLS_METRICS_NAMESPACE"]

# The AWS metrics this stack may name, per namespace: the metric names the service publishes, the dimension
# the stack selects on, and the resource types that dimension may point at (AWS docs, checked 2026-12-01).
AWS_METRICS = {
    "AWS/ApiGateway": ({"Count", "4xx", "5xx", "Latency", "IntegrationLatency"}, "ApiId", {"AWS::Serverless::HttpApi"}),
    "AWS/SQS": (
        {"ApproximateNumberOfMessagesVisible", "ApproximateAgeOfOldestMessage", "NumberOfMessagesSent"},
        "QueueName",
        {"AWS::SQS::Queue"},
    ),
    "AWS/Lambda": (
        {"Errors", "Throttles", "Duration", "Invocations", "ConcurrentExecutions"},
        "FunctionName",
        {"AWS::Serverless::Function"},
    ),
}


def emitted(out: str) -> dict[tuple[str, str], float]:
    """EMF lines on stdout -> {(service, metric name): summed value}."""
    totals: dict[tuple[str, str], float] = {}
    for line in out.splitlines():
        if '"_aws"' not in line:
            continue
        document = json.loads(line)
        for directive in document["_aws"]["CloudWatchMetrics"]:
            for metric in directive["Metrics"]:
                value = document[metric["Name"]]
                values = value if isinstance(value, list) else [value]
                key = (document.get("service", ""), metric["Name"])
                totals[key] = totals.get(key, 0) + sum(values)
    return totals


def run_every_path(env, monkeypatch) -> None:
    """Drive ingest and processor through each outcome a metric counts, as cold-started functions."""
    import ingest
    import processor

    ingest = importlib.reload(ingest)
    processor = importlib.reload(processor)
    now = int(time.time())

    def post(headers, body):
        event = {"headers": headers, "body": body.decode(), "isBase64Encoded": False}
        return ingest.handler(event, FakeContext("ingest", 10))["statusCode"]

    # Two events about one object: the newer is posted, the older arrives after it (a replay out of the DLQ).
    newer = {"type": "invoice.paid", "created": now, "timestamp": _iso(now), "data": {"object": {"id": "obj_1"}}}
    older = dict(newer, created=now - 60, timestamp=_iso(now - 60))
    headers, body = make_delivery(env.scheme, "evt_ok", now=now, document=newer)
    assert post(headers, body) == 202
    assert post(headers, body.replace(b"invoice", b"invoicX")) == 401  # SignatureRejected
    import signatures

    array = b"[1]"
    assert post(signatures.sign_headers(env.scheme, env.secret, array, "evt_arr", now), array) == 400
    monkeypatch.setenv("MAX_BODY_BYTES", "1024")
    big_headers, big = make_delivery(env.scheme, "evt_big", now=now, document={"blob": "x" * 2048})
    assert post(big_headers, big) == 413  # PayloadTooLarge
    monkeypatch.setenv("MAX_BODY_BYTES", "262144")
    monkeypatch.setenv("QUEUE_URL", env.urls["Queue"] + "-gone")
    assert post(headers, body) == 503  # EnqueueFailed
    monkeypatch.setenv("QUEUE_URL", env.urls["Queue"])
    env.secrets.put_secret_value(SecretId=env.urls["Secret"], SecretString="not a document")
    ingest.reset_clients()
    assert post(headers, body) == 500  # SecretMisconfigured
    env.secrets.put_secret_value(SecretId=env.urls["Secret"], SecretString=signatures.secret_document(env.secret))
    ingest.reset_clients()
    [accepted] = env.sqs.receive_message(
        QueueUrl=env.urls["Queue"], MessageAttributeNames=["All"], VisibilityTimeout=0
    )["Messages"]
    env.pump_once()  # DeliveryApplied
    attributes = dict(accepted["MessageAttributes"])
    attributes["delivery_id"] = {"DataType": "String", "StringValue": "evt_old"}
    attributes["received_at"] = {"DataType": "Number", "StringValue": str((now - 60) * 1000)}
    del attributes["payload_key"]  # the older body travels in the message itself
    _send(env, json.dumps(older), attributes, "old")  # StaleSkipped
    # The same delivery again, as a redrive or replay brings it (a FIFO queue would drop a repeat POST itself).
    _send(env, accepted["Body"], accepted["MessageAttributes"], "again")  # DuplicateSkipped
    # A poison message straight onto the queue: fails in the processor.
    _send(env, "not json", {"delivery_id": {"DataType": "String", "StringValue": "evt_poison"}}, "p")
    for _ in range(4):
        env.pump_once()


def _iso(seconds: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def _send(env, body: str, attributes: dict, dedupe: str) -> None:
    env.sqs.send_message(
        QueueUrl=env.urls["Queue"],
        MessageBody=body,
        MessageAttributes=attributes,
        **({"MessageGroupId": "g-" + dedupe, "MessageDeduplicationId": dedupe} if env.fifo else {}),
    )


def run_redelivery_job(env, monkeypatch) -> None:
    """GitHub projects: one run of the redelivery job that gives up on a delivery."""
    if not (ROOT / "src" / "redeliver.py").exists():
        return
    import redeliver

    arn = env.secrets.create_secret(Name="local/github-token", SecretString="token")["ARN"]
    monkeypatch.setenv("GITHUB_TOKEN_SECRET_ARN", arn)
    monkeypatch.setenv("GITHUB_HOOK_PATH", "repos/o/r/hooks/1")
    monkeypatch.setattr(redeliver, "run", lambda settings: redeliver.Report(listed=2, redelivered=["a"], gave_up=["b"]))
    redeliver.handler({}, FakeContext("redeliver", 120))


def all_emitted(env, monkeypatch, capsys) -> dict[tuple[str, str], float]:
    run_every_path(env, monkeypatch)
    run_redelivery_job(env, monkeypatch)
    return emitted(capsys.readouterr().out)


def test_every_outcome_is_counted(env, monkeypatch, capsys):
    totals = all_emitted(env, monkeypatch, capsys)
    assert totals[("ingest", "DeliveryAccepted")] >= 1
    assert totals[("processor", "DeliveryApplied")] == 1
    assert totals[("processor", "StaleSkipped")] == 1
    assert totals[("processor", "DuplicateSkipped")] >= 1
    assert totals[("processor", "RecordFailed")] >= 1
    assert ("processor", "EndToEndAge") in totals
    assert totals[("ingest", "SecretMisconfigured")] == 1


def _resource_of(value) -> str | None:
    """The logical id a dimension value points at: {"Ref": X}, {"Fn::GetAtt": [X, ...]} or a "ref:X" placeholder."""
    if isinstance(value, dict):
        return value.get("Ref") or value.get("Fn::GetAtt", [None])[0]
    if isinstance(value, str) and value.startswith("ref:"):
        return value[4:].split(".")[0]
    return None


def alarm_metrics() -> list[tuple[str, str, str, str, object]]:
    """(alarm, namespace, metric, dimension name, dimension value) for every metric any alarm reads."""
    found = []
    for logical_id, resource in RESOURCES.items():
        if resource["Type"] != "AWS::CloudWatch::Alarm":
            continue
        props = resource["Properties"]
        stats = (
            [props]
            if "MetricName" in props
            else [q["MetricStat"]["Metric"] for q in props["Metrics"] if "MetricStat" in q]
        )
        assert stats, f"{logical_id} reads no metric"
        for metric in stats:
            dimension, *more = metric["Dimensions"]
            # The HTTP API also publishes per stage; the stack's one stage is $default.
            assert [(d["Name"], d["Value"]) for d in more] in ([], [("Stage", "$default")]), logical_id
            found.append((logical_id, metric["Namespace"], metric["MetricName"], dimension["Name"], dimension["Value"]))
    return found


def dashboard_body() -> dict:
    """The dashboard's JSON, with every ${X} of its !Sub checked against the template and replaced by "ref:X"."""
    [dashboard] = [r for r in RESOURCES.values() if r["Type"] == "AWS::CloudWatch::Dashboard"]
    text = dashboard["Properties"]["DashboardBody"]["Fn::Sub"]

    def placeholder(match: re.Match) -> str:
        name = match.group(1)
        if not name.startswith("AWS::"):
            assert name.split(".")[0] in RESOURCES, f"the dashboard names ${{{name}}}, which the stack lacks"
        return "ref:" + name

    return json.loads(re.sub(r"\$\{([A-Za-z0-9:.]+)\}", placeholder, text))


def dashboard_metrics() -> list[tuple[str, str, str, object]]:
    """(namespace, metric, dimension name, dimension value) of every metric row; checks each expression's ids."""
    found = []
    for widget in dashboard_body()["widgets"]:
        if widget["type"] == "alarm":
            for arn in widget["properties"]["alarms"]:
                assert RESOURCES[_resource_of(arn)]["Type"].startswith("AWS::CloudWatch::"), arn
            continue
        rows = widget["properties"]["metrics"]
        ids = {row[-1]["id"] for row in rows if isinstance(row[-1], dict) and "id" in row[-1]}
        for row in rows:
            if isinstance(row[0], dict):
                used = set(re.findall(r"\b([a-z][A-Za-z0-9_]*)\b", row[0]["expression"])) - {"FILL"}
                assert used <= ids, f"{widget['properties']['title']}: expression uses unknown ids {used - ids}"
                continue
            namespace, name, dim_name, dim_value = row[:4]
            found.append((namespace, name, dim_name, dim_value))
    return found


def check_metric(where: str, namespace: str, name: str, dim_name: str, dim_value, totals) -> None:
    if namespace.startswith("AWS/"):
        names, dimension, types = AWS_METRICS[namespace]
        assert name in names, f"{where}: {namespace} publishes no {name}"
        assert dim_name == dimension, f"{where}: {namespace} {name} is selected by {dimension}, not {dim_name}"
        target = _resource_of(dim_value)
        assert target in RESOURCES, f"{where}: {dim_value} names no resource of the stack"
        assert RESOURCES[target]["Type"] in types, f"{where}: {dim_value} is not a {types}"
    else:
        assert namespace == NAMESPACE, f"{where}: namespace {namespace} is not the functions' {NAMESPACE}"
        assert dim_name == "service", where
        assert (dim_value, name) in totals, f"{where}: no function emits {name} with service={dim_value}"


def test_every_metric_an_alarm_the_dashboard_or_a_doc_names_is_emitted(env, monkeypatch, capsys):
    totals = all_emitted(env, monkeypatch, capsys)
    names = {name for _, name in totals}
    for alarm, namespace, name, dim_name, dim_value in alarm_metrics():
        check_metric(alarm, namespace, name, dim_name, dim_value, totals)
    for namespace, name, dim_name, dim_value in dashboard_metrics():
        check_metric("Dashboard", namespace, name, dim_name, dim_value, totals)

    docs = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    named = set()
    for doc in docs:
        named |= set(re.findall(r"`([A-Z][A-Za-z0-9]+)` metric", doc.read_text()))
    assert named, "the docs name metrics; the pattern must find them"
    assert named <= names, f"named in the docs but never emitted: {sorted(named - names)}"


def test_the_dashboard_shows_what_the_runbook_looks_at():
    shown = {(namespace, name, _resource_of(value) or value) for namespace, name, _, value in dashboard_metrics()}
    for wanted in [
        ("AWS/ApiGateway", "4xx", "HttpApi"),
        ("AWS/ApiGateway", "5xx", "HttpApi"),
        ("AWS/ApiGateway", "Latency", "HttpApi"),
        ("AWS/SQS", "ApproximateNumberOfMessagesVisible", "Queue"),
        ("AWS/SQS", "ApproximateAgeOfOldestMessage", "Queue"),
        ("AWS/SQS", "ApproximateNumberOfMessagesVisible", "DeadLetterQueue"),
        (NAMESPACE, "RecordFailed", "processor"),
        (NAMESPACE, "EndToEndAge", "processor"),
        (NAMESPACE, "DuplicateSkipped", "processor"),
        (NAMESPACE, "StaleSkipped", "processor"),
    ]:
        assert wanted in shown, f"the dashboard lacks {wanted}"


def alarms() -> dict[str, dict]:
    kinds = ("AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm")
    return {name: r for name, r in RESOURCES.items() if r["Type"] in kinds}


def test_every_alarm_links_to_a_runbook_section_named_after_it():
    runbook = (ROOT / "docs" / "runbook.md").read_text()
    sections = set(re.findall(r"^## (\S+)", runbook, re.MULTILINE))
    for logical_id, alarm in alarms().items():
        props = alarm["Properties"]
        suffix = props["AlarmName"]["Fn::Sub"].removeprefix("${AWS::StackName}-")
        [section] = re.findall(r"docs/runbook\.md#([a-z0-9-]+)", props["AlarmDescription"])
        # A burn-rate window alarm (slo-burn-page-1h) links to its composite's section (slo-burn-page).
        assert suffix == section or suffix.startswith(section + "-"), (logical_id, section)
        assert section in sections, f"the runbook lacks a section for {logical_id} ({section})"


def test_every_alarm_notifies_the_topic_itself_or_through_a_composite():
    composites = {n: a for n, a in alarms().items() if a["Type"] == "AWS::CloudWatch::CompositeAlarm"}
    inside = set()
    for name, composite in composites.items():
        assert composite["Properties"]["AlarmActions"] == [{"Ref": "AlarmTopic"}], name
        inside |= set(re.findall(r'ALARM\("\$\{(\w+)\}"\)', composite["Properties"]["AlarmRule"]["Fn::Sub"]))
    for name, alarm in alarms().items():
        if alarm["Type"] == "AWS::CloudWatch::Alarm":
            notifies = alarm["Properties"].get("AlarmActions") == [{"Ref": "AlarmTopic"}]
            assert notifies != (name in inside), f"{name} must notify either itself or through one composite"


def test_a_misconfigured_secret_has_its_own_alarm():
    # A 500 from a bad secret is an answer, not a Lambda error: ingest-errors stays quiet, so this must not.
    targets = {(name, value) for _, ns, name, _, value in alarm_metrics() if ns == NAMESPACE}
    assert ("SecretMisconfigured", "ingest") in targets
    if (ROOT / "src" / "redeliver.py").exists():
        assert ("RedeliveryGaveUp", "redeliver") in targets


def test_failed_records_are_logged_at_error_with_delivery_id_and_exception(env, monkeypatch, caplog):
    run_every_path(env, monkeypatch)
    failures = [r for r in caplog.records if r.getMessage() == "record failed"]
    assert failures
    for record in failures:
        assert record.levelname == "ERROR"
        assert record.exc_info is not None
    assert "evt_poison" in {getattr(r, "delivery_id", None) for r in failures}
