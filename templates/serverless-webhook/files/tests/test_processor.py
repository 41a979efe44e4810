"""The processor on its own: partial batch failures, idempotency, bad records."""

from __future__ import annotations

import json

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError
from conftest import NOW

import processor
from local_env import FakeContext


def record(message_id: str, delivery_id: str | None, body: str, group: str = "group-a") -> dict:
    attributes = {}
    if delivery_id is not None:
        attributes["delivery_id"] = {"stringValue": delivery_id, "dataType": "String"}
    attributes["received_at"] = {"stringValue": str(NOW * 1000), "dataType": "Number"}
    return {
        "messageId": message_id,
        "receiptHandle": f"rh-{message_id}",
        "body": body,
        "attributes": {
            "ApproximateReceiveCount": "1",
            "SentTimestamp": str(NOW * 1000),
            "MessageGroupId": group,
            "SequenceNumber": message_id,
        },
        "messageAttributes": attributes,
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:queue",
        "awsRegion": "us-east-1",
    }


def invoke(records: list[dict]) -> dict:
    return processor.handler({"Records": records}, FakeContext("processor", 30))


def good(n: int) -> str:
    return json.dumps({"type": "invoice.paid", "n": n})


def test_fifo_group_stops_at_first_failure(env, monkeypatch):
    monkeypatch.setenv("QUEUE_TYPE", "fifo")
    processor.reset_clients()
    result = invoke([record("m1", "d1", good(1)), record("m2", "d2", "not json"), record("m3", "d3", good(3))])
    # m3 is after m2 in the same group: it must not be applied before m2 is.
    assert result == {"batchItemFailures": [{"itemIdentifier": "m2"}, {"itemIdentifier": "m3"}]}
    assert [item["delivery_id"] for item in env.stored()] == ["d1"]


def test_record_without_delivery_id_fails_alone(env):
    result = invoke([record("m1", None, good(1), group="g1"), record("m2", "d2", good(2), group="g2")])
    assert result == {"batchItemFailures": [{"itemIdentifier": "m1"}]}
    assert [item["delivery_id"] for item in env.stored()] == ["d2"]


def test_batch_where_every_record_fails_fails_the_invocation(env):
    # Powertools raises so Lambda retries the whole batch; the Errors alarm sees it.
    with pytest.raises(BatchProcessingError):
        invoke([record("m1", "d1", "not json"), record("m2", "d2", "[]")])
    assert env.stored() == []


def test_same_delivery_in_two_messages_is_applied_once(env):
    assert invoke([record("m1", "d1", good(1))]) == {"batchItemFailures": []}
    # A redelivery (sender retry or SQS at-least-once) arrives as a new message id.
    assert invoke([record("m2", "d1", good(1))]) == {"batchItemFailures": []}
    assert len(env.stored()) == 1


def test_idempotency_record_lives_at_least_seven_days(env):
    invoke([record("m1", "d1", good(1))])
    items = env.dynamodb.scan(TableName=env.urls["IdempotencyTable"])["Items"]
    assert len(items) == 1
    ttl = int(items[0]["expiration"]["N"])
    import time

    assert ttl - time.time() >= 7 * 24 * 3600 - 60


def test_conditional_write_holds_after_the_idempotency_window(env):
    invoke([record("m1", "d1", good(1))])
    # Simulate the window passing: the idempotency record is gone, the event is not.
    env.dynamodb.delete_item(TableName=env.urls["IdempotencyTable"], Key=_only_key(env))
    assert invoke([record("m2", "d1", good(2))]) == {"batchItemFailures": []}
    [item] = env.stored()
    assert json.loads(item["payload"])["n"] == 1


def test_stored_item_keeps_type_and_first_receive_time(env):
    invoke([record("m1", "d1", good(1))])
    [item] = env.stored()
    assert item["event_type"] == "invoice.paid"
    assert int(item["first_received_at"]) == NOW * 1000


def _only_key(env) -> dict:
    [item] = env.dynamodb.scan(TableName=env.urls["IdempotencyTable"])["Items"]
    return {"id": item["id"]}


class FunctionKilled(BaseException):
    """Stands in for Lambda stopping the function at its timeout: no except Exception runs."""


def test_timeout_mid_batch_is_retried_once_the_in_progress_record_expires(env, monkeypatch):
    real_rules = processor.apply_business_rules

    def killed(delivery: dict) -> dict:
        raise FunctionKilled

    monkeypatch.setattr(processor, "apply_business_rules", killed)
    with pytest.raises(FunctionKilled):
        invoke([record("m1", "d1", good(1))])
    [left] = env.dynamodb.scan(TableName=env.urls["IdempotencyTable"])["Items"]
    assert left["status"]["S"] == "INPROGRESS"

    # SQS redelivers after the visibility timeout; while the record is in progress the retry is refused, not doubled.
    monkeypatch.setattr(processor, "apply_business_rules", real_rules)
    assert invoke([record("m2", "d1", good(1)), record("m3", "d3", good(3), group="g3")]) == {
        "batchItemFailures": [{"itemIdentifier": "m2"}]
    }
    assert [item["delivery_id"] for item in env.stored()] == ["d3"]

    # The in-progress marker lasts only as long as the invocation could have run (its remaining time).
    env.dynamodb.update_item(
        TableName=env.urls["IdempotencyTable"],
        Key={"id": left["id"]},
        UpdateExpression="SET in_progress_expiration = :past",
        ExpressionAttributeValues={":past": {"N": "1"}},
    )
    assert invoke([record("m4", "d1", good(1))]) == {"batchItemFailures": []}
    assert sorted(item["delivery_id"] for item in env.stored()) == ["d1", "d3"]
