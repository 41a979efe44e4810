"""The ingest function's answers, against the deployed scheme and a moto queue."""

from __future__ import annotations

import base64
import json

import pytest
from conftest import NOW, make_delivery


def queued(env) -> list[dict]:
    return env.sqs.receive_message(
        QueueUrl=env.urls["Queue"], MaxNumberOfMessages=10, MessageAttributeNames=["All"]
    ).get("Messages", [])


def test_signed_delivery_is_queued_with_its_id(env, deliver):
    answer = deliver("evt_ok")
    assert answer["statusCode"] == 202
    assert json.loads(answer["body"]) == {"id": "evt_ok", "status": "queued"}
    [message] = queued(env)
    assert message["MessageAttributes"]["delivery_id"]["StringValue"] == "evt_ok"
    assert message["MessageAttributes"]["scheme"]["StringValue"] == env.scheme
    assert json.loads(message["Body"])["data"] == {"amount": 4200}


def test_body_is_queued_byte_for_byte(env):
    document = b'{"data":  {"amount": 1},\n "type": "spaced.out", "id": "evt_raw"}'
    headers, _ = make_delivery(env.scheme, "evt_raw")
    # Re-sign the odd-looking body exactly as sent.
    import signatures

    headers = signatures.sign_headers(env.scheme, env.secret, document, "evt_raw", NOW, "spaced.out")
    assert env.post(headers, document, now=NOW)["statusCode"] == 202
    assert queued(env)[0]["Body"].encode() == document


def test_base64_encoded_body_from_api_gateway_is_decoded_before_verifying(env):
    import ingest

    headers, body = make_delivery(env.scheme, "evt_b64")
    event = {"headers": headers, "body": base64.b64encode(body).decode(), "isBase64Encoded": True}
    assert ingest.handle(event, now=NOW)["statusCode"] == 202


def test_missing_signature_headers_get_400(env):
    _, body = make_delivery(env.scheme, "evt_1")
    answer = env.post({"content-type": "application/json"}, body, now=NOW)
    assert answer["statusCode"] == 400
    assert json.loads(answer["body"])["error"] == "missing_header"
    assert queued(env) == []


def test_tampered_body_gets_401_and_nothing_is_queued(env):
    headers, body = make_delivery(env.scheme, "evt_1")
    answer = env.post(headers, body.replace(b"4200", b"1"), now=NOW)
    assert answer["statusCode"] == 401
    assert queued(env) == []


def test_secret_rotation_in_secrets_manager(env):
    new_secret = "whsec_" + base64.b64encode(b"a-brand-new-secret-of-32-bytes!!").decode()
    headers, body = make_delivery(env.scheme, "evt_new", secret=new_secret)
    assert env.post(headers, body, now=NOW)["statusCode"] == 401
    env.secrets.put_secret_value(SecretId=env.urls["Secret"], SecretString=f"{new_secret} {env.secret}")
    import ingest

    ingest.reset_clients()  # the deployed function picks the new value up within SECRET_CACHE_SECONDS
    assert env.post(headers, body, now=NOW)["statusCode"] == 202
    old_headers, old_body = make_delivery(env.scheme, "evt_old")
    assert env.post(old_headers, old_body, now=NOW)["statusCode"] == 202


def test_stale_and_future_timestamps_get_401(env):
    if env.scheme == "github":
        pytest.skip("GitHub signs no timestamp; replay protection is the delivery id dedupe")
    headers, body = make_delivery(env.scheme, "evt_old", now=NOW - 3600)
    assert env.post(headers, body, now=NOW)["statusCode"] == 401
    headers, body = make_delivery(env.scheme, "evt_future", now=NOW + 3600)
    assert env.post(headers, body, now=NOW)["statusCode"] == 401
    assert queued(env) == []


def test_oversized_body_gets_413_before_any_verification(env, monkeypatch):
    monkeypatch.setenv("MAX_BODY_BYTES", "1024")
    headers, body = make_delivery(env.scheme, "evt_big", document={"type": "big", "blob": "x" * 2048})
    answer = env.post(headers, body, now=NOW)
    assert answer["statusCode"] == 413
    assert queued(env) == []


def test_queue_failure_gets_503_so_the_sender_retries(env, monkeypatch):
    monkeypatch.setenv("QUEUE_URL", env.urls["Queue"] + "-gone")
    headers, body = make_delivery(env.scheme, "evt_1")
    assert env.post(headers, body, now=NOW)["statusCode"] == 503


def test_rejects_emit_the_metric_the_alarm_watches(env, capsys):
    import importlib
    import time

    import ingest
    from local_env import FakeContext

    ingest = importlib.reload(ingest)  # as a cold start: Metrics reads its namespace from the function settings
    headers, body = make_delivery(env.scheme, "evt_1", now=int(time.time()))
    event = {"headers": headers, "body": body.decode().replace("4200", "1"), "isBase64Encoded": False}
    assert ingest.handler(event, FakeContext("ingest", 10))["statusCode"] == 401
    emitted = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    [metrics] = [m for m in emitted if "SignatureRejected" in m]
    alarm = env.resources["SignatureRejectsAlarm"]["Properties"]
    directive = metrics["_aws"]["CloudWatchMetrics"][0]
    assert directive["Namespace"] == alarm["Namespace"]
    assert alarm["MetricName"] in [m["Name"] for m in directive["Metrics"]]
    for dimension in alarm["Dimensions"]:
        assert metrics[dimension["Name"]] == dimension["Value"]
