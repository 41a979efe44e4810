//! Serverless against containers for the same webhook workload, and the volume where they cross.
//!
//! Only API Gateway and Lambda go away when the code moves to containers; the queue, the table, the logs and the
//! traces stay either way, so both sides carry them. The container side runs the same ingest and processor code
//! as long-running tasks behind an Application Load Balancer, sized for peak traffic with a floor of two tasks for
//! availability: on Fargate (a managed container platform) and on EKS (the `k8s-platform` kind).

use serde::Serialize;

use super::serverless::{self, Arch, ServerlessEstimate, ServerlessInput};
use super::{LineItem, MAX_EVENTS_PER_MONTH, Prices, check_range, format, k8s};
use crate::error::Result;

/// Seconds in a billing month of 730 hours.
fn seconds(prices: &Prices) -> f64 {
    prices.hours_per_month * 3600.0
}

/// How the container side is sized.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContainerAssumptions {
    pub task_vcpu: f64,
    pub task_memory_gb: f64,
    pub min_tasks: u32,
    /// Events per second one task sustains (ingest and processing together).
    pub events_per_task_second: f64,
    /// Peak rate over the monthly average the fleet is sized for.
    pub peak_factor: f64,
    /// Node size for the EKS side.
    pub node_type: String,
}

impl Default for ContainerAssumptions {
    fn default() -> Self {
        ContainerAssumptions {
            task_vcpu: 0.5,
            task_memory_gb: 1.0,
            min_tasks: 2,
            events_per_task_second: 50.0,
            peak_factor: 3.0,
            node_type: k8s::DEFAULT_NODE_TYPE.into(),
        }
    }
}

impl ContainerAssumptions {
    pub fn validate(&self) -> Result<()> {
        check_range("task_vcpu", self.task_vcpu, 0.25, 16.0, "vCPUs per task")?;
        check_range(
            "task_memory_gb",
            self.task_memory_gb,
            0.5,
            120.0,
            "GB per task",
        )?;
        check_range(
            "min_tasks",
            self.min_tasks as f64,
            1.0,
            1000.0,
            "a task count",
        )?;
        check_range(
            "events_per_task_second",
            self.events_per_task_second,
            0.1,
            100_000.0,
            "events per second per task",
        )?;
        check_range(
            "peak_factor",
            self.peak_factor,
            1.0,
            100.0,
            "a peak over average ratio",
        )?;
        Ok(())
    }

    /// Tasks needed at a monthly volume.
    pub fn tasks(&self, prices: &Prices, events_per_month: u64) -> u32 {
        let peak = events_per_month as f64 / seconds(prices) * self.peak_factor;
        ((peak / self.events_per_task_second).ceil() as u32).max(self.min_tasks)
    }
}

/// One container platform's monthly cost.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlatformCost {
    pub platform: String,
    pub tasks: u32,
    /// What a task is called on this platform: "tasks" or "pods".
    pub task_noun: String,
    pub items: Vec<LineItem>,
    /// Queue, table, logs and traces: the same as on the serverless side.
    pub shared_usd: f64,
    pub total_usd: f64,
}

/// Which container platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    Fargate,
    Eks,
}

impl Platform {
    pub fn label(self) -> &'static str {
        match self {
            Platform::Fargate => "containers on Fargate",
            Platform::Eks => "containers on EKS (k8s-platform)",
        }
    }
}

/// LCU-hours per month for a webhook stream: each event a new connection (25 per second per LCU) or its bytes
/// (1 GB per hour per LCU), whichever is larger.
pub fn lcu_hours(prices: &Prices, events_per_month: u64, payload_kb: f64) -> f64 {
    let n = events_per_month as f64;
    let by_connections = n / (25.0 * 3600.0);
    let by_bytes = n * payload_kb / 1_000_000.0;
    let _ = prices;
    by_connections.max(by_bytes)
}

pub fn platform_cost(
    prices: &Prices,
    platform: Platform,
    serverless: &ServerlessEstimate,
    assumptions: &ContainerAssumptions,
) -> Result<PlatformCost> {
    let input = &serverless.input;
    let n = input.events_per_month;
    let h = prices.hours_per_month;
    let tasks = assumptions.tasks(prices, n);
    let lcu_h = lcu_hours(prices, n, input.payload_kb);
    let alb = prices.get("alb_hour");
    let lcu = prices.get("alb_lcu");
    let mut items = Vec::new();
    match platform {
        Platform::Fargate => {
            let (cpu_key, mem_key) = match input.arch {
                Arch::Arm64 => ("fargate_arm64_vcpu", "fargate_arm64_memory"),
                Arch::X86_64 => ("fargate_x86_64_vcpu", "fargate_x86_64_memory"),
            };
            let cpu = prices.get(cpu_key);
            let mem = prices.get(mem_key);
            let vcpu_h = tasks as f64 * assumptions.task_vcpu * h;
            let gb_h = tasks as f64 * assumptions.task_memory_gb * h;
            items.push(serverless::item(
                "tasks",
                &format!("Fargate tasks ({})", input.arch.as_str()),
                tasks as f64,
                "tasks",
                cpu.cost(vcpu_h) + mem.cost(gb_h),
                format!(
                    "{tasks} tasks x {} hours x ({} vCPU x {} + {} GB x {})",
                    format::plain(h),
                    format::plain(assumptions.task_vcpu),
                    cpu.describe(),
                    format::plain(assumptions.task_memory_gb),
                    mem.describe()
                ),
            ));
        }
        Platform::Eks => {
            let cap = k8s::capacity(prices, &assumptions.node_type)?;
            let cpu_m = (assumptions.task_vcpu * 1000.0).round() as u32;
            let mem_mib =
                (assumptions.task_memory_gb * 1000.0 * 1000.0 * 1000.0 / 1_048_576.0).ceil() as u32;
            let fit = k8s::fit(&cap, tasks, cpu_m, mem_mib, 0.2, 2);
            items.push(serverless::item(
                "nodes",
                &format!("Worker nodes ({})", assumptions.node_type),
                fit.nodes as f64,
                "nodes",
                fit.nodes as f64 * cap.usd_per_hour * h,
                format!(
                    "{} nodes for {tasks} pods of {cpu_m}m / {mem_mib} MiB (bound by {}) x {} per hour x {} hours",
                    fit.nodes, fit.bound_by, format::rate(cap.usd_per_hour), format::plain(h)
                ),
            ));
            let cp = prices.get("eks_control_plane");
            items.push(serverless::item(
                "control_plane",
                "EKS control plane",
                h,
                "cluster-hours",
                cp.cost(h),
                format!("1 cluster x {} hours x {}", format::plain(h), cp.describe()),
            ));
        }
    }
    items.push(serverless::item(
        "load_balancer",
        "Application Load Balancer",
        h,
        "hours",
        alb.cost(h) + lcu.cost(lcu_h),
        format!(
            "{} hours x {} + {} LCU-hours (max of events / 90,000 for new connections and GB processed) x {}",
            format::plain(h), alb.describe(), format::plain(round6(lcu_h)), lcu.describe()
        ),
    ));
    let shared_usd = serverless.shared_usd();
    items.push(serverless::item(
        "shared",
        "Queue, table, logs, traces (same as serverless)",
        1.0,
        "set",
        shared_usd,
        "SQS + DynamoDB + CloudWatch Logs + X-Ray, as computed for the serverless side".into(),
    ));
    let total_usd = items.iter().map(|i| i.usd).sum();
    Ok(PlatformCost {
        platform: platform.label().into(),
        tasks,
        task_noun: match platform {
            Platform::Fargate => "tasks".into(),
            Platform::Eks => "pods".into(),
        },
        items,
        shared_usd,
        total_usd,
    })
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
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
}

/// Serverless minus containers at a volume (positive: containers are cheaper).
fn gap(
    prices: &Prices,
    platform: Platform,
    input: &ServerlessInput,
    assumptions: &ContainerAssumptions,
    events: u64,
) -> Result<f64> {
    let s = serverless::estimate(prices, &input.at(events))?;
    let c = platform_cost(prices, platform, &s, assumptions)?;
    Ok(s.total_usd - c.total_usd)
}

/// The smallest volume (events per month, up to 10^12) from which serverless costs at least as much as the
/// container platform, or `None` when serverless stays cheaper all the way.
///
/// The container side is a step function (whole tasks). The search walks the task-count steps, comparing the two
/// bills at the top of each step; once it finds a step whose top is past the crossing, it bisects inside that step.
/// Serverless prices only fall with volume (tiers), so the gap at the step tops grows at a shrinking rate: when it
/// stops growing while still negative, serverless stays cheaper, and while it grows, steps that cannot reach zero
/// by linear extrapolation are skipped.
pub fn break_even(
    prices: &Prices,
    platform: Platform,
    input: &ServerlessInput,
    assumptions: &ContainerAssumptions,
) -> Result<Option<u64>> {
    let secs = seconds(prices);
    let min = assumptions.min_tasks as u64;
    // Highest volume served by k tasks.
    let top_for = |k: u64| -> u64 {
        let v = (k as f64 * assumptions.events_per_task_second * secs / assumptions.peak_factor)
            .floor();
        if v >= MAX_EVENTS_PER_MONTH as f64 {
            MAX_EVENTS_PER_MONTH
        } else {
            (v as u64).max(1)
        }
    };
    let at = |n: u64| gap(prices, platform, input, assumptions, n);
    let mut k = min;
    let mut previous: Option<(u64, f64)> = None;
    loop {
        let lo = if k == min {
            1
        } else {
            top_for(k - 1).saturating_add(1).min(MAX_EVENTS_PER_MONTH)
        };
        let hi = top_for(k).max(lo);
        let g = at(hi)?;
        if g >= 0.0 {
            if at(lo)? >= 0.0 {
                return Ok(Some(lo));
            }
            let (mut a, mut b) = (lo, hi);
            while b - a > 1 {
                let mid = a + (b - a) / 2;
                if at(mid)? >= 0.0 {
                    b = mid;
                } else {
                    a = mid;
                }
            }
            return Ok(Some(b));
        }
        if hi >= MAX_EVENTS_PER_MONTH {
            return Ok(None);
        }
        let step = match previous {
            None => 1,
            Some((pk, pg)) => {
                let per_step = (g - pg) / (k - pk) as f64;
                if per_step <= 0.0 {
                    return Ok(None);
                }
                let needed = (-g / per_step).ceil();
                if needed > 1e12 {
                    1_000_000_000_000
                } else {
                    (needed as u64).saturating_sub(1).max(1)
                }
            }
        };
        previous = Some((k, g));
        k = k.saturating_add(step);
    }
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
            "EKS: one cluster of {} nodes with 20% headroom, at least 2 nodes, plus the control plane; an existing shared cluster would only add nodes.",
            a.node_type
        ),
        "Not counted on either side: data transfer out, NAT gateways, container images, CI, and the people who run each platform.".into(),
    ];
    Ok(Comparison {
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
    fn two_arm_tasks_cost_what_the_reference_says() {
        let p = prices();
        let s = serverless::estimate(&p, &ServerlessInput::default()).unwrap();
        let c = platform_cost(&p, Platform::Fargate, &s, &ContainerAssumptions::default()).unwrap();
        assert_eq!(c.tasks, 2);
        // 2 x 730 x (0.5 x 0.03238 + 1 x 0.00356) = 28.835
        assert!((c.items[0].usd - 28.835).abs() < 1e-9, "{}", c.items[0].usd);
    }

    #[test]
    fn lean_break_even_against_fargate_is_in_the_tens_of_millions() {
        let p = prices();
        let input = ServerlessInput::default();
        let a = ContainerAssumptions::default();
        let n = break_even(&p, Platform::Fargate, &input, &a)
            .unwrap()
            .unwrap();
        assert!((10_000_000..100_000_000).contains(&n), "{n}");
        // By hand: fixed 28.835 + 16.425 over (1.353334 - 0.0111111 x 0.8) per million = about 35.8M.
        let by_hand = (28.835 + 16.425) / (1.353334 - 0.008 / 0.09) * 1e6;
        assert!(
            (n as f64 - by_hand).abs() / by_hand < 0.001,
            "{n} vs {by_hand}"
        );
        // Exactly the crossing: one event less and serverless is still cheaper.
        assert!(gap(&p, Platform::Fargate, &input, &a, n).unwrap() >= 0.0);
        assert!(gap(&p, Platform::Fargate, &input, &a, n - 1).unwrap() < 0.0);
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
    fn spikier_traffic_moves_the_break_even_up() {
        let p = prices();
        let input = ServerlessInput::default();
        let steady = ContainerAssumptions {
            peak_factor: 1.5,
            ..Default::default()
        };
        let bursty = ContainerAssumptions {
            peak_factor: 10.0,
            ..Default::default()
        };
        let a = break_even(&p, Platform::Fargate, &input, &steady)
            .unwrap()
            .unwrap();
        let b = break_even(&p, Platform::Fargate, &input, &bursty)
            .unwrap()
            .unwrap();
        assert!(b >= a, "{b} < {a}");
    }

    #[test]
    fn no_break_even_when_containers_never_win() {
        let p = prices();
        // One event per second per task: the fleet grows faster than the serverless bill.
        let slow = ContainerAssumptions {
            events_per_task_second: 0.1,
            ..Default::default()
        };
        assert_eq!(
            break_even(&p, Platform::Fargate, &ServerlessInput::default(), &slow).unwrap(),
            None
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(24))]
        #[test]
        fn break_even_is_exactly_the_first_crossing(
            peak in 1.0f64..20.0,
            per_task in 5.0f64..500.0,
            min_tasks in 1u32..6,
            payload in 0.5f64..200.0,
            rest in proptest::bool::ANY,
        ) {
            let p = prices();
            let input = ServerlessInput {
                payload_kb: payload,
                api: if rest { serverless::ApiKind::Rest } else { serverless::ApiKind::Http },
                ..Default::default()
            };
            let a = ContainerAssumptions { peak_factor: peak, events_per_task_second: per_task, min_tasks, ..Default::default() };
            if let Some(n) = break_even(&p, Platform::Fargate, &input, &a).unwrap() {
                proptest::prop_assert!(gap(&p, Platform::Fargate, &input, &a, n).unwrap() >= 0.0);
                if n > 1 {
                    proptest::prop_assert!(gap(&p, Platform::Fargate, &input, &a, n - 1).unwrap() < 0.0);
                }
                // Nothing earlier crosses either: sample below the answer.
                for k in 1..=20u64 {
                    let m = n / 21 * k;
                    if m >= 1 {
                        proptest::prop_assert!(gap(&p, Platform::Fargate, &input, &a, m).unwrap() < 0.0, "crossed at {m} < {n}");
                    }
                }
            }
        }
    }
}
