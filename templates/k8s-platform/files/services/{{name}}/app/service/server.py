"""An HTTP server whose connections can neither outlive a deadline nor outnumber a fixed pool of workers.

Every request must arrive whole (request line, headers and body) within the request timeout, however slowly its
bytes trickle in, so a half-sent request is closed in bounded time. At most `workers` connections are served at
once; one more is answered 503 by a single rejecting thread and closed, so a flood of slow clients costs a
bounded number of threads.
"""

from __future__ import annotations

import io
import logging
import math
import queue
import socket
import threading
import time
from collections.abc import Callable
from http.server import HTTPServer
from typing import Any

LOG = logging.getLogger("service")

# How long the rejecting thread waits for an overflowing client's request before answering it anyway.
REJECT_READ_SECONDS = 0.5


class DeadlineReader(io.RawIOBase):
    """A socket reader that fails with TimeoutError once the current request's deadline has passed."""

    def __init__(self, sock: socket.socket) -> None:
        super().__init__()
        self._sock = sock
        self.deadline = math.inf
        self.received = 0

    def start(self, seconds: float) -> None:
        """A new request begins: it has `seconds` to arrive whole."""
        self.deadline = time.monotonic() + seconds
        self.received = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the request did not arrive within its deadline")
        # Each wait is cut to what is left of the deadline, so many slow bytes cannot add up past it.
        self._sock.settimeout(remaining)
        count = self._sock.recv_into(buffer)
        self.received += count
        return count


class BoundedHTTPServer(HTTPServer):
    """HTTPServer with one thread per connection, at most `workers` of them, and a 503 for the rest."""

    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        handler: type,
        workers: int,
        reject: Callable[[socket.socket], None],
    ) -> None:
        super().__init__(address, handler)
        self._slots = threading.BoundedSemaphore(workers)
        self._reject = reject
        self._rejects: queue.Queue[socket.socket] = queue.Queue(maxsize=workers)
        threading.Thread(target=self._reject_loop, name="reject", daemon=True).start()

    def process_request(self, request: Any, client_address: Any) -> None:
        if self._slots.acquire(blocking=False):
            threading.Thread(target=self._work, args=(request, client_address), daemon=True).start()
            return
        try:
            self._rejects.put_nowait(request)
        except queue.Full:
            # Even the rejecting thread is behind: drop the connection rather than queue without bound.
            self.shutdown_request(request)

    def _work(self, request: Any, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)
            self._slots.release()

    def _reject_loop(self) -> None:
        while True:
            request = self._rejects.get()
            try:
                self._reject(request)
            except OSError:
                pass
            finally:
                self.shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Never a plain-text traceback on stderr: the failure is one JSON log line like everything else.
        LOG.exception("connection failed", extra={"fields": {"client": str(client_address[0])}})


def read_head(sock: socket.socket, seconds: float = REJECT_READ_SECONDS) -> bytes:
    """Whatever part of a request's head arrives within `seconds` (at most 64 KiB), for a rejecting answer.

    Reading it first means the client has sent nothing unread when the socket closes, so the kernel sends a
    normal close and not a reset that could discard the answer before the client reads it.
    """
    deadline = time.monotonic() + seconds
    head = b""
    while b"\r\n\r\n" not in head and len(head) < 64 * 1024:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        sock.settimeout(remaining)
        try:
            chunk = sock.recv(8192)
        except OSError:
            break
        if not chunk:
            break
        head += chunk
    return head
