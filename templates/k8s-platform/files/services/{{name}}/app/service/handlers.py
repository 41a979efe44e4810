"""The HTTP handlers. Every request gets a JSON answer in bounded time, is counted in the SLI metrics and is
logged as one JSON line with its request id, whatever its bytes, headers or pace.

The public port (the one the Service's `http` port, the route and the Ingress lead to) serves the API and the
health paths; /metrics is not one of its routes. The metrics port serves /metrics and the probes.
"""

from __future__ import annotations

import hmac
import io
import logging
import time
from http.server import BaseHTTPRequestHandler
from typing import Any, ClassVar

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from service.body import BodyError, dumps, parse_json, read_body
from service.logs import request_id_from, set_request_id
from service.server import DeadlineReader
from service.state import App

LOG = logging.getLogger("service")

# Metric labels come from these sets only, so no client can create new series with odd paths or methods.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
MAX_LOGGED_PATH = 256


def record(app: App, route: str, method: str, status: int, seconds: float, fields: dict[str, Any] | None) -> None:
    """Count a request in the SLI metrics and, when fields are given, write its one log line."""
    app.metrics.requests.labels(route=route, method=method, code=str(status)).inc()
    app.metrics.latency.labels(route=route).observe(seconds)
    if fields is not None:
        LOG.info("request", extra={"fields": fields})


class Handler(BaseHTTPRequestHandler):
    server_version = "service"
    sys_version = ""
    app: App
    # (method, path) -> the name of the method that answers it.
    routes: ClassVar[dict[tuple[str, str], str]] = {}
    # False: only answers of 400 and above are logged (probes and scrapes would drown the rest).
    log_success: ClassVar[bool] = True
    # Set before parse_request runs, so even an answer to an unparseable request has a status line and headers.
    default_request_version = "HTTP/1.0"
    request_version = "HTTP/1.0"
    requestline = ""
    path = ""
    command = ""
    request_id = ""
    _started = 0.0
    _answered = False

    def setup(self) -> None:
        super().setup()
        # Replace the plain socket reader with one that enforces the request deadline on every read.
        self.rfile.close()
        self.reader = DeadlineReader(self.connection)
        self.rfile = io.BufferedReader(self.reader)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - name fixed by the base class
        """Access logs are written as JSON by _observe, never as text on stderr."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """See log_message."""

    def handle_one_request(self) -> None:
        self._answered = False
        self.request_id = ""
        self._started = time.perf_counter()
        self.reader.start(self.app.settings.request_timeout_seconds)
        try:
            self._handle()
        except TimeoutError:
            # Nothing received: a connection that never sent a request, closed without an answer.
            if self.reader.received and not self._answered:
                seconds = self.app.settings.request_timeout_seconds
                self._answer_quietly(408, f"the request did not arrive whole within {seconds:g} s")
            self.close_connection = True
        except Exception:
            LOG.exception("request failed", extra={"fields": {"path": self._logged_path()}})
            if not self._answered:
                self._answer_quietly(500, "internal error; the log line with this request_id has the details")
            self.close_connection = True
        finally:
            set_request_id("")

    def _handle(self) -> None:
        line = self.rfile.readline(65537)
        if len(line) > 65536:
            self.raw_requestline = b""
            self.send_error(414, "request line longer than 64 KiB")
            return
        if not line:
            self.close_connection = True
            return
        self.raw_requestline = line
        if not self.parse_request():
            return  # parse_request answered through send_error
        set_request_id(self._request_id())
        path = self.path.split("?", 1)[0]
        name = self.routes.get((self.command, path))
        if name is not None:
            getattr(self, name)()
        elif any(known == path for _, known in self.routes):
            allowed = ", ".join(sorted(method for method, known in self.routes if known == path))
            self._error(405, f"method not allowed here: use {allowed}")
        else:
            self._error(404, "not found")
        self.wfile.flush()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The base class's malformed-request answers, as JSON like every other answer."""
        self.close_connection = True
        self._error(code, message or self.responses.get(code, ("error",))[0])

    def _request_id(self) -> str:
        if not self.request_id:
            headers = getattr(self, "headers", None)
            self.request_id = request_id_from(headers.get("X-Request-Id") if headers is not None else None)
            set_request_id(self.request_id)
        return self.request_id

    def _answer_quietly(self, code: int, message: str) -> None:
        """An answer on a connection that may already be gone: a failed write only closes it."""
        try:
            self._error(code, message)
            self.wfile.flush()
        except OSError:
            pass

    def _send(self, code: int, body: bytes, content_type: str = "application/json") -> None:
        self._answered = True
        request_id = self._request_id()
        # Count the request before the client can see the answer, so a scrape that follows it always includes it.
        self._observe(code)
        # The reads may have used up the deadline; the answer gets its own bounded time to be written.
        self.connection.settimeout(self.app.settings.request_timeout_seconds)
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Request-Id", request_id)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, code: int, payload: dict[str, Any]) -> None:
        if code >= 400:
            payload = {**payload, "request_id": self._request_id()}
        self._send(code, dumps(payload))

    def _error(self, code: int, message: str) -> None:
        self._json(code, {"error": message})

    def _logged_path(self) -> str:
        # The query string is left out: it may carry tokens, and it is not needed to find a request.
        return (self.path or "").split("?", 1)[0][:MAX_LOGGED_PATH]

    def _observe(self, code: int) -> None:
        path = (self.path or "").split("?", 1)[0]
        route = path if any(known == path for _, known in self.routes) else "other"
        method = self.command if self.command in METHODS else "other"
        elapsed = time.perf_counter() - self._started
        fields = None
        if self.log_success or code >= 400:
            fields = {
                "method": (self.command or "")[:16],
                "path": self._logged_path(),
                "route": route,
                "status": code,
                "duration_ms": round(elapsed * 1000, 2),
                "request_id": self._request_id(),
            }
        record(self.app, route, method, code, elapsed, fields)

    def healthz(self) -> None:
        code = 200 if self.app.alive() else 500
        self._json(code, {"status": "ok" if code == 200 else "stalled"})

    def readyz(self) -> None:
        app = self.app
        code = 200 if app.ready else 503
        state = "ready" if app.ready else ("draining" if app.draining else "starting")
        if not app.has_token and not app.draining:
            state = "waiting for the API token"
        self._json(code, {"status": state})


class PublicHandler(Handler):
    """The port the Service's `http` port, and through it the route or Ingress, sends clients to."""

    routes: ClassVar[dict[tuple[str, str], str]] = {
        ("GET", "/"): "root",
        ("GET", "/healthz"): "healthz",
        ("GET", "/readyz"): "readyz",
        ("POST", "/api/echo"): "echo",
    }

    def root(self) -> None:
        if self.app.inject_fault():
            self._error(500, "fault injected: FAULT_ERROR_PERCENT is set (a game day's bad release)")
            return
        self._json(200, {"service": self.app.settings.service_name, "version": self.app.settings.version})

    def echo(self) -> None:
        if not self.app.has_token:
            # A token is configured but not loaded yet: fail closed, never serve without auth.
            self._error(503, "API token not loaded yet")
        elif not self._authorised():
            self._error(401, "missing or wrong bearer token")
        else:
            try:
                payload = parse_json(read_body(self.headers, self.rfile))
            except BodyError as error:
                self.close_connection = True
                self._error(error.status, error.message)
                return
            self._json(200, {"echo": payload})

    def _authorised(self) -> bool:
        if not self.app.token_required:
            return True
        token = self.app.token
        if token is None:
            return False
        given = self.headers.get("Authorization", "")
        return hmac.compare_digest(given.encode("utf-8"), f"Bearer {token}".encode())


class AdminHandler(Handler):
    """The metrics port: Prometheus and the kubelet's probes, never the edge."""

    routes: ClassVar[dict[tuple[str, str], str]] = {
        ("GET", "/healthz"): "healthz",
        ("GET", "/readyz"): "readyz",
        ("GET", "/metrics"): "metrics",
    }
    log_success: ClassVar[bool] = False

    def metrics(self) -> None:
        self._send(200, generate_latest(self.app.metrics.registry), CONTENT_TYPE_LATEST)
