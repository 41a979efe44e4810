"""State never goes backwards, for every sender: the event record and the object's state are written in one
DynamoDB transaction (src/processor.py), so a duplicate changes nothing, whenever it comes back, and is counted
as one. A GitHub body, which no timestamp protects, is guarded for good."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import botocore.client
import pytest
from botocore.exceptions import ClientError
from conftest import NOW
from test_observability import emitted

import processor
import signatures
from local_env import LOCAL_SECRET, serialised_aws_calls

EIGHT_DAYS = 8 * 24 * 3600  # past the 7-day idempotency window


def about(object_id: str, at: int, n: int = 0) -> bytes:
    """An event about one object at `at`, in each sender's own time field (GitHub has none: it orders by receipt)."""
    stamp = datetime.fromtimestamp(at, tz=UTC).isoformat()
    document = (
        f'{{"id": "evt_{object_id}_{at}_{n}", "type": "invoice.updated", "created": {at}, "timestamp": "{stamp}", '
        f'"n": {n}, "data": {{"object": {{"id": "{object_id}"}}}}}}'
    )
    return document.encode()


def send(env, scheme: str, delivery_id: str, body: bytes, at: int) -> dict:
    headers = signatures.sign_headers(scheme, LOCAL_SECRET, body, delivery_id, at, "invoice.updated")
    return env.post(headers, body, now=at)


def stripe_id(scheme: str, delivery_id: str, body: bytes) -> str:
    # Stripe's delivery id is the event id in the body.
    return signatures.verify(scheme, *_signed(scheme, delivery_id, body)).delivery_id


def _signed(scheme: str, delivery_id: str, body: bytes):
    headers = signatures.sign_headers(scheme, LOCAL_SECRET, body, delivery_id, NOW)
    return headers, body, [LOCAL_SECRET], NOW


def state(env) -> dict[str, str]:
    items = env.dynamodb.scan(TableName=env.urls["StateTable"])["Items"]
    return {item["object_key"]["S"]: item["delivery_id"]["S"] for item in items}


def applied(env) -> dict[str, bool]:
    return {item["delivery_id"]: item["applied"] for item in env.stored()}


def forget_idempotency(env) -> None:
    """The idempotency records' TTL has passed: DynamoDB deleted them."""
    table = env.urls["IdempotencyTable"]
    for item in env.dynamodb.scan(TableName=table)["Items"]:
        env.dynamodb.delete_item(TableName=table, Key={"id": item["id"]})


def expire_event(env, delivery_id: str) -> None:
    """The event record's own TTL has passed too."""
    env.dynamodb.delete_item(TableName=env.urls["EventsTable"], Key={"delivery_id": {"S": delivery_id}})


@pytest.fixture(params=signatures.SCHEMES)
def scheme(request, env, monkeypatch):
    """Every sender, whichever one this project enforces: the ingest function reads SIGNATURE_SCHEME per call."""
    monkeypatch.setenv("SIGNATURE_SCHEME", request.param)
    return request.param


def newer_then_older(env, scheme: str) -> tuple[bytes, str, str]:
    """Apply an older event A about obj_1, then a newer B. Returns A's body and both delivery ids."""
    old, new = about("obj_1", NOW), about("obj_1", NOW + 60)
    assert send(env, scheme, "dlv_a", old, NOW)["statusCode"] == 202
    env.drain()
    assert send(env, scheme, "dlv_b", new, NOW + 60)["statusCode"] == 202
    env.drain()
    ids = [stripe_id(scheme, "dlv_a", old), stripe_id(scheme, "dlv_b", new)]
    assert state(env) == {"obj_1": ids[1]}
    return old, ids[0], ids[1]


def resend(env, scheme: str, delivery_id: str, body: bytes, at: int) -> dict:
    """The same delivery, days later: GitHub's captured request as it was (nothing in it is dated); the other
    senders sign again with the time of sending, as a sender's manual resend does."""
    if scheme == "github":
        headers = signatures.sign_headers(scheme, LOCAL_SECRET, body, delivery_id, NOW, "invoice.updated")
        return env.post(headers, body, now=at)
    return send(env, scheme, delivery_id, body, at)


def test_a_duplicate_after_the_idempotency_window_changes_nothing_and_counts_as_a_duplicate(env, scheme, capsys):
    old, id_a, id_b = newer_then_older(env, scheme)
    forget_idempotency(env)
    capsys.readouterr()
    assert resend(env, scheme, "dlv_a", old, NOW + EIGHT_DAYS)["statusCode"] == 202
    env.drain()
    assert state(env) == {"obj_1": id_b}
    assert applied(env) == {id_a: True, id_b: True}
    totals = emitted(capsys.readouterr().out)
    assert totals.get(("processor", "DuplicateSkipped")) == 1
    assert ("processor", "DeliveryApplied") not in totals
    assert ("processor", "StaleSkipped") not in totals


def test_an_old_delivery_after_its_event_record_expired_never_rolls_the_state_back(env, scheme, capsys):
    old, id_a, id_b = newer_then_older(env, scheme)
    forget_idempotency(env)
    expire_event(env, id_a)
    capsys.readouterr()
    assert resend(env, scheme, "dlv_a", old, NOW + EIGHT_DAYS)["statusCode"] == 202
    env.drain()
    assert state(env) == {"obj_1": id_b}
    totals = emitted(capsys.readouterr().out)
    assert ("processor", "DeliveryApplied") not in totals
    if scheme == "github":
        # Its body's guard never expires: nothing is written, so it is a duplicate.
        assert totals.get(("processor", "DuplicateSkipped")) == 1
        assert applied(env) == {id_b: True}
    else:
        # Its own signed event time is older than the state's: recorded again, as not applied.
        assert totals.get(("processor", "StaleSkipped")) == 1
        assert applied(env) == {id_a: False, id_b: True}


def test_a_captured_github_body_under_a_new_delivery_id_is_a_duplicate(env, monkeypatch, capsys):
    # GitHub signs only the body: X-GitHub-Delivery can be anything, so a replay may pick a fresh one.
    monkeypatch.setenv("SIGNATURE_SCHEME", "github")
    old, id_a, id_b = newer_then_older(env, "github")
    capsys.readouterr()
    assert resend(env, "github", "dlv_forged", old, NOW + EIGHT_DAYS)["statusCode"] == 202
    env.drain()
    assert state(env) == {"obj_1": id_b}
    assert applied(env) == {id_a: True, id_b: True}
    assert emitted(capsys.readouterr().out).get(("processor", "DuplicateSkipped")) == 1
    assert len(env.guards()) == 2


def test_only_github_bodies_are_guarded(env, scheme):
    newer_then_older(env, scheme)
    assert len(env.guards()) == (0 if signatures.signs_timestamp(scheme) else 2)


def delivery(delivery_id: str, body: bytes, scheme: str = "stripe", received: int = NOW) -> dict:
    return {
        "delivery_id": delivery_id,
        "event_type": "invoice.updated",
        "scheme": scheme,
        "first_received_at": received * 1000,
        "payload_key": "",
        "body": body.decode(),
    }


@pytest.mark.parametrize("sender", signatures.SCHEMES)
def test_concurrent_copies_of_one_delivery_apply_it_once(env, sender):
    # Both copies got past the idempotency layer (its record expired in between): only the transaction decides.
    copies = 8
    barrier = threading.Barrier(copies)
    results: list[dict] = []

    def run() -> None:
        barrier.wait()
        results.append(processor.apply_delivery(delivery("dlv_1", about("obj_1", NOW), sender)))

    with serialised_aws_calls():
        threads = [threading.Thread(target=run) for _ in range(copies)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(r["written"] for r in results) == [False] * (copies - 1) + [True]
    assert applied(env) == {"dlv_1": True}
    assert state(env) == {"obj_1": "dlv_1"}


def test_concurrent_newer_and_older_deliveries_leave_the_newer_state(env):
    bodies = {f"dlv_{n}": about("obj_1", NOW + n, n) for n in range(8)}
    barrier = threading.Barrier(len(bodies))

    def run(delivery_id: str) -> None:
        barrier.wait()
        processor.apply_delivery(delivery(delivery_id, bodies[delivery_id]))

    with serialised_aws_calls():
        threads = [threading.Thread(target=run, args=(d,)) for d in bodies]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert state(env) == {"obj_1": "dlv_7"}
    assert sum(applied(env).values()) >= 1
    assert len(applied(env)) == len(bodies)


def test_a_failed_write_leaves_neither_the_event_nor_the_state(env, monkeypatch):
    events_table = env.urls["EventsTable"]
    original = botocore.client.BaseClient._make_api_call

    def events_table_down(self, operation, params):
        touched = [params.get("TableName")] + [
            next(iter(item.values())).get("TableName") for item in params.get("TransactItems", [])
        ]
        if operation in ("PutItem", "TransactWriteItems") and events_table in touched:
            raise ClientError({"Error": {"Code": "InternalServerError", "Message": "down"}}, operation)
        return original(self, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", events_table_down)
    with pytest.raises(ClientError):
        processor.apply_delivery(delivery("dlv_1", about("obj_1", NOW)))
    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", original)
    # All or nothing: the state did not move ahead of the record of why.
    assert state(env) == {}
    assert env.stored() == []
    # SQS brings it back, and it applies.
    assert processor.apply_delivery(delivery("dlv_1", about("obj_1", NOW))) == {
        "delivery_id": "dlv_1",
        "written": True,
        "applied": True,
    }
    assert state(env) == {"obj_1": "dlv_1"}
