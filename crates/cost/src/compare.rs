//! Serverless against containers for the same webhook workload at one volume, and the volumes where they cross.

use serde::Serialize;

use crate::serverless::{self, ServerlessEstimate, ServerlessInput};
use crate::{Prices, format};
use scaffold_error::Result;

pub use crate::breakeven::break_even;
pub use crate::containers::{ContainerAssumptions, INPUTS, Platform, PlatformCost, platform_cost};

/// The volumes of the cost curve: 10K to 1B events a month in steps of about 3x.
pub const CURVE_VOLUMES: [u64; 11] = [
    10_000,
    30_000,
    100_000,
    300_000,
    1_000_000,
    3_000_000,
    10_000_000,
    30_000_000,
    100_000_000,
    300_000_000,
    1_000_000_000,
];

/// The three bills at one volume.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CurvePoint {
    pub events_per_month: u64,
    pub serverless_usd: f64,
    pub fargate_usd: f64,
    pub eks_usd: f64,
}

/// Monthly cost per thousand events on each side.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PerThousand {
    pub serverless: f64,
    pub fargate: f64,
    pub eks: f64,
}

/// The three bills at each of [`CURVE_VOLUMES`] and at `extra` (the stated volume), smallest first.
pub fn curve(
    prices: &Prices,
    input: &ServerlessInput,
    assumptions: &ContainerAssumptions,
    extra: &[u64],
) -> Result<Vec<CurvePoint>> {
    let mut volumes: Vec<u64> = CURVE_VOLUMES.iter().chain(extra).copied().collect();
    volumes.sort_unstable();
    volumes.dedup();
    volumes
        .into_iter()
        .map(|n| {
            let s = serverless::estimate(prices, &input.at(n))?;
            Ok(CurvePoint {
                events_per_month: n,
                serverless_usd: s.total_usd,
                fargate_usd: platform_cost(prices, Platform::Fargate, &s, assumptions)?.total_usd,
                eks_usd: platform_cost(prices, Platform::Eks, &s, assumptions)?.total_usd,
            })
        })
        .collect()
}

/// The result of `scaffold cost compare`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub events_per_month: u64,
    pub serverless: ServerlessEstimate,
    pub fargate: PlatformCost,
    pub eks: PlatformCost,
    /// Smallest monthly volume at which serverless costs at least as much as containers on Fargate.
    pub break_even_fargate: Option<u64>,
    pub break_even_eks: Option<u64>,
    /// "serverless", "fargate" or "eks": the cheapest at this volume (ties go to serverless, the simpler one).
    pub cheapest: String,
    pub assumptions: Vec<String>,
    pub container_assumptions: ContainerAssumptions,
    pub per_thousand_events_usd: PerThousand,
    /// The three bills from 10K to 1B events a month and at the stated volume.
    pub curve: Vec<CurvePoint>,
}

pub fn compare(
    prices: &Prices,
    input: &ServerlessInput,
    assumptions: &ContainerAssumptions,
) -> Result<Comparison> {
    assumptions.validate()?;
    let s = serverless::estimate(prices, input)?;
    let fargate = platform_cost(prices, Platform::Fargate, &s, assumptions)?;
    let eks = platform_cost(prices, Platform::Eks, &s, assumptions)?;
    let break_even_fargate = break_even(prices, Platform::Fargate, input, assumptions)?;
    let break_even_eks = break_even(prices, Platform::Eks, input, assumptions)?;
    let mut cheapest = ("serverless", s.total_usd);
    for (name, usd) in [("fargate", fargate.total_usd), ("eks", eks.total_usd)] {
        if usd < cheapest.1 {
            cheapest = (name, usd);
        }
    }
    let a = assumptions;
    let assumptions_text = vec![
        format!("Prices: {} ({}, on-demand, {} hours a month), free tiers not applied.", prices.origin, prices.region, format::plain(prices.hours_per_month)),
        format!(
            "Serverless: {} API, {} Lambda, ingest {} MB for {} ms, processor {} MB for {} ms per batch of {}.",
            input.api.as_str().to_uppercase(), input.arch.as_str(), input.ingest_memory_mb, format::plain(input.ingest_duration_ms),
            input.processor_memory_mb, format::plain(input.processor_duration_ms), input.batch_size
        ),
        format!(
            "Both sides pay the same queue ({}), DynamoDB ({} write / {} read units per event), logs ({} KB per event) and tracing ({} sampled).",
            input.queue.as_str(), format::plain(input.write_units_per_event), format::plain(input.read_units_per_event),
            format::plain(input.log_kb_per_event), format::plain(input.tracing_sample)
        ),
        format!(
            "Containers: tasks of {} vCPU / {} GB, each sustaining {} events/s, sized for a peak {}x the monthly average, at least {} tasks.",
            format::plain(a.task_vcpu), format::plain(a.task_memory_gb), format::plain(a.events_per_task_second),
            format::plain(a.peak_factor), a.min_tasks
        ),
        "Containers sit behind one Application Load Balancer; each event opens a new connection (25 per second per LCU) unless its bytes (1 GB per hour per LCU) weigh more.".into(),
        format!(
            "EKS: one cluster of {} nodes with {}% headroom, at least {} nodes, plus the control plane; an existing shared cluster would only add nodes.",
            a.node_type, format::plain(a.headroom * 100.0), a.min_nodes
        ),
        format!(
            "Tasks and nodes reach the internet through a public IPv4 address each ({} an hour), cheaper than a NAT gateway ({} an hour per zone plus per GB) below about nine per zone; each node has a 20 GB gp3 root volume.",
            prices.get("public_ipv4").describe(),
            prices.get("nat_gateway_hour").describe()
        ),
        "Not counted on either side: data transfer out, container images, CI, and the people who run each platform unless their monthly cost is given as an operations cost.".into(),
    ];
    let per_thousand = |usd: f64| usd / input.events_per_month as f64 * 1000.0;
    Ok(Comparison {
        per_thousand_events_usd: PerThousand {
            serverless: per_thousand(s.total_usd),
            fargate: per_thousand(fargate.total_usd),
            eks: per_thousand(eks.total_usd),
        },
        curve: curve(prices, input, assumptions, &[input.events_per_month])?,
        events_per_month: input.events_per_month,
        serverless: s,
        fargate,
        eks,
        break_even_fargate,
        break_even_eks,
        cheapest: cheapest.0.into(),
        assumptions: assumptions_text,
        container_assumptions: assumptions.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prices() -> Prices {
        Prices::embedded().unwrap()
    }

    #[test]
    fn eks_breaks_even_later_than_fargate() {
        let p = prices();
        let c = compare(
            &p,
            &ServerlessInput::default(),
            &ContainerAssumptions::default(),
        )
        .unwrap();
        let f = c.break_even_fargate.unwrap();
        let e = c.break_even_eks.unwrap();
        assert!(e > f, "{e} <= {f}");
        assert_eq!(c.cheapest, "serverless");
        let big = compare(
            &p,
            &ServerlessInput::default().at(1_000_000_000),
            &ContainerAssumptions::default(),
        )
        .unwrap();
        assert_eq!(big.cheapest, "fargate");
        assert!(!c.assumptions.is_empty());
    }

    #[test]
    fn the_assumptions_state_the_eks_sizing_used() {
        let c = compare(
            &prices(),
            &ServerlessInput::default(),
            &ContainerAssumptions {
                headroom: 0.3,
                min_nodes: 3,
                ..Default::default()
            },
        )
        .unwrap();
        let eks = c
            .assumptions
            .iter()
            .find(|a| a.starts_with("EKS:"))
            .unwrap();
        assert!(eks.contains("30% headroom, at least 3 nodes"), "{eks}");
        assert_eq!(c.eks.items[0].quantity, 3.0);
    }
}
