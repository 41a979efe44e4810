//! The container side of a comparison: the same ingest and processor code as long-running tasks behind an
//! Application Load Balancer, sized for peak traffic with a floor of tasks for availability, on Fargate (a managed
//! container platform) or as pods on EKS nodes. Only API Gateway and Lambda (with Lambda's own START, END and
//! REPORT log lines) go away when the code moves to containers; the queue, the table, the code's own logs and the
//! traces stay, so this side carries them too.

use serde::Serialize;

use crate::kubernetes;
use crate::serverless::{Arch, ServerlessEstimate};
use crate::{
    InputSpec, InputType, LineItem, Prices, Values, check_declared, declared_whole, format, item,
    network,
};
use scaffold_error::Result;

/// Every input of the container side, by the names of [`ContainerAssumptions`]' fields.
pub static INPUTS: [InputSpec; 10] = [
    InputSpec::flagged(
        "peak_factor",
        InputType::Number,
        "peak-factor",
        "Peak over average traffic the container fleet is sized for (steady 1.5, spiky 3, bursty 10).",
    )
    .within(1.0, 100.0, "a peak over average ratio"),
    InputSpec::flagged(
        "task_vcpu",
        InputType::Number,
        "task-vcpu",
        "vCPUs per container task.",
    )
    .within(0.25, 16.0, "vCPUs per task"),
    InputSpec::flagged(
        "task_memory_gb",
        InputType::Number,
        "task-memory-gb",
        "Memory per container task in GB.",
    )
    .within(0.5, 120.0, "GB per task"),
    InputSpec::flagged(
        "events_per_task_second",
        InputType::Number,
        "events-per-task-second",
        "Events per second one task sustains.",
    )
    .within(0.1, 100_000.0, "events per second per task"),
    InputSpec::flagged(
        "min_tasks",
        InputType::Whole,
        "min-tasks",
        "Fewest tasks, for availability.",
    )
    .within(1.0, 1000.0, "a task count"),
    InputSpec::flagged(
        "node_type",
        InputType::Name,
        "node-type",
        "Worker node size for the EKS side.",
    ),
    InputSpec::flagged(
        "headroom",
        InputType::Number,
        "headroom",
        "Share of EKS node capacity kept free, 0 to 0.9.",
    )
    .within(0.0, 0.9, "a headroom share"),
    InputSpec::flagged(
        "min_nodes",
        InputType::Whole,
        "min-nodes",
        "Fewest EKS nodes, for availability.",
    )
    .within(1.0, 1000.0, "a node count"),
    InputSpec::flagged(
        "ops_usd_per_month",
        InputType::Number,
        "ops-usd-per-month",
        "What running a container platform costs you a month beyond serverless (people's time, tooling), added to each container bill.",
    )
    .within(0.0, 10_000_000.0, "USD a month"),
    InputSpec::flagged(
        "existing_cluster",
        InputType::Choice(&["false", "true"]),
        "existing-cluster",
        "The pods join a cluster you already run: price only the nodes they add (no control plane, node floor or add-ons).",
    ),
];

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
    /// Share of each EKS node's allocatable capacity kept free, as for the `kubernetes` model.
    pub headroom: f64,
    /// Fewest EKS nodes, for availability.
    pub min_nodes: u32,
    /// What running the container platform costs a month beyond serverless (people's time, tooling), added to
    /// each container bill: the model prices machines, this is the user's figure for the rest.
    pub ops_usd_per_month: f64,
    /// The pods join a cluster that already runs: only the nodes they add are priced (no control plane, no
    /// floor of nodes, no cluster add-ons).
    pub existing_cluster: bool,
}

impl Default for ContainerAssumptions {
    fn default() -> Self {
        ContainerAssumptions {
            task_vcpu: 0.5,
            task_memory_gb: 1.0,
            min_tasks: 2,
            events_per_task_second: 50.0,
            peak_factor: 3.0,
            node_type: kubernetes::DEFAULT_NODE_TYPE.into(),
            headroom: kubernetes::DEFAULT_HEADROOM,
            min_nodes: kubernetes::DEFAULT_MIN_NODES,
            ops_usd_per_month: 0.0,
            existing_cluster: false,
        }
    }
}

impl ContainerAssumptions {
    /// The sizing `values` describe, the defaults for what they leave out. Validated.
    pub fn from_values(values: &Values) -> Result<ContainerAssumptions> {
        let d = ContainerAssumptions::default();
        let a = ContainerAssumptions {
            task_vcpu: values.number("task_vcpu")?.unwrap_or(d.task_vcpu),
            task_memory_gb: values.number("task_memory_gb")?.unwrap_or(d.task_memory_gb),
            min_tasks: declared_whole(&INPUTS, values, "min_tasks")?.unwrap_or(d.min_tasks),
            events_per_task_second: values
                .number("events_per_task_second")?
                .unwrap_or(d.events_per_task_second),
            peak_factor: values.number("peak_factor")?.unwrap_or(d.peak_factor),
            node_type: values.text("node_type")?.unwrap_or(d.node_type),
            headroom: values.number("headroom")?.unwrap_or(d.headroom),
            min_nodes: declared_whole(&INPUTS, values, "min_nodes")?.unwrap_or(d.min_nodes),
            ops_usd_per_month: values
                .number("ops_usd_per_month")?
                .unwrap_or(d.ops_usd_per_month),
            existing_cluster: match values.text("existing_cluster")?.as_deref() {
                None => d.existing_cluster,
                Some("true") => true,
                Some("false") => false,
                Some(other) => {
                    return Err(crate::invalid(
                        "existing_cluster",
                        format!("'{other}' is not true or false"),
                    ));
                }
            },
        };
        a.validate()?;
        Ok(a)
    }

    /// Every input as a value, the inverse of [`ContainerAssumptions::from_values`].
    pub fn to_values(&self) -> Values {
        let mut v = Values::new();
        v.set("task_vcpu", self.task_vcpu);
        v.set("task_memory_gb", self.task_memory_gb);
        v.set("min_tasks", self.min_tasks);
        v.set("events_per_task_second", self.events_per_task_second);
        v.set("peak_factor", self.peak_factor);
        v.set("node_type", self.node_type.as_str());
        v.set("headroom", self.headroom);
        v.set("min_nodes", self.min_nodes);
        v.set("ops_usd_per_month", self.ops_usd_per_month);
        v.set("existing_cluster", self.existing_cluster.to_string());
        v
    }

    pub fn validate(&self) -> Result<()> {
        check_declared(&INPUTS, &self.to_values())?;
        Ok(())
    }

    /// Tasks needed at a monthly volume.
    pub fn tasks(&self, prices: &Prices, events_per_month: u64) -> u32 {
        let peak = events_per_month as f64 / prices.seconds_per_month() * self.peak_factor;
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
    /// Pods one node holds (EKS); 0 where tasks are billed one by one (Fargate).
    pub pods_per_node: u32,
    pub items: Vec<LineItem>,
    /// Queue, tables, logs, traces and the fixed items: the same as on the serverless side.
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
            Platform::Eks => "containers on EKS",
        }
    }
}

/// LCU-hours per month for a webhook stream: each event a new connection (25 per second per LCU) or its bytes
/// (1 GB per hour per LCU), whichever is larger.
pub fn lcu_hours(events_per_month: u64, payload_kb: f64) -> f64 {
    let n = events_per_month as f64;
    let by_connections = n / (25.0 * 3600.0);
    let by_bytes = n * payload_kb / 1_000_000.0;
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
    let lcu_h = lcu_hours(n, input.payload_kb);
    let alb = prices.get("alb_hour");
    let lcu = prices.get("alb_lcu");
    let mut items = Vec::new();
    let mut pods_per_node = 0;
    let mut nodes = 0;
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
            items.push(item(
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
            // The add-ons every cluster runs (CoreDNS, metrics-server); the load balancer is the ALB itself.
            let base: Vec<String> = kubernetes::DEFAULT_ADDONS
                .split(',')
                .map(String::from)
                .collect();
            let addons = if assumptions.existing_cluster {
                kubernetes::Addons::default()
            } else {
                kubernetes::addons(prices, &[base], |_| "node_type".into())?
            };
            let min_nodes = if assumptions.existing_cluster {
                0
            } else {
                assumptions.min_nodes
            };
            let cap = kubernetes::capacity(prices, &assumptions.node_type, &addons)?;
            let cpu_m = (assumptions.task_vcpu * 1000.0).round() as u32;
            let mem_mib =
                (assumptions.task_memory_gb * 1000.0 * 1000.0 * 1000.0 / 1_048_576.0).ceil() as u32;
            let fit = kubernetes::fit(
                &cap,
                tasks,
                cpu_m,
                mem_mib,
                assumptions.headroom,
                min_nodes,
                &addons,
            );
            if fit.pods_per_node == 0 {
                return Err(crate::invalid(
                    "task_vcpu",
                    format!(
                        "a task of {} vCPU and {} GB does not fit on one {}: pick a larger node type or a smaller task",
                        format::plain(assumptions.task_vcpu),
                        format::plain(assumptions.task_memory_gb),
                        assumptions.node_type
                    ),
                ));
            }
            pods_per_node = fit.pods_per_node;
            nodes = fit.nodes;
            items.push(item(
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
            if !assumptions.existing_cluster {
                let cp = prices.get("eks_control_plane");
                items.push(item(
                    "control_plane",
                    "EKS control plane",
                    h,
                    "cluster-hours",
                    cp.cost(h),
                    format!("1 cluster x {} hours x {}", format::plain(h), cp.describe()),
                ));
            }
        }
    }
    match platform {
        Platform::Fargate => items.push(network::public_ipv4(prices, tasks, "tasks")),
        Platform::Eks => {
            items.push(network::public_ipv4(prices, nodes, "nodes"));
            items.push(network::root_volumes(prices, nodes));
        }
    }
    items.push(item(
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
    let shared_usd = serverless.shared_in_containers_usd(prices);
    items.push(item(
        "shared",
        "Queue, tables, logs, traces, key, secrets, alarms (same as serverless)",
        1.0,
        "set",
        shared_usd,
        "SQS + DynamoDB (requests, storage, recovery) + CloudWatch Logs + X-Ray + KMS + Secrets Manager + alarms and dashboards, as computed for the serverless side, but the code's own log lines at the standard rate of CloudWatch Logs (only Lambda's logs are priced in the vended tiers)".into(),
    ));
    if assumptions.ops_usd_per_month > 0.0 {
        items.push(item(
            "operations",
            "Running the platform (your figure)",
            1.0,
            "month",
            assumptions.ops_usd_per_month,
            format!(
                "{} a month for people's time and tooling, as given",
                format::money(assumptions.ops_usd_per_month)
            ),
        ));
    }
    let total_usd = items.iter().map(|i| i.usd).sum();
    Ok(PlatformCost {
        platform: platform.label().into(),
        tasks,
        task_noun: match platform {
            Platform::Fargate => "tasks".into(),
            Platform::Eks => "pods".into(),
        },
        pods_per_node,
        items,
        shared_usd,
        total_usd,
    })
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serverless::{self, ServerlessInput};

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
    fn the_codes_own_logs_pay_the_standard_rate_in_containers() {
        // In containers the code's own log lines are no longer Lambda's vended logs: they pay the standard
        // $0.50 a GB at any volume. The lean example at 20B events (batches of 10, 2B processor invocations):
        //   the code's own lines: 20B x 1 KB = 20,000 GB
        //   as Lambda's logs: 10,240 x $0.50 + 9,760 x $0.25 = $5,120 + $2,440 = $7,560
        //   from containers:  20,000 x $0.50 = $10,000, so the shared set costs $2,440 more than on Lambda.
        let p = prices();
        let s = serverless::estimate(&p, &ServerlessInput::default().at(20_000_000_000)).unwrap();
        let c = platform_cost(&p, Platform::Fargate, &s, &ContainerAssumptions::default()).unwrap();
        assert!(
            (c.shared_usd - s.shared_usd() - 2_440.0).abs() < 1e-6,
            "{} vs {}",
            c.shared_usd,
            s.shared_usd()
        );
        // Below 10 TB the two rates agree and the shared set is the serverless side's.
        let s = serverless::estimate(&p, &ServerlessInput::default()).unwrap();
        let c = platform_cost(&p, Platform::Fargate, &s, &ContainerAssumptions::default()).unwrap();
        assert!((c.shared_usd - s.shared_usd()).abs() < 1e-9);
    }

    #[test]
    fn values_round_trip() {
        let a = ContainerAssumptions {
            peak_factor: 1.5,
            min_nodes: 3,
            ..Default::default()
        };
        assert_eq!(
            ContainerAssumptions::from_values(&a.to_values()).unwrap(),
            a
        );
        assert_eq!(a.to_values().iter().count(), INPUTS.len());
    }

    #[test]
    fn the_eks_side_fits_pods_with_the_given_headroom_and_node_floor() {
        let p = prices();
        let s = serverless::estimate(&p, &ServerlessInput::default()).unwrap();
        let nodes = |a: &ContainerAssumptions| {
            let c = platform_cost(&p, Platform::Eks, &s, a).unwrap();
            c.items[0].quantity
        };
        let defaults = ContainerAssumptions::default();
        assert_eq!(nodes(&defaults), 2.0);
        // Once fixed at 2 nodes and 20% headroom whatever was asked.
        let floor = ContainerAssumptions {
            min_nodes: 5,
            ..defaults.clone()
        };
        assert_eq!(nodes(&floor), 5.0);
        // 40 pods of 500m on 1,805m nodes: 1,444m usable holds two pods a node, 20 nodes (summing requests said
        // 15); 902.5m usable with half kept free holds one, 40 nodes (summing said 23).
        let busy = ContainerAssumptions {
            min_tasks: 40,
            ..defaults.clone()
        };
        let roomy = ContainerAssumptions {
            headroom: 0.5,
            ..busy.clone()
        };
        assert_eq!(nodes(&busy), 20.0);
        assert_eq!(nodes(&roomy), 40.0);
    }
}
