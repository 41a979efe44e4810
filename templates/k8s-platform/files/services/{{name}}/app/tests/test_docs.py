"""The README and the runbook describe the service this code is: its limits, its ports and its log fields."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from service.body import MAX_BODY, MAX_DEPTH
from service.logs import REQUEST_ID
from service.main import Settings

from .support import Running, exchange

ROOT = Path(__file__).resolve().parents[4]
README = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
RUNBOOK = " ".join((ROOT / "docs" / "runbook.md").read_text(encoding="utf-8").split())


def test_the_readme_states_the_limits_the_service_enforces() -> None:
    settings = Settings()
    assert f"has not arrived whole after {settings.request_timeout_seconds:g} s gets 408" in README
    assert f"beyond {settings.max_workers} connections at once" in README
    assert f"nesting deeper than {MAX_DEPTH} levels" in README
    assert f"a number of more than {sys.get_int_max_str_digits()} digits" in README
    assert MAX_BODY == 64 * 1024
    longest = int(re.search(r"\{1,(\d+)\}", REQUEST_ID.pattern).group(1))
    assert f"`X-Request-Id` when it is at most {longest} letters, digits and `._~:+/=-`" in README
    assert REQUEST_ID.pattern == r"[A-Za-z0-9._~:+/=-]{1," + str(longest) + "}"


def test_the_docs_state_the_ports_the_service_listens_on() -> None:
    settings = Settings()
    assert f"on its own port ({settings.metrics_port}, the Service's `metrics` port)" in README
    assert f"on the public port ({settings.port}) `/metrics` answers 404" in README
    assert f"on the metrics port {settings.metrics_port}; the public port {settings.port} answers" in RUNBOOK


def documented_fields(text: str, after: str) -> set[str]:
    """The backticked names in the sentence of text that starts with `after`."""
    start = text.index(after) + len(after)
    sentence = text[start : text.index(". ", start)]
    return set(re.findall(r"`([a-z_]+)`", sentence))


def test_the_docs_name_the_fields_of_a_request_log_line(
    running: Running, json_log: Callable[[], list[dict[str, Any]]]
) -> None:
    exchange(running.address, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    line = next(line for line in json_log() if line["message"] == "request")
    fields = set(line) - {"time", "level", "logger", "message"}
    assert documented_fields(RUNBOOK, "for each request on the public port,") == fields
    assert documented_fields(README, "each request's line has") <= fields
