//! The billed quantities a month of the workload implies, before any price.

use serde::Serialize;

use super::input::{ApiKind, QueueKind, ServerlessInput};

/// Billed quantities per month.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Usage {
    pub api_requests: f64,
    pub ingest_invocations: f64,
    pub processor_invocations: f64,
    /// Events in the processor's average batch (see [`expected_batch`]).
    pub batch: f64,
    pub gb_seconds: f64,
    pub sqs_requests: f64,
    pub sqs_requests_per_event: f64,
    pub write_units: f64,
    pub read_units: f64,
    /// GB of logs: the functions' own lines per event, and Lambda's START, END and REPORT lines per invocation.
    pub log_gb: f64,
    pub platform_log_gb: f64,
    pub traces: f64,
    /// GB the events table holds after `stored_months` months, and the idempotency table in steady state.
    pub events_table_gb: f64,
    /// S3 requests: one PutObject per event (ingest), one GetObject per event (processor), one lifecycle
    /// transition per body that moves to Standard-IA.
    pub s3_puts: f64,
    pub s3_gets: f64,
    pub s3_transitions: f64,
    /// GB-months of bodies in S3 Standard and in Standard-IA after `stored_months` months.
    pub s3_standard_gb: f64,
    pub s3_ia_gb: f64,
    pub idempotency_table_gb: f64,
    /// KMS requests of the stack's encrypted resources (see [`KMS_CALLERS`]).
    pub kms_requests: f64,
    /// Secrets Manager reads of the signing secret, one per cache period.
    pub secret_calls: f64,
}

/// KB per GB for DynamoDB storage (binary GB).
pub const KB_PER_GB: f64 = 1024.0 * 1024.0;

/// Seconds a data key, table key or cached secret is reused before KMS (or Secrets Manager) is called again: the
/// ingest function caches the signing secret for 300 s, DynamoDB reuses a table key for about 5 minutes, and the
/// queues reuse a data key for up to an hour (counted here at 5 minutes, an upper bound).
pub const KEY_REUSE_SECONDS: f64 = 300.0;

/// Callers that ask KMS for a key once per [`KEY_REUSE_SECONDS`] while events flow: the queue's data key (ingest
/// sends, the processor receives), the events table, the state table, the idempotency table and the signing secret.
pub const KMS_CALLERS: f64 = 6.0;

/// Traces X-Ray records for `invocations` of one function under Lambda's default rule: the first request each
/// second (the reservoir), then `sample` of the rest. Invocations are taken as spread evenly over the month, so
/// at low volume nearly every one is traced.
pub fn traces_of(invocations: f64, seconds: f64, sample: f64) -> f64 {
    invocations.min(seconds) + sample * (invocations - seconds).max(0.0)
}

/// KB of the START, END and REPORT lines Lambda writes for every invocation in its text log format: about 70 bytes
/// of START (request id and version), 55 of END and 200 to 230 of REPORT (durations, memory, and the X-Ray trace id
/// when traced); 0.35 KB in all (the reference notes' figure from Lambda's docs and CloudWatch pricing, checked
/// 2026-12-01).
pub const PLATFORM_LOG_KB_PER_INVOCATION: f64 = 0.35;

/// Events in the processor's average batch at `events_per_second` arriving evenly. The first message opens the
/// batch; those that arrive while the event source gathers join it, up to the batch size. A standard queue's source
/// gathers for its batching window; with no window (a FIFO queue has none) a poll takes what is ready, which is
/// what arrived while the previous batch was processed.
pub fn expected_batch(input: &ServerlessInput, events_per_second: f64) -> f64 {
    let gather_s = match input.queue {
        QueueKind::Standard if input.batch_window_s > 0.0 => input.batch_window_s,
        _ => input.processor_duration_ms / 1000.0,
    };
    (1.0 + events_per_second * gather_s).min(f64::from(input.batch_size))
}

fn chunks(kb: f64, chunk_kb: f64) -> f64 {
    (kb / chunk_kb).ceil().max(1.0)
}

impl Usage {
    /// The quantities of a month of `seconds` seconds.
    pub fn of(input: &ServerlessInput, seconds: f64) -> Usage {
        let n = input.events_per_month as f64;
        let batch = expected_batch(input, n / seconds);
        let api_per_event = match input.api {
            ApiKind::Http => chunks(input.payload_kb, 512.0),
            ApiKind::Rest => 1.0,
        };
        let processor_invocations = n / batch;
        let gb_seconds =
            n * (input.ingest_memory_mb as f64 / 1024.0) * (input.ingest_duration_ms / 1000.0)
                + processor_invocations
                    * (input.processor_memory_mb as f64 / 1024.0)
                    * (input.processor_duration_ms / 1000.0);
        // The queue carries only the body's S3 key (about 90 bytes): one send per event, one receive and one delete
        // per batch.
        let sqs_per_event = 1.0 + 2.0 / batch;
        // Bodies kept `stored_months` months; large ones spend their first `ia_after_days` in Standard.
        let body_gb = n * input.stored_months * input.payload_kb / KB_PER_GB;
        let to_ia = input.payload_kb > input.ia_min_object_kb
            && input.stored_months * seconds > input.ia_after_days * 86_400.0;
        let standard_months = if to_ia {
            input.ia_after_days * 86_400.0 / seconds
        } else {
            input.stored_months
        };
        let s3_standard_gb = n * standard_months * input.payload_kb / KB_PER_GB;
        Usage {
            api_requests: n * api_per_event,
            ingest_invocations: n,
            processor_invocations,
            batch,
            gb_seconds,
            sqs_requests: n * sqs_per_event,
            sqs_requests_per_event: sqs_per_event,
            write_units: n * input.write_units_per_event,
            read_units: n * input.read_units_per_event,
            log_gb: (n * input.log_kb_per_event
                + (n + processor_invocations) * PLATFORM_LOG_KB_PER_INVOCATION)
                / 1_000_000.0,
            platform_log_gb: (n + processor_invocations) * PLATFORM_LOG_KB_PER_INVOCATION
                / 1_000_000.0,
            traces: [n, processor_invocations]
                .iter()
                .take(input.traced_functions as usize)
                .map(|m| traces_of(*m, seconds, input.tracing_sample))
                .sum(),
            events_table_gb: n
                * input.stored_months
                * (ServerlessInput::EVENT_RECORD_KB + ServerlessInput::ITEM_OVERHEAD_KB)
                / KB_PER_GB,
            s3_puts: n,
            s3_gets: n,
            s3_transitions: if to_ia { n } else { 0.0 },
            s3_standard_gb,
            s3_ia_gb: body_gb - s3_standard_gb,
            idempotency_table_gb: n
                * (input.idempotency_ttl_days * 86_400.0 / seconds)
                * (ServerlessInput::IDEMPOTENCY_RECORD_KB + ServerlessInput::ITEM_OVERHEAD_KB)
                / KB_PER_GB,
            kms_requests: if input.kms_keys > 0 {
                KMS_CALLERS * n.min(seconds / KEY_REUSE_SECONDS)
            } else {
                0.0
            },
            secret_calls: if input.secrets > 0 {
                n.min(seconds / KEY_REUSE_SECONDS)
            } else {
                0.0
            },
        }
    }

    pub fn invocations(&self) -> f64 {
        self.ingest_invocations + self.processor_invocations
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::Prices;
    use crate::serverless::estimate;

    fn prices() -> Prices {
        Prices::embedded().unwrap()
    }

    #[test]
    fn bodies_in_s3_leave_the_queue_small_and_age_into_standard_ia() {
        let p = prices();
        let seconds = p.seconds_per_month();
        // 256 KB bodies, 1M a month, kept 12 months. The queue carries only the key: 1 send + (1 receive + 1
        // delete) per batch, whatever the body size. No window: a batch is the first message plus those arriving in
        // the 0.25 s the previous one runs: 1 + 1M / 2,628,000 s x 0.25 = 1.0951; 1 + 2 / 1.0951 = 2.8263.
        let input = ServerlessInput {
            payload_kb: 256.0,
            stored_months: 12.0,
            ..ServerlessInput::default()
        };
        let u = Usage::of(&input, seconds);
        assert!(
            (u.sqs_requests_per_event - 2.8263).abs() < 1e-4,
            "{}",
            u.sqs_requests_per_event
        );
        assert_eq!((u.s3_puts, u.s3_gets, u.s3_transitions), (1e6, 1e6, 1e6));
        // Bodies: 1M x 12 x 256 KB / 1,048,576 KB per GB = 2,929.6875 GB in all. The month holds 730 h x 3,600 =
        // 2,628,000 s; 30 days = 2,592,000 s = 0.986301 of a month in Standard: 0.986301 x 244.140625 GB a month =
        // 240.796 GB; the other 2,929.6875 - 240.796 = 2,688.891 GB in Standard-IA.
        assert!(
            (u.s3_standard_gb - 240.796).abs() < 1e-3,
            "{}",
            u.s3_standard_gb
        );
        assert!((u.s3_ia_gb - 2688.891).abs() < 1e-3, "{}", u.s3_ia_gb);
        // The events table holds records, not bodies: 1M x 12 x (0.32 + 0.1) KB / 1,048,576 = 4.806 GB.
        assert!(
            (u.events_table_gb - 4.806).abs() < 1e-3,
            "{}",
            u.events_table_gb
        );
        // 100 KB bodies stay in Standard (Standard-IA bills 128 KB at least): no transition.
        let small = Usage::of(
            &ServerlessInput {
                payload_kb: 100.0,
                ..input.clone()
            },
            seconds,
        );
        assert_eq!((small.s3_transitions, small.s3_ia_gb), (0.0, 0.0));
        // 1M x 12 x 100 / 1,048,576 = 1,144.409 GB.
        assert!((small.s3_standard_gb - 1144.409).abs() < 1e-3);
        // The stack's body limit bounds the payload; DynamoDB's 400 KB item size no longer does.
        let over = ServerlessInput {
            payload_kb: 257.0,
            ..ServerlessInput::default()
        };
        assert!(estimate(&p, &over).is_err());
    }
}
