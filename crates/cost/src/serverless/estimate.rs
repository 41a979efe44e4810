//! A priced month of the workload: one line item per service, the largest named, the free tier apart.

use serde::Serialize;

use super::input::{ApiKind, Arch, QueueKind, ServerlessInput};
use super::usage::{PLATFORM_LOG_KB_PER_INVOCATION, Usage};
use super::{fixed, s3};
use crate::{LineItem, Prices, REFERENCE_VOLUMES, format, item, largest_key};
use scaffold_error::Result;

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
    /// The total over the volume, per thousand events.
    pub per_thousand_events_usd: f64,
    /// The part of the logs line that is Lambda's own START, END and REPORT lines: it goes with Lambda.
    pub lambda_logs_usd: f64,
}

impl ServerlessEstimate {
    pub fn item(&self, key: &str) -> Option<&LineItem> {
        self.items.iter().find(|i| i.key == key)
    }

    pub fn largest_item(&self) -> Option<&LineItem> {
        self.item(&self.largest)
    }

    /// The line items whose keys are in `keys`, in the estimate's order.
    pub fn items_in<'a>(&'a self, keys: &'a [&str]) -> impl Iterator<Item = &'a LineItem> {
        self.items.iter().filter(|i| keys.contains(&i.key.as_str()))
    }

    /// The part of the bill that a move to containers removes: API Gateway and Lambda, Lambda's own log lines
    /// included.
    pub fn moving_usd(&self) -> f64 {
        self.items_in(&MOVING_KEYS).map(|i| i.usd).sum::<f64>() + self.lambda_logs_usd
    }

    /// The standing part of the bill: the key, the secrets, the alarms and the dashboards.
    pub fn standing_usd(&self) -> f64 {
        self.items_in(&fixed::STANDING_KEYS).map(|i| i.usd).sum()
    }

    /// The part that stays whatever runs the code: queue, table, logs, traces.
    pub fn shared_usd(&self) -> f64 {
        self.total_usd - self.moving_usd()
    }

    /// The same part when the code runs in containers: its own log lines are no longer Lambda's vended logs, so
    /// they pay the standard rate of CloudWatch Logs rather than the vended tiers.
    pub fn shared_in_containers_usd(&self, prices: &Prices) -> f64 {
        let own_gb = self.usage.log_gb - self.usage.platform_log_gb;
        self.shared_usd() - prices.get(LAMBDA_LOGS_KEY).cost(own_gb)
            + prices.get(STANDARD_LOGS_KEY).cost(own_gb)
    }
}

/// Line items that exist only because the code runs on API Gateway and Lambda.
pub const MOVING_KEYS: [&str; 3] = ["api", "lambda_requests", "lambda_duration"];

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
        LAMBDA_LOGS_KEY,
        "xray_traces_recorded",
    ]
}

/// What Lambda writes to CloudWatch Logs is priced as vended logs, in volume tiers (since 2025-05-01); log groups
/// that are not Lambda's stay at the standard rate, [`STANDARD_LOGS_KEY`].
pub const LAMBDA_LOGS_KEY: &str = "logs_ingest_lambda";

/// The standard rate of CloudWatch Logs ingestion: the code's own lines, once it runs in containers.
pub const STANDARD_LOGS_KEY: &str = "logs_ingest";

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
    let seconds = prices.seconds_per_month();
    let u = Usage::of(input, seconds);
    let n = input.events_per_month as f64;
    // Each line's price, in the order of `price_keys`, read the way `s3::items` reads the bucket's.
    let [api, lambda_req, duration, sqs, writes, reads, logs, xray] =
        price_keys(input).map(|k| prices.get(k));
    let c = format::count;
    // The average batch, as the formulas print it: 1.38 events, or the batch size when batches are full.
    let batch = format::decimals(u.batch, 2);

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
                "({} ingest + {} events / {} a batch processor) invocations x {}",
                c(n),
                c(n),
                batch,
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
                batch,
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
                "{} events x {} requests per event (1 send of the body's S3 key + 1 receive and 1 delete per batch of {}) x {}",
                c(n),
                format::decimals(u.sqs_requests_per_event, 4),
                batch,
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
                "({} events x {} KB + {} invocations x {} KB of START, END and REPORT lines) / 1,000,000 KB per GB x {}",
                c(n),
                format::plain(input.log_kb_per_event),
                c(u.invocations()),
                format::plain(PLATFORM_LOG_KB_PER_INVOCATION),
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
                "for each of {} traced function(s) (ingest {} invocations, processor {}): min(invocations, {} s in the month) + {} x the rest, = {} traces x {}",
                input.traced_functions,
                c(n),
                c(u.processor_invocations),
                c(seconds),
                format::plain(input.tracing_sample),
                c(u.traces),
                xray.describe()
            ),
        ),
    ];
    items.extend(s3::items(prices, input, &u));
    items.extend(fixed::items(prices, input, &u));
    let total_usd: f64 = items.iter().map(|i| i.usd).sum();
    let largest = largest_key(&items);

    let free = |key: &str, used: f64| used.min(prices.free(key));
    let free_req = free("lambda_requests", u.invocations());
    let free_gbs = free("lambda_gb_seconds", u.gb_seconds);
    let free_sqs = free("sqs_requests", u.sqs_requests);
    let free_traces = free("xray_traces_recorded", u.traces);
    let free_logs = free("logs_ingest", u.log_gb);
    let mut free_tier = vec![
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
    free_tier.extend(fixed::free_tier(prices, input, &u));
    let free_tier_usd: f64 = free_tier.iter().map(|i| i.usd).sum();
    items.iter_mut().for_each(|i| i.usd = clean(i.usd));
    let lambda_logs_usd = clean(logs.cost(u.log_gb) - logs.cost(u.log_gb - u.platform_log_gb));
    Ok(ServerlessEstimate {
        lambda_logs_usd,
        input: input.clone(),
        usage: u,
        total_usd,
        largest,
        free_tier_usd,
        after_free_tier_usd: (total_usd - free_tier_usd).max(0.0),
        per_thousand_events_usd: clean(total_usd / input.events_per_month as f64 * 1000.0),
        items,
        free_tier,
    })
}

/// The estimate at the reference volumes (10K, 1M, 100M) and at the input's own volume, smallest first, without
/// repeating a volume.
pub fn at_volumes(prices: &Prices, input: &ServerlessInput) -> Result<Vec<ServerlessEstimate>> {
    let mut volumes: Vec<u64> = REFERENCE_VOLUMES.to_vec();
    if !volumes.contains(&input.events_per_month) {
        volumes.push(input.events_per_month);
    }
    volumes.sort_unstable();
    volumes
        .iter()
        .map(|v| estimate(prices, &input.at(*v)))
        .collect()
}

/// Remove float noise far below a cent (e.g. 13.333400000000001) so JSON stays readable.
fn clean(usd: f64) -> f64 {
    (usd * 1e9).round() / 1e9
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MAX_EVENTS_PER_MONTH;

    fn prices() -> Prices {
        Prices::embedded().unwrap()
    }

    fn cents(usd: f64) -> i64 {
        (usd * 100.0).round() as i64
    }

    #[test]
    fn lean_worked_example_reproduces_to_the_cent() {
        // The lean example: 1 KB bodies in S3, kept 0 months; 6 write units per event (one transaction of the event
        // record and the state item, 2 each; idempotency put and update, 1 each); no batching window, so a batch is
        // the first message plus those that arrive while the previous batch runs (0.25 s), at most 10. A month is
        // 730 h x 3,600 = 2,628,000 s. At 100M events, by hand: 100M / 2,628,000 = 38.05 a second; 1 + 38.05 x 0.25
        // = 10.5 -> full batches of 10, so 10M processor invocations:
        //   api        100M x $1.00/M                                          = $100.00
        //   lambda req (100M + 10M) x $0.20/M                                  =  $22.00
        //   duration   (100M x 0.125 GB x 0.03 s + 10M x 0.25 GB x 0.25 s) = 1,000,000 GB-s x $0.0000133334 = $13.33
        //   sqs        100M x (1 + 2/10) x $0.40/M                             =  $48.00
        //   dynamodb   100M x 6 x $0.625/M                                     = $375.00
        //   logs       (100M x 1 KB + 110M invocations x 0.35 KB of START/END/REPORT) = 138.5 GB x $0.50 = $69.25
        //   s3         100M PUT x $0.005/1,000 + 100M GET x $0.0004/1,000     = $540.00
        //   total                                                              = $1,167.58
        // At 1M: 0.3805 a second; a batch is 1 + 0.3805 x 0.25 = 1.0951 events, so 1M / 1.0951 = 913,134
        // processor invocations (not 100,000):
        //   api $1.00; lambda req 1,913,134 x $0.20/M = $0.3826; duration (3,750 + 913,134 x 0.0625 = 60,821 GB-s)
        //   x $0.0000133334 = $0.8109; sqs (1M + 2 x 913,134) x $0.40/M = $1.1305; dynamodb $3.75; logs (1M KB +
        //   1,913,134 x 0.35 KB) = 1.6696 GB x $0.50 = $0.8348; s3 $5.40; total $13.3089 -> 1,331 cents.
        // At 10K: a batch is 1.00095; 9,990.5 processor invocations: api $0.01 + requests $0.0040 + duration
        // (37.5 + 624.4 GB-s) $0.0088 + sqs $0.0120 + dynamodb $0.0375 + logs (10,000 + 6,996.7 KB) $0.0085 + s3
        // $0.054 = $0.1348 -> 13 cents.
        let p = prices();
        let lean = ServerlessInput::default();
        assert_eq!(cents(estimate(&p, &lean.at(10_000)).unwrap().total_usd), 13);
        let mid = estimate(&p, &lean.at(1_000_000)).unwrap();
        assert_eq!(cents(mid.total_usd), 1331);
        assert!((mid.usage.processor_invocations - 913_134.0).abs() < 1.0);
        let big = estimate(&p, &lean.at(100_000_000)).unwrap();
        assert_eq!(cents(big.total_usd), 116758);
        let usd = |k: &str| cents(big.item(k).unwrap().usd);
        assert_eq!(usd("s3_requests"), 54000);
        assert_eq!(usd("s3_storage"), 0);
        assert_eq!(usd("dynamodb"), 37500);
        assert_eq!(usd("api"), 10000);
        assert_eq!(usd("logs"), 6925);
        assert_eq!(usd("sqs"), 4800);
        assert_eq!(usd("lambda_requests") + usd("lambda_duration"), 3533);
        assert_eq!(usd("lambda_requests"), 2200);
        assert_eq!(usd("tracing"), 0);
        assert_eq!(big.largest, "s3_requests");
        // What leaves with the code: API, Lambda $35.33 and Lambda's log lines 38.5 GB x $0.50 = $19.25.
        assert_eq!(cents(big.moving_usd()), 10000 + 3533 + 1925);
    }

    #[test]
    fn heavy_worked_example_matches_the_reference() {
        let heavy = estimate(&prices(), &ServerlessInput::heavy(100_000_000)).unwrap();
        // The reference's $2,189.17 plus the bodies' S3 requests: 100M x ($0.005 + $0.0004) / 1,000 = $540, plus
        // Lambda's own log lines: batches of 1 make 200M invocations x 0.35 KB = 70 GB x $0.50 = $35 (the logs line
        // goes from 500 GB, $250, to 570 GB, $285).
        assert_eq!(cents(heavy.total_usd), 218917 + 54000 + 3500);
        assert_eq!(cents(heavy.item("logs").unwrap().usd), 28500);
        assert_eq!(heavy.largest, "tracing");
        assert_eq!(cents(heavy.item("tracing").unwrap().usd), 100000);
        assert_eq!(cents(heavy.item("api").unwrap().usd), 35000);
        assert_eq!(cents(heavy.item("sqs").unwrap().usd), 12000);
    }

    #[test]
    fn free_tier_is_applied_per_allowance_and_kept_apart() {
        let p = prices();
        // 10K events: everything Lambda, SQS and logs use fits in the free tier; API, DynamoDB and S3 do not.
        let small = estimate(&p, &ServerlessInput::default().at(10_000)).unwrap();
        let lambda_and_sqs: f64 = ["lambda_requests", "lambda_duration", "sqs", "logs"]
            .iter()
            .map(|k| small.item(k).unwrap().usd)
            .sum();
        // Line items are kept to the billionth of a dollar; the allowances are not rounded.
        assert!((small.free_tier_usd - lambda_and_sqs).abs() < 1e-8);
        let expected_after: f64 = ["api", "dynamodb", "s3_requests", "s3_storage"]
            .iter()
            .map(|k| small.item(k).unwrap().usd)
            .sum();
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
    fn tiers_lower_the_marginal_price_at_huge_volumes() {
        let p = prices();
        let at = |n: u64| estimate(&p, &ServerlessInput::default().at(n)).unwrap();
        let huge = at(MAX_EVENTS_PER_MONTH);
        // 10^12 HTTP requests: 300M at $1.00/M and the rest at $0.90/M.
        let expected_api = 300.0 + (1e12 - 3e8) / 1e6 * 0.90;
        assert!((huge.item("api").unwrap().usd - expected_api).abs() < 1e-3);
        assert!(huge.total_usd > at(MAX_EVENTS_PER_MONTH / 2).total_usd);
    }

    #[test]
    fn lambda_logs_are_priced_in_the_vended_tiers() {
        // Since 2025-05-01 what Lambda writes to CloudWatch Logs (the functions' own lines and the START, END and
        // REPORT lines) is billed as vended logs: $0.50 a GB for the first 10 TB (10,240 GB), $0.25 for the next
        // 20 TB, $0.10 for the next 20 TB, $0.05 above 50 TB. The lean example at 10B events, by hand: 10B /
        // 2,628,000 s = 3,805 events a second fill every batch of 10, so 1B processor invocations:
        //   logs   10B x 1 KB + 11B invocations x 0.35 KB = 10,000,000,000 + 3,850,000,000 KB = 13,850 GB
        //          10,240 GB x $0.50 = $5,120.00, then 3,610 GB x $0.25 = $902.50: $6,022.50
        //          (the flat $0.50 a GB gave 13,850 x $0.50 = $6,925.00)
        // Lambda's own lines are the last 3,850 GB of the month: 3,610 GB x $0.25 + 240 GB x $0.50 = $1,022.50, the
        // part that leaves with Lambda.
        let big = estimate(&prices(), &ServerlessInput::default().at(10_000_000_000)).unwrap();
        assert!(
            (big.usage.log_gb - 13_850.0).abs() < 1e-6,
            "{}",
            big.usage.log_gb
        );
        assert_eq!(cents(big.item("logs").unwrap().usd), 602_250);
        assert_eq!(cents(big.lambda_logs_usd), 102_250);
        // Below the first bound nothing changes: 138.5 GB at 100M events is $69.25, as at the flat rate.
        let mid = estimate(&prices(), &ServerlessInput::default().at(100_000_000)).unwrap();
        assert_eq!(cents(mid.item("logs").unwrap().usd), 6925);
    }

    proptest::proptest! {
        #[test]
        fn cost_never_falls_as_volume_grows(
            a in 1u64..=MAX_EVENTS_PER_MONTH,
            b in 1u64..=MAX_EVENTS_PER_MONTH,
            payload in 0.5f64..=256.0,
            rest in proptest::bool::ANY,
            x86 in proptest::bool::ANY,
            batch in 1u32..=100,
            window in 0u32..=20,
            sample in 0.0f64..=1.0,
        ) {
            let p = prices();
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            let base = ServerlessInput {
                payload_kb: payload,
                api: if rest { ApiKind::Rest } else { ApiKind::Http },
                arch: if x86 { Arch::X86_64 } else { Arch::Arm64 },
                batch_size: batch,
                // Batches above 10 need a window of at least 1 s.
                batch_window_s: f64::from(if batch > 10 { window.max(1) } else { window }),
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
