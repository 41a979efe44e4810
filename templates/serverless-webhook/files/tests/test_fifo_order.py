"""FIFO only: a failing delivery parks its message group, and what a replay does and does not restore."""

from __future__ import annotations

from test_end_to_end import about

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
    deliver("evt_first", document=about("obj_same"))
    deliver("evt_second", document=about("obj_same"))
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
