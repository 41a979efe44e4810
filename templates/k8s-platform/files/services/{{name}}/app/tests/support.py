"""A real server on free ports, and clients that speak HTTP (or deliberately not quite HTTP) to it."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.request

from service.main import App, Settings, build_servers, serve


def fetch(url: str, data: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


class Running:
    def __init__(self, settings: Settings) -> None:
        self.app = App(settings)
        self.servers = build_servers(self.app, host="127.0.0.1", port=0, metrics_port=0)
        self.stop = threading.Event()
        # A short poll interval: each test's server stops in a few milliseconds.
        self.thread = threading.Thread(target=serve, args=(self.app, self.servers, self.stop, 0.02), daemon=True)
        self.address = ("127.0.0.1", self.servers.public.server_address[1])
        self.base = f"http://127.0.0.1:{self.address[1]}"
        self.metrics_base = f"http://127.0.0.1:{self.servers.metrics.server_address[1]}"

    def start(self, until_ready: bool = True) -> Running:
        self.thread.start()
        deadline = time.monotonic() + (5 if until_ready else 0.3)
        while not self.app.ready and time.monotonic() < deadline:
            time.sleep(0.01)
        return self


class Answer:
    """A raw HTTP answer: status, headers (lowercase names) and body."""

    def __init__(self, raw: bytes) -> None:
        head, _, self.body = raw.partition(b"\r\n\r\n")
        lines = head.decode("iso-8859-1").split("\r\n")
        self.status = int(lines[0].split()[1]) if lines[0] else 0
        self.headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            self.headers[name.strip().lower()] = value.strip()

    def json(self) -> dict:
        return json.loads(self.body)


def exchange(address: tuple[str, int], data: bytes, timeout: float = 10) -> Answer:
    """Send raw bytes, read until the server closes, and parse what came back."""
    with socket.create_connection(address, timeout=timeout) as sock:
        sock.sendall(data)
        return Answer(read_all(sock))


def read_all(sock: socket.socket) -> bytes:
    answer = b""
    while chunk := sock.recv(65536):
        answer += chunk
    return answer


def post(path: str, body: bytes, headers: str = "") -> bytes:
    head = f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\n{headers}\r\n"
    return head.encode("ascii") + body
