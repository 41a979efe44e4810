"""Recompute every figure in docs/cost-model.md from cost/prices.json.

The cost page is generated once; prices and answers change. This test keeps the page honest: it reads the
price table and the workload from cost/prices.json, recomputes each line item, total, free-tier credit,
break-even and lever with the same formulas the page states, and compares them with the numbers printed in
the page, to the cent. Standard library only.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRICES = json.loads((ROOT / "cost" / "prices.json").read_text(encoding="utf-8"))
DOC = (ROOT / "docs" / "cost-model.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")
WORKLOAD = PRICES["workload"]
CONTAINERS = PRICES["containers"]
HOURS = PRICES["hours_per_month"]
# Figures are printed rounded to the cent.
CENT = 0.005 + 1e-9
ITEM_KEYS = [
    "api",
    "lambda_requests",
    "lambda_duration",
    "sqs",
    "dynamodb",
    "logs",
    "tracing",
    "s3_requests",
    "s3_storage",
    "storage",
    "backups",
    "kms",
    "secrets",
    "alarms",
    "dashboards",
]
# The fixed items billed whether or not events arrive (the README's "Fixed costs").
STANDING = ("kms", "secrets", "alarms", "dashboards")
# The part of the bill that only exists because the code runs on API Gateway and Lambda.
MOVING = ("api", "lambda_requests", "lambda_duration")
SECONDS = HOURS * 3600
# Assumptions the page states: KB per event record (measured by tests/test_storage.py), per idempotency record,
# per item overhead;
# one KMS (or Secrets Manager) call per caller per 5 minutes; six callers (queue send and receive, three tables,
# the secret).
EVENT_RECORD_KB, IDEMPOTENCY_RECORD_KB, ITEM_OVERHEAD_KB = 0.32, 0.2, 0.1
KEY_REUSE_SECONDS, KMS_CALLERS = 300.0, 6.0
KB_PER_GB = 1024.0 * 1024.0
# Lambda's START, END and REPORT lines, about 0.35 KB per invocation (the page states it; see test below).
PLATFORM_LOG_KB = 0.35


def price(key: str) -> dict:
    return PRICES["prices"][key]


def cost(key: str, quantity: float) -> float:
    """Walk the tiers of a price for a monthly quantity."""
    entry = price(key)
    total, lower = 0.0, 0.0
    for tier in entry["tiers"]:
        if quantity <= lower:
            break
        upper = tier.get("up_to", math.inf)
        total += (min(quantity, upper) - lower) / entry["per"] * tier["usd"]
        lower = upper
    return total


def chunks(kb: float, size: float) -> float:
    return max(1.0, math.ceil(kb / size))


def ia_rule() -> tuple[float, float]:
    """The payload bucket's rule moving large bodies to Standard-IA: (smallest KB moved, days before)."""
    rule = re.search(
        r"- Id: large-payloads-to-infrequent-access\n(?:.*\n)*?\s+ObjectSizeGreaterThan: (\d+)\n"
        r"(?:.*\n)*?.*StorageClass: STANDARD_IA\n\s+TransitionInDays: (\d+)",
        TEMPLATE,
    )
    assert rule, "PayloadBucket has no rule moving large bodies to Standard-IA"
    return int(rule.group(1)) / 1024, float(rule.group(2))


def event_source() -> tuple[int, float]:
    """The processor's SQS event source in template.yaml: (BatchSize, MaximumBatchingWindowInSeconds, 0 if none)."""
    source = TEMPLATE.split("Type: SQS\n", 1)[1].split("FunctionResponseTypes", 1)[0]
    size = re.search(r"BatchSize: (\d+)", source)
    assert size, "the processor's event source has no BatchSize"
    window = re.search(r"MaximumBatchingWindowInSeconds: (\d+)", source)
    return int(size.group(1)), float(window.group(1)) if window else 0.0


def batch_at(w: dict, per_second: float) -> float:
    """The processor's average batch: the first message opens it, those arriving while the source gathers join it
    (for the batching window, or with none, while the previous batch is processed), up to BatchSize."""
    window = w["batch_window_s"] if w["queue"] == "standard" else 0.0
    gather = window if window > 0 else w["processor_duration_ms"] / 1000
    return min(float(w["batch_size"]), 1.0 + per_second * gather)


def usage(w: dict, events: int) -> dict:
    n = float(events)
    batch = batch_at(w, n / SECONDS)
    processor = n / batch
    api_per_event = chunks(w["payload_kb"], 512.0) if w["api"] == "http" else 1.0
    # The queue carries the body's S3 key only: one send per event, one receive and one delete per batch.
    sqs_per_event = 1.0 + 2.0 / batch
    ia_min_kb, ia_days = ia_rule()
    months = w["stored_months"]
    to_ia = w["payload_kb"] > ia_min_kb and months * SECONDS > ia_days * 86_400
    standard_months = ia_days * 86_400 / SECONDS if to_ia else months
    return {
        "api": n * api_per_event,
        "invocations": n + processor,
        "gb_seconds": n * w["ingest_memory_mb"] / 1024 * w["ingest_duration_ms"] / 1000
        + processor * w["processor_memory_mb"] / 1024 * w["processor_duration_ms"] / 1000,
        "sqs": n * sqs_per_event,
        "writes": n * w["write_units_per_event"],
        "reads": n * w["read_units_per_event"],
        "log_gb": (n * w["log_kb_per_event"] + (n + processor) * PLATFORM_LOG_KB) / 1_000_000,
        "platform_log_gb": (n + processor) * PLATFORM_LOG_KB / 1_000_000,
        "traces": sum(traces(m, w["tracing_sample"]) for m in [n, processor][: w["traced_functions"]]),
        "events_gb": n * months * (EVENT_RECORD_KB + ITEM_OVERHEAD_KB) / KB_PER_GB,
        "s3_puts": n,
        "s3_gets": n,
        "s3_transitions": n if to_ia else 0.0,
        "s3_standard_gb": n * standard_months * w["payload_kb"] / KB_PER_GB,
        "s3_ia_gb": n * (months - standard_months) * w["payload_kb"] / KB_PER_GB,
        "idempotency_gb": n
        * (w["idempotency_ttl_days"] * 86_400 / SECONDS)
        * (IDEMPOTENCY_RECORD_KB + ITEM_OVERHEAD_KB)
        / KB_PER_GB,
        "kms": KMS_CALLERS * min(n, SECONDS / KEY_REUSE_SECONDS) if w["kms_keys"] else 0.0,
        "secret_calls": min(n, SECONDS / KEY_REUSE_SECONDS) if w["secrets"] else 0.0,
    }


def traces(invocations: float, sample: float) -> float:
    """Lambda's default X-Ray rule: the first request each second, then `sample` of the rest."""
    return min(invocations, SECONDS) + sample * max(0.0, invocations - SECONDS)


def keys_for(w: dict) -> dict:
    return {
        "api": "api_http_requests" if w["api"] == "http" else "api_rest_requests",
        "duration": f"lambda_duration_{w['arch']}",
        "sqs": f"sqs_{w['queue']}_requests",
    }


def line_items(w: dict, events: int) -> dict:
    u = usage(w, events)
    k = keys_for(w)
    return {
        "api": cost(k["api"], u["api"]),
        "lambda_requests": cost("lambda_requests", u["invocations"]),
        "lambda_duration": cost(k["duration"], u["gb_seconds"]),
        "sqs": cost(k["sqs"], u["sqs"]),
        "dynamodb": cost("dynamodb_write_units", u["writes"]) + cost("dynamodb_read_units", u["reads"]),
        # What Lambda writes is priced as vended logs, in volume tiers.
        "logs": cost("logs_ingest_lambda", u["log_gb"]),
        "tracing": cost("xray_traces_recorded", u["traces"]),
        "s3_requests": cost("s3_put_requests", u["s3_puts"])
        + cost("s3_get_requests", u["s3_gets"])
        + cost("s3_lifecycle_transitions", u["s3_transitions"]),
        "s3_storage": cost("s3_standard_storage", u["s3_standard_gb"]) + cost("s3_standard_ia_storage", u["s3_ia_gb"]),
        "storage": cost("dynamodb_storage", u["events_gb"] + u["idempotency_gb"]),
        "backups": cost(
            "dynamodb_pitr",
            (u["events_gb"] if w["events_pitr"] else 0.0) + (u["idempotency_gb"] if w["idempotency_pitr"] else 0.0),
        ),
        "kms": cost("kms_key", w["kms_keys"]) + cost("kms_requests", u["kms"]),
        "secrets": cost("secrets_manager_secret", w["secrets"]) + cost("secrets_manager_api", u["secret_calls"]),
        "alarms": cost("cloudwatch_alarm", w["alarms"]) + cost("cloudwatch_composite_alarm", w["composite_alarms"]),
        "dashboards": cost("cloudwatch_dashboard", w["dashboards"]),
    }


def free_tier(w: dict, events: int) -> float:
    u = usage(w, events)
    k = keys_for(w)
    free = {key: entry["amount"] for key, entry in PRICES["free_tier"].items()}
    return (
        cost("lambda_requests", min(u["invocations"], free["lambda_requests"]))
        + cost(k["duration"], min(u["gb_seconds"], free["lambda_gb_seconds"]))
        + cost(k["sqs"], min(u["sqs"], free["sqs_requests"]))
        + cost("logs_ingest_lambda", min(u["log_gb"], free["logs_ingest"]))
        + cost("xray_traces_recorded", min(u["traces"], free["xray_traces_recorded"]))
        + cost("dynamodb_storage", min(u["events_gb"] + u["idempotency_gb"], free["dynamodb_storage"]))
        + cost("kms_requests", min(u["kms"], free["kms_requests"]))
        + cost("cloudwatch_alarm", min(w["alarms"], free["cloudwatch_alarms"]))
        + cost("cloudwatch_dashboard", min(w["dashboards"], free["cloudwatch_dashboards"]))
    )


def fargate_total(w: dict, events: int) -> float:
    """Price the same code as containers on Fargate behind a load balancer, plus what stays either way."""
    n = float(events)
    peak = n / (HOURS * 3600) * CONTAINERS["peak_factor"]
    tasks = max(CONTAINERS["min_tasks"], math.ceil(peak / CONTAINERS["events_per_task_second"]))
    tasks_usd = cost(f"fargate_{w['arch']}_vcpu", tasks * CONTAINERS["task_vcpu"] * HOURS) + cost(
        f"fargate_{w['arch']}_memory", tasks * CONTAINERS["task_memory_gb"] * HOURS
    )
    lcu_hours = max(n / (25 * 3600), n * w["payload_kb"] / 1_000_000)
    balancer = cost("alb_hour", HOURS) + cost("alb_lcu", lcu_hours)
    # Public IPv4: the internet-facing load balancer holds one in each of its two zones, and each task one for
    # its own egress (no NAT gateway).
    addresses = cost("public_ipv4", (2 + tasks) * HOURS)
    items = line_items(w, events)
    # Lambda's START, END and REPORT lines leave with Lambda.
    u = usage(w, events)
    own_gb = u["log_gb"] - u["platform_log_gb"]
    lambda_logs = cost("logs_ingest_lambda", u["log_gb"]) - cost("logs_ingest_lambda", own_gb)
    shared = sum(usd for key, usd in items.items() if key not in MOVING) - lambda_logs
    # The code's own lines, once in containers, are no longer vended logs: they pay the standard rate.
    shared += cost("logs_ingest", own_gb) - cost("logs_ingest_lambda", own_gb)
    return tasks_usd + balancer + addresses + shared


def money(text: str) -> float:
    text = text.strip()
    sign = -1.0 if text.startswith("-") else 1.0
    return sign * float(text.lstrip("-").lstrip("$").replace(",", ""))


def doc_table() -> tuple[list[int], dict[str, list[str]]]:
    body = DOC.split("<!-- cost-table:begin -->", 1)[1].split("<!-- cost-table:end -->", 1)[0]
    lines = [line for line in body.strip().splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    volumes = [int(cell.replace(",", "")) for cell in header[1:]]
    rows = {}
    for line in lines[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        key = re.match(r"`(\w+)`", cells[0]).group(1)
        rows[key] = cells[1:]
    return volumes, rows


def doc_break_even() -> int | None:
    """The page's break-even against Fargate in events a month, or None when it states there is none."""
    match = re.search(r"Break-even against Fargate: \*\*([\d,]+|none below 10\^12)\*\*", DOC)
    assert match, "break-even sentence missing"
    return None if match.group(1).startswith("none") else int(match.group(1).replace(",", ""))


def close(printed: str, computed: float) -> bool:
    return abs(money(printed) - computed) <= CENT


def test_every_price_is_dated_and_sourced():
    for key, entry in PRICES["prices"].items():
        assert entry["tiers"], key
        assert re.fullmatch(r"\d{4}(-\d{2}){0,2}", entry["as_of"]), key
        assert entry["source"].strip(), key
        assert f"`{key}`" in DOC, f"{key} is not listed on the cost page"


def test_table_has_the_reference_volumes_and_yours():
    volumes, rows = doc_table()
    for reference in (10_000, 1_000_000, 100_000_000):
        assert reference in volumes
    assert WORKLOAD["events_per_month"] in volumes
    assert set(ITEM_KEYS) <= set(rows)


def test_line_items_match_the_prices():
    volumes, rows = doc_table()
    for column, events in enumerate(volumes):
        items = line_items(WORKLOAD, events)
        for key in ITEM_KEYS:
            printed = rows[key][column]
            assert close(printed, items[key]), f"{key} at {events}: page {printed}, computed {items[key]:.4f}"


def test_totals_and_free_tier_match():
    volumes, rows = doc_table()
    for column, events in enumerate(volumes):
        total = sum(line_items(WORKLOAD, events).values())
        free = free_tier(WORKLOAD, events)
        assert close(rows["total"][column], total), f"total at {events}"
        assert close(rows["free_tier"][column], -free), f"free tier at {events}"
        assert close(rows["after_free_tier"][column], max(0.0, total - free)), f"after free tier at {events}"


def test_largest_line_item_is_named():
    volumes, rows = doc_table()
    for column, events in enumerate(volumes):
        items = line_items(WORKLOAD, events)
        largest = max(ITEM_KEYS, key=lambda k: (items[k], -ITEM_KEYS.index(k)))
        assert rows["largest"][column].strip("`") == largest, f"largest at {events}"


def test_break_even_is_where_the_bills_cross():
    events = doc_break_even()
    if events is None:
        assert sum(line_items(WORKLOAD, 10**12).values()) < fargate_total(WORKLOAD, 10**12)
        return

    def gap(n: int) -> float:
        return sum(line_items(WORKLOAD, n).values()) - fargate_total(WORKLOAD, n)

    assert gap(events) >= -1e-9, "serverless is still cheaper at the stated break-even"
    assert gap(events - 1) < 1e-9, "the crossing comes before the stated break-even"


def test_levers_at_100m():
    section = DOC.split("## What to change at 100M events a month", 1)[1].split("\n## ", 1)[0]
    base = sum(line_items(WORKLOAD, 100_000_000).values())
    changes = {
        "logs": {"log_kb_per_event": WORKLOAD["log_kb_per_event"] / 4},
        "writes": {"write_units_per_event": max(1.0, WORKLOAD["write_units_per_event"] - 1)},
        "batch": {"batch_size": 100, "batch_window_s": max(1.0, WORKLOAD["batch_window_s"])},
        "arm64": {"arch": "arm64"},
        "standard_queue": {"queue": "standard"},
    }
    seen = 0
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) != 4 or not cells[1].startswith("`"):
            continue
        key = cells[1].strip("`")
        if key == "containers":
            total = fargate_total(WORKLOAD, 100_000_000)
        else:
            total = sum(line_items({**WORKLOAD, **changes[key]}, 100_000_000).values())
        assert close(cells[2], total), f"lever {key}: page {cells[2]}, computed {total:.4f}"
        assert close(cells[3], base - total), f"lever {key} saving"
        seen += 1
    assert seen >= 4


def test_workload_matches_the_recorded_answers():
    answers_file = ROOT / ".scaffold" / "answers.toml"
    if not answers_file.exists():
        # The project was copied without its answers record; the workload in prices.json is all there is.
        assert WORKLOAD["events_per_month"] >= 1
        return
    answers = tomllib.loads(answers_file.read_text(encoding="utf-8")).get("answers", {})
    expected = {
        "events_per_month": answers.get("events_per_month", WORKLOAD["events_per_month"]),
        "payload_kb": answers.get("payload_kb", WORKLOAD["payload_kb"]),
        "arch": answers.get("arch", WORKLOAD["arch"]),
        "queue": answers.get("queue", WORKLOAD["queue"]),
    }
    for key, value in expected.items():
        assert WORKLOAD[key] == value, f"cost/prices.json prices {key}={WORKLOAD[key]}, the answers say {value}"


TEMPLATE = (ROOT / "template.yaml").read_text(encoding="utf-8")


def resources_of(kind: str) -> list[str]:
    """Logical ids of the template's resources of one type."""
    return re.findall(rf"^  (\w+):\n    Type: {re.escape(kind)}\n", TEMPLATE, re.M)


def parameter_default(name: str) -> int:
    match = re.search(rf"^  {name}:\n    Type: Number\n    Default: (\d+)\n", TEMPLATE, re.M)
    assert match, f"parameter {name} has no number default in template.yaml"
    return int(match.group(1))


def resource_body(logical_id: str) -> str:
    """The lines of one resource, up to the blank line that ends it."""
    return TEMPLATE.split(f"\n  {logical_id}:\n", 1)[1].split("\n\n", 1)[0]


def alarm_metrics(alarm: str) -> int:
    """What CloudWatch bills for a standard-resolution alarm: each metric it reads, not its math expressions.

    A single-metric alarm (MetricName at the top) reads one; a metric-math alarm reads one per MetricStat entry
    of its Metrics list.
    """
    body = resource_body(alarm)
    if "\n      Metrics:" not in body:
        assert "\n      MetricName:" in body, f"{alarm} names no metric"
        return 1
    stats = len(re.findall(r"^\s+MetricStat:$", body, re.M))
    assert stats, f"{alarm} has a Metrics list with no MetricStat"
    return stats


def test_the_fixed_costs_count_what_the_template_deploys():
    # Each of these is paid every month; a resource added to template.yaml without its count in the cost
    # model (template.toml [settings] / [cost.inputs]) would be missing from every total.
    alarms = resources_of("AWS::CloudWatch::Alarm")
    metrics = {alarm: alarm_metrics(alarm) for alarm in alarms}
    billed = sum(metrics.values())
    listed = ", ".join(f"{alarm} {count}" for alarm, count in metrics.items())
    assert billed == WORKLOAD["alarms"], (
        f"template.yaml's {len(alarms)} AWS::CloudWatch::Alarm read {billed} alarm metrics ({listed}), "
        f"the cost model counts {WORKLOAD['alarms']}"
    )
    counted = {
        "AWS::CloudWatch::CompositeAlarm": WORKLOAD["composite_alarms"],
        "AWS::CloudWatch::Dashboard": WORKLOAD["dashboards"],
        "AWS::SecretsManager::Secret": WORKLOAD["secrets"],
        "AWS::KMS::Key": WORKLOAD["kms_keys"],
    }
    for kind, count in counted.items():
        found = resources_of(kind)
        listed = ", ".join(found)
        assert len(found) == count, f"template.yaml has {len(found)} {kind} ({listed}), the cost model {count}"


def test_tracing_storage_and_recovery_follow_the_template():
    assert ("Tracing: Active" in TEMPLATE) == (WORKLOAD["traced_functions"] > 0)
    ttl = re.search(r'IDEMPOTENCY_TTL_SECONDS: "(\d+)"', TEMPLATE)
    assert ttl
    assert int(ttl.group(1)) == WORKLOAD["idempotency_ttl_days"] * 86_400
    for table, key in (("EventsTable", "events_pitr"), ("IdempotencyTable", "idempotency_pitr")):
        body = TEMPLATE.split(f"\n  {table}:\n", 1)[1].split("\n\n", 1)[0]
        assert ("PointInTimeRecoveryEnabled: true" in body) == WORKLOAD[key], f"{table} recovery"
    # Every table is priced or named as not modelled: the state table holds one small item per object, and the
    # number of objects is not an input.
    tables = resources_of("AWS::DynamoDB::Table")
    assert sorted(tables) == ["EventsTable", "IdempotencyTable", "StateTable"], f"tables: {tables}"
    not_modelled = DOC.split("## Not modelled", 1)[1].split("\n## ", 1)[0]
    assert "- The state table's storage and point-in-time recovery" in not_modelled
    events = TEMPLATE.split("\n  EventsTable:\n", 1)[1].split("\n\n", 1)[0]
    # An event record expires (TTL) with its payload in S3; both are priced after stored_months months, the
    # retention, when storage stops growing. Retained on delete.
    assert "AttributeName: expires_at" in events
    assert "DeletionPolicy: Retain" in events
    kept = re.search(r"- Id: expire-payloads\n(?:\s+\w+: \S+\n)*?\s+ExpirationInDays: (\d+)", TEMPLATE)
    assert kept, "PayloadBucket has no expire-payloads rule"
    ttl_days = re.search(r'EVENT_TTL_DAYS: "(\d+)"', TEMPLATE)
    assert ttl_days
    assert int(ttl_days.group(1)) == int(kept.group(1))
    assert round(int(kept.group(1)) / 365 * 12) == WORKLOAD["stored_months"]


def test_the_batches_priced_are_the_event_source_deployed():
    size, window = event_source()
    assert WORKLOAD["batch_size"] == size
    if WORKLOAD["queue"] == "standard":
        assert WORKLOAD["batch_window_s"] == window
    else:
        assert window == 0.0, "a FIFO event source takes no batching window"
    batch = f"{batch_at(WORKLOAD, WORKLOAD['events_per_month'] / SECONDS):.2f}".rstrip("0").rstrip(".")
    assert f"that is {batch} events a batch" in " ".join(DOC.split())


def test_the_platform_log_lines_are_stated():
    assert f"about {PLATFORM_LOG_KB:g} KB per invocation" in " ".join(DOC.split())


def test_limits_and_budget_are_sized_from_the_volume():
    n = WORKLOAD["events_per_month"]
    peak = n / SECONDS * 10  # the page's peak factor: 10x the mean rate
    rate = min(10_000, max(100, math.ceil(peak)))
    assert parameter_default("ApiThrottleRateLimit") == rate
    assert parameter_default("ApiThrottleBurstLimit") == min(5_000, 2 * rate)
    concurrency = math.ceil(2 * peak / batch_at(WORKLOAD, peak) * WORKLOAD["processor_duration_ms"] / 1000)
    assert parameter_default("ProcessorMaxConcurrency") == min(1_000, max(10, concurrency))
    total = sum(line_items(WORKLOAD, n).values())
    budget = re.search(r"BudgetLimit:\n\s+Amount: (\d+)\n", TEMPLATE)
    assert budget, "template.yaml has no budget"
    assert int(budget.group(1)) == math.ceil(max(10.0, 2 * total))


def test_the_readme_fixed_costs_are_the_line_items_and_their_share():
    (line,) = [text for text in README.splitlines() if text.startswith("- **Fixed costs**")]
    figures = re.findall(r"\$[\d,]+\.\d\d", line)
    items = line_items(WORKLOAD, WORKLOAD["events_per_month"])
    expected = [items[key] for key in STANDING] + [sum(items[key] for key in STANDING)]
    assert len(figures) == len(expected), line
    for printed, computed in zip(figures, expected, strict=True):
        assert close(printed, computed), f"README {printed}, computed {computed:.4f}"
    low = line_items(WORKLOAD, 10_000)
    share = re.search(r"At 10K events a month they are (\d+)% of the bill", line)
    assert share, line
    assert abs(int(share.group(1)) - 100 * sum(low[key] for key in STANDING) / sum(low.values())) <= 0.5


def test_the_readme_price_comparisons_follow_the_price_table():
    assert "an HTTP API costs less than a third of a REST API per request" in README
    http, rest = (price(f"api_{api}_requests")["tiers"][0]["usd"] for api in ("http", "rest"))
    assert http < rest / 3
    assert "arm64 is about 20% cheaper per GB-second" in README
    arm, x86 = (price(f"lambda_duration_{arch}")["tiers"][0]["usd"] for arch in ("arm64", "x86_64"))
    assert round(100 * (1 - arm / x86)) == 20
    # X-Ray's default rule traces the first request of each second: a month has this many seconds.
    assert "below about 2.6M invocations a month nearly every one is a trace" in README
    assert round(SECONDS / 1e6, 1) == 2.6


def compact(text: str) -> float:
    """A compact count as documents print it: `34.43M` is 34,430,000."""
    scale = {"K": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}
    return float(text[:-1]) * scale[text[-1]] if text[-1] in scale else float(text)


def test_the_adrs_figures_follow_the_cost_model():
    adr = ROOT / "docs" / "adr"
    api = (adr / "0001-http-api-over-rest-api.md").read_text(encoding="utf-8")
    http, rest = (price(f"api_{kind}_requests")["tiers"][0]["usd"] for kind in ("http", "rest"))
    quoted = re.search(r"about \$([\d.]+) against \$([\d.]+) per million", api)
    assert quoted
    assert (float(quoted.group(1)), float(quoted.group(2))) == (http, rest)
    difference = re.search(r"At 100 million deliveries a month that difference alone is about \$(\d+)", api)
    assert difference
    assert int(difference.group(1)) == round((rest - http) * 100)

    functions = " ".join((adr / "0005-functions-over-containers.md").read_text(encoding="utf-8").split())
    items = line_items(WORKLOAD, WORKLOAD["events_per_month"])
    standing = sum(items[key] for key in STANDING)
    idle = re.search(r"\(at most (\$[\d,.]+) a month\)", functions)
    assert idle
    assert close(idle.group(1), standing)
    assert sum(line_items(WORKLOAD, 0)[key] for key in STANDING) <= standing + 1e-9
    events = doc_break_even()
    stated = re.search(r"break-even against Fargate is about (\S+) deliveries a month", functions)
    if events is None:
        assert stated is None
        assert "Fargate is not cheaper at any modelled volume" in functions
    else:
        assert stated
        assert abs(compact(stated.group(1)) - events) <= 0.005 * events


# AWS's default limits the README's "Quotas to raise before launch" names: the HTTP API rate per account and
# Region, the concurrency an SQS event source gives one function, write request units per on-demand table and
# Lambda's concurrency per account and Region.
API_RATE_QUOTA, EVENT_SOURCE_CONCURRENCY, TABLE_WRITE_UNITS, ACCOUNT_CONCURRENCY = 10_000, 1_000, 40_000, 1_000


def quotas_past() -> dict[str, tuple[int, int]]:
    """Each limit the peak (10x the mean rate) goes past, by the README's bullet label: (needed, quota)."""
    peak = WORKLOAD["events_per_month"] / SECONDS * 10
    processor = 2 * peak / batch_at(WORKLOAD, peak) * WORKLOAD["processor_duration_ms"] / 1000
    ingest = math.ceil(peak * WORKLOAD["ingest_duration_ms"] / 1000)
    needs = {
        "API request rate": (peak, API_RATE_QUOTA),
        "Processor concurrency": (processor, EVENT_SOURCE_CONCURRENCY),
        "DynamoDB write throughput": (peak * WORKLOAD["write_units_per_event"], TABLE_WRITE_UNITS),
        "Lambda concurrency": (ingest + math.ceil(processor), ACCOUNT_CONCURRENCY),
    }
    return {label: (math.ceil(n), q) for label, (n, q) in needs.items() if n > q}


def test_the_readme_names_every_quota_the_peak_goes_past_and_no_other():
    past = quotas_past()
    heading = "### Quotas to raise before launch"
    if not past:
        assert heading not in README, "the README asks for quota increases the peak does not need"
        return
    assert heading in README, f"the peak goes past {sorted(past)} but the README has no {heading!r}"
    section = README.split(heading, 1)[1].split("\n```sh", 1)[0]
    bullets = dict(re.findall(r"^- \*\*(.+?)\*\*: (.+?)(?=^\S|\Z)", section, re.M | re.S))
    assert sorted(bullets) == sorted(past), f"README names {sorted(bullets)}, the peak is past {sorted(past)}"
    for label, (needed, quota) in past.items():
        figures = [int(x.replace(",", "")) for x in re.findall(r"\d[\d,]*", bullets[label])]
        assert figures[:2] == [needed, quota], f"{label}: README {figures[:2]}, computed {[needed, quota]}"
    peak = WORKLOAD["events_per_month"] / SECONDS * 10
    assert f"the peak is {peak:.2f} requests a second" in section
    if "API request rate" in past:
        match = re.search(r"^  ApiThrottleRateLimit:\n(?:    .*\n)*?    MaxValue: (\d+)\n", TEMPLATE, re.M)
        assert match, "template.yaml has no ApiThrottleRateLimit MaxValue"
        assert int(match.group(1)) == API_RATE_QUOTA, "the throttle parameter's MaxValue moved"


if __name__ == "__main__":
    # Runnable without pytest: python3 tests/test_cost_model.py
    for name, function in sorted(globals().items()):
        if name.startswith("test_") and callable(function):
            function()
            print(f"ok {name}")
