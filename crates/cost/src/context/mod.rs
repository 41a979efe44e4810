//! The `cost` value of a template context: the figures a project's documents show, computed by the same code as
//! `scaffold cost` with the embedded prices.
//!
//! Rust supplies numbers, already formatted the way documents print them (`$4.21`, `2,500,000`, `0.05`), and
//! keys; every word around them, and every command a document shows, is the template's. There is one shape per
//! built-in model ([`ServerlessContext`], [`KubernetesContext`]), given to the templates by the model's unit; docs/templates.md lists every key.

mod kubernetes;
mod levers;
mod serverless;
mod standing;

pub use crate::unit::CostContext;
pub use kubernetes::{KubernetesContext, Scenario, context as kubernetes_context};
pub use serverless::{ServerlessContext, Workload, context as serverless_context};
pub use standing::StandingCosts;

use serde::Serialize;

use crate::prices::{Prices, Tier};
use crate::{LineItem, format};

/// A price as a document lists it.
#[derive(Debug, Clone, Serialize)]
pub struct PriceEntry {
    /// The price table's key (`lambda_requests`).
    pub key: String,
    /// `$0.20 per 1M invocations`, with its tiers.
    pub describe: String,
    pub unit: String,
    /// Units one price step buys (1,000,000 for a price per million).
    pub per: f64,
    /// Every tier; a flat price is one tier without `up_to`.
    pub tiers: Vec<Tier>,
    pub as_of: String,
    pub source: String,
}

pub(crate) fn price_entry(prices: &Prices, key: &str) -> PriceEntry {
    let p = prices.get(key);
    PriceEntry {
        key: key.to_string(),
        describe: p.describe(),
        unit: p.unit.clone(),
        per: p.per,
        tiers: p.tier_list(),
        as_of: p.as_of.clone(),
        source: p.source.clone(),
    }
}

/// One priced line, as a list of a document shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Line {
    pub key: String,
    pub label: String,
    /// Per month, to the cent: `$73.00`.
    pub usd: String,
    /// How the figure is computed, with the numbers filled in.
    pub formula: String,
}

pub(crate) fn lines(items: &[LineItem]) -> Vec<Line> {
    items
        .iter()
        .map(|i| Line {
            key: i.key.clone(),
            label: i.label.clone(),
            usd: format::money(i.usd),
            formula: i.formula.clone(),
        })
        .collect()
}
