"""Shared fixtures: a fresh mocked AWS account per test, built from template.yaml."""

from __future__ import annotations

import functools
import json
import os

import pytest

# Never reach a real account, whatever the developer's shell exports.
os.environ["AWS_ACCESS_KEY_ID"] = "testing"
os.environ["AWS_SECRET_ACCESS_KEY"] = "testing"  # noqa: S105
os.environ["AWS_SESSION_TOKEN"] = "testing"  # noqa: S105
os.environ["AWS_DEFAULT_REGION"] = "us-east-1"
os.environ.pop("AWS_PROFILE", None)
os.environ["POWERTOOLS_TRACE_DISABLED"] = "true"
os.environ["POWERTOOLS_METRICS_NAMESPACE"] = "tests"
os.environ["POWERTOOLS_SERVICE_NAME"] = "tests"

import botocore.session  # noqa: E402
from moto import mock_aws  # noqa: E402

# Every botocore session the tests open (boto3's clients, the ones Powertools opens for itself) shares one loader,
# so each service model is parsed once per run instead of once per session: that parsing was most of the tests'
# CPU time. A loader holds only the read-only models; moto's backends, reset by mock_aws, hold the AWS state.
botocore.session.create_loader = functools.cache(botocore.session.create_loader)

# A skipped or xfailed test fails the run (see tests/no_skips.py).
from no_skips import (  # noqa: E402, F401
    pytest_collectreport,
    pytest_runtest_logreport,
    pytest_sessionfinish,
    pytest_terminal_summary,
)

import ingest  # noqa: E402
import local_env  # noqa: E402
import processor  # noqa: E402
import signatures  # noqa: E402

NOW = 1_700_000_000


@pytest.fixture
def aws():
    with mock_aws():
        ingest.reset_clients()
        processor.reset_clients()
        yield
    ingest.reset_clients()
    processor.reset_clients()


@pytest.fixture
def env(aws):
    """The deployed data plane (queues, tables, secret) in moto, with handler settings exported."""
    saved = dict(os.environ)
    stack = local_env.LocalEnv()
    stack.create()
    yield stack
    os.environ.clear()
    os.environ.update(saved)


def make_delivery(
    scheme: str,
    delivery_id: str,
    secret: str = local_env.LOCAL_SECRET,
    now: int = NOW,
    document: dict | None = None,
    event_type: str = "invoice.paid",
) -> tuple[dict, bytes]:
    """A request exactly as the scheme's sender would build it."""
    document = dict(document or {"type": event_type, "data": {"amount": 4200}})
    # Each event's body is its own (Stripe's carries the delivery id; GitHub signs only the body).
    document.setdefault("id", delivery_id)
    body = json.dumps(document).encode()
    return signatures.sign_headers(scheme, secret, body, delivery_id, now, event_type), body


@pytest.fixture
def deliver(env):
    """deliver(delivery_id, ...) -> ingest response, signed with the deployed scheme and local secret."""

    def _deliver(delivery_id: str, **kwargs) -> dict:
        headers, body = make_delivery(env.scheme, delivery_id, **kwargs)
        return env.post(headers, body, now=kwargs.get("now", NOW))

    return _deliver
