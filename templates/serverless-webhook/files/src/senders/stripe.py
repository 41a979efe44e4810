"""Stripe: Stripe-Signature is "t=<unix>,v1=<hex>[,v1=<hex>]" over "{t}.{body}" with the secret's bytes; the event
id in the body is the delivery id (Stripe sends no id header).
"""

from __future__ import annotations

import hashlib
import hmac

from senders.common import (
    BadSignature,
    Delivery,
    MalformedHeader,
    MalformedPayload,
    NotAnObject,
    any_matches,
    check_id,
    check_timestamp,
    parse_json,
    require,
)

NAME = "stripe"
SIGNS_TIMESTAMP = True


def sign(secret: str, timestamp: int, body: bytes) -> str:
    content = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), content, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(headers: dict[str, str], body: bytes, secrets: list[str], now: int, tolerance: int) -> Delivery:
    signature_header = require(headers, "stripe-signature")
    raw_timestamp = ""
    offered = []
    for item in signature_header.split(","):
        name, _, value = item.strip().partition("=")
        if name == "t":
            raw_timestamp = value
        elif name == "v1" and value:
            offered.append(value.encode())
    if not raw_timestamp or not offered:
        raise MalformedHeader("Stripe-Signature needs t= and at least one v1=")
    timestamp = check_timestamp(raw_timestamp, now, tolerance)
    expected = [sign(s, timestamp, body).rpartition("v1=")[2].encode() for s in secrets]
    if not any_matches(expected, offered):
        raise BadSignature("no v1 entry of Stripe-Signature matches")
    document = parse_json(body)
    if not isinstance(document, dict):
        raise NotAnObject("a Stripe event body must be a JSON object")
    event_id = document.get("id")
    if not isinstance(event_id, str) or not event_id:
        raise MalformedPayload("a Stripe event body must be a JSON object with an id")
    event_type = document.get("type")
    return Delivery(check_id(event_id), event_type if isinstance(event_type, str) else "", timestamp)


def sign_headers(secret: str, body: bytes, delivery_id: str, timestamp: int, event_type: str) -> dict[str, str]:
    """Stripe carries the delivery id inside the body, so `delivery_id` is unused here."""
    return {"Stripe-Signature": sign(secret, timestamp, body), "Content-Type": "application/json"}
