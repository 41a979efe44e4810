"""JSON log lines, one object per line, carrying the id of the request being served (if any)."""

from __future__ import annotations

import json
import logging
import re
import sys
import threading
import uuid
from typing import Any

# The request id of the request the current thread serves; empty between requests.
_context = threading.local()

# What an id taken from the edge's X-Request-Id header may look like: what ingress-nginx, Envoy and most tracers
# send (hex, UUIDs, base64), bounded so a client cannot stuff a log line with it.
REQUEST_ID = re.compile(r"[A-Za-z0-9._~:+/=-]{1,128}")


def request_id_from(header: str | None) -> str:
    """The edge's id when it is well formed, else a new one, so every request has exactly one id."""
    if header is not None and REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


def set_request_id(request_id: str) -> None:
    _context.request_id = request_id


def current_request_id() -> str:
    return getattr(_context, "request_id", "")


class JsonFormatter(logging.Formatter):
    """One JSON object per line, so the cluster's log pipeline can parse fields without regexes."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = current_request_id()
        if request_id:
            entry["request_id"] = request_id
        extra = getattr(record, "fields", None)
        if isinstance(extra, dict):
            entry.update(extra)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        # default=str: a field the code did not expect to be JSON still yields a line, never a lost record.
        return json.dumps(entry, sort_keys=True, default=str)


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
