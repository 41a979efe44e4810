"""Tests that start the real server on a free port and talk HTTP to it."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from service.main import App, JsonFormatter, Settings, build_servers

from .support import Running, fetch


def test_root_reports_name_and_version(running: Running) -> None:
    code, body = fetch(running.base + "/")
    assert code == 200
    assert json.loads(body) == {"service": "demo", "version": "1.2.3"}


def test_liveness_and_readiness_are_separate(running: Running) -> None:
    assert fetch(running.base + "/healthz")[0] == 200
    assert fetch(running.base + "/readyz")[0] == 200
    running.app.start_drain()
    code, body = fetch(running.base + "/readyz")
    assert code == 503
    assert json.loads(body)["status"] == "draining"
    # The process is still alive while it drains: the kubelet must not restart it.
    assert fetch(running.base + "/healthz")[0] == 200


def test_readiness_fails_before_start(tmp_path: Path) -> None:
    app = App(Settings(token_file=""))
    servers = build_servers(app, host="127.0.0.1", port=0, metrics_port=0)
    workers = [threading.Thread(target=s.serve_forever, daemon=True) for s in (servers.public, servers.metrics)]
    for worker in workers:
        worker.start()
    try:
        for server in (servers.public, servers.metrics):
            code, body = fetch(f"http://127.0.0.1:{server.server_address[1]}/readyz")
            assert code == 503
            assert json.loads(body)["status"] == "starting"
    finally:
        servers.close()


def test_sigterm_drain_fails_readiness_then_stops() -> None:
    # A drain window long enough that a loaded machine still asks /readyz inside it.
    running = Running(Settings(service_name="demo", version="1.2.3", drain_seconds=2, token_file="")).start()
    running.stop.set()
    deadline = time.monotonic() + 2
    while running.app.ready and time.monotonic() < deadline:
        time.sleep(0.01)
    assert running.app.draining
    # During the drain window the listener still answers, with readiness failing.
    assert fetch(running.base + "/readyz")[0] == 503
    running.thread.join(timeout=5)
    assert not running.thread.is_alive()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(running.base + "/healthz", timeout=1)


def test_metrics_count_requests_by_route(running: Running) -> None:
    fetch(running.base + "/")
    fetch(running.base + "/no/such/page")
    code, body = fetch(running.metrics_base + "/metrics")
    text = body.decode("utf-8")
    assert code == 200
    assert 'http_requests_total{code="200",method="GET",route="/"} 1.0' in text
    assert 'http_requests_total{code="404",method="GET",route="other"} 1.0' in text
    assert "service_ready 1.0" in text
    assert 'service_build_info{version="1.2.3"} 1.0' in text


def test_a_request_is_counted_before_its_answer_is_sent(running: Running, monkeypatch: pytest.MonkeyPatch) -> None:
    # A scrape right after a response must include that response: the counter moves before the headers go out.
    from service.main import PublicHandler

    seen: list[float] = []
    original = PublicHandler.end_headers

    def end_headers(handler: PublicHandler) -> None:
        if handler.path == "/":
            counter = running.app.metrics.requests.labels(route="/", method="GET", code="200")
            seen.append(counter._value.get())
        original(handler)

    monkeypatch.setattr(PublicHandler, "end_headers", end_headers)
    assert fetch(running.base + "/")[0] == 200
    assert seen == [1.0]


def test_echo_without_a_configured_token_is_open(running: Running) -> None:
    code, body = fetch(running.base + "/api/echo", data=b'{"a": 1}', headers={"Content-Type": "application/json"})
    assert code == 200
    assert json.loads(body) == {"echo": {"a": 1}}


def test_echo_rejects_bad_json(running: Running) -> None:
    assert fetch(running.base + "/api/echo", data=b"not json")[0] == 400


def test_malformed_content_length_gets_a_400_and_one_json_log_line(
    running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    host, port = running.address
    request = b"POST /api/echo HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\nConnection: close\r\n\r\n"
    with caplog.at_level(logging.INFO, logger="service"), socket.create_connection((host, port), timeout=5) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(4096):
            answer += chunk
    status_line, _, rest = answer.partition(b"\r\n")
    assert status_line.split()[1] == b"400"
    assert json.loads(rest.partition(b"\r\n\r\n")[2])["error"].startswith("Content-Length")
    lines = [r for r in caplog.records if r.getMessage() == "request"]
    assert len(lines) == 1
    assert lines[0].fields["status"] == 400  # type: ignore[attr-defined]


def test_echo_requires_the_mounted_token(tmp_path: Path) -> None:
    token_file = tmp_path / "api-token"
    token_file.write_text("s3cret\n", encoding="utf-8")
    instance = Running(Settings(drain_seconds=0.1, token_file=str(token_file))).start()
    try:
        assert fetch(instance.base + "/api/echo", data=b"{}")[0] == 401
        wrong = {"Authorization": "Bearer nope"}
        assert fetch(instance.base + "/api/echo", data=b"{}", headers=wrong)[0] == 401
        right = {"Authorization": "Bearer s3cret"}
        assert fetch(instance.base + "/api/echo", data=b"{}", headers=right)[0] == 200
    finally:
        instance.stop.set()
        instance.thread.join(timeout=5)


def wait_for(predicate: Callable[[], bool], seconds: float = 3.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def token_settings(token_file: Path) -> Settings:
    return Settings(drain_seconds=0.1, token_file=str(token_file), token_reload_seconds=0.1)


def test_a_configured_but_missing_token_fails_closed(tmp_path: Path) -> None:
    instance = Running(token_settings(tmp_path / "api-token")).start(until_ready=False)
    try:
        code, body = fetch(instance.base + "/readyz")
        assert code == 503
        assert json.loads(body)["status"] == "waiting for the API token"
        right = {"Authorization": "Bearer anything"}
        assert fetch(instance.base + "/api/echo", data=b"{}")[0] == 503
        assert fetch(instance.base + "/api/echo", data=b"{}", headers=right)[0] == 503
    finally:
        instance.stop.set()
        instance.thread.join(timeout=5)


def test_a_token_that_appears_after_start_is_picked_up(tmp_path: Path) -> None:
    token_file = tmp_path / "api-token"
    instance = Running(token_settings(token_file)).start(until_ready=False)
    try:
        assert fetch(instance.base + "/readyz")[0] == 503
        token_file.write_text("late\n", encoding="utf-8")
        assert wait_for(lambda: fetch(instance.base + "/readyz")[0] == 200)
        assert fetch(instance.base + "/api/echo", data=b"{}")[0] == 401
        assert fetch(instance.base + "/api/echo", data=b"{}", headers={"Authorization": "Bearer late"})[0] == 200
    finally:
        instance.stop.set()
        instance.thread.join(timeout=5)


def test_a_rotated_token_replaces_the_old_one_without_a_restart(tmp_path: Path) -> None:
    token_file = tmp_path / "api-token"
    token_file.write_text("old", encoding="utf-8")
    instance = Running(token_settings(token_file)).start()
    old, new = {"Authorization": "Bearer old"}, {"Authorization": "Bearer new"}
    try:
        assert fetch(instance.base + "/api/echo", data=b"{}", headers=old)[0] == 200
        # A Secret volume swaps a symlink; writing a new file and renaming it over the old one does the same.
        staged = tmp_path / "staged"
        staged.write_text("new", encoding="utf-8")
        staged.replace(token_file)
        assert wait_for(lambda: fetch(instance.base + "/api/echo", data=b"{}", headers=new)[0] == 200)
        assert fetch(instance.base + "/api/echo", data=b"{}", headers=old)[0] == 401
    finally:
        instance.stop.set()
        instance.thread.join(timeout=5)


def test_settings_from_env() -> None:
    settings = Settings.from_env(
        {"PORT": "9000", "METRICS_PORT": "9100", "DRAIN_SECONDS": "2.5", "SERVICE_VERSION": "abc"}
    )
    assert settings.port == 9000
    assert settings.metrics_port == 9100
    assert settings.drain_seconds == 2.5
    assert settings.version == "abc"


def test_logs_are_json_with_fields() -> None:
    record = logging.LogRecord("service", logging.INFO, __file__, 1, "request", None, None)
    record.fields = {"route": "/", "code": 200}
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "request"
    assert line["level"] == "info"
    assert line["route"] == "/"
    assert line["code"] == 200


def test_the_fault_switch_fails_exactly_its_share_and_is_off_by_default() -> None:
    assert Settings.from_env({}).fault_error_percent == 0
    assert Settings.from_env({"FAULT_ERROR_PERCENT": "20"}).fault_error_percent == 20
    for percent in (0, 20, 100):
        app = App(Settings(fault_error_percent=percent))
        assert sum(app.inject_fault() for _ in range(1000)) == 10 * percent


def test_a_fault_is_a_counted_500_on_get_root_and_never_on_the_probes() -> None:
    instance = Running(Settings(port=0, metrics_port=0, drain_seconds=0, fault_error_percent=50)).start()
    try:
        codes = [fetch(instance.base + "/")[0] for _ in range(4)]
        assert sorted(codes) == [200, 200, 500, 500]
        assert fetch(instance.base + "/readyz")[0] == 200
        counted = fetch(instance.metrics_base + "/metrics")[1].decode()
        assert 'http_requests_total{code="500",method="GET",route="/"} 2.0' in counted
    finally:
        instance.stop.set()
        instance.thread.join(timeout=5)
