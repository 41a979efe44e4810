"""The processor on its own: partial batch failures, idempotency, bad records."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError
from conftest import NOW
from test_observability import emitted

import processor
from local_env import FakeContext


def record(
    message_id: str, delivery_id: str | None, body: str, group: str = "group-a", scheme: str = "", received: int = NOW
) -> dict:
    attributes = {}
    if delivery_id is not None:
        attributes["delivery_id"] = {"stringValue": delivery_id, "dataType": "String"}
    if scheme:
        attributes["scheme"] = {"stringValue": scheme, "dataType": "String"}
    attributes["received_at"] = {"stringValue": str(received * 1000), "dataType": "Number"}
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


def stored_record(env, message_id: str, delivery_id: str, body: str, **kwargs) -> dict:
    """A message as ingest queues it: the body in the payload bucket, its key in the message."""
    import ingest

    key = ingest.payload_key(body)
    env.s3.put_object(Bucket=env.urls["PayloadBucket"], Key=key, Body=body.encode())
    message = record(message_id, delivery_id, key, **kwargs)
    message["messageAttributes"]["payload_key"] = {"stringValue": key, "dataType": "String"}
    return message


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
    invoke([stored_record(env, "m1", "d1", good(1))])
    # Simulate the window passing: the idempotency record is gone, the event is not.
    env.dynamodb.delete_item(TableName=env.urls["IdempotencyTable"], Key=_only_key(env))
    assert invoke([stored_record(env, "m2", "d1", good(2))]) == {"batchItemFailures": []}
    [item] = env.stored()
    assert json.loads(env.payload(item))["n"] == 1


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


# --- "only if newer": the state table keeps each object's newest event ------------------------------------------


def about(object_id: str, at: int) -> str:
    """An event about one object at time `at`, carrying each scheme's own event time."""
    stamp = datetime.fromtimestamp(at, tz=UTC).isoformat()
    return json.dumps(
        {"type": "invoice.updated", "created": at, "timestamp": stamp, "data": {"object": {"id": object_id}}}
    )


def state(env) -> dict[str, dict]:
    items = env.dynamodb.scan(TableName=env.urls["StateTable"])["Items"]
    return {item["object_key"]["S"]: {k: next(iter(v.values())) for k, v in item.items()} for item in items}


# Stripe orders by `created`, Standard Webhooks by the payload's `timestamp`, GitHub (no event time) by the time
# ingest first received the delivery; each case sends the newer event first and the older one second.
ORDERINGS = {
    "stripe": {"newer": dict(at=NOW + 60, received=NOW), "older": dict(at=NOW, received=NOW + 120)},
    "standard-webhooks": {"newer": dict(at=NOW + 60, received=NOW), "older": dict(at=NOW, received=NOW + 120)},
    "github": {"newer": dict(at=NOW, received=NOW + 60), "older": dict(at=NOW + 600, received=NOW)},
}


@pytest.mark.parametrize("scheme", sorted(ORDERINGS))
def test_an_older_event_after_a_newer_one_is_kept_as_stale_and_the_state_keeps_the_newer(env, scheme, capsys):
    newer, older = ORDERINGS[scheme]["newer"], ORDERINGS[scheme]["older"]
    assert invoke([record("m1", "d_new", about("obj_1", newer["at"]), scheme=scheme, received=newer["received"])]) == {
        "batchItemFailures": []
    }
    assert invoke([record("m2", "d_old", about("obj_1", older["at"]), scheme=scheme, received=older["received"])]) == {
        "batchItemFailures": []
    }
    assert state(env)["obj_1"]["delivery_id"] == "d_new"
    # Both deliveries are in the events table, once each; the older one says it was not applied.
    applied = {item["delivery_id"]: item["applied"] for item in env.stored()}
    assert applied == {"d_new": True, "d_old": False}
    totals = emitted(capsys.readouterr().out)
    assert totals[("processor", "StaleSkipped")] == 1
    assert totals[("processor", "DeliveryApplied")] == 1


@pytest.mark.parametrize("scheme", sorted(ORDERINGS))
def test_a_newer_event_after_an_older_one_replaces_the_state(env, scheme):
    newer, older = ORDERINGS[scheme]["newer"], ORDERINGS[scheme]["older"]
    invoke([record("m1", "d_old", about("obj_1", older["at"]), scheme=scheme, received=older["received"])])
    invoke([record("m2", "d_new", about("obj_1", newer["at"]), scheme=scheme, received=newer["received"])])
    assert state(env)["obj_1"]["delivery_id"] == "d_new"
    assert {item["delivery_id"]: item["applied"] for item in env.stored()} == {"d_new": True, "d_old": True}


def test_objects_are_ordered_independently(env):
    invoke([record("m1", "d_a2", about("obj_a", NOW + 60), scheme="stripe")])
    invoke([record("m2", "d_b1", about("obj_b", NOW), scheme="stripe")])
    invoke([record("m3", "d_a1", about("obj_a", NOW), scheme="stripe")])
    assert {k: v["delivery_id"] for k, v in state(env).items()} == {"obj_a": "d_a2", "obj_b": "d_b1"}


def test_a_message_queued_before_payloads_moved_to_the_bucket_is_still_applied(env):
    # Its body travels in the message and it has no payload_key attribute.
    assert invoke([record("m1", "d1", about("obj_1", NOW), scheme="stripe")]) == {"batchItemFailures": []}
    [item] = env.stored()
    assert item["applied"] is True
    assert item["payload_key"] == ""


def test_a_payload_missing_from_the_bucket_fails_its_record_alone(env):
    lost = record("m1", "d1", "payloads/0.json", group="g1")
    lost["messageAttributes"]["payload_key"] = {"stringValue": "payloads/0.json", "dataType": "String"}
    result = invoke([lost, stored_record(env, "m2", "d2", good(2), group="g2")])
    assert result == {"batchItemFailures": [{"itemIdentifier": "m1"}]}
    assert [item["delivery_id"] for item in env.stored()] == ["d2"]


def test_a_payload_that_is_not_the_body_its_name_says_fails_its_record(env):
    message = stored_record(env, "m1", "d1", good(1))
    key = message["messageAttributes"]["payload_key"]["stringValue"]
    env.s3.put_object(Bucket=env.urls["PayloadBucket"], Key=key, Body=good(2).encode())
    with pytest.raises(BatchProcessingError):
        invoke([message])
    assert env.stored() == []


def test_equal_versions_keep_the_first_applied(env):
    # Stripe's `created` is in whole seconds: two events of one second tie, and the first one applied stays.
    invoke([record("m1", "d_first", about("obj_1", NOW), scheme="stripe")])
    invoke([record("m2", "d_second", about("obj_1", NOW), scheme="stripe")])
    assert state(env)["obj_1"]["delivery_id"] == "d_first"


@pytest.mark.parametrize(
    "document",
    [
        {"data": {"object": {"id": "in_1"}, "id": "other"}},
        {"repository": {"full_name": "octo/repo"}},
        {"data": {"id": "msg_1"}},
        {"subject": "order/7"},
        {"data": {"object": {"id": 7}}},
        {},
    ],
)
def test_the_state_key_is_the_fifo_message_group_source(document):
    # On a FIFO queue one object's events share a group, so they reach the state table in order.
    import ingest
    import signatures

    delivery = signatures.Delivery(delivery_id="d1", event_type="push", timestamp=None)
    assert processor.object_key(document, "push") == ingest._group_source(delivery, json.dumps(document))
