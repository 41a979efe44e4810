"""The service's state shared by all request threads: settings, metrics, readiness and the API token."""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

LOG = logging.getLogger("service")


@dataclass(frozen=True)
class Settings:
    """Runtime settings, read from the environment the chart sets."""

    port: int = 8080
    # /metrics and the probes' port: the Service names it, the route and the Ingress never send traffic to it.
    metrics_port: int = 9090
    service_name: str = "service"
    version: str = "dev"
    drain_seconds: float = 5.0
    # Empty: no token is configured and /api/echo is open. Set: /api/echo requires it, and the service is not ready
    # (and answers /api/echo with 503) until the file holds a token.
    token_file: str = ""
    # How often the token file is read again, so a rotated Secret is picked up without a restart.
    token_reload_seconds: float = 10.0
    log_level: str = "info"
    # A request must arrive whole (line, headers, body) within this many seconds, or it is answered 408 and closed.
    request_timeout_seconds: float = 10.0
    # Connections served at once on each port; one more is answered 503 at once.
    max_workers: int = 32
    # A fault switch for game days (scripts/gameday.sh): this share of GET / requests, in percent, is answered 500.
    # 0, the chart's default (values.yaml `fault.errorPercent`), turns it off.
    fault_error_percent: int = 0

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        source = os.environ if env is None else env
        return cls(
            port=int(source.get("PORT", "8080")),
            metrics_port=int(source.get("METRICS_PORT", "9090")),
            service_name=source.get("SERVICE_NAME", "service"),
            version=source.get("SERVICE_VERSION", "dev"),
            drain_seconds=float(source.get("DRAIN_SECONDS", "5")),
            token_file=source.get("API_TOKEN_FILE", ""),
            token_reload_seconds=float(source.get("TOKEN_RELOAD_SECONDS", "10")),
            log_level=source.get("LOG_LEVEL", "info"),
            request_timeout_seconds=float(source.get("REQUEST_TIMEOUT_SECONDS", "10")),
            max_workers=int(source.get("MAX_WORKERS", "32")),
            fault_error_percent=int(source.get("FAULT_ERROR_PERCENT", "0")),
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
        self._faults = threading.Lock()
        self._served = 0
        self.reload_token()

    def inject_fault(self) -> bool:
        """True for exactly fault_error_percent of every 100 requests in a row, spread evenly over them."""
        percent = self.settings.fault_error_percent
        if percent <= 0:
            return False
        with self._faults:
            self._served += 1
            served = self._served
        return served * percent // 100 > (served - 1) * percent // 100

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
