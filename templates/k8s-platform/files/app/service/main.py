"""HTTP entry point: health endpoints, Prometheus metrics, JSON logs and a graceful drain on SIGTERM.

/healthz answers "is the process alive?" and only fails when the server loop is wedged, so the kubelet
restarts the container only when a restart can help. /readyz answers "should this pod get traffic?" and
fails while the service starts, while it drains after SIGTERM, and whenever the operator marks it not ready.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

LOG = logging.getLogger("service")


class JsonFormatter(logging.Formatter):
    """One JSON object per line, so the cluster's log pipeline can parse fields without regexes."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        extra = getattr(record, "fields", None)
        if isinstance(extra, dict):
            entry.update(extra)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, sort_keys=True)


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())


@dataclass(frozen=True)
class Settings:
    """Runtime settings, read from the environment the chart sets."""

    port: int = 8080
    service_name: str = "service"
    version: str = "dev"
    drain_seconds: float = 5.0
    # Empty: no token is configured and /api/echo is open. Set: /api/echo requires it, and the service is not ready
    # (and answers /api/echo with 503) until the file holds a token.
    token_file: str = ""
    # How often the token file is read again, so a rotated Secret is picked up without a restart.
    token_reload_seconds: float = 10.0
    log_level: str = "info"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        source = os.environ if env is None else env
        return cls(
            port=int(source.get("PORT", "8080")),
            service_name=source.get("SERVICE_NAME", "service"),
            version=source.get("SERVICE_VERSION", "dev"),
            drain_seconds=float(source.get("DRAIN_SECONDS", "5")),
            token_file=source.get("API_TOKEN_FILE", ""),
            token_reload_seconds=float(source.get("TOKEN_RELOAD_SECONDS", "10")),
            log_level=source.get("LOG_LEVEL", "info"),
        )


@dataclass
class Metrics:
    """Prometheus metrics on a private registry, so tests can build as many apps as they like."""

    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        self.requests = Counter(
            "http_requests_total",
            "HTTP requests served, by route, method and status code.",
            ["route", "method", "code"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "http_request_duration_seconds",
            "Time spent serving an HTTP request, by route.",
            ["route"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
            registry=self.registry,
        )
        self.ready = Gauge("service_ready", "1 when the service accepts traffic, 0 otherwise.", registry=self.registry)
        self.info = Gauge("service_build_info", "Build information, always 1.", ["version"], registry=self.registry)


class App:
    """State shared by all request threads."""

    KNOWN_ROUTES = ("/", "/healthz", "/readyz", "/metrics", "/api/echo")

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.metrics = Metrics()
        self.metrics.info.labels(version=settings.version).set(1)
        self._ready = threading.Event()
        self._draining = threading.Event()
        self._last_loop = time.monotonic()
        self.token_required = bool(settings.token_file)
        self.token: str | None = None
        self._token_checked = 0.0
        self.reload_token()

    def reload_token(self) -> None:
        """Read the token file again (a Secret volume swaps it atomically on rotation)."""
        self._token_checked = time.monotonic()
        if not self.token_required:
            return
        token_path = Path(self.settings.token_file)
        try:
            token = token_path.read_text(encoding="utf-8").strip() or None
        except OSError:
            token = None
        if token != self.token:
            LOG.info("token", extra={"fields": {"state": "loaded" if token else "missing"}})
        self.token = token

    def reload_token_if_due(self) -> None:
        if time.monotonic() - self._token_checked >= self.settings.token_reload_seconds:
            self.reload_token()

    def mark_ready(self) -> None:
        if not self._draining.is_set():
            self._ready.set()
            self.metrics.ready.set(1)

    def start_drain(self) -> None:
        """Fail readiness first, so endpoints drop this pod before the listener stops."""
        self._draining.set()
        self._ready.clear()
        self.metrics.ready.set(0)

    @property
    def ready(self) -> bool:
        return self._ready.is_set() and self.has_token

    @property
    def has_token(self) -> bool:
        return not self.token_required or self.token is not None

    @property
    def draining(self) -> bool:
        return self._draining.is_set()

    def heartbeat(self) -> None:
        self._last_loop = time.monotonic()

    def alive(self, max_stall: float = 30.0) -> bool:
        return time.monotonic() - self._last_loop < max_stall

    def route_label(self, path: str) -> str:
        # Unknown paths share one label so a scanner cannot blow up the metric's cardinality.
        return path if path in self.KNOWN_ROUTES else "other"


class Handler(BaseHTTPRequestHandler):
    server_version = "service"
    sys_version = ""
    app: App
    _started: float = 0.0

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - name fixed by the base class
        """Access logs go through do_* as JSON instead of stderr text."""

    def _send(self, code: int, body: bytes, content_type: str = "application/json") -> None:
        # Count the request before the client can see the answer, so a scrape that follows it always includes it.
        self._observe(self.command, code, self._started)
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def _json(self, code: int, payload: dict[str, Any]) -> None:
        self._send(code, json.dumps(payload, sort_keys=True).encode("utf-8"))

    def _observe(self, method: str, code: int, started: float) -> None:
        route = self.app.route_label(self.path.split("?", 1)[0])
        elapsed = time.perf_counter() - started
        self.app.metrics.requests.labels(route=route, method=method, code=str(code)).inc()
        self.app.metrics.latency.labels(route=route).observe(elapsed)
        if route not in ("/healthz", "/readyz", "/metrics"):
            LOG.info(
                "request",
                extra={"fields": {"method": method, "route": route, "code": code, "ms": round(elapsed * 1000, 2)}},
            )

    def do_GET(self) -> None:
        self._started = time.perf_counter()
        path = self.path.split("?", 1)[0]
        app = self.app
        if path == "/healthz":
            code = 200 if app.alive() else 500
            self._json(code, {"status": "ok" if code == 200 else "stalled"})
        elif path == "/readyz":
            code = 200 if app.ready else 503
            state = "ready" if app.ready else ("draining" if app.draining else "starting")
            if not app.has_token and not app.draining:
                state = "waiting for the API token"
            self._json(code, {"status": state})
        elif path == "/metrics":
            code = 200
            self._send(code, generate_latest(app.metrics.registry), CONTENT_TYPE_LATEST)
        elif path == "/":
            code = 200
            self._json(code, {"service": app.settings.service_name, "version": app.settings.version})
        else:
            code = 404
            self._json(code, {"error": "not found"})

    def do_POST(self) -> None:
        self._started = time.perf_counter()
        path = self.path.split("?", 1)[0]
        if path != "/api/echo":
            code = 404
            self._json(code, {"error": "not found"})
        elif not self.app.has_token:
            # A token is configured but not loaded yet: fail closed, never serve without auth.
            code = 503
            self._json(code, {"error": "API token not loaded yet"})
        elif not self._authorised():
            code = 401
            self._json(code, {"error": "missing or wrong bearer token"})
        else:
            self._echo()

    def _authorised(self) -> bool:
        if not self.app.token_required:
            return True
        token = self.app.token
        if token is None:
            return False
        given = self.headers.get("Authorization", "")
        return hmac.compare_digest(given.encode("utf-8"), f"Bearer {token}".encode())

    def _echo(self) -> int:
        declared = (self.headers.get("Content-Length") or "0").strip()
        if not declared.isdigit():
            # The body's end is unknown, so the connection cannot be reused after the answer.
            self.close_connection = True
            self._json(400, {"error": "Content-Length is not a non-negative integer"})
            return 400
        length = int(declared)
        if length > 64 * 1024:
            self._json(413, {"error": "body larger than 64 KiB"})
            return 413
        raw = self.rfile.read(length) if length else b"{}"
        try:
            payload = json.loads(raw)
        except json.JSONDecodeError:
            self._json(400, {"error": "body is not JSON"})
            return 400
        self._json(200, {"echo": payload})
        return 200


def build_server(app: App, host: str = "0.0.0.0", port: int | None = None) -> ThreadingHTTPServer:  # noqa: S104
    handler = type("BoundHandler", (Handler,), {"app": app})
    server = ThreadingHTTPServer((host, app.settings.port if port is None else port), handler)
    server.daemon_threads = True
    return server


def serve(app: App, server: ThreadingHTTPServer, stop: threading.Event) -> None:
    """Serve until stop is set, then drain: readiness fails, wait drain_seconds, close the listener."""
    worker = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    worker.start()
    app.mark_ready()
    LOG.info("listening", extra={"fields": {"port": server.server_address[1], "version": app.settings.version}})
    while not stop.wait(min(1.0, app.settings.token_reload_seconds)):
        if worker.is_alive():
            app.heartbeat()
        app.reload_token_if_due()
    app.start_drain()
    LOG.info("draining", extra={"fields": {"seconds": app.settings.drain_seconds}})
    time.sleep(app.settings.drain_seconds)
    server.shutdown()
    server.server_close()
    LOG.info("stopped")


def main() -> None:
    settings = Settings.from_env()
    configure_logging(settings.log_level)
    app = App(settings)
    server = build_server(app)
    stop = threading.Event()

    def on_signal(signum: int, _frame: object) -> None:
        LOG.info("signal", extra={"fields": {"signal": signal.Signals(signum).name}})
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    serve(app, server, stop)


if __name__ == "__main__":
    main()
