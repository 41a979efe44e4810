"""template.yaml keeps the promises the README and docs make (cfn-lint checks syntax, not intent)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

import signatures
from local_env import ROOT, load_template

TEMPLATE = load_template()
RESOURCES = TEMPLATE["Resources"]
PARAMETERS = TEMPLATE["Parameters"]


def of_type(kind: str) -> dict:
    return {name: r for name, r in RESOURCES.items() if r["Type"] == kind}


def props(logical_id: str) -> dict:
    return RESOURCES[logical_id]["Properties"]


def default(value):
    if isinstance(value, dict) and "Ref" in value:
        return PARAMETERS[value["Ref"]]["Default"]
    return value


def function_setting(logical_id: str, key: str):
    return props(logical_id).get(key, TEMPLATE["Globals"]["Function"].get(key))


def test_visibility_timeout_is_at_least_six_processor_timeouts():
    assert int(props("Queue")["VisibilityTimeout"]) >= 6 * int(function_setting("ProcessorFunction", "Timeout"))


def test_queue_redrives_to_the_dlq_after_a_few_receives():
    redrive = props("Queue")["RedrivePolicy"]
    assert redrive["deadLetterTargetArn"] == {"Fn::GetAtt": ["DeadLetterQueue", "Arn"]}
    assert 3 <= int(redrive["maxReceiveCount"]) <= 10


def test_dlq_keeps_messages_longer_than_the_queue():
    assert int(props("DeadLetterQueue")["MessageRetentionPeriod"]) > int(props("Queue")["MessageRetentionPeriod"])


def test_queue_and_dlq_are_both_fifo_or_both_standard():
    assert bool(props("Queue").get("FifoQueue")) == bool(props("DeadLetterQueue").get("FifoQueue"))


def test_queues_tables_topic_and_secret_are_encrypted_with_the_stack_key():
    key = {"Ref": "AppKey"}
    for queue in of_type("AWS::SQS::Queue"):
        assert props(queue)["KmsMasterKeyId"] == key
    for table in of_type("AWS::DynamoDB::Table"):
        assert props(table)["SSESpecification"]["KMSMasterKeyId"] == key
    assert props("AlarmTopic")["KmsMasterKeyId"] == key
    assert props("SigningSecret")["KmsKeyId"] == key
    assert props("AppKey")["EnableKeyRotation"] is True


def test_the_key_serves_cloudwatch_logs_for_this_stacks_log_groups_only():
    (statement,) = (
        s for s in props("AppKey")["KeyPolicy"]["Statement"] if s["Sid"] == "LogsEncryptThisStacksLogGroups"
    )
    allowed = statement["Condition"]["ArnEquals"]["kms:EncryptionContext:aws:logs:arn"]
    prefix = "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:"
    groups = of_type("AWS::Logs::LogGroup")
    encrypted = [props(name)["LogGroupName"]["Fn::Sub"] for name in groups if "KmsKeyId" in props(name)]
    assert len(encrypted) == len(groups)  # every log group of the stack is encrypted with the key
    assert sorted(arn["Fn::Sub"] for arn in allowed) == sorted(prefix + name for name in encrypted)
    assert all("*" not in arn["Fn::Sub"] for arn in allowed)


def test_idempotency_table_expires_records_and_window_is_seven_days_or_more():
    ttl = props("IdempotencyTable")["TimeToLiveSpecification"]
    assert ttl == {"AttributeName": "expiration", "Enabled": True}  # the attribute Powertools writes
    window = int(props("ProcessorFunction")["Environment"]["Variables"]["IDEMPOTENCY_TTL_SECONDS"])
    assert window >= 7 * 24 * 3600


def test_processor_reports_partial_failures_and_is_capped():
    [event] = props("ProcessorFunction")["Events"].values()
    assert event["Type"] == "SQS"
    source = event["Properties"]
    assert source["Queue"] == {"Fn::GetAtt": ["Queue", "Arn"]}
    assert source["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert 2 <= int(default(source["ScalingConfig"]["MaximumConcurrency"])) <= 1000
    assert 1 <= int(source["BatchSize"]) <= 10
    if props("Queue").get("FifoQueue"):
        assert "MaximumBatchingWindowInSeconds" not in source  # not allowed on FIFO sources


def test_functions_run_python_312_traced_with_logs_retained():
    assert TEMPLATE["Globals"]["Function"]["Runtime"] == "python3.12"
    assert TEMPLATE["Globals"]["Function"]["Tracing"] == "Active"
    for name in of_type("AWS::Serverless::Function"):
        log_group = props(name)["LoggingConfig"]["LogGroup"]["Ref"]
        assert int(default(props(log_group)["RetentionInDays"])) > 0
    for name in of_type("AWS::Logs::LogGroup"):
        assert "RetentionInDays" in props(name)
        assert "KmsKeyId" in props(name)


def test_ingest_answers_well_inside_sender_timeouts():
    assert int(function_setting("IngestFunction", "Timeout")) <= 10


def test_ingest_enforces_a_known_scheme():
    assert props("IngestFunction")["Environment"]["Variables"]["SIGNATURE_SCHEME"] in signatures.SCHEMES


REQUIRED_ALARMS = {
    ("AWS/SQS", "ApproximateNumberOfMessagesVisible", "DeadLetterQueue"),
    ("AWS/SQS", "ApproximateAgeOfOldestMessage", "Queue"),
    ("AWS/Lambda", "Errors", "IngestFunction"),
    ("AWS/Lambda", "Errors", "ProcessorFunction"),
    ("AWS/Lambda", "Throttles", "IngestFunction"),
    ("AWS/Lambda", "Throttles", "ProcessorFunction"),
    ("AWS/ApiGateway", "5xx", "HttpApi"),
    ("custom", "SignatureRejected", "ingest"),
}


def alarm_targets() -> set[tuple[str, str, str]]:
    found = set()
    for alarm in of_type("AWS::CloudWatch::Alarm").values():
        p = alarm["Properties"]
        if "Metrics" in p:
            continue  # metric-math (SLO burn-rate) alarms: tests/test_slo.py
        value = p["Dimensions"][0]["Value"]
        if isinstance(value, dict):
            value = value.get("Ref") or value.get("Fn::GetAtt", [None])[0]
        namespace = p["Namespace"] if p["Namespace"].startswith("AWS/") else "custom"
        found.add((namespace, p["MetricName"], value))
    return found


def test_every_promised_alarm_exists():
    assert alarm_targets() >= REQUIRED_ALARMS


def test_alarms_ignore_missing_data():
    # Who each alarm notifies, directly or through a composite: tests/test_observability.py.
    for name, alarm in of_type("AWS::CloudWatch::Alarm").items():
        assert alarm["Properties"]["TreatMissingData"] == "notBreaching", name


def test_inline_policies_name_their_actions_and_resources():
    for name, role in of_type("AWS::IAM::Role").items():
        for policy in role["Properties"].get("Policies", []):
            for statement in policy["PolicyDocument"]["Statement"]:
                actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
                assert all("*" not in action for action in actions), (name, actions)
                assert statement["Resource"] != "*", (name, statement)


def test_every_checkov_skip_is_explained_in_the_readme():
    skips = yaml.safe_load((ROOT / ".checkov.yaml").read_text())["skip-check"]
    readme = (ROOT / "README.md").read_text()
    assert skips
    for check in skips:
        assert check in readme, f"README does not explain the {check} skip"


@pytest.mark.parametrize("output", ["WebhookUrl", "QueueArn", "DeadLetterQueueArn", "EventsTableName"])
def test_outputs_the_replay_tool_and_docs_rely_on(output):
    assert output in TEMPLATE["Outputs"]


def test_runtime_requirements_are_pinned():
    for line in Path(ROOT / "src" / "requirements.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            assert "==" in line, line


def test_custom_metric_alarm_reads_the_namespace_the_functions_write_to():
    namespace = TEMPLATE["Globals"]["Function"]["Environment"]["Variables"]["POWERTOOLS_METRICS_NAMESPACE"]
    assert props("SignatureRejectsAlarm")["Namespace"] == namespace


def test_data_kept_after_stack_deletion_stays_readable():
    assert RESOURCES["EventsTable"]["DeletionPolicy"] == "Retain"
    # The table is encrypted with AppKey: deleting the key would make the retained data unreadable.
    assert RESOURCES["AppKey"]["DeletionPolicy"] == "Retain"
    assert RESOURCES["AppKey"]["UpdateReplacePolicy"] == "Retain"


def test_tests_the_docs_cite_exist():
    defined = set()
    for path in (ROOT / "tests").glob("test_*.py"):
        defined |= set(re.findall(r"^def (test_\w+)", path.read_text(), re.MULTILINE))
    for doc in ("README.md", "docs/failure-modes.md"):
        cited = set(re.findall(r"`(test_\w+)`", (ROOT / doc).read_text()))
        assert cited, doc
        assert cited <= defined, f"{doc} cites tests that do not exist: {sorted(cited - defined)}"


def test_generated_signing_secret_is_the_json_document_ingest_reads():
    generated = props("SigningSecret")["GenerateSecretString"]
    assert generated["SecretStringTemplate"] == "{}"
    assert generated["GenerateStringKey"] == "current"
    # What Secrets Manager stores: the template with a random "current" filled in.
    assert signatures.parse_secrets('{"current": "Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0"}')


def test_api_throttle_is_set_by_stack_parameters():
    route = props("HttpApi")["DefaultRouteSettings"]
    assert route["ThrottlingRateLimit"] == {"Ref": "ApiThrottleRateLimit"}
    assert route["ThrottlingBurstLimit"] == {"Ref": "ApiThrottleBurstLimit"}
    assert PARAMETERS["ApiThrottleRateLimit"]["MaxValue"] <= 10000  # the account-wide limit per Region


def test_docs_suggest_no_waf_on_the_http_api():
    runbook = (ROOT / "docs" / "runbook.md").read_text()
    assert "consider a WAF" not in runbook
    assert "cannot" in runbook.split("Traffic from unexpected sources", 1)[1][:300]


def test_the_idempotency_table_expires_its_records_and_keeps_no_backups_of_them():
    # Its records suppress duplicates for 7 days and then expire: point-in-time recovery would bill for backups of
    # records that restore nothing (docs/cost-model.md prices it off).
    table = RESOURCES["IdempotencyTable"]["Properties"]
    assert table["TimeToLiveSpecification"]["Enabled"] is True
    assert table.get("PointInTimeRecoverySpecification", {}).get("PointInTimeRecoveryEnabled", False) is False
