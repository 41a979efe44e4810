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


def body_of(env, message: dict) -> bytes:
    """The body a queued message points to in the payload bucket."""
    key = message["MessageAttributes"]["payload_key"]["StringValue"]
    return env.s3.get_object(Bucket=env.urls["PayloadBucket"], Key=key)["Body"].read()


def test_signed_delivery_is_queued_with_its_id(env, deliver):
    answer = deliver("evt_ok")
    assert answer["statusCode"] == 202
    assert json.loads(answer["body"]) == {"id": "evt_ok", "status": "queued"}
    [message] = queued(env)
    assert message["MessageAttributes"]["delivery_id"]["StringValue"] == "evt_ok"
    assert message["MessageAttributes"]["scheme"]["StringValue"] == env.scheme
    assert json.loads(body_of(env, message))["data"] == {"amount": 4200}


def test_the_body_goes_to_the_bucket_and_the_queue_carries_its_key(env, deliver):
    import hashlib

    assert deliver("evt_s3")["statusCode"] == 202
    [message] = queued(env)
    body = body_of(env, message)
    # Named by its content, so a body once written is never replaced by another under the same name.
    assert message["Body"] == f"payloads/{hashlib.sha256(body).hexdigest()}.json"
    assert message["MessageAttributes"]["payload_key"]["StringValue"] == message["Body"]
    assert len(message["Body"]) < 100  # the queue carries a key, whatever the payload's size


def test_bucket_failure_gets_503_and_nothing_is_queued(env, monkeypatch):
    monkeypatch.setenv("PAYLOAD_BUCKET", "no-such-bucket")
    answer = env.post(*make_delivery(env.scheme, "evt_1"), now=NOW)
    assert answer["statusCode"] == 503
    assert answer["headers"]["retry-after"] == "30"
    assert queued(env) == []


def test_body_is_queued_byte_for_byte(env):
    document = b'{"data":  {"amount": 1},\n "type": "spaced.out", "id": "evt_raw"}'
    headers, _ = make_delivery(env.scheme, "evt_raw")
    # Re-sign the odd-looking body exactly as sent.
    import signatures

    headers = signatures.sign_headers(env.scheme, env.secret, document, "evt_raw", NOW, "spaced.out")
    assert env.post(headers, document, now=NOW)["statusCode"] == 202
    assert body_of(env, queued(env)[0]) == document


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


def _put_secret(env, value: str) -> None:
    import ingest

    env.secrets.put_secret_value(SecretId=env.urls["Secret"], SecretString=value)
    ingest.reset_clients()  # the deployed function picks the new value up within SECRET_CACHE_SECONDS


def _rotation_secrets(scheme: str) -> tuple[str, str]:
    if scheme == "standard-webhooks":
        # whsec_ secrets are base64; the new one is unpadded, as the reference library allows.
        return (
            "whsec_" + base64.b64encode(b"the old secret of 32 bytes, ok!!").decode(),
            "whsec_" + base64.b64encode(b"a new secret, 25 bytes !!").decode().rstrip("="),
        )
    # GitHub and Stripe secrets are text: spaces included, each is one secret.
    return "the old secret, with spaces", "It's a Secret to Everybody"


def test_secret_rotation_in_secrets_manager_without_downtime(env):
    import signatures

    old, new = _rotation_secrets(env.scheme)
    _put_secret(env, signatures.secret_document(old))
    signed = {s: make_delivery(env.scheme, f"evt_{i}", secret=s) for i, s in enumerate((old, new))}
    assert env.post(*signed[old], now=NOW)["statusCode"] == 202
    assert env.post(*signed[new], now=NOW)["statusCode"] == 401
    # Step 2 of docs/runbook.md: both accepted while the sender switches.
    _put_secret(env, signatures.secret_document(new, previous=old))
    assert env.post(*signed[old], now=NOW)["statusCode"] == 202
    assert env.post(*signed[new], now=NOW)["statusCode"] == 202
    # Step 3: the old one dropped.
    _put_secret(env, signatures.secret_document(new))
    assert env.post(*signed[new], now=NOW)["statusCode"] == 202
    assert env.post(*signed[old], now=NOW)["statusCode"] == 401


def test_a_secret_stored_in_the_old_space_separated_form_is_a_logged_500(env, caplog):
    old, new = _rotation_secrets(env.scheme)
    _put_secret(env, f"{new} {old}")
    answer = env.post(*make_delivery(env.scheme, "evt_1", secret=new), now=NOW)
    assert answer["statusCode"] == 500
    assert json.loads(answer["body"])["error"] == "signing_secret_misconfigured"
    [record] = [r for r in caplog.records if r.getMessage() == "signing secret misconfigured"]
    assert record.levelname == "ERROR"
    assert queued(env) == []


@pytest.mark.parametrize("body", [b"[1, 2]", b'"a string"', b"plain text", b""])
def test_signed_body_that_is_not_a_json_object_gets_400_and_nothing_is_queued(env, body):
    import signatures

    headers = signatures.sign_headers(env.scheme, env.secret, body, "evt_bad", NOW)
    answer = env.post(headers, body, now=NOW)
    assert answer["statusCode"] == 400
    assert json.loads(answer["body"])["error"] == "body_not_json_object"
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


def test_form_encoded_delivery_is_decoded_for_github_and_415_for_others(env):
    from urllib.parse import urlencode

    import signatures

    payload = '{"action": "opened", "type": "issues", "id": "evt_form", "repository": {"full_name": "octo/repo"}}'
    body = urlencode({"payload": payload}).encode()
    headers = signatures.sign_headers(env.scheme, env.secret, body, "evt_form", NOW, "issues")
    headers = {k: v for k, v in headers.items() if k.lower() != "content-type"}
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    answer = env.post(headers, body, now=NOW)  # arrives base64-encoded, as from a real HTTP API
    if env.scheme == "github":
        assert answer["statusCode"] == 202
        [message] = queued(env)
        assert body_of(env, message) == payload.encode()
    else:
        assert answer["statusCode"] in (400, 415)  # Stripe reads its id from the body before the media check
        assert queued(env) == []


@pytest.mark.parametrize(
    "value",
    ["octo/repo", "a b", "café", "x" * 129, "tab\there", "emoji-\U0001f600", ""],
)
def test_fifo_group_ids_are_always_valid(value):
    import re

    import ingest

    group = ingest.safe_group_id(value)
    assert re.fullmatch(r"[!-~]{1,128}", group), group
    assert ingest.safe_group_id(value) == group  # same object, same group
    if re.fullmatch(r"[!-~]{1,128}", value):
        assert group == value


def test_distinct_long_ids_get_distinct_groups():
    import ingest

    assert ingest.safe_group_id("x" * 200 + "1") != ingest.safe_group_id("x" * 200 + "2")
