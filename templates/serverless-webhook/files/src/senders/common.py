"""What every sender module shares: the refusals, the verified delivery, and the header and timestamp rules.

A sender module (one per sender, beside this file) has:
  NAME          the `signature` answer that selects it (SIGNATURE_SCHEME in template.yaml)
  verify(headers, body, secrets, now, tolerance) -> Delivery
                headers lowercased; raises a SignatureError subclass when the request must be refused
  sign_headers(secret, body, delivery_id, timestamp, event_type) -> dict
                the headers that sender attaches (tests and scripts/send_test_webhook.py)
  SIGNS_TIMESTAMP  whether the signature covers a timestamp (no: a captured delivery never goes stale)
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

DEFAULT_TOLERANCE_SECONDS = 300
MAX_DELIVERY_ID_LENGTH = 255


class SignatureError(Exception):
    """A delivery that must be refused. `status` is the HTTP answer, `reason` a metric-friendly code."""

    status = 401
    reason = "invalid_signature"


class MissingHeader(SignatureError):
    status = 400
    reason = "missing_header"


class MalformedHeader(SignatureError):
    status = 400
    reason = "malformed_header"


class MalformedPayload(SignatureError):
    status = 400
    reason = "malformed_payload"


class NotAnObject(MalformedPayload):
    """Correctly signed, but not the JSON object the processor needs: it could only fail later, so refuse it now."""

    status = 400
    reason = "body_not_json_object"


class UnsupportedMediaType(MalformedPayload):
    status = 415
    reason = "unsupported_media_type"


class SecretConfigError(ValueError):
    """The stored signing secret is not a document this module can use: a deployment fault, not the sender's."""


class StaleTimestamp(SignatureError):
    reason = "stale_timestamp"


class FutureTimestamp(SignatureError):
    reason = "future_timestamp"


class BadSignature(SignatureError):
    reason = "bad_signature"


@dataclass(frozen=True)
class Delivery:
    """What a verified request tells us about itself."""

    delivery_id: str
    event_type: str
    timestamp: int | None


def lower(headers: Mapping[str, str] | None) -> dict[str, str]:
    return {k.lower(): v for k, v in (headers or {}).items()}


def require(headers: dict[str, str], name: str) -> str:
    value = headers.get(name, "").strip()
    if not value:
        raise MissingHeader(f"missing header {name}")
    return value


def check_timestamp(raw: str, now: int, tolerance: int) -> int:
    try:
        timestamp = int(raw)
    except ValueError as exc:
        raise MalformedHeader("timestamp is not an integer") from exc
    if now - timestamp > tolerance:
        raise StaleTimestamp(f"timestamp is {now - timestamp}s old (tolerance {tolerance}s)")
    if timestamp - now > tolerance:
        raise FutureTimestamp(f"timestamp is {timestamp - now}s in the future (tolerance {tolerance}s)")
    return timestamp


def check_id(delivery_id: str) -> str:
    if not delivery_id or len(delivery_id) > MAX_DELIVERY_ID_LENGTH:
        raise MalformedHeader("delivery id is empty or too long")
    return delivery_id


NOT_JSON = object()


def parse_json(text: str | bytes):
    """The JSON value of `text`, or NOT_JSON when it is not JSON or nests too deeply to read.

    Python's parser recurses once per level: a few KB of "[[[[..." raises RecursionError, which must be a
    refusal (400), never a crash (500) that the sender retries for days.
    """
    try:
        return json.loads(text)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return NOT_JSON


def json_field(body: bytes, field: str) -> str:
    document = parse_json(body)
    if isinstance(document, dict) and isinstance(document.get(field), str):
        return document[field]
    return ""


def any_matches(expected: Sequence[bytes], offered: Sequence[bytes]) -> bool:
    # Compare every pair in constant time; no early exit that leaks which one matched.
    matched = False
    for exp in expected:
        for got in offered:
            matched |= hmac.compare_digest(exp, got)
    return matched
