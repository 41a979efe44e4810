//! `[cost.declared]`: a cost model a kind brings as data, read as written. The cost engine checks it (every name
//! an expression uses, every price key, every range) and runs it; the manifest only holds it.

use serde::Deserialize;

/// A model declared in the manifest: what it prices, its inputs, its line items and what it leaves out.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeclaredModel {
    /// What the model prices, one sentence for the command that runs it.
    pub about: String,
    /// An expression over the inputs giving the events a month, for the cost per thousand events.
    pub events: String,
    pub inputs: Vec<DeclaredInput>,
    pub items: Vec<DeclaredItem>,
    /// What the model leaves out, one sentence each.
    #[serde(default)]
    pub not_modelled: Vec<String>,
}

/// One input of a declared model.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeclaredInput {
    pub name: String,
    /// `number` or `whole`.
    #[serde(rename = "type")]
    pub kind: String,
    pub default: f64,
    pub min: f64,
    pub max: f64,
    /// What it is, one sentence for the command's help.
    pub help: String,
    /// The long option of the cost command that sets it, without dashes; none for an input no flag sets.
    #[serde(default)]
    pub flag: Option<String>,
}

/// One line item: a quantity over the inputs, priced from the price table or at a declared unit price.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeclaredItem {
    pub key: String,
    pub label: String,
    /// An expression over the inputs: `+ - * /`, parentheses, numbers, input names, `min`, `max`, `ceil`.
    pub quantity: String,
    pub unit: String,
    /// A key of the price table (`templates/pricing/*.toml`).
    #[serde(default)]
    pub price: Option<String>,
    /// A price the table does not hold, with where it comes from.
    #[serde(default)]
    pub unit_price: Option<UnitPrice>,
}

/// A declared price: `usd` per `per` units, dated and sourced.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitPrice {
    pub usd: f64,
    pub per: f64,
    pub as_of: String,
    pub source: String,
}
