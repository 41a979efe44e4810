"""`make local` and scripts/send_test_webhook.py: the tools a developer uses first must work."""

from __future__ import annotations

import json
import threading
import urllib.request
from http.server import ThreadingHTTPServer

import pytest

import local_env
import local_server
import send_test_webhook
import signatures


def test_script_and_local_environment_share_the_local_secret():
    assert send_test_webhook.LOCAL_SECRET == local_env.LOCAL_SECRET


@pytest.mark.parametrize("scheme", signatures.SCHEMES)
def test_script_builds_deliveries_the_verifier_accepts(scheme):
    body, headers = send_test_webhook.build(scheme, "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ=", "evt_x", 1700000000, "a.b")
    delivery = signatures.verify(scheme, headers, body, ["whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ="], now=1700000000)
    assert delivery.delivery_id == "evt_x"
    assert delivery.event_type == "a.b"


@pytest.fixture
def server(env):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), local_server.make_handler(env))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def get(url: str):
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - local test server
        return json.loads(response.read())


def test_local_server_accepts_a_signed_delivery_twice_and_stores_it_once(env, server, capsys):
    code = send_test_webhook.main([f"{server}/webhooks", "--scheme", env.scheme, "--id", "evt_local", "--repeat", "2"])
    assert code == 0
    assert capsys.readouterr().out.count(": 202 ") == 2
    env.drain()
    stored = get(f"{server}/events")
    assert [item["delivery_id"] for item in stored] == ["evt_local"]
    assert get(f"{server}/queues") == {"queue": 0, "dlq": 0}


def test_local_server_refuses_a_wrong_secret(env, server):
    code = send_test_webhook.main(
        [f"{server}/webhooks", "--scheme", env.scheme, "--secret", "whsec_d3Jvbmctd3Jvbmctd3Jvbmc="]
    )
    assert code == 1
    env.drain()
    assert get(f"{server}/events") == []
