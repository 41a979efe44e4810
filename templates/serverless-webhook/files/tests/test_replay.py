"""The DLQ replay tool against a fake SQS client (moto has no StartMessageMoveTask)."""

from __future__ import annotations

import io

import pytest

import replay_dlq

DLQ_ARN = "arn:aws:sqs:us-east-1:123456789012:app-webhooks-dlq"
QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:app-webhooks"


class FakeSqs:
    def __init__(self, depth: int = 3, tasks: list[dict] | None = None):
        self.depth = depth
        self.tasks = tasks or []
        self.calls: list[tuple[str, dict]] = []

    def get_queue_url(self, **kwargs):
        self.calls.append(("get_queue_url", kwargs))
        return {"QueueUrl": f"https://sqs.example/{kwargs['QueueOwnerAWSAccountId']}/{kwargs['QueueName']}"}

    def get_queue_attributes(self, **kwargs):
        return {"Attributes": {"ApproximateNumberOfMessages": str(self.depth)}}

    def list_message_move_tasks(self, **kwargs):
        self.calls.append(("list_message_move_tasks", kwargs))
        return {"Results": self.tasks}

    def start_message_move_task(self, **kwargs):
        self.calls.append(("start_message_move_task", kwargs))
        return {"TaskHandle": "task-1"}

    def cancel_message_move_task(self, **kwargs):
        self.calls.append(("cancel_message_move_task", kwargs))
        return {"ApproximateNumberOfMessagesMoved": 2}

    def called(self, name: str) -> list[dict]:
        return [kwargs for call, kwargs in self.calls if call == name]


def test_start_moves_dlq_to_queue_at_the_given_rate():
    sqs = FakeSqs()
    handle = replay_dlq.start(sqs, DLQ_ARN, QUEUE_ARN, rate=25, dry_run=False, out=io.StringIO())
    assert handle == "task-1"
    assert sqs.called("start_message_move_task") == [
        {"SourceArn": DLQ_ARN, "DestinationArn": QUEUE_ARN, "MaxNumberOfMessagesPerSecond": 25}
    ]


def test_dry_run_moves_nothing():
    sqs = FakeSqs()
    out = io.StringIO()
    assert replay_dlq.start(sqs, DLQ_ARN, QUEUE_ARN, rate=10, dry_run=True, out=out) is None
    assert sqs.called("start_message_move_task") == []
    assert "dry run" in out.getvalue()
    assert "3 message(s)" in out.getvalue()


def test_empty_dlq_starts_nothing():
    sqs = FakeSqs(depth=0)
    assert replay_dlq.start(sqs, DLQ_ARN, QUEUE_ARN, rate=10, dry_run=False, out=io.StringIO()) is None
    assert sqs.called("start_message_move_task") == []


def test_refuses_a_second_task_while_one_runs():
    sqs = FakeSqs(tasks=[{"Status": "RUNNING", "TaskHandle": "task-0"}])
    with pytest.raises(SystemExit, match="task-0"):
        replay_dlq.start(sqs, DLQ_ARN, QUEUE_ARN, rate=10, dry_run=False, out=io.StringIO())
    assert sqs.called("start_message_move_task") == []


@pytest.mark.parametrize("rate", [0, 501, -1])
def test_rate_outside_the_sqs_limit_is_refused(rate):
    with pytest.raises(SystemExit, match="--rate"):
        replay_dlq.start(FakeSqs(), DLQ_ARN, QUEUE_ARN, rate=rate, dry_run=False, out=io.StringIO())


def test_list_prints_progress():
    sqs = FakeSqs(
        tasks=[
            {
                "Status": "RUNNING",
                "TaskHandle": "task-1",
                "ApproximateNumberOfMessagesMoved": 2,
                "ApproximateNumberOfMessagesToMove": 5,
            }
        ]
    )
    out = io.StringIO()
    replay_dlq.list_tasks(sqs, DLQ_ARN, out=out)
    assert "moved 2/5" in out.getvalue()
    assert sqs.called("list_message_move_tasks") == [{"SourceArn": DLQ_ARN, "MaxResults": 10}]


def test_cancel_passes_the_handle():
    sqs = FakeSqs()
    assert replay_dlq.cancel(sqs, "task-9", out=io.StringIO()) == 2
    assert sqs.called("cancel_message_move_task") == [{"TaskHandle": "task-9"}]


def test_arns_come_from_stack_outputs():
    class FakeCfn:
        def describe_stacks(self, StackName):  # noqa: N803 - boto3 naming
            assert StackName == "app"
            return {
                "Stacks": [
                    {
                        "Outputs": [
                            {"OutputKey": "DeadLetterQueueArn", "OutputValue": DLQ_ARN},
                            {"OutputKey": "QueueArn", "OutputValue": QUEUE_ARN},
                        ]
                    }
                ]
            }

    assert replay_dlq.resolve_arns(FakeCfn(), "app") == (DLQ_ARN, QUEUE_ARN)


def test_manual_move_is_rate_limited_and_sends_before_deleting():
    class Loop:
        def __init__(self):
            self.pending = [
                {"MessageId": f"m{i}", "ReceiptHandle": f"r{i}", "Body": f"b{i}", "MessageAttributes": {}}
                for i in range(5)
            ]
            self.log: list[str] = []

        def receive_message(self, **kwargs):
            batch, self.pending = (
                self.pending[: kwargs["MaxNumberOfMessages"]],
                self.pending[kwargs["MaxNumberOfMessages"] :],
            )
            return {"Messages": batch}

        def send_message(self, **kwargs):
            self.log.append("send " + kwargs["MessageBody"])

        def delete_message(self, **kwargs):
            self.log.append("delete " + kwargs["ReceiptHandle"])

    sqs = Loop()
    pauses: list[float] = []
    moved = replay_dlq.manual_move(sqs, "dlq", "queue", rate=2, sleep=pauses.append)
    assert moved == 5
    assert sqs.log[:2] == ["send b0", "delete r0"]
    assert sum(pauses) == pytest.approx(2.5)  # 5 messages at 2 per second


def test_stack_and_region_default_to_samconfig():
    assert replay_dlq.samconfig("stack_name")
    assert replay_dlq.samconfig("region")


def test_cli_dry_run_end_to_end(monkeypatch, capsys):
    sqs = FakeSqs(depth=7)
    monkeypatch.setattr("boto3.client", lambda service, region_name=None: sqs)
    assert replay_dlq.main(["--dlq-arn", DLQ_ARN, "--queue-arn", QUEUE_ARN, "start", "--rate", "5", "--dry-run"]) == 0
    assert "7 message(s)" in capsys.readouterr().out
    assert sqs.called("start_message_move_task") == []
