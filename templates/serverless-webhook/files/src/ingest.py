"""Ingest function: HTTP API -> verify -> S3 + SQS -> 202.

It does the least work that makes a delivery safe: size check, signature check
on the raw bytes, one PutObject of the body (its key is the SHA-256 of the body,
so an object never changes once written) and one SendMessage of that key. Everything slow happens in the processor, so
the sender gets its answer well inside its timeout (GitHub waits 10 seconds).

Answers:
  202 queued (also for a repeat of a delivery already seen: the processor dedupes)
  400 missing or malformed signature headers, Stripe body without an id
      (after a valid signature) a body that is not a JSON object: body_not_json_object
  401 signature mismatch, stale or future timestamp
  413 body larger than MAX_BODY_BYTES
  415 a form-encoded body from a sender other than GitHub
  500 the stored signing secret is not a valid document (logged at ERROR): fix the secret
  503 the bucket or the queue refused the delivery: the sender should retry, no sooner than Retry-After seconds
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import os
import re
import time

import boto3
from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities import parameters
from botocore.exceptions import BotoCoreError, ClientError

import signatures

# The service name is also the metric dimension the alarms in template.yaml select on.
logger = Logger(service="ingest")
metrics = Metrics(service="ingest")

SECRET_CACHE_SECONDS = 300
# Sent with a 503: how long a sender should wait before retrying a delivery that could not be queued.
RETRY_AFTER_SECONDS = 30


def _settings() -> dict:
    return {
        "scheme": os.environ["SIGNATURE_SCHEME"],
        "queue_url": os.environ["QUEUE_URL"],
        "bucket": os.environ["PAYLOAD_BUCKET"],
        "secret_id": os.environ["SIGNING_SECRET_ARN"],
        "tolerance": int(os.environ.get("SIGNATURE_TOLERANCE_SECONDS", signatures.DEFAULT_TOLERANCE_SECONDS)),
        "max_body": int(os.environ.get("MAX_BODY_BYTES", 262144)),
        "fifo": os.environ["QUEUE_URL"].endswith(".fifo"),
    }


@functools.cache
def _sqs():
    return boto3.client("sqs")


@functools.cache
def _s3():
    return boto3.client("s3")


def reset_clients() -> None:
    """Forget cached clients, secrets and unflushed metrics (tests start a fresh moto account per test)."""
    metrics.clear_metrics()
    _sqs.cache_clear()
    _s3.cache_clear()
    parameters.clear_caches()


def _secrets(secret_id: str) -> list[str]:
    # Raises signatures.SecretConfigError when the value is not {"current": ..., "previous": ...}.
    value = parameters.get_secret(secret_id, max_age=SECRET_CACHE_SECONDS)
    return signatures.parse_secrets(value)


def _answer(status: int, body: dict, headers: dict | None = None) -> dict:
    return {
        "statusCode": status,
        "headers": {"content-type": "application/json", **(headers or {})},
        "body": json.dumps(body, sort_keys=True),
    }


def _raw_body(event: dict) -> bytes:
    body = event.get("body") or ""
    if event.get("isBase64Encoded"):
        return base64.b64decode(body)
    return body.encode("utf-8")


# MessageGroupId: 1-128 characters, alphanumerics and ASCII punctuation (no spaces, nothing outside ASCII).
_SAFE_GROUP = re.compile(r"[!-~]{1,128}")


def safe_group_id(value: str) -> str:
    """A valid MessageGroupId for any text: kept when SQS accepts it, else a SHA-256 of it (same text, same group)."""
    if _SAFE_GROUP.fullmatch(value):
        return value
    return "sha256-" + hashlib.sha256(value.encode("utf-8")).hexdigest()


def _group_id(delivery: signatures.Delivery, text: str) -> str:
    """FIFO message group: deliveries about the same object stay in order, others run in parallel."""
    return safe_group_id(_group_source(delivery, text))


def _group_source(delivery: signatures.Delivery, text: str) -> str:
    try:
        document = json.loads(text)
    except ValueError:
        document = {}
    if isinstance(document, dict):
        for path in (("data", "object", "id"), ("repository", "full_name"), ("data", "id"), ("subject",)):
            node = document
            for part in path:
                node = node.get(part) if isinstance(node, dict) else None
            if isinstance(node, str) and node:
                return node
    return delivery.event_type or "default"


def payload_key(text: str) -> str:
    """Where a body is stored: named by its content, so a later delivery can never replace an earlier one's body."""
    return "payloads/" + hashlib.sha256(text.encode("utf-8")).hexdigest() + ".json"


def enqueue(settings: dict, delivery: signatures.Delivery, text: str, received_ms: int) -> None:
    key = payload_key(text)
    # The bucket's default encryption (the stack's key) applies; the object expires by the bucket's lifecycle rule.
    _s3().put_object(Bucket=settings["bucket"], Key=key, Body=text.encode("utf-8"), ContentType="application/json")
    attributes = {
        "payload_key": {"DataType": "String", "StringValue": key},
        "delivery_id": {"DataType": "String", "StringValue": delivery.delivery_id},
        "scheme": {"DataType": "String", "StringValue": settings["scheme"]},
        # Travels with the message through the DLQ and any replay, unlike SentTimestamp.
        "received_at": {"DataType": "Number", "StringValue": str(received_ms)},
    }
    if delivery.event_type:
        attributes["event_type"] = {"DataType": "String", "StringValue": delivery.event_type}
    request = {"QueueUrl": settings["queue_url"], "MessageBody": key, "MessageAttributes": attributes}
    if settings["fifo"]:
        request["MessageGroupId"] = _group_id(delivery, text)
        # SQS dedupes identical ids for 5 minutes; the idempotency table covers the days after that.
        request["MessageDeduplicationId"] = hashlib.sha256(delivery.delivery_id.encode()).hexdigest()
    _sqs().send_message(**request)


def handle(event: dict, now: int | None = None) -> dict:
    settings = _settings()
    now = int(time.time()) if now is None else now
    try:
        body = _raw_body(event)
    except ValueError:
        return _answer(400, {"error": "body is not valid base64"})
    if len(body) > settings["max_body"]:
        metrics.add_metric(name="PayloadTooLarge", unit=MetricUnit.Count, value=1)
        return _answer(413, {"error": f"body larger than {settings['max_body']} bytes"})
    try:
        delivery = signatures.verify(
            settings["scheme"],
            event.get("headers"),
            body,
            _secrets(settings["secret_id"]),
            now=now,
            tolerance=settings["tolerance"],
        )
    except signatures.SignatureError as exc:
        # A Stripe body is read for its event id after its signature matched: a bad one is a payload reject.
        name = "PayloadRejected" if isinstance(exc, signatures.MalformedPayload) else "SignatureRejected"
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=1)
        logger.warning("delivery refused", extra={"reason": exc.reason, "detail": str(exc)})
        return _answer(exc.status, {"error": exc.reason})
    except signatures.SecretConfigError as exc:
        # Every delivery fails until the secret is fixed; a 5xx lets senders that retry try again later.
        metrics.add_metric(name="SecretMisconfigured", unit=MetricUnit.Count, value=1)
        logger.error("signing secret misconfigured", extra={"detail": str(exc)})
        return _answer(500, {"error": "signing_secret_misconfigured"})
    # From here on the sender is proven: every log line, a refusal included, names its delivery.
    logger.append_keys(delivery_id=delivery.delivery_id)
    try:
        text = signatures.json_document(settings["scheme"], event.get("headers"), body)
    except signatures.SignatureError as exc:
        metrics.add_metric(name="PayloadRejected", unit=MetricUnit.Count, value=1)
        logger.warning("delivery refused", extra={"reason": exc.reason, "detail": str(exc)})
        return _answer(exc.status, {"error": exc.reason})
    try:
        enqueue(settings, delivery, text, received_ms=now * 1000)
    except (ClientError, BotoCoreError):
        logger.exception("enqueue failed")
        metrics.add_metric(name="EnqueueFailed", unit=MetricUnit.Count, value=1)
        retry = {"retry-after": str(RETRY_AFTER_SECONDS)}
        return _answer(503, {"error": "could not queue the delivery, retry later"}, retry)
    metrics.add_metric(name="DeliveryAccepted", unit=MetricUnit.Count, value=1)
    logger.info("delivery queued", extra={"event_type": delivery.event_type})
    return _answer(202, {"id": delivery.delivery_id, "status": "queued"})


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict, context) -> dict:
    return handle(event)
