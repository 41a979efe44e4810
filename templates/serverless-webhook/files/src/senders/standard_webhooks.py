"""Standard Webhooks, as Svix and the other senders of the specification sign.

webhook-id, webhook-timestamp and webhook-signature headers; HMAC-SHA256 over "{id}.{timestamp}.{body}" with
the base64-decoded secret; "v1,<base64>" entries, space separated. Svix, the most common sender, sends the same
three headers named svix-id, svix-timestamp and svix-signature by default: same content, same algorithm, so
either set is accepted (whole: one set's three headers, never a mix).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

from senders.common import (
    BadSignature,
    Delivery,
    MalformedHeader,
    MissingHeader,
    SecretConfigError,
    any_matches,
    check_id,
    check_timestamp,
    json_field,
    require,
)

NAME = "standard-webhooks"
SIGNS_TIMESTAMP = True
# The header sets accepted, in the order they are looked for.
PREFIXES = ("webhook-", "svix-")


def key(secret: str) -> bytes:
    """Key bytes of a Standard Webhooks secret ("whsec_" + base64, padding optional as in the reference library)."""
    encoded = secret.strip().removeprefix("whsec_")
    try:
        decoded = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except binascii.Error as exc:
        raise SecretConfigError("a Standard Webhooks secret must be base64, optionally prefixed whsec_") from exc
    if not decoded:
        raise SecretConfigError("the Standard Webhooks secret is empty")
    return decoded


def sign(secret: str, delivery_id: str, timestamp: int, body: bytes) -> str:
    content = f"{delivery_id}.{timestamp}.".encode() + body
    digest = hmac.new(key(secret), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def _header_set(headers: dict[str, str]) -> tuple[str, str, str]:
    """(id, timestamp, signature) from the first prefix whose id header is present."""
    for prefix in PREFIXES:
        if headers.get(prefix + "id", "").strip():
            return tuple(require(headers, prefix + part) for part in ("id", "timestamp", "signature"))
    raise MissingHeader("missing header webhook-id (or svix-id)")


def verify(headers: dict[str, str], body: bytes, secrets: list[str], now: int, tolerance: int) -> Delivery:
    delivery_id, raw_timestamp, signature_header = _header_set(headers)
    timestamp = check_timestamp(raw_timestamp, now, tolerance)
    offered = []
    for entry in signature_header.split():
        version, _, value = entry.partition(",")
        if version == "v1" and value:
            offered.append(value.encode())
    if not offered:
        raise MalformedHeader("no v1 signature in the signature header")
    expected = [sign(s, delivery_id, timestamp, body).partition(",")[2].encode() for s in secrets]
    if not any_matches(expected, offered):
        raise BadSignature("no signature entry matches")
    return Delivery(check_id(delivery_id), json_field(body, "type"), timestamp)


def sign_headers(secret: str, body: bytes, delivery_id: str, timestamp: int, event_type: str) -> dict[str, str]:
    return {
        "webhook-id": delivery_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, delivery_id, timestamp, body),
        "content-type": "application/json",
    }
