"""scripts/incident_report.py with recorded runs: every time and count in a report comes from the records."""

from __future__ import annotations

import importlib.util
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPEC = importlib.util.spec_from_file_location("incident_report", ROOT / "scripts/incident_report.py")
report = importlib.util.module_from_spec(SPEC)
sys.modules["incident_report"] = report
SPEC.loader.exec_module(report)

T0 = datetime(2026, 12, 7, tzinfo=UTC).timestamp()


def recorded(
    tmp_path: Path,
    offset: float,
    failed: int,
    detect: float | None,
    scenario: str = "bad-release",
    service: str = "svc",
) -> Path:
    load = tmp_path / f"load-{offset}.jsonl"
    seconds = [{"t": int(T0 + offset) + s, "ok": 4, "failed": 0} for s in range(300)]
    for second in seconds[100 : 100 + failed]:
        second["failed"], second["ok"] = 1, 3
    load.write_text("".join(json.dumps(s) + "\n" for s in seconds), encoding="utf-8")
    entries = [
        (0, "scenario", scenario),
        (0, "title", "Bad release"),
        (0, "service", f"ns/{service}"),
        (0, "gitops", "flux"),
        (0, "monitoring", "prometheus-operator"),
        (0, "alert", "ServiceAvailabilityBurnRate"),
        (0, "load", str(load)),
        (60, "started", "started"),
        (61, "mark", "release deployed"),
        (150, "mitigated", "mitigated"),
        (200, "recovered", "recovered"),
        (300, "ended", "ended"),
        (150, "action", "Reverted the release commit."),
    ]
    if detect is not None:
        entries += [(detect, "detected", "detected"), (detect, "detected_by", "the page")]
    else:
        entries.append((250, "not_observed", "the page did not reach the receiver within 600s"))
    facts = tmp_path / f"facts-{offset}.jsonl"
    facts.write_text(
        "".join(json.dumps({"at": T0 + offset + at, "key": k, "value": v}) + "\n" for at, k, v in entries),
        encoding="utf-8",
    )
    return facts


def test_the_report_holds_the_measured_times_and_counts(tmp_path: Path) -> None:
    text = report.render(report.read(recorded(tmp_path, 0, 17, 130.5)))
    assert text.startswith("# 2026-12-07: Bad release")
    assert "client requests sent from the start of the fault: 960; failed: 17 (1.8%)" in text
    assert "| detect (the page) | 70 s (00:02:10 UTC) |" in text
    assert "| mitigate | 90 s (00:02:30 UTC) |" in text
    assert "| 00:01:01 | +1.0 | release deployed |" in text
    assert "failures between 00:01:40 and 00:01:57 UTC" in text
    assert "1. Reverted the release commit." in text


def test_two_runs_differ_where_their_measurements_do(tmp_path: Path) -> None:
    first = report.render(report.read(recorded(tmp_path, 0, 17, 130)))
    second = report.render(report.read(recorded(tmp_path, 3600, 4, 200)))
    assert first != second
    assert "failed: 4 (0.4%)" in second
    assert "| detect (the page) | 140 s (01:03:20 UTC) |" in second


def test_a_page_that_never_came_is_said_and_followed_up(tmp_path: Path) -> None:
    text = report.render(report.read(recorded(tmp_path, 0, 3, None)))
    assert "| detect (not detected) | not reached in this run |" in text
    assert "## What this run could not observe" in text
    assert "- Find out why: the page did not reach the receiver within 600s" in text


def test_failed_requests_in_a_drain_become_a_follow_up(tmp_path: Path) -> None:
    follow_up = "requests failed during the drain"
    assert follow_up in report.render(report.read(recorded(tmp_path, 0, 5, 70, "node-drain")))
    assert follow_up not in report.render(report.read(recorded(tmp_path, 1, 0, 70, "node-drain")))


def test_the_runbook_page_of_the_alert_is_quoted_from_the_project(tmp_path: Path) -> None:
    # The first service's folder, as the game day hits it.
    service = sorted(p.name for p in (ROOT / "services").iterdir() if (p / "service.yaml").is_file())[0]
    facts = recorded(tmp_path, 0, 1, 100, service=service)
    page = report.runbook_page("ServiceAvailabilityBurnRate", service)
    # The project has the page exactly when its chart has the alert (monitoring with the Prometheus Operator).
    assert (page is not None) == (ROOT / "tests/alerts.test.yaml").is_file()
    text = report.render(report.read(facts))
    if page is None:
        assert "no alert of this project watches this fault" in text
        return
    opening, mitigation = report.runbook_said(page)
    assert opening and opening in text
    assert mitigation and "revert" in mitigation and mitigation in text


def test_the_hit_service_s_own_runbook_page_is_found_by_the_alert_s_name(tmp_path: Path) -> None:
    # "billing" sorts before "svc": its page must not stand in for the service the scenario hit.
    for service in ("billing", "svc"):
        page = tmp_path / f"services/{service}/runbooks/SomeAlert.md"
        page.parent.mkdir(parents=True)
        page.write_text(f"# SomeAlert\n\nIt fires when\n{service} breaks.\n\n## Mitigation\n\n- Roll back.\n- Wait.\n")
    page = report.runbook_page("SomeAlert", "svc", tmp_path)
    assert page == tmp_path / "services/svc/runbooks/SomeAlert.md"
    assert report.runbook_said(page) == ("It fires when svc breaks.", "Roll back.")
    assert report.runbook_page("OtherAlert", "svc", tmp_path) is None
    assert report.runbook_page("SomeAlert", "nope", tmp_path) is None


def test_a_run_cut_short_is_refused_with_the_reason(tmp_path: Path) -> None:
    facts = recorded(tmp_path, 0, 1, 100)
    facts.write_text("".join(line + "\n" for line in facts.read_text().splitlines() if '"ended"' not in line))
    with pytest.raises(ValueError, match="did not run to its end"):
        report.read(facts)
    assert report.main(["--facts", str(facts), "--out", str(tmp_path / "out")]) == 1
    assert not (tmp_path / "out").exists()


def test_the_report_is_written_under_its_date_and_scenario(tmp_path: Path) -> None:
    path = report.write(report.read(recorded(tmp_path, 0, 1, 100)), tmp_path / "incidents")
    assert path.name == "2026-12-07-bad-release.md"


def test_failures_before_the_fault_are_not_the_incident_s(tmp_path: Path) -> None:
    facts = recorded(tmp_path, 0, 0, 100)
    load = tmp_path / "load-0.jsonl"
    seconds = [json.loads(line) for line in load.read_text().splitlines()]
    seconds[10]["failed"] = 9  # the clients' warm-up, a minute before the fault started
    load.write_text("".join(json.dumps(s) + "\n" for s in seconds))
    text = report.render(report.read(facts))
    assert "failed: 0" in text and "failures between" not in text
