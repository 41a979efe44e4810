//! Which input moves the bill most: each numeric input raised by a tenth, one at a time, and the bill's change,
//! largest first. A FinOps review starts where the bill is most sensitive.

use serde::Serialize;

use super::estimate::{ServerlessEstimate, estimate};
use super::input::{INPUTS, ServerlessInput};
use crate::{InputType, Prices, Values};
use scaffold_error::Result;

/// One input's effect on the monthly bill.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sensitivity {
    /// The input's name (`write_units_per_event`).
    pub input: String,
    /// Its value, and the value tried (a tenth more; a whole number at least one more).
    pub from: f64,
    pub to: f64,
    /// The bill's change in USD a month, and as a share of the bill.
    pub delta_usd: f64,
    pub delta_share: f64,
}

/// The inputs tried, by name: read from and set back into the workload's values, so each is declared once (in
/// [`INPUTS`], whose type says whether it is a whole number, rounded up when raised).
const TRIED: [&str; 11] = [
    "events_per_month",
    "payload_kb",
    "ingest_memory_mb",
    "ingest_duration_ms",
    "processor_memory_mb",
    "processor_duration_ms",
    "batch_size",
    "batch_window_s",
    "write_units_per_event",
    "log_kb_per_event",
    "stored_months",
];

/// Each input of `base`'s workload raised by a tenth (a whole number by at least one), the bill recomputed,
/// largest change first. An input at zero, or one the model refuses raised, is left out.
pub fn sensitivity(prices: &Prices, base: &ServerlessEstimate) -> Result<Vec<Sensitivity>> {
    let values = base.input.to_values();
    let mut out = Vec::new();
    for spec in INPUTS.iter().filter(|s| TRIED.contains(&s.name.as_ref())) {
        let whole = matches!(spec.kind, InputType::Whole | InputType::Events);
        let from = match values.get(&spec.name) {
            Some(v) => Values::text_of(v).parse::<f64>().unwrap_or(0.0),
            // Left out because it is derived: the derived value.
            None => base.input.write_units_per_event,
        };
        if from <= 0.0 {
            continue;
        }
        let to = if whole {
            (from + (from * 0.1).max(1.0)).ceil()
        } else {
            from * 1.1
        };
        let mut raised = values.clone();
        raised.set(&spec.name, to);
        let Ok(e) = ServerlessInput::from_values(&raised).and_then(|i| estimate(prices, &i)) else {
            continue;
        };
        let delta = e.total_usd - base.total_usd;
        out.push(Sensitivity {
            input: spec.name.to_string(),
            from,
            to,
            delta_usd: delta,
            delta_share: if base.total_usd > 0.0 {
                delta / base.total_usd
            } else {
                0.0
            },
        });
    }
    out.sort_by(|a, b| b.delta_usd.abs().total_cmp(&a.delta_usd.abs()));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lean_example_at_100m_moves_most_with_volume_then_writes_then_logs() {
        let p = Prices::embedded().unwrap();
        let base = estimate(&p, &ServerlessInput::default().at(100_000_000)).unwrap();
        let s = sensitivity(&p, &base).unwrap();
        let names: Vec<&str> = s.iter().take(3).map(|x| x.input.as_str()).collect();
        assert_eq!(
            names,
            [
                "events_per_month",
                "write_units_per_event",
                "log_kb_per_event"
            ]
        );
        // By hand, at 100M events ($1,167.58, batches full at 10): 10% more events is 10% more of every line, +$116.76;
        // 6 -> 6.6 write units a event is 60M more units x $0.625/M = +$37.50; 1 -> 1.1 KB of logs a event is
        // 10 GB more x $0.50 = +$5.00.
        assert!((s[0].delta_usd - 116.76).abs() < 0.01, "{:?}", s[0]);
        assert!((s[1].delta_usd - 37.5).abs() < 1e-6, "{:?}", s[1]);
        assert!((s[2].delta_usd - 5.0).abs() < 1e-6, "{:?}", s[2]);
        // The lean example stores nothing: stored_months at 0 is left out.
        assert!(s.iter().all(|x| x.input != "stored_months"));
    }
}
