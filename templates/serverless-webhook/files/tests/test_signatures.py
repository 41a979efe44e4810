"""The signature module against each scheme's rules, including the published test vector."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest
from conftest import NOW, make_delivery

import signatures

SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
SPEC_TIMESTAMP = 1614265330
SPEC_BODY = b'{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

SECRET = "whsec_" + base64.b64encode(b"0123456789abcdef0123456789abcdef").decode()
OTHER_SECRET = "whsec_" + base64.b64encode(b"fedcba9876543210fedcba9876543210").decode()


def spec_headers(signature: str = SPEC_SIGNATURE) -> dict:
    return {"webhook-id": SPEC_ID, "webhook-timestamp": str(SPEC_TIMESTAMP), "webhook-signature": signature}


# --- Standard Webhooks test vector ------------------------------------------------


def test_spec_vector_signs_to_published_value():
    assert signatures.standard_sign(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY) == SPEC_SIGNATURE


def test_spec_vector_verifies():
    delivery = signatures.verify("standard-webhooks", spec_headers(), SPEC_BODY, [SPEC_SECRET], now=SPEC_TIMESTAMP)
    assert delivery.delivery_id == SPEC_ID
    assert delivery.timestamp == SPEC_TIMESTAMP


def test_secret_without_prefix_is_the_same_key():
    bare = SPEC_SECRET.removeprefix("whsec_")
    assert signatures.standard_sign(bare, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY) == SPEC_SIGNATURE


def test_reserialised_body_fails():
    # Same JSON value, different bytes: verification must use the raw body.
    with pytest.raises(signatures.BadSignature):
        signatures.verify("standard-webhooks", spec_headers(), b'{"test":2432232314}', [SPEC_SECRET], SPEC_TIMESTAMP)


def test_sender_rotation_several_signatures_any_match_passes():
    header = f"v1,{base64.b64encode(b'x' * 32).decode()} v2,ignored {SPEC_SIGNATURE}"
    delivery = signatures.verify("standard-webhooks", spec_headers(header), SPEC_BODY, [SPEC_SECRET], SPEC_TIMESTAMP)
    assert delivery.delivery_id == SPEC_ID


def test_only_v1_entries_count():
    header = SPEC_SIGNATURE.replace("v1,", "v2,")
    with pytest.raises(signatures.MalformedHeader):
        signatures.verify("standard-webhooks", spec_headers(header), SPEC_BODY, [SPEC_SECRET], SPEC_TIMESTAMP)


# --- rules every scheme shares ---------------------------------------------------

ALL = pytest.mark.parametrize("scheme", signatures.SCHEMES)


@ALL
def test_valid_delivery_passes(scheme):
    headers, body = make_delivery(scheme, "evt_1", secret=SECRET)
    delivery = signatures.verify(scheme, headers, body, [SECRET], now=NOW)
    assert delivery.delivery_id == "evt_1"
    assert delivery.event_type == "invoice.paid"


@ALL
def test_header_names_are_case_insensitive(scheme):
    headers, body = make_delivery(scheme, "evt_1", secret=SECRET)
    upper = {k.upper(): v for k, v in headers.items()}
    assert signatures.verify(scheme, upper, body, [SECRET], now=NOW).delivery_id == "evt_1"


@ALL
def test_tampered_body_is_rejected(scheme):
    headers, body = make_delivery(scheme, "evt_1", secret=SECRET)
    tampered = body.replace(b"4200", b"9999")
    assert tampered != body
    with pytest.raises(signatures.BadSignature) as caught:
        signatures.verify(scheme, headers, tampered, [SECRET], now=NOW)
    assert caught.value.status == 401


@ALL
def test_wrong_secret_is_rejected(scheme):
    headers, body = make_delivery(scheme, "evt_1", secret=OTHER_SECRET)
    with pytest.raises(signatures.BadSignature):
        signatures.verify(scheme, headers, body, [SECRET], now=NOW)


@ALL
def test_receiver_rotation_accepts_old_and_new_secret(scheme):
    for signing_secret in (SECRET, OTHER_SECRET):
        headers, body = make_delivery(scheme, "evt_1", secret=signing_secret)
        assert signatures.verify(scheme, headers, body, [OTHER_SECRET, SECRET], now=NOW).delivery_id == "evt_1"


@ALL
def test_every_missing_header_is_a_400(scheme):
    headers, body = make_delivery(scheme, "evt_1", secret=SECRET)
    required = [k for k in headers if k.lower() not in ("content-type", "x-github-event")]
    assert required
    for name in required:
        partial = {k: v for k, v in headers.items() if k != name}
        with pytest.raises(signatures.MissingHeader) as caught:
            signatures.verify(scheme, partial, body, [SECRET], now=NOW)
        assert caught.value.status == 400


@ALL
def test_no_secret_configured_is_a_configuration_error(scheme):
    headers, body = make_delivery(scheme, "evt_1", secret=SECRET)
    with pytest.raises(ValueError, match="no signing secret"):
        signatures.verify(scheme, headers, body, [], now=NOW)


# --- timestamps (schemes that sign one) --------------------------------------------

TIMED = pytest.mark.parametrize("scheme", ["standard-webhooks", "stripe"])


@TIMED
def test_stale_timestamp_is_rejected(scheme):
    headers, body = make_delivery(scheme, "evt_1", secret=SECRET, now=NOW - 301)
    with pytest.raises(signatures.StaleTimestamp):
        signatures.verify(scheme, headers, body, [SECRET], now=NOW, tolerance=300)


@TIMED
def test_future_timestamp_is_rejected(scheme):
    headers, body = make_delivery(scheme, "evt_1", secret=SECRET, now=NOW + 301)
    with pytest.raises(signatures.FutureTimestamp):
        signatures.verify(scheme, headers, body, [SECRET], now=NOW, tolerance=300)


@TIMED
def test_timestamp_at_the_tolerance_edge_passes(scheme):
    for skew in (-300, 300):
        headers, body = make_delivery(scheme, "evt_1", secret=SECRET, now=NOW + skew)
        assert signatures.verify(scheme, headers, body, [SECRET], now=NOW, tolerance=300).timestamp == NOW + skew


def test_non_numeric_timestamp_is_malformed():
    headers = spec_headers()
    headers["webhook-timestamp"] = "yesterday"
    with pytest.raises(signatures.MalformedHeader):
        signatures.verify("standard-webhooks", headers, SPEC_BODY, [SPEC_SECRET], SPEC_TIMESTAMP)


# --- scheme specifics ----------------------------------------------------------------


def test_github_signature_is_hex_hmac_of_the_body():
    body = b'{"zen": "Keep it logically awesome."}'
    expected = "sha256=" + hmac.new(b"It's a Secret to Everybody", body, hashlib.sha256).hexdigest()
    assert signatures.github_sign("It's a Secret to Everybody", body) == expected


def test_github_needs_the_sha256_prefix():
    headers, body = make_delivery("github", "d-1", secret=SECRET)
    headers["X-Hub-Signature-256"] = headers["X-Hub-Signature-256"].removeprefix("sha256=")
    with pytest.raises(signatures.MalformedHeader):
        signatures.verify("github", headers, body, [SECRET], now=NOW)


def test_stripe_signs_timestamp_dot_body_in_hex():
    body = b'{"id":"evt_1"}'
    header = signatures.stripe_sign("whsec_test", 1700000000, body)
    digest = hmac.new(b"whsec_test", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert header == f"t=1700000000,v1={digest}"


def test_stripe_accepts_any_v1_entry():
    headers, body = make_delivery("stripe", "evt_9", secret=SECRET)
    headers["Stripe-Signature"] = headers["Stripe-Signature"].replace("t=", "v1=deadbeef,t=", 1) + ",v0=abc"
    assert signatures.verify("stripe", headers, body, [SECRET], now=NOW).delivery_id == "evt_9"


def test_stripe_body_without_event_id_is_a_400():
    headers, body = make_delivery("stripe", "evt_1", secret=SECRET, document={"id": "", "type": "x"})
    with pytest.raises(signatures.MalformedPayload) as caught:
        signatures.verify("stripe", headers, body, [SECRET], now=NOW)
    assert caught.value.status == 400


def test_unknown_scheme_is_refused():
    with pytest.raises(ValueError, match="unknown signature scheme"):
        signatures.verify("md5", {}, b"", ["s"], now=NOW)


# --- the stored secret document -------------------------------------------------------

SPACED_NEW = "correct horse battery staple"
SPACED_OLD = "It's a Secret to Everybody"


def test_secret_document_holds_any_text_as_one_secret():
    value = signatures.secret_document(SPACED_NEW, previous=SPACED_OLD)
    assert signatures.parse_secrets(value) == [SPACED_NEW, SPACED_OLD]
    assert signatures.parse_secrets(signatures.secret_document("  spaced  out\n")) == ["  spaced  out\n"]


@pytest.mark.parametrize(
    "value",
    [
        "new-secret old-secret",  # the old whitespace-separated format is refused, not split
        '["a", "b"]',
        "{}",
        '{"current": ""}',
        '{"current": 7}',
        '{"current": "a", "previous": 7}',
        '{"current": "a", "next": "b"}',
    ],
)
def test_a_secret_that_is_not_the_document_is_a_configuration_error(value):
    with pytest.raises(signatures.SecretConfigError):
        signatures.parse_secrets(value)


@pytest.mark.parametrize("scheme", ["github", "stripe"])
def test_a_word_of_a_spaced_secret_is_not_a_key(scheme):
    accepted = signatures.parse_secrets(signatures.secret_document(SPACED_NEW))
    headers, body = make_delivery(scheme, "evt_1", secret=SPACED_NEW)
    assert signatures.verify(scheme, headers, body, accepted, now=NOW).delivery_id == "evt_1"
    for word in SPACED_NEW.split():
        headers, body = make_delivery(scheme, "evt_1", secret=word)
        with pytest.raises(signatures.BadSignature):
            signatures.verify(scheme, headers, body, accepted, now=NOW)


@pytest.mark.parametrize("scheme", ["github", "stripe"])
def test_rotation_with_spaced_secrets_has_no_gap(scheme):
    # 1. only the old secret; 2. both (sender switches meanwhile); 3. only the new one.
    steps = [
        (signatures.secret_document(SPACED_OLD), {SPACED_OLD}),
        (signatures.secret_document(SPACED_NEW, previous=SPACED_OLD), {SPACED_OLD, SPACED_NEW}),
        (signatures.secret_document(SPACED_NEW), {SPACED_NEW}),
    ]
    for value, should_pass in steps:
        accepted = signatures.parse_secrets(value)
        for signing_secret in (SPACED_OLD, SPACED_NEW):
            headers, body = make_delivery(scheme, "evt_1", secret=signing_secret)
            if signing_secret in should_pass:
                assert signatures.verify(scheme, headers, body, accepted, now=NOW).delivery_id == "evt_1"
            else:
                with pytest.raises(signatures.BadSignature):
                    signatures.verify(scheme, headers, body, accepted, now=NOW)


def test_unpadded_whsec_secret_is_the_same_key():
    unpadded = "whsec_" + base64.b64encode(b"twenty-five-bytes-secret!").decode().rstrip("=")
    assert not unpadded.endswith("=")
    padded = unpadded + "=" * (-len(unpadded.removeprefix("whsec_")) % 4)
    assert signatures.standard_key(unpadded) == signatures.standard_key(padded) == b"twenty-five-bytes-secret!"


def test_unpadded_whsec_secret_verifies_what_the_reference_library_signs():
    from datetime import UTC, datetime

    from standardwebhooks.webhooks import Webhook

    unpadded = "whsec_" + base64.b64encode(b"twenty-five-bytes-secret!").decode().rstrip("=")
    body = b'{"type": "invoice.paid", "data": {"amount": 4200}}'
    signature = Webhook(unpadded).sign("msg_1", datetime.fromtimestamp(NOW, tz=UTC), body.decode())
    headers = {"webhook-id": "msg_1", "webhook-timestamp": str(NOW), "webhook-signature": signature}
    assert signatures.verify("standard-webhooks", headers, body, [unpadded], now=NOW).delivery_id == "msg_1"


def test_stripe_library_signature_verifies():
    import stripe

    secret = "whsec_test secret with spaces"
    body = b'{"id": "evt_lib", "type": "invoice.paid", "object": "event"}'
    header = stripe.WebhookSignature.generate_signature_header(body.decode(), secret, timestamp=NOW)
    headers = {"Stripe-Signature": header}
    assert signatures.verify("stripe", headers, body, [secret], now=NOW).delivery_id == "evt_lib"


def test_bad_base64_secret_is_a_configuration_error():
    with pytest.raises(signatures.SecretConfigError):
        signatures.standard_key("whsec_not base64!")


# --- the body the processor needs ---------------------------------------------------------

# GitHub's documented example: secret "It's a Secret to Everybody", body "Hello, World!".
GITHUB_DOC_SECRET = "It's a Secret to Everybody"
GITHUB_DOC_BODY = b"Hello, World!"
GITHUB_DOC_SIGNATURE = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"


def test_github_documented_vector():
    assert signatures.github_sign(GITHUB_DOC_SECRET, GITHUB_DOC_BODY) == GITHUB_DOC_SIGNATURE
    headers = {"X-Hub-Signature-256": GITHUB_DOC_SIGNATURE, "X-GitHub-Delivery": "d-doc"}
    assert signatures.verify("github", headers, GITHUB_DOC_BODY, [GITHUB_DOC_SECRET], now=NOW).delivery_id == "d-doc"
    # Correctly signed, but plain text: refused at the door rather than failing in the processor.
    with pytest.raises(signatures.NotAnObject) as caught:
        signatures.json_document("github", {"content-type": "text/plain"}, GITHUB_DOC_BODY)
    assert caught.value.status == 400


def test_github_form_body_is_verified_raw_then_decoded():
    from urllib.parse import urlencode

    payload = '{"action": "opened", "repository": {"full_name": "octo/repo"}}'
    body = urlencode({"payload": payload}).encode()
    headers = {
        "X-Hub-Signature-256": signatures.github_sign(GITHUB_DOC_SECRET, body),
        "X-GitHub-Delivery": "d-form",
        "content-type": "application/x-www-form-urlencoded",
    }
    assert signatures.verify("github", headers, body, [GITHUB_DOC_SECRET], now=NOW).delivery_id == "d-form"
    assert signatures.json_document("github", headers, body) == payload
    # The signature covers the form bytes, not the decoded JSON.
    with pytest.raises(signatures.BadSignature):
        signatures.verify("github", headers, payload.encode(), [GITHUB_DOC_SECRET], now=NOW)


@pytest.mark.parametrize("body", [b"payload=%5B1%5D", b"other=1", b"payload=%7B%7D&payload=%7B%7D", b"%%%"])
def test_github_form_body_that_is_not_one_json_object_is_refused(body):
    with pytest.raises(signatures.NotAnObject):
        signatures.json_document("github", {"Content-Type": "application/x-www-form-urlencoded"}, body)


@pytest.mark.parametrize("scheme", ["standard-webhooks", "stripe"])
def test_form_bodies_from_other_senders_are_415(scheme):
    with pytest.raises(signatures.UnsupportedMediaType) as caught:
        signatures.json_document(scheme, {"content-type": "application/x-www-form-urlencoded"}, b"payload=%7B%7D")
    assert caught.value.status == 415


@ALL
@pytest.mark.parametrize("body", [b"[1, 2]", b'"text"', b"42", b"null", b"plain text", b"", b"\xff\xfe"])
def test_body_that_is_not_a_json_object_is_refused(scheme, body):
    with pytest.raises(signatures.NotAnObject) as caught:
        signatures.json_document(scheme, {"content-type": "application/json"}, body)
    assert caught.value.status == 400
    assert caught.value.reason == "body_not_json_object"


@ALL
def test_json_object_body_is_kept_byte_for_byte(scheme):
    body = b'{"b": 1,\n  "a": [ ]}'
    assert signatures.json_document(scheme, {"Content-Type": "application/json; charset=utf-8"}, body) == body.decode()
