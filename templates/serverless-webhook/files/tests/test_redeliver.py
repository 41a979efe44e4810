"""The GitHub redelivery job against a local fake of GitHub's REST API (hook deliveries and redelivery)."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import redeliver

NOW = 1_700_000_000.0
HOOK = "repos/octo/repo/hooks/42"


def iso(seconds_ago: float) -> str:
    return datetime.fromtimestamp(NOW - seconds_ago, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class FakeGitHub:
    """Deliveries newest first, pages of `page_size` linked with rel="next", as GitHub serves them."""

    def __init__(self, deliveries: list[dict], page_size: int = 2, remaining: int = 5000):
        self.deliveries = sorted(deliveries, key=lambda d: d["delivered_at"], reverse=True)
        self.page_size = page_size
        self.remaining = remaining
        self.posts: list[int] = []
        self.gets = 0
        self.auth: set[str] = set()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status: int, body: bytes, headers: dict):
                fake.remaining -= 1
                self.send_response(status)
                for key, value in {**headers, "X-RateLimit-Remaining": str(fake.remaining)}.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):  # noqa: N802 - http.server's naming
                fake.gets += 1
                fake.auth.add(self.headers["Authorization"])
                path, _, query = self.path.partition("?")
                assert path == f"/{HOOK}/deliveries"
                params = dict(p.split("=") for p in query.split("&"))
                assert params["per_page"] == "100"
                start = int(params.get("cursor", 0))
                page = fake.deliveries[start : start + fake.page_size]
                headers = {"Content-Type": "application/json"}
                if start + fake.page_size < len(fake.deliveries):
                    nxt = f"http://127.0.0.1:{fake.port}/{HOOK}/deliveries?per_page=100&cursor={start + fake.page_size}"
                    headers["Link"] = f'<{nxt}>; rel="next"'
                self._send(200, json.dumps(page).encode(), headers)

            def do_POST(self):  # noqa: N802
                fake.auth.add(self.headers["Authorization"])
                parts = self.path.strip("/").split("/")
                assert parts[:-2] == [*HOOK.split("/"), "deliveries"]
                assert parts[-1] == "attempts"
                delivery_id = int(parts[-2])
                fake.posts.append(delivery_id)
                original = next(d for d in fake.deliveries if d["id"] == delivery_id)
                # A redelivery is a new attempt with the same guid; here it succeeds.
                fake.deliveries.insert(
                    0,
                    {
                        **original,
                        "id": 10_000 + len(fake.posts),
                        "redelivery": True,
                        "status_code": 202,
                        "status": "OK",
                        "delivered_at": iso(0),
                    },
                )
                self._send(202, b"{}", {"Content-Type": "application/json"})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def settings(self, **overrides) -> redeliver.Settings:
        return redeliver.Settings(api_url=f"http://127.0.0.1:{self.port}", hook_path=HOOK, token="t0ken", **overrides)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def attempt(delivery_id: int, guid: str, seconds_ago: float, status_code: int, redelivery: bool = False) -> dict:
    return {
        "id": delivery_id,
        "guid": guid,
        "delivered_at": iso(seconds_ago),
        "redelivery": redelivery,
        "status": "OK" if 200 <= status_code < 300 else "Invalid HTTP Response: 503",
        "status_code": status_code,
        "event": "push",
        "action": None,
    }


@pytest.fixture
def github(request):
    fakes = []

    def _make(deliveries, **kwargs):
        fake = FakeGitHub(deliveries, **kwargs)
        fakes.append(fake)
        return fake

    yield _make
    for fake in fakes:
        fake.close()


HOUR = 3600


def test_failed_deliveries_are_redelivered_once_and_successes_left_alone(github):
    fake = github(
        [
            attempt(1, "g-ok", 5 * HOUR, 202),
            attempt(2, "g-failed", 4 * HOUR, 503),
            attempt(3, "g-fixed", 3 * HOUR, 500),
            attempt(4, "g-fixed", 2 * HOUR, 202, redelivery=True),
            attempt(5, "g-timeout", 2 * HOUR, 0),  # "timed out": no status code
        ]
    )
    report = redeliver.run(fake.settings(), now=NOW)
    assert report.listed == 5
    assert sorted(report.redelivered) == ["g-failed", "g-timeout"]
    assert sorted(fake.posts) == [2, 5]
    assert fake.auth == {"Bearer t0ken"}
    # Idempotent: the next run finds a 2xx attempt for every guid and asks for nothing.
    again = redeliver.run(fake.settings(), now=NOW + HOUR)
    assert again.redelivered == []
    assert sorted(fake.posts) == [2, 5]


def test_pages_are_followed_through_the_link_header_and_stop_at_the_window(github):
    deliveries = [attempt(i, f"g-{i}", i * HOUR, 503) for i in range(1, 8)]
    deliveries.append(attempt(99, "g-old", 80 * HOUR, 503))  # past GitHub's 3-day window
    fake = github(deliveries, page_size=3)
    report = redeliver.run(fake.settings(lookback_hours=71), now=NOW)
    assert sorted(report.redelivered) == sorted(f"g-{i}" for i in range(1, 8))
    assert 99 not in fake.posts
    assert fake.gets == 3  # 8 deliveries, 3 a page: the job needed every page


def test_a_recent_failure_waits_for_the_retry_interval(github):
    fake = github([attempt(1, "g-new", 10 * 60, 503)])
    assert redeliver.run(fake.settings(retry_after_minutes=30), now=NOW).redelivered == []
    assert fake.posts == []


def test_a_delivery_that_keeps_failing_is_given_up_after_max_attempts(github):
    tries = [attempt(i, "g-stuck", (10 - i) * HOUR, 401, redelivery=i > 1) for i in range(1, 6)]
    fake = github(tries)
    report = redeliver.run(fake.settings(max_attempts=5), now=NOW)
    assert report.redelivered == []
    assert report.gave_up == ["g-stuck"]


def test_redeliveries_per_run_are_capped(github):
    fake = github([attempt(i, f"g-{i}", (i + 1) * HOUR, 503) for i in range(10)])
    report = redeliver.run(fake.settings(max_redeliveries_per_run=3), now=NOW)
    assert len(report.redelivered) == 3
    # Oldest first, so nothing ages out of the window while newer ones go first.
    assert report.redelivered == ["g-9", "g-8", "g-7"]


def test_the_job_stops_when_the_rate_limit_runs_low(github):
    fake = github([attempt(i, f"g-{i}", (i + 1) * HOUR, 503) for i in range(5)], page_size=100, remaining=103)
    report = redeliver.run(fake.settings(rate_limit_reserve=100), now=NOW)
    # One GET leaves 102, two POSTs leave 100, then it stops with the reserve intact.
    assert len(report.redelivered) == 2
    assert report.stopped_by_rate_limit


def test_the_stack_runs_the_job_on_a_schedule_with_these_settings(monkeypatch):
    from local_env import load_template

    function = load_template()["Resources"]["RedeliveryFunction"]["Properties"]
    assert function["Handler"] == "redeliver.handler"
    [schedule] = function["Events"].values()
    assert schedule["Type"] == "ScheduleV2"
    variables = function["Environment"]["Variables"]
    for key, value in variables.items():
        if isinstance(value, str):
            monkeypatch.setenv(key, value)
    monkeypatch.setenv("GITHUB_HOOK_PATH", HOOK)
    settings = redeliver.Settings.from_environment("t")
    assert settings.lookback_hours < 72  # inside GitHub's 3-day redelivery window
    assert settings.retry_after_minutes >= 15  # at least one schedule period between two asks
    assert settings.max_redeliveries_per_run * 2 < 5000 / 4  # a run spends a small part of the hourly limit
