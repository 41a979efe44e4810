"""The whole path under moto: signed webhook -> ingest -> queue -> processor -> table -> DLQ -> replay.

These are the guarantees the README makes, each proved here:
  verified             only correctly signed deliveries reach the queue
  at-least-once in     a failing delivery is retried, then parked in the DLQ, never dropped
  exactly-once effect  repeats (sender retries, SQS redelivery, replays) are stored once
  nothing lost         after the fix, a replay from the DLQ processes the parked delivery
"""

from __future__ import annotations

import json

from conftest import NOW, make_delivery

import processor
import replay_dlq


def about(object_id: str) -> dict:
    return {"type": "invoice.paid", "data": {"object": {"id": object_id}}}


def test_signed_webhook_reaches_the_table(env, deliver):
    assert deliver("evt_e2e_1")["statusCode"] == 202
    env.drain()
    [item] = env.stored()
    assert item["delivery_id"] == "evt_e2e_1"
    assert item["scheme"] == env.scheme
    assert json.loads(env.payload(item))["data"] == {"amount": 4200}
    assert env.depth("Queue") == 0
    assert env.depth("DeadLetterQueue") == 0


def test_unsigned_webhook_never_reaches_the_table(env):
    headers, body = make_delivery(env.scheme, "evt_forged", secret="whsec_" + "Zm9yZ2VkLXNlY3JldC1mb3JnZWQtc2VjcmV0")
    assert env.post(headers, body, now=NOW)["statusCode"] == 401
    env.drain()
    assert env.stored() == []


def test_same_delivery_sent_twice_is_stored_once(env, deliver):
    assert deliver("evt_twice")["statusCode"] == 202
    assert deliver("evt_twice")["statusCode"] == 202  # the sender's retry is still acknowledged
    env.drain()
    assert [item["delivery_id"] for item in env.stored()] == ["evt_twice"]


def test_duplicate_after_the_first_was_processed_is_stored_once(env, deliver):
    deliver("evt_late_dup")
    env.drain()
    deliver("evt_late_dup")  # a sender retry hours later
    env.drain()
    assert len(env.stored()) == 1


def test_many_deliveries_none_lost(env, deliver):
    ids = [f"evt_bulk_{n:03d}" for n in range(35)]
    for delivery_id in ids:
        assert deliver(delivery_id)["statusCode"] == 202
    env.drain()
    assert sorted(item["delivery_id"] for item in env.stored()) == ids


def test_poison_message_reaches_dlq_then_replay_applies_it_exactly_once(env, deliver, monkeypatch):
    real_rules = processor.apply_business_rules
    receives = {"count": 0}

    def broken(delivery: dict) -> dict:
        if delivery["delivery_id"] == "evt_poison":
            receives["count"] += 1
            raise RuntimeError("downstream bug")
        return real_rules(delivery)

    monkeypatch.setattr(processor, "apply_business_rules", broken)
    # Different objects, so on a FIFO queue they sit in different message groups.
    deliver("evt_poison", document=about("obj_1"))
    deliver("evt_healthy", document=about("obj_2"))
    env.drain()

    # The healthy delivery went through; the poison one was tried maxReceiveCount times, then parked.
    assert [item["delivery_id"] for item in env.stored()] == ["evt_healthy"]
    assert receives["count"] == env.max_receive_count
    assert env.depth("Queue") == 0
    assert env.depth("DeadLetterQueue") == 1

    # Deploy the fix, then replay (moto lacks StartMessageMoveTask: use the tool's manual mover).
    monkeypatch.setattr(processor, "apply_business_rules", real_rules)
    moved = replay_dlq.manual_move(env.sqs, env.urls["DeadLetterQueue"], env.urls["Queue"], rate=500, sleep=lambda s: 0)
    assert moved == 1
    env.drain()
    assert sorted(item["delivery_id"] for item in env.stored()) == ["evt_healthy", "evt_poison"]
    assert env.depth("DeadLetterQueue") == 0

    # Replaying the same delivery again (an operator runs the replay twice) changes nothing.
    headers, body = make_delivery(env.scheme, "evt_poison", document=about("obj_1"))
    env.post(headers, body, now=NOW)
    env.drain()
    assert sorted(item["delivery_id"] for item in env.stored()) == ["evt_healthy", "evt_poison"]


def test_replayed_delivery_keeps_its_first_receive_time(env, deliver, monkeypatch):
    real_rules = processor.apply_business_rules

    def always_fail(delivery: dict) -> dict:
        raise RuntimeError("outage")

    monkeypatch.setattr(processor, "apply_business_rules", always_fail)
    deliver("evt_outage")
    env.drain()
    assert env.depth("DeadLetterQueue") == 1
    monkeypatch.setattr(processor, "apply_business_rules", real_rules)
    replay_dlq.manual_move(env.sqs, env.urls["DeadLetterQueue"], env.urls["Queue"], rate=500, sleep=lambda s: 0)
    env.drain()
    [item] = env.stored()
    assert int(item["first_received_at"]) == NOW * 1000
