//! What the serverless model reads: the workload, with the limits AWS and the model put on each value.

pub use super::inputs::INPUTS;
use serde::Serialize;

pub use super::choice::{ApiKind, Arch, QueueKind};
use crate::{MAX_EVENTS_PER_MONTH, Values, check_declared, declared_whole, invalid};
use scaffold_error::Result;

/// Inputs that have no fixed default: left out, the model derives them from the others.
pub const DERIVED_INPUTS: [&str; 1] = ["write_units_per_event"];

/// The workload. `Default` is the lean worked example of the reference notes; the input names of [`INPUTS`] are
/// its field names.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServerlessInput {
    pub events_per_month: u64,
    /// Average webhook body size in KB.
    pub payload_kb: f64,
    pub arch: Arch,
    pub api: ApiKind,
    pub queue: QueueKind,
    pub ingest_memory_mb: u32,
    pub ingest_duration_ms: f64,
    pub processor_memory_mb: u32,
    /// Processor duration per batch.
    pub processor_duration_ms: f64,
    /// The most messages the event source hands the processor at once.
    pub batch_size: u32,
    /// `MaximumBatchingWindowInSeconds` of the event source: how long it gathers messages before it invokes the
    /// processor with a batch that is not full. Standard queues only: a FIFO source has no window.
    pub batch_window_s: f64,
    /// DynamoDB write units per event. Read from the input when given, otherwise
    /// [`ServerlessInput::derived_write_units`].
    pub write_units_per_event: f64,
    pub read_units_per_event: f64,
    pub log_kb_per_event: f64,
    /// X-Ray's fixed rate: the share of a traced function's invocations recorded beyond the reservoir of the
    /// first one each second, 0..=1 (Lambda's default rule: 0.05).
    pub tracing_sample: f64,
    /// Functions with active X-Ray tracing, counted in this order: the ingest function, then the processor
    /// (0, 1 or 2).
    pub traced_functions: u32,
    /// Customer managed KMS keys ($1 a month each, plus requests).
    pub kms_keys: u32,
    /// Secrets Manager secrets.
    pub secrets: u32,
    /// Standard-resolution CloudWatch alarm metrics (an alarm on one metric is one).
    pub alarms: u32,
    pub composite_alarms: u32,
    pub dashboards: u32,
    /// Months of events the events table and the payload bucket hold when their storage is priced: their
    /// retention (a TTL and a lifecycle rule), after which storage stops growing.
    pub stored_months: f64,
    /// The payload bucket's lifecycle rule: bodies larger than this many KB move to S3 Standard-IA (which bills
    /// 128 KB at least per object) after `ia_after_days` days.
    pub ia_min_object_kb: f64,
    pub ia_after_days: f64,
    /// Days an idempotency record lives before its expiry deletes it.
    pub idempotency_ttl_days: f64,
    /// Point-in-time recovery on the events table, on the idempotency table.
    pub events_pitr: bool,
    pub idempotency_pitr: bool,
}

/// The largest body the stack accepts, in KB: the ingest function answers 413 above `MaxBodyBytes` (262,144
/// bytes) in template.yaml. Bodies are stored in S3, so no DynamoDB or SQS limit applies to them.
pub const MAX_BODY_KB: f64 = 256.0;

/// The longest batching window an SQS event source takes, in seconds.
pub const MAX_BATCH_WINDOW_S: f64 = 300.0;

/// The largest batch an SQS event source takes without a batching window, and from a FIFO queue.
pub const MAX_BATCH_WITHOUT_WINDOW: u32 = 10;

impl Default for ServerlessInput {
    fn default() -> Self {
        ServerlessInput {
            events_per_month: 1_000_000,
            payload_kb: 1.0,
            arch: Arch::Arm64,
            api: ApiKind::Http,
            queue: QueueKind::Standard,
            ingest_memory_mb: 128,
            ingest_duration_ms: 30.0,
            processor_memory_mb: 256,
            processor_duration_ms: 250.0,
            batch_size: 10,
            // AWS's default for an SQS event source: no window.
            batch_window_s: 0.0,
            // derived_write_units(): event record 2 + state item 2 (one transaction) + idempotency put and update 2.
            write_units_per_event: 6.0,
            read_units_per_event: 0.0,
            log_kb_per_event: 1.0,
            tracing_sample: 0.0,
            traced_functions: 0,
            kms_keys: 0,
            secrets: 0,
            alarms: 0,
            composite_alarms: 0,
            dashboards: 0,
            stored_months: 0.0,
            // Standard-IA's own minimums: 128 KB an object, 30 days.
            ia_min_object_kb: 128.0,
            ia_after_days: 30.0,
            idempotency_ttl_days: 0.0,
            events_pitr: false,
            idempotency_pitr: false,
        }
    }
}

impl ServerlessInput {
    /// The heavy worked example: REST API, x86 512 MB 100 ms each, batch size 1, 4 WCU + 1 RCU, 5 KB logs,
    /// every invocation traced.
    pub fn heavy(events_per_month: u64) -> Self {
        ServerlessInput {
            events_per_month,
            arch: Arch::X86_64,
            api: ApiKind::Rest,
            ingest_memory_mb: 512,
            ingest_duration_ms: 100.0,
            processor_memory_mb: 512,
            processor_duration_ms: 100.0,
            batch_size: 1,
            write_units_per_event: 4.0,
            read_units_per_event: 1.0,
            log_kb_per_event: 5.0,
            tracing_sample: 1.0,
            traced_functions: 2,
            ..ServerlessInput::default()
        }
    }

    /// The workload `values` describe, the model's defaults for what they leave out. Validated.
    pub fn from_values(values: &Values) -> Result<ServerlessInput> {
        let d = ServerlessInput::default();
        let choice = |name: &str| values.text(name);
        let input = ServerlessInput {
            events_per_month: values
                .events("events_per_month")?
                .unwrap_or(d.events_per_month),
            payload_kb: values.number("payload_kb")?.unwrap_or(d.payload_kb),
            arch: match choice("arch")? {
                Some(t) => Arch::parse(&t)?,
                None => d.arch,
            },
            api: match choice("api")? {
                Some(t) => ApiKind::parse(&t)?,
                None => d.api,
            },
            queue: match choice("queue")? {
                Some(t) => QueueKind::parse(&t)?,
                None => d.queue,
            },
            ingest_memory_mb: declared_whole(&INPUTS, values, "ingest_memory_mb")?
                .unwrap_or(d.ingest_memory_mb),
            ingest_duration_ms: values
                .number("ingest_duration_ms")?
                .unwrap_or(d.ingest_duration_ms),
            processor_memory_mb: declared_whole(&INPUTS, values, "processor_memory_mb")?
                .unwrap_or(d.processor_memory_mb),
            processor_duration_ms: values
                .number("processor_duration_ms")?
                .unwrap_or(d.processor_duration_ms),
            batch_size: declared_whole(&INPUTS, values, "batch_size")?.unwrap_or(d.batch_size),
            batch_window_s: values.number("batch_window_s")?.unwrap_or(d.batch_window_s),
            write_units_per_event: match values.number("write_units_per_event")? {
                Some(units) => units,
                None => ServerlessInput::derived_write_units(),
            },
            read_units_per_event: values
                .number("read_units_per_event")?
                .unwrap_or(d.read_units_per_event),
            log_kb_per_event: values
                .number("log_kb_per_event")?
                .unwrap_or(d.log_kb_per_event),
            tracing_sample: values.number("tracing_sample")?.unwrap_or(d.tracing_sample),
            traced_functions: declared_whole(&INPUTS, values, "traced_functions")?
                .unwrap_or(d.traced_functions),
            kms_keys: declared_whole(&INPUTS, values, "kms_keys")?.unwrap_or(d.kms_keys),
            secrets: declared_whole(&INPUTS, values, "secrets")?.unwrap_or(d.secrets),
            alarms: declared_whole(&INPUTS, values, "alarms")?.unwrap_or(d.alarms),
            composite_alarms: declared_whole(&INPUTS, values, "composite_alarms")?
                .unwrap_or(d.composite_alarms),
            dashboards: declared_whole(&INPUTS, values, "dashboards")?.unwrap_or(d.dashboards),
            stored_months: values.number("stored_months")?.unwrap_or(d.stored_months),
            ia_min_object_kb: values
                .number("ia_min_object_kb")?
                .unwrap_or(d.ia_min_object_kb),
            ia_after_days: values.number("ia_after_days")?.unwrap_or(d.ia_after_days),
            idempotency_ttl_days: values
                .number("idempotency_ttl_days")?
                .unwrap_or(d.idempotency_ttl_days),
            events_pitr: switch(values, "events_pitr")?.unwrap_or(d.events_pitr),
            idempotency_pitr: switch(values, "idempotency_pitr")?.unwrap_or(d.idempotency_pitr),
        };
        input.validate()?;
        Ok(input)
    }

    /// Every input as a value, the inverse of [`ServerlessInput::from_values`].
    pub fn to_values(&self) -> Values {
        let mut v = Values::new();
        v.set("events_per_month", self.events_per_month);
        v.set("payload_kb", self.payload_kb);
        v.set("arch", self.arch.as_str());
        v.set("api", self.api.as_str());
        v.set("queue", self.queue.as_str());
        v.set("ingest_memory_mb", self.ingest_memory_mb);
        v.set("ingest_duration_ms", self.ingest_duration_ms);
        v.set("processor_memory_mb", self.processor_memory_mb);
        v.set("processor_duration_ms", self.processor_duration_ms);
        v.set("batch_size", self.batch_size);
        v.set("batch_window_s", self.batch_window_s);
        // Left out when it is what the payload implies, so a default set of values keeps deriving it.
        if self.write_units_per_event != ServerlessInput::derived_write_units() {
            v.set("write_units_per_event", self.write_units_per_event);
        }
        v.set("read_units_per_event", self.read_units_per_event);
        v.set("log_kb_per_event", self.log_kb_per_event);
        v.set("tracing_sample", self.tracing_sample);
        v.set("traced_functions", self.traced_functions);
        v.set("kms_keys", self.kms_keys);
        v.set("secrets", self.secrets);
        v.set("alarms", self.alarms);
        v.set("composite_alarms", self.composite_alarms);
        v.set("dashboards", self.dashboards);
        v.set("stored_months", self.stored_months);
        v.set("ia_min_object_kb", self.ia_min_object_kb);
        v.set("ia_after_days", self.ia_after_days);
        v.set("idempotency_ttl_days", self.idempotency_ttl_days);
        v.set("events_pitr", on_off(self.events_pitr));
        v.set("idempotency_pitr", on_off(self.idempotency_pitr));
        v
    }

    /// The same workload at another volume.
    pub fn at(&self, events_per_month: u64) -> Self {
        ServerlessInput {
            events_per_month,
            ..self.clone()
        }
    }

    /// Refuse values outside what AWS allows or what the model can say anything sensible about.
    pub fn validate(&self) -> Result<()> {
        if self.events_per_month == 0 {
            return Err(invalid(
                "events_per_month",
                "must be at least 1 event per month",
            ));
        }
        if self.events_per_month > MAX_EVENTS_PER_MONTH {
            return Err(invalid(
                "events_per_month",
                "is above the model's limit of 10^12 events per month",
            ));
        }
        // Every declared range (the body's is the stack's limit: it goes to S3, the queue and tables hold its key).
        check_declared(&INPUTS, &self.to_values())?;
        // Lambda's event source rules: batches above 10 need a window of at least 1 s, and a FIFO queue has no
        // window and takes at most 10 a batch.
        if self.batch_size > MAX_BATCH_WITHOUT_WINDOW
            && (self.queue == QueueKind::Fifo || self.batch_window_s < 1.0)
        {
            return Err(invalid(
                "batch_size",
                "above 10 needs a standard queue and a batching window of at least 1 s (batch_window_s)",
            ));
        }
        Ok(())
    }
}

fn on_off(on: bool) -> &'static str {
    if on { "on" } else { "off" }
}

/// An `on`/`off` input.
fn switch(values: &Values, name: &str) -> Result<Option<bool>> {
    match values.text(name)?.as_deref() {
        None => Ok(None),
        Some("on") => Ok(Some(true)),
        Some("off") => Ok(Some(false)),
        Some(other) => Err(invalid(name, format!("'{other}' is not on or off"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scaffold_error::Error;

    #[test]
    fn values_round_trip_and_name_every_input() {
        let heavy = ServerlessInput::heavy(5_000_000);
        assert_eq!(
            ServerlessInput::from_values(&heavy.to_values()).unwrap(),
            heavy
        );
        let values = heavy.to_values();
        let names: Vec<&str> = values.iter().map(|(k, _)| k).collect();
        // Every input, the write units too: the heavy example's 4 units are not what its 1 KB payload implies
        // (2 + 3 = 5), so they are kept.
        let mut specs: Vec<&str> = INPUTS.iter().map(|s| s.name.as_ref()).collect();
        specs.sort();
        assert_eq!(names, specs);
        // A workload whose write units are the derived ones leaves them out, to be derived again.
        let derived = ServerlessInput {
            write_units_per_event: ServerlessInput::derived_write_units(),
            ..heavy.clone()
        };
        assert_eq!(
            derived.to_values().number("write_units_per_event").unwrap(),
            None
        );
        assert_eq!(
            ServerlessInput::from_values(&derived.to_values()).unwrap(),
            derived
        );
        let own = ServerlessInput {
            write_units_per_event: 9.0,
            ..heavy.clone()
        };
        assert_eq!(
            own.to_values().number("write_units_per_event").unwrap(),
            Some(9.0)
        );
        assert_eq!(ServerlessInput::from_values(&own.to_values()).unwrap(), own);
        let mut v = Values::new();
        v.set("events_per_month", "2.5M");
        v.set("ingest_memory_mb", 256);
        v.set("tracing_sample", 0.05);
        let input = ServerlessInput::from_values(&v).unwrap();
        assert_eq!(input.events_per_month, 2_500_000);
        assert_eq!(input.ingest_memory_mb, 256);
        assert_eq!(input.batch_size, 10);
        v.set("arch", "sparc");
        let err = ServerlessInput::from_values(&v).unwrap_err();
        assert!(
            matches!(&err, Error::InvalidInput { field, .. } if field == "arch"),
            "{err}"
        );
    }

    #[test]
    fn refuses_out_of_range_inputs() {
        let bad = [
            ServerlessInput {
                events_per_month: 0,
                ..Default::default()
            },
            ServerlessInput {
                events_per_month: MAX_EVENTS_PER_MONTH + 1,
                ..Default::default()
            },
            ServerlessInput {
                payload_kb: -1.0,
                ..Default::default()
            },
            ServerlessInput {
                payload_kb: 2048.0,
                ..Default::default()
            },
            // 399.8 KB + 0.3 KB of attributes = 400.1 KB: past DynamoDB's 400 KB item.
            ServerlessInput {
                payload_kb: 399.8,
                ..Default::default()
            },
            ServerlessInput {
                ingest_memory_mb: 64,
                ..Default::default()
            },
            ServerlessInput {
                ingest_duration_ms: f64::NAN,
                ..Default::default()
            },
            ServerlessInput {
                tracing_sample: 1.5,
                ..Default::default()
            },
            ServerlessInput {
                batch_size: 0,
                ..Default::default()
            },
        ];
        for input in bad {
            let err = input.validate().unwrap_err();
            assert!(matches!(err, Error::InvalidInput { .. }), "{err}");
        }
    }
}
