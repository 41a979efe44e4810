//! The inputs of the model `serverless`, each declared once: its name, type, the flag that sets it and its help. The
//! command line, the manifests' bindings and the documentation's tables read them from here.

use crate::cost::InputSpec;
use crate::cost::InputType;

/// Every input of the model `serverless`, in the order of [`ServerlessInput`](super::ServerlessInput)'s fields.
pub const INPUTS: [InputSpec; 27] = [
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
    ),
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
    ),
    InputSpec::flagged(
        "ingest_duration_ms",
        InputType::Number,
        "duration-ms",
        "Ingest function duration per event in ms.",
    ),
    InputSpec::flagged(
        "processor_memory_mb",
        InputType::Whole,
        "processor-memory-mb",
        "Processor function memory in MB.",
    ),
    InputSpec::flagged(
        "processor_duration_ms",
        InputType::Number,
        "processor-duration-ms",
        "Processor function duration per batch in ms.",
    ),
    InputSpec::flagged(
        "batch_size",
        InputType::Whole,
        "batch-size",
        "Most SQS messages per processor invocation (above 10 needs a standard queue and a batching window).",
    ),
    InputSpec::flagged(
        "batch_window_s",
        InputType::Number,
        "batch-window-s",
        "Seconds the SQS event source gathers messages before it invokes the processor, 0 to 300 (standard queues only).",
    ),
    InputSpec::flagged(
        "write_units_per_event",
        InputType::Number,
        "write-units",
        "DynamoDB write request units per event; left out: 1 per KB of the event item (payload + 0.3 KB), rounded up, + 3 for the small writes (the idempotency record put, then updated; the state item put only if newer).",
    ),
    InputSpec::flagged(
        "read_units_per_event",
        InputType::Number,
        "read-units",
        "DynamoDB read request units per event.",
    ),
    InputSpec::flagged(
        "log_kb_per_event",
        InputType::Number,
        "log-kb-per-event",
        "CloudWatch log KB written per event.",
    ),
    InputSpec::flagged(
        "tracing_sample",
        InputType::Number,
        "tracing-sample",
        "Share of a traced function's invocations X-Ray records beyond the first each second, 0 to 1 (Lambda's default: 0.05).",
    ),
    InputSpec::flagged(
        "traced_functions",
        InputType::Whole,
        "traced-functions",
        "Functions with active X-Ray tracing: 0, 1 (ingest) or 2 (ingest and processor).",
    ),
    InputSpec::flagged(
        "kms_keys",
        InputType::Whole,
        "kms-keys",
        "Customer managed KMS keys.",
    ),
    InputSpec::flagged(
        "secrets",
        InputType::Whole,
        "secrets",
        "Secrets Manager secrets.",
    ),
    InputSpec::flagged(
        "alarms",
        InputType::Whole,
        "alarms",
        "Standard CloudWatch alarm metrics (one per single-metric alarm, one per metric a metric-math alarm reads).",
    ),
    InputSpec::flagged(
        "composite_alarms",
        InputType::Whole,
        "composite-alarms",
        "CloudWatch composite alarms.",
    ),
    InputSpec::flagged(
        "dashboards",
        InputType::Whole,
        "dashboards",
        "CloudWatch dashboards.",
    ),
    InputSpec::flagged(
        "stored_months",
        InputType::Number,
        "stored-months",
        "Months of events the events table and the payload bucket hold when their storage is priced (their retention).",
    ),
    InputSpec::flagged(
        "ia_min_object_kb",
        InputType::Number,
        "ia-min-object-kb",
        "Bodies larger than this many KB move to S3 Standard-IA.",
    ),
    InputSpec::flagged(
        "ia_after_days",
        InputType::Number,
        "ia-after-days",
        "Days before a large body moves to S3 Standard-IA (30 or more).",
    ),
    InputSpec::flagged(
        "idempotency_ttl_days",
        InputType::Number,
        "idempotency-ttl-days",
        "Days an idempotency record lives before it expires.",
    ),
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
