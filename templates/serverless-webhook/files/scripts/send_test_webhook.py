#!/usr/bin/env python3
"""Send one signed test delivery to a webhook URL and print the answer.

  send_test_webhook.py URL --scheme standard-webhooks --secret whsec_...
  send_test_webhook.py URL --secret-arn arn:aws:secretsmanager:...   # read it from Secrets Manager
  send_test_webhook.py URL --repeat 2                                # same delivery twice: stored once

The body, id and timestamp are printed so a run can be reproduced. Exit status
is 0 when every answer is 2xx.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import signatures  # noqa: E402

LOCAL_SECRET = "whsec_bG9jYWwtZGV2ZWxvcG1lbnQtc2VjcmV0LTMyYnl0ZXM="  # noqa: S105 - the public local-only secret


def build(scheme: str, secret: str, delivery_id: str, timestamp: int, event_type: str) -> tuple[bytes, dict]:
    document = {"type": event_type, "timestamp": timestamp, "data": {"message": "hello from send_test_webhook"}}
    if scheme == "stripe":
        document = {"id": delivery_id, "object": "event", "type": event_type, "data": {"object": {"id": "obj_test"}}}
    body = json.dumps(document, separators=(",", ":"), sort_keys=True).encode()
    return body, signatures.sign_headers(scheme, secret, body, delivery_id, timestamp, event_type)


def post(url: str, body: bytes, headers: dict, timeout: float = 10.0) -> tuple[int, str]:
    if not url.startswith(("http://", "https://")):
        raise SystemExit(f"not an http(s) URL: {url}")
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - scheme checked
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - scheme checked
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url", help="e.g. the stack's WebhookUrl output or http://127.0.0.1:3000/webhooks")
    parser.add_argument("--scheme", choices=signatures.SCHEMES, default="standard-webhooks")
    parser.add_argument("--secret", help=f"signing secret (default: the local one, {LOCAL_SECRET})")
    parser.add_argument("--secret-arn", help="read the secret from Secrets Manager instead (first entry)")
    parser.add_argument("--id", default=None, help="delivery id (default: a new one)")
    parser.add_argument("--type", default="test.event", help="event type")
    parser.add_argument("--repeat", type=int, default=1, help="send the identical delivery this many times")
    args = parser.parse_args(argv)

    secret = args.secret or LOCAL_SECRET
    if args.secret_arn:
        import boto3

        value = boto3.client("secretsmanager").get_secret_value(SecretId=args.secret_arn)["SecretString"]
        secret = signatures.parse_secrets(value)[0]
    prefix = "evt_" if args.scheme == "stripe" else "msg_"
    delivery_id = args.id or prefix + uuid.uuid4().hex
    timestamp = int(time.time())
    body, headers = build(args.scheme, secret, delivery_id, timestamp, args.type)
    print(f"delivery {delivery_id} at {timestamp}: {body.decode()}")
    ok = True
    for attempt in range(1, args.repeat + 1):
        status, text = post(args.url, body, headers)
        print(f"attempt {attempt}: {status} {text}")
        ok = ok and 200 <= status < 300
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
