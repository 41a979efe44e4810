//! The inputs of the model `kubernetes`, each declared once: its name, type, the flag that sets it and its help. The
//! command line, the manifests' bindings and the documentation's tables read them from here.

use crate::InputSpec;
use crate::InputType;

/// Every input of the model `kubernetes`.
pub static INPUTS: [InputSpec; 23] = [
    InputSpec::flagged(
        "replicas",
        InputType::Whole,
        "replicas",
        "Pod replicas of the service.",
    )
    .within(1.0, 10_000.0, "replicas"),
    InputSpec::flagged(
        "cpu_request",
        InputType::Cpu,
        "cpu-request",
        "CPU request per pod (100m, 0.5, 2).",
    ),
    InputSpec::flagged(
        "memory_request",
        InputType::Memory,
        "memory-request",
        "Memory request per pod (128Mi, 1Gi).",
    ),
    InputSpec::flagged(
        "node_type",
        InputType::Name,
        "node-type",
        "Worker node size from the price table.",
    ),
    InputSpec::flagged(
        "headroom",
        InputType::Number,
        "headroom",
        "Share of node capacity kept free, 0 to 0.9.",
    )
    .within(0.0, 0.9, "a headroom share"),
    InputSpec::flagged(
        "min_nodes",
        InputType::Whole,
        "min-nodes",
        "Fewest nodes, for availability.",
    )
    .within(1.0, 1000.0, "a node count"),
    InputSpec::flagged(
        "lcu_per_hour",
        InputType::Number,
        "lcu",
        "Average load balancer capacity units per hour.",
    )
    .within(0.0, 100_000.0, "LCUs per hour"),
    InputSpec::unflagged(
        "team_requests_cpu",
        InputType::Cpu,
        "CPU a team namespace's ResourceQuota lets it request.",
    ),
    InputSpec::unflagged(
        "team_requests_memory",
        InputType::Memory,
        "Memory a team namespace's ResourceQuota lets it request.",
    ),
    InputSpec::unflagged(
        "team_limits_cpu",
        InputType::Cpu,
        "CPU limits a team namespace's ResourceQuota allows.",
    ),
    InputSpec::unflagged(
        "team_limits_memory",
        InputType::Memory,
        "Memory limits a team namespace's ResourceQuota allows.",
    ),
    InputSpec::unflagged(
        "max_replicas",
        InputType::Whole,
        "The autoscaler's ceiling of replicas.",
    )
    .within(1.0, 10_000.0, "replicas"),
    InputSpec::unflagged(
        "cpu_limit",
        InputType::Cpu,
        "CPU limit per pod (not priced: requests are).",
    ),
    InputSpec::unflagged(
        "memory_limit",
        InputType::Memory,
        "Memory limit per pod (not priced: requests are).",
    ),
    InputSpec::flagged(
        "kube_version",
        InputType::Name,
        "kube-version",
        "Kubernetes version of the cluster (1.36, 1.36.1): with the day priced it picks the control plane's EKS support tier (standard or extended) from the price table's calendar. Empty: the newest there.",
    ),
    InputSpec::flagged(
        "priced_on",
        InputType::Name,
        "priced-on",
        "The day priced, YYYY-MM-DD, for the support tier. Default: today.",
    ),
    InputSpec::flagged(
        "image_arch",
        InputType::Name,
        "image-arch",
        "Architectures the image is built for (amd64, arm64 or amd64,arm64): the node size must be one of them.",
    ),
    InputSpec::flagged(
        "addons",
        InputType::Name,
        "addons",
        "Add-ons every cluster runs, by the price table's [addons] names, comma-separated.",
    ),
    InputSpec::flagged(
        "edge_addon",
        InputType::Name,
        "edge-addon",
        "The edge add-on (envoy-gateway, ingress-nginx), or empty for none.",
    ),
    InputSpec::flagged(
        "gitops_addon",
        InputType::Name,
        "gitops-addon",
        "The GitOps add-on (argo-cd, flux), or empty for none.",
    ),
    InputSpec::flagged(
        "secrets_addon",
        InputType::Name,
        "secrets-addon",
        "The secrets add-on (external-secrets, sealed-secrets), or empty for none.",
    ),
    InputSpec::flagged(
        "monitoring_addon",
        InputType::Name,
        "monitoring-addon",
        "The monitoring add-on (kube-prometheus-stack), or empty for none.",
    ),
    InputSpec::flagged(
        "environments",
        InputType::Whole,
        "environments",
        "Clusters the workload is deployed to (staging and production: 2), each priced alike.",
    )
    .within(1.0, 20.0, "clusters"),
];
