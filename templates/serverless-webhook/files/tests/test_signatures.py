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


def test_secret_value_splits_on_whitespace_for_rotation():
    assert signatures.parse_secrets("new-secret  old-secret\n") == ["new-secret", "old-secret"]
