#!/usr/bin/env python3
"""Move dead-lettered deliveries back to the source queue, after the fix is deployed.

  replay_dlq.py start [--rate N] [--dry-run]   start an SQS message move task (DLQ -> queue)
  replay_dlq.py list                           recent move tasks of the DLQ and their progress
  replay_dlq.py cancel TASK_HANDLE             stop a running task (moved messages stay moved)
  replay_dlq.py start --manual                 receive/send/delete loop instead of the SQS task,
                                               for endpoints without StartMessageMoveTask (moto)

Replays are safe to repeat: the processor dedupes on the delivery id, so a
message that was in fact processed before it reached the DLQ is skipped.
Queue ARNs come from the stack outputs (--stack, default from samconfig.toml)
or from --dlq-arn / --queue-arn.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
import tomllib
from pathlib import Path

MAX_RATE = 500  # the SQS limit for MaxNumberOfMessagesPerSecond
ROOT = Path(__file__).resolve().parent.parent


def samconfig(key: str) -> str | None:
    """A value from samconfig.toml's [default.global.parameters] (stack_name, region)."""
    config = ROOT / "samconfig.toml"
    if not config.exists():
        return None
    with open(config, "rb") as handle:
        data = tomllib.load(handle)
    return data.get("default", {}).get("global", {}).get("parameters", {}).get(key)


def resolve_arns(cloudformation, stack: str) -> tuple[str, str]:
    outputs = cloudformation.describe_stacks(StackName=stack)["Stacks"][0].get("Outputs", [])
    values = {o["OutputKey"]: o["OutputValue"] for o in outputs}
    try:
        return values["DeadLetterQueueArn"], values["QueueArn"]
    except KeyError as exc:
        raise SystemExit(f"stack {stack} has no output {exc}; is it deployed from this template?") from exc


def queue_url(sqs, arn: str) -> str:
    _, _, _, _, account, name = arn.split(":", 5)
    return sqs.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)["QueueUrl"]


def dlq_depth(sqs, dlq_arn: str) -> int:
    attributes = sqs.get_queue_attributes(
        QueueUrl=queue_url(sqs, dlq_arn), AttributeNames=["ApproximateNumberOfMessages"]
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"])


def running_tasks(sqs, dlq_arn: str) -> list[dict]:
    tasks = sqs.list_message_move_tasks(SourceArn=dlq_arn, MaxResults=10).get("Results", [])
    return [t for t in tasks if t.get("Status") == "RUNNING"]


def check_rate(rate: int) -> int:
    if not 1 <= rate <= MAX_RATE:
        raise SystemExit(f"--rate must be between 1 and {MAX_RATE} messages per second")
    return rate


def start(sqs, dlq_arn: str, queue_arn: str, rate: int, dry_run: bool, out=None) -> str | None:
    """Start one move task. Returns its handle, or None for a dry run or an empty DLQ."""
    out = out or sys.stdout
    check_rate(rate)
    depth = dlq_depth(sqs, dlq_arn)
    request = {"SourceArn": dlq_arn, "DestinationArn": queue_arn, "MaxNumberOfMessagesPerSecond": rate}
    print(f"DLQ holds about {depth} message(s); at {rate}/s the move takes about {depth // rate + 1} s.", file=out)
    if dry_run:
        print(f"dry run: would call StartMessageMoveTask with {request}", file=out)
        return None
    if depth == 0:
        print("nothing to replay", file=out)
        return None
    running = running_tasks(sqs, dlq_arn)
    if running:
        handles = ", ".join(t["TaskHandle"] for t in running)
        raise SystemExit(f"a move task is already running ({handles}); SQS allows one per queue. Cancel it or wait.")
    handle = sqs.start_message_move_task(**request)["TaskHandle"]
    print(f"started move task {handle}", file=out)
    return handle


def list_tasks(sqs, dlq_arn: str, out=None) -> list[dict]:
    out = out or sys.stdout
    tasks = sqs.list_message_move_tasks(SourceArn=dlq_arn, MaxResults=10).get("Results", [])
    if not tasks:
        print("no move tasks for this DLQ", file=out)
    for task in tasks:
        print(
            f"{task.get('Status', '?'):10} moved {task.get('ApproximateNumberOfMessagesMoved', 0)}"
            f"/{task.get('ApproximateNumberOfMessagesToMove', '?')} "
            f"handle={task.get('TaskHandle', '-')} {task.get('FailureReason', '')}".rstrip(),
            file=out,
        )
    return tasks


def cancel(sqs, handle: str, out=None) -> int:
    out = out or sys.stdout
    moved = sqs.cancel_message_move_task(TaskHandle=handle).get("ApproximateNumberOfMessagesMoved", 0)
    print(f"cancelled {handle}; about {moved} message(s) had been moved", file=out)
    return moved


def manual_move(sqs, dlq_url: str, queue_url_: str, rate: int, limit: int | None = None, sleep=time.sleep) -> int:
    """Move messages one receive batch at a time, keeping body and attributes. Returns the count.

    Each message is sent before it is deleted: a crash in between duplicates it
    (the processor dedupes) rather than losing it.
    """
    check_rate(rate)
    fifo = queue_url_.endswith(".fifo")
    moved = 0
    while limit is None or moved < limit:
        batch = min(10, rate, (limit - moved) if limit is not None else 10)
        messages = sqs.receive_message(
            QueueUrl=dlq_url,
            MaxNumberOfMessages=batch,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
            VisibilityTimeout=60,
        ).get("Messages", [])
        if not messages:
            break
        for message in messages:
            request = {
                "QueueUrl": queue_url_,
                "MessageBody": message["Body"],
                "MessageAttributes": message.get("MessageAttributes", {}),
            }
            if fifo:
                attributes = message.get("Attributes", {})
                request["MessageGroupId"] = attributes.get("MessageGroupId", "replay")
                # A fresh id: the original one may still be inside SQS's 5-minute dedupe window.
                request["MessageDeduplicationId"] = hashlib.sha256(
                    (message["MessageId"] + "-replay").encode()
                ).hexdigest()
            sqs.send_message(**request)
            sqs.delete_message(QueueUrl=dlq_url, ReceiptHandle=message["ReceiptHandle"])
            moved += 1
        sleep(len(messages) / rate)
    return moved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stack", default=samconfig("stack_name"), help="stack name (default: samconfig.toml)")
    parser.add_argument("--region", default=samconfig("region"), help="AWS region (default: samconfig.toml)")
    parser.add_argument("--dlq-arn")
    parser.add_argument("--queue-arn")
    sub = parser.add_subparsers(dest="command", required=True)
    start_cmd = sub.add_parser("start", help="move DLQ messages back to the queue")
    start_cmd.add_argument("--rate", type=int, default=10, help=f"messages per second, 1..{MAX_RATE} (default 10)")
    start_cmd.add_argument("--dry-run", action="store_true", help="show what would happen, move nothing")
    start_cmd.add_argument("--manual", action="store_true", help="use a receive/send/delete loop")
    start_cmd.add_argument("--limit", type=int, help="with --manual: move at most this many")
    sub.add_parser("list", help="show recent move tasks")
    cancel_cmd = sub.add_parser("cancel", help="cancel a running move task")
    cancel_cmd.add_argument("handle")
    args = parser.parse_args(argv)

    import boto3

    sqs = boto3.client("sqs", region_name=args.region)
    dlq_arn, queue_arn = args.dlq_arn, args.queue_arn
    if not (dlq_arn and queue_arn):
        if not args.stack:
            parser.error("give --stack (or samconfig.toml), or both --dlq-arn and --queue-arn")
        dlq_arn, queue_arn = resolve_arns(boto3.client("cloudformation", region_name=args.region), args.stack)

    if args.command == "start":
        if args.manual:
            check_rate(args.rate)
            if args.dry_run:
                print(f"dry run: would move about {dlq_depth(sqs, dlq_arn)} message(s) by hand at {args.rate}/s")
                return 0
            count = manual_move(sqs, queue_url(sqs, dlq_arn), queue_url(sqs, queue_arn), args.rate, args.limit)
            print(f"moved {count} message(s)")
            return 0
        start(sqs, dlq_arn, queue_arn, args.rate, args.dry_run)
    elif args.command == "list":
        list_tasks(sqs, dlq_arn)
    elif args.command == "cancel":
        cancel(sqs, args.handle)
    return 0


if __name__ == "__main__":
    sys.exit(main())
