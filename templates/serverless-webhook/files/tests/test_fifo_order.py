"""FIFO only: a failing delivery parks its message group, and what a replay does and does not restore."""

from __future__ import annotations

from conftest import NOW
from test_end_to_end import about
from test_ordering import state

import processor
import replay_dlq


def test_fifo_poison_parks_its_group_and_replay_restores_it_in_order(env, deliver, monkeypatch):
    real_rules = processor.apply_business_rules
    applied: list[str] = []

    def broken(delivery: dict) -> dict:
        if delivery["delivery_id"] == "evt_first":
            raise RuntimeError("downstream bug")
        applied.append(delivery["delivery_id"])
        return real_rules(delivery)

    monkeypatch.setattr(processor, "apply_business_rules", broken)
    deliver("evt_first", document=about("obj_same"), now=NOW)
    deliver("evt_second", document=about("obj_same"), now=NOW + 1)
    env.drain()
    # The follower is never applied ahead of the failing delivery: it is parked with it.
    assert applied == []
    assert env.depth("DeadLetterQueue") == 2

    def fixed(delivery: dict) -> dict:
        applied.append(delivery["delivery_id"])
        return real_rules(delivery)

    monkeypatch.setattr(processor, "apply_business_rules", fixed)
    replay_dlq.manual_move(
        env.sqs,
        env.urls["DeadLetterQueue"],
        env.urls["Queue"],
        rate=500,
        sleep=lambda s: 0,
    )
    env.drain()
    assert applied == ["evt_first", "evt_second"]
    # Both applied in their order, so the object's state is the second one's.
    assert state(env) == {"obj_same": "evt_second"}
    assert {item["delivery_id"]: item["applied"] for item in env.stored()} == {"evt_first": True, "evt_second": True}


def test_fifo_replay_after_a_newer_event_keeps_the_newer_state(env, deliver, monkeypatch):
    # The case a FIFO queue cannot order: the parked delivery comes back after a newer one for its object.
    real_rules = processor.apply_business_rules

    def broken(delivery: dict) -> dict:
        if delivery["delivery_id"] == "evt_parked":
            raise RuntimeError("downstream bug")
        return real_rules(delivery)

    monkeypatch.setattr(processor, "apply_business_rules", broken)
    deliver("evt_parked", document=about("obj_same"), now=NOW)
    env.drain()
    deliver("evt_later", document=about("obj_same"), now=NOW + 60)
    env.drain()
    monkeypatch.setattr(processor, "apply_business_rules", real_rules)
    replay_dlq.manual_move(env.sqs, env.urls["DeadLetterQueue"], env.urls["Queue"], rate=500, sleep=lambda s: 0)
    env.drain()
    assert state(env) == {"obj_same": "evt_later"}
    assert {item["delivery_id"]: item["applied"] for item in env.stored()} == {"evt_later": True, "evt_parked": False}
