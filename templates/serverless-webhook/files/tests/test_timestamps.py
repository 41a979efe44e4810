"""Signed timestamps: only for schemes that sign one (GitHub signs none; its replay protection is the id dedupe)."""

from __future__ import annotations

from conftest import NOW, make_delivery
from test_ingest import queued


def test_stale_and_future_timestamps_get_401(env):
    headers, body = make_delivery(env.scheme, "evt_old", now=NOW - 3600)
    assert env.post(headers, body, now=NOW)["statusCode"] == 401
    headers, body = make_delivery(env.scheme, "evt_future", now=NOW + 3600)
    assert env.post(headers, body, now=NOW)["statusCode"] == 401
    assert queued(env) == []
