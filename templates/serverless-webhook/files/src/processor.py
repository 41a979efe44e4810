"""Processor function: SQS batch -> apply each delivery exactly once -> DynamoDB.

Guarantees, and what gives them:
  at-least-once in   a record is deleted from the queue only when it succeeded;
                     failures are reported per record (ReportBatchItemFailures)
                     and come back after the visibility timeout, then go to the
                     DLQ after maxReceiveCount receives.
  exactly-once effect  Powertools idempotency keyed on the sender's delivery id
                     (never the SQS message id: a redrive gives a new one) with
                     a window of IDEMPOTENCY_TTL_SECONDS, plus a conditional put
                     on the events table that holds after the window has passed.
"""

from __future__ import annotations

import functools
import json
import os
import time

import boto3
from aws_lambda_powertools import Logger, Metrics, Tracer
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
from botocore.exceptions import ClientError

# The service name is also the metric dimension the alarms in template.yaml select on.
logger = Logger(service="processor")
tracer = Tracer(service="processor")
metrics = Metrics(service="processor")

SEVEN_DAYS = 7 * 24 * 3600


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
def _table():
    return boto3.resource("dynamodb").Table(os.environ["EVENTS_TABLE"])


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
    return {
        "delivery_id": delivery["delivery_id"],
        "event_type": delivery["event_type"] or str(payload.get("type", "")),
        "scheme": delivery["scheme"],
        "first_received_at": delivery["first_received_at"],
        "payload": delivery["body"],
    }


def store(item: dict) -> bool:
    """Write once. Returns False when the item already exists (a repeat outside the idempotency window)."""
    try:
        _table().put_item(Item=item, ConditionExpression="attribute_not_exists(delivery_id)")
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return False
        raise
    return True


# Counts calls of apply_delivery, so record_handler can tell a delivery the idempotency
# layer answered from its store (a duplicate inside the window) from one it applied.
_applied = {"calls": 0}


def apply_delivery(delivery: dict) -> dict:
    _applied["calls"] += 1
    written = store(apply_business_rules(delivery))
    if written:
        metrics.add_metric(name="DeliveryApplied", unit=MetricUnit.Count, value=1)
        # From the sender's first attempt reaching ingest to the write, across retries and replays.
        age_ms = max(0, int(time.time() * 1000) - int(delivery["first_received_at"]))
        metrics.add_metric(name="EndToEndAge", unit=MetricUnit.Milliseconds, value=age_ms)
    else:
        metrics.add_metric(name="DuplicateSkipped", unit=MetricUnit.Count, value=1)
    return {"delivery_id": delivery["delivery_id"], "written": written}


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
    _table.cache_clear()
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
    return {
        "delivery_id": delivery_id,
        "event_type": event_type or "",
        "scheme": scheme or "",
        # When the sender first reached us, however often the message was redriven since.
        "first_received_at": int(received_at or record.attributes.sent_timestamp),
        "body": record.body,
    }


@tracer.capture_method
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
@tracer.capture_lambda_handler
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
