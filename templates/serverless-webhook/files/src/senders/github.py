"""GitHub: X-Hub-Signature-256 is "sha256=<hex>" over the body with the secret's bytes; X-GitHub-Delivery is the
delivery id. GitHub signs no timestamp and not the delivery id header: only the body is proven, so a captured
body stays valid forever and may come back under any id. The processor therefore remembers every GitHub body it
applied (src/processor.py), and the delivery id dedupe alone is never the replay protection.
"""

from __future__ import annotations

import hashlib
import hmac

from senders.common import BadSignature, Delivery, MalformedHeader, any_matches, check_id, require

NAME = "github"
SIGNS_TIMESTAMP = False


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(headers: dict[str, str], body: bytes, secrets: list[str], now: int, tolerance: int) -> Delivery:
    signature_header = require(headers, "x-hub-signature-256")
    delivery_id = require(headers, "x-github-delivery")
    algorithm, _, value = signature_header.partition("=")
    if algorithm != "sha256" or not value:
        raise MalformedHeader("X-Hub-Signature-256 must look like sha256=<hex>")
    expected = [sign(s, body).encode() for s in secrets]
    if not any_matches(expected, [signature_header.encode()]):
        raise BadSignature("X-Hub-Signature-256 does not match")
    return Delivery(check_id(delivery_id), headers.get("x-github-event", ""), None)


def sign_headers(secret: str, body: bytes, delivery_id: str, timestamp: int, event_type: str) -> dict[str, str]:
    return {
        "X-Hub-Signature-256": sign(secret, body),
        "X-GitHub-Delivery": delivery_id,
        "X-GitHub-Event": event_type,
        "Content-Type": "application/json",
    }
