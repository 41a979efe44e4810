"""Sign and verify webhook deliveries for the three supported schemes.

Every check runs on the exact bytes that arrived: re-serialising JSON changes
whitespace and key order and breaks the HMAC. The module has no AWS
dependency, so the ingest function, the tests and scripts/send_test_webhook.py
all use the same code.

Schemes:
  standard-webhooks  webhook-id, webhook-timestamp, webhook-signature headers;
                     HMAC-SHA256 over "{id}.{timestamp}.{body}" with the
                     base64-decoded secret; "v1,<base64>" entries, space separated.
  github             X-Hub-Signature-256: "sha256=<hex>" over the body with the
                     secret's bytes; X-GitHub-Delivery is the delivery id.
                     GitHub sends no timestamp, so the delivery id dedupe is the
                     only replay protection.
  stripe             Stripe-Signature: "t=<unix>,v1=<hex>[,v1=<hex>]" over
                     "{t}.{body}" with the secret's bytes; the event id in the
                     body is the delivery id.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

SCHEMES = ("standard-webhooks", "github", "stripe")
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


def _lower(headers: Mapping[str, str] | None) -> dict[str, str]:
    return {k.lower(): v for k, v in (headers or {}).items()}


def _require(headers: dict[str, str], name: str) -> str:
    value = headers.get(name, "").strip()
    if not value:
        raise MissingHeader(f"missing header {name}")
    return value


def _check_timestamp(raw: str, now: int, tolerance: int) -> int:
    try:
        timestamp = int(raw)
    except ValueError as exc:
        raise MalformedHeader("timestamp is not an integer") from exc
    if now - timestamp > tolerance:
        raise StaleTimestamp(f"timestamp is {now - timestamp}s old (tolerance {tolerance}s)")
    if timestamp - now > tolerance:
        raise FutureTimestamp(f"timestamp is {timestamp - now}s in the future (tolerance {tolerance}s)")
    return timestamp


def _check_id(delivery_id: str) -> str:
    if not delivery_id or len(delivery_id) > MAX_DELIVERY_ID_LENGTH:
        raise MalformedHeader("delivery id is empty or too long")
    return delivery_id


def _json_field(body: bytes, field: str) -> str:
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return ""
    if isinstance(document, dict) and isinstance(document.get(field), str):
        return document[field]
    return ""


def _any_matches(expected: Sequence[bytes], offered: Sequence[bytes]) -> bool:
    # Compare every pair in constant time; no early exit that leaks which one matched.
    matched = False
    for exp in expected:
        for got in offered:
            matched |= hmac.compare_digest(exp, got)
    return matched


# --- Standard Webhooks -------------------------------------------------------


def standard_key(secret: str) -> bytes:
    """Key bytes of a Standard Webhooks secret ("whsec_" + base64, padding optional as in the reference library)."""
    encoded = secret.strip().removeprefix("whsec_")
    try:
        key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except binascii.Error as exc:
        raise SecretConfigError("a Standard Webhooks secret must be base64, optionally prefixed whsec_") from exc
    if not key:
        raise SecretConfigError("the Standard Webhooks secret is empty")
    return key


def standard_sign(secret: str, delivery_id: str, timestamp: int, body: bytes) -> str:
    content = f"{delivery_id}.{timestamp}.".encode() + body
    digest = hmac.new(standard_key(secret), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def _verify_standard(headers, body, secrets, now, tolerance) -> Delivery:
    delivery_id = _require(headers, "webhook-id")
    raw_timestamp = _require(headers, "webhook-timestamp")
    signature_header = _require(headers, "webhook-signature")
    timestamp = _check_timestamp(raw_timestamp, now, tolerance)
    offered = []
    for entry in signature_header.split():
        version, _, value = entry.partition(",")
        if version == "v1" and value:
            offered.append(value.encode())
    if not offered:
        raise MalformedHeader("no v1 signature in webhook-signature")
    expected = [standard_sign(s, delivery_id, timestamp, body).partition(",")[2].encode() for s in secrets]
    if not _any_matches(expected, offered):
        raise BadSignature("no webhook-signature entry matches")
    return Delivery(_check_id(delivery_id), _json_field(body, "type"), timestamp)


# --- GitHub ------------------------------------------------------------------


def github_sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _verify_github(headers, body, secrets, now, tolerance) -> Delivery:
    signature_header = _require(headers, "x-hub-signature-256")
    delivery_id = _require(headers, "x-github-delivery")
    algorithm, _, value = signature_header.partition("=")
    if algorithm != "sha256" or not value:
        raise MalformedHeader("X-Hub-Signature-256 must look like sha256=<hex>")
    expected = [github_sign(s, body).encode() for s in secrets]
    if not _any_matches(expected, [signature_header.encode()]):
        raise BadSignature("X-Hub-Signature-256 does not match")
    return Delivery(_check_id(delivery_id), headers.get("x-github-event", ""), None)


# --- Stripe ------------------------------------------------------------------


def stripe_sign(secret: str, timestamp: int, body: bytes) -> str:
    content = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), content, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def _verify_stripe(headers, body, secrets, now, tolerance) -> Delivery:
    signature_header = _require(headers, "stripe-signature")
    raw_timestamp = ""
    offered = []
    for item in signature_header.split(","):
        key, _, value = item.strip().partition("=")
        if key == "t":
            raw_timestamp = value
        elif key == "v1" and value:
            offered.append(value.encode())
    if not raw_timestamp or not offered:
        raise MalformedHeader("Stripe-Signature needs t= and at least one v1=")
    timestamp = _check_timestamp(raw_timestamp, now, tolerance)
    expected = [stripe_sign(s, timestamp, body).rpartition("v1=")[2].encode() for s in secrets]
    if not _any_matches(expected, offered):
        raise BadSignature("no v1 entry of Stripe-Signature matches")
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        document = None
    if not isinstance(document, dict):
        raise NotAnObject("a Stripe event body must be a JSON object")
    event_id = _json_field(body, "id")
    if not event_id:
        raise MalformedPayload("a Stripe event body must be a JSON object with an id")
    return Delivery(_check_id(event_id), _json_field(body, "type"), timestamp)


_VERIFIERS = {
    "standard-webhooks": _verify_standard,
    "github": _verify_github,
    "stripe": _verify_stripe,
}


def verify(
    scheme: str,
    headers: Mapping[str, str] | None,
    body: bytes,
    secrets: Sequence[str],
    now: int,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
) -> Delivery:
    """Verify one request; raise a SignatureError subclass when it must be refused.

    `secrets` holds every secret currently accepted: during a rotation both the
    new and the old one, so deliveries signed with either pass.
    """
    if scheme not in _VERIFIERS:
        raise ValueError(f"unknown signature scheme {scheme!r}; expected one of {SCHEMES}")
    if not secrets:
        raise ValueError("no signing secret configured")
    return _VERIFIERS[scheme](_lower(headers), body, list(secrets), now, tolerance)


def sign_headers(
    scheme: str,
    secret: str,
    body: bytes,
    delivery_id: str,
    timestamp: int,
    event_type: str = "test.event",
) -> dict[str, str]:
    """Headers a sender of `scheme` would attach (for tests and the test-webhook script).

    For Stripe the delivery id travels inside the body, so `delivery_id` is unused there.
    """
    if scheme == "standard-webhooks":
        return {
            "webhook-id": delivery_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": standard_sign(secret, delivery_id, timestamp, body),
            "content-type": "application/json",
        }
    if scheme == "github":
        return {
            "X-Hub-Signature-256": github_sign(secret, body),
            "X-GitHub-Delivery": delivery_id,
            "X-GitHub-Event": event_type,
            "Content-Type": "application/json",
        }
    if scheme == "stripe":
        return {
            "Stripe-Signature": stripe_sign(secret, timestamp, body),
            "Content-Type": "application/json",
        }
    raise ValueError(f"unknown signature scheme {scheme!r}")


SECRET_FORMAT = '{"current": "<secret>", "previous": "<old secret, only while rotating>"}'  # noqa: S105 - a shape


def parse_secrets(secret_string: str) -> list[str]:
    """Secrets Manager value -> accepted secrets, current first.

    The value is a JSON document, so any text (spaces, quotes, newlines) is one
    secret: {"current": "...", "previous": "..."}, "previous" optional.
    """
    try:
        document = json.loads(secret_string)
    except ValueError as exc:
        raise SecretConfigError(f"the signing secret must be a JSON document {SECRET_FORMAT}") from exc
    if not isinstance(document, dict):
        raise SecretConfigError(f"the signing secret must be a JSON object {SECRET_FORMAT}")
    unknown = sorted(set(document) - {"current", "previous"})
    if unknown:
        raise SecretConfigError(f"unknown keys {unknown} in the signing secret; expected {SECRET_FORMAT}")
    current = document.get("current")
    if not isinstance(current, str) or not current:
        raise SecretConfigError(f'the signing secret needs a non-empty "current": {SECRET_FORMAT}')
    secrets = [current]
    previous = document.get("previous")
    if previous is not None and not isinstance(previous, str):
        raise SecretConfigError('"previous" must be a string (or absent)')
    if previous and previous != current:
        secrets.append(previous)
    return secrets


def secret_document(current: str, previous: str | None = None) -> str:
    """The Secrets Manager value for `current` (and `previous` while rotating)."""
    document = {"current": current}
    if previous:
        document["previous"] = previous
    return json.dumps(document)


# --- the body the processor needs -------------------------------------------------

FORM_TYPE = "application/x-www-form-urlencoded"


def json_document(scheme: str, headers: Mapping[str, str] | None, body: bytes) -> str:
    """The JSON object text to queue; call only after `verify` has checked the raw bytes.

    GitHub's default content type is form-encoded (`payload=<url-encoded JSON>`):
    its signature covers the raw form bytes, so the form is decoded here, after
    the check. Anything that is not a JSON object is refused (400) because the
    processor could only fail on it, retry after retry.
    """
    content_type = _lower(headers).get("content-type", "").split(";")[0].strip().lower()
    if content_type == FORM_TYPE:
        if scheme != "github":
            raise UnsupportedMediaType("form-encoded bodies are accepted only from GitHub; send application/json")
        try:
            fields = urllib.parse.parse_qs(body.decode("ascii"), keep_blank_values=True, strict_parsing=True)
        except (UnicodeDecodeError, ValueError) as exc:
            raise NotAnObject("form body is not url-encoded") from exc
        if list(fields) != ["payload"] or len(fields["payload"]) != 1:
            raise NotAnObject("a GitHub form body holds exactly one payload= field")
        text = fields["payload"][0]
    else:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise NotAnObject("body is not UTF-8") from exc
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise NotAnObject("body is not JSON") from exc
    if not isinstance(document, dict):
        raise NotAnObject(f"body is a JSON {type(document).__name__}, not an object")
    return text
