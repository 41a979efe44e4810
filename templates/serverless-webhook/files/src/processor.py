"""Processor function: SQS batch -> apply each delivery exactly once -> DynamoDB.

Guarantees, and what gives them:
  at-least-once in   a record is deleted from the queue only when it succeeded;
                     failures are reported per record (ReportBatchItemFailures)
                     and come back after the visibility timeout, then go to the
                     DLQ after maxReceiveCount receives.
  exactly-once effect  Powertools idempotency keyed on the sender's delivery id
                     (never the SQS message id: a redrive gives a new one) with
                     a window of IDEMPOTENCY_TTL_SECONDS; after it, the event
                     record and the state are written in ONE DynamoDB
                     transaction, conditional on the event record not existing,
                     so a repeat changes nothing and is counted DuplicateSkipped.
  only if newer      the state table keeps, per object, the newest version seen;
                     the same transaction writes it only if there is no item yet
                     or the stored version is older, so an older delivery that
                     arrives late (a retry, a replay, a standard queue's
                     reordering) is recorded as not applied (StaleSkipped).
  replay-proof       a sender that signs no timestamp (GitHub) proves only its
                     body: the transaction also puts a guard keyed on the body's
                     SHA-256 that never expires, so that body never applies twice,
                     whatever delivery id it comes back under and however late.

Payloads: ingest stores each body in S3 (PAYLOAD_BUCKET) and queues its key; the
processor reads it there. The event record holds the key, not the body, and
expires (EVENT_TTL_DAYS) with the object (the bucket's lifecycle rule).

Tracing: the functions run with `Tracing: Active` (Lambda records its own segment)
and use no X-Ray SDK, which is in maintenance mode (docs/adr/0006-tracing-without-the-x-ray-sdk.md).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import time
from datetime import datetime

import boto3
from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    SqsFifoPartialProcessor,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from boto3.dynamodb.types import TypeSerializer
from botocore.exceptions import ClientError

from senders import SENDERS

# The service name is also the metric dimension the alarms in template.yaml select on.
logger = Logger(service="processor")
metrics = Metrics(service="processor")

SEVEN_DAYS = 7 * 24 * 3600
# Events-table key of the guard that marks a body of a sender without signed timestamps as applied.
BODY_GUARD_PREFIX = "body-sha256:"
_SERIALIZER = TypeSerializer()


class PoisonDelivery(Exception):
    """A delivery that fails the same way on every attempt; it ends in the DLQ."""


def idempotency_config() -> IdempotencyConfig:
    return IdempotencyConfig(
        event_key_jmespath="delivery_id",
        raise_on_no_idempotency_key=True,
        expires_after_seconds=int(os.environ.get("IDEMPOTENCY_TTL_SECONDS", SEVEN_DAYS)),
    )


CONFIG = idempotency_config()


@functools.cache
def _dynamodb():
    return boto3.client("dynamodb")


@functools.cache
def _s3():
    return boto3.client("s3")


@functools.cache
def _batch_processor():
    if os.environ.get("QUEUE_TYPE") == "fifo":
        # Stop a message group at its first failure so later events of that group
        # are not applied before an earlier one; other groups carry on.
        return SqsFifoPartialProcessor(skip_group_on_error=True)
    return BatchProcessor(event_type=EventType.SQS)


def apply_business_rules(delivery: dict) -> dict:
    """Turn a delivery into the item to store. Put your domain logic here.

    Raise PoisonDelivery for input that can never succeed; any other exception
    is treated the same way by SQS (retry, then DLQ) but reads as a bug.
    """
    try:
        payload = json.loads(delivery["body"])
    except ValueError as exc:
        raise PoisonDelivery("body is not JSON") from exc
    if not isinstance(payload, dict):
        raise PoisonDelivery("body is not a JSON object")
    version, version_source = event_version(delivery, payload)
    return {
        "delivery_id": delivery["delivery_id"],
        "event_type": delivery["event_type"] or str(payload.get("type", "")),
        "scheme": delivery["scheme"],
        "first_received_at": delivery["first_received_at"],
        "object_key": object_key(payload, delivery["event_type"]),
        "version": version,
        "version_source": version_source,
        "payload_key": delivery["payload_key"],
        "payload_bytes": len(delivery["body"].encode("utf-8")),
        "body_sha256": hashlib.sha256(delivery["body"].encode("utf-8")).hexdigest(),
    }


# The object an event is about: the same paths, in the same order, as the FIFO message group in
# src/ingest.py, so on a FIFO queue one object's state is written by one group, in order.
OBJECT_PATHS = (("data", "object", "id"), ("repository", "full_name"), ("data", "id"), ("subject",))
# DynamoDB partition keys hold at most 2,048 bytes; longer keys are replaced by their SHA-256.
MAX_KEY_CHARS = 512


def object_key(payload: dict, event_type: str) -> str:
    for path in OBJECT_PATHS:
        node = payload
        for part in path:
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, str) and node:
            break
    else:
        node = event_type or "default"
    if len(node) > MAX_KEY_CHARS:
        return "sha256-" + hashlib.sha256(node.encode("utf-8")).hexdigest()
    return node


def event_version(delivery: dict, payload: dict) -> tuple[int, str]:
    """The event's own time in milliseconds, and where it came from; later wins in the state table.

    stripe             `created` (Unix seconds; two events of one second tie, and the first applied stays)
    standard-webhooks  the payload's `timestamp` (RFC 3339), not the webhook-timestamp header (a retry renews it)
    otherwise          `received_at`: when ingest first accepted the delivery. GitHub payloads carry no event
                       time, so for GitHub this orders by arrival: a delivery GitHub redelivers later counts as newer.
    """
    scheme = delivery["scheme"]
    if scheme == "stripe" and type(payload.get("created")) is int:
        return payload["created"] * 1000, "created"
    if scheme == "standard-webhooks" and isinstance(payload.get("timestamp"), str):
        try:
            moment = datetime.fromisoformat(payload["timestamp"])
        except ValueError:
            moment = None
        if moment is not None and moment.tzinfo is not None:
            return int(moment.timestamp() * 1000), "timestamp"
    return int(delivery["first_received_at"]), "received_at"


def _put(table: str, item: dict, condition: str, names: dict, values: dict | None = None) -> dict:
    put = {
        "TableName": table,
        "Item": {k: _SERIALIZER.serialize(v) for k, v in item.items()},
        "ConditionExpression": condition,
        "ExpressionAttributeNames": names,
    }
    if values:
        put["ExpressionAttributeValues"] = {k: _SERIALIZER.serialize(v) for k, v in values.items()}
    return {"Put": put}


def _event_put(item: dict, applied: bool) -> dict:
    ttl_seconds = int(os.environ["EVENT_TTL_DAYS"]) * 24 * 3600
    record = {k: v for k, v in item.items() if k != "body_sha256"}
    record["applied"] = applied
    # DynamoDB's TTL deletes the record (within days of this time) when its payload's lifecycle rule deletes the body.
    record["expires_at"] = int(item["first_received_at"]) // 1000 + ttl_seconds
    return _put(os.environ["EVENTS_TABLE"], record, "attribute_not_exists(#k)", {"#k": "delivery_id"})


def _guard_puts(item: dict) -> list[dict]:
    """A never-expiring guard for a body whose signature proves no time (GitHub): it applies once, ever."""
    sender = SENDERS.get(item["scheme"])
    if sender is None or sender.SIGNS_TIMESTAMP:
        return []
    guard = {"delivery_id": BODY_GUARD_PREFIX + item["body_sha256"], "first_delivery_id": item["delivery_id"]}
    return [_put(os.environ["EVENTS_TABLE"], guard, "attribute_not_exists(#k)", {"#k": "delivery_id"})]


def _state_put(item: dict) -> dict:
    state = {k: item[k] for k in ("object_key", "version", "version_source", "delivery_id", "event_type")}
    return _put(
        os.environ["STATE_TABLE"],
        state,
        "attribute_not_exists(#k) OR #v < :v",
        {"#k": "object_key", "#v": "version"},
        {":v": item["version"]},
    )


def _transact(puts: list[dict]) -> list[str]:
    """Write all or nothing. [] when written; else each put's cancellation code ("None" for the ones that held)."""
    try:
        _dynamodb().transact_write_items(TransactItems=puts)
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "TransactionCanceledException":
            raise
        codes = [reason.get("Code", "None") for reason in exc.response.get("CancellationReasons", [])]
        if not codes or any(code not in ("None", "ConditionalCheckFailed") for code in codes):
            raise  # a conflict with a concurrent transaction or a throttle: SQS retries the record
        return codes
    return []


def _state_holds(item: dict) -> bool:
    """Whether the object's state is this very delivery (its event record has expired since it was applied)."""
    key = {"object_key": _SERIALIZER.serialize(item["object_key"])}
    state = _dynamodb().get_item(TableName=os.environ["STATE_TABLE"], Key=key, ConsistentRead=True).get("Item", {})
    return state.get("delivery_id", {}).get("S") == item["delivery_id"]


def record_event(item: dict) -> str:
    """Record the delivery and apply it to its object's state in one transaction: "applied", "stale" or "duplicate".

    "duplicate" means nothing was written: its event record (or, for GitHub, its body's guard) already exists,
    or the state already is this delivery. A stale delivery is recorded as not applied; the state is untouched.
    """
    guards = _guard_puts(item)
    codes = _transact([_event_put(item, applied=True), *guards, _state_put(item)])
    if not codes:
        return "applied"
    if "ConditionalCheckFailed" in codes[:-1] or _state_holds(item):
        return "duplicate"
    # Only the state's condition failed: the state holds a newer version. Record the delivery as not applied.
    if _transact([_event_put(item, applied=False), *guards]):
        return "duplicate"  # a concurrent copy of this delivery recorded it first
    return "stale"


# Counts calls of apply_delivery, so record_handler can tell a delivery the idempotency
# layer answered from its store (a duplicate inside the window) from one it applied.
_applied = {"calls": 0}


def apply_delivery(delivery: dict) -> dict:
    _applied["calls"] += 1
    item = apply_business_rules(delivery)
    outcome = record_event(item)
    if outcome == "duplicate":
        metrics.add_metric(name="DuplicateSkipped", unit=MetricUnit.Count, value=1)
        return {"delivery_id": delivery["delivery_id"], "written": False, "applied": False}
    # From the sender's first attempt reaching ingest to the write, across retries and replays.
    age_ms = max(0, int(time.time() * 1000) - int(delivery["first_received_at"]))
    metrics.add_metric(name="EndToEndAge", unit=MetricUnit.Milliseconds, value=age_ms)
    if outcome == "applied":
        metrics.add_metric(name="DeliveryApplied", unit=MetricUnit.Count, value=1)
    else:
        metrics.add_metric(name="StaleSkipped", unit=MetricUnit.Count, value=1)
        extra = {"object_key": item["object_key"], "version": item["version"]}
        logger.info("stale delivery skipped: the state holds a newer version", extra=extra)
    return {"delivery_id": delivery["delivery_id"], "written": True, "applied": outcome == "applied"}


@functools.cache
def _idempotent_apply():
    persistence = DynamoDBPersistenceLayer(table_name=os.environ["IDEMPOTENCY_TABLE"])
    return idempotent_function(
        data_keyword_argument="delivery",
        config=CONFIG,
        persistence_store=persistence,
    )(apply_delivery)


def reset_clients() -> None:
    """Forget cached clients and unflushed metrics (tests start a fresh moto account per test)."""
    metrics.clear_metrics()
    _dynamodb.cache_clear()
    _s3.cache_clear()
    _batch_processor.cache_clear()
    _idempotent_apply.cache_clear()


def delivery_from_record(record: SQSRecord) -> dict:
    attributes = record.message_attributes
    delivery_id = attributes["delivery_id"].string_value if "delivery_id" in attributes else None
    if not delivery_id:
        raise PoisonDelivery("message has no delivery_id attribute")
    event_type = attributes["event_type"].string_value if "event_type" in attributes else ""
    scheme = attributes["scheme"].string_value if "scheme" in attributes else ""
    received_at = attributes["received_at"].string_value if "received_at" in attributes else None
    payload_key = attributes["payload_key"].string_value if "payload_key" in attributes else ""
    return {
        "delivery_id": delivery_id,
        "event_type": event_type or "",
        "scheme": scheme or "",
        # When the sender first reached us, however often the message was redriven since.
        "first_received_at": int(received_at or record.attributes.sent_timestamp),
        "payload_key": payload_key or "",
        # A message queued before payloads moved to S3 carries its body itself.
        "body": read_payload(payload_key) if payload_key else record.body,
    }


def read_payload(key: str) -> str:
    try:
        response = _s3().get_object(Bucket=os.environ["PAYLOAD_BUCKET"], Key=key)
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "NoSuchKey":
            raise PoisonDelivery(f"payload {key} is not in the bucket (expired by its lifecycle rule?)") from exc
        raise
    text = response["Body"].read().decode("utf-8")
    # Objects are named by the SHA-256 of their content (src/ingest.py): anything else was not written by ingest.
    if not key.endswith(hashlib.sha256(text.encode("utf-8")).hexdigest() + ".json"):
        raise PoisonDelivery(f"payload {key} does not hold the body it is named after")
    return text


def record_handler(record: SQSRecord) -> dict:
    try:
        delivery = delivery_from_record(record)
    except Exception:
        metrics.add_metric(name="RecordFailed", unit=MetricUnit.Count, value=1)
        logger.exception("record failed", extra={"message_id": record.message_id})
        raise
    logger.append_keys(delivery_id=delivery["delivery_id"])
    try:
        calls = _applied["calls"]
        result = _idempotent_apply()(delivery=delivery)
        if _applied["calls"] == calls:
            metrics.add_metric(name="DuplicateSkipped", unit=MetricUnit.Count, value=1)
        return result
    except Exception:
        # The batch processor logs failures at DEBUG only; this line is what the runbook searches for.
        metrics.add_metric(name="RecordFailed", unit=MetricUnit.Count, value=1)
        extra = {"delivery_id": delivery["delivery_id"], "message_id": record.message_id}
        logger.exception("record failed", extra=extra)
        raise
    finally:
        logger.remove_keys(["delivery_id"])


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict, context) -> dict:
    # Lets Powertools expire an in-progress record if the function times out mid-batch.
    CONFIG.register_lambda_context(context)
    return process_partial_response(
        event=event,
        record_handler=record_handler,
        processor=_batch_processor(),
        context=context,
    )
