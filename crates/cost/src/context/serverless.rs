//! The `cost` value for a kind whose model is `serverless`.

use std::collections::BTreeMap;

use serde::Serialize;

use super::levers::{Levers, levers};
use super::standing::StandingCosts;
use super::{Line, PriceEntry, lines, price_entry};
use crate::chart;
use crate::compare::{self, ContainerAssumptions};
use crate::prices::{FREE_TIER_KEYS, Prices};
use crate::serverless::usage::{KB_PER_GB, PLATFORM_LOG_KB_PER_INVOCATION};
use crate::serverless::{self, Limits, QuotaWarning, ServerlessEstimate, ServerlessInput};
use crate::{InputType, REFERENCE_VOLUMES, Values, format};
use scaffold_error::Result;

/// `cost` for the model `serverless`.
#[derive(Debug, Clone, Serialize)]
pub struct ServerlessContext {
    /// The price table's region (`us-east-1`).
    pub region: String,
    /// Where the prices came from: the embedded table's path.
    pub prices_origin: String,
    /// The workload priced.
    pub workload: Workload,
    /// For each input of the model: whether the workload's value differs from the model's default, that is,
    /// whether `scaffold cost compare` needs the flag to reproduce it.
    pub differs: BTreeMap<String, bool>,
    /// Billed quantities per event.
    pub usage: UsagePerEvent,
    /// Events per month with separators: `2,500,000`.
    pub events_text: String,
    /// The monthly total at the workload's volume: `$4.53`.
    pub total: String,
    /// The largest line item at the workload's volume.
    pub largest: Largest,
    /// The monthly total at 100M events.
    pub total_100m: String,
    /// The largest line item at 100M events.
    pub largest_100m: Option<Largest>,
    /// The volume table's columns: the reference volumes (10K, 1M, 100M) and the workload's own, in order.
    pub columns: Vec<Column>,
    /// One row per line item, one cell per column.
    pub rows: Vec<Row>,
    /// The table's total rows, one cell per column.
    pub totals: Totals,
    /// The key of the largest line item in each column.
    pub largest_row: Vec<String>,
    /// The total at each reference volume alone, for a sentence: `$0.05 at 10K`.
    pub reference: Vec<AtVolume>,
    /// Every line item at the workload's volume, with its formula.
    pub formulas: Vec<Line>,
    /// The fixed items billed with or without traffic, at the workload's volume, and their share of the bill at
    /// the lowest reference volume.
    pub standing: StandingCosts,
    /// What the always-free allowances would take off, and the total after it.
    pub free_tier_usd: String,
    pub after_free_tier_usd: String,
    /// The part of the bill a move to containers removes (API Gateway, Lambda), and the part that stays.
    pub moving_usd: String,
    pub shared_usd: String,
    /// The same workload in containers at its volume, on Fargate and on EKS.
    pub fargate_usd: String,
    pub eks_usd: String,
    /// The smallest volumes at which serverless costs at least as much as containers; `null` when it never does
    /// below 10^12 events a month.
    pub break_even: BreakEvens,
    /// How the container side is sized.
    pub containers: ContainerAssumptions,
    /// The comparison's assumptions, one sentence each.
    pub assumptions: Vec<String>,
    /// What each change saves at 100M events a month.
    pub levers: Levers,
    /// Every price the figures use, including those the levers switch to.
    pub prices: Vec<PriceEntry>,
    /// The always-free allowances.
    pub free_tier: Vec<Allowance>,
    /// The prices, allowances, workload and container sizing as a JSON document, for `cost/prices.json`.
    pub prices_json: String,
    /// The cost curve from 10K to 1B events a month (serverless, Fargate, EKS) as an SVG chart.
    pub curve_svg: String,
    /// The throttle, concurrency and budget sized from the workload: the stack's parameter defaults.
    pub limits: Limits,
    /// Every quota the workload's peak goes past, each with what the peak needs and what AWS allows by default;
    /// empty when the peak fits.
    pub quota_warnings: Vec<QuotaWarning>,
    /// GB the events table grows by each month, and what it holds when priced.
    pub events_gb_per_month: String,
    pub events_table_gb: String,
    /// GB of bodies in S3 Standard and Standard-IA after `stored_months` months.
    pub s3_standard_gb: String,
    pub s3_ia_gb: String,
    pub idempotency_table_gb: String,
    /// What the model leaves out, one sentence each.
    pub not_modelled: Vec<String>,
}

/// Every input of the workload by name, read from the model's declaration ([`serverless::INPUTS`]) and the
/// workload's values: whole numbers and event counts as numbers, other numbers as documents print them (`4`,
/// `0.05`), `on`/`off` switches as booleans, choices as their word; and `ia_min_object_bytes`, the Standard-IA
/// threshold in bytes as the bucket's lifecycle rule takes it.
pub type Workload = BTreeMap<String, serde_json::Value>;

fn workload(input: &ServerlessInput) -> Workload {
    use serde_json::Value;
    let values = input.to_values();
    let mut out = Workload::new();
    for spec in serverless::INPUTS.iter() {
        let value = match values.get(&spec.name) {
            Some(v) => v.clone(),
            // Left out because it is derived: the value the model derived.
            None => Value::from(input.write_units_per_event),
        };
        let shown = match spec.kind {
            InputType::Whole | InputType::Events => value,
            InputType::Choice(&["on", "off"]) => Value::Bool(value == "on"),
            _ => Value::String(Values::text_of(&value)),
        };
        out.insert(spec.name.to_string(), shown);
    }
    out.insert(
        "ia_min_object_bytes".into(),
        Value::from((input.ia_min_object_kb * 1024.0).round() as u64),
    );
    out
}

#[derive(Debug, Clone, Serialize)]
pub struct UsagePerEvent {
    /// SQS requests per event: sends, receives and deletes.
    pub sqs_requests_per_event: String,
    /// Events in the processor's average batch at the workload's mean rate (`1.38`), and whether batches are full.
    pub batch: String,
    pub full_batches: bool,
    /// KB of Lambda's START, END and REPORT lines per invocation.
    pub platform_log_kb: String,
    /// GB of those lines a month.
    pub platform_log_gb: String,
    /// Whether bodies move to Standard-IA (larger than the rule's size, and kept past its days).
    pub to_ia: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Largest {
    pub key: String,
    pub label: String,
    pub usd: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Column {
    pub events: u64,
    /// `2,500,000`.
    pub events_text: String,
    /// `2.5M`.
    pub label: String,
    /// The workload's own volume.
    pub yours: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub key: String,
    pub label: String,
    pub cells: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Totals {
    pub total: Vec<String>,
    /// Negative amounts: what the allowances take off.
    pub free_tier: Vec<String>,
    pub after_free_tier: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AtVolume {
    /// `10K`.
    pub label: String,
    pub total: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct BreakEvens {
    pub fargate: Option<BreakEven>,
    pub eks: Option<BreakEven>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BreakEven {
    pub events: u64,
    /// `35,794,358`.
    pub text: String,
    /// `35.79M`.
    pub count: String,
}

impl BreakEven {
    fn of(events: Option<u64>) -> Option<BreakEven> {
        events.map(|n| BreakEven {
            events: n,
            text: format::thousands(n),
            count: format::count(n as f64),
        })
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Allowance {
    pub key: String,
    pub amount: f64,
    /// `400,000`.
    pub amount_text: String,
    pub unit: String,
    pub as_of: String,
    pub source: String,
}

/// `cost/prices.json`: what a generated project's own test recomputes the figures from.
#[derive(Serialize)]
struct PricesFile<'a> {
    region: &'a str,
    currency: &'a str,
    hours_per_month: f64,
    origin: &'a str,
    workload: &'a ServerlessInput,
    containers: ContainersFile<'a>,
    prices: BTreeMap<String, PriceEntry>,
    free_tier: BTreeMap<String, Allowance>,
}

/// The Fargate sizing the project's test needs.
#[derive(Serialize)]
struct ContainersFile<'a> {
    task_vcpu: f64,
    task_memory_gb: f64,
    min_tasks: u32,
    events_per_task_second: f64,
    peak_factor: f64,
    node_type: &'a str,
}

/// Every price the page's figures can use, including the alternatives its levers switch to.
const PRICE_KEYS: [&str; 34] = [
    "api_http_requests",
    "api_rest_requests",
    "lambda_requests",
    "lambda_duration_arm64",
    "lambda_duration_x86_64",
    "sqs_standard_requests",
    "sqs_fifo_requests",
    "dynamodb_write_units",
    "dynamodb_read_units",
    "logs_ingest",
    "logs_ingest_lambda",
    "xray_traces_recorded",
    "dynamodb_storage",
    "dynamodb_pitr",
    "s3_put_requests",
    "s3_get_requests",
    "s3_lifecycle_transitions",
    "s3_standard_storage",
    "s3_standard_ia_storage",
    "kms_key",
    "kms_requests",
    "secrets_manager_secret",
    "secrets_manager_api",
    "cloudwatch_alarm",
    "cloudwatch_composite_alarm",
    "cloudwatch_dashboard",
    "fargate_arm64_vcpu",
    "fargate_arm64_memory",
    "fargate_x86_64_vcpu",
    "fargate_x86_64_memory",
    "alb_hour",
    "alb_lcu",
    "public_ipv4",
    "eks_control_plane",
];

fn largest(e: &ServerlessEstimate) -> Option<Largest> {
    e.largest_item().map(|l| Largest {
        key: l.key.clone(),
        label: l.label.clone(),
        usd: format::money(l.usd),
    })
}

/// The context for the workload `values` describe.
pub fn context(prices: &Prices, values: &Values) -> Result<ServerlessContext> {
    let input = ServerlessInput::from_values(values)?;
    let assumptions = ContainerAssumptions::default();
    let main = serverless::estimate(prices, &input)?;
    let volumes = serverless::at_volumes(prices, &input)?;
    let cmp = compare::compare(prices, &input, &assumptions)?;
    let curve_svg = chart::curve_svg(
        "This stack on serverless against the same code in containers (USD a month)",
        &cmp.curve,
        &chart::break_evens(&cmp),
    );
    let at_100m = volumes
        .iter()
        .find(|v| v.input.events_per_month == 100_000_000)
        .cloned()
        .unwrap_or_else(|| main.clone());
    let cells = |f: &dyn Fn(&ServerlessEstimate) -> f64| {
        volumes.iter().map(|v| format::money(f(v))).collect()
    };

    let defaults = ServerlessInput::default().to_values();
    let differs = input
        .to_values()
        .iter()
        .map(|(k, v)| (k.to_string(), defaults.get(k) != Some(v)))
        .collect();
    let price_list: Vec<PriceEntry> = PRICE_KEYS.iter().map(|k| price_entry(prices, k)).collect();
    let free_list: Vec<Allowance> = FREE_TIER_KEYS
        .iter()
        .map(|k| {
            let a = &prices.free_tier[*k];
            Allowance {
                key: k.to_string(),
                amount: a.amount,
                amount_text: format::thousands(a.amount.round() as u64),
                unit: a.unit.clone(),
                as_of: a.as_of.clone(),
                source: a.source.clone(),
            }
        })
        .collect();
    let file = PricesFile {
        region: &prices.region,
        currency: &prices.currency,
        hours_per_month: prices.hours_per_month,
        origin: &prices.origin,
        workload: &input,
        containers: ContainersFile {
            task_vcpu: assumptions.task_vcpu,
            task_memory_gb: assumptions.task_memory_gb,
            min_tasks: assumptions.min_tasks,
            events_per_task_second: assumptions.events_per_task_second,
            peak_factor: assumptions.peak_factor,
            node_type: &assumptions.node_type,
        },
        prices: price_list
            .iter()
            .map(|p| (p.key.clone(), p.clone()))
            .collect(),
        free_tier: free_list
            .iter()
            .map(|a| (a.key.clone(), a.clone()))
            .collect(),
    };
    // Through a JSON value, whose keys are sorted, so the file's layout does not follow field order.
    let prices_json = serde_json::to_value(&file)
        .and_then(|v| serde_json::to_string_pretty(&v))
        .unwrap_or_default()
        + "\n";

    Ok(ServerlessContext {
        region: prices.region.clone(),
        prices_origin: prices.origin.clone(),
        workload: workload(&input),
        differs,
        usage: UsagePerEvent {
            sqs_requests_per_event: format::decimals(main.usage.sqs_requests_per_event, 4),
            batch: format::decimals(main.usage.batch, 2),
            full_batches: main.usage.batch >= f64::from(input.batch_size),
            platform_log_kb: format::plain(PLATFORM_LOG_KB_PER_INVOCATION),
            platform_log_gb: format::decimals(main.usage.platform_log_gb, 3),
            to_ia: main.usage.s3_transitions > 0.0,
        },
        events_text: format::thousands(input.events_per_month),
        total: format::money(main.total_usd),
        largest: largest(&main).unwrap_or(Largest {
            key: String::new(),
            label: String::new(),
            usd: String::new(),
        }),
        total_100m: format::money(at_100m.total_usd),
        largest_100m: largest(&at_100m),
        columns: volumes
            .iter()
            .map(|v| Column {
                events: v.input.events_per_month,
                events_text: format::thousands(v.input.events_per_month),
                label: format::count(v.input.events_per_month as f64),
                yours: v.input.events_per_month == input.events_per_month,
            })
            .collect(),
        rows: main
            .items
            .iter()
            .enumerate()
            .map(|(i, item)| Row {
                key: item.key.clone(),
                label: item.label.clone(),
                cells: cells(&|v| v.items[i].usd),
            })
            .collect(),
        totals: Totals {
            total: cells(&|v| v.total_usd),
            free_tier: cells(&|v| -v.free_tier_usd),
            after_free_tier: cells(&|v| v.after_free_tier_usd),
        },
        largest_row: volumes
            .iter()
            .map(|v| v.largest_item().map(|i| i.key.clone()).unwrap_or_default())
            .collect(),
        reference: volumes
            .iter()
            .filter(|v| REFERENCE_VOLUMES.contains(&v.input.events_per_month))
            .map(|v| AtVolume {
                label: format::count(v.input.events_per_month as f64),
                total: format::money(v.total_usd),
            })
            .collect(),
        formulas: lines(&main.items),
        standing: StandingCosts::of(
            &main,
            volumes
                .iter()
                .find(|v| v.input.events_per_month == REFERENCE_VOLUMES[0])
                .unwrap_or(&main),
        ),
        free_tier_usd: format::money(main.free_tier_usd),
        after_free_tier_usd: format::money(main.after_free_tier_usd),
        moving_usd: format::money(main.moving_usd()),
        shared_usd: format::money(main.shared_usd()),
        fargate_usd: format::money(cmp.fargate.total_usd),
        eks_usd: format::money(cmp.eks.total_usd),
        break_even: BreakEvens {
            fargate: BreakEven::of(cmp.break_even_fargate),
            eks: BreakEven::of(cmp.break_even_eks),
        },
        levers: levers(prices, &at_100m, &assumptions)?,
        containers: assumptions,
        assumptions: cmp.assumptions,
        prices: price_list,
        free_tier: free_list,
        prices_json,
        curve_svg,
        limits: Limits::of(prices, &main),
        quota_warnings: serverless::quota_warnings(prices, &main),
        events_gb_per_month: gb(input.events_per_month as f64
            * (ServerlessInput::EVENT_RECORD_KB + ServerlessInput::ITEM_OVERHEAD_KB)
            / KB_PER_GB),
        s3_standard_gb: gb(main.usage.s3_standard_gb),
        s3_ia_gb: gb(main.usage.s3_ia_gb),
        events_table_gb: gb(main.usage.events_table_gb),
        idempotency_table_gb: gb(main.usage.idempotency_table_gb),
        not_modelled: prices.not_modelled(crate::serverless::NAME),
    })
}

/// GB to two decimals: `50.35`.
fn gb(x: f64) -> String {
    format!("{x:.2}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(pairs: &[(&str, serde_json::Value)]) -> ServerlessContext {
        let mut v = Values::new();
        for (k, value) in pairs {
            v.set(k, value.clone());
        }
        context(&Prices::embedded().unwrap(), &v).unwrap()
    }

    #[test]
    fn the_context_holds_the_figures_and_what_differs_from_the_defaults() {
        let c = at(&[
            ("events_per_month", 2_500_000.into()),
            ("payload_kb", 4.into()),
            ("ingest_memory_mb", 256.into()),
            ("processor_memory_mb", 256.into()),
            ("tracing_sample", 0.05.into()),
        ]);
        assert_eq!(c.events_text, "2,500,000");
        assert_eq!(c.columns.len(), 4);
        assert!(c.differs["payload_kb"] && c.differs["ingest_memory_mb"]);
        assert!(!c.differs["processor_memory_mb"] && !c.differs["arch"]);
        assert_eq!(c.workload["tracing_sample"], "0.05");
        assert_eq!(c.reference.len(), 3);
        assert!(c.levers.arm64.is_none() && c.levers.standard_queue.is_none());
        let prices: serde_json::Value = serde_json::from_str(&c.prices_json).unwrap();
        assert_eq!(prices["workload"]["events_per_month"], 2_500_000);
        assert_eq!(prices["prices"]["lambda_requests"]["tiers"][0]["usd"], 0.2);
        assert!(prices["containers"].get("headroom").is_none());
    }

    #[test]
    fn a_reference_volume_is_not_repeated_and_levers_follow_the_workload() {
        let c = at(&[
            ("events_per_month", 1_000_000.into()),
            ("arch", "x86_64".into()),
            ("queue", "fifo".into()),
        ]);
        assert_eq!(c.columns.len(), 3);
        assert!(c.levers.arm64.is_some() && c.levers.standard_queue.is_some());
        assert!(c.break_even.fargate.is_some());
    }
}
