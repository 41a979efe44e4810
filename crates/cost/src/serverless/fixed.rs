//! The line items that do not follow each event: the stored tables and their backups, the KMS key, the secrets,
//! the alarms and the dashboards. Each is paid every month the stack exists, even with no traffic.

use super::input::ServerlessInput;
use super::usage::{KB_PER_GB, KEY_REUSE_SECONDS, KMS_CALLERS, Usage};
use crate::{LineItem, Prices, format, item};

/// Line item keys of this module, in the order of the estimate.
pub const FIXED_KEYS: [&str; 6] = [
    "storage",
    "backups",
    "kms",
    "secrets",
    "alarms",
    "dashboards",
];

/// The fixed line items billed every month the stack exists, with no traffic at all (the KMS and Secrets Manager
/// lines add a few requests, capped at one per caller per five minutes); storage and backups grow with the events.
pub const STANDING_KEYS: [&str; 4] = ["kms", "secrets", "alarms", "dashboards"];

/// The stored and fixed line items of a month.
pub fn items(prices: &Prices, input: &ServerlessInput, u: &Usage) -> Vec<LineItem> {
    let c = format::count;
    let p = format::plain;
    let n = input.events_per_month as f64;
    let storage = prices.get("dynamodb_storage");
    let pitr = prices.get("dynamodb_pitr");
    let key = prices.get("kms_key");
    let kms = prices.get("kms_requests");
    let secret = prices.get("secrets_manager_secret");
    let secret_api = prices.get("secrets_manager_api");
    let alarm = prices.get("cloudwatch_alarm");
    let composite = prices.get("cloudwatch_composite_alarm");
    let dashboard = prices.get("cloudwatch_dashboard");
    let stored_gb = u.events_table_gb + u.idempotency_table_gb;
    let backed_gb = if input.events_pitr {
        u.events_table_gb
    } else {
        0.0
    } + if input.idempotency_pitr {
        u.idempotency_table_gb
    } else {
        0.0
    };
    let reuse_periods = prices.seconds_per_month() / KEY_REUSE_SECONDS;
    let on = |b: bool| if b { "on" } else { "off" };
    vec![
        item(
            "storage",
            "DynamoDB storage",
            stored_gb,
            "GB-months",
            storage.cost(stored_gb),
            format!(
                "(events table: {} events x {} months x ({} KB record + {} KB item overhead) + idempotency table: {} events x {} days of records / {} days x ({} KB + {} KB)) / {} KB per GB x {}",
                c(n),
                p(input.stored_months),
                p(ServerlessInput::EVENT_RECORD_KB),
                p(ServerlessInput::ITEM_OVERHEAD_KB),
                c(n),
                p(input.idempotency_ttl_days),
                p(prices.seconds_per_month() / 86_400.0),
                p(ServerlessInput::IDEMPOTENCY_RECORD_KB),
                p(ServerlessInput::ITEM_OVERHEAD_KB),
                c(KB_PER_GB),
                storage.describe()
            ),
        ),
        item(
            "backups",
            "DynamoDB point-in-time recovery",
            backed_gb,
            "GB-months",
            pitr.cost(backed_gb),
            format!(
                "(events table {} GB, recovery {} + idempotency table {} GB, recovery {}) x {}",
                p(round3(u.events_table_gb)),
                on(input.events_pitr),
                p(round3(u.idempotency_table_gb)),
                on(input.idempotency_pitr),
                pitr.describe()
            ),
        ),
        item(
            "kms",
            "KMS key and requests",
            input.kms_keys as f64,
            "keys",
            key.cost(input.kms_keys as f64) + kms.cost(u.kms_requests),
            format!(
                "{} key(s) x {} + {} callers x min({} events, {} periods of {} s) = {} requests x {}",
                input.kms_keys,
                key.describe(),
                p(KMS_CALLERS),
                c(n),
                c(reuse_periods),
                p(KEY_REUSE_SECONDS),
                c(u.kms_requests),
                kms.describe()
            ),
        ),
        item(
            "secrets",
            "Secrets Manager",
            input.secrets as f64,
            "secrets",
            secret.cost(input.secrets as f64) + secret_api.cost(u.secret_calls),
            format!(
                "{} secret(s) x {} + min({} events, {} cache periods of {} s) = {} reads x {}",
                input.secrets,
                secret.describe(),
                c(n),
                c(reuse_periods),
                p(KEY_REUSE_SECONDS),
                c(u.secret_calls),
                secret_api.describe()
            ),
        ),
        item(
            "alarms",
            "CloudWatch alarms",
            // The quantity is what the standard rate bills (a metric-math alarm counts each metric it reads);
            // the composite alarms are priced on top of it, as the detail says.
            input.alarms as f64,
            "alarm metrics",
            alarm.cost(input.alarms as f64) + composite.cost(input.composite_alarms as f64),
            format!(
                "{} alarm metric(s) x {} + {} composite alarm(s) x {}",
                input.alarms,
                alarm.describe(),
                input.composite_alarms,
                composite.describe()
            ),
        ),
        item(
            "dashboards",
            "CloudWatch dashboards",
            input.dashboards as f64,
            "dashboards",
            dashboard.cost(input.dashboards as f64),
            format!(
                "{} dashboard(s) x {}",
                input.dashboards,
                dashboard.describe()
            ),
        ),
    ]
}

/// What the always-free allowances take off the fixed items.
pub fn free_tier(prices: &Prices, input: &ServerlessInput, u: &Usage) -> Vec<LineItem> {
    let c = format::count;
    let p = format::plain;
    let free = |key: &str, used: f64| used.min(prices.free(key));
    let stored_gb = u.events_table_gb + u.idempotency_table_gb;
    let storage = prices.get("dynamodb_storage");
    let kms = prices.get("kms_requests");
    let alarm = prices.get("cloudwatch_alarm");
    let dashboard = prices.get("cloudwatch_dashboard");
    let free_gb = free("dynamodb_storage", stored_gb);
    let free_kms = free("kms_requests", u.kms_requests);
    let free_alarms = free("cloudwatch_alarms", input.alarms as f64);
    let free_dash = free("cloudwatch_dashboards", input.dashboards as f64);
    vec![
        item(
            "storage",
            "DynamoDB storage",
            free_gb,
            "GB-months",
            storage.cost(free_gb),
            format!(
                "min({} GB, {} free) x {}",
                p(round3(stored_gb)),
                p(prices.free("dynamodb_storage")),
                storage.describe()
            ),
        ),
        item(
            "kms",
            "KMS requests",
            free_kms,
            "requests",
            kms.cost(free_kms),
            format!(
                "min({} requests, {} free) x {}",
                c(u.kms_requests),
                c(prices.free("kms_requests")),
                kms.describe()
            ),
        ),
        item(
            "alarms",
            "CloudWatch alarms",
            free_alarms,
            "alarm metrics",
            alarm.cost(free_alarms),
            format!(
                "min({} alarm metrics, {} free) x {}",
                input.alarms,
                p(prices.free("cloudwatch_alarms")),
                alarm.describe()
            ),
        ),
        item(
            "dashboards",
            "CloudWatch dashboards",
            free_dash,
            "dashboards",
            dashboard.cost(free_dash),
            format!(
                "min({} dashboards, {} free) x {}",
                input.dashboards,
                p(prices.free("cloudwatch_dashboards")),
                dashboard.describe()
            ),
        ),
    ]
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use crate::Prices;
    use crate::serverless::{ServerlessInput, estimate};

    fn cents(usd: f64) -> i64 {
        (usd * 100.0).round() as i64
    }

    /// The stack a default project deploys: 1M events of 4 KB, 256 MB functions, batches of at most 10 gathered for
    /// 1 s, both functions traced, one key, one secret,
    /// 18 alarm metrics (10 single-metric alarms, 4 metric-math alarms of 2 metrics), 2 composite alarms, one
    /// dashboard, both priced tables with recovery, priced in the events table's 12th month.
    fn stack() -> ServerlessInput {
        ServerlessInput {
            payload_kb: 4.0,
            ingest_memory_mb: 256,
            batch_window_s: 1.0,
            write_units_per_event: ServerlessInput::derived_write_units(),
            tracing_sample: 0.05,
            traced_functions: 2,
            kms_keys: 1,
            secrets: 1,
            alarms: 18,
            composite_alarms: 2,
            dashboards: 1,
            stored_months: 12.0,
            idempotency_ttl_days: 7.0,
            events_pitr: true,
            idempotency_pitr: true,
            ..ServerlessInput::default()
        }
    }

    #[test]
    fn a_million_events_of_4_kb_line_by_line_worked_by_hand() {
        let e = estimate(&Prices::embedded().unwrap(), &stack()).unwrap();
        let usd = |k: &str| cents(e.item(k).unwrap().usd);
        // api        1M x $1.00/M                                                              =  $1.00
        assert_eq!(usd("api"), 100);
        // batches    1M / 2,628,000 s = 0.3805 events a second; the first message opens a batch and those of the
        //            next 1 s join it: 1.3805 events a batch, not 10; 1M / 1.3805 = 724,366 processor invocations
        assert!((e.usage.processor_invocations - 724_366.0).abs() < 1.0);
        // requests   (1M + 724,366) x $0.20/M                                                  =  $0.3449
        assert_eq!(usd("lambda_requests"), 34);
        // duration   1M x 0.25 GB x 0.03 s + 724,366 x 0.25 GB x 0.25 s = 52,773 GB-s x $0.0000133334 = $0.7036
        assert_eq!(usd("lambda_duration"), 70);
        // sqs        (1M sends + 724,366 x (1 receive + 1 delete)) x $0.40/M                   =  $0.9795
        assert_eq!(usd("sqs"), 98);
        // dynamodb   1M x 6 units (one transaction: event record 0.32 KB -> 2, state item 0.14 KB -> 2;
        //            idempotency put 1, update 1) x $0.625/M                                    =  $3.75
        assert_eq!(usd("dynamodb"), 375);
        // logs       (1M x 1 KB + 1,724,366 invocations x 0.35 KB of START, END and REPORT) = 1.6035 GB x $0.50
        //                                                                                      =  $0.8018
        assert_eq!(usd("logs"), 80);
        // x-ray      a month is 730 h x 3,600 = 2,628,000 s, more than either function's invocations, so the
        //            reservoir traces them all: 1M ingest + 724,366 processor x $5.00/M         =  $8.6218
        assert!((e.usage.traces - 1_724_366.0).abs() < 1.0);
        assert_eq!(usd("tracing"), 862);
        // s3 req     1M PUT x $0.005/1,000 + 1M GET x $0.0004/1,000; 4 KB bodies never move to Standard-IA
        //                                                                                      =  $5.40
        assert_eq!(usd("s3_requests"), 540);
        // s3 store   12 months x 1M x 4 KB = 48M KB / 1,048,576 = 45.776 GB x $0.023           =  $1.0529
        assert_eq!(usd("s3_storage"), 105);
        // storage    events: 12 months x 1M x (0.32 + 0.1) KB = 5.04M KB / 1,048,576 = 4.8065 GB;
        //            idempotency: 1M x 7 d x 86,400 / 2,628,000 s = 230,137 records x 0.3 KB = 0.0658 GB;
        //            4.8724 GB x $0.25                                                         =  $1.2181
        assert!((e.usage.events_table_gb - 4.8065).abs() < 1e-4);
        assert!((e.usage.idempotency_table_gb - 0.0658).abs() < 1e-4);
        assert_eq!(usd("storage"), 122);
        // recovery   4.8724 GB x $0.20 (both tables)                                           =  $0.9745
        assert_eq!(usd("backups"), 97);
        // kms        $1.00 + 6 callers x 8,760 five-minute periods = 52,560 x $0.03/10K         =  $1.1577
        assert_eq!(usd("kms"), 116);
        // secrets    $0.40 + 8,760 reads x $0.05/10K                                           =  $0.4438
        assert_eq!(usd("secrets"), 44);
        // alarms     18 alarm metrics x $0.10 + 2 composite x $0.50                            =  $2.80
        assert_eq!(usd("alarms"), 280);
        // dashboards 1 x $3.00                                                                 =  $3.00
        assert_eq!(usd("dashboards"), 300);
        // total      1.00 + 0.3449 + 0.7036 + 0.9795 + 3.75 + 0.8018 + 8.6218 + 5.40 + 1.0529 + 1.2181
        //            + 0.9745 + 1.1577 + 0.4438 + 2.80 + 3.00                                  = $32.25
        //            ($27.68 with full batches of 10 and no platform log lines)
        assert_eq!(cents(e.total_usd), 3225);
        // free tier: 10 of the 18 alarm metrics ($1.00; composites have no free tier) and the dashboard ($3.00).
        let free = |k: &str| cents(e.free_tier.iter().find(|i| i.key == k).unwrap().usd);
        assert_eq!([free("alarms"), free("dashboards")], [100, 300]);
        assert_eq!(e.largest, "tracing");
    }

    #[test]
    fn past_one_request_a_second_only_the_fixed_rate_is_traced() {
        // 100M events: ingest 2,628,000 (reservoir) + 0.05 x (100M - 2,628,000) = 7,496,600;
        // processor 10M: 2,628,000 + 0.05 x 7,372,000 = 2,996,600. Together 10,493,200 x $5/M = $52.47.
        let e = estimate(&Prices::embedded().unwrap(), &stack().at(100_000_000)).unwrap();
        assert!(
            (e.usage.traces - 10_493_200.0).abs() < 1e-6,
            "{}",
            e.usage.traces
        );
        assert_eq!(cents(e.item("tracing").unwrap().usd), 5247);
        // One traced function: the ingest's 7,496,600 only.
        let one = ServerlessInput {
            traced_functions: 1,
            ..stack().at(100_000_000)
        };
        let e = estimate(&Prices::embedded().unwrap(), &one).unwrap();
        assert!((e.usage.traces - 7_496_600.0).abs() < 1e-6);
    }

    #[test]
    fn with_no_events_the_fixed_costs_remain() {
        // 1 event: $1.00 key + $0.40 secret + $2.80 alarms + $3.00 dashboard, plus a few requests of a cent's
        // fraction.
        let e = estimate(&Prices::embedded().unwrap(), &stack().at(1)).unwrap();
        assert_eq!(cents(e.total_usd), 720);
        // Without the dashboard and the composites: $3.00 and $1.00 less; the free tier (3 dashboards) loses the
        // dashboard's $3.00, the composites never had any.
        let without = ServerlessInput {
            dashboards: 0,
            composite_alarms: 0,
            ..stack().at(1)
        };
        let d = estimate(&Prices::embedded().unwrap(), &without).unwrap();
        assert_eq!(cents(e.total_usd - d.total_usd), 400);
        assert_eq!(cents(e.free_tier_usd - d.free_tier_usd), 300);
        // 9 alarm metrics are all free (10 are); 18 leave 8 to pay.
        let few = ServerlessInput {
            alarms: 9,
            ..without
        };
        let f = estimate(&Prices::embedded().unwrap(), &few).unwrap();
        assert!(
            f.free_tier
                .iter()
                .any(|i| i.key == "alarms" && cents(i.usd) == 90)
        );
        assert!(
            e.free_tier
                .iter()
                .any(|i| i.key == "alarms" && cents(i.usd) == 100)
        );
    }
}
