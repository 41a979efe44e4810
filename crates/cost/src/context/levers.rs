//! The serverless page's levers: the bill at 100M events with one change each.

use serde::Serialize;

use crate::compare::{self, ContainerAssumptions, Platform};
use crate::format;
use crate::prices::Prices;
use crate::serverless::{self, Arch, QueueKind, ServerlessEstimate, ServerlessInput};
use scaffold_error::Result;

/// The changes priced at 100M events, each against `total_100m`. `arm64` is priced only for an x86_64 workload and
/// `standard_queue` only for a FIFO one; both are `null` otherwise.
#[derive(Debug, Clone, Serialize)]
pub struct Levers {
    /// A quarter of the log volume per event.
    pub logs: Lever,
    /// One DynamoDB write unit less per event (at least one stays).
    pub writes: Lever,
    /// Batches of up to 100 for the processor, with a batching window of at least 1 s; a standard queue's only
    /// (`null` for a FIFO one, whose batches stop at 10).
    pub batch: Option<Lever>,
    pub arm64: Option<Lever>,
    pub standard_queue: Option<Lever>,
    /// The code in containers on Fargate, at `containers.min_tasks` tasks or more.
    pub containers: Lever,
}

#[derive(Debug, Clone, Serialize)]
pub struct Lever {
    pub total: String,
    pub saving: String,
}

fn lever(prices: &Prices, base: &ServerlessEstimate, changed: ServerlessInput) -> Result<Lever> {
    let e = serverless::estimate(prices, &changed)?;
    Ok(Lever {
        total: format::money(e.total_usd),
        saving: format::money(base.total_usd - e.total_usd),
    })
}

pub(super) fn levers(
    prices: &Prices,
    at_100m: &ServerlessEstimate,
    assumptions: &ContainerAssumptions,
) -> Result<Levers> {
    let base = &at_100m.input;
    let with = |change: &dyn Fn(&mut ServerlessInput)| {
        let mut changed = base.clone();
        change(&mut changed);
        lever(prices, at_100m, changed)
    };
    let fargate = compare::platform_cost(prices, Platform::Fargate, at_100m, assumptions)?;
    Ok(Levers {
        logs: with(&|i| i.log_kb_per_event = base.log_kb_per_event / 4.0)?,
        writes: with(&|i| i.write_units_per_event = (base.write_units_per_event - 1.0).max(1.0))?,
        batch: match base.queue {
            QueueKind::Standard => Some(with(&|i| {
                i.batch_size = 100;
                i.batch_window_s = i.batch_window_s.max(1.0);
            })?),
            QueueKind::Fifo => None,
        },
        arm64: match base.arch {
            Arch::X86_64 => Some(with(&|i| i.arch = Arch::Arm64)?),
            Arch::Arm64 => None,
        },
        standard_queue: match base.queue {
            QueueKind::Fifo => Some(with(&|i| i.queue = QueueKind::Standard)?),
            QueueKind::Standard => None,
        },
        containers: Lever {
            total: format::money(fargate.total_usd),
            saving: format::money(at_100m.total_usd - fargate.total_usd),
        },
    })
}
