//! The price table: parsing, validation, and tiered arithmetic.
//!
//! A table is TOML (see `templates/pricing/aws-us-east-1.toml`). Parsing is strict: a missing key, an unknown key,
//! a negative or non-finite price, tiers out of order or a price without its date and source are refused with a
//! message naming the field, because a silently wrong price makes every figure downstream wrong.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::cluster::{Addon, EksCalendar, check_addons, check_calendar};
pub use super::price::{Price, Tier};
use super::price::{check_dated, check_usd};
use scaffold_error::{Error, Result};

/// The table shipped with the binary.
pub const EMBEDDED_TABLE: &str = include_str!("../pricing/aws-us-east-1.toml");
/// How the embedded table is named in messages and documents.
pub const EMBEDDED_ORIGIN: &str = "scaffold's built-in price table";

/// A worker node size.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NodeType {
    pub arch: String,
    pub vcpu: f64,
    pub memory_gib: f64,
    pub max_pods: u32,
    pub usd_per_hour: f64,
    pub as_of: String,
    pub source: String,
}

/// An always-free monthly allowance.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Allowance {
    pub amount: f64,
    pub unit: String,
    pub as_of: String,
    pub source: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTable {
    region: String,
    currency: String,
    hours_per_month: f64,
    prices: BTreeMap<String, Price>,
    nodes: BTreeMap<String, NodeType>,
    eks_calendar: EksCalendar,
    addons: BTreeMap<String, Addon>,
    free_tier: BTreeMap<String, Allowance>,
    #[serde(default)]
    not_modelled: BTreeMap<String, Vec<Caveat>>,
}

/// One thing a model leaves out, with the date it was checked and where.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Caveat {
    pub text: String,
    pub as_of: String,
    pub source: String,
}

/// Every price key a table must hold, with what it prices.
pub const PRICE_KEYS: [(&str, &str); 40] = [
    ("api_http_requests", "API Gateway HTTP API requests"),
    ("api_rest_requests", "API Gateway REST API requests"),
    ("lambda_requests", "Lambda invocations"),
    ("lambda_duration_arm64", "Lambda duration, arm64"),
    ("lambda_duration_x86_64", "Lambda duration, x86_64"),
    ("sqs_standard_requests", "SQS standard queue requests"),
    ("sqs_fifo_requests", "SQS FIFO queue requests"),
    (
        "dynamodb_write_units",
        "DynamoDB on-demand write request units",
    ),
    (
        "dynamodb_read_units",
        "DynamoDB on-demand read request units",
    ),
    ("logs_ingest", "CloudWatch Logs ingestion"),
    (
        "logs_ingest_lambda",
        "CloudWatch Logs ingestion of Lambda's logs (vended, tiered)",
    ),
    ("logs_storage", "CloudWatch Logs storage"),
    ("xray_traces_recorded", "X-Ray traces recorded"),
    ("dynamodb_storage", "DynamoDB table storage"),
    ("dynamodb_pitr", "DynamoDB point-in-time recovery"),
    ("s3_put_requests", "S3 PUT requests"),
    ("s3_get_requests", "S3 GET requests"),
    ("s3_standard_storage", "S3 Standard storage"),
    ("s3_standard_ia_storage", "S3 Standard-IA storage"),
    (
        "s3_lifecycle_transitions",
        "S3 lifecycle transitions to Standard-IA",
    ),
    ("kms_key", "KMS customer managed keys"),
    ("kms_requests", "KMS requests"),
    ("secrets_manager_secret", "Secrets Manager secrets"),
    ("secrets_manager_api", "Secrets Manager API calls"),
    ("cloudwatch_alarm", "CloudWatch standard alarm metrics"),
    ("cloudwatch_composite_alarm", "CloudWatch composite alarms"),
    ("cloudwatch_dashboard", "CloudWatch dashboards"),
    ("fargate_arm64_vcpu", "Fargate vCPU, ARM"),
    ("fargate_arm64_memory", "Fargate memory, ARM"),
    ("fargate_x86_64_vcpu", "Fargate vCPU, x86"),
    ("fargate_x86_64_memory", "Fargate memory, x86"),
    (
        "eks_control_plane",
        "EKS control plane, version in standard support",
    ),
    (
        "eks_control_plane_extended",
        "EKS control plane, version in extended support",
    ),
    ("alb_hour", "Application Load Balancer hours"),
    ("alb_lcu", "Application Load Balancer capacity units"),
    ("nlb_hour", "Network Load Balancer hours"),
    ("nlb_nlcu", "Network Load Balancer capacity units"),
    ("public_ipv4", "Public IPv4 addresses"),
    ("ebs_gp3_storage", "EBS gp3 volume storage"),
    ("nat_gateway_hour", "NAT gateway hours"),
];

/// Every always-free allowance a table must hold.
pub const FREE_TIER_KEYS: [&str; 9] = [
    "lambda_requests",
    "lambda_gb_seconds",
    "sqs_requests",
    "xray_traces_recorded",
    "logs_ingest",
    "dynamodb_storage",
    "kms_requests",
    "cloudwatch_alarms",
    "cloudwatch_dashboards",
];

/// A validated price table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Prices {
    /// Where the table came from (the embedded file's name or the user's path).
    pub origin: String,
    pub region: String,
    pub currency: String,
    pub hours_per_month: f64,
    pub prices: BTreeMap<String, Price>,
    pub nodes: BTreeMap<String, NodeType>,
    /// The EKS support calendar: a Kubernetes version's control-plane price on a day.
    pub eks_calendar: EksCalendar,
    /// Cluster add-ons by name, with their pods' requests.
    pub addons: BTreeMap<String, Addon>,
    /// What each model leaves out, by the model's name.
    pub not_modelled: BTreeMap<String, Vec<Caveat>>,
    pub free_tier: BTreeMap<String, Allowance>,
}

/// The tables shipped with the binary, one per region they price. A region gets a table only with dated prices of
/// its own: none is derived from another region's.
const EMBEDDED_TABLES: [&str; 1] = [EMBEDDED_TABLE];

impl Prices {
    /// The table shipped with the binary that documents and defaults use.
    pub fn embedded() -> Result<Prices> {
        Prices::built_in(EMBEDDED_TABLE)
    }

    /// The regions the tables shipped with the binary price, in order.
    pub fn priced_regions() -> Result<Vec<String>> {
        EMBEDDED_TABLES
            .iter()
            .map(|t| Prices::built_in(t).map(|p| p.region))
            .collect()
    }

    /// The table shipped for `region`. A region without one is refused, naming the regions that have one: its
    /// figures would otherwise be another region's prices under its name.
    pub fn embedded_for(region: &str) -> Result<Prices> {
        for text in EMBEDDED_TABLES {
            let prices = Prices::built_in(text)?;
            if prices.region == region {
                return Ok(prices);
            }
        }
        Err(crate::invalid(
            "region",
            format!(
                "scaffold has no prices for '{region}'; it has prices for {} only. A table of {region}'s own \
                 prices (the built-in table's keys, with that region's rates, dates and sources) prices it",
                Prices::priced_regions()?.join(", ")
            ),
        ))
    }

    /// `self`, if it prices `region`; refused otherwise, so that a table is never read as another region's.
    pub fn for_region(self, region: &str) -> Result<Prices> {
        if self.region == region {
            return Ok(self);
        }
        Err(crate::invalid(
            "region",
            format!(
                "the price table {} prices {}, not {region}",
                self.origin, self.region
            ),
        ))
    }

    /// A table built into the binary: a fault in it is scaffold's, not the user's.
    fn built_in(text: &str) -> Result<Prices> {
        Prices::parse(text, EMBEDDED_ORIGIN).map_err(|e| match e {
            Error::PriceTable { message, .. } => Error::Embedded {
                what: "price table".into(),
                message,
            },
            other => other,
        })
    }

    /// Read and validate a user's table.
    pub fn from_file(path: &std::path::Path) -> Result<Prices> {
        let text = std::fs::read_to_string(path).map_err(|source| {
            Error::io(
                format!("cannot read price table {}", path.display()),
                source,
            )
        })?;
        let mut prices = Prices::parse(&text, &path.display().to_string())?;
        // The lists of what a model leaves out describe the models, not the rates: a table may leave them out.
        for (model, caveats) in Prices::embedded()?.not_modelled {
            prices.not_modelled.entry(model).or_insert(caveats);
        }
        Ok(prices)
    }

    /// What the model `model` leaves out, one sentence each.
    pub fn not_modelled(&self, model: &str) -> Vec<String> {
        self.not_modelled
            .get(model)
            .map(|list| list.iter().map(|c| c.text.clone()).collect())
            .unwrap_or_default()
    }

    /// Parse and validate a table; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Prices> {
        let fail = |message: String| Error::PriceTable {
            origin: origin.to_string(),
            message,
        };
        let raw: RawTable =
            toml::from_str(text).map_err(|e| fail(e.to_string().trim_end().to_string()))?;
        if raw.currency != "USD" {
            return Err(fail(format!(
                "currency must be \"USD\" (found \"{}\")",
                raw.currency
            )));
        }
        if raw.region.trim().is_empty() {
            return Err(fail("region must not be empty".into()));
        }
        if !(raw.hours_per_month.is_finite() && (672.0..=744.0).contains(&raw.hours_per_month)) {
            return Err(fail(
                "hours_per_month must be between 672 and 744 (AWS uses 730)".into(),
            ));
        }
        for (key, what) in PRICE_KEYS.iter() {
            let price = raw
                .prices
                .get(*key)
                .ok_or_else(|| fail(format!("prices.{key} is missing ({what})")))?;
            price.validate(&format!("prices.{key}")).map_err(fail)?;
        }
        if let Some(extra) = raw
            .prices
            .keys()
            .find(|k| !PRICE_KEYS.iter().any(|(known, _)| known == k))
        {
            return Err(fail(format!("prices.{extra} is not a known price key")));
        }
        if raw.nodes.is_empty() {
            return Err(fail("nodes needs at least one node size".into()));
        }
        for (name, node) in &raw.nodes {
            let field = format!("nodes.\"{name}\"");
            if node.arch != "arm64" && node.arch != "x86_64" {
                return Err(fail(format!(
                    "{field}.arch must be \"arm64\" or \"x86_64\""
                )));
            }
            if !(node.vcpu.is_finite() && node.vcpu >= 1.0 && node.vcpu <= 512.0) {
                return Err(fail(format!("{field}.vcpu must be between 1 and 512")));
            }
            if !(node.memory_gib.is_finite()
                && node.memory_gib >= 1.0
                && node.memory_gib <= 32768.0)
            {
                return Err(fail(format!(
                    "{field}.memory_gib must be between 1 and 32768"
                )));
            }
            if !(4..=1000).contains(&node.max_pods) {
                return Err(fail(format!("{field}.max_pods must be between 4 and 1000")));
            }
            check_usd(&format!("{field}.usd_per_hour"), node.usd_per_hour).map_err(fail)?;
            check_dated(&field, &node.as_of, &node.source).map_err(fail)?;
        }
        check_calendar(&raw.eks_calendar).map_err(fail)?;
        check_addons(&raw.addons).map_err(fail)?;
        for key in FREE_TIER_KEYS {
            let allowance = raw.free_tier.get(key).ok_or_else(|| {
                fail(format!(
                    "free_tier.{key} is missing (use amount = 0 for none)"
                ))
            })?;
            let field = format!("free_tier.{key}");
            if !(allowance.amount.is_finite() && allowance.amount >= 0.0) {
                return Err(fail(format!("{field}.amount must be zero or more")));
            }
            check_dated(&field, &allowance.as_of, &allowance.source).map_err(fail)?;
        }
        for (model, caveats) in &raw.not_modelled {
            for (i, caveat) in caveats.iter().enumerate() {
                let field = format!("not_modelled.{model}[{i}]");
                if caveat.text.trim().is_empty() {
                    return Err(fail(format!("{field}.text must not be empty")));
                }
                check_dated(&field, &caveat.as_of, &caveat.source).map_err(fail)?;
            }
        }
        if let Some(extra) = raw
            .free_tier
            .keys()
            .find(|k| !FREE_TIER_KEYS.contains(&k.as_str()))
        {
            return Err(fail(format!("free_tier.{extra} is not a known allowance")));
        }
        Ok(Prices {
            origin: origin.to_string(),
            region: raw.region,
            currency: raw.currency,
            hours_per_month: raw.hours_per_month,
            prices: raw.prices,
            nodes: raw.nodes,
            eks_calendar: raw.eks_calendar,
            addons: raw.addons,
            not_modelled: raw.not_modelled,
            free_tier: raw.free_tier,
        })
    }

    /// A price by key. Validation guarantees every key of [`PRICE_KEYS`] is present.
    pub fn get(&self, key: &str) -> &Price {
        match self.prices.get(key) {
            Some(price) => price,
            None => unreachable_price(key),
        }
    }

    /// Seconds in the table's billing month (`hours_per_month` x 3600).
    pub fn seconds_per_month(&self) -> f64 {
        self.hours_per_month * 3600.0
    }

    /// An always-free allowance by key (0 when absent).
    pub fn free(&self, key: &str) -> f64 {
        self.free_tier.get(key).map(|a| a.amount).unwrap_or(0.0)
    }

    /// A node size, or an input error listing the known ones.
    pub fn node(&self, name: &str) -> Result<&NodeType> {
        self.nodes.get(name).ok_or_else(|| {
            let known: Vec<&str> = self.nodes.keys().map(String::as_str).collect();
            super::invalid(
                "node_type",
                format!(
                    "'{name}' is not in the price table (known: {})",
                    known.join(", ")
                ),
            )
        })
    }
}

#[cold]
fn unreachable_price(key: &str) -> ! {
    // Only reachable through a programming error: every caller uses a key from PRICE_KEYS.
    panic!("price key {key} is not in PRICE_KEYS")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn embedded() -> Prices {
        Prices::embedded().expect("the embedded table is valid")
    }

    #[test]
    fn embedded_table_has_every_key() {
        let prices = embedded();
        assert_eq!(prices.prices.len(), PRICE_KEYS.len());
        assert_eq!(prices.get("lambda_requests").base_usd(), 0.20);
        assert_eq!(prices.hours_per_month, 730.0);
        assert!(prices.nodes.contains_key("m7g.large"));
    }

    #[test]
    fn tiers_are_walked_in_order() {
        let prices = embedded();
        let http = prices.get("api_http_requests");
        assert!((http.cost(100e6) - 100.0).abs() < 1e-9);
        // 300M at $1.00 + 100M at $0.90
        assert!((http.cost(400e6) - 390.0).abs() < 1e-9);
        let rest = prices.get("api_rest_requests");
        // 333M x 3.50 + 667M x 2.80 + 1B x 2.38
        let expected = 333.0 * 3.5 + 667.0 * 2.8 + 1000.0 * 2.38;
        assert!((rest.cost(2e9) - expected).abs() < 1e-6);
        assert_eq!(http.cost(0.0), 0.0);
    }

    fn replace(from: &str, to: &str) -> String {
        assert!(EMBEDDED_TABLE.contains(from), "{from}");
        EMBEDDED_TABLE.replacen(from, to, 1)
    }

    fn error_of(text: &str) -> String {
        let err = Prices::parse(text, "mine.toml").unwrap_err();
        assert!(matches!(err, Error::PriceTable { .. }), "{err}");
        err.to_string()
    }

    #[test]
    fn a_broken_built_in_table_is_scaffold_s_fault() {
        let err = Prices::built_in(&replace("[prices.alb_lcu]", "[prices.alb_lcus]")).unwrap_err();
        assert!(
            matches!(&err, Error::Embedded { what, .. } if what == "price table"),
            "{err}"
        );
        assert_eq!(err.exit_code(), scaffold_error::exit::FAILURE);
    }

    #[test]
    fn refuses_a_missing_price_naming_it() {
        let text = replace("[prices.lambda_requests]", "[prices.lambda_requestz]");
        let msg = error_of(&text);
        assert!(msg.contains("prices.lambda_requests is missing"), "{msg}");
    }

    #[test]
    fn refuses_negative_and_unsourced_prices() {
        let msg = error_of(&replace("usd = 0.20", "usd = -0.20"));
        assert!(msg.contains("prices.lambda_requests.usd"), "{msg}");
        let msg = error_of(&replace(
            "source = \"aws.amazon.com/xray/pricing (de and cn copies)\"",
            "source = \"\"",
        ));
        assert!(msg.contains("prices.xray_traces_recorded.source"), "{msg}");
        let msg = error_of(&replace("as_of = \"2024-04\"", "as_of = \"last spring\""));
        assert!(msg.contains("prices.eks_control_plane.as_of"), "{msg}");
    }

    #[test]
    fn refuses_tiers_out_of_order() {
        let msg = error_of(&replace(
            "{ up_to = 1_000_000_000, usd = 2.80 }",
            "{ up_to = 100, usd = 2.80 }",
        ));
        assert!(
            msg.contains("prices.api_rest_requests.tiers[1].up_to"),
            "{msg}"
        );
    }

    #[test]
    fn refuses_unknown_keys_and_bad_toml() {
        let msg = error_of(&format!(
            "{EMBEDDED_TABLE}\n[prices.nat_gateway]\nunit = \"h\"\nper = 1\nusd = 1\nas_of = \"2026\"\nsource = \"x\"\n"
        ));
        assert!(
            msg.contains("prices.nat_gateway is not a known price key"),
            "{msg}"
        );
        let msg = error_of(&replace("usd = 0.20", "usd = \"cheap\""));
        assert!(msg.starts_with("price table mine.toml:"), "{msg}");
        let msg = error_of(&replace("max_pods = 29", "max_pods = 29\ngpus = 1"));
        assert!(msg.contains("gpus"), "{msg}");
    }
}
