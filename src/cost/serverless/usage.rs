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
}

fn chunks(kb: f64, chunk_kb: f64) -> f64 {
    (kb / chunk_kb).ceil().max(1.0)
}

impl Usage {
    pub fn of(input: &ServerlessInput) -> Usage {
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
            traces: input.tracing_sample * (n + processor_invocations),
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
    fn large_payloads_cost_more_sqs_and_api_requests() {
        let p = prices();
        let input = ServerlessInput {
            payload_kb: 600.0,
            ..ServerlessInput::default()
        };
        let u = Usage::of(&input);
        // 600 KB: 10 chunks to send, 94 chunks per batch of 10 to receive, 1 delete per batch.
        assert!((u.sqs_requests_per_event - (10.0 + 95.0 / 10.0)).abs() < 1e-12);
        assert_eq!(u.api_requests, 2.0 * 1_000_000.0);
        let rest = Usage::of(&ServerlessInput {
            api: ApiKind::Rest,
            ..input
        });
        assert_eq!(rest.api_requests, 1_000_000.0);
        assert!(
            estimate(
                &p,
                &ServerlessInput {
                    payload_kb: 600.0,
                    ..Default::default()
                }
            )
            .is_ok()
        );
    }
}
