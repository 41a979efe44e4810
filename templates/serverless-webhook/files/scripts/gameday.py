#!/usr/bin/env python3
"""Game day: rehearse incidents offline against the local pipeline, measure them, write the reports.

Each scenario starts the pipeline of `make local` (scripts/local_server.py over scripts/local_env.py, backed by
moto) on 127.0.0.1 with a port the system picks, breaks something, and then follows the runbook page of the alarm
that fires. The alarms are the ones template.yaml defines, evaluated (scripts/alarm_eval.py) against the EMF lines
the functions print and the queue depths SQS reports. Every stack timing (visibility timeout, alarm periods) is
divided by --time-scale. The report (scripts/incident_report.py) goes to docs/incidents/<date>-<scenario>.md and
holds only what that run measured.

Safe to rerun: each scenario gets a fresh in-memory account, stops its server and consumer, and gives up after
BOUND_SECONDS. Exits 1 when a scenario loses or double-applies a delivery or its alarm never fires (the burst, which
no alarm watches: when the throttle never answers 429).

  python3 scripts/gameday.py [--scenario NAME ...] [--out docs/incidents] [--time-scale 180]
"""

from __future__ import annotations

import argparse
import base64
import concurrent.futures
import contextlib
import json
import os
import sys
import threading
import time
import urllib.request
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import alarm_eval  # noqa: E402
import incident_report  # noqa: E402
import local_env  # noqa: E402
import local_server  # noqa: E402
import replay_dlq  # noqa: E402
import send_test_webhook  # noqa: E402

ROOT = local_env.ROOT
BOUND_SECONDS = 60  # a scenario that has not recovered by then fails
TIME_SCALE = 180  # the queue's 180 s visibility timeout becomes 1 s, a 60 s alarm period a third of a second
POLL = 0.05
DRILL_DELIVERIES = 5


class Capture:
    """sys.stdout while the game day runs: keeps every line the functions print (EMF metrics, JSON logs)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._partial = ""
        self.lines: list[str] = []

    def write(self, text: str) -> int:
        with self._lock:
            *done, self._partial = (self._partial + text).split("\n")
            self.lines.extend(done)
        return len(text)

    def flush(self) -> None:
        return None

    def since(self, index: int) -> list[str]:
        with self._lock:
            return self.lines[index:]


class Pipeline:
    """The local pipeline on 127.0.0.1, with the metrics it produces and the alarms template.yaml sets."""

    def __init__(self, capture: Capture, time_scale: float, throttled: bool = True):
        self.capture = capture
        self.throttled = throttled
        self.time_scale = time_scale
        self.samples: list[alarm_eval.Datapoint] = []
        self._stack = contextlib.ExitStack()

    def __enter__(self) -> Pipeline:
        from moto import mock_aws

        self._mark = len(self.capture.lines)
        self._stack.enter_context(mock_aws())
        self._stack.enter_context(local_env.serialised_aws_calls())
        self.env = local_env.LocalEnv()
        self.env.create()
        # Imported once the functions' settings are exported (Powertools reads its metric namespace at import).
        import ingest
        import processor

        # A fresh account per scenario: the handlers must not keep clients, caches or metrics of the last one.
        for module in (ingest, processor):
            module.reset_clients()
            self._stack.callback(module.reset_clients)
        # Alarm names as deployed: the stack samconfig.toml deploys, not the local one.
        stack = replay_dlq.samconfig("stack_name") or self.env.stack
        self.alarms = alarm_eval.load_alarms(self.env.template, stack)
        self.timeout = self.env.scaled_visibility_timeout(self.time_scale)
        consumer = local_server.start_consumer(self.env, self.timeout, POLL)
        self._stack.callback(consumer.stop)
        self.throttle = local_server.api_throttle(self.env) if self.throttled else None
        self.server = local_server.make_server(self.env, "127.0.0.1", 0, self.throttle)
        self._stack.callback(self.server.server_close)
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        self._stack.callback(self.server.shutdown)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        return self

    def __exit__(self, *exc) -> None:
        self._stack.close()

    # --- traffic ----------------------------------------------------------------

    def send(self, delivery_id: str, event_type: str = "invoice.paid", secret: str | None = None) -> int:
        """One delivery, signed as the project's sender signs, each about an object of its own."""
        now = int(time.time())
        document = {
            "id": delivery_id,
            "type": event_type,
            "created": now,
            "timestamp": datetime.fromtimestamp(now, UTC).isoformat(),
            "data": {"object": {"id": f"obj-{delivery_id}"}},
        }
        body = json.dumps(document, sort_keys=True).encode()
        headers = local_env.signatures.sign_headers(
            self.env.scheme, secret or self.env.secret, body, delivery_id, now, event_type
        )
        headers["content-type"] = "application/json"
        status, _ = send_test_webhook.post(f"{self.url}/webhooks", body, headers)
        return status

    def replay(self) -> int:
        """The local stand-in for `make replay`: local_server's /replay runs replay_dlq.manual_move."""
        request = urllib.request.Request(f"{self.url}/replay", data=b"", method="POST")  # noqa: S310 - our own URL
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - 127.0.0.1 only
            return json.loads(response.read())["moved"]

    # --- measuring --------------------------------------------------------------

    def visible(self, logical_id: str) -> int:
        attributes = self.env.sqs.get_queue_attributes(
            QueueUrl=self.env.urls[logical_id], AttributeNames=["ApproximateNumberOfMessages"]
        )["Attributes"]
        return int(attributes["ApproximateNumberOfMessages"])

    def sample(self) -> None:
        """What SQS reports to CloudWatch: ApproximateNumberOfMessagesVisible of both queues."""
        now = time.time()
        for logical_id in ("Queue", "DeadLetterQueue"):
            self.samples.append(
                alarm_eval.Datapoint(
                    now,
                    "AWS/SQS",
                    "ApproximateNumberOfMessagesVisible",
                    (("QueueName", logical_id),),
                    float(self.visible(logical_id)),
                )
            )

    def lines(self) -> list[str]:
        return self.capture.since(self._mark)

    def points(self) -> list[alarm_eval.Datapoint]:
        emf = [point for line in self.lines() for point in alarm_eval.emf_datapoints(line)]
        return emf + self.samples + api_datapoints(self.server.answers)

    def metric(self, name: str) -> list[alarm_eval.Datapoint]:
        return [point for point in self.points() if point.metric == name]

    def changes(self, logical_id: str, start: float, end: float | None = None) -> list[tuple]:
        return alarm_eval.evaluate(self.alarms[logical_id], self.points(), start, end or time.time(), self.time_scale)

    def wait_until(self, check: Callable[[], object], what: str, deadline: float):
        """Sample the queues until check() gives a truthy value, which is returned; fail at the deadline."""
        while True:
            self.sample()
            value = check()
            if value:
                return value
            if time.time() > deadline:
                raise TimeoutError(f"gave up after {BOUND_SECONDS} s waiting for {what}")
            time.sleep(POLL)

    def applied(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for item in self.env.stored():
            if item.get("applied"):
                counts[item["delivery_id"]] = counts.get(item["delivery_id"], 0) + 1
        return counts


API_DIMENSIONS = (("ApiId", "HttpApi"), ("Stage", "$default"))


def api_datapoints(answers: list[tuple[float, int]]) -> list[alarm_eval.Datapoint]:
    """What the HTTP API reports to CloudWatch for each answer: Count 1, and 4xx or 5xx 1 when it was one."""
    points = []
    for when, status in list(answers):
        points.append(alarm_eval.Datapoint(when, "AWS/ApiGateway", "Count", API_DIMENSIONS, 1.0))
        for metric in ("4xx", "5xx"):
            points.append(
                alarm_eval.Datapoint(when, "AWS/ApiGateway", metric, API_DIMENSIONS, float(metric[0] == str(status)[0]))
            )
    return points


def first(changes: list[tuple], state: str, after: float = 0.0) -> float | None:
    """When the alarm first went to `state` (later than `after`), or None."""
    return next((when for when, new in changes if new == state and when > after), None)


def rule(alarm: alarm_eval.Alarm, time_scale: float) -> str:
    """The alarm's condition as template.yaml states it."""
    return (
        f"{alarm.statistic} of {alarm.namespace} {alarm.metric} {alarm.comparison} {alarm.threshold:g} in "
        f"{alarm.datapoints_to_alarm} of {alarm.evaluation_periods} periods of {alarm.period:g} s "
        f"({alarm.period / time_scale:.2f} s in this run), missing data {alarm.treat_missing}"
    )


def runbook_anchor(alarm: alarm_eval.Alarm) -> str:
    """The runbook section the alarm's description links (docs/runbook.md#<anchor>)."""
    return alarm.description.split("docs/runbook.md#", 1)[1].rstrip(".")


def open_incident(pipeline: Pipeline, slug: str, title: str, alarm_id: str) -> incident_report.Incident:
    alarm = pipeline.alarms[alarm_id]
    anchor = runbook_anchor(alarm)
    sections = incident_report.runbook_sections((ROOT / "docs" / "runbook.md").read_text(encoding="utf-8"))
    if anchor not in sections:
        raise SystemExit(f"{alarm.name} links docs/runbook.md#{anchor}, which has no such section")
    return incident_report.Incident(
        slug=slug,
        title=title,
        time_scale=pipeline.time_scale,
        started=time.time(),
        alarm=alarm.name,
        alarm_said=alarm.description,
        alarm_rule=rule(alarm, pipeline.time_scale),
        runbook_anchor=anchor,
        runbook_said=sections[anchor],
    )


@contextlib.contextmanager
def patched(module_name: str, attribute: str, replacement: Callable):
    """Swap one function of a handler module for the length of a fault; the original is back whatever happens."""
    module = __import__(module_name)
    original = getattr(module, attribute)
    setattr(module, attribute, replacement(original))
    try:
        yield
    finally:
        setattr(module, attribute, original)


def store_outage():
    """The processor's store refuses every write, as DynamoDB does in a regional outage."""

    def refusing(_original):
        def refuse(item: dict) -> str:
            raise ConnectionError("the events store is unreachable (game day fault)")

        return refuse

    return patched("processor", "record_event", refusing)


POISON_TYPE = "invoice.voided"


def poison_release():
    """A release whose business rules raise on one event type, the way a bug ships: every other type still works."""

    def buggy(original):
        def rules(delivery: dict) -> dict:
            if delivery["event_type"] == POISON_TYPE:
                raise KeyError("amount_due (game day fault: the new release reads a field this event lacks)")
            return original(delivery)

        return rules

    return patched("processor", "apply_business_rules", buggy)


@dataclass
class Drill:
    """A fault that parks deliveries in the DLQ, and what the runbook's step 3 decides about it."""

    slug: str
    title: str
    fault: Callable[[], contextlib.AbstractContextManager]
    fault_text: str
    deliveries: list[tuple[str, str]]  # (delivery id, event type)
    parked: list[str]  # the ids the fault sends to the DLQ
    decision: str
    fixed_text: str


def dlq_drill(pipeline: Pipeline, drill: Drill) -> incident_report.Incident:
    """Inject the fault, send the deliveries, follow docs/runbook.md#dlq-not-empty from the alarm to the replay."""
    incident = open_incident(pipeline, drill.slug, drill.title, "DeadLetterQueueDepthAlarm")
    deadline = incident.started + BOUND_SECONDS
    ids = [delivery_id for delivery_id, _ in drill.deliveries]
    mrc = pipeline.env.max_receive_count
    with drill.fault():
        incident.mark(incident.started, f"fault: {drill.fault_text}")
        statuses = [pipeline.send(delivery_id, event_type) for delivery_id, event_type in drill.deliveries]
        incident.mark(time.time(), f"{len(ids)} deliveries sent; ingest answered {sorted(set(statuses))}")
        incident.sent = statuses.count(202)
        healthy = set(ids) - set(drill.parked)
        if healthy:
            pipeline.wait_until(lambda: set(pipeline.applied()) >= healthy, "the healthy deliveries", deadline)
            incident.mark(time.time(), f"the {len(healthy)} deliveries the fault spares are applied")
        pipeline.wait_until(
            lambda: pipeline.visible("DeadLetterQueue") == len(drill.parked), "the DLQ to fill", deadline
        )
        incident.mark(time.time(), f"{len(drill.parked)} delivery(ies) in the DLQ after {mrc} receives each")
        detected = pipeline.wait_until(
            lambda: first(pipeline.changes("DeadLetterQueueDepthAlarm", incident.started), "ALARM"),
            "dlq-not-empty to fire",
            deadline,
        )
        incident.detected = detected
        # Runbook step 1: look at what is in the DLQ, without hiding it from the replay.
        peeked = pipeline.env.sqs.receive_message(
            QueueUrl=pipeline.env.urls["DeadLetterQueue"],
            MaxNumberOfMessages=10,
            VisibilityTimeout=0,
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        parked = sorted(m["MessageAttributes"]["delivery_id"]["StringValue"] for m in peeked)
        incident.actions.append(
            f"Runbook step 1: read the DLQ: {len(parked)} message(s), delivery ids {', '.join(parked)}."
        )
        # Step 2: the processor's "record failed" log line for one of them.
        failed = [
            json.loads(line) for line in pipeline.lines() if '"record failed"' in line and parked and parked[0] in line
        ]
        error = failed[0].get("exception", "").strip().splitlines()[-1] if failed else "no log line found"
        incident.actions.append(
            f'Runbook step 2: the processor logged {len(failed)} "record failed" line(s) for '
            f"`{parked[0] if parked else 'none'}`; the last error line: `{error}`."
        )
        incident.actions.append(f"Runbook step 3: {drill.decision}")
    incident.mitigated = time.time()
    incident.mark(incident.mitigated, drill.fixed_text)
    moved = pipeline.replay()
    incident.mark(time.time(), f"replay moved {moved} message(s) from the DLQ to the queue")
    incident.actions.append(
        f"Runbook step 4: replayed the DLQ (`make replay`; locally the same replay_dlq.manual_move): moved {moved}."
    )
    pipeline.wait_until(lambda: set(pipeline.applied()) >= set(ids), "every delivery to be applied", deadline)
    all_applied = time.time()
    incident.mark(all_applied, "every delivery applied")
    ok = pipeline.wait_until(
        lambda: first(pipeline.changes("DeadLetterQueueDepthAlarm", incident.started), "OK", after=detected),
        "dlq-not-empty to clear",
        deadline,
    )
    incident.actions.append(
        f"Runbook step 5: the DLQ stayed empty and the alarm cleared at {incident_report.clock(ok)}."
    )
    incident.recovered = max(ok, all_applied)
    # Let the record-failures alarm's longer period end too, so its clearing is in the timeline.
    pipeline.wait_until(
        lambda: first(pipeline.changes("RecordFailuresAlarm", incident.started), "OK"),
        "record-failures to clear",
        deadline,
    )
    incident.ended = time.time()
    finish(pipeline, incident, ids, ("DeadLetterQueueDepthAlarm", "RecordFailuresAlarm"))
    failures = int(sum(p.value for p in pipeline.metric("RecordFailed")))
    early = first(pipeline.changes("RecordFailuresAlarm", incident.started, incident.ended), "ALARM")
    if early is not None and early < detected:
        lead = detected - early
        incident.follow_ups.append(
            f"record-failures alarmed {lead:.2f} s ({lead * pipeline.time_scale:.0f} s at the stack's timings) "
            "before dlq-not-empty: page on it during business hours so the DLQ is a backstop, not the first sign."
        )
    incident.impact.append(
        f"{failures} failed processing attempts (RecordFailed) for {len(parked)} parked delivery(ies), "
        f"{mrc} each before the redrive policy moved it; the sender saw only 202s"
    )
    incident.follow_ups.append(
        f"the redrive took {mrc} receives x {pipeline.env.visibility_timeout} s visibility timeout at the stack's "
        "timings before the DLQ alarm could fire; a shorter timeout detects sooner but retries a failing record harder."
    )
    return incident


def downstream_outage(pipeline: Pipeline) -> incident_report.Incident:
    """The processor's store fails; every delivery goes to the DLQ; the runbook's replay restores them."""
    ids = [f"gameday-outage-{n:02d}" for n in range(1, DRILL_DELIVERIES + 1)]
    drill = Drill(
        slug="downstream-outage",
        title="Downstream outage",
        fault=store_outage,
        fault_text="the processor's store refuses every write",
        deliveries=[(delivery_id, "invoice.paid") for delivery_id in ids],
        parked=ids,
        decision="the error names the store, not the payload: a downstream outage, so no message was deleted. "
        "The scenario then ends the fault, standing for the store's own recovery.",
        fixed_text="the store is back (fault removed)",
    )
    return dlq_drill(pipeline, drill)


def poison_message(pipeline: Pipeline) -> incident_report.Incident:
    """One event type fails in a new release; its delivery is parked, the others flow; fix, then replay."""
    deliveries = [(f"gameday-poison-{n:02d}", "invoice.paid") for n in range(1, DRILL_DELIVERIES)]
    deliveries.insert(len(deliveries) // 2, ("gameday-poison-bad", POISON_TYPE))
    drill = Drill(
        slug="poison-message",
        title="Poison message",
        fault=poison_release,
        fault_text=f"a release whose business rules fail on `{POISON_TYPE}` events",
        deliveries=deliveries,
        parked=["gameday-poison-bad"],
        decision="one event type fails the same way on every receive while the rest are applied: a bug in the "
        "processor, not an outage and not a payload that can never succeed, so the message was kept. "
        "The scenario then ends the fault, standing for the fix being deployed.",
        fixed_text="the fix is deployed (fault removed)",
    )
    return dlq_drill(pipeline, drill)


ROTATED_SECRET = "whsec_" + base64.b64encode(b"game-day-rotated-signing-secret!").decode()


def early_secret_switch(pipeline: Pipeline) -> incident_report.Incident:
    """The sender signs with a new secret before the stack accepts it; deliveries signed with the old one are in
    flight. The runbook's rotation (accept both, wait out the secret cache) ends the refusals; the refused
    deliveries are sent again."""
    import ingest

    incident = open_incident(pipeline, "secret-rotation", "Signing secret rotated early", "SignatureRejectsAlarm")
    deadline = incident.started + BOUND_SECONDS
    alarm = pipeline.alarms["SignatureRejectsAlarm"]
    old = pipeline.env.secret
    in_flight = [f"gameday-rotation-old-{n:02d}" for n in range(1, DRILL_DELIVERIES + 1)]
    # One more refusal than the alarm's threshold, all inside one period.
    refused = [f"gameday-rotation-new-{n:02d}" for n in range(1, int(alarm.threshold) + 2)]
    statuses = [pipeline.send(delivery_id) for delivery_id in in_flight]
    incident.mark(
        time.time(), f"{len(in_flight)} deliveries signed with the old secret; ingest answered {sorted(set(statuses))}"
    )
    incident.started = time.time()
    incident.mark(incident.started, "fault: the sender switched to a new signing secret the stack does not know yet")
    # A burst, as a sender delivers a backlog: all of it inside one alarm period, however busy the machine.
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(refused)) as pool:
        answers = list(pool.map(lambda delivery_id: pipeline.send(delivery_id, secret=ROTATED_SECRET), refused))
    incident.mark(
        time.time(), f"{len(refused)} deliveries signed with the new secret; ingest answered {sorted(set(answers))}"
    )
    detected = pipeline.wait_until(
        lambda: first(pipeline.changes("SignatureRejectsAlarm", incident.started), "ALARM"),
        "signature-rejects to fire",
        deadline,
    )
    incident.detected = detected
    reasons = sorted({json.loads(line).get("reason", "") for line in pipeline.lines() if '"delivery refused"' in line})
    incident.actions.append(f'Runbook step 1: the ingest logs\' "delivery refused" reasons: {", ".join(reasons)}.')
    document = local_env.signatures.secret_document(ROTATED_SECRET, old)
    pipeline.env.secrets.put_secret_value(SecretId=pipeline.env.urls["Secret"], SecretString=document)
    incident.mark(time.time(), "secret document holds the new secret as current, the old one as previous")
    wait = ingest.SECRET_CACHE_SECONDS / pipeline.time_scale
    time.sleep(wait)
    # The functions' secret cache expires after SECRET_CACHE_SECONDS; the scaled wait stands for it.
    ingest.reset_clients()
    incident.mitigated = time.time()
    incident.mark(
        incident.mitigated, f"the secret cache's {ingest.SECRET_CACHE_SECONDS} s passed; both secrets accepted"
    )
    incident.actions.append(
        "Runbook step 2a-b: stored both secrets (`current` the new, `previous` the old) and waited out the "
        f"functions' secret cache ({wait:.2f} s here)."
    )
    retried = [pipeline.send(delivery_id, secret=ROTATED_SECRET) for delivery_id in refused]
    incident.mark(
        time.time(), f"the {len(refused)} refused deliveries sent again; ingest answered {sorted(set(retried))}"
    )
    incident.actions.append(
        f"Sent the {len(refused)} refused deliveries again ([sender-retries](../runbook.md#sender-retries)); "
        f"{retried.count(202)} accepted."
    )
    ids = in_flight + refused
    pipeline.wait_until(lambda: set(pipeline.applied()) >= set(ids), "every delivery to be applied", deadline)
    all_applied = time.time()
    incident.mark(all_applied, "every delivery applied, those signed with the old secret before the switch included")
    pipeline.env.secrets.put_secret_value(
        SecretId=pipeline.env.urls["Secret"], SecretString=local_env.signatures.secret_document(ROTATED_SECRET)
    )
    incident.actions.append("Runbook step 2c: dropped the old secret once the sender signed with the new one only.")
    ok = pipeline.wait_until(
        lambda: first(pipeline.changes("SignatureRejectsAlarm", incident.started), "OK", after=detected),
        "signature-rejects to clear",
        deadline,
    )
    incident.recovered = max(ok, all_applied)
    incident.ended = time.time()
    incident.sent = len(ids)
    finish(pipeline, incident, ids, ("SignatureRejectsAlarm",))
    rejected = int(sum(p.value for p in pipeline.metric("SignatureRejected")))
    incident.impact.append(
        f"{rejected} deliveries refused with 401 (SignatureRejected) until both secrets were accepted"
    )
    incident.follow_ups.append(
        "switch the sender only after the stack accepts both secrets and the secret cache has passed "
        "(runbook signature-rejects step 2, a then b)"
    )
    return incident


# When a sender tries a refused delivery again, in seconds after the previous attempt, at the stack's timings.
RETRY_DELAYS = {
    # The spec's example schedule (docs/runbook.md#sender-retries): 5 s, 5 min, 30 min, 2, 5, 10, 14, 20 and 24 h.
    "standard-webhooks": (5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400),
    # Stripe retries with exponential backoff for up to 3 days and publishes no schedule: modelled as doubling
    # from one minute.
    "stripe": tuple(60 * 2**n for n in range(12)),
    # GitHub does not retry: the stack's redelivery job (every 15 minutes, a guid at most every 30 minutes, 5
    # attempts) asks for the redelivery. Modelled without the job's cap of 50 redeliveries per run.
    "github": (900, 1800, 1800, 1800, 1800),
}


def deliver_with_retries(
    post: Callable[[str], int],
    ids: list[str],
    delays: tuple[float, ...],
    time_scale: float,
    sleep: Callable[[float], object] = time.sleep,
    workers: int = 64,
) -> dict[str, list[int]]:
    """Send every delivery at once, then each refused one again after each delay (scaled), as the sender does.

    Returns the answers each delivery got, in order. Retries go out in rounds: all refused deliveries of one round
    wait the same delay, which is what a sender's schedule does to a burst that failed together."""
    answers: dict[str, list[int]] = {delivery_id: [] for delivery_id in ids}
    pending = list(ids)
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        for delay in (0.0, *delays):
            if not pending:
                break
            sleep(delay / time_scale)
            for delivery_id, status in zip(pending, pool.map(post, pending), strict=True):
                answers[delivery_id].append(status)
            pending = [d for d in pending if not 200 <= answers[d][-1] < 300]
    return answers


# The local pipeline takes in about 10 deliveries per second under moto on two cores (each a moto PutObject and
# SendMessage, one at a time), so a stack's throttle (100 per second at least) is never reached here. It is
# rehearsed lowered to a fifth of that, the burst in the same proportion, as `sam deploy --parameter-overrides`
# would set them; a burst of BURST_TIMES the bucket then outruns it even on a busy machine.
LOCAL_MAX_RATE = 2
BURST_TIMES = 3
BURST_RUNBOOK = "sender-retries"


def rehearsal_throttle(pipeline: Pipeline) -> tuple[local_server.TokenBucket, str]:
    """The stack's throttle, or the same shape at LOCAL_MAX_RATE when this machine cannot send faster than it."""
    stack = local_server.api_throttle(pipeline.env)
    if stack.rate <= LOCAL_MAX_RATE:
        return stack, f"the stack's: {stack.rate:g} requests/s, bursts of {stack.burst}"
    burst = max(1, round(stack.burst * LOCAL_MAX_RATE / stack.rate))
    note = (
        f"the stack's {stack.rate:g} requests/s, bursts of {stack.burst} (more than this machine sends) lowered as "
        f"`--parameter-overrides ApiThrottleRateLimit={LOCAL_MAX_RATE} ApiThrottleBurstLimit={burst}` would"
    )
    return local_server.TokenBucket(LOCAL_MAX_RATE, burst), note


def burst_beyond_throttle(pipeline: Pipeline) -> incident_report.Incident:
    """A sender delivers a backlog at once, BURST_TIMES the API's burst: the throttle answers 429, the sender's retries
    (RETRY_DELAYS) bring the deliveries in, and each is applied exactly once."""
    sections = incident_report.runbook_sections((ROOT / "docs" / "runbook.md").read_text(encoding="utf-8"))
    incident = incident_report.Incident(
        slug="burst-beyond-throttle",
        title="Burst beyond the API throttle",
        time_scale=pipeline.time_scale,
        started=time.time(),
        alarm="AWS/ApiGateway 4xx",
        detected_by="the first 429 in the API's 4xx metric",
        alarm_said="no alarm of template.yaml watches the API's 4xx: a throttled delivery is retried by its sender.",
        alarm_rule="none",
        runbook_anchor=BURST_RUNBOOK,
        runbook_said=sections[BURST_RUNBOOK],
    )
    deadline = incident.started + BOUND_SECONDS
    bucket, note = rehearsal_throttle(pipeline)
    if pipeline.throttle is not None:
        pipeline.server.throttle = bucket
    ids = [f"gameday-burst-{n:04d}" for n in range(1, BURST_TIMES * bucket.burst + 1)]
    delays = RETRY_DELAYS[pipeline.env.scheme]
    incident.mark(incident.started, f"fault: {len(ids)} deliveries at once; throttle: {note}")
    answers = deliver_with_retries(pipeline.send, ids, delays, pipeline.time_scale)
    incident.mark(time.time(), "the sender's retries ended")
    throttled_at = [when for when, status in pipeline.server.answers if status == 429]
    throttled = sorted(d for d, statuses in answers.items() if 429 in statuses)
    accepted = [d for d, statuses in answers.items() if statuses[-1] == 202]
    incident.detected = min(throttled_at) if throttled_at else None
    if throttled_at:
        incident.mark(incident.detected, "first 429 (the API's 4xx metric)")
        incident.mark(max(throttled_at), f"last 429: {len(throttled_at)} in all, for {len(throttled)} deliveries")
    incident.actions.append(
        f"Read the API's answers: {len(pipeline.server.answers)} requests, {len(throttled_at)} answered 429, "
        f"{sum(1 for _, status in pipeline.server.answers if status == 202)} answered 202."
    )
    rounds = max(len(statuses) for statuses in answers.values())
    incident.actions.append(
        f"Runbook sender-retries: the sender ({pipeline.env.scheme}) sent each throttled delivery again on its "
        f"schedule ({', '.join(f'{d:g} s' for d in delays[: rounds - 1]) or 'no retry'} at the stack's timings): "
        f"{rounds} attempt(s) at most; {len(ids) - len(accepted)} delivery(ies) never accepted."
    )
    incident.mitigated = time.time()
    pipeline.wait_until(lambda: set(pipeline.applied()) >= set(accepted), "the accepted deliveries", deadline)
    incident.recovered = time.time()
    incident.mark(incident.recovered, f"{len(accepted)} accepted deliveries applied")
    incident.ended = time.time()
    incident.sent = len(ids)
    finish(pipeline, incident, ids, ())
    fired = []
    for alarm_id, alarm in sorted(pipeline.alarms.items()):
        for when, state in pipeline.changes(alarm_id, incident.started, incident.ended):
            incident.mark(when, f"alarm {alarm.name} -> {state}")
            fired.append(alarm.name)
    incident.impact.append(
        f"{len(throttled)} of {len(ids)} deliveries throttled (429) at least once, {len(throttled_at)} 429s in all; "
        f"alarms that fired: {', '.join(sorted(set(fired))) or 'none'}"
    )
    incident.actions.append(
        "Runbook ingest-throttles step 3 names the lever, `ApiThrottleRateLimit` and `ApiThrottleBurstLimit`; "
        f"kept as they are: the throttle held the burst to {bucket.burst} at once and the retries delivered the rest."
    )
    incident.follow_ups.append(
        "if such a backlog is routine, raise ApiThrottleBurstLimit (and the rate) so it is not throttled; "
        "if it is rare, the sender's retries absorb it"
    )
    return incident


def finish(pipeline: Pipeline, incident: incident_report.Incident, ids: list[str], alarm_ids: tuple) -> None:
    """Counts and alarm history every report carries, from the store and the metrics."""
    applied = pipeline.applied()
    incident.applied_once = sum(1 for d in ids if applied.get(d) == 1)
    emitted = int(sum(p.value for p in pipeline.metric("DeliveryApplied")))
    incident.applied_twice = max(0, emitted - len(applied))
    for alarm_id in alarm_ids:
        for when, state in pipeline.changes(alarm_id, incident.started, incident.ended):
            incident.mark(when, f"alarm {pipeline.alarms[alarm_id].name} -> {state}")
    ages = [p.value / 1000 for p in pipeline.metric("EndToEndAge")]
    if ages:
        incident.impact.append(
            f"longest delay from first receipt to applied (EndToEndAge): {max(ages):.2f} s measured "
            f"({max(ages) * pipeline.time_scale:.0f} s at the stack's timings)"
        )
    skipped = int(sum(p.value for p in pipeline.metric("DuplicateSkipped")))
    incident.impact.append(f"repeats the processor recognised and skipped (DuplicateSkipped): {skipped}")
    if incident.lost:
        incident.follow_ups.append(f"{incident.lost} delivery(ies) neither applied nor parked: find out why first.")


SCENARIOS: dict[str, tuple[Callable[[Pipeline], incident_report.Incident], str]] = {
    "downstream-outage": (downstream_outage, "DeadLetterQueueDepthAlarm"),
    "poison-message": (poison_message, "DeadLetterQueueDepthAlarm"),
    "secret-rotation": (early_secret_switch, "SignatureRejectsAlarm"),
    "burst-beyond-throttle": (burst_beyond_throttle, ""),
}


def passed(incident: incident_report.Incident) -> bool:
    """Detected (the alarm, or the throttle's first 429), nothing lost, nothing applied twice."""
    return incident.detected is not None and incident.lost == 0 and incident.applied_twice == 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenario", action="append", choices=sorted(SCENARIOS), help="default: every scenario")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "incidents")
    parser.add_argument("--time-scale", type=float, default=TIME_SCALE, help="divide the stack's timings by this")
    args = parser.parse_args(argv)
    if args.time_scale <= 0:
        parser.error("--time-scale must be a positive number")
    saved = dict(os.environ)
    local_server.offline_environment()
    warnings.filterwarnings("ignore", message="No application metrics to publish")
    capture, real_stdout = Capture(), sys.stdout
    failed = []
    sys.stdout = capture
    try:
        for name in args.scenario or list(SCENARIOS):
            run, _ = SCENARIOS[name]
            with Pipeline(capture, args.time_scale) as pipeline:
                incident = run(pipeline)
            path = incident_report.write(incident, args.out)
            verdict = "ok" if passed(incident) else "FAILED"
            print(f"{name}: {verdict}, report {path}", file=real_stdout)
            if not passed(incident):
                failed.append(name)
    finally:
        sys.stdout = real_stdout
        os.environ.clear()
        os.environ.update(saved)
    if failed:
        print(f"game day failed: {', '.join(failed)} (see the reports)", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
