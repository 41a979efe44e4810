"""The game day's parts that decide what a report says, fast and offline: the alarm evaluator (against the
alarms of template.yaml and EMF lines as Powertools writes them), the report writer, and the runbook links.
`make gameday` itself runs the scenarios; it is kept out of `make check`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aws_lambda_powertools import Metrics
from aws_lambda_powertools.metrics import MetricUnit

import alarm_eval
import gameday
import incident_report
import local_env
import local_server

ROOT = Path(__file__).resolve().parent.parent
ALARMS = alarm_eval.load_alarms(local_env.load_template(), "stack")


def points(alarm: alarm_eval.Alarm, values: dict[float, float]) -> list[alarm_eval.Datapoint]:
    return [alarm_eval.Datapoint(t, alarm.namespace, alarm.metric, alarm.dimensions, v) for t, v in values.items()]


def test_alarms_are_read_from_the_template():
    dlq = ALARMS["DeadLetterQueueDepthAlarm"]
    resource = local_env.load_template()["Resources"]["DeadLetterQueueDepthAlarm"]["Properties"]
    assert dlq.name == "stack-dlq-not-empty"
    assert (dlq.period, dlq.threshold, dlq.comparison) == (
        resource["Period"],
        resource["Threshold"],
        resource["ComparisonOperator"],
    )
    assert dlq.dimensions == (("QueueName", "DeadLetterQueue"),)


def test_a_parameter_threshold_is_its_default():
    template = local_env.load_template()
    default = template["Parameters"]["QueueAgeAlarmSeconds"]["Default"]
    assert ALARMS["QueueAgeAlarm"].threshold == float(default)


def test_alarm_fires_at_the_end_of_the_breaching_period_and_clears_after():
    alarm = ALARMS["DeadLetterQueueDepthAlarm"]
    period = alarm.period
    data = points(alarm, {0.5 * period: 0, 2.5 * period: 3, 3.5 * period: 0})
    assert alarm_eval.evaluate(alarm, data, 0, 6 * period) == [(3 * period, "ALARM"), (4 * period, "OK")]


def test_periods_shrink_with_the_time_scale():
    alarm = ALARMS["DeadLetterQueueDepthAlarm"]
    scaled = alarm.period / 60
    data = points(alarm, {1.5 * scaled: 1})
    assert alarm_eval.evaluate(alarm, data, 0, 5 * scaled, scale=60)[0] == (2 * scaled, "ALARM")


def test_datapoints_to_alarm_needs_that_many_breaching_periods():
    alarm = ALARMS["Api5xxAlarm"]
    assert alarm.datapoints_to_alarm < alarm.evaluation_periods
    over = alarm.threshold + 1
    one = points(alarm, {0.5 * alarm.period: over})
    assert alarm_eval.evaluate(alarm, one, 0, 6 * alarm.period) == []
    two = points(alarm, {0.5 * alarm.period: over, 1.5 * alarm.period: over})
    assert alarm_eval.evaluate(alarm, two, 0, 6 * alarm.period)[0] == (2 * alarm.period, "ALARM")


def test_a_datapoint_of_another_dimension_does_not_count():
    alarm = ALARMS["DeadLetterQueueDepthAlarm"]
    other = alarm_eval.Datapoint(1, alarm.namespace, alarm.metric, (("QueueName", "Queue"),), 9)
    assert alarm_eval.evaluate(alarm, [other], 0, 10 * alarm.period) == []


def test_missing_data_breaching_alarms_without_any_datapoint():
    alarm = ALARMS["DeadLetterQueueDepthAlarm"]
    breaching = alarm_eval.Alarm(**{**alarm.__dict__, "treat_missing": "breaching"})
    assert alarm_eval.evaluate(breaching, [], 0, alarm.period) == [(alarm.period, "ALARM")]


def test_emf_lines_as_powertools_writes_them_feed_the_record_failures_alarm():
    alarm = ALARMS["RecordFailuresAlarm"]
    metrics = Metrics(namespace=alarm.namespace, service="processor")
    metrics.add_metric(name="RecordFailed", unit=MetricUnit.Count, value=1)
    line = json.dumps(metrics.serialize_metric_set())
    metrics.clear_metrics()
    [point] = alarm_eval.emf_datapoints(line)
    assert alarm.selects(point)
    assert alarm_eval.evaluate(alarm, [point], point.time - 1, point.time + alarm.period)[0][1] == "ALARM"
    assert alarm_eval.emf_datapoints('{"level": "INFO", "message": "record failed"}') == []
    assert alarm_eval.emf_datapoints("not json") == []


def incident() -> incident_report.Incident:
    report = incident_report.Incident(slug="drill", title="Drill", time_scale=60, started=1_800_000_000.0)
    report.ended = report.started + 9
    report.detected, report.mitigated, report.recovered = (report.started + 2, report.started + 3, report.started + 4)
    report.mark(report.started + 4, "recovered")
    report.mark(report.started, "fault")
    report.sent, report.applied_once = 3, 2
    report.alarm, report.runbook_anchor = "stack-dlq-not-empty", "dlq-not-empty"
    return report


def test_report_holds_the_measured_date_times_and_counts():
    text = incident_report.render(incident())
    assert text.startswith("# 2027-01-15: Drill\n")
    assert "| 08:00:00.000 | +0.00 | fault |" in text
    assert text.index("| fault |") < text.index("| recovered |")  # sorted by time, not by insertion
    assert "2.00 s measured (120 s at the stack's timings)" in text
    assert "lost: 1" in text


def test_report_says_when_a_time_was_not_reached():
    report = incident()
    report.recovered = None
    assert "| recover (all applied, alarm OK) | not reached in this run |" in incident_report.render(report)


def test_rerun_on_the_same_day_replaces_the_report(tmp_path):
    first = incident_report.write(incident(), tmp_path)
    again = incident()
    again.sent = 5
    assert incident_report.write(again, tmp_path) == first
    assert "deliveries sent: 5" in first.read_text()
    assert [p.name for p in tmp_path.iterdir()] == ["2027-01-15-drill.md"]


@pytest.mark.parametrize("scenario", sorted(gameday.SCENARIOS))
def test_each_scenario_follows_a_runbook_section_that_exists(scenario):
    _, alarm_id = gameday.SCENARIOS[scenario]
    anchor = gameday.runbook_anchor(ALARMS[alarm_id]) if alarm_id else gameday.BURST_RUNBOOK
    sections = incident_report.runbook_sections((ROOT / "docs" / "runbook.md").read_text())
    assert anchor in sections
    # An alarm's scenario follows that alarm's section; the burst, which no alarm watches, the senders' retries.
    assert sections[anchor].startswith("Alarm `" if alarm_id else "")


def test_the_game_day_asks_for_its_alarm_and_no_loss():
    report = incident()
    assert not gameday.passed(report)  # one delivery lost
    report.applied_once = report.sent
    assert gameday.passed(report)
    report.detected = None
    assert not gameday.passed(report)


def test_a_fault_is_removed_even_when_the_scenario_fails():
    import processor

    original = processor.record_event
    seen = []

    def scenario():
        with gameday.store_outage():
            seen.append(processor.record_event)
            raise RuntimeError("the scenario gave up")

    with pytest.raises(RuntimeError):
        scenario()
    assert seen
    assert seen[0] is not original
    assert processor.record_event is original


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def throttled_api(bucket: local_server.TokenBucket):
    """An API that answers 202 while the bucket has a token, 429 after, as the local server does."""
    return lambda delivery_id: 202 if bucket.take() else 429


def burst(delays: tuple) -> dict[str, list[int]]:
    clock = FakeClock()
    bucket = local_server.TokenBucket(2, 4, clock=clock)
    ids = [f"evt-{n:02d}" for n in range(12)]
    return gameday.deliver_with_retries(throttled_api(bucket), ids, delays, 180, sleep=clock.sleep)


def test_the_senders_retries_bring_every_throttled_delivery_in():
    answers = burst(gameday.RETRY_DELAYS["standard-webhooks"])
    assert sum(1 for statuses in answers.values() if 429 in statuses) == 12 - 4  # the bucket held 4
    assert all(statuses[-1] == 202 for statuses in answers.values())


def test_a_sender_that_does_not_retry_loses_the_throttled_deliveries():
    answers = burst(())
    lost = [d for d, statuses in answers.items() if statuses[-1] != 202]
    assert len(lost) == 8
    report = incident()
    report.sent, report.applied_once = len(answers), len(answers) - len(lost)
    assert not gameday.passed(report)


@pytest.mark.parametrize("scheme", sorted(gameday.RETRY_DELAYS))
def test_every_sender_retries_a_429(scheme):
    assert gameday.RETRY_DELAYS[scheme]
    assert all(delay > 0 for delay in gameday.RETRY_DELAYS[scheme])


def test_the_bucket_refills_at_its_rate_up_to_its_burst():
    clock = FakeClock()
    bucket = local_server.TokenBucket(2, 4, clock=clock)
    assert [bucket.take() for _ in range(5)] == [True] * 4 + [False]
    clock.sleep(0.5)
    assert [bucket.take() for _ in range(2)] == [True, False]
    clock.sleep(60)
    assert sum(bucket.take() for _ in range(10)) == 4
