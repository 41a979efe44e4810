"""Fixtures shared by the service's tests: a running server and the JSON lines it logs."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from service.main import JsonFormatter, Settings

from .support import Running

# No drain window: the tests that need one set it, and every other test stops at once.
DEMO = Settings(service_name="demo", version="1.2.3", drain_seconds=0, token_file="")


@pytest.fixture
def running() -> Iterator[Running]:
    instance = Running(DEMO).start()
    yield instance
    instance.stop.set()
    instance.thread.join(timeout=10)


@pytest.fixture
def json_log() -> Iterator[Callable[[], list[dict[str, Any]]]]:
    """The service's log lines as the container writes them, formatted in the thread that logs them."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("service")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)

    def lines() -> list[dict[str, Any]]:
        # Every record must be exactly one line of JSON: json.loads fails on anything else.
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield lines
    logger.removeHandler(handler)
    logger.setLevel(level)
