#!/usr/bin/env python3
"""Run the webhook pipeline on this machine, backed by moto instead of AWS.

  POST /webhooks   the ingest function (same signature checks as deployed)
  GET  /events     what the processor stored
  GET  /queues     queue and DLQ depth
  POST /replay     move every DLQ message back to the queue (the local stand-in for `make replay`)

What behaves as deployed:
  - the HTTP API's route throttle: a token bucket holding ThrottlingBurstLimit requests, refilled at
    ThrottlingRateLimit per second (template.yaml's HttpApi, the parameters' defaults), in real seconds: a
    request that finds it empty gets API Gateway's 429 before any function runs;
  - requests are served concurrently (one thread each, a listen backlog of 128), so a
    burst of deliveries is answered, not reset; only each moto call is serialised;
  - headers reach the ingest function as an HTTP API passes them (payload 2.0): names
    lowercased, a repeated header's values joined with commas;
  - a consumer thread polls the queue like the SQS event source mapping does. A record the
    processor fails stays invisible for the queue's visibility timeout, scaled down by
    --time-scale (default 60: the stack's 180 s become 3 s), then is received again; after
    maxReceiveCount receives SQS moves it to the DLQ, as the stack's redrive policy says.

Send a delivery with: python3 scripts/send_test_webhook.py http://127.0.0.1:3000/webhooks --scheme <scheme>
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from moto import mock_aws  # noqa: E402

import local_env  # noqa: E402
import replay_dlq  # noqa: E402

# An HTTP API refuses larger requests with 413 before any function runs.
API_MAX_BODY_BYTES = 10 * 1024 * 1024
LISTEN_BACKLOG = 128
# What an HTTP API answers a throttled request: 429 Too Many Requests (AWS docs, "Throttling requests to your HTTP
# API", checked 2026-12-07), with its usual error body and no Retry-After.
THROTTLED_BODY = json.dumps({"message": "Too Many Requests"})


class TokenBucket:
    """API Gateway's throttle: `burst` tokens at most, `rate` more every second, one taken per request."""

    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic):
        self.rate, self.burst, self._clock = rate, burst, clock
        self._tokens = float(burst)
        self._at = clock()
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            now = self._clock()
            self._tokens = min(self.burst, self._tokens + (now - self._at) * self.rate)
            self._at = now
            if self._tokens < 1:
                return False
            self._tokens -= 1
            return True


def api_throttle(env: local_env.LocalEnv) -> TokenBucket:
    """The bucket of the stack's HTTP API: its DefaultRouteSettings, each a literal or a parameter's default."""
    settings = env.resources["HttpApi"]["Properties"]["DefaultRouteSettings"]
    rate = local_env._plain(settings["ThrottlingRateLimit"], env.parameters)
    burst = local_env._plain(settings["ThrottlingBurstLimit"], env.parameters)
    return TokenBucket(float(rate), int(burst))


class LocalServer(ThreadingHTTPServer):
    """A thread per request and a real listen backlog (socketserver's default is 5)."""

    request_queue_size = LISTEN_BACKLOG
    daemon_threads = True
    allow_reuse_address = True


def make_handler(env: local_env.LocalEnv, answers: list):
    class Handler(BaseHTTPRequestHandler):
        def _send(self, status: int, body: str, content_type: str = "application/json", headers=None) -> None:
            data = body.encode()
            if self.path == "/webhooks":
                # What the API's own metrics (AWS/ApiGateway Count, 4xx, 5xx) are made of; counted before the
                # answer leaves, so a sender that got it finds it counted.
                answers.append((time.time(), status))
            self.send_response(status)
            self.send_header("content-type", content_type)
            for name, value in (headers or {}).items():
                if name != "content-type":
                    self.send_header(name, value)
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):  # noqa: N802 - http.server naming
            try:
                length = int(self.headers.get("content-length", "0"))
            except ValueError:
                self._send(400, json.dumps({"error": "bad content-length"}))
                return
            if length > API_MAX_BODY_BYTES:
                self._send(413, json.dumps({"message": "Request Entity Too Large"}))
                return
            body = self.rfile.read(length)
            throttle = self.server.throttle
            if self.path == "/webhooks" and throttle is not None and not throttle.take():
                self._send(429, THROTTLED_BODY)
            elif self.path == "/webhooks":
                # items() keeps every header line, repeats included, in arrival order.
                answer = env.post(self.headers.items(), body)
                self._send(answer["statusCode"], answer["body"], headers=answer.get("headers"))
            elif self.path == "/replay":
                moved = replay_dlq.manual_move(env.sqs, env.urls["DeadLetterQueue"], env.urls["Queue"], rate=500)
                self._send(200, json.dumps({"moved": moved}))
            else:
                self._send(404, json.dumps({"error": "not found"}))

        def do_GET(self):  # noqa: N802 - http.server naming
            if self.path == "/events":
                self._send(200, json.dumps(env.stored(), indent=2, sort_keys=True))
            elif self.path == "/queues":
                depth = {"queue": env.depth("Queue"), "dlq": env.depth("DeadLetterQueue")}
                self._send(200, json.dumps(depth))
            else:
                self._send(404, json.dumps({"error": "not found"}))

    return Handler


def make_server(env: local_env.LocalEnv, host: str, port: int, throttle: TokenBucket | None = None) -> LocalServer:
    """The server; `server.answers` collects (time, status) of every /webhooks answer, as the API counts them."""
    answers: list[tuple[float, int]] = []
    server = LocalServer((host, port), make_handler(env, answers))
    server.answers = answers
    server.throttle = throttle
    return server


def consume(
    env: local_env.LocalEnv,
    visibility_timeout: int,
    interval: float,
    stop: threading.Event,
    idle: Callable[[float], object] | None = None,
) -> None:
    """The event source mapping's poller: receive, invoke, delete what succeeded, until stop is set.

    It polls without long polling (moto would hold its lock for the wait) and waits `interval` seconds between
    empty polls with `idle` (stop.wait by default; a test passes one that moves a fake clock instead).
    """
    idle = idle or stop.wait
    while not stop.is_set():
        try:
            result = env.pump_once(visibility_timeout=visibility_timeout)
        except Exception as exc:  # noqa: BLE001 - keep the local loop alive and visible
            print(f"processor poll failed: {exc}", file=sys.stderr)
            result = {"received": 0, "failed": 0}
        if result["failed"]:
            print(
                f"processor failed {result['failed']} of {result['received']} records: "
                f"received again in {visibility_timeout} s, moved to the DLQ after {env.max_receive_count} receives",
                file=sys.stderr,
            )
        if not result["received"]:
            idle(interval)


class Consumer:
    """consume() on a daemon thread; stop() ends it and waits for the poll in progress."""

    def __init__(
        self,
        env: local_env.LocalEnv,
        visibility_timeout: int,
        interval: float,
        idle: Callable[[float], object] | None = None,
    ):
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=consume, args=(env, visibility_timeout, interval, self._stop, idle), daemon=True
        )
        self._thread.start()

    def stop(self, timeout: float = 30) -> None:
        self._stop.set()
        self._thread.join(timeout)


def start_consumer(
    env: local_env.LocalEnv, visibility_timeout: int, interval: float, idle: Callable[[float], object] | None = None
) -> Consumer:
    return Consumer(env, visibility_timeout, interval, idle)


def offline_environment() -> None:
    """moto answers every call; fixed fake credentials keep a real profile from ever being used. The functions
    print their EMF metric lines as in Lambda, where CloudWatch reads them from the log (the game day reads them)."""
    os.environ.update(
        AWS_DEFAULT_REGION="us-east-1",
        AWS_ACCESS_KEY_ID="local",
        AWS_SECRET_ACCESS_KEY="local",  # noqa: S106 - moto accepts anything
        POWERTOOLS_TRACE_DISABLED="true",
        POWERTOOLS_METRICS_DISABLED="false",
    )
    os.environ.pop("AWS_PROFILE", None)
    os.environ.pop("AWS_SESSION_TOKEN", None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=3000)
    parser.add_argument("--poll-interval", type=float, default=0.5, help="seconds between empty polls")
    parser.add_argument(
        "--time-scale",
        type=float,
        default=local_env.DEFAULT_TIME_SCALE,
        help="divide the stack's visibility timeout by this (default %(default)s; 1 runs it at full length)",
    )
    args = parser.parse_args(argv)
    if args.time_scale <= 0:
        parser.error("--time-scale must be a positive number")
    offline_environment()
    with mock_aws(), local_env.serialised_aws_calls():
        env = local_env.LocalEnv()
        env.create()
        timeout = env.scaled_visibility_timeout(args.time_scale)
        consumer = start_consumer(env, timeout, args.poll_interval)
        throttle = api_throttle(env)
        server = make_server(env, args.host, args.port, throttle)
        print(f"listening on http://{args.host}:{args.port}/webhooks (scheme {env.scheme})")
        print(f"local signing secret: {env.secret}")
        print(
            f"visibility timeout {timeout} s (the stack's {env.visibility_timeout} s / {args.time_scale:g}), "
            f"DLQ after {env.max_receive_count} receives"
        )
        print(f"throttle {throttle.rate:g} requests/s, bursts of {throttle.burst} (HttpApi's route settings)")
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()
        consumer.stop()
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
