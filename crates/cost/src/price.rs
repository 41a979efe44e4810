//! One price of the table: flat or tiered, dated and sourced, and what a monthly quantity of it costs.

use serde::{Deserialize, Serialize};

/// One tier of a tiered price.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    /// Upper bound of the tier in units of monthly usage; `None` for the last tier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub up_to: Option<f64>,
    pub usd: f64,
}

/// A price: flat (`usd` per `per` units) or tiered.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Price {
    pub unit: String,
    pub per: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usd: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tiers: Option<Vec<Tier>>,
    pub as_of: String,
    pub source: String,
}

impl Price {
    /// The tiers, a flat price being one unbounded tier.
    pub fn tier_list(&self) -> Vec<Tier> {
        match (&self.tiers, self.usd) {
            (Some(tiers), _) => tiers.clone(),
            (None, Some(usd)) => vec![Tier { up_to: None, usd }],
            (None, None) => Vec::new(),
        }
    }

    /// USD per `per` units in the first tier (the price most readers mean).
    pub fn base_usd(&self) -> f64 {
        self.tier_list().first().map(|t| t.usd).unwrap_or(0.0)
    }

    /// USD per single unit in the first tier.
    pub fn unit_usd(&self) -> f64 {
        self.base_usd() / self.per
    }

    /// Cost of `quantity` units in one month, walking the tiers.
    pub fn cost(&self, quantity: f64) -> f64 {
        let mut total = 0.0;
        let mut lower = 0.0;
        for tier in self.tier_list() {
            if quantity <= lower {
                break;
            }
            let upper = tier.up_to.unwrap_or(f64::INFINITY);
            let in_tier = quantity.min(upper) - lower;
            total += in_tier / self.per * tier.usd;
            lower = upper;
        }
        total
    }

    /// Describe the price for documents: `$1.00 per 1M requests (first 300M), then $0.90`.
    pub fn describe(&self) -> String {
        let tiers = self.tier_list();
        let mut text = format!(
            "{} per {}",
            super::format::rate(tiers[0].usd),
            self.per_unit()
        );
        if let Some(bound) = tiers[0].up_to {
            text.push_str(&format!(" (first {})", super::format::count(bound)));
            for tier in &tiers[1..] {
                text.push_str(&format!(", then {}", super::format::rate(tier.usd)));
                if let Some(b) = tier.up_to {
                    text.push_str(&format!(" up to {}", super::format::count(b)));
                }
            }
        }
        text
    }

    /// `1M requests`, `GB ingested`: what one price step buys.
    pub fn per_unit(&self) -> String {
        if self.per == 1.0 {
            self.unit.clone()
        } else {
            format!("{} {}", super::format::count(self.per), self.unit)
        }
    }

    pub(crate) fn validate(&self, field: &str) -> Result<(), String> {
        if !(self.per.is_finite() && self.per > 0.0) {
            return Err(format!("{field}.per must be a positive number"));
        }
        if self.unit.trim().is_empty() {
            return Err(format!("{field}.unit must not be empty"));
        }
        check_dated(field, &self.as_of, &self.source)?;
        match (&self.usd, &self.tiers) {
            (Some(_), Some(_)) => Err(format!("{field} has both usd and tiers: keep one")),
            (None, None) => Err(format!("{field} needs usd (a flat price) or tiers")),
            (Some(usd), None) => check_usd(&format!("{field}.usd"), *usd),
            (None, Some(tiers)) => {
                if tiers.is_empty() {
                    return Err(format!("{field}.tiers must not be empty"));
                }
                let mut previous = 0.0;
                for (i, tier) in tiers.iter().enumerate() {
                    let name = format!("{field}.tiers[{i}]");
                    check_usd(&format!("{name}.usd"), tier.usd)?;
                    let last = i + 1 == tiers.len();
                    match (tier.up_to, last) {
                        (Some(_), true) => {
                            return Err(format!("{name}.up_to must be left out on the last tier"));
                        }
                        (None, false) => {
                            return Err(format!(
                                "{name}.up_to is required on every tier but the last"
                            ));
                        }
                        (Some(bound), false) => {
                            if !(bound.is_finite() && bound > previous) {
                                return Err(format!(
                                    "{name}.up_to must be larger than the tier before it"
                                ));
                            }
                            previous = bound;
                        }
                        (None, true) => {}
                    }
                }
                Ok(())
            }
        }
    }
}

pub(crate) fn check_usd(field: &str, usd: f64) -> Result<(), String> {
    if (0.0..1_000_000.0).contains(&usd) {
        Ok(())
    } else {
        Err(format!("{field} must be a price of zero or more"))
    }
}

pub(crate) fn check_dated(field: &str, as_of: &str, source: &str) -> Result<(), String> {
    let ok_date = {
        let parts: Vec<&str> = as_of.split('-').collect();
        !parts.is_empty()
            && parts.len() <= 3
            && parts[0].len() == 4
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
    };
    if !ok_date {
        return Err(format!(
            "{field}.as_of must be a date like 2026, 2026-03 or 2026-03-01 (found \"{as_of}\")"
        ));
    }
    if source.trim().is_empty() {
        return Err(format!(
            "{field}.source must say where the price was seen (or \"unverified: ...\")"
        ));
    }
    Ok(())
}
