//! The cost figures the advice rests on, from the cost model: the serverless kind's own workload against the same
//! code in containers at the stated volume, with the traffic shape's peak factor, the operations cost given and
//! the break-even volumes.

use serde::Serialize;

use super::kinds::kind_for;
use super::questions::{AdviseInput, Traffic};
use super::rules::{Bills, Platform};
use scaffold_cost::Prices;
use scaffold_cost::compare::{self, Comparison, ContainerAssumptions};
use scaffold_cost::model::Bound;
use scaffold_cost::serverless::ServerlessInput;
use scaffold_error::Result;
use scaffold_kind::Catalog;

/// The serverless workload priced: the one the catalog's serverless kind generates, or the cost model's lean
/// example when the catalog has none.
#[derive(Debug, Clone, PartialEq)]
pub struct Workload {
    pub input: ServerlessInput,
    /// The kind whose workload it is; `None`: the lean example.
    pub kind: Option<String>,
}

/// What the lean example leaves out that a generated stack has, for its label.
pub const LEAN_EXAMPLE: &str = "the lean example: 128 MB ingest and 256 MB processor functions, no tracing, key, secrets, alarms, dashboards or stored history";

impl Workload {
    /// The catalog's serverless kind's workload, as its manifest binds the model's inputs to its defaults.
    pub fn of(catalog: &Catalog) -> Result<Workload> {
        let Some(kind) = kind_for(catalog, Platform::Serverless) else {
            return Ok(Workload {
                input: ServerlessInput::default(),
                kind: None,
            });
        };
        let input = match Bound::of(kind)? {
            Some(bound) => ServerlessInput::from_values(&bound.defaults())?,
            None => ServerlessInput::default(),
        };
        Ok(Workload {
            input,
            kind: Some(kind.name().to_string()),
        })
    }

    /// What the serverless row is called: the kind, or the lean example.
    pub fn label(&self) -> String {
        match &self.kind {
            Some(k) => k.clone(),
            None => format!("serverless ({LEAN_EXAMPLE})"),
        }
    }
}

/// Monthly cost per thousand events on each platform.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PerThousand {
    pub serverless: f64,
    pub fargate: f64,
    pub eks: f64,
}

/// Cost figures at the stated volume.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostSummary {
    pub events_per_month: u64,
    /// The serverless kind whose workload is priced, or the lean example's description.
    pub serverless_workload: String,
    pub serverless_usd: f64,
    /// Each container bill includes `ops_usd_per_month`.
    pub fargate_usd: f64,
    pub eks_usd: f64,
    pub per_thousand_events_usd: PerThousand,
    pub ops_usd_per_month: f64,
    pub min_saving_usd: f64,
    pub existing_cluster: bool,
    /// The volume from which containers on Fargate stay cheaper than serverless (`None`: not below 10^12).
    pub break_even_fargate: Option<u64>,
    pub break_even_eks: Option<u64>,
    pub peak_factor: f64,
    /// Hours in the price table's month, for the break-even sentences.
    #[serde(skip)]
    pub hours_per_month: f64,
}

impl CostSummary {
    pub fn of(
        input: &AdviseInput,
        workload: &Workload,
        cmp: &Comparison,
        hours_per_month: f64,
    ) -> CostSummary {
        let per_thousand = |usd: f64| usd / input.events_per_month as f64 * 1000.0;
        CostSummary {
            hours_per_month,
            events_per_month: input.events_per_month,
            serverless_workload: workload.label(),
            serverless_usd: cmp.serverless.total_usd,
            fargate_usd: cmp.fargate.total_usd,
            eks_usd: cmp.eks.total_usd,
            per_thousand_events_usd: PerThousand {
                serverless: per_thousand(cmp.serverless.total_usd),
                fargate: per_thousand(cmp.fargate.total_usd),
                eks: per_thousand(cmp.eks.total_usd),
            },
            ops_usd_per_month: f64::from(input.ops_usd_per_month),
            min_saving_usd: f64::from(input.min_saving_usd),
            existing_cluster: input.existing_cluster,
            break_even_fargate: cmp.break_even_fargate,
            break_even_eks: cmp.break_even_eks,
            peak_factor: input.traffic.peak_factor(),
        }
    }

    /// The bills the rules decided on: the same figures.
    pub fn bills(&self) -> Bills {
        Bills {
            serverless_usd: self.serverless_usd,
            fargate_usd: self.fargate_usd,
            eks_usd: self.eks_usd,
            min_saving: self.min_saving_usd,
        }
    }
}

/// The container side for these answers: sized for the traffic shape's peak, with the operations cost and the
/// existing cluster given.
pub fn assumptions(input: &AdviseInput) -> ContainerAssumptions {
    ContainerAssumptions {
        peak_factor: input.traffic.peak_factor(),
        ops_usd_per_month: f64::from(input.ops_usd_per_month),
        existing_cluster: input.existing_cluster,
        ..Default::default()
    }
}

/// The bills at the input's volume, without the break-even searches.
pub fn bills(prices: &Prices, workload: &Workload, input: &AdviseInput) -> Result<Bills> {
    let s =
        scaffold_cost::serverless::estimate(prices, &workload.input.at(input.events_per_month))?;
    let a = assumptions(input);
    let container = |p| compare::platform_cost(prices, p, &s, &a).map(|c| c.total_usd);
    Ok(Bills {
        serverless_usd: s.total_usd,
        fargate_usd: container(compare::Platform::Fargate)?,
        eks_usd: container(compare::Platform::Eks)?,
        min_saving: f64::from(input.min_saving_usd),
    })
}

/// Serverless against containers for the workload at the input's volume and traffic shape, with the
/// break-evens.
pub fn comparison(prices: &Prices, workload: &Workload, input: &AdviseInput) -> Result<Comparison> {
    compare::compare(
        prices,
        &workload.input.at(input.events_per_month),
        &assumptions(input),
    )
}

/// The volume from which containers on Fargate stay cheaper than serverless for this traffic shape (`None`: not
/// below the model's limit).
pub fn break_even(prices: &Prices, workload: &Workload, traffic: Traffic) -> Result<Option<u64>> {
    compare::break_even(
        prices,
        compare::Platform::Fargate,
        &workload.input,
        &ContainerAssumptions {
            peak_factor: traffic.peak_factor(),
            ..Default::default()
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use scaffold_kind::Source;

    #[test]
    fn steady_traffic_breaks_even_sooner_than_bursty() {
        let p = Prices::embedded().unwrap();
        let w = Workload::of(&Catalog::load(&Source::Embedded).unwrap()).unwrap();
        let steady = break_even(&p, &w, Traffic::Steady).unwrap().unwrap();
        // Bursty traffic may never break even: a task sized for 10x peaks serves 13.14M events a month.
        let bursty = break_even(&p, &w, Traffic::Bursty).unwrap();
        assert!(bursty.is_none_or(|b| steady < b), "{steady} < {bursty:?}");
        let input = AdviseInput {
            traffic: Traffic::Steady,
            ..AdviseInput::default()
        };
        let cmp = comparison(&p, &w, &input).unwrap();
        assert_eq!(cmp.break_even_fargate, Some(steady), "the same model");
        let c = CostSummary::of(&input, &w, &cmp, p.hours_per_month);
        assert_eq!(c.events_per_month, 1_000_000);
        assert_eq!(c.peak_factor, 1.5);
        assert_eq!(c.bills(), bills(&p, &w, &input).unwrap());
    }

    #[test]
    fn the_serverless_row_is_the_kind_s_own_workload_or_labelled_the_lean_example() {
        let w = Workload::of(&Catalog::load(&Source::Embedded).unwrap()).unwrap();
        assert_eq!(w.label(), "serverless-webhook");
        // The kind binds 256 MB functions and 19 alarm metrics (standard-webhooks), the lean example 128 and 0.
        assert_eq!(w.input.ingest_memory_mb, 256);
        assert_eq!(w.input.alarms, 19);
        let lean = Workload::of(&Catalog { kinds: Vec::new() }).unwrap();
        assert_eq!(lean.input, ServerlessInput::default());
        assert!(
            lean.label().starts_with("serverless (the lean example"),
            "{}",
            lean.label()
        );
    }
}
