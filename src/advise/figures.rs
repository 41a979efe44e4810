//! The cost figures the advice rests on, from the cost model: serverless against containers at the stated
//! volume, with the traffic shape's peak factor, and the break-even volume.

use serde::Serialize;

use super::questions::{AdviseInput, Traffic};
use crate::cost::Prices;
use crate::cost::compare::{self, Comparison, ContainerAssumptions};

use crate::cost::serverless::ServerlessInput;
use crate::error::Result;

/// Cost figures at the stated volume.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostSummary {
    pub events_per_month: u64,
    pub serverless_usd: f64,
    pub fargate_usd: f64,
    pub eks_usd: f64,
    pub break_even_fargate: Option<u64>,
    pub break_even_eks: Option<u64>,
    pub peak_factor: f64,
    /// Hours in the price table's month, for the break-even sentences.
    #[serde(skip)]
    pub hours_per_month: f64,
}

impl CostSummary {
    pub fn of(input: &AdviseInput, cmp: &Comparison, hours_per_month: f64) -> CostSummary {
        CostSummary {
            hours_per_month,
            events_per_month: input.events_per_month,
            serverless_usd: cmp.serverless.total_usd,
            fargate_usd: cmp.fargate.total_usd,
            eks_usd: cmp.eks.total_usd,
            break_even_fargate: cmp.break_even_fargate,
            break_even_eks: cmp.break_even_eks,
            peak_factor: input.traffic.peak_factor(),
        }
    }
}

fn assumptions(traffic: Traffic) -> ContainerAssumptions {
    ContainerAssumptions {
        peak_factor: traffic.peak_factor(),
        ..Default::default()
    }
}

/// Serverless against containers for the default webhook workload at the input's volume and traffic shape.
pub fn comparison(prices: &Prices, input: &AdviseInput) -> Result<Comparison> {
    compare::compare(
        prices,
        &ServerlessInput::default().at(input.events_per_month),
        &assumptions(input.traffic),
    )
}

/// The volume from which containers on Fargate cost less than serverless for this traffic shape (`None`: not
/// below the model's limit).
pub fn break_even(prices: &Prices, traffic: Traffic) -> Result<Option<u64>> {
    compare::break_even(
        prices,
        compare::Platform::Fargate,
        &ServerlessInput::default(),
        &assumptions(traffic),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steady_traffic_breaks_even_sooner_than_bursty() {
        let p = Prices::embedded().unwrap();
        let steady = break_even(&p, Traffic::Steady).unwrap().unwrap();
        let bursty = break_even(&p, Traffic::Bursty).unwrap().unwrap();
        assert!(steady < bursty, "{steady} < {bursty}");
        let input = AdviseInput {
            traffic: Traffic::Steady,
            ..AdviseInput::default()
        };
        let cmp = comparison(&p, &input).unwrap();
        assert_eq!(cmp.break_even_fargate, Some(steady), "the same model");
        let c = CostSummary::of(&input, &cmp, p.hours_per_month);
        assert_eq!(c.events_per_month, 1_000_000);
        assert_eq!(c.peak_factor, 1.5);
    }
}
