//! `scaffold advise`: which kind fits a workload, and why, with the cost comparison at the stated volume.
//!
//! - [`questions`](mod@questions): the questions, as ordinary [`scaffold_kind::Question`]s settled like a kind's, and the typed
//!   [`AdviseInput`] read from the answers;
//! - [`rules`](mod@rules): the ordered rules of docs/advise.md, each with when it applies and why it stands where it does;
//!   the first that applies decides, and recommends a [`Platform`];
//! - [`kinds`](mod@kinds): the kind of the catalog that runs on that platform, by its manifest's `[cost] model`;
//! - [`figures`](mod@figures): the cost model's figures the advice rests on;
//! - [`explain`](mod@explain): a sentence per answer on what it did to the outcome, and every single changed answer that
//!   would change the recommendation, found by re-running the same rules, so the explanation cannot drift from
//!   the logic.
//!
//! Each module uses only those listed before it. [`advise`] returns an [`Advice`]: every number and key, and
//! the explanation's sentences; the binary lays it out as text or prints it as JSON.

pub mod explain;
pub mod figures;
pub mod kinds;
pub mod questions;
pub mod rules;

pub use explain::{Flip, Reason};
pub use figures::{CostSummary, LEAN_EXAMPLE, Workload};
pub use kinds::{Recommendation, kind_for};
pub use questions::{AdviseInput, MAX_LATENCY_MS, MAX_TEAM_SIZE, Traffic, answers, questions};
pub use rules::{
    Bills, Decision, LATENCY_FLOOR_MS, MIN_TEAM_FOR_PLATFORM, Platform, RULES, decide,
};

use serde::Serialize;

use scaffold_cost::Prices;
use scaffold_error::Result;
use scaffold_kind::Catalog;

/// The result of `scaffold advise`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Advice {
    pub input: AdviseInput,
    /// Serialised as the kind's name, or the platform's when no kind runs on it.
    pub recommendation: Recommendation,
    /// The rule that decided, `R1`..`R4`.
    pub rule: &'static str,
    /// Why that rule decided as it did.
    pub summary: String,
    /// One per question, in question order.
    pub reasons: Vec<Reason>,
    pub cost: CostSummary,
    pub would_change: Vec<Flip>,
}

/// Decides, explains each answer, prices both sides at the stated volume and lists what would change the answer.
/// Recommendations name the kinds of `catalog` by the platform each declares.
pub fn advise(prices: &Prices, catalog: &Catalog, input: &AdviseInput) -> Result<Advice> {
    input.validate()?;
    let workload = Workload::of(catalog)?;
    let cmp = figures::comparison(prices, &workload, input)?;
    let cost = CostSummary::of(input, &workload, &cmp, prices.hours_per_month);
    let decision = decide(input, &cost.bills());
    Ok(Advice {
        input: input.clone(),
        recommendation: Recommendation::of(decision.platform, catalog),
        rule: decision.rule,
        summary: explain::summary(input, &decision, &cost),
        reasons: explain::reasons(input, &cost),
        would_change: explain::would_change(prices, catalog, &workload, input, &decision)?,
        cost,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use scaffold_error::Error;
    use scaffold_kind::Source;

    fn catalog() -> Catalog {
        Catalog::load(&Source::Embedded).unwrap()
    }

    #[test]
    fn the_advice_puts_the_decision_its_explanation_and_the_figures_together() {
        let p = Prices::embedded().unwrap();
        let a = advise(&p, &catalog(), &AdviseInput::default()).unwrap();
        assert_eq!(a.recommendation.platform, Platform::Serverless);
        assert_eq!(a.recommendation.name(), "serverless-webhook");
        assert_eq!(a.rule, "R4");
        assert_eq!(a.reasons.len(), questions().len());
        assert_eq!(a.cost.events_per_month, 1_000_000);
        assert!(a.would_change.iter().any(|f| f.key == "gpu"));
        let json = serde_json::to_value(&a).unwrap();
        assert_eq!(json["recommendation"], "serverless-webhook");
        assert_eq!(json["input"]["traffic"], "spiky");
    }

    #[test]
    fn invalid_answers_are_refused() {
        let p = Prices::embedded().unwrap();
        let base = AdviseInput::default;
        for (key, bad) in [
            (
                "team_size",
                AdviseInput {
                    team_size: 0,
                    ..base()
                },
            ),
            (
                "latency_budget_ms",
                AdviseInput {
                    latency_budget_ms: 0,
                    ..base()
                },
            ),
            (
                "events_per_month",
                AdviseInput {
                    events_per_month: 0,
                    ..base()
                },
            ),
            (
                "events_per_month",
                AdviseInput {
                    events_per_month: scaffold_cost::MAX_EVENTS_PER_MONTH + 1,
                    ..base()
                },
            ),
        ] {
            let err = advise(&p, &catalog(), &bad).unwrap_err();
            assert!(
                matches!(&err, Error::InvalidAnswer { key: k, .. } if k == key),
                "{key}: {err}"
            );
        }
    }
}
