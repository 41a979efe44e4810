#!/usr/bin/env python3
"""Run the webhook pipeline on this machine, backed by moto instead of AWS.

  POST /webhooks   the ingest function (same signature checks as deployed)
  GET  /events     what the processor stored
  GET  /queues     queue and DLQ depth
  POST /replay     move every DLQ message back to the queue (the local stand-in for `make replay`)

A background thread polls the queue like the SQS event source mapping does,
so a delivery shows up under /events about a second after it was accepted.
Send one with: python3 scripts/send_test_webhook.py http://127.0.0.1:3000/webhooks --scheme <scheme>
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from moto import mock_aws  # noqa: E402

import local_env  # noqa: E402
import replay_dlq  # noqa: E402

LOCK = threading.Lock()


def make_handler(env: local_env.LocalEnv):
    class Handler(BaseHTTPRequestHandler):
        def _send(self, status: int, body: str, content_type: str = "application/json") -> None:
            data = body.encode()
            self.send_response(status)
            self.send_header("content-type", content_type)
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):  # noqa: N802 - http.server naming
            length = int(self.headers.get("content-length", "0"))
            body = self.rfile.read(length)
            if self.path == "/webhooks":
                with LOCK:
                    answer = env.post(dict(self.headers.items()), body)
                self._send(answer["statusCode"], answer["body"])
            elif self.path == "/replay":
                with LOCK:
                    moved = replay_dlq.manual_move(env.sqs, env.urls["DeadLetterQueue"], env.urls["Queue"], rate=500)
                self._send(200, json.dumps({"moved": moved}))
            else:
                self._send(404, json.dumps({"error": "not found"}))

        def do_GET(self):  # noqa: N802 - http.server naming
            with LOCK:
                if self.path == "/events":
                    self._send(200, json.dumps(env.stored(), indent=2, sort_keys=True))
                elif self.path == "/queues":
                    depth = {"queue": env.depth("Queue"), "dlq": env.depth("DeadLetterQueue")}
                    self._send(200, json.dumps(depth))
                else:
                    self._send(404, json.dumps({"error": "not found"}))

    return Handler


def pump_forever(env: local_env.LocalEnv, interval: float) -> None:
    while True:
        with LOCK:
            try:
                env.pump_once()
            except Exception as exc:  # noqa: BLE001 - keep the local loop alive and visible
                print(f"processor poll failed: {exc}", file=sys.stderr)
        time.sleep(interval)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=3000)
    parser.add_argument("--poll-interval", type=float, default=1.0)
    args = parser.parse_args(argv)
    # moto answers every call; fixed fake credentials keep a real profile from ever being used.
    os.environ.update(
        AWS_DEFAULT_REGION="us-east-1",
        AWS_ACCESS_KEY_ID="local",
        AWS_SECRET_ACCESS_KEY="local",  # noqa: S106 - moto accepts anything
        POWERTOOLS_TRACE_DISABLED="true",
        POWERTOOLS_METRICS_DISABLED="true",
    )
    os.environ.pop("AWS_PROFILE", None)
    os.environ.pop("AWS_SESSION_TOKEN", None)
    with mock_aws():
        env = local_env.LocalEnv()
        env.create()
        threading.Thread(target=pump_forever, args=(env, args.poll_interval), daemon=True).start()
        server = ThreadingHTTPServer((args.host, args.port), make_handler(env))
        print(f"listening on http://{args.host}:{args.port}/webhooks (scheme {env.scheme})")
        print(f"local signing secret: {env.secret}")
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
