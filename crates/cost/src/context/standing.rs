//! The fixed items of a serverless bill that are paid whether or not events arrive: the KMS key, the secrets,
//! the alarms and the dashboards, with their share of the bill at the lowest reference volume.

use serde::Serialize;

use super::{Line, lines};
use crate::format;
use crate::serverless::{STANDING_KEYS, ServerlessEstimate};

#[derive(Debug, Clone, Serialize)]
pub struct StandingCosts {
    /// One line each (the key, the secrets, the alarms, the dashboards) at the workload's volume.
    pub lines: Vec<Line>,
    /// Their sum: `$7.90`.
    pub usd: String,
    /// The lowest reference volume, `10K`, and the standing items' share of the bill there, `93%`.
    pub low_label: String,
    pub low_share: String,
}

impl StandingCosts {
    pub(super) fn of(main: &ServerlessEstimate, low: &ServerlessEstimate) -> StandingCosts {
        let share = if low.total_usd > 0.0 {
            low.standing_usd() / low.total_usd
        } else {
            0.0
        };
        let standing: Vec<_> = main.items_in(&STANDING_KEYS).cloned().collect();
        StandingCosts {
            lines: lines(&standing),
            usd: format::money(main.standing_usd()),
            low_label: format::count(low.input.events_per_month as f64),
            low_share: format!("{:.0}%", share * 100.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Values;
    use crate::context::serverless::context;
    use crate::prices::Prices;

    #[test]
    fn the_standing_items_at_10k_events_worked_by_hand() {
        let mut v = Values::new();
        for (k, value) in [
            ("events_per_month", 10_000u64),
            ("kms_keys", 1),
            ("secrets", 1),
            ("alarms", 18),
            ("composite_alarms", 2),
            ("dashboards", 1),
        ] {
            v.set(k, value);
        }
        let c = context(&Prices::embedded().unwrap(), &v).unwrap();
        let s = &c.standing;
        let keys: Vec<&str> = s.lines.iter().map(|l| l.key.as_str()).collect();
        assert_eq!(keys, STANDING_KEYS);
        // 730 h x 3600 s / 300 s = 8,760 reuse periods, fewer than the 10,000 events.
        // KMS: $1.00 + 6 callers x 8,760 = 52,560 requests x $0.03 / 10K = $0.15768 -> $1.15768.
        // Secrets Manager: 1 x $0.40 + 8,760 reads x $0.05 / 10K = $0.0438 -> $0.4438.
        // Alarms: 18 x $0.10 + 2 composites x $0.50 = $2.80. Dashboards: 1 x $3.00.
        let usd: Vec<&str> = s.lines.iter().map(|l| l.usd.as_str()).collect();
        assert_eq!(usd, ["$1.16", "$0.44", "$2.80", "$3.00"]);
        // 1.15768 + 0.4438 + 2.80 + 3.00 = 7.40148.
        assert_eq!(s.usd, "$7.40");
        assert_eq!(s.low_label, "10K");
        let total: f64 = c
            .total
            .trim_start_matches('$')
            .replace(',', "")
            .parse()
            .unwrap();
        assert_eq!(s.low_share, format!("{:.0}%", 7.40148 / total * 100.0));
    }
}
