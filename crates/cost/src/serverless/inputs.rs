//! The inputs of the model `serverless`, each declared once: its name, type, the flag that sets it and its help. The
//! command line, the manifests' bindings and the documentation's tables read them from here.

use crate::InputSpec;
use crate::InputType;

use super::input::{MAX_BATCH_WINDOW_S, MAX_BODY_KB};

/// Every input of the model `serverless`, in the order of [`ServerlessInput`](super::ServerlessInput)'s fields.
pub static INPUTS: [InputSpec; 27] = [
    InputSpec::flagged(
        "events_per_month",
        InputType::Events,
        "events-per-month",
        "Webhook events per month: 1000000, 1_000_000, 1M, 2.5M, 1B (at most 10^12).",
    ),
    InputSpec::flagged(
        "payload_kb",
        InputType::Number,
        "payload-kb",
        "Average payload size in KB.",
    )
    .within(0.001, MAX_BODY_KB, "a body the stack accepts (MaxBodyBytes is 256 KB)"),
    InputSpec::flagged(
        "arch",
        InputType::Choice(&["arm64", "x86_64"]),
        "arch",
        "Lambda architecture.",
    ),
    InputSpec::flagged(
        "api",
        InputType::Choice(&["http", "rest"]),
        "api",
        "API Gateway flavour.",
    ),
    InputSpec::flagged(
        "queue",
        InputType::Choice(&["standard", "fifo"]),
        "queue",
        "SQS queue type.",
    ),
    InputSpec::flagged(
        "ingest_memory_mb",
        InputType::Whole,
        "memory-mb",
        "Ingest function memory in MB.",
    )
    .within(128.0, 10240.0, "Lambda memory in MB"),
    InputSpec::flagged(
        "ingest_duration_ms",
        InputType::Number,
        "duration-ms",
        "Ingest function duration per event in ms.",
    )
    .within(1.0, 900_000.0, "a Lambda duration in ms"),
    InputSpec::flagged(
        "processor_memory_mb",
        InputType::Whole,
        "processor-memory-mb",
        "Processor function memory in MB.",
    )
    .within(128.0, 10240.0, "Lambda memory in MB"),
    InputSpec::flagged(
        "processor_duration_ms",
        InputType::Number,
        "processor-duration-ms",
        "Processor function duration per batch in ms.",
    )
    .within(1.0, 900_000.0, "a Lambda duration in ms"),
    InputSpec::flagged(
        "batch_size",
        InputType::Whole,
        "batch-size",
        "Most SQS messages per processor invocation (above 10 needs a standard queue and a batching window).",
    )
    .within(1.0, 10_000.0, "an SQS batch size"),
    InputSpec::flagged(
        "batch_window_s",
        InputType::Number,
        "batch-window-s",
        "Seconds the SQS event source gathers messages before it invokes the processor, 0 to 300 (standard queues only).",
    )
    .within(0.0, MAX_BATCH_WINDOW_S, "a batching window in seconds (MaximumBatchingWindowInSeconds takes 0 to 300)"),
    InputSpec::flagged(
        "write_units_per_event",
        InputType::Number,
        "write-units",
        "DynamoDB write request units per event; left out: 1 per KB of the event item (payload + 0.3 KB), rounded up, + 3 for the small writes (the idempotency record put, then updated; the state item put only if newer).",
    )
    .within(0.0, 1000.0, "write units per event"),
    InputSpec::flagged(
        "read_units_per_event",
        InputType::Number,
        "read-units",
        "DynamoDB read request units per event.",
    )
    .within(0.0, 1000.0, "read units per event"),
    InputSpec::flagged(
        "log_kb_per_event",
        InputType::Number,
        "log-kb-per-event",
        "CloudWatch log KB written per event.",
    )
    .within(0.0, 1024.0, "log KB per event"),
    InputSpec::flagged(
        "tracing_sample",
        InputType::Number,
        "tracing-sample",
        "Share of a traced function's invocations X-Ray records beyond the first each second, 0 to 1 (Lambda's default: 0.05).",
    )
    .within(0.0, 1.0, "a sampling share"),
    InputSpec::flagged(
        "traced_functions",
        InputType::Whole,
        "traced-functions",
        "Functions with active X-Ray tracing: 0, 1 (ingest) or 2 (ingest and processor).",
    )
    .within(0.0, 2.0, "traced functions: 0, 1 (the ingest function) or 2 (ingest and processor)"),
    InputSpec::flagged(
        "kms_keys",
        InputType::Whole,
        "kms-keys",
        "Customer managed KMS keys.",
    )
    .within(0.0, 100.0, "customer managed keys"),
    InputSpec::flagged(
        "secrets",
        InputType::Whole,
        "secrets",
        "Secrets Manager secrets.",
    )
    .within(0.0, 100.0, "secrets"),
    InputSpec::flagged(
        "alarms",
        InputType::Whole,
        "alarms",
        "Standard CloudWatch alarm metrics (one per single-metric alarm, one per metric a metric-math alarm reads).",
    )
    .within(0.0, 5000.0, "alarm metrics"),
    InputSpec::flagged(
        "composite_alarms",
        InputType::Whole,
        "composite-alarms",
        "CloudWatch composite alarms.",
    )
    .within(0.0, 5000.0, "composite alarms"),
    InputSpec::flagged(
        "dashboards",
        InputType::Whole,
        "dashboards",
        "CloudWatch dashboards.",
    )
    .within(0.0, 100.0, "dashboards"),
    InputSpec::flagged(
        "stored_months",
        InputType::Number,
        "stored-months",
        "Months of events the events table and the payload bucket hold when their storage is priced (their retention).",
    )
    .within(0.0, 120.0, "months of stored events"),
    InputSpec::flagged(
        "ia_min_object_kb",
        InputType::Number,
        "ia-min-object-kb",
        "Bodies larger than this many KB move to S3 Standard-IA.",
    )
    .within(0.0, MAX_BODY_KB, "a body size in KB"),
    InputSpec::flagged(
        "ia_after_days",
        InputType::Number,
        "ia-after-days",
        "Days before a large body moves to S3 Standard-IA (30 or more).",
    )
    .within(30.0, 3650.0, "days before a body moves to Standard-IA (S3 moves nothing there before 30 days)"),
    InputSpec::flagged(
        "idempotency_ttl_days",
        InputType::Number,
        "idempotency-ttl-days",
        "Days an idempotency record lives before it expires.",
    )
    .within(0.0, 3650.0, "days an idempotency record lives"),
    InputSpec::flagged(
        "events_pitr",
        InputType::Choice(&["on", "off"]),
        "events-pitr",
        "Point-in-time recovery on the events table.",
    ),
    InputSpec::flagged(
        "idempotency_pitr",
        InputType::Choice(&["on", "off"]),
        "idempotency-pitr",
        "Point-in-time recovery on the idempotency table.",
    ),
];
