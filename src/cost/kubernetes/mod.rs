//! Monthly cost of a workload on EKS, the model `kubernetes`: worker nodes sized to fit the pods' requests with
//! headroom, the control plane, and one Application Load Balancer; plus what a team namespace's ResourceQuota
//! allows a team to spend.
//!
//! Requests drive scheduling and therefore cost: the model fits requests, never limits. Allocatable capacity per
//! node follows the EKS optimized AMI's kubelet reservations (CPU: 6% of the first core, 1% of the second, 0.5% of
//! the next two, 0.25% of the rest; memory: 255 MiB + 11 MiB per pod the node can hold, plus a 100 MiB eviction
//! threshold) minus the per-node DaemonSets (kube-proxy 100m and aws-node 25m CPU).
//!
//! [`input`] is what the model reads, [`estimate`] the nodes it needs and the priced month.

pub mod estimate;
pub mod input;

pub use estimate::{
    ADDON_CPU_M, ADDON_MEMORY_MIB, ADDON_PODS, DAEMONSET_CPU_M, DAEMONSET_PODS, Fit, K8sEstimate,
    NamespaceCost, NodeCapacity, capacity, estimate, fit, node_share, reserved_cpu_m,
};
pub use input::{
    DEFAULT_HEADROOM, DEFAULT_MIN_NODES, DEFAULT_NODE_TYPE, INPUTS, K8sInput, Project, TeamQuota,
    parse_cpu, parse_memory,
};
