//! What the serverless model reads: the workload, with the limits AWS and the model put on each value.

use serde::Serialize;

use crate::cost::{MAX_EVENTS_PER_MONTH, check_range, format, invalid};
use crate::error::Result;

/// Lambda architecture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Arch {
    Arm64,
    X86_64,
}

impl Arch {
    pub fn as_str(self) -> &'static str {
        match self {
            Arch::Arm64 => "arm64",
            Arch::X86_64 => "x86_64",
        }
    }
    pub fn parse(text: &str) -> Result<Arch> {
        match text {
            "arm64" => Ok(Arch::Arm64),
            "x86_64" => Ok(Arch::X86_64),
            other => Err(invalid("arch", format!("'{other}' is not arm64 or x86_64"))),
        }
    }
}

/// API Gateway flavour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ApiKind {
    Http,
    Rest,
}

impl ApiKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ApiKind::Http => "http",
            ApiKind::Rest => "rest",
        }
    }
}

/// SQS queue type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QueueKind {
    Standard,
    Fifo,
}

impl QueueKind {
    pub fn as_str(self) -> &'static str {
        match self {
            QueueKind::Standard => "standard",
            QueueKind::Fifo => "fifo",
        }
    }
    pub fn parse(text: &str) -> Result<QueueKind> {
        match text {
            "standard" => Ok(QueueKind::Standard),
            "fifo" => Ok(QueueKind::Fifo),
            other => Err(invalid(
                "queue",
                format!("'{other}' is not standard or fifo"),
            )),
        }
    }
}

/// The workload. `Default` is the lean worked example of the reference notes.
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
    pub batch_size: u32,
    pub write_units_per_event: f64,
    pub read_units_per_event: f64,
    pub log_kb_per_event: f64,
    /// Share of invocations traced by X-Ray, 0..=1.
    pub tracing_sample: f64,
}

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
            write_units_per_event: 3.0,
            read_units_per_event: 0.0,
            log_kb_per_event: 1.0,
            tracing_sample: 0.0,
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
            ..ServerlessInput::default()
        }
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
        check_range(
            "payload_kb",
            self.payload_kb,
            0.001,
            1024.0,
            "a payload (SQS holds at most 1 MB)",
        )?;
        check_range(
            "ingest_memory_mb",
            self.ingest_memory_mb as f64,
            128.0,
            10240.0,
            "Lambda memory in MB",
        )?;
        check_range(
            "processor_memory_mb",
            self.processor_memory_mb as f64,
            128.0,
            10240.0,
            "Lambda memory in MB",
        )?;
        check_range(
            "ingest_duration_ms",
            self.ingest_duration_ms,
            1.0,
            900_000.0,
            "a Lambda duration in ms",
        )?;
        check_range(
            "processor_duration_ms",
            self.processor_duration_ms,
            1.0,
            900_000.0,
            "a Lambda duration in ms",
        )?;
        check_range(
            "batch_size",
            self.batch_size as f64,
            1.0,
            10_000.0,
            "an SQS batch size",
        )?;
        check_range(
            "write_units_per_event",
            self.write_units_per_event,
            0.0,
            1000.0,
            "write units per event",
        )?;
        check_range(
            "read_units_per_event",
            self.read_units_per_event,
            0.0,
            1000.0,
            "read units per event",
        )?;
        check_range(
            "log_kb_per_event",
            self.log_kb_per_event,
            0.0,
            1024.0,
            "log KB per event",
        )?;
        check_range(
            "tracing_sample",
            self.tracing_sample,
            0.0,
            1.0,
            "a sampling share",
        )?;
        Ok(())
    }
}

/// The `scaffold cost` flags that reproduce this workload (defaults left out), after `--events-per-month N`.
pub fn command_flags(input: &ServerlessInput) -> String {
    let d = ServerlessInput::default();
    let mut flags = format!("--events-per-month {}", input.events_per_month);
    let mut add = |name: &str, value: String, default: String| {
        if value != default {
            flags.push_str(&format!(" --{name} {value}"));
        }
    };
    add(
        "payload-kb",
        format::plain(input.payload_kb),
        format::plain(d.payload_kb),
    );
    add("arch", input.arch.as_str().into(), d.arch.as_str().into());
    add("api", input.api.as_str().into(), d.api.as_str().into());
    add(
        "queue",
        input.queue.as_str().into(),
        d.queue.as_str().into(),
    );
    add(
        "memory-mb",
        input.ingest_memory_mb.to_string(),
        d.ingest_memory_mb.to_string(),
    );
    add(
        "duration-ms",
        format::plain(input.ingest_duration_ms),
        format::plain(d.ingest_duration_ms),
    );
    add(
        "processor-memory-mb",
        input.processor_memory_mb.to_string(),
        d.processor_memory_mb.to_string(),
    );
    add(
        "processor-duration-ms",
        format::plain(input.processor_duration_ms),
        format::plain(d.processor_duration_ms),
    );
    add(
        "batch-size",
        input.batch_size.to_string(),
        d.batch_size.to_string(),
    );
    add(
        "write-units",
        format::plain(input.write_units_per_event),
        format::plain(d.write_units_per_event),
    );
    add(
        "read-units",
        format::plain(input.read_units_per_event),
        format::plain(d.read_units_per_event),
    );
    add(
        "log-kb-per-event",
        format::plain(input.log_kb_per_event),
        format::plain(d.log_kb_per_event),
    );
    add(
        "tracing-sample",
        format::plain(input.tracing_sample),
        format::plain(d.tracing_sample),
    );
    flags
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;

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
