"""Ordering, end to end: a delivery replayed out of the DLQ after a newer one for the same object was applied
does not roll the object's state back ("only if newer" on the event's own version; src/processor.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from conftest import NOW

import processor
import replay_dlq


def about(object_id: str, at: int) -> dict:
    # Each scheme's event time: Stripe `created`, Standard Webhooks `timestamp`; GitHub has none (receive time).
    stamp = datetime.fromtimestamp(at, tz=UTC).isoformat()
    return {"type": "invoice.updated", "created": at, "timestamp": stamp, "data": {"object": {"id": object_id}}}


def state(env) -> dict[str, str]:
    items = env.dynamodb.scan(TableName=env.urls["StateTable"])["Items"]
    return {item["object_key"]["S"]: item["delivery_id"]["S"] for item in items}


def test_a_replayed_older_delivery_does_not_roll_back_a_newer_state(env, deliver, monkeypatch):
    real_rules = processor.apply_business_rules

    def broken(delivery: dict) -> dict:
        if delivery["delivery_id"] == "evt_old":
            raise RuntimeError("downstream bug")
        return real_rules(delivery)

    monkeypatch.setattr(processor, "apply_business_rules", broken)
    assert deliver("evt_old", document=about("obj_same", NOW), now=NOW)["statusCode"] == 202
    env.drain()
    assert env.depth("DeadLetterQueue") == 1
    # Meanwhile a newer event about the same object arrives and is applied.
    assert deliver("evt_new", document=about("obj_same", NOW + 60), now=NOW + 60)["statusCode"] == 202
    env.drain()
    assert state(env) == {"obj_same": "evt_new"}

    # The fix is deployed and the DLQ replayed: the old delivery is processed, recorded, and not applied.
    monkeypatch.setattr(processor, "apply_business_rules", real_rules)
    replay_dlq.manual_move(env.sqs, env.urls["DeadLetterQueue"], env.urls["Queue"], rate=500, sleep=lambda s: 0)
    env.drain()
    assert env.depth("DeadLetterQueue") == 0
    assert state(env) == {"obj_same": "evt_new"}
    assert {item["delivery_id"]: item["applied"] for item in env.stored()} == {"evt_new": True, "evt_old": False}
