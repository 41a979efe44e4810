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

pub mod estimate;
pub mod input;
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

/// What the model leaves out, one sentence each, for documents and the command's report.
pub const NOT_MODELLED: [&str; 9] = [
    "Data transfer out of AWS, between zones (pods talking across zones pay per GB each way) and between Regions.",
    "A NAT gateway or VPC endpoints for nodes in private subnets: nodes are priced with a public IPv4 address each instead.",
    "Persistent volumes (EBS) of stateful add-ons and workloads, and their snapshots.",
    "Container image storage and pulls (ECR), and the CI minutes that build and scan the images.",
    "Log and metric shipping out of the cluster (CloudWatch Container Insights, a hosted Prometheus or Grafana).",
    "Spot instances, Savings Plans and Reserved Instances: every price is on-demand.",
    "Time between the autoscaler's floor and ceiling: the bill is priced at both ends, not for a traffic pattern.",
    "Additional load balancers: one Network Load Balancer for the edge's Service per cluster; each further LoadBalancer Service or Ingress adds one.",
    "The people who run the cluster: upgrades every version's 14 months of standard support, on-call, policy and add-on upkeep.",
];
