"""Sign and verify webhook deliveries: the one interface over the sender modules in src/senders/.

Every check runs on the exact bytes that arrived: re-serialising JSON changes
whitespace and key order and breaks the HMAC. Nothing here depends on AWS, so
the ingest function, the tests and scripts/send_test_webhook.py all use the
same code.

Senders (one module each, selected by the `signature` answer, SIGNATURE_SCHEME):
  standard-webhooks  src/senders/standard_webhooks.py: webhook-* headers, or Svix's svix-* headers
  github             src/senders/github.py: X-Hub-Signature-256 over the body, X-GitHub-Delivery
  stripe             src/senders/stripe.py: Stripe-Signature over "{t}.{body}", the event id in the body
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Mapping, Sequence

from senders import SENDERS, github, standard_webhooks, stripe
from senders.common import (  # noqa: F401 - the interface callers import from here
    DEFAULT_TOLERANCE_SECONDS,
    MAX_DELIVERY_ID_LENGTH,
    NOT_JSON,
    BadSignature,
    Delivery,
    FutureTimestamp,
    MalformedHeader,
    MalformedPayload,
    MissingHeader,
    NotAnObject,
    SecretConfigError,
    SignatureError,
    StaleTimestamp,
    UnsupportedMediaType,
    lower,
    parse_json,
)

SCHEMES = tuple(SENDERS)

# Each sender's own signing function, for tests and scripts.
standard_key = standard_webhooks.key
standard_sign = standard_webhooks.sign
github_sign = github.sign
stripe_sign = stripe.sign


def _sender(scheme: str):
    if scheme not in SENDERS:
        raise ValueError(f"unknown signature scheme {scheme!r}; expected one of {SCHEMES}")
    return SENDERS[scheme]


def signs_timestamp(scheme: str) -> bool:
    """Whether the scheme's signature covers a timestamp, so a captured delivery goes stale."""
    return _sender(scheme).SIGNS_TIMESTAMP


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
    sender = _sender(scheme)
    if not secrets:
        raise ValueError("no signing secret configured")
    return sender.verify(lower(headers), body, list(secrets), now, tolerance)


def sign_headers(
    scheme: str,
    secret: str,
    body: bytes,
    delivery_id: str,
    timestamp: int,
    event_type: str = "test.event",
) -> dict[str, str]:
    """Headers a sender of `scheme` would attach (for tests and the test-webhook script)."""
    return _sender(scheme).sign_headers(secret, body, delivery_id, timestamp, event_type)


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
    content_type = lower(headers).get("content-type", "").split(";")[0].strip().lower()
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
    document = parse_json(text)
    if document is NOT_JSON:
        raise NotAnObject("body is not JSON, or nests too deeply to read")
    if not isinstance(document, dict):
        raise NotAnObject(f"body is a JSON {type(document).__name__}, not an object")
    return text
