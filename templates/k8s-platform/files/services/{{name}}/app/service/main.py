"""HTTP entry point: the API on the public port, /metrics and the probes on the metrics port, JSON logs with
request ids, and a graceful drain on SIGTERM.

/healthz answers "is the process alive?" and only fails when a server loop is wedged, so the kubelet
restarts the container only when a restart can help. /readyz answers "should this pod get traffic?" and
fails while the service starts, while it drains after SIGTERM, and whenever the operator marks it not ready.
"""

from __future__ import annotations

import logging
import signal
import socket
import threading
import time
import uuid
from dataclasses import dataclass

from service.body import dumps
from service.handlers import AdminHandler, Handler, PublicHandler, record
from service.logs import JsonFormatter, configure_logging
from service.server import BoundedHTTPServer, read_head
from service.state import App, Metrics, Settings

__all__ = [
    "AdminHandler",
    "App",
    "Handler",
    "JsonFormatter",
    "Metrics",
    "PublicHandler",
    "Servers",
    "Settings",
    "build_servers",
    "serve",
]

LOG = logging.getLogger("service")


def reject(app: App, sock: socket.socket) -> None:
    """The answer to a connection beyond the worker pool: 503 with Retry-After, counted and logged."""
    started = time.perf_counter()
    read_head(sock)
    request_id = uuid.uuid4().hex
    body = dumps({"error": "the service is at its connection limit: retry shortly", "request_id": request_id})
    head = (
        "HTTP/1.0 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\n"
        f"X-Request-Id: {request_id}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    sock.settimeout(1.0)
    sock.sendall(head.encode("ascii") + body)
    elapsed = time.perf_counter() - started
    # The request was not parsed: its method and path are unknown, so the line leaves them empty.
    fields = {"method": "", "path": "", "route": "other", "status": 503, "reason": "worker pool full"}
    fields |= {"duration_ms": round(elapsed * 1000, 2), "request_id": request_id}
    record(app, "other", "other", 503, elapsed, fields)


@dataclass
class Servers:
    """The public server (API) and the metrics server (/metrics and probes) of one App."""

    public: BoundedHTTPServer
    metrics: BoundedHTTPServer

    def close(self) -> None:
        # Both loops are asked to stop at once, so closing waits for one poll interval, not two.
        stoppers = [threading.Thread(target=server.shutdown) for server in (self.public, self.metrics)]
        for stopper in stoppers:
            stopper.start()
        for stopper in stoppers:
            stopper.join()
        for server in (self.public, self.metrics):
            server.server_close()


def build_servers(
    app: App,
    host: str = "0.0.0.0",  # noqa: S104 - a container listens on all of its interfaces
    port: int | None = None,
    metrics_port: int | None = None,
) -> Servers:
    def make(handler: type[Handler], bind_port: int) -> BoundedHTTPServer:
        bound = type(f"Bound{handler.__name__}", (handler,), {"app": app})
        return BoundedHTTPServer((host, bind_port), bound, app.settings.max_workers, lambda sock: reject(app, sock))

    settings = app.settings
    return Servers(
        public=make(PublicHandler, settings.port if port is None else port),
        metrics=make(AdminHandler, settings.metrics_port if metrics_port is None else metrics_port),
    )


def serve(app: App, servers: Servers, stop: threading.Event, poll_interval: float = 0.2) -> None:
    """Serve until stop is set, then drain: readiness fails, wait drain_seconds, close the listeners."""
    workers = [
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": poll_interval}, daemon=True)
        for server in (servers.public, servers.metrics)
    ]
    for worker in workers:
        worker.start()
    app.mark_ready()
    LOG.info(
        "listening",
        extra={
            "fields": {
                "port": servers.public.server_address[1],
                "metrics_port": servers.metrics.server_address[1],
                "version": app.settings.version,
            }
        },
    )
    while not stop.wait(min(1.0, app.settings.token_reload_seconds)):
        if all(worker.is_alive() for worker in workers):
            app.heartbeat()
        app.reload_token_if_due()
    app.start_drain()
    LOG.info("draining", extra={"fields": {"seconds": app.settings.drain_seconds}})
    time.sleep(app.settings.drain_seconds)
    servers.close()
    LOG.info("stopped")


def main() -> None:
    settings = Settings.from_env()
    configure_logging(settings.log_level)
    app = App(settings)
    servers = build_servers(app)
    stop = threading.Event()

    def on_signal(signum: int, _frame: object) -> None:
        LOG.info("signal", extra={"fields": {"signal": signal.Signals(signum).name}})
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    serve(app, servers, stop)


if __name__ == "__main__":
    main()
