"""GitHub redelivery job: GitHub never redelivers a failed delivery by itself, so this asks it to.

"GitHub does not automatically redeliver failed deliveries" (GitHub Docs, "Handling
failed webhook deliveries", checked 2026-12-01); a delivery can be redelivered
through the REST API for 3 days. Every RUN_EVERY minutes (EventBridge schedule in
template.yaml) this function:

1. lists the hook's deliveries (GET {hook}/deliveries, per_page=100, following the
   Link header) back to LOOKBACK_HOURS (under GitHub's 3-day window);
2. groups the attempts by `guid`, which equals X-GitHub-Delivery and stays the same
   across redeliveries, so it is also the processor's idempotency key;
3. asks for a redelivery (POST {hook}/deliveries/{id}/attempts) of each guid that has
   no 2xx attempt, whose newest attempt is older than RETRY_AFTER_MINUTES, and that
   has had fewer than MAX_ATTEMPTS attempts.

Idempotent: a guid that already succeeded, or was retried recently, is left alone,
and a redelivery the ingest function already applied is a no-op in the processor.
Rate-limited: at most MAX_REDELIVERIES_PER_RUN requests per run, and it stops while
GitHub's X-RateLimit-Remaining is at or below RATE_LIMIT_RESERVE.
The token (a fine-grained token with the repository's "Webhooks: read and write",
or admin:org_hook for an organisation hook) comes from Secrets Manager.
"""

from __future__ import annotations

import json
import os
import re
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime

API_VERSION = "2022-11-28"
_NEXT = re.compile(r'<([^>]+)>;\s*rel="next"')


@dataclass
class Settings:
    api_url: str
    hook_path: str  # e.g. repos/OWNER/REPO/hooks/123 or orgs/ORG/hooks/123
    token: str
    lookback_hours: int = 71
    retry_after_minutes: int = 30
    max_attempts: int = 5
    max_redeliveries_per_run: int = 50
    rate_limit_reserve: int = 100

    @classmethod
    def from_environment(cls, token: str) -> Settings:
        return cls(
            api_url=os.environ.get("GITHUB_API_URL", "https://api.github.com").rstrip("/"),
            hook_path=os.environ["GITHUB_HOOK_PATH"].strip("/"),
            token=token,
            lookback_hours=int(os.environ.get("LOOKBACK_HOURS", 71)),
            retry_after_minutes=int(os.environ.get("RETRY_AFTER_MINUTES", 30)),
            max_attempts=int(os.environ.get("MAX_ATTEMPTS", 5)),
            max_redeliveries_per_run=int(os.environ.get("MAX_REDELIVERIES_PER_RUN", 50)),
            rate_limit_reserve=int(os.environ.get("RATE_LIMIT_RESERVE", 100)),
        )


@dataclass
class Report:
    listed: int = 0
    redelivered: list[str] = field(default_factory=list)
    gave_up: list[str] = field(default_factory=list)
    stopped_by_rate_limit: bool = False


class GitHub:
    """The two calls the job needs, over urllib (no dependency)."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.remaining: int | None = None

    def _request(self, method: str, url: str) -> tuple[int, dict, bytes]:
        request = urllib.request.Request(  # noqa: S310 - the URL is the configured API, https in production
            url,
            method=method,
            headers={
                "Accept": "application/vnd.github+json",
                "Authorization": f"Bearer {self.settings.token}",
                "X-GitHub-Api-Version": API_VERSION,
                "User-Agent": "webhook-redelivery-job",
            },
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            headers = {k.lower(): v for k, v in response.headers.items()}
            if "x-ratelimit-remaining" in headers:
                self.remaining = int(headers["x-ratelimit-remaining"])
            return response.status, headers, response.read()

    def deliveries(self, since: float):
        url = f"{self.settings.api_url}/{self.settings.hook_path}/deliveries?per_page=100"
        while url:
            _, headers, body = self._request("GET", url)
            page = json.loads(body)
            yield from page
            # Newest first: once a page reaches past the window, older pages are not needed.
            if not page or _time(page[-1]["delivered_at"]) < since:
                return
            match = _NEXT.search(headers.get("link", ""))
            url = match.group(1) if match else ""

    def redeliver(self, delivery_id: int) -> int:
        url = f"{self.settings.api_url}/{self.settings.hook_path}/deliveries/{delivery_id}/attempts"
        status, _, _ = self._request("POST", url)
        return status


def _time(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def _ok(attempt: dict) -> bool:
    return 200 <= int(attempt.get("status_code") or 0) < 300


def run(settings: Settings, now: float | None = None, client: GitHub | None = None) -> Report:
    now = time.time() if now is None else now
    client = client or GitHub(settings)
    since = now - settings.lookback_hours * 3600
    attempts: dict[str, list[dict]] = {}
    report = Report()
    for item in client.deliveries(since):
        if _time(item["delivered_at"]) < since:
            continue
        report.listed += 1
        attempts.setdefault(item["guid"], []).append(item)
    for guid, tries in sorted(attempts.items(), key=lambda kv: min(_time(t["delivered_at"]) for t in kv[1])):
        if any(_ok(t) for t in tries):
            continue
        newest = max(tries, key=lambda t: _time(t["delivered_at"]))
        if now - _time(newest["delivered_at"]) < settings.retry_after_minutes * 60:
            continue
        if len(tries) >= settings.max_attempts:
            report.gave_up.append(guid)
            continue
        if len(report.redelivered) >= settings.max_redeliveries_per_run:
            break
        if client.remaining is not None and client.remaining <= settings.rate_limit_reserve:
            report.stopped_by_rate_limit = True
            break
        if client.redeliver(newest["id"]) == 202:
            report.redelivered.append(guid)
    return report


def handler(event: dict, context) -> dict:
    import boto3
    from aws_lambda_powertools import Logger, Metrics
    from aws_lambda_powertools.metrics import MetricUnit

    logger = Logger(service="redeliver")
    metrics = Metrics(service="redeliver")
    token = boto3.client("secretsmanager").get_secret_value(SecretId=os.environ["GITHUB_TOKEN_SECRET_ARN"])
    report = run(Settings.from_environment(token["SecretString"].strip()))
    metrics.add_metric(name="RedeliveryRequested", unit=MetricUnit.Count, value=len(report.redelivered))
    metrics.add_metric(name="RedeliveryGaveUp", unit=MetricUnit.Count, value=len(report.gave_up))
    for guid in report.gave_up:
        logger.error("delivery still failing after the last redelivery attempt", extra={"delivery_id": guid})
    metrics.flush_metrics()
    logger.info("redelivery run", extra={"listed": report.listed, "redelivered": report.redelivered})
    return {"listed": report.listed, "redelivered": len(report.redelivered), "gave_up": len(report.gave_up)}
