//! The cost engine: the figures behind `scaffold cost`, `scaffold advise` and the cost pages of generated projects
//! come from here and nowhere else, so a README and the command line never disagree. It computes and returns
//! values; it never prints. Prices are data (`templates/pricing/aws-us-east-1.toml`, embedded at build time, or a
//! user's own table with the same keys).
//!
//! Each module uses only those listed before it: [`format`] (number formatting) and [`prices`] (the table); the
//! models [`serverless`] and [`kubernetes`]; the container side of a comparison ([`containers`]), the
//! [`breakeven`] search and [`compare`]; and [`context`], the `cost` value templates see.

pub mod breakeven;
pub mod compare;
pub mod containers;
pub mod context;
pub mod format;
pub mod kubernetes;
pub mod prices;
pub mod serverless;

pub use context::template_context;
pub use prices::Prices;

use crate::error::{Error, Result};

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
        unit: unit.into(),
        usd,
        formula,
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
    let cleaned: String = text
        .trim()
        .chars()
        .filter(|c| *c != '_' && *c != ',')
        .collect();
    if cleaned.is_empty() {
        return Err(invalid(
            field,
            "expected a number of events per month, e.g. 1000000 or 1M",
        ));
    }
    let (digits, scale) = match cleaned.chars().last().map(|c| c.to_ascii_lowercase()) {
        Some('k') => (&cleaned[..cleaned.len() - 1], 1e3),
        Some('m') => (&cleaned[..cleaned.len() - 1], 1e6),
        Some('b') | Some('g') => (&cleaned[..cleaned.len() - 1], 1e9),
        Some('t') => (&cleaned[..cleaned.len() - 1], 1e12),
        _ => (cleaned.as_str(), 1.0),
    };
    let value: f64 = digits.parse().map_err(|_| {
        invalid(
            field,
            format!("'{text}' is not a number (use e.g. 1000000, 1M or 2.5M)"),
        )
    })?;
    let events = value * scale;
    if !events.is_finite() {
        return Err(invalid(field, format!("'{text}' is not a finite number")));
    }
    if events <= 0.0 {
        return Err(invalid(
            field,
            format!("'{text}' must be at least 1 event per month"),
        ));
    }
    if events > MAX_EVENTS_PER_MONTH as f64 {
        return Err(invalid(
            field,
            format!("'{text}' is above the model's limit of 10^12 events per month"),
        ));
    }
    if events.fract() != 0.0 {
        return Err(invalid(
            field,
            format!("'{text}' is not a whole number of events"),
        ));
    }
    Ok(events as u64)
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
        ] {
            let err = parse_events("events_per_month", bad).unwrap_err();
            assert!(
                matches!(&err, Error::InvalidInput { field, .. } if field == "events_per_month"),
                "{bad}: {err}"
            );
        }
    }
}
