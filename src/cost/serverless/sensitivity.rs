//! Which input moves the bill most: each numeric input raised by a tenth, one at a time, and the bill's change,
//! largest first. A FinOps review starts where the bill is most sensitive.

use serde::Serialize;

use super::estimate::{ServerlessEstimate, estimate};
use super::input::ServerlessInput;
use crate::cost::Prices;
use crate::error::Result;

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

/// An input's name, whether it is a whole number, and how to read and set it.
type Lever = (
    &'static str,
    bool,
    fn(&ServerlessInput) -> f64,
    fn(&mut ServerlessInput, f64),
);

/// The inputs tried, with how to read and set each. Whole-number inputs are rounded up.
const LEVERS: [Lever; 10] = [
    (
        "events_per_month",
        true,
        |i| i.events_per_month as f64,
        |i, v| i.events_per_month = v.ceil() as u64,
    ),
    (
        "payload_kb",
        false,
        |i| i.payload_kb,
        |i, v| i.payload_kb = v,
    ),
    (
        "ingest_memory_mb",
        true,
        |i| f64::from(i.ingest_memory_mb),
        |i, v| i.ingest_memory_mb = v.ceil() as u32,
    ),
    (
        "ingest_duration_ms",
        false,
        |i| i.ingest_duration_ms,
        |i, v| i.ingest_duration_ms = v,
    ),
    (
        "processor_memory_mb",
        true,
        |i| f64::from(i.processor_memory_mb),
        |i, v| i.processor_memory_mb = v.ceil() as u32,
    ),
    (
        "processor_duration_ms",
        false,
        |i| i.processor_duration_ms,
        |i, v| i.processor_duration_ms = v,
    ),
    (
        "batch_size",
        true,
        |i| f64::from(i.batch_size),
        |i, v| i.batch_size = v.ceil() as u32,
    ),
    (
        "write_units_per_event",
        false,
        |i| i.write_units_per_event,
        |i, v| i.write_units_per_event = v,
    ),
    (
        "log_kb_per_event",
        false,
        |i| i.log_kb_per_event,
        |i, v| i.log_kb_per_event = v,
    ),
    (
        "stored_months",
        false,
        |i| i.stored_months,
        |i, v| i.stored_months = v,
    ),
];

/// Each input of `base`'s workload raised by a tenth (a whole number by at least one), the bill recomputed,
/// largest change first. An input at zero, or one the model refuses raised, is left out.
pub fn sensitivity(prices: &Prices, base: &ServerlessEstimate) -> Result<Vec<Sensitivity>> {
    let mut out = Vec::new();
    for (name, whole, get, set) in LEVERS {
        let from = get(&base.input);
        if from <= 0.0 {
            continue;
        }
        let mut raised = base.input.clone();
        let step = if whole {
            (from * 0.1).max(1.0)
        } else {
            from * 0.1
        };
        set(&mut raised, from + step);
        let Ok(e) = estimate(prices, &raised) else {
            continue;
        };
        let delta = e.total_usd - base.total_usd;
        out.push(Sensitivity {
            input: name.into(),
            from,
            to: get(&raised),
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
        // By hand, at 100M events ($1,148.33): 10% more events is about 10% more of nearly every line, +$114.83;
        // 6 -> 6.6 write units a event is 60M more units x $0.625/M = +$37.50; 1 -> 1.1 KB of logs a event is
        // 10 GB more x $0.50 = +$5.00.
        assert!((s[0].delta_usd - 114.83).abs() < 0.05, "{:?}", s[0]);
        assert!((s[1].delta_usd - 37.5).abs() < 1e-6, "{:?}", s[1]);
        assert!((s[2].delta_usd - 5.0).abs() < 1e-6, "{:?}", s[2]);
        // The lean example stores nothing: stored_months at 0 is left out.
        assert!(s.iter().all(|x| x.input != "stored_months"));
    }
}
