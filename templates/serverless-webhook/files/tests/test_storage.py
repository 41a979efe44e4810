"""What the stack stores per delivery, measured: the S3 requests, the DynamoDB items and the write units they cost,
held to docs/cost-model.md ("Storage per event") and to the payload bucket in template.yaml."""

from __future__ import annotations

import math
import re
from pathlib import Path

import botocore.client
import pytest
from conftest import NOW, make_delivery

import local_env

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "docs" / "cost-model.md").read_text(encoding="utf-8")
SECTION = " ".join(DOC.split("## Storage per event", 1)[1].split("\n## ", 1)[0].split())
TEMPLATE = local_env.load_template(ROOT / "template.yaml")
TABLE_QUOTA = 40_000  # write units a second, an on-demand table's default


def item_bytes(item: dict) -> int:
    """DynamoDB's item size: each attribute's name plus its value (strings in UTF-8, numbers at most 21 bytes)."""
    total = 0
    for name, value in item.items():
        ((kind, data),) = value.items()
        total += len(name.encode())
        if kind == "S":
            total += len(data.encode())
        elif kind == "N":
            total += min(21, len(data.lstrip("-").replace(".", "")) // 2 + 2)
        elif kind == "M":
            total += 3 + item_bytes(data)
        else:
            total += 1
    return total


@pytest.fixture
def calls(env, monkeypatch):
    """Every AWS call the handlers make, as (operation, params)."""
    seen: list[tuple[str, dict]] = []
    original = botocore.client.BaseClient._make_api_call

    def recording(self, operation, params):
        seen.append((operation, params))
        return original(self, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", recording)
    return seen


def write_units(env, calls: list[tuple[str, dict]]) -> dict[str, int]:
    """Write units per table: 2 per KB of each item in a transaction, 1 per KB of a put or update."""
    names = {env.urls[t]: t for t in ("EventsTable", "StateTable", "IdempotencyTable")}
    units = dict.fromkeys(names.values(), 0)
    for operation, params in calls:
        if operation == "TransactWriteItems":
            for entry in params["TransactItems"]:
                put = entry["Put"]
                units[names[put["TableName"]]] += 2 * math.ceil(item_bytes(put["Item"]) / 1024)
        elif operation in ("PutItem", "UpdateItem") and params["TableName"] in names:
            size = item_bytes(params["Item"]) if operation == "PutItem" else 0
            units[names[params["TableName"]]] += max(1, math.ceil(size / 1024))
    return units


def stated(pattern: str) -> int:
    found = re.search(pattern, SECTION)
    assert found, f"docs/cost-model.md's storage section does not say {pattern!r}"
    return int(found.group(1).replace(",", ""))


def test_an_applied_delivery_costs_the_write_units_the_cost_page_states(env, calls):
    headers, body = make_delivery(env.scheme, "evt_units", document={"type": "a", "data": {"object": {"id": "o_1"}}})
    assert env.post(headers, body, now=NOW)["statusCode"] == 202
    env.drain()
    units = write_units(env, calls)
    assert sum(units.values()) == stated(r"\*\*(\d+) write units per delivery\*\*")
    assert units["StateTable"] == 2
    assert units["IdempotencyTable"] == 2
    # One PutObject and one GetObject of the body, nothing else in S3.
    s3 = [operation for operation, params in calls if "Bucket" in params]
    assert s3 == ["PutObject", "GetObject"]


def test_the_events_table_quota_carries_the_peak(env, calls, deliver):
    # The most an events table takes for one delivery: a stale one writes its record in a second transaction
    # (the first, cancelled, is counted as billed too).
    per_delivery = []
    for delivery_id, at in (("evt_new", NOW + 60), ("evt_old", NOW)):
        document = {"type": "a", "created": at, "timestamp": f"2023-11-14T22:{at % 60:02d}:00+00:00"}
        document["data"] = {"object": {"id": "o_1"}}
        start = len(calls)
        deliver(delivery_id, document=document, now=NOW)
        env.drain()
        per_delivery.append(write_units(env, calls[start:])["EventsTable"])
    assert [item["applied"] for item in sorted(env.stored(), key=lambda item: item["delivery_id"])] == [True, False]
    most = max(per_delivery)
    assert most == stated(r"at most (\d+) write units a delivery reach the events table")
    carried = stated(r"the events table carries ([\d,]+) deliveries a second")
    assert carried == TABLE_QUOTA // most
    peak = re.search(r"your peak is ([\d,.]+) deliveries a second", SECTION)
    assert peak
    if float(peak.group(1).replace(",", "")) > carried:
        # Past the default: the README must ask for the increase before launch.
        readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
        quotas = readme.split("### Quotas to raise before launch", 1)
        assert len(quotas) == 2, "the volume needs a higher table quota and the README does not ask for it"
        assert "- **DynamoDB write throughput**:" in quotas[1].split("```sh", 1)[0]


def test_every_item_is_under_one_kilobyte_for_each_senders_ids(env, calls):
    # Svix ids (msg_ + 27), GitHub's UUIDs, Stripe's evt_ ids: each well under the size a write unit covers.
    for delivery_id in ("msg_2LIS5yKj8eB4tPZ8XEmGDQnBkCt", "72d3162e-cc78-11e3-81ab-4c9367dc0958", "evt_1NqM" * 4):
        deliver = make_delivery(env.scheme, delivery_id, document={"type": "customer.subscription.updated"})
        env.post(*deliver, now=NOW)
    env.drain()
    items = [
        entry["Put"]["Item"]
        for operation, params in calls
        if operation == "TransactWriteItems"
        for entry in params["TransactItems"]
    ]
    assert items
    assert max(item_bytes(item) for item in items) < 1024


def bucket() -> dict:
    return TEMPLATE["Resources"]["PayloadBucket"]["Properties"]


def test_the_payload_bucket_is_encrypted_with_the_stacks_key_and_private():
    [rule] = bucket()["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    stacks_key = {"Fn::GetAtt": ["AppKey", "Arn"]}
    assert rule["ServerSideEncryptionByDefault"] == {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": stacks_key}
    assert rule["BucketKeyEnabled"] is True
    assert set(bucket()["PublicAccessBlockConfiguration"].values()) == {True}
    assert len(bucket()["PublicAccessBlockConfiguration"]) == 4
    [statement] = TEMPLATE["Resources"]["PayloadBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Effect"] == "Deny"
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": False}}


def test_payloads_and_event_records_expire_together_as_the_cost_page_says():
    rules = {rule["Id"]: rule for rule in bucket()["LifecycleConfiguration"]["Rules"]}
    days = rules["expire-payloads"]["ExpirationInDays"]
    environment = TEMPLATE["Resources"]["ProcessorFunction"]["Properties"]["Environment"]["Variables"]
    assert int(environment["EVENT_TTL_DAYS"]) == days
    ttl = TEMPLATE["Resources"]["EventsTable"]["Properties"]["TimeToLiveSpecification"]
    assert ttl == {"AttributeName": "expires_at", "Enabled": True}
    assert f"deletes it after {days} days" in SECTION
    [transition] = rules["large-payloads-to-infrequent-access"]["Transitions"]
    # Standard-IA bills at least 128 KB per object: smaller ones would cost more there.
    assert rules["large-payloads-to-infrequent-access"]["ObjectSizeGreaterThan"] == 128 * 1024
    assert f"Standard-IA after {transition['TransitionInDays']} days" in SECTION


def test_an_event_record_expires_when_its_payload_does(env, deliver):
    deliver("evt_ttl")
    env.drain()
    [item] = env.stored()
    environment = TEMPLATE["Resources"]["ProcessorFunction"]["Properties"]["Environment"]["Variables"]
    assert int(item["expires_at"]) == NOW + int(environment["EVENT_TTL_DAYS"]) * 86_400
    assert "payload" not in item  # the body is in S3 only
