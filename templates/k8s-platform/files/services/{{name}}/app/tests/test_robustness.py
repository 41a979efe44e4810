"""Whatever a client sends, and however slowly, it gets a JSON answer in bounded time that is counted in the SLI
metrics and logged as one JSON line. Each case talks to the real server over a socket."""

from __future__ import annotations

import dataclasses
import socket
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from service.main import PublicHandler

from .conftest import DEMO
from .support import Answer, Running, exchange, post, read_all

Log = Callable[[], list[dict[str, Any]]]


def counted(running: Running, route: str, method: str, code: int) -> float:
    value = running.app.metrics.registry.get_sample_value(
        "http_requests_total", {"route": route, "method": method, "code": str(code)}
    )
    return value or 0.0


def request_lines(log: Log) -> list[dict[str, Any]]:
    return [line for line in log() if line["message"] == "request"]


def assert_refused(answer: Answer, status: int, log: Log) -> dict[str, Any]:
    """A JSON error with the request id of its response header and of its one log line."""
    assert answer.status == status, answer.body
    assert answer.headers["content-type"] == "application/json"
    payload = answer.json()
    assert payload["error"]
    assert payload["request_id"] == answer.headers["x-request-id"]
    lines = [line for line in request_lines(log) if line["request_id"] == payload["request_id"]]
    assert len(lines) == 1
    assert lines[0]["status"] == status
    return payload


DEEP = b"[" * 30000 + b"]" * 30000
BAD_BODIES = {
    "invalid-utf8": b'{"a": "\xff\xfe"}',
    "5000-digit-integer": b'{"n": ' + b"7" * 5000 + b"}",
    "30k-deep-nesting": DEEP,
    "nan-and-infinity": b"[NaN, Infinity]",
    "float-overflow": b"[1e999]",
    "empty": b"",
    "not-json": b"not json",
}


@pytest.mark.parametrize("body", BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_a_bad_body_gets_a_json_400_that_is_counted_and_logged(running: Running, json_log: Log, body: bytes) -> None:
    before = counted(running, "/api/echo", "POST", 400)
    answer = exchange(running.address, post("/api/echo", body))
    assert_refused(answer, 400, json_log)
    assert counted(running, "/api/echo", "POST", 400) == before + 1
    # No traceback, no other line: the refusal is the request's line.
    assert not [line for line in json_log() if "exception" in line]


def test_a_chunked_body_is_read_whole(running: Running) -> None:
    chunks = b'7\r\n{"a": [\r\n7;ext=1\r\n1, 2]}\n\r\n0\r\nX-Trailer: yes\r\n\r\n'
    head = b"POST /api/echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    answer = exchange(running.address, head + chunks)
    assert answer.status == 200, answer.body
    assert answer.json() == {"echo": {"a": [1, 2]}}


@pytest.mark.parametrize(
    ("headers", "body", "status"),
    [
        ("Transfer-Encoding: chunked\r\n", b"zz\r\n{}\r\n0\r\n\r\n", 400),
        ("Transfer-Encoding: chunked\r\n", b"2\r\n{}XX0\r\n\r\n", 400),
        ("Transfer-Encoding: gzip, chunked\r\n", b"0\r\n\r\n", 501),
        ("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", b"0\r\n\r\n", 400),
        ("", b"", 411),
        ("Content-Length: 1, 2\r\n", b"{}", 400),
        ("Content-Length: \xb2\r\n", b"{}", 400),
    ],
    ids=["bad-size", "no-crlf", "unknown-coding", "both-framings", "no-length", "two-lengths", "unicode-digit"],
)
def test_a_badly_framed_body_is_refused(
    running: Running, json_log: Log, headers: str, body: bytes, status: int
) -> None:
    head = f"POST /api/echo HTTP/1.1\r\nHost: x\r\n{headers}\r\n".encode("iso-8859-1")
    assert_refused(exchange(running.address, head + body), status, json_log)


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"\x00\x01\x02 nonsense\r\n\r\n", 400),
        (b"GET / HTTP/9.9\r\n\r\n", 505),
        (b"GET / HTTP/1.1\r\nX-Big: " + b"a" * 70000 + b"\r\n\r\n", 431),
        (b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n", 414),
        (b"DELETE / HTTP/1.1\r\nHost: x\r\n\r\n", 405),
        (b"BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n", 404),
    ],
    ids=["garbage", "version", "huge-header", "huge-line", "method", "unknown-method"],
)
def test_a_malformed_request_gets_a_json_error(
    running: Running, json_log: Log, request_bytes: bytes, status: int
) -> None:
    assert_refused(exchange(running.address, request_bytes), status, json_log)


def test_a_method_label_cannot_be_invented_by_clients(running: Running) -> None:
    exchange(running.address, b"BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n")
    assert counted(running, "other", "other", 404) == 1
    assert counted(running, "other", "BREW", 404) == 0


def test_a_crash_in_a_route_is_a_json_500_logged_with_its_request_id(
    running: Running, json_log: Log, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(handler: PublicHandler) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(PublicHandler, "root", broken)
    answer = exchange(running.address, b"GET / HTTP/1.1\r\nHost: x\r\nX-Request-Id: crash-1\r\n\r\n")
    assert assert_refused(answer, 500, json_log)["request_id"] == "crash-1"
    failure = [line for line in json_log() if line["message"] == "request failed"]
    assert len(failure) == 1
    assert failure[0]["request_id"] == "crash-1"
    assert "RuntimeError: boom" in failure[0]["exception"]
    assert counted(running, "/", "GET", 500) == 1


# Request ids -----------------------------------------------------------------------------------------------


def test_the_edge_request_id_is_echoed_logged_and_in_errors(running: Running, json_log: Log) -> None:
    ok = exchange(running.address, b"GET / HTTP/1.1\r\nHost: x\r\nX-Request-Id: 3f2a-edge.id\r\n\r\n")
    assert ok.status == 200
    assert ok.headers["x-request-id"] == "3f2a-edge.id"
    missing = exchange(running.address, b"GET /nope HTTP/1.1\r\nHost: x\r\nX-Request-Id: 3f2a-other\r\n\r\n")
    assert assert_refused(missing, 404, json_log)["request_id"] == "3f2a-other"
    line = next(line for line in request_lines(json_log) if line["request_id"] == "3f2a-edge.id")
    assert {key: line[key] for key in ("method", "path", "status")} == {"method": "GET", "path": "/", "status": 200}
    assert isinstance(line["duration_ms"], float)


@pytest.mark.parametrize("given", ["a" * 129, "has space", 'quote"s', "new\\nline", ""], ids=str)
def test_a_malformed_request_id_is_replaced(running: Running, given: str) -> None:
    head = f"GET / HTTP/1.1\r\nHost: x\r\nX-Request-Id: {given}\r\n\r\n".encode("iso-8859-1")
    answer = exchange(running.address, head)
    assert answer.status == 200
    assert answer.headers["x-request-id"] != given
    assert len(answer.headers["x-request-id"]) == 32


def test_a_request_without_an_id_gets_a_fresh_one_each_time(running: Running) -> None:
    ids = {exchange(running.address, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").headers["x-request-id"] for _ in range(3)}
    assert len(ids) == 3


# The metrics port ------------------------------------------------------------------------------------------


def test_metrics_are_served_only_on_the_metrics_port(running: Running, json_log: Log) -> None:
    public = exchange(running.address, b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
    assert_refused(public, 404, json_log)
    assert b"http_requests_total" not in public.body
    metrics_address = ("127.0.0.1", running.servers.metrics.server_address[1])
    scrape = exchange(metrics_address, b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
    assert scrape.status == 200
    assert b"http_requests_total" in scrape.body
    # The probes answer on the metrics port too, so a saturated public port never restarts the pod.
    for path in (b"/healthz", b"/readyz"):
        assert exchange(metrics_address, b"GET " + path + b" HTTP/1.1\r\n\r\n").status == 200


# Slow clients ----------------------------------------------------------------------------------------------

TIMEOUT = 1.0


@pytest.fixture
def strict() -> Iterator[Running]:
    """A server with a 1 s request deadline and 4 workers."""
    settings = dataclasses.replace(DEMO, request_timeout_seconds=TIMEOUT, max_workers=4)
    instance = Running(settings).start()
    yield instance
    instance.stop.set()
    instance.thread.join(timeout=10)


def half_sent(address: tuple[str, int]) -> socket.socket:
    sock = socket.create_connection(address, timeout=10)
    sock.sendall(b"POST /api/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
    return sock


def test_a_half_sent_request_gets_a_408_and_is_closed_in_bounded_time(strict: Running, json_log: Log) -> None:
    started = time.monotonic()
    with half_sent(strict.address) as sock:
        answer = Answer(read_all(sock))  # returns once the server closes the connection
    assert time.monotonic() - started < TIMEOUT + 2
    assert_refused(answer, 408, json_log)
    assert counted(strict, "/api/echo", "POST", 408) == 1


def test_a_trickling_client_cannot_stretch_the_deadline(strict: Running) -> None:
    # One byte every 0.2 s: each read is quick, but the request as a whole must still arrive within the deadline.
    started = time.monotonic()
    with socket.create_connection(strict.address, timeout=10) as sock:
        answer = b""
        try:
            for byte in b"GET / HTTP/1.1\r\nX-Slow: " + b"a" * 200:
                sock.sendall(bytes([byte]))
                time.sleep(0.2)
                if time.monotonic() - started > TIMEOUT + 3:
                    break
        except OSError:
            pass  # the server closed the connection: what the test waits for
        answer = read_all(sock)
    assert time.monotonic() - started < TIMEOUT + 3
    assert Answer(answer).status == 408


def test_a_connection_that_sends_nothing_is_closed_without_an_answer(strict: Running) -> None:
    started = time.monotonic()
    with socket.create_connection(strict.address, timeout=10) as sock:
        assert read_all(sock) == b""
    assert time.monotonic() - started < TIMEOUT + 2


def test_slow_clients_do_not_delay_a_normal_request(strict: Running) -> None:
    slow = [half_sent(strict.address) for _ in range(3)]
    try:
        started = time.monotonic()
        answer = exchange(strict.address, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert answer.status == 200
        assert time.monotonic() - started < 0.5
    finally:
        for sock in slow:
            sock.close()


def test_connections_beyond_the_worker_pool_get_a_503_at_once(strict: Running, json_log: Log) -> None:
    slow = [half_sent(strict.address) for _ in range(4)]
    try:
        time.sleep(0.2)  # let the server hand all four to workers
        started = time.monotonic()
        answer = exchange(strict.address, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert time.monotonic() - started < TIMEOUT
        assert_refused(answer, 503, json_log)
        assert answer.headers["retry-after"] == "1"
        assert counted(strict, "other", "other", 503) == 1
    finally:
        for sock in slow:
            sock.close()
    # The pool frees up once the slow clients are gone or timed out.
    deadline = time.monotonic() + TIMEOUT + 2
    while time.monotonic() < deadline:
        if exchange(strict.address, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").status == 200:
            break
        time.sleep(0.1)
    else:
        pytest.fail("the server did not serve again after the slow clients left")
