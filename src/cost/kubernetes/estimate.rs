//! How many nodes a workload needs and what a month of them, the control plane and the load balancer costs; and
//! what a team namespace costs by its share of a node.

use serde::Serialize;

use super::input::K8sInput;
use crate::cost::{LineItem, Prices, format, item, largest_key};
use crate::error::Result;

/// Per-node DaemonSets on EKS: kube-proxy (100m CPU) and the VPC CNI aws-node (25m CPU).
pub const DAEMONSET_CPU_M: u32 = 125;
pub const DAEMONSET_PODS: u32 = 2;
/// Cluster add-ons counted once: CoreDNS (2 x 100m / 70 MiB) and an ingress controller (100m / 90 MiB).
pub const ADDON_CPU_M: u32 = 300;
pub const ADDON_MEMORY_MIB: u32 = 230;
pub const ADDON_PODS: u32 = 3;

/// Capacity of one node after kubelet reservations and DaemonSets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NodeCapacity {
    pub node_type: String,
    pub usd_per_hour: f64,
    pub allocatable_cpu_m: f64,
    pub allocatable_memory_mib: f64,
    /// Pods the node can take beyond its DaemonSets.
    pub pods: u32,
}

/// Kubelet CPU reservation of the EKS optimized AMI, in millicores.
pub fn reserved_cpu_m(vcpu: f64) -> f64 {
    let cores = vcpu;
    let first = cores.min(1.0) * 60.0;
    let second = (cores - 1.0).clamp(0.0, 1.0) * 10.0;
    let third_fourth = (cores - 2.0).clamp(0.0, 2.0) * 5.0;
    let rest = (cores - 4.0).max(0.0) * 2.5;
    first + second + third_fourth + rest
}

pub fn capacity(prices: &Prices, node_type: &str) -> Result<NodeCapacity> {
    let node = prices.node(node_type)?;
    let allocatable_cpu_m = node.vcpu * 1000.0 - reserved_cpu_m(node.vcpu) - DAEMONSET_CPU_M as f64;
    let allocatable_memory_mib =
        node.memory_gib * 1024.0 - (255.0 + 11.0 * node.max_pods as f64) - 100.0;
    Ok(NodeCapacity {
        node_type: node_type.into(),
        usd_per_hour: node.usd_per_hour,
        allocatable_cpu_m,
        allocatable_memory_mib,
        pods: node.max_pods.saturating_sub(DAEMONSET_PODS),
    })
}

/// Nodes needed for `pods` pods of the given requests plus the cluster add-ons.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fit {
    pub nodes: u32,
    /// What decided the count: "cpu", "memory", "pods" or "minimum".
    pub bound_by: String,
    pub requested_cpu_m: f64,
    pub requested_memory_mib: f64,
}

pub fn fit(
    cap: &NodeCapacity,
    pods: u32,
    cpu_m: u32,
    memory_mib: u32,
    headroom: f64,
    min_nodes: u32,
) -> Fit {
    let cpu = pods as f64 * cpu_m as f64 + ADDON_CPU_M as f64;
    let mem = pods as f64 * memory_mib as f64 + ADDON_MEMORY_MIB as f64;
    let usable = 1.0 - headroom;
    let by_cpu = (cpu / (cap.allocatable_cpu_m * usable)).ceil() as u32;
    let by_mem = (mem / (cap.allocatable_memory_mib * usable)).ceil() as u32;
    let by_pods = ((pods + ADDON_PODS) as f64 / cap.pods as f64).ceil() as u32;
    let mut nodes = min_nodes;
    let mut bound_by = "minimum";
    for (count, name) in [(by_cpu, "cpu"), (by_mem, "memory"), (by_pods, "pods")] {
        if count > nodes {
            nodes = count;
            bound_by = name;
        }
    }
    Fit {
        nodes,
        bound_by: bound_by.into(),
        requested_cpu_m: cpu,
        requested_memory_mib: mem,
    }
}

/// What a team namespace costs, charged by its dominant resource share of a node.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NamespaceCost {
    pub quota_cpu_m: u32,
    pub quota_memory_mib: u32,
    pub limit_cpu_m: u32,
    pub limit_memory_mib: u32,
    /// Node-equivalents the full quota of requests occupies.
    pub quota_node_share: f64,
    /// Monthly cost of a namespace that uses its whole requests quota.
    pub quota_usd: f64,
    /// Monthly cost of this workload's pods, by the same rule.
    pub workload_usd: f64,
    /// Monthly cost of one replica.
    pub per_replica_usd: f64,
    /// Limits over requests: how far the quota lets a team burst past what it pays for.
    pub overcommit_cpu: f64,
    pub overcommit_memory: f64,
}

/// A monthly estimate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct K8sEstimate {
    pub input: K8sInput,
    pub capacity: NodeCapacity,
    pub fit: Fit,
    pub items: Vec<LineItem>,
    pub total_usd: f64,
    pub largest: String,
    pub namespace: NamespaceCost,
}

impl K8sEstimate {
    pub fn item(&self, key: &str) -> Option<&LineItem> {
        self.items.iter().find(|i| i.key == key)
    }
}

/// Node-equivalents a set of requests occupies: the larger of its CPU and memory shares.
pub fn node_share(cap: &NodeCapacity, cpu_m: f64, memory_mib: f64) -> f64 {
    (cpu_m / cap.allocatable_cpu_m).max(memory_mib / cap.allocatable_memory_mib)
}

/// Control plane and load balancer lines, shared with the container side of `compare`.
pub(crate) fn platform_items(prices: &Prices, lcu_per_hour: f64) -> Vec<LineItem> {
    let h = prices.hours_per_month;
    let cp = prices.get("eks_control_plane");
    let alb = prices.get("alb_hour");
    let lcu = prices.get("alb_lcu");
    vec![
        item(
            "control_plane",
            "EKS control plane",
            h,
            "cluster-hours",
            cp.cost(h),
            format!("1 cluster x {} hours x {}", format::plain(h), cp.describe()),
        ),
        item(
            "load_balancer",
            "Application Load Balancer",
            h,
            "hours",
            alb.cost(h) + lcu.cost(h * lcu_per_hour),
            format!(
                "{} hours x {} + {} LCU x {} hours x {}",
                format::plain(h),
                alb.describe(),
                format::plain(lcu_per_hour),
                format::plain(h),
                lcu.describe()
            ),
        ),
    ]
}

pub fn estimate(prices: &Prices, input: &K8sInput) -> Result<K8sEstimate> {
    input.validate()?;
    let cap = capacity(prices, &input.node_type)?;
    let f = fit(
        &cap,
        input.replicas,
        input.cpu_request_m,
        input.memory_request_mib,
        input.headroom,
        input.min_nodes,
    );
    let h = prices.hours_per_month;
    let node_month = cap.usd_per_hour * h;
    let mut items = vec![item(
        "nodes",
        &format!("Worker nodes ({})", input.node_type),
        f.nodes as f64,
        "nodes",
        f.nodes as f64 * node_month,
        format!(
            "{} nodes (bound by {}: {} pods x {}m / {} MiB + add-ons {}m / {} MiB, {}% headroom on {}m / {} MiB allocatable each) x {} per hour x {} hours",
            f.nodes,
            f.bound_by,
            input.replicas,
            input.cpu_request_m,
            input.memory_request_mib,
            ADDON_CPU_M,
            ADDON_MEMORY_MIB,
            format::plain(input.headroom * 100.0),
            format::plain(cap.allocatable_cpu_m),
            format::plain(cap.allocatable_memory_mib),
            format::rate(cap.usd_per_hour),
            format::plain(h)
        ),
    )];
    items.extend(platform_items(prices, input.lcu_per_hour));
    let total_usd = items.iter().map(|i| i.usd).sum();
    let largest = largest_key(&items);

    let quota = &input.quota;
    let quota_share = node_share(
        &cap,
        quota.requests_cpu_m as f64,
        quota.requests_memory_mib as f64,
    );
    let replica_share = node_share(
        &cap,
        input.cpu_request_m as f64,
        input.memory_request_mib as f64,
    );
    let namespace = NamespaceCost {
        quota_cpu_m: quota.requests_cpu_m,
        quota_memory_mib: quota.requests_memory_mib,
        limit_cpu_m: quota.limits_cpu_m,
        limit_memory_mib: quota.limits_memory_mib,
        quota_node_share: quota_share,
        quota_usd: quota_share * node_month,
        workload_usd: replica_share * input.replicas as f64 * node_month,
        per_replica_usd: replica_share * node_month,
        overcommit_cpu: quota.limits_cpu_m as f64 / quota.requests_cpu_m as f64,
        overcommit_memory: quota.limits_memory_mib as f64 / quota.requests_memory_mib as f64,
    };
    Ok(K8sEstimate {
        input: input.clone(),
        capacity: cap,
        fit: f,
        items,
        total_usd,
        largest,
        namespace,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prices() -> Prices {
        Prices::embedded().unwrap()
    }

    #[test]
    fn reservations_follow_the_eks_ami_formula() {
        assert_eq!(reserved_cpu_m(2.0), 70.0);
        assert_eq!(reserved_cpu_m(4.0), 80.0);
        assert_eq!(reserved_cpu_m(8.0), 90.0);
        let cap = capacity(&prices(), "m7g.large").unwrap();
        assert_eq!(cap.allocatable_cpu_m, 1805.0);
        // 8192 - (255 + 11 x 29) - 100
        assert_eq!(cap.allocatable_memory_mib, 7518.0);
        assert_eq!(cap.pods, 27);
    }

    #[test]
    fn the_default_chart_needs_only_the_minimum_two_nodes() {
        let e = estimate(&prices(), &K8sInput::default()).unwrap();
        assert_eq!(e.fit.nodes, 2);
        assert_eq!(e.fit.bound_by, "minimum");
        // 2 x 0.0816 x 730 + 0.10 x 730 + 0.0225 x 730 + 1 x 0.008 x 730
        let expected = 2.0 * 0.0816 * 730.0 + 73.0 + 16.425 + 5.84;
        assert!((e.total_usd - expected).abs() < 1e-9, "{}", e.total_usd);
        assert_eq!(e.largest, "nodes");
    }

    #[test]
    fn cpu_memory_and_pod_limits_each_decide_the_node_count() {
        let p = prices();
        let cap = capacity(&p, "m7g.large").unwrap();
        // 20 pods x 500m = 10,300m with add-ons; 1,444m usable per node -> 8 nodes.
        let f = fit(&cap, 20, 500, 128, 0.2, 2);
        assert_eq!((f.nodes, f.bound_by.as_str()), (8, "cpu"));
        // 10 pods x 4Gi: 41,190 MiB over 6,014.4 usable -> 7 nodes.
        let f = fit(&cap, 10, 10, 4096, 0.2, 2);
        assert_eq!((f.nodes, f.bound_by.as_str()), (7, "memory"));
        // 100 tiny pods + 3 add-ons over 27 pod slots -> 4 nodes.
        let f = fit(&cap, 100, 1, 1, 0.2, 2);
        assert_eq!((f.nodes, f.bound_by.as_str()), (4, "pods"));
    }

    #[test]
    fn namespace_cost_uses_the_dominant_resource() {
        let e = estimate(&prices(), &K8sInput::default()).unwrap();
        // 4 CPUs of 1,805m allocatable dominates 8 GiB of 7,518 MiB.
        let share = 4000.0 / 1805.0;
        assert!((e.namespace.quota_node_share - share).abs() < 1e-12);
        assert!((e.namespace.quota_usd - share * 0.0816 * 730.0).abs() < 1e-9);
        assert_eq!(e.namespace.overcommit_cpu, 2.0);
        assert!(e.namespace.workload_usd < e.namespace.quota_usd);
    }

    #[test]
    fn an_unknown_node_or_no_replicas_is_refused() {
        let e = estimate(
            &prices(),
            &K8sInput {
                node_type: "z9.huge".into(),
                ..Default::default()
            },
        )
        .unwrap_err();
        assert!(e.to_string().contains("m7g.large"), "{e}");
        assert!(
            estimate(
                &prices(),
                &K8sInput {
                    replicas: 0,
                    ..Default::default()
                }
            )
            .is_err()
        );
    }
}
