//! How many nodes a workload needs and what a month of them, the control plane and the load balancer costs; and
//! what a team namespace costs by its share of a node.

use serde::Serialize;

use super::input::K8sInput;
use super::platform::{Addons, ControlPlane, check_arch, control_plane, input_addons};
use crate::cluster::SupportTier;
use crate::{LineItem, Prices, format, item, largest_key, network};
use scaffold_error::Result;

/// Per-node DaemonSets on EKS: kube-proxy (100m CPU) and the VPC CNI aws-node (25m CPU).
pub const DAEMONSET_CPU_M: u32 = 125;
pub const DAEMONSET_PODS: u32 = 2;

/// Share of an instance's memory the hypervisor and firmware keep: the node's kubelet reports less capacity than
/// the instance type's memory. Karpenter's `vmMemoryOverheadPercent` default, 0.075 (its settings docs and
/// aws/karpenter-provider-aws#5161, read 2026-12-06); the true figure varies by instance type.
pub const VM_MEMORY_OVERHEAD: f64 = 0.075;

/// Capacity of one node after kubelet reservations and DaemonSets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NodeCapacity {
    pub node_type: String,
    /// `arm64` or `x86_64`.
    pub arch: String,
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

/// One node's capacity left once the kubelet, the EKS DaemonSets and the add-ons' DaemonSets have theirs.
pub fn capacity(prices: &Prices, node_type: &str, addons: &Addons) -> Result<NodeCapacity> {
    let node = prices.node(node_type)?;
    let allocatable_cpu_m = node.vcpu * 1000.0
        - reserved_cpu_m(node.vcpu)
        - DAEMONSET_CPU_M as f64
        - addons.per_node_cpu_m as f64;
    let allocatable_memory_mib = (node.memory_gib * 1024.0 * (1.0 - VM_MEMORY_OVERHEAD)).floor()
        - (255.0 + 11.0 * node.max_pods as f64)
        - 100.0
        - addons.per_node_memory_mib as f64;
    Ok(NodeCapacity {
        node_type: node_type.into(),
        arch: node.arch.clone(),
        usd_per_hour: node.usd_per_hour,
        allocatable_cpu_m,
        allocatable_memory_mib,
        pods: node
            .max_pods
            .saturating_sub(DAEMONSET_PODS + addons.per_node_pods),
    })
}

/// Nodes needed for `pods` pods of the given requests plus the add-ons' pods counted once per cluster.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fit {
    pub nodes: u32,
    /// What decided the count: "cpu", "memory", "pods" (what fills a node first) or "minimum".
    pub bound_by: String,
    /// Workload pods one empty node holds (0: a pod is larger than a node's usable capacity).
    pub pods_per_node: u32,
    pub requested_cpu_m: f64,
    pub requested_memory_mib: f64,
}

/// What is still free on one node.
struct Free {
    cpu_m: f64,
    memory_mib: f64,
    pods: u32,
}

impl Free {
    /// How many pods of this size still fit.
    fn holds(&self, cpu_m: f64, memory_mib: f64) -> u32 {
        let by = |free: f64, each: f64| {
            if each <= 0.0 {
                u32::MAX
            } else {
                // A hair of tolerance so that 3 x 333.333m fits in 1,000m.
                ((free + 1e-9) / each).floor().clamp(0.0, u32::MAX as f64) as u32
            }
        };
        by(self.cpu_m, cpu_m)
            .min(by(self.memory_mib, memory_mib))
            .min(self.pods)
    }
}

/// Places pods on nodes as a scheduler must: a pod runs on one node and cannot span two. Each node offers its
/// allocatable CPU, memory and pod slots less `headroom`; groups of pods are placed largest first (by the larger
/// of their CPU and memory shares of a node), each pod on the first node with room, a new node when none has.
/// The cluster starts with `min_nodes` nodes.
pub fn fit(
    cap: &NodeCapacity,
    pods: u32,
    cpu_m: u32,
    memory_mib: u32,
    headroom: f64,
    min_nodes: u32,
    addons: &Addons,
) -> Fit {
    let usable = 1.0 - headroom;
    let empty = || Free {
        cpu_m: cap.allocatable_cpu_m * usable,
        memory_mib: cap.allocatable_memory_mib * usable,
        pods: cap.pods,
    };
    let share = |c: f64, m: f64| {
        (c / (cap.allocatable_cpu_m * usable)).max(m / (cap.allocatable_memory_mib * usable))
    };
    let mut groups: Vec<(u32, f64, f64)> = vec![(pods, f64::from(cpu_m), f64::from(memory_mib))];
    groups.extend(
        addons
            .pod_groups
            .iter()
            .map(|g| (g.pods, g.cpu_m, g.memory_mib)),
    );
    groups.sort_by(|a, b| share(b.1, b.2).total_cmp(&share(a.1, a.2)));
    let pods_per_node = empty().holds(f64::from(cpu_m), f64::from(memory_mib));
    let mut nodes: Vec<Free> = (0..min_nodes).map(|_| empty()).collect();
    let mut fits = true;
    for (count, c, m) in groups {
        let mut left = count;
        for node in nodes.iter_mut() {
            if left == 0 {
                break;
            }
            let k = node.holds(c, m).min(left);
            node.cpu_m -= f64::from(k) * c;
            node.memory_mib -= f64::from(k) * m;
            node.pods -= k;
            left -= k;
        }
        while left > 0 {
            let mut node = empty();
            let k = node.holds(c, m).min(left);
            if k == 0 {
                fits = false;
                break;
            }
            node.cpu_m -= f64::from(k) * c;
            node.memory_mib -= f64::from(k) * m;
            node.pods -= k;
            left -= k;
            nodes.push(node);
        }
    }
    let n = nodes.len() as u32;
    let bound_by = if !fits {
        "pod larger than a node"
    } else if n <= min_nodes {
        "minimum"
    } else {
        let e = empty();
        let by_cpu = (e.cpu_m / f64::from(cpu_m.max(1))).floor();
        let by_mem = (e.memory_mib / f64::from(memory_mib.max(1))).floor();
        let by_pods = f64::from(e.pods);
        if by_pods <= by_cpu && by_pods <= by_mem {
            "pods"
        } else if by_cpu <= by_mem {
            "cpu"
        } else {
            "memory"
        }
    };
    Fit {
        nodes: n.max(min_nodes),
        bound_by: bound_by.into(),
        pods_per_node: if fits { pods_per_node } else { 0 },
        requested_cpu_m: pods as f64 * cpu_m as f64 + addons.cpu_m as f64,
        requested_memory_mib: pods as f64 * memory_mib as f64 + addons.memory_mib as f64,
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
    pub addons: Addons,
    pub control_plane: ControlPlane,
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

/// Control plane and load balancer lines.
fn platform_items(prices: &Prices, cp: &ControlPlane, lcu_per_hour: f64) -> Vec<LineItem> {
    let h = prices.hours_per_month;
    let price = prices.get(&cp.price_key);
    let nlb = prices.get("nlb_hour");
    let nlcu = prices.get("nlb_nlcu");
    let until = match cp.tier {
        SupportTier::Standard => &cp.end_of_standard,
        SupportTier::Extended => &cp.end_of_extended,
    };
    vec![
        item(
            "control_plane",
            &format!("EKS control plane ({} support)", cp.tier.as_str()),
            h,
            "cluster-hours",
            price.cost(h),
            format!(
                "1 cluster x {} hours x {}; Kubernetes {} is in {} support on {}, until {until}",
                format::plain(h),
                price.describe(),
                cp.version,
                cp.tier.as_str(),
                cp.priced_on
            ),
        ),
        // The edge's LoadBalancer Service: on EKS the AWS Load Balancer Controller makes it a Network Load Balancer.
        item(
            "load_balancer",
            "Network Load Balancer",
            h,
            "hours",
            nlb.cost(h) + nlcu.cost(h * lcu_per_hour),
            format!(
                "{} hours x {} + {} NLCU x {} hours x {}",
                format::plain(h),
                nlb.describe(),
                format::plain(lcu_per_hour),
                format::plain(h),
                nlcu.describe()
            ),
        ),
    ]
}

pub fn estimate(prices: &Prices, input: &K8sInput) -> Result<K8sEstimate> {
    input.validate()?;
    let addons = input_addons(prices, input)?;
    let cap = capacity(prices, &input.node_type, &addons)?;
    check_arch(&cap.node_type, &cap.arch, &input.image_arch)?;
    let cp = control_plane(prices, &input.kube_version, &input.priced_on)?;
    let f = fit(
        &cap,
        input.replicas,
        input.cpu_request_m,
        input.memory_request_mib,
        input.headroom,
        input.min_nodes,
        &addons,
    );
    if f.pods_per_node == 0 {
        return Err(crate::invalid(
            "cpu_request_m",
            format!(
                "a pod requesting {}m CPU and {} MiB does not fit on one {} ({}m and {} MiB allocatable, less {}% headroom): \
                 lower the requests or the headroom, or pick a larger node type",
                input.cpu_request_m,
                input.memory_request_mib,
                input.node_type,
                format::plain(cap.allocatable_cpu_m),
                format::plain(cap.allocatable_memory_mib),
                format::plain(input.headroom * 100.0)
            ),
        ));
    }
    let h = prices.hours_per_month;
    let node_month = cap.usd_per_hour * h;
    let mut items = vec![item(
        "nodes",
        &format!("Worker nodes ({})", input.node_type),
        f.nodes as f64,
        "nodes",
        f.nodes as f64 * node_month,
        format!(
            "{} {} (bound by {}: {} {} x {}m / {} MiB, {} to a node, + add-ons {}m / {} MiB, {}% headroom on {}m / {} MiB allocatable each) x {} per hour x {} hours",
            f.nodes,
            if f.nodes == 1 { "node" } else { "nodes" },
            f.bound_by,
            input.replicas,
            if input.replicas == 1 { "pod" } else { "pods" },
            input.cpu_request_m,
            input.memory_request_mib,
            f.pods_per_node,
            addons.cpu_m,
            addons.memory_mib,
            format::plain(input.headroom * 100.0),
            format::plain(cap.allocatable_cpu_m),
            format::plain(cap.allocatable_memory_mib),
            format::rate(cap.usd_per_hour),
            format::plain(h)
        ),
    )];
    items.push(network::public_ipv4(prices, f.nodes, "nodes"));
    items.push(network::root_volumes(prices, f.nodes));
    items.extend(platform_items(prices, &cp, input.lcu_per_hour));
    if input.environments > 1 {
        let n = f64::from(input.environments);
        for i in &mut items {
            i.quantity *= n;
            i.usd *= n;
            i.formula = format!("{} clusters x ({})", input.environments, i.formula);
        }
    }
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
        addons,
        control_plane: cp,
        items,
        total_usd,
        largest,
        namespace,
    })
}

#[cfg(test)]
mod tests;
