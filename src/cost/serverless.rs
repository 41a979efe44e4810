//! Monthly cost of the `serverless-webhook` kind: HTTP API -> ingest function -> SQS -> processor function ->
//! DynamoDB, with CloudWatch Logs and X-Ray.
//!
//! Every line item is quantity x price. The quantities follow the shape of the generated project: one API request
//! and one ingest invocation per event, one processor invocation per batch, one SQS send per event plus one receive
//! and one delete per batch (each billed per 64 KB chunk), a fixed number of DynamoDB request units per event, and
//! log bytes per event. Free tiers are computed apart: they belong to the account, not to this project.

use serde::Serialize;

use super::{LineItem, MAX_EVENTS_PER_MONTH, Prices, check_range, format, invalid};
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

/// A monthly estimate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServerlessEstimate {
    pub input: ServerlessInput,
    pub usage: Usage,
    pub items: Vec<LineItem>,
    pub total_usd: f64,
    /// Key of the largest line item.
    pub largest: String,
    /// What the always-free allowances would take off, shown apart.
    pub free_tier: Vec<LineItem>,
    pub free_tier_usd: f64,
    pub after_free_tier_usd: f64,
}

impl ServerlessEstimate {
    pub fn item(&self, key: &str) -> Option<&LineItem> {
        self.items.iter().find(|i| i.key == key)
    }

    pub fn largest_item(&self) -> Option<&LineItem> {
        self.item(&self.largest)
    }

    /// The part of the bill that a move to containers removes: API Gateway and Lambda.
    pub fn moving_usd(&self) -> f64 {
        self.items
            .iter()
            .filter(|i| MOVING_KEYS.contains(&i.key.as_str()))
            .map(|i| i.usd)
            .sum()
    }

    /// The part that stays whatever runs the code: queue, table, logs, traces.
    pub fn shared_usd(&self) -> f64 {
        self.total_usd - self.moving_usd()
    }
}

/// Line items that exist only because the code runs on API Gateway and Lambda.
pub const MOVING_KEYS: [&str; 3] = ["api", "lambda_requests", "lambda_duration"];

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

/// Price keys used by each line item (for documents and prices.json).
pub fn price_keys(input: &ServerlessInput) -> [&'static str; 8] {
    [
        match input.api {
            ApiKind::Http => "api_http_requests",
            ApiKind::Rest => "api_rest_requests",
        },
        "lambda_requests",
        duration_key(input.arch),
        sqs_key(input.queue),
        "dynamodb_write_units",
        "dynamodb_read_units",
        "logs_ingest",
        "xray_traces_recorded",
    ]
}

fn duration_key(arch: Arch) -> &'static str {
    match arch {
        Arch::Arm64 => "lambda_duration_arm64",
        Arch::X86_64 => "lambda_duration_x86_64",
    }
}

fn sqs_key(queue: QueueKind) -> &'static str {
    match queue {
        QueueKind::Standard => "sqs_standard_requests",
        QueueKind::Fifo => "sqs_fifo_requests",
    }
}

/// Estimate one month. Validates the input first.
pub fn estimate(prices: &Prices, input: &ServerlessInput) -> Result<ServerlessEstimate> {
    input.validate()?;
    let u = Usage::of(input);
    let n = input.events_per_month as f64;
    let [
        api_key,
        req_key,
        dur_key,
        sqs_key,
        w_key,
        r_key,
        logs_key,
        xray_key,
    ] = price_keys(input);
    let api = prices.get(api_key);
    let lambda_req = prices.get(req_key);
    let duration = prices.get(dur_key);
    let sqs = prices.get(sqs_key);
    let writes = prices.get(w_key);
    let reads = prices.get(r_key);
    let logs = prices.get(logs_key);
    let xray = prices.get(xray_key);
    let c = format::count;

    let api_label = match input.api {
        ApiKind::Http => "API Gateway HTTP API",
        ApiKind::Rest => "API Gateway REST API",
    };
    let api_formula = match input.api {
        ApiKind::Http => format!(
            "{} events x {} request(s) per event (HTTP APIs meter each 512 KB; payload {} KB) x {}",
            c(n),
            format::plain(u.api_requests / n),
            format::plain(input.payload_kb),
            api.describe()
        ),
        ApiKind::Rest => format!("{} events x 1 request per event x {}", c(n), api.describe()),
    };
    let mut items = vec![
        item(
            "api",
            api_label,
            u.api_requests,
            "requests",
            api.cost(u.api_requests),
            api_formula,
        ),
        item(
            "lambda_requests",
            "Lambda requests",
            u.invocations(),
            "invocations",
            lambda_req.cost(u.invocations()),
            format!(
                "({} ingest + {} events / batch of {} processor) invocations x {}",
                c(n),
                c(n),
                input.batch_size,
                lambda_req.describe()
            ),
        ),
        item(
            "lambda_duration",
            &format!("Lambda duration ({})", input.arch.as_str()),
            u.gb_seconds,
            "GB-seconds",
            duration.cost(u.gb_seconds),
            format!(
                "({} x {} MB/1024 x {} ms/1000 + {} / {} x {} MB/1024 x {} ms/1000) GB-s x {}",
                c(n),
                input.ingest_memory_mb,
                format::plain(input.ingest_duration_ms),
                c(n),
                input.batch_size,
                input.processor_memory_mb,
                format::plain(input.processor_duration_ms),
                duration.describe()
            ),
        ),
        item(
            "sqs",
            &format!("SQS ({} queue)", input.queue.as_str()),
            u.sqs_requests,
            "requests",
            sqs.cost(u.sqs_requests),
            format!(
                "{} events x {} requests per event (1 send per 64 KB chunk + 1 receive per 64 KB of a batch + 1 delete, per batch of {}) x {}",
                c(n),
                format::plain(u.sqs_requests_per_event),
                input.batch_size,
                sqs.describe()
            ),
        ),
        item(
            "dynamodb",
            "DynamoDB on-demand",
            u.write_units + u.read_units,
            "request units",
            writes.cost(u.write_units) + reads.cost(u.read_units),
            format!(
                "{} events x {} write units x {} + {} events x {} read units x {}",
                c(n),
                format::plain(input.write_units_per_event),
                writes.describe(),
                c(n),
                format::plain(input.read_units_per_event),
                reads.describe()
            ),
        ),
        item(
            "logs",
            "CloudWatch Logs ingestion",
            u.log_gb,
            "GB",
            logs.cost(u.log_gb),
            format!(
                "{} events x {} KB / 1,000,000 KB per GB x {}",
                c(n),
                format::plain(input.log_kb_per_event),
                logs.describe()
            ),
        ),
        item(
            "tracing",
            "X-Ray traces",
            u.traces,
            "traces",
            xray.cost(u.traces),
            format!(
                "{} sampled x ({} ingest + {} processor invocations) x {}",
                format::plain(input.tracing_sample),
                c(n),
                c(u.processor_invocations),
                xray.describe()
            ),
        ),
    ];
    let total_usd: f64 = items.iter().map(|i| i.usd).sum();
    let largest = largest_key(&items);

    let free = |key: &str, used: f64| used.min(prices.free(key));
    let free_req = free("lambda_requests", u.invocations());
    let free_gbs = free("lambda_gb_seconds", u.gb_seconds);
    let free_sqs = free("sqs_requests", u.sqs_requests);
    let free_traces = free("xray_traces_recorded", u.traces);
    let free_logs = free("logs_ingest", u.log_gb);
    let free_tier = vec![
        item(
            "lambda_requests",
            "Lambda requests",
            free_req,
            "invocations",
            lambda_req.cost(free_req),
            format!(
                "min({} invocations, {} free) x {}",
                c(u.invocations()),
                c(prices.free("lambda_requests")),
                lambda_req.describe()
            ),
        ),
        item(
            "lambda_duration",
            "Lambda duration",
            free_gbs,
            "GB-seconds",
            duration.cost(free_gbs),
            format!(
                "min({} GB-s, {} free) x {}",
                c(u.gb_seconds),
                c(prices.free("lambda_gb_seconds")),
                duration.describe()
            ),
        ),
        item(
            "sqs",
            "SQS",
            free_sqs,
            "requests",
            sqs.cost(free_sqs),
            format!(
                "min({} requests, {} free) x {}",
                c(u.sqs_requests),
                c(prices.free("sqs_requests")),
                sqs.describe()
            ),
        ),
        item(
            "logs",
            "CloudWatch Logs ingestion",
            free_logs,
            "GB",
            logs.cost(free_logs),
            format!(
                "min({} GB, {} free) x {}",
                format::plain(u.log_gb),
                format::plain(prices.free("logs_ingest")),
                logs.describe()
            ),
        ),
        item(
            "tracing",
            "X-Ray traces",
            free_traces,
            "traces",
            xray.cost(free_traces),
            format!(
                "min({} traces, {} free) x {}",
                c(u.traces),
                c(prices.free("xray_traces_recorded")),
                xray.describe()
            ),
        ),
    ];
    let free_tier_usd: f64 = free_tier.iter().map(|i| i.usd).sum();
    items.iter_mut().for_each(|i| i.usd = clean(i.usd));
    Ok(ServerlessEstimate {
        input: input.clone(),
        usage: u,
        total_usd,
        largest,
        free_tier_usd,
        after_free_tier_usd: (total_usd - free_tier_usd).max(0.0),
        items,
        free_tier,
    })
}

/// The estimate at the reference volumes (10K, 1M, 100M) and at the input's own volume, in that order, without
/// repeating a volume.
pub fn at_volumes(prices: &Prices, input: &ServerlessInput) -> Result<Vec<ServerlessEstimate>> {
    let mut volumes: Vec<u64> = super::REFERENCE_VOLUMES.to_vec();
    if !volumes.contains(&input.events_per_month) {
        volumes.push(input.events_per_month);
    }
    volumes
        .iter()
        .map(|v| estimate(prices, &input.at(*v)))
        .collect()
}

pub(crate) fn item(
    key: &str,
    label: &str,
    quantity: f64,
    unit: &str,
    usd: f64,
    formula: String,
) -> LineItem {
    LineItem {
        key: key.into(),
        label: label.into(),
        quantity,
        unit: unit.into(),
        usd,
        formula,
    }
}

/// Remove float noise far below a cent (e.g. 13.333400000000001) so JSON stays readable.
fn clean(usd: f64) -> f64 {
    (usd * 1e9).round() / 1e9
}

pub(crate) fn largest_key(items: &[LineItem]) -> String {
    // Ties keep the first item in display order, so the answer is deterministic.
    let mut best: Option<&LineItem> = None;
    for i in items {
        if best.is_none_or(|b| i.usd > b.usd) {
            best = Some(i);
        }
    }
    best.map(|i| i.key.clone()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;

    fn prices() -> Prices {
        Prices::embedded().unwrap()
    }

    fn cents(usd: f64) -> i64 {
        (usd * 100.0).round() as i64
    }

    #[test]
    fn lean_worked_example_reproduces_to_the_cent() {
        let p = prices();
        let lean = ServerlessInput::default();
        assert_eq!(cents(estimate(&p, &lean.at(10_000)).unwrap().total_usd), 4);
        assert_eq!(
            cents(estimate(&p, &lean.at(1_000_000)).unwrap().total_usd),
            421
        );
        let big = estimate(&p, &lean.at(100_000_000)).unwrap();
        assert_eq!(cents(big.total_usd), 42083);
        let usd = |k: &str| cents(big.item(k).unwrap().usd);
        assert_eq!(usd("dynamodb"), 18750);
        assert_eq!(usd("api"), 10000);
        assert_eq!(usd("logs"), 5000);
        assert_eq!(usd("sqs"), 4800);
        assert_eq!(usd("lambda_requests") + usd("lambda_duration"), 3533);
        assert_eq!(usd("lambda_requests"), 2200);
        assert_eq!(usd("tracing"), 0);
        assert_eq!(big.largest, "dynamodb");
        assert_eq!(cents(big.moving_usd()), 13533);
    }

    #[test]
    fn heavy_worked_example_matches_the_reference() {
        let heavy = estimate(&prices(), &ServerlessInput::heavy(100_000_000)).unwrap();
        assert_eq!(cents(heavy.total_usd), 218917);
        assert_eq!(heavy.largest, "tracing");
        assert_eq!(cents(heavy.item("tracing").unwrap().usd), 100000);
        assert_eq!(cents(heavy.item("api").unwrap().usd), 35000);
        assert_eq!(cents(heavy.item("sqs").unwrap().usd), 12000);
    }

    #[test]
    fn free_tier_is_applied_per_allowance_and_kept_apart() {
        let p = prices();
        // 10K events: everything Lambda, SQS and logs use fits in the free tier; API and DynamoDB do not.
        let small = estimate(&p, &ServerlessInput::default().at(10_000)).unwrap();
        let lambda_and_sqs: f64 = ["lambda_requests", "lambda_duration", "sqs", "logs"]
            .iter()
            .map(|k| small.item(k).unwrap().usd)
            .sum();
        assert!((small.free_tier_usd - lambda_and_sqs).abs() < 1e-12);
        let expected_after = small.item("api").unwrap().usd + small.item("dynamodb").unwrap().usd;
        assert!((small.after_free_tier_usd - expected_after).abs() < 1e-12);
        // 100M events: the allowances are capped: 1M requests x $0.20/M + 400,000 GB-s x $0.0000133334 +
        // 1M SQS x $0.40/M + 5 GB x $0.50.
        let big = estimate(&p, &ServerlessInput::default().at(100_000_000)).unwrap();
        let capped = 0.20 + 400_000.0 * 0.0000133334 + 0.40 + 2.50;
        assert!(
            (big.free_tier_usd - capped).abs() < 1e-9,
            "{}",
            big.free_tier_usd
        );
        assert!((big.total_usd - big.after_free_tier_usd - capped).abs() < 1e-9);
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

    #[test]
    fn refuses_out_of_range_inputs() {
        let p = prices();
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
            let err = estimate(&p, &input).unwrap_err();
            assert!(matches!(err, Error::InvalidInput { .. }), "{err}");
        }
    }

    #[test]
    fn tiers_lower_the_marginal_price_at_huge_volumes() {
        let p = prices();
        let at = |n: u64| estimate(&p, &ServerlessInput::default().at(n)).unwrap();
        let huge = at(MAX_EVENTS_PER_MONTH);
        // 10^12 HTTP requests: 300M at $1.00/M and the rest at $0.90/M.
        let expected_api = 300.0 + (1e12 - 3e8) / 1e6 * 0.90;
        assert!((huge.item("api").unwrap().usd - expected_api).abs() < 1e-3);
        assert!(huge.total_usd > at(MAX_EVENTS_PER_MONTH / 2).total_usd);
    }

    proptest::proptest! {
        #[test]
        fn cost_never_falls_as_volume_grows(
            a in 1u64..=MAX_EVENTS_PER_MONTH,
            b in 1u64..=MAX_EVENTS_PER_MONTH,
            payload in 0.5f64..1024.0,
            rest in proptest::bool::ANY,
            x86 in proptest::bool::ANY,
            batch in 1u32..=100,
            sample in 0.0f64..=1.0,
        ) {
            let p = prices();
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            let base = ServerlessInput {
                payload_kb: payload,
                api: if rest { ApiKind::Rest } else { ApiKind::Http },
                arch: if x86 { Arch::X86_64 } else { Arch::Arm64 },
                batch_size: batch,
                tracing_sample: sample,
                ..Default::default()
            };
            let low = estimate(&p, &base.at(lo)).unwrap();
            let high = estimate(&p, &base.at(hi)).unwrap();
            proptest::prop_assert!(low.total_usd <= high.total_usd + 1e-9 * high.total_usd);
            for (l, h) in low.items.iter().zip(&high.items) {
                proptest::prop_assert!(l.usd <= h.usd + 1e-9 * h.usd.max(1.0), "{} fell", l.key);
            }
            proptest::prop_assert!(high.after_free_tier_usd >= 0.0);
            proptest::prop_assert!(high.free_tier_usd <= high.total_usd + 1e-9);
        }
    }
}
