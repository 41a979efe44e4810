//! The billed quantities a month of the workload implies, before any price.

use serde::Serialize;

use super::input::{ApiKind, ServerlessInput};

/// Billed quantities per month.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Usage {
    pub api_requests: f64,
    pub ingest_invocations: f64,
    pub processor_invocations: f64,
    pub gb_seconds: f64,
    pub sqs_requests: f64,
    pub sqs_requests_per_event: f64,
    pub write_units: f64,
    pub read_units: f64,
    pub log_gb: f64,
    pub traces: f64,
    /// GB the events table holds after `stored_months` months, and the idempotency table in steady state.
    pub events_table_gb: f64,
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

fn chunks(kb: f64, chunk_kb: f64) -> f64 {
    (kb / chunk_kb).ceil().max(1.0)
}

impl Usage {
    /// The quantities of a month of `seconds` seconds.
    pub fn of(input: &ServerlessInput, seconds: f64) -> Usage {
        let n = input.events_per_month as f64;
        let batch = input.batch_size as f64;
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
        // send: one request per 64 KB chunk of the body; receive: one per 64 KB chunk of a whole batch; delete: one
        // per batch.
        let sqs_per_event =
            chunks(input.payload_kb, 64.0) + (chunks(input.payload_kb * batch, 64.0) + 1.0) / batch;
        Usage {
            api_requests: n * api_per_event,
            ingest_invocations: n,
            processor_invocations,
            gb_seconds,
            sqs_requests: n * sqs_per_event,
            sqs_requests_per_event: sqs_per_event,
            write_units: n * input.write_units_per_event,
            read_units: n * input.read_units_per_event,
            log_gb: n * input.log_kb_per_event / 1_000_000.0,
            traces: [n, processor_invocations]
                .iter()
                .take(input.traced_functions as usize)
                .map(|m| traces_of(*m, seconds, input.tracing_sample))
                .sum(),
            events_table_gb: n
                * input.stored_months
                * (input.payload_kb
                    + ServerlessInput::EVENT_ATTRIBUTES_KB
                    + ServerlessInput::ITEM_OVERHEAD_KB)
                / KB_PER_GB,
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

    use crate::cost::Prices;
    use crate::cost::serverless::estimate;

    fn prices() -> Prices {
        Prices::embedded().unwrap()
    }

    #[test]
    fn large_payloads_cost_more_sqs_requests() {
        let p = prices();
        let input = ServerlessInput {
            payload_kb: 300.0,
            ..ServerlessInput::default()
        };
        let u = Usage::of(&input, p.seconds_per_month());
        // 300 KB (DynamoDB's 400 KB item keeps payloads smaller than an HTTP API's 512 KB metering step): 5
        // chunks of 64 KB to send, 3,000 KB = 47 chunks per batch of 10 to receive, 1 delete per batch.
        assert!((u.sqs_requests_per_event - (5.0 + 48.0 / 10.0)).abs() < 1e-12);
        assert_eq!(u.api_requests, 1_000_000.0);
        let rest = Usage::of(
            &ServerlessInput {
                api: ApiKind::Rest,
                ..input
            },
            p.seconds_per_month(),
        );
        assert_eq!(rest.api_requests, 1_000_000.0);
        assert!(
            estimate(
                &p,
                &ServerlessInput {
                    payload_kb: 300.0,
                    ..Default::default()
                }
            )
            .is_ok()
        );
    }
}
