#!/usr/bin/env python3
"""Game day: rehearse incidents offline against the local pipeline, measure them, write the reports.

Each scenario starts the pipeline of `make local` (scripts/local_server.py over scripts/local_env.py, backed by
moto) on 127.0.0.1 with a port the system picks, breaks something, and then follows the runbook page of the alarm
that fires. The alarms are the ones template.yaml defines, evaluated (scripts/alarm_eval.py) against the EMF lines
the functions print and the queue depths SQS reports. Every stack timing (visibility timeout, alarm periods) is
divided by --time-scale. The report (scripts/incident_report.py) goes to docs/incidents/<date>-<scenario>.md and
holds only what that run measured.

Safe to rerun: each scenario gets a fresh in-memory account, stops its server and consumer, and gives up after
BOUND_SECONDS. Exits 1 when a scenario loses or double-applies a delivery or its alarm never fires.

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

    def __init__(self, capture: Capture, time_scale: float):
        self.capture = capture
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
        self.server = local_server.make_server(self.env, "127.0.0.1", 0)
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
        return emf + self.samples

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
}


def passed(incident: incident_report.Incident) -> bool:
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
