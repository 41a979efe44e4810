//! Monthly cost of a workload on EKS, the model `kubernetes`: worker nodes sized to fit the pods' requests with
//! headroom, the control plane, and one Application Load Balancer; plus what a team namespace's ResourceQuota
//! allows a team to spend.
//!
//! Requests drive scheduling and therefore cost: the model fits requests, never limits. Allocatable capacity per
//! node follows the EKS optimized AMI's kubelet reservations (CPU: 6% of the first core, 1% of the second, 0.5% of
//! the next two, 0.25% of the rest; memory: 255 MiB + 11 MiB per pod the node can hold, plus a 100 MiB eviction
//! threshold) minus the per-node DaemonSets (kube-proxy 100m and aws-node 25m CPU, and any add-on's DaemonSet).
//! The cluster add-ons (the price table's `[addons]`, chosen by the inputs) take their requests from the same
//! nodes. The control plane pays the price of its Kubernetes version's EKS support tier on the day priced (the
//! price table's `[eks_calendar]`), and the node size must match an architecture the image is built for.
//!
//! [`input`] is what the model reads, [`platform`] the add-ons, control plane and architecture around the
//! workload, [`estimate`] the nodes it needs and the priced month.

/// The model's name, as a kind's `[cost] model` gives it.
pub const NAME: &str = "kubernetes";

pub mod estimate;
pub mod input;
pub mod inputs;
pub mod platform;

pub use estimate::{
    DAEMONSET_CPU_M, DAEMONSET_PODS, Fit, K8sEstimate, NamespaceCost, NodeCapacity, capacity,
    estimate, fit, node_share, reserved_cpu_m,
};
pub use input::{
    ADDON_INPUTS, DEFAULT_ADDONS, DEFAULT_HEADROOM, DEFAULT_IMAGE_ARCH, DEFAULT_MIN_NODES,
    DEFAULT_NODE_TYPE, INPUTS, K8sInput, Project, TeamQuota, parse_cpu, parse_memory,
};
pub use platform::{
    Addons, ControlPlane, PodGroup, addons, check_arch, control_plane, input_addons,
};
