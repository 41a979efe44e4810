"""One verifier per sender behind one interface, and the senders that share a scheme: Svix signs Standard
Webhooks under its own header names, checked here with the `svix` library itself."""

from __future__ import annotations

import importlib
import json
import pkgutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import NOW
from svix.webhooks import Webhook as SvixWebhook

import senders
import signatures
from local_env import LOCAL_SECRET

SRC = Path(__file__).resolve().parent.parent / "src"
BODY = b'{"type": "invoice.paid", "data": {"object": {"id": "in_1"}}}'


def svix_headers(message_id: str, secret: str = LOCAL_SECRET, body: bytes = BODY, at: int = NOW) -> dict:
    """What Svix sends by default: svix-id, svix-timestamp, svix-signature, signed by its own library."""
    signature = SvixWebhook(secret).sign(message_id, datetime.fromtimestamp(at, tz=UTC), body.decode())
    return {
        "svix-id": message_id,
        "svix-timestamp": str(at),
        "svix-signature": signature,
        "content-type": "application/json",
    }


# --- Svix ---------------------------------------------------------------------------------------------------


def test_svix_headers_signed_by_the_svix_library_verify():
    delivery = signatures.verify("standard-webhooks", svix_headers("msg_svix"), BODY, [LOCAL_SECRET], now=NOW)
    assert delivery.delivery_id == "msg_svix"
    assert delivery.timestamp == NOW
    assert delivery.event_type == "invoice.paid"


def test_svix_library_accepts_what_the_standard_webhooks_sender_signs():
    # The other direction: the same algorithm, so Svix's verifier takes this project's webhook-* headers.
    now = int(datetime.now(UTC).timestamp())  # the library checks the timestamp against the real clock
    headers = signatures.sign_headers("standard-webhooks", LOCAL_SECRET, BODY, "msg_1", now)
    SvixWebhook(LOCAL_SECRET).verify(BODY, headers)


def test_svix_headers_with_a_tampered_body_are_refused():
    with pytest.raises(signatures.BadSignature):
        signatures.verify("standard-webhooks", svix_headers("msg_svix"), BODY + b" ", [LOCAL_SECRET], now=NOW)


def test_svix_stale_timestamp_is_refused():
    headers = svix_headers("msg_svix", at=NOW - 301)
    with pytest.raises(signatures.StaleTimestamp):
        signatures.verify("standard-webhooks", headers, BODY, [LOCAL_SECRET], now=NOW)


def test_a_header_set_is_never_mixed_from_two_prefixes():
    # svix-id with webhook-timestamp and webhook-signature: the svix-* set is incomplete, so it is refused.
    headers = signatures.sign_headers("standard-webhooks", LOCAL_SECRET, BODY, "msg_1", NOW)
    mixed = {"svix-id": "msg_1", **{k: v for k, v in headers.items() if k != "webhook-id"}}
    with pytest.raises(signatures.MissingHeader):
        signatures.verify("standard-webhooks", mixed, BODY, [LOCAL_SECRET], now=NOW)


def test_a_svix_delivery_is_queued_by_the_ingest_function(env, monkeypatch):
    # Whatever sender this project was generated for, the Standard Webhooks verifier takes Svix's headers.
    monkeypatch.setenv("SIGNATURE_SCHEME", "standard-webhooks")
    answer = env.post(svix_headers("msg_svix_e2e"), BODY, now=NOW)
    assert answer["statusCode"] == 202, answer
    assert json.loads(answer["body"])["id"] == "msg_svix_e2e"


# --- one interface ------------------------------------------------------------------------------------------


def sender_modules() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules([str(SRC / "senders")]) if m.name != "common")


def test_every_sender_module_is_registered_under_its_name():
    modules = [importlib.import_module(f"senders.{name}") for name in sender_modules()]
    assert sorted(senders.SENDERS) == sorted(module.NAME for module in modules)
    assert set(signatures.SCHEMES) == set(senders.SENDERS)


@pytest.mark.parametrize("name", sender_modules())
def test_every_sender_module_has_the_interface(name):
    module = importlib.import_module(f"senders.{name}")
    assert isinstance(module.NAME, str)
    assert isinstance(module.SIGNS_TIMESTAMP, bool)
    # What it signs, it verifies, through the one entry point.
    headers = module.sign_headers(LOCAL_SECRET, BODY.replace(b"{", b'{"id": "evt_1", ', 1), "evt_1", NOW, "x")
    body = BODY.replace(b"{", b'{"id": "evt_1", ', 1)
    assert signatures.verify(module.NAME, headers, body, [LOCAL_SECRET], now=NOW).delivery_id == "evt_1"


def test_the_deployed_scheme_selects_a_registered_sender(env):
    assert env.scheme in senders.SENDERS


# --- bodies the parser cannot read ----------------------------------------------------------------------------

DEEP = b'{"a": ' + b"[" * 3000 + b"]" * 3000 + b"}"


def test_a_signed_deeply_nested_body_is_a_400_not_a_crash(env):
    assert 5_000 < len(DEEP) < 7_000
    headers = signatures.sign_headers(env.scheme, env.secret, DEEP, "evt_deep", NOW)
    answer = env.post(headers, DEEP, now=NOW)
    assert answer["statusCode"] == 400, answer
    assert json.loads(answer["body"])["error"] == "body_not_json_object"
    assert env.depth("Queue") == 0


@pytest.mark.parametrize("scheme", signatures.SCHEMES)
def test_every_verifier_survives_a_deeply_nested_body(scheme):
    # Stripe reads the event id out of the body while verifying; no sender may let RecursionError out.
    headers = signatures.sign_headers(scheme, LOCAL_SECRET, DEEP, "evt_deep", NOW)
    if scheme == "stripe":
        with pytest.raises(signatures.NotAnObject):
            signatures.verify(scheme, headers, DEEP, [LOCAL_SECRET], now=NOW)
    else:
        assert signatures.verify(scheme, headers, DEEP, [LOCAL_SECRET], now=NOW).delivery_id == "evt_deep"


# --- the answer that asks to be retried -----------------------------------------------------------------------


def test_enqueue_failure_is_a_503_with_retry_after(env, monkeypatch):
    from conftest import make_delivery

    monkeypatch.setenv("QUEUE_URL", env.urls["Queue"] + "-gone")
    answer = env.post(*make_delivery(env.scheme, "evt_1"), now=NOW)
    assert answer["statusCode"] == 503
    assert int(answer["headers"]["retry-after"]) > 0
