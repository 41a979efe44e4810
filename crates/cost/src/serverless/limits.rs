//! Limits sized from the workload: the API's throttle, the processor's concurrency and a monthly budget. The
//! stack takes them as its parameters' defaults, so a bigger expected volume gets a stack that can carry it.

use serde::Serialize;

use super::estimate::ServerlessEstimate;
use super::input::ServerlessInput;
use super::usage::expected_batch;
use crate::{Prices, format};

/// Peak request rate over the month's mean rate that the limits are sized for.
pub const PEAK_FACTOR: f64 = 10.0;
/// Fewest requests per second the API throttle allows, however small the volume: senders deliver in bursts.
pub const RATE_FLOOR: u64 = 100;
/// The account's HTTP API limit, shared by every API in the Region (raisable).
pub const ACCOUNT_RATE_LIMIT: u64 = 10_000;
/// Burst over the steady rate, and the most the stack's burst parameter takes.
pub const BURST_FACTOR: u64 = 2;
pub const MAX_BURST: u64 = 5_000;
/// The processor gets twice the concurrency the peak needs, so a backlog drains while new events arrive.
pub const DRAIN_FACTOR: f64 = 2.0;
/// Fewest and most concurrent processor invocations (the SQS event source allows 2 to 1,000).
pub const CONCURRENCY_FLOOR: u64 = 10;
pub const CONCURRENCY_CEILING: u64 = 1_000;
/// Lambda's default concurrency quota per account and Region, shared by every function.
pub const ACCOUNT_CONCURRENCY: u64 = 1_000;
/// Write request units a second an on-demand DynamoDB table takes by default (a quota that can be raised; the
/// DynamoDB quotas page, checked 2026-12-06).
pub const TABLE_WRITE_UNITS_PER_SECOND: u64 = 40_000;

/// A budget never below this many dollars, and twice the estimate above it.
pub const BUDGET_FLOOR_USD: f64 = 10.0;
pub const BUDGET_FACTOR: f64 = 2.0;

/// The limits of one workload.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Limits {
    pub peak_factor: f64,
    /// Mean and peak requests per second, and as documents print them (`0.38`).
    pub mean_rps: f64,
    pub peak_rps: f64,
    pub mean_rps_text: String,
    pub peak_rps_text: String,
    /// `ApiThrottleRateLimit`: max(100, ceil(peak rps)), at most the account's 10,000.
    pub api_rate_limit: u64,
    /// `ApiThrottleBurstLimit`: 2 x the rate, at most 5,000.
    pub api_burst_limit: u64,
    /// `ProcessorMaxConcurrency`: max(10, ceil(2 x peak rps / the batch gathered at the peak x processor seconds)),
    /// at most 1,000.
    pub processor_concurrency: u64,
    /// Concurrent ingest invocations at the peak: ceil(peak rps x ingest seconds).
    pub ingest_peak_concurrency: u64,
    /// Ingest at the peak plus the processor's ceiling, against the account's default of 1,000.
    pub peak_concurrency: u64,
    pub account_concurrency: u64,
    pub account_rate_limit: u64,
    /// The peak needs more than the account allows by default: ask for a quota increase first.
    pub above_account_limits: bool,
    /// Monthly budget in whole dollars: ceil(max(10, 2 x the estimate)).
    pub budget_usd: u64,
}

impl Limits {
    pub fn of(prices: &Prices, estimate: &ServerlessEstimate) -> Limits {
        let input = &estimate.input;
        let mean_rps = input.events_per_month as f64 / prices.seconds_per_month();
        let peak_rps = mean_rps * PEAK_FACTOR;
        let needed_rate = peak_rps.ceil() as u64;
        let api_rate_limit = needed_rate.clamp(RATE_FLOOR, ACCOUNT_RATE_LIMIT);
        let api_burst_limit = (api_rate_limit * BURST_FACTOR).min(MAX_BURST);
        let needed_processor = processor_needed(input, peak_rps).ceil() as u64;
        let processor_concurrency = needed_processor.clamp(CONCURRENCY_FLOOR, CONCURRENCY_CEILING);
        let ingest_peak_concurrency = (peak_rps * input.ingest_duration_ms / 1000.0).ceil() as u64;
        let peak_concurrency = ingest_peak_concurrency + processor_concurrency;
        Limits {
            peak_factor: PEAK_FACTOR,
            mean_rps,
            peak_rps,
            mean_rps_text: format!("{mean_rps:.2}"),
            peak_rps_text: format!("{peak_rps:.2}"),
            api_rate_limit,
            api_burst_limit,
            processor_concurrency,
            ingest_peak_concurrency,
            peak_concurrency,
            account_concurrency: ACCOUNT_CONCURRENCY,
            account_rate_limit: ACCOUNT_RATE_LIMIT,
            above_account_limits: peak_concurrency > ACCOUNT_CONCURRENCY
                || needed_rate > ACCOUNT_RATE_LIMIT
                || needed_processor > CONCURRENCY_CEILING,
            budget_usd: budget_usd(estimate.total_usd),
        }
    }
}

/// A quota the workload's peak goes past, and what to do.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuotaWarning {
    /// The limit, named: `api_rate`, `processor_concurrency`, `table_write_units`, `account_concurrency`.
    pub limit: String,
    pub sentence: String,
    /// What the peak needs and what the quota allows, in the limit's unit (requests, invocations or write units
    /// a second), and as documents print them (`776,256`).
    pub needed: u64,
    pub quota: u64,
    pub needed_text: String,
    pub quota_text: String,
}

/// Concurrent processor invocations the peak needs: [`DRAIN_FACTOR`] x the peak's batches a second x the seconds
/// each takes, with the batch the event source gathers at that rate.
fn processor_needed(input: &ServerlessInput, peak_rps: f64) -> f64 {
    DRAIN_FACTOR * peak_rps / expected_batch(input, peak_rps) * input.processor_duration_ms / 1000.0
}

/// One quota, what the peak needs of it, and the sentence saying so (given the two figures as printed).
struct Check {
    limit: &'static str,
    needed: f64,
    quota: u64,
    say: fn(&str, &str) -> String,
}

/// Every quota the workload's peak (the mean rate x [`PEAK_FACTOR`]) goes past, each named with its figure.
pub fn quota_warnings(prices: &Prices, estimate: &ServerlessEstimate) -> Vec<QuotaWarning> {
    let input = &estimate.input;
    let l = Limits::of(prices, estimate);
    let processor = processor_needed(input, l.peak_rps).ceil();
    let checks = [
        Check {
            limit: "api_rate",
            needed: l.peak_rps,
            quota: ACCOUNT_RATE_LIMIT,
            say: |needed, quota| {
                format!(
                    "The peak of {needed} requests a second is past the API throttle's ceiling of {quota} (the account's HTTP API quota, and the throttle parameter's MaxValue): ask AWS for more, or split the traffic across APIs."
                )
            },
        },
        Check {
            limit: "processor_concurrency",
            needed: processor,
            quota: CONCURRENCY_CEILING,
            say: |needed, quota| {
                format!(
                    "The processor needs {needed} concurrent invocations at the peak, past the {quota} an SQS event source scales one function to: raise the batch size, shorten the processing or shard the queue."
                )
            },
        },
        Check {
            limit: "table_write_units",
            needed: l.peak_rps * input.write_units_per_event,
            quota: TABLE_WRITE_UNITS_PER_SECOND,
            say: |needed, quota| {
                format!(
                    "The tables take {needed} write units a second between them at the peak, and DynamoDB allows {quota} per on-demand table by default: check each table's share and ask for a higher quota where it is past."
                )
            },
        },
        Check {
            limit: "account_concurrency",
            needed: l.ingest_peak_concurrency as f64 + processor,
            quota: ACCOUNT_CONCURRENCY,
            say: |needed, quota| {
                format!(
                    "Ingest and processor need {needed} concurrent Lambda invocations at the peak, past the account's default of {quota} a Region: ask for a concurrency increase first."
                )
            },
        },
    ];
    checks
        .into_iter()
        .filter(|c| c.needed > c.quota as f64)
        .map(|c| {
            let needed = c.needed.ceil() as u64;
            let needed_text = format::thousands(needed);
            let quota_text = format::thousands(c.quota);
            QuotaWarning {
                limit: c.limit.into(),
                sentence: (c.say)(&needed_text, &quota_text),
                needed,
                quota: c.quota,
                needed_text,
                quota_text,
            }
        })
        .collect()
}

/// A monthly budget for an estimate: ceil(max(10, 2 x total)) dollars.
pub fn budget_usd(total_usd: f64) -> u64 {
    (BUDGET_FACTOR * total_usd).max(BUDGET_FLOOR_USD).ceil() as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serverless::{ServerlessInput, estimate};

    fn limits_at(events: u64) -> Limits {
        let p = Prices::embedded().unwrap();
        let e = estimate(&p, &ServerlessInput::default().at(events)).unwrap();
        Limits::of(&p, &e)
    }

    #[test]
    fn a_billion_events_a_month_raise_the_throttle_and_the_concurrency() {
        // 730 h x 3,600 s = 2,628,000 s a month. 1B / 2,628,000 = 380.52 rps mean; x 10 = 3,805.18 rps peak.
        let l = limits_at(1_000_000_000);
        assert!((l.mean_rps - 380.517).abs() < 1e-3, "{}", l.mean_rps);
        // Rate: ceil(3,805.18) = 3,806 (above the floor of 100, below the account's 10,000).
        assert_eq!(l.api_rate_limit, 3_806);
        // Burst: 2 x 3,806 = 7,612, capped at 5,000.
        assert_eq!(l.api_burst_limit, 5_000);
        // Processor: 2 x 3,805.18 rps / 10 per batch x 0.25 s = 190.26 -> 191 (the default workload's 250 ms).
        assert_eq!(l.processor_concurrency, 191);
        // Ingest: 3,805.18 x 0.03 s = 114.2 -> 115; with the processor's 191, 306 of the account's 1,000.
        assert_eq!(l.ingest_peak_concurrency, 115);
        assert_eq!(l.peak_concurrency, 306);
        assert!(!l.above_account_limits);
    }

    #[test]
    fn small_volumes_keep_the_floors_and_huge_ones_hit_the_account_limits() {
        // 1M: 0.38 rps mean, 3.8 peak: the floors (100 rps, burst 200, 10 concurrent) hold.
        let l = limits_at(1_000_000);
        assert_eq!(
            (l.api_rate_limit, l.api_burst_limit, l.processor_concurrency),
            (100, 200, 10)
        );
        // 10B: 38,052 rps peak is above the account's 10,000: capped and flagged.
        let huge = limits_at(10_000_000_000);
        assert_eq!(huge.api_rate_limit, 10_000);
        assert_eq!(huge.processor_concurrency, 1_000);
        assert!(huge.above_account_limits);
    }

    #[test]
    fn a_peak_past_a_quota_is_named_with_its_limit() {
        let p = Prices::embedded().unwrap();
        let at = |events: u64| {
            let e = estimate(&p, &ServerlessInput::default().at(events)).unwrap();
            quota_warnings(&p, &e)
                .into_iter()
                .map(|w| w.limit)
                .collect::<Vec<_>>()
        };
        // 1B: 3,805 rps peak; 5 write units each = 19,026 a second, under 40,000; 306 concurrent: no warning.
        assert!(at(1_000_000_000).is_empty());
        // 10^12: 3,805,175 rps peak, past the throttle's 10,000; the processor needs 2 x 3,805,175 / 10 x 0.25 =
        // 190,259 concurrent, past 1,000; the tables 19M write units a second, past 40,000.
        assert_eq!(
            at(1_000_000_000_000),
            [
                "api_rate",
                "processor_concurrency",
                "table_write_units",
                "account_concurrency"
            ]
        );
        // 3B: 11,416 rps past 10,000; 57,078 write units a second past 40,000; processor 571 and ingest 343:
        // 914, under the account's 1,000.
        assert_eq!(at(3_000_000_000), ["api_rate", "table_write_units"]);
    }

    #[test]
    fn the_budget_is_twice_the_estimate_in_whole_dollars_and_at_least_ten() {
        assert_eq!(budget_usd(0.0), 10);
        assert_eq!(budget_usd(4.99), 10);
        // 2 x 7.04 = 14.08 -> 15.
        assert_eq!(budget_usd(7.04), 15);
        assert_eq!(budget_usd(500.0), 1_000);
    }
}
