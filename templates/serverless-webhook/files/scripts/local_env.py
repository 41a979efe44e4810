"""The stack's data plane, rebuilt in moto from template.yaml, and a driver that
feeds the handlers the way API Gateway and the SQS event source mapping do.

Used by the end-to-end tests and by scripts/local_server.py (`make local`).
Queue settings (visibility timeout, maxReceiveCount, FIFO) and function
environment are read from template.yaml, so the local run and the tests
exercise what gets deployed, not a copy of it.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import functools
import json
import os
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import boto3
import botocore.client
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import signatures  # noqa: E402

# HTTP APIs pass these content types to Lambda as text and base64-encode every other one
# (form-encoded, multipart, octet-stream, none at all), with isBase64Encoded set.
TEXT_CONTENT_TYPES = ("application/json", "application/xml", "application/javascript")

LOCAL_SECRET = "whsec_" + base64.b64encode(b"local-development-secret-32bytes").decode()

# `make local` runs the stack's timings this many times faster: the queue's 180 s visibility timeout becomes 3 s.
DEFAULT_TIME_SCALE = 60

_AWS_CALL_LOCK = threading.RLock()


@contextlib.contextmanager
def serialised_aws_calls() -> Iterator[None]:
    """Let one AWS API call at a time reach moto, whose in-memory backends are not thread-safe.

    Only the call itself is held: reading the request, checking the signature and running
    the handlers' own code stay concurrent, as they are across Lambda instances.
    """
    original = botocore.client.BaseClient._make_api_call

    def locked(self, operation_name, api_params):
        with _AWS_CALL_LOCK:
            return original(self, operation_name, api_params)

    botocore.client.BaseClient._make_api_call = locked
    try:
        yield
    finally:
        botocore.client.BaseClient._make_api_call = original


def api_gateway_headers(pairs: dict | Iterable[tuple[str, str]]) -> tuple[dict, list[str]]:
    """Headers as an HTTP API hands them to Lambda (payload 2.0): names lowercased, the values
    of a repeated header joined with commas in arrival order, Cookie headers split into `cookies`.
    """
    items = pairs.items() if isinstance(pairs, dict) else pairs
    headers: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in items:
        key = name.lower()
        if key == "cookie":
            cookies.extend(part.strip() for part in value.split(";") if part.strip())
        elif key in headers:
            headers[key] = f"{headers[key]},{value}"
        else:
            headers[key] = value
    return headers, cookies


class _CfnLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """YAML loader that keeps CloudFormation short-form tags as {"Fn::X": value} (libyaml's safe loader when
    PyYAML has it: the same documents, parsed several times faster)."""


def _cfn_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node):
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {name: value}


_CfnLoader.add_multi_constructor("!", _cfn_tag)


def load_template(path: Path | str = ROOT / "template.yaml") -> dict:
    """The template at `path` as plain data: a fresh copy, which the caller may change."""
    status = os.stat(path)
    return copy.deepcopy(_parsed(str(Path(path).resolve()), status.st_mtime_ns, status.st_size))


@functools.lru_cache(maxsize=8)
def _parsed(path: str, mtime_ns: int, size: int) -> dict:
    """Parsing takes ten times as long as copying, and the tests load template.yaml for every mocked stack; a
    changed file has another modification time or size, so it is parsed again."""
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_CfnLoader)  # noqa: S506 - SafeLoader subclass


def _plain(value, parameters: dict):
    """Resolve the few intrinsic forms a local run needs: a literal or a !Ref to a parameter."""
    if isinstance(value, dict) and "Ref" in value and value["Ref"] in parameters:
        return parameters[value["Ref"]].get("Default")
    return value


class FakeContext:
    """Enough of the Lambda context object for Powertools."""

    def __init__(self, name: str, timeout_s: int):
        self.function_name = name
        self.function_version = "$LATEST"
        self.memory_limit_in_mb = 256
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{name}"
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{name}"
        self.log_stream_name = "local"
        self._timeout_ms = timeout_s * 1000

    def get_remaining_time_in_millis(self) -> int:
        return self._timeout_ms


@dataclass
class LocalEnv:
    """Create the queues, tables and secret in the current (mocked) AWS account."""

    template_path: Path = ROOT / "template.yaml"
    secret: str = LOCAL_SECRET
    stack: str = "local"
    urls: dict = field(default_factory=dict)
    template: dict = field(default_factory=dict)
    # The clock visibility timeouts are measured on; a test can pass one it moves by hand.
    clock: Callable[[], float] = time.monotonic

    def __post_init__(self):
        self.template = load_template(self.template_path)
        self.resources = self.template["Resources"]
        self.parameters = self.template.get("Parameters", {})
        self.sqs = boto3.client("sqs")
        self.dynamodb = boto3.client("dynamodb")
        self.secrets = boto3.client("secretsmanager")
        self.s3 = boto3.client("s3")
        # message id -> (when, receipt handle) of failed records whose visibility timeout is running,
        # oldest receive first. One entry per message: a receive replaces the one before, because
        # moto still honours a message's earlier receipt handles, so releasing by one would free the new receive early.
        self._in_flight: dict[str, tuple[float, str]] = {}

    # --- resources -----------------------------------------------------------

    def _queue_name(self, logical_id: str) -> str:
        name = self.resources[logical_id]["Properties"]["QueueName"]["Fn::Sub"]
        return name.replace("${AWS::StackName}", self.stack)

    def _queue_attributes(self, props: dict) -> dict:
        attributes = {}
        for key in ("VisibilityTimeout", "MessageRetentionPeriod", "FifoQueue", "ContentBasedDeduplication"):
            if key in props:
                value = props[key]
                attributes[key] = str(value).lower() if isinstance(value, bool) else str(value)
        return attributes

    def create(self) -> dict:
        dlq_props = self.resources["DeadLetterQueue"]["Properties"]
        dlq_url = self.sqs.create_queue(
            QueueName=self._queue_name("DeadLetterQueue"), Attributes=self._queue_attributes(dlq_props)
        )["QueueUrl"]
        dlq_arn = self.sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        queue_props = self.resources["Queue"]["Properties"]
        attributes = self._queue_attributes(queue_props)
        redrive = queue_props["RedrivePolicy"]
        attributes["RedrivePolicy"] = json.dumps(
            {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": int(redrive["maxReceiveCount"])}
        )
        queue_url = self.sqs.create_queue(QueueName=self._queue_name("Queue"), Attributes=attributes)["QueueUrl"]
        queue_arn = self.sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        for logical_id in ("EventsTable", "StateTable", "IdempotencyTable"):
            props = self.resources[logical_id]["Properties"]
            name = props["TableName"]["Fn::Sub"].replace("${AWS::StackName}", self.stack)
            self.dynamodb.create_table(
                TableName=name,
                BillingMode="PAY_PER_REQUEST",
                AttributeDefinitions=props["AttributeDefinitions"],
                KeySchema=props["KeySchema"],
            )
            self.urls[logical_id] = name
        bucket = f"{self.stack}-payloads"
        self.s3.create_bucket(Bucket=bucket)
        self.urls["PayloadBucket"] = bucket
        secret_arn = self.secrets.create_secret(
            Name=f"{self.stack}/webhook-signing-secret", SecretString=signatures.secret_document(self.secret)
        )["ARN"]
        self.urls.update(
            Queue=queue_url, QueueArn=queue_arn, DeadLetterQueue=dlq_url, DeadLetterQueueArn=dlq_arn, Secret=secret_arn
        )
        self.apply_environment()
        return self.urls

    def function_environment(self, logical_id: str) -> dict:
        env = dict(self.template.get("Globals", {}).get("Function", {}).get("Environment", {}).get("Variables", {}))
        env.update(self.resources[logical_id]["Properties"].get("Environment", {}).get("Variables", {}))
        resolved = {
            "QUEUE_URL": self.urls["Queue"],
            "SIGNING_SECRET_ARN": self.urls["Secret"],
            "EVENTS_TABLE": self.urls["EventsTable"],
            "STATE_TABLE": self.urls["StateTable"],
            "IDEMPOTENCY_TABLE": self.urls["IdempotencyTable"],
            "PAYLOAD_BUCKET": self.urls["PayloadBucket"],
        }
        out = {}
        for key, value in env.items():
            if key in resolved:
                out[key] = resolved[key]
            elif isinstance(value, dict) and "Fn::If" in value:
                continue  # deploy-time options (the opt-in tracing layer) have no local meaning
            else:
                out[key] = str(_plain(value, self.parameters))
        return out

    def apply_environment(self) -> None:
        """Export both functions' settings; the handlers read them at call time."""
        for logical_id in ("IngestFunction", "ProcessorFunction"):
            env = self.function_environment(logical_id)
            env.pop("POWERTOOLS_SERVICE_NAME", None)
            os.environ.update(env)
        os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")

    @property
    def scheme(self) -> str:
        return self.function_environment("IngestFunction")["SIGNATURE_SCHEME"]

    @property
    def max_receive_count(self) -> int:
        return int(self.resources["Queue"]["Properties"]["RedrivePolicy"]["maxReceiveCount"])

    @property
    def visibility_timeout(self) -> int:
        """The queue's VisibilityTimeout in template.yaml, in seconds."""
        return int(self.resources["Queue"]["Properties"]["VisibilityTimeout"])

    def scaled_visibility_timeout(self, time_scale: float = DEFAULT_TIME_SCALE) -> int:
        """The visibility timeout a local consumer receives with: the stack's, divided by time_scale.

        SQS counts it in whole seconds, so it is never below 1.
        """
        return max(1, round(self.visibility_timeout / time_scale))

    @property
    def fifo(self) -> bool:
        return bool(self.resources["Queue"]["Properties"].get("FifoQueue", False))

    # --- driving the handlers --------------------------------------------------

    def post(self, headers: dict | Iterable[tuple[str, str]], body: bytes, now: int | None = None) -> dict:
        """Call the ingest handler with an HTTP API (payload 2.0) event, as API Gateway would.

        headers is a dict or the request's (name, value) pairs, repeats included.
        """
        import ingest

        lowered, cookies = api_gateway_headers(headers)
        content_type = lowered.get("content-type", "").split(";")[0].strip().lower()
        as_text = content_type.startswith("text/") or content_type in TEXT_CONTENT_TYPES
        try:
            text, encoded = (body.decode("utf-8"), False) if as_text else (base64.b64encode(body).decode(), True)
        except UnicodeDecodeError:
            text, encoded = base64.b64encode(body).decode(), True
        event = {
            "version": "2.0",
            "routeKey": "POST /webhooks",
            "rawPath": "/webhooks",
            "headers": lowered,
            **({"cookies": cookies} if cookies else {}),
            "body": text,
            "isBase64Encoded": encoded,
            "requestContext": {"http": {"method": "POST", "path": "/webhooks"}, "requestId": str(uuid.uuid4())},
        }

        # handle() inside the deployed handler's own decorators (clean log keys per invocation, metrics flushed
        # after it), with this call's clock.
        @ingest.logger.inject_lambda_context(clear_state=True)
        @ingest.metrics.log_metrics
        def invoke(event: dict, context: FakeContext) -> dict:
            return ingest.handle(event, now=now)

        return invoke(event, FakeContext(f"{self.stack}-ingest", 10))

    def _record(self, message: dict) -> dict:
        attributes = {
            name: {
                "stringValue": value.get("StringValue"),
                "binaryValue": None,
                "stringListValues": [],
                "binaryListValues": [],
                "dataType": value["DataType"],
            }
            for name, value in message.get("MessageAttributes", {}).items()
        }
        return {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"],
            "attributes": message.get("Attributes", {}),
            "messageAttributes": attributes,
            "md5OfBody": message["MD5OfBody"],
            "eventSource": "aws:sqs",
            "eventSourceARN": self.urls["QueueArn"],
            "awsRegion": os.environ.get("AWS_DEFAULT_REGION", "us-east-1"),
        }

    def pump_once(self, visibility_timeout: int = 0) -> dict:
        """One poll of the event source mapping: receive a batch, invoke, delete the successes.

        A failed record is left alone, as Lambda leaves it: it reappears when the
        visibility_timeout it was received with runs out, and SQS moves it to the
        DLQ once it has been received maxReceiveCount times. The default 0 makes it
        reappear on the next poll, so a test need not wait; `make local` passes
        scaled_visibility_timeout().
        """
        import processor

        self._release_expired()
        received_at = self.clock()
        messages = self.sqs.receive_message(
            QueueUrl=self.urls["Queue"],
            MaxNumberOfMessages=10,
            VisibilityTimeout=visibility_timeout,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            return {"received": 0, "failed": 0}
        event = {"Records": [self._record(m) for m in messages]}
        try:
            result = processor.handler(event, FakeContext(f"{self.stack}-processor", 30))
            failed = {item["itemIdentifier"] for item in result.get("batchItemFailures", [])}
        except Exception:  # noqa: BLE001 - an invocation error fails every record, as in Lambda
            failed = {m["MessageId"] for m in messages}
        for message in messages:
            # Received again (moto's own timeout can beat _release_expired): the old entry is stale.
            self._in_flight.pop(message["MessageId"], None)
            if message["MessageId"] in failed:
                self._in_flight[message["MessageId"]] = (received_at + visibility_timeout, message["ReceiptHandle"])
            else:
                self.sqs.delete_message(QueueUrl=self.urls["Queue"], ReceiptHandle=message["ReceiptHandle"])
        return {"received": len(messages), "failed": len(failed)}

    def _release_expired(self) -> None:
        """Make failed records whose visibility timeout ran out visible again, oldest first.

        SQS does this by itself. moto does too, but when several records of one FIFO
        message group time out together it hands out a later one first; releasing them
        explicitly, in the order they were received, keeps the group's order as SQS does.
        """
        now = self.clock()
        due = [(message_id, handle) for message_id, (when, handle) in self._in_flight.items() if when <= now]
        for message_id, handle in due:
            del self._in_flight[message_id]
            # A handle of a record already moved to the DLQ or deleted is refused; nothing to release.
            with contextlib.suppress(self.sqs.exceptions.ReceiptHandleIsInvalid):
                self.sqs.change_message_visibility(
                    QueueUrl=self.urls["Queue"], ReceiptHandle=handle, VisibilityTimeout=0
                )

    def drain(self, max_polls: int = 50) -> int:
        """Poll until the queue is empty (or max_polls). Returns the number of polls that found work."""
        busy = 0
        for _ in range(max_polls):
            if self.pump_once()["received"] == 0:
                break
            busy += 1
        return busy

    # --- inspection ------------------------------------------------------------

    def depth(self, logical_id: str) -> int:
        attributes = self.sqs.get_queue_attributes(
            QueueUrl=self.urls[logical_id],
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        return int(attributes["ApproximateNumberOfMessages"]) + int(attributes["ApproximateNumberOfMessagesNotVisible"])

    def stored(self) -> list[dict]:
        """The event records (not the guards that mark a GitHub body as applied)."""
        return [item for item in self._events() if not item["delivery_id"].startswith("body-sha256:")]

    def guards(self) -> list[dict]:
        return [item for item in self._events() if item["delivery_id"].startswith("body-sha256:")]

    def _events(self) -> list[dict]:
        items = self.dynamodb.scan(TableName=self.urls["EventsTable"])["Items"]
        return [{k: next(iter(v.values())) for k, v in item.items()} for item in items]

    def payload(self, item: dict) -> str:
        """The body an event record points to, read from the payload bucket."""
        response = self.s3.get_object(Bucket=self.urls["PayloadBucket"], Key=item["payload_key"])
        return response["Body"].read().decode("utf-8")
