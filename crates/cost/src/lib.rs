//! The cost engine: the figures behind `scaffold cost`, `scaffold advise` and the cost pages of generated projects
//! come from here and nowhere else, so a README and the command line never disagree. It computes and returns
//! values; it never prints. Prices are data (`templates/pricing/aws-us-east-1.toml`, embedded at build time, or a
//! user's own table with the same keys).
//!
//! A model is one unit ([`unit::CostModel`]) that names itself, declares its inputs and computes its estimate and
//! template values; the built-in ones are listed in [`units`]. A kind picks one in its manifest and binds the
//! model's inputs to answers, settings or fixed values (see [`model`]), so a kind stays data.
//!
//! Each module uses only those listed before it: [`format`] (number formatting), [`cluster`] (the table's EKS
//! calendar and add-ons) and [`prices`] (the table); [`network`] (addresses and volumes around machines); the
//! models [`serverless`] and [`kubernetes`]; the container side of a comparison ([`containers`]), the
//! [`breakeven`] search and [`compare`]; [`table`] (text tables of line items); [`unit`], what a model is; the
//! [`context`] shapes templates see; the built-in [`units`]; a model a kind declares as data ([`declared`]); and [`model`], which finds a kind's model and
//! resolves its bindings. This module holds what they share: line items, model inputs and their parsing.

pub mod breakeven;
pub mod chart;
pub mod cluster;
pub mod compare;
pub mod containers;
pub mod context;
pub mod declared;
pub mod format;
pub mod kubernetes;
pub mod model;
pub mod network;
pub mod price;
pub mod prices;
pub mod serverless;
pub mod table;
pub mod unit;
pub mod units;

pub use model::template_context;
pub use prices::Prices;
pub use unit::CostModel;

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde_json::Value;

use scaffold_error::{Error, Result};

/// Events per month above which the model refuses to answer: far beyond any webhook system, and past the point
/// where f64 cents stop being exact.
pub const MAX_EVENTS_PER_MONTH: u64 = 1_000_000_000_000;

/// The volumes every serverless estimate is also shown at.
pub const REFERENCE_VOLUMES: [u64; 3] = [10_000, 1_000_000, 100_000_000];

/// A refused model input. `field` is the input's name (`events_per_month`), never a command-line flag: the binary
/// names the flag, and `scaffold new` the answer or setting the input is bound to.
pub(crate) fn invalid(field: &str, message: impl Into<String>) -> Error {
    Error::InvalidInput {
        field: field.to_string(),
        message: message.into(),
    }
}

/// One priced line of an estimate.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LineItem {
    /// Stable identifier (`api`, `lambda_requests`, `nodes`, ...).
    pub key: String,
    /// Human label.
    pub label: String,
    /// The billed quantity per month, in `unit`.
    pub quantity: f64,
    pub unit: String,
    /// Cost per month in USD, unrounded.
    pub usd: f64,
    /// How the figure is computed, with the numbers filled in.
    pub formula: String,
}

/// What a model input takes, so a caller knows how to read it (the binary picks a flag's parser from it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputType {
    /// Events per month: a whole number, or text such as `5M` (see [`parse_events`]).
    Events,
    /// Any number; the model checks its range.
    Number,
    /// A whole number.
    Whole,
    /// One of these words.
    Choice(&'static [&'static str]),
    /// A Kubernetes CPU quantity: `100m`, `0.5`, `2`.
    Cpu,
    /// A Kubernetes memory quantity: `128Mi`, `1Gi`.
    Memory,
    /// A name, such as a node size of the price table.
    Name,
}

/// The values a numeric input takes, and what they are, for a refusal: `Lambda memory in MB`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    pub min: f64,
    pub max: f64,
    pub what: &'static str,
}

/// One input a model reads, declared once: the command line, the manifests' bindings and the docs read it from
/// here. A built-in model's inputs are constants (their text borrowed); a declared model's own their text.
#[derive(Debug, Clone, PartialEq)]
pub struct InputSpec {
    /// The input's name, as `[cost.inputs]` and error messages use it.
    pub name: Cow<'static, str>,
    pub kind: InputType,
    /// The long option of `scaffold cost` that sets it, without its dashes (`memory-mb`); `None` for an input that
    /// shapes a project's documents but not the command's figures.
    pub flag: Option<Cow<'static, str>>,
    /// What it is, one sentence for the option's help.
    pub help: Cow<'static, str>,
    /// The values the model takes, if it checks a range.
    pub range: Option<Range>,
}

impl InputSpec {
    /// An input with the flag that sets it.
    pub const fn flagged(
        name: &'static str,
        kind: InputType,
        flag: &'static str,
        help: &'static str,
    ) -> InputSpec {
        InputSpec {
            name: Cow::Borrowed(name),
            kind,
            flag: Some(Cow::Borrowed(flag)),
            help: Cow::Borrowed(help),
            range: None,
        }
    }

    /// An input no flag sets: it shapes a project's documents, not the command's figures.
    pub const fn unflagged(name: &'static str, kind: InputType, help: &'static str) -> InputSpec {
        InputSpec {
            name: Cow::Borrowed(name),
            kind,
            flag: None,
            help: Cow::Borrowed(help),
            range: None,
        }
    }

    /// The same input, taking values from `min` to `max` (`what` they are, in a refusal).
    pub const fn within(mut self, min: f64, max: f64, what: &'static str) -> InputSpec {
        self.range = Some(Range { min, max, what });
        self
    }

    /// The flag that sets it, without its dashes.
    pub fn flag(&self) -> Option<&str> {
        self.flag.as_deref()
    }
}

/// A model's inputs by name, as given: JSON numbers, bools or text (`"5M"`, `"100m"`), from flags, answers,
/// settings or a manifest. Each model reads them with [`Values`]' typed getters, which name the input in errors.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Values(BTreeMap<String, Value>);

impl Values {
    pub fn new() -> Values {
        Values::default()
    }

    pub fn set(&mut self, name: &str, value: impl Into<Value>) {
        self.0.insert(name.to_string(), value.into());
    }

    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.get(name)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// These values with `other`'s on top.
    pub fn with(mut self, other: &Values) -> Values {
        self.0
            .extend(other.0.iter().map(|(k, v)| (k.clone(), v.clone())));
        self
    }

    /// The text of a value as a user would type it: `4`, `0.05`, `arm64`.
    pub fn text_of(value: &Value) -> String {
        match value {
            Value::String(s) => s.clone(),
            Value::Number(n) => match n.as_f64() {
                Some(x) if n.is_f64() => format::plain(x),
                _ => n.to_string(),
            },
            other => other.to_string(),
        }
    }

    /// Events per month.
    pub(crate) fn events(&self, name: &str) -> Result<Option<u64>> {
        self.get(name)
            .map(|v| parse_events(name, &Values::text_of(v)))
            .transpose()
    }

    /// A number, given as a number or as its text.
    pub(crate) fn number(&self, name: &str) -> Result<Option<f64>> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Number(n)) => Ok(n.as_f64()),
            Some(Value::String(s)) => s
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| invalid(name, format!("'{s}' is not a number"))),
            Some(other) => Err(invalid(name, format!("{other} is not a number"))),
        }
    }

    /// A whole number in `[min, max]`.
    pub(crate) fn whole(&self, name: &str, min: i64, max: i64) -> Result<Option<u32>> {
        let Some(given) = self.get(name) else {
            return Ok(None);
        };
        let value = match given {
            Value::Number(n) => n
                .as_i64()
                .or_else(|| n.as_f64().filter(|x| x.fract() == 0.0).map(|x| x as i64)),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
        .ok_or_else(|| {
            invalid(
                name,
                format!("{} is not a whole number", Values::text_of(given)),
            )
        })?;
        if value < min || value > max {
            return Err(invalid(
                name,
                format!("{value} is out of range: must be between {min} and {max}"),
            ));
        }
        Ok(Some(value as u32))
    }

    /// A word or a quantity, given as text (a number is taken as its text: a CPU quantity of `2`).
    pub(crate) fn text(&self, name: &str) -> Result<Option<String>> {
        match self.get(name) {
            None => Ok(None),
            Some(v @ (Value::String(_) | Value::Number(_))) => Ok(Some(Values::text_of(v))),
            Some(other) => Err(invalid(name, format!("{other} is not text"))),
        }
    }
}

/// A line item.
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
        unit: singular(quantity, unit),
        usd,
        formula,
    }
}

/// A unit as a count of `quantity` reads it: `1 key`, `2 keys`, `1 GB-month`.
fn singular(quantity: f64, unit: &str) -> String {
    match unit.strip_suffix('s') {
        Some(one) if quantity == 1.0 => one.to_string(),
        _ => unit.to_string(),
    }
}

/// The key of the largest line item; ties keep the first in display order, so the answer is deterministic.
pub(crate) fn largest_key(items: &[LineItem]) -> String {
    let mut best: Option<&LineItem> = None;
    for i in items {
        if best.is_none_or(|b| i.usd > b.usd) {
            best = Some(i);
        }
    }
    best.map(|i| i.key.clone()).unwrap_or_default()
}

/// Parse a monthly event count: `1000000`, `1_000_000`, `1,000,000`, `10K`, `1M`, `2.5M`, `1B`, `1e6`.
/// Refuses zero, negatives, fractions of an event and anything above [`MAX_EVENTS_PER_MONTH`].
pub fn parse_events(field: &str, text: &str) -> Result<u64> {
    // The same parser as every whole-number answer, so `cost` and `advise` read `1,0000` alike (refused: commas
    // go between groups of three).
    let events = scaffold_answers::parse::parse_count(text).ok_or_else(|| {
        invalid(
            field,
            format!(
                "'{text}' is not a whole number of events (use e.g. 1000000, 1,000,000, 1M or 2.5M)"
            ),
        )
    })?;
    if events < 1 {
        return Err(invalid(
            field,
            format!("'{text}' must be at least 1 event per month"),
        ));
    }
    if events as u64 > MAX_EVENTS_PER_MONTH {
        return Err(invalid(
            field,
            format!("'{text}' is above the model's limit of 10^12 events per month"),
        ));
    }
    Ok(events as u64)
}

/// Check every input of `values` that `inputs` declares a range for.
pub(crate) fn check_declared(inputs: &[InputSpec], values: &Values) -> Result<()> {
    for spec in inputs {
        let Some(r) = spec.range else { continue };
        if let Some(value) = values.number(&spec.name)? {
            check_range(&spec.name, value, r.min, r.max, r.what)?;
        }
    }
    Ok(())
}

/// A whole number of `values` within the range `inputs` declares for it.
pub(crate) fn declared_whole(
    inputs: &[InputSpec],
    values: &Values,
    name: &str,
) -> Result<Option<u32>> {
    let range = inputs
        .iter()
        .find(|s| s.name == name)
        .and_then(|s| s.range)
        .map_or((0, i64::from(u32::MAX)), |r| (r.min as i64, r.max as i64));
    values.whole(name, range.0, range.1)
}

/// Check a number lies in `[min, max]` and is finite.
pub(crate) fn check_range(field: &str, value: f64, min: f64, max: f64, what: &str) -> Result<()> {
    if !value.is_finite() || value < min || value > max {
        return Err(invalid(
            field,
            format!(
                "{} is out of range: {what} must be between {} and {}",
                format::plain(value),
                format::plain(min),
                format::plain(max)
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_unit_of_one_is_singular() {
        assert_eq!(item("k", "K", 1.0, "keys", 1.0, String::new()).unit, "key");
        assert_eq!(item("k", "K", 2.0, "keys", 2.0, String::new()).unit, "keys");
        assert_eq!(item("k", "K", 1.0, "GB", 1.0, String::new()).unit, "GB");
    }

    #[test]
    fn parses_plain_and_suffixed_counts() {
        assert_eq!(parse_events("n", "1000000").unwrap(), 1_000_000);
        assert_eq!(parse_events("n", "1_000_000").unwrap(), 1_000_000);
        assert_eq!(parse_events("n", "1,000,000").unwrap(), 1_000_000);
        assert_eq!(parse_events("n", "10K").unwrap(), 10_000);
        assert_eq!(parse_events("n", "2.5M").unwrap(), 2_500_000);
        assert_eq!(parse_events("n", "1b").unwrap(), 1_000_000_000);
        assert_eq!(parse_events("n", "1e6").unwrap(), 1_000_000);
        assert_eq!(parse_events("n", "1T").unwrap(), MAX_EVENTS_PER_MONTH);
    }

    #[test]
    fn values_read_numbers_given_as_text_and_name_the_input() {
        let mut v = Values::new();
        v.set("events", "2.5M");
        v.set("kb", 4);
        v.set("share", "0.05");
        v.set("memory", -128);
        v.set("cpu", 2);
        assert_eq!(v.events("events").unwrap(), Some(2_500_000));
        assert_eq!(v.number("kb").unwrap(), Some(4.0));
        assert_eq!(v.number("share").unwrap(), Some(0.05));
        assert_eq!(v.text("cpu").unwrap().as_deref(), Some("2"));
        assert_eq!(v.number("absent").unwrap(), None);
        let err = v.whole("memory", 128, 10240).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid memory: -128 is out of range: must be between 128 and 10240"
        );
        assert_eq!(Values::text_of(&serde_json::json!(0.05)), "0.05");
        assert_eq!(Values::text_of(&serde_json::json!(4.0)), "4");
    }

    #[test]
    fn refuses_bad_counts() {
        for bad in [
            "0",
            "-5",
            "abc",
            "",
            "1.5",
            "1000000000001",
            "2T",
            "inf",
            "NaN",
            // Commas go between groups of three: this was 10,000 to `cost` and an error to `advise`.
            "1,0000",
            "1,00,000",
        ] {
            let err = parse_events("events_per_month", bad).unwrap_err();
            assert!(
                matches!(&err, Error::InvalidInput { field, .. } if field == "events_per_month"),
                "{bad}: {err}"
            );
        }
    }
}
