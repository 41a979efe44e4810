"""The metrics and log lines the alarms, the dashboard and the docs rely on, captured from the handlers' output."""

from __future__ import annotations

import importlib
import json
import re
import time

from conftest import make_delivery

from local_env import ROOT, FakeContext


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

    headers, body = make_delivery(env.scheme, "evt_ok", now=now)
    assert post(headers, body) == 202
    assert post(headers, body.replace(b"4200", b"1")) == 401  # SignatureRejected
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
    # The same delivery again, as a redrive or replay brings it (a FIFO queue would drop a repeat POST itself).
    [accepted] = env.sqs.receive_message(
        QueueUrl=env.urls["Queue"], MessageAttributeNames=["All"], VisibilityTimeout=0
    )["Messages"]
    env.sqs.send_message(
        QueueUrl=env.urls["Queue"],
        MessageBody=accepted["Body"],
        MessageAttributes=accepted["MessageAttributes"],
        **({"MessageGroupId": "g", "MessageDeduplicationId": "again"} if env.fifo else {}),
    )
    # A poison message straight onto the queue: fails in the processor.
    env.sqs.send_message(
        QueueUrl=env.urls["Queue"],
        MessageBody="not json",
        MessageAttributes={"delivery_id": {"DataType": "String", "StringValue": "evt_poison"}},
        **({"MessageGroupId": "g", "MessageDeduplicationId": "p"} if env.fifo else {}),
    )
    for _ in range(4):
        env.pump_once()


def test_every_metric_an_alarm_or_a_doc_names_is_emitted(env, monkeypatch, capsys):
    run_every_path(env, monkeypatch)
    totals = emitted(capsys.readouterr().out)
    names = {name for _, name in totals}
    assert totals[("ingest", "DeliveryAccepted")] == 1
    assert totals[("processor", "DeliveryApplied")] == 1
    assert totals[("processor", "DuplicateSkipped")] >= 1
    assert totals[("processor", "RecordFailed")] >= 1
    assert ("processor", "EndToEndAge") in totals

    from local_env import load_template

    for logical_id, resource in load_template()["Resources"].items():
        props = resource["Properties"]
        if resource["Type"] == "AWS::CloudWatch::Alarm" and not str(props.get("Namespace", "")).startswith("AWS/"):
            [dimension] = props["Dimensions"]
            assert (dimension["Value"], props["MetricName"]) in totals, logical_id

    docs = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    named = set()
    for doc in docs:
        named |= set(re.findall(r"`([A-Z][A-Za-z0-9]+)` metric", doc.read_text()))
    # The redelivery job's own metrics are checked in tests/test_redeliver.py (GitHub projects).
    named = {n for n in named if not n.startswith("Redelivery")}
    assert named, "the docs name metrics; the pattern must find them"
    assert named <= names, f"named in the docs but never emitted: {sorted(named - names)}"


def test_failed_records_are_logged_at_error_with_delivery_id_and_exception(env, monkeypatch, caplog):
    run_every_path(env, monkeypatch)
    failures = [r for r in caplog.records if r.getMessage() == "record failed"]
    assert failures
    for record in failures:
        assert record.levelname == "ERROR"
        assert record.exc_info is not None
    assert "evt_poison" in {getattr(r, "delivery_id", None) for r in failures}
