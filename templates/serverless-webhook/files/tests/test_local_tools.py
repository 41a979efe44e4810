"""`make local` and scripts/send_test_webhook.py: the tools a developer uses first must work."""

from __future__ import annotations

import http.client
import json
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import moto.sqs.models
import pytest
from conftest import NOW, make_delivery

import local_env
import local_server
import processor
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
    """The `make local` server on a free port, with moto calls serialised as main() does."""
    with local_env.serialised_aws_calls():
        httpd = local_server.make_server(env, "127.0.0.1", 0)
        # shutdown() waits for the loop's next poll: every 0.05 s instead of the default 0.5 s.
        thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
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


def _refusals(caplog) -> list[dict]:
    """The "delivery refused" lines as the function's JSON formatter writes them, appended keys included."""
    import ingest

    formatter = ingest.logger.registered_formatter
    lines = [json.loads(formatter.format(r)) for r in caplog.records if r.getMessage() == "delivery refused"]
    caplog.clear()
    return lines


def test_each_local_request_logs_only_its_own_delivery_id(env, caplog):
    headers, body = make_delivery(env.scheme, "evt_first")
    assert env.post(headers, body, now=NOW)["statusCode"] == 202
    caplog.clear()
    # An unsigned request has no delivery id: its refusal must not name the one before it.
    assert env.post({"content-type": "application/json"}, b"{}", now=NOW)["statusCode"] in (400, 401)
    refused = _refusals(caplog)
    assert refused, "the refusal was not logged"
    assert all("delivery_id" not in line for line in refused), refused
    # A signed body that is not a JSON object is refused under its own id (a Stripe id is read from the body, so
    # such a body has none).
    headers = signatures.sign_headers(env.scheme, env.secret, b"[1, 2]", "evt_second", NOW)
    assert env.post(headers, b"[1, 2]", now=NOW)["statusCode"] == 400
    expected = None if env.scheme == "stripe" else "evt_second"
    assert [line.get("delivery_id") for line in _refusals(caplog)] == [expected]


def test_local_server_refuses_a_wrong_secret(env, server):
    code = send_test_webhook.main(
        [f"{server}/webhooks", "--scheme", env.scheme, "--secret", "whsec_d3Jvbmctd3Jvbmctd3Jvbmc="]
    )
    assert code == 1
    env.drain()
    assert get(f"{server}/events") == []


def post_raw(base: str, headers: list[tuple[str, str]], body: bytes, timeout: float = 30) -> tuple[int, dict]:
    """POST with the header lines exactly as given, repeats included (urllib would merge them)."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        connection.putrequest("POST", "/webhooks")
        for name, value in headers:
            connection.putheader(name, value)
        connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        connection.close()


def test_a_burst_of_50_concurrent_deliveries_is_answered_and_stored_once_each(env, server):
    assert local_server.LocalServer.request_queue_size >= 128
    ids = [f"evt_burst_{n:02d}" for n in range(50)]
    requests = [make_delivery(env.scheme, delivery_id, now=int(time.time())) for delivery_id in ids]
    start = threading.Barrier(len(requests))

    def send(request):
        headers, body = request
        start.wait()  # every client connects at the same moment
        return post_raw(server, list(headers.items()), body)

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        # A reset connection raises here (ConnectionResetError) and fails the test.
        answers = list(pool.map(send, requests))
    assert [status for status, _ in answers] == [202] * len(ids)
    env.drain()
    assert sorted(item["delivery_id"] for item in get(f"{server}/events")) == ids


def test_a_slow_request_does_not_hold_up_the_others(env, server, monkeypatch):
    """No lock around the whole request: one stuck in the ingest code leaves the server answering."""
    inside, release = threading.Event(), threading.Event()
    real_verify = signatures.verify

    def slow_verify(scheme, headers, *args, **kwargs):
        if headers.get("x-slow") == "1":
            inside.set()
            release.wait(10)
        return real_verify(scheme, headers, *args, **kwargs)

    monkeypatch.setattr(signatures, "verify", slow_verify)
    headers, body = make_delivery(env.scheme, "evt_slow", now=int(time.time()))
    slow = threading.Thread(target=post_raw, args=(server, [*headers.items(), ("X-Slow", "1")], body), daemon=True)
    slow.start()
    assert inside.wait(5)
    try:
        headers, body = make_delivery(env.scheme, "evt_fast", now=int(time.time()))
        # Well before the stuck request is released (after 10 s): no lock is held across it.
        assert post_raw(server, list(headers.items()), body, timeout=5)[0] == 202
    finally:
        release.set()
        slow.join(10)


def test_repeated_headers_reach_the_function_joined_with_commas(env, server, monkeypatch):
    seen = {}
    real_verify = signatures.verify

    def spy(scheme, headers, *args, **kwargs):
        seen.update(headers)
        return real_verify(scheme, headers, *args, **kwargs)

    monkeypatch.setattr(signatures, "verify", spy)
    headers, body = make_delivery(env.scheme, "evt_dup_headers", now=int(time.time()))
    lines = [*headers.items(), ("X-Forwarded-For", "203.0.113.1"), ("x-forwarded-for", "198.51.100.7")]
    assert post_raw(server, lines, body)[0] == 202
    # API Gateway HTTP API payload 2.0: lowercased names, one value per name, repeats comma-joined in order.
    assert seen["x-forwarded-for"] == "203.0.113.1,198.51.100.7"
    assert all(name == name.lower() for name in seen)


def test_header_joining_matches_the_http_api_event_shape():
    headers, cookies = local_env.api_gateway_headers(
        [("Accept", "a"), ("ACCEPT", "b"), ("Cookie", "s=1; t=2"), ("Content-Type", "application/json")]
    )
    assert headers == {"accept": "a,b", "content-type": "application/json"}
    assert cookies == ["s=1", "t=2"]


def failing(times: dict, delivery_id: str):
    """apply_business_rules that fails `times[delivery_id]` times for that delivery, counting receives."""
    real_rules = processor.apply_business_rules
    receives = {"count": 0}

    def rules(delivery: dict) -> dict:
        if delivery["delivery_id"] == delivery_id:
            receives["count"] += 1
            if receives["count"] <= times[delivery_id]:
                raise RuntimeError("downstream hiccup")
        return real_rules(delivery)

    return rules, receives


def test_the_local_visibility_timeout_is_the_stacks_scaled_down(env):
    assert env.visibility_timeout == 180  # template.yaml Queue.VisibilityTimeout
    assert env.scaled_visibility_timeout() == 3  # `make local`: / 60
    assert env.scaled_visibility_timeout(1000) == 1  # SQS counts whole seconds


class FakeClock:
    """A clock moved by hand, so a visibility timeout runs out without waiting for it.

    Each read also moves it on by a microsecond, as a real clock has moved by the next call: moto counts a record
    visible only once the clock is strictly past the time its visibility timeout ends.
    """

    TICK = 1e-6

    def __init__(self, start: float):
        self.now = start

    def __call__(self) -> float:
        self.now += self.TICK
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def sqs_clock(env, monkeypatch):
    """The clock moto's SQS reads for visibility timeouts and send times (the real one would make a test wait)."""
    clock = FakeClock(time.time())
    # moto imports these two by name; if a moto release stops doing so, setattr fails here, not silently later.
    monkeypatch.setattr(moto.sqs.models, "unix_time", lambda dt=None: clock())
    monkeypatch.setattr(moto.sqs.models, "unix_time_millis", lambda dt=None: clock() * 1000.0)
    return clock


def test_moto_times_visibility_on_the_fake_clock(env, deliver, sqs_clock):
    """A record comes back when sqs_clock, not real time, passes its visibility timeout: the tests below rely
    on moto's own timer following the clock they move."""
    assert deliver("evt_timer")["statusCode"] == 202
    assert len(env.sqs.receive_message(QueueUrl=env.urls["Queue"], VisibilityTimeout=1)["Messages"]) == 1
    assert env.sqs.receive_message(QueueUrl=env.urls["Queue"]).get("Messages", []) == []
    sqs_clock.advance(1.01)  # about a millisecond of real time has passed
    assert len(env.sqs.receive_message(QueueUrl=env.urls["Queue"])["Messages"]) == 1


def test_a_record_that_fails_once_reappears_after_the_visibility_timeout_and_is_applied(
    env, deliver, monkeypatch, sqs_clock
):
    rules, receives = failing({"evt_flaky": 1}, "evt_flaky")
    monkeypatch.setattr(processor, "apply_business_rules", rules)
    env.clock = sqs_clock  # one clock for SQS and the local consumer, as real time is
    assert deliver("evt_flaky")["statusCode"] == 202
    timeout = env.scaled_visibility_timeout()  # `make local`'s 3 s
    assert env.pump_once(visibility_timeout=timeout) == {"received": 1, "failed": 1}
    # Still in flight: not received again before the timeout runs out, even just before it does.
    assert env.pump_once(visibility_timeout=timeout)["received"] == 0
    sqs_clock.advance(timeout - 0.1)
    assert env.pump_once(visibility_timeout=timeout)["received"] == 0
    assert env.depth("Queue") == 1
    sqs_clock.advance(0.3)
    assert env.pump_once(visibility_timeout=timeout) == {"received": 1, "failed": 0}
    assert receives["count"] == 2
    assert [item["delivery_id"] for item in env.stored()] == ["evt_flaky"]
    assert env.depth("Queue") == 0
    assert env.depth("DeadLetterQueue") == 0


def test_a_record_received_again_before_its_release_keeps_its_new_visibility_timeout(
    env, deliver, monkeypatch, sqs_clock
):
    """moto's own timer can hand a failed record out again just before the local release of that receive
    is due; releasing the earlier receive must not cut the new receive's visibility timeout short."""
    rules, receives = failing({"evt_raced": 10**6}, "evt_raced")
    monkeypatch.setattr(processor, "apply_business_rules", rules)
    now = [1000.0]
    env.clock = lambda: now[0]
    assert deliver("evt_raced")["statusCode"] == 202
    assert env.pump_once(visibility_timeout=1) == {"received": 1, "failed": 1}  # release due at 1001
    sqs_clock.advance(1.2)  # moto's own 1 s timer runs out while the local clock stands still
    now[0] = 1000.5
    assert env.pump_once(visibility_timeout=30) == {"received": 1, "failed": 1}  # release due at 1030.5
    now[0] = 1001.0  # the first receive's release time: it is stale and must release nothing
    assert env.pump_once(visibility_timeout=30)["received"] == 0
    assert env.depth("Queue") == 1
    now[0] = 1030.5
    assert env.pump_once(visibility_timeout=30) == {"received": 1, "failed": 1}
    assert receives["count"] == 3


def test_a_record_that_always_fails_reaches_the_dlq_after_max_receive_count(env, deliver, monkeypatch, sqs_clock):
    rules, receives = failing({"evt_doomed": 10**6}, "evt_doomed")
    monkeypatch.setattr(processor, "apply_business_rules", rules)
    env.clock = sqs_clock
    real_receive = env.sqs.receive_message
    windows = []  # (start, end) of each receive call that handed out the record, on the fake clock

    def timed_receive(**kwargs):
        start = sqs_clock()
        answer = real_receive(**kwargs)
        if answer.get("Messages"):
            windows.append((start, sqs_clock()))
        return answer

    def idle(seconds: float) -> None:
        """The consumer's wait between empty polls: the fake clock moves by it, no real time passes."""
        sqs_clock.advance(seconds)
        time.sleep(0)  # let the test's own thread run

    monkeypatch.setattr(env.sqs, "receive_message", timed_receive)
    assert deliver("evt_doomed")["statusCode"] == 202
    timeout = env.scaled_visibility_timeout(180)  # 1 s
    consumer = local_server.start_consumer(env, timeout, interval=0.05, idle=idle)
    try:
        deadline = time.monotonic() + 60  # real time: only a stuck consumer gets near it
        while env.depth("DeadLetterQueue") == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        consumer.stop()
    assert env.depth("DeadLetterQueue") == 1
    assert env.depth("Queue") == 0
    assert receives["count"] == env.max_receive_count  # the stack's redrive policy: maxReceiveCount 5
    assert len(windows) == env.max_receive_count
    # Each receive came a visibility timeout after the one before: the consumer polls every 0.05 s,
    # so without the timeout they would follow each other at once.
    waits = [
        later_end - earlier_start for (earlier_start, _), (_, later_end) in zip(windows, windows[1:], strict=False)
    ]
    assert min(waits) >= timeout, waits
    assert max(waits) < timeout + 0.5, waits  # ... and soon after it: the record was not left stuck
    assert env.stored() == []


def test_the_local_path_prints_the_emf_lines_lambda_does(env, deliver, capsys):
    """`make local` prints each invocation's metrics as the deployed handler's log_metrics does."""
    local_server.offline_environment()
    assert deliver("evt_emf")["statusCode"] == 202
    documents = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith('{"_aws"')]
    accepted = [d for d in documents if "DeliveryAccepted" in d]
    assert len(accepted) == 1
    assert accepted[0]["service"] == "ingest"


def test_the_local_throttle_is_the_http_apis_route_settings(env):
    bucket = local_server.api_throttle(env)
    assert bucket.rate == env.parameters["ApiThrottleRateLimit"]["Default"]
    assert bucket.burst == env.parameters["ApiThrottleBurstLimit"]["Default"]


@pytest.mark.parametrize("throttled", [True, False])
def test_an_empty_bucket_answers_429_as_the_api_does(env, throttled):
    bucket = local_server.TokenBucket(0.001, 2) if throttled else None
    with local_env.serialised_aws_calls():
        httpd = local_server.make_server(env, "127.0.0.1", 0, bucket)
        thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
        try:
            base = f"http://127.0.0.1:{httpd.server_address[1]}"
            answers = []
            for n in range(3):
                headers, body = make_delivery(env.scheme, f"evt_throttle_{n}", now=int(time.time()))
                answers.append(post_raw(base, list(headers.items()), body))
        finally:
            httpd.shutdown()
            httpd.server_close()
    statuses = [status for status, _ in answers]
    if throttled:
        assert statuses == [202, 202, 429]
        assert answers[2][1] == {"message": "Too Many Requests"}
    else:
        assert statuses == [202, 202, 202]
    assert [status for _, status in httpd.answers] == statuses
