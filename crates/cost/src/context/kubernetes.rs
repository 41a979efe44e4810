//! The `cost` value for a kind whose model is `kubernetes`.

use serde::Serialize;

use super::{Line, PriceEntry, lines, price_entry};
use crate::cluster::SupportTier;
use crate::kubernetes::{self, K8sEstimate, K8sInput, Project};
use crate::{Prices, Values, format};
use scaffold_error::Result;

/// `cost` for the model `kubernetes`: the workload at the autoscaler's floor (`min`) and ceiling (`max`).
#[derive(Debug, Clone, Serialize)]
pub struct KubernetesContext {
    /// The price table's region (`us-east-1`).
    pub region: String,
    /// Where the prices came from: the embedded table's path.
    pub prices_origin: String,
    /// Hours in the price table's month: `730`.
    pub hours_per_month: String,
    /// Clusters priced, one per environment the project deploys (staging and production: 2).
    pub environments: u32,
    /// What the model leaves out, one sentence each.
    pub not_modelled: Vec<String>,
    /// The lean serverless example against containers from 10K to 1B events a month, as an SVG chart.
    pub curve_svg: String,
    /// The replicas priced at the floor and at the ceiling.
    pub min_replicas: u32,
    pub max_replicas: u32,
    /// Each pod's resources as the chart sets them: `100m`, `128Mi`, `500m`, `256Mi`.
    pub chart: Chart,
    pub node_type: String,
    /// One node's price: `$0.0816` an hour, `$59.57` a month.
    pub node_usd_per_hour: String,
    pub node_usd_per_month: String,
    /// What one node offers to workloads after the kubelet's reservations and the DaemonSets.
    pub allocatable_cpu_m: String,
    pub allocatable_memory_mib: String,
    pub pods_per_node: u32,
    /// Node capacity kept free, in percent: `20`.
    pub headroom_percent: String,
    /// The node's architecture (`arm64`), and the image's platforms (`linux/amd64, linux/arm64`).
    pub node_arch: String,
    pub image_platforms: String,
    /// The cluster add-ons the answers choose, with their requests; and their sums.
    pub addons: Vec<AddonRow>,
    pub addon_cpu_m: u32,
    pub addon_memory_mib: u32,
    pub addon_pods: u32,
    /// Their DaemonSets' requests on every node (`0` when none).
    pub addon_per_node_cpu_m: u32,
    pub addon_per_node_memory_mib: u32,
    /// The add-on inputs as given (`envoy-gateway`, or empty for none), to write them back as flags.
    pub addon_inputs: AddonInputs,
    /// The control plane's Kubernetes version, support tier and price on the day priced.
    pub kube: Kube,
    /// Every node size of the price table.
    pub nodes: Vec<Node>,
    /// The workload at the floor and at the ceiling.
    pub min: Scenario,
    pub max: Scenario,
    /// The ceiling's pods asking for 5x the CPU and 4x the memory: what oversized requests cost.
    pub oversized: Oversized,
    /// One row per line item: its cost at the floor and at the ceiling.
    pub rows: Vec<Row>,
    /// One replica's share of a node, per month.
    pub per_replica: String,
    /// Memory the ceiling's pods hold when every one is at its limit.
    pub memory_limit_worst_case_mib: u64,
    /// The team namespace's ResourceQuota and what filling it costs.
    pub quota: Quota,
    /// The shared lines at the floor.
    pub control_plane: String,
    pub load_balancer: String,
    /// The prices of the shared lines.
    pub prices: Vec<PriceEntry>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AddonRow {
    pub name: String,
    pub label: String,
    pub cpu_m: u32,
    pub memory_mib: u32,
    pub pods: u32,
    /// `50m / 64 MiB` for a DaemonSet on every node, empty otherwise.
    pub per_node: String,
    pub as_of: String,
    pub source: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct AddonInputs {
    pub addons: String,
    pub edge: String,
    pub gitops: String,
    pub secrets: String,
    pub monitoring: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Kube {
    /// `1.36`.
    pub version: String,
    /// `2026-12-01`.
    pub priced_on: String,
    /// `standard` or `extended`.
    pub tier: String,
    pub extended: bool,
    pub end_of_standard: String,
    pub end_of_extended: String,
    /// The tier's price per hour (`$0.10`) and per month (`$73.00`).
    pub usd_per_hour: String,
    pub usd_per_month: String,
    /// Each tier's price per month, and what the extended tier adds to the standard one.
    pub standard_usd_per_month: String,
    pub extended_usd_per_month: String,
    pub extended_extra_per_month: String,
    /// The calendar's date and source.
    pub calendar_as_of: String,
    pub calendar_source: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    pub cpu_request: String,
    pub memory_request: String,
    pub cpu_limit: String,
    pub memory_limit: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Node {
    pub name: String,
    pub arch: String,
    pub vcpu: String,
    pub memory_gib: String,
    pub max_pods: u32,
    pub usd_per_hour: String,
    pub usd_per_month: String,
    pub as_of: String,
    pub source: String,
}

/// The workload at one replica count.
#[derive(Debug, Clone, Serialize)]
pub struct Scenario {
    pub nodes: u32,
    /// What decided the node count: `cpu`, `memory`, `pods` or `minimum` (the node floor).
    pub bound_by: String,
    pub total: String,
    /// Every line item with its formula.
    pub lines: Vec<Line>,
    /// The pods' own share of the nodes, per month.
    pub workload: String,
}

impl Scenario {
    fn of(e: &K8sEstimate) -> Scenario {
        Scenario {
            nodes: e.fit.nodes,
            bound_by: e.fit.bound_by.clone(),
            total: format::money(e.total_usd),
            lines: lines(&e.items),
            workload: format::money(e.namespace.workload_usd),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Oversized {
    pub cpu_request: String,
    pub memory_request: String,
    pub nodes: u32,
    pub total: String,
    /// How much more than the ceiling with the chart's requests.
    pub extra: String,
    pub workload: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub key: String,
    pub label: String,
    pub min: String,
    pub max: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Quota {
    /// Requests: CPUs (`4`), memory (`8Gi`, and `8` in GiB).
    pub cpu: String,
    pub memory: String,
    pub memory_gib: u32,
    /// Limits: CPUs and memory.
    pub limit_cpu: String,
    pub limit_memory: String,
    /// Node-equivalents the full requests quota occupies: `2.22`.
    pub node_share: String,
    /// What a namespace that fills its requests quota costs per month.
    pub usd: String,
    /// Limits over requests for CPU: `2`.
    pub overcommit: String,
}

/// The context for the project `values` describe.
pub fn context(prices: &Prices, values: &Values) -> Result<KubernetesContext> {
    let project = Project::from_values(values)?;
    let base = &project.input;
    let lean = crate::serverless::ServerlessInput::default();
    let cmp = crate::compare::compare(
        prices,
        &lean,
        &crate::compare::ContainerAssumptions::default(),
    )?;
    let marks: Vec<(&str, u64)> = [
        ("Fargate", cmp.break_even_fargate),
        ("EKS", cmp.break_even_eks),
    ]
    .into_iter()
    .filter_map(|(label, b)| b.map(|b| (label, b)))
    .collect();
    let curve_svg = crate::chart::curve_svg(
        "A lean webhook workload on serverless against containers (USD a month)",
        &cmp.curve,
        &marks,
    );
    let at = |replicas: u32, cpu_request_m: u32, memory_request_mib: u32| {
        kubernetes::estimate(
            prices,
            &K8sInput {
                replicas,
                cpu_request_m,
                memory_request_mib,
                ..base.clone()
            },
        )
    };
    let (cpu, memory) = (base.cpu_request_m, base.memory_request_mib);
    let low = at(base.replicas, cpu, memory)?;
    let high = at(project.max_replicas, cpu, memory)?;
    // Right-sizing: the same pods asking for 5x the CPU and 4x the memory the chart gives them.
    let oversized = at(project.max_replicas, cpu * 5, memory * 4)?;
    let cap = &low.capacity;
    let ns = &low.namespace;
    let money_of = |e: &K8sEstimate, key: &str| e.item(key).map(|i| format::money(i.usd));
    Ok(KubernetesContext {
        region: prices.region.clone(),
        prices_origin: prices.origin.clone(),
        hours_per_month: format::plain(prices.hours_per_month),
        environments: base.environments,
        curve_svg,
        not_modelled: prices.not_modelled(crate::kubernetes::NAME),
        min_replicas: base.replicas,
        max_replicas: project.max_replicas,
        chart: Chart {
            cpu_request: format!("{cpu}m"),
            memory_request: format!("{memory}Mi"),
            cpu_limit: format!("{}m", project.cpu_limit_m),
            memory_limit: format!("{}Mi", project.memory_limit_mib),
        },
        node_type: base.node_type.clone(),
        node_usd_per_hour: format::rate(cap.usd_per_hour),
        node_usd_per_month: format::money(cap.usd_per_hour * prices.hours_per_month),
        allocatable_cpu_m: format::plain(cap.allocatable_cpu_m),
        allocatable_memory_mib: format::plain(cap.allocatable_memory_mib),
        pods_per_node: cap.pods,
        headroom_percent: format::plain(base.headroom * 100.0),
        node_arch: cap.arch.clone(),
        image_platforms: base
            .image_arch
            .iter()
            .map(|a| match a.as_str() {
                "x86_64" => "linux/amd64".to_string(),
                other => format!("linux/{other}"),
            })
            .collect::<Vec<_>>()
            .join(", "),
        addons: low
            .addons
            .names
            .iter()
            .filter_map(|n| prices.addons.get(n).map(|a| (n, a)))
            .map(|(name, a)| AddonRow {
                name: name.clone(),
                label: a.label.clone(),
                cpu_m: a.cpu_m,
                memory_mib: a.memory_mib,
                pods: a.pods,
                per_node: if a.per_node_pods() > 0 {
                    format!("{}m / {} MiB", a.per_node_cpu_m, a.per_node_memory_mib)
                } else {
                    String::new()
                },
                as_of: a.as_of.clone(),
                source: a.source.clone(),
            })
            .collect(),
        addon_cpu_m: low.addons.cpu_m,
        addon_memory_mib: low.addons.memory_mib,
        addon_pods: low.addons.pods,
        addon_per_node_cpu_m: low.addons.per_node_cpu_m,
        addon_per_node_memory_mib: low.addons.per_node_memory_mib,
        addon_inputs: {
            let list = |i: usize| base.addons.get(i).map(|l| l.join(",")).unwrap_or_default();
            AddonInputs {
                addons: list(0),
                edge: list(1),
                gitops: list(2),
                secrets: list(3),
                monitoring: list(4),
            }
        },
        kube: {
            let cp = &low.control_plane;
            let h = prices.hours_per_month;
            let standard = prices.get(SupportTier::Standard.price_key()).base_usd();
            let extended = prices.get(SupportTier::Extended.price_key()).base_usd();
            Kube {
                version: cp.version.clone(),
                priced_on: cp.priced_on.clone(),
                tier: cp.tier.as_str().into(),
                extended: cp.tier == SupportTier::Extended,
                end_of_standard: cp.end_of_standard.clone(),
                end_of_extended: cp.end_of_extended.clone(),
                usd_per_hour: format::rate(cp.usd_per_hour),
                usd_per_month: format::money(cp.usd_per_hour * h),
                standard_usd_per_month: format::money(standard * h),
                extended_usd_per_month: format::money(extended * h),
                extended_extra_per_month: format::money((extended - standard) * h),
                calendar_as_of: prices.eks_calendar.as_of.clone(),
                calendar_source: prices.eks_calendar.source.clone(),
            }
        },
        nodes: prices
            .nodes
            .iter()
            .map(|(name, n)| Node {
                name: name.clone(),
                arch: n.arch.clone(),
                vcpu: format::plain(n.vcpu),
                memory_gib: format::plain(n.memory_gib),
                max_pods: n.max_pods,
                usd_per_hour: format::rate(n.usd_per_hour),
                usd_per_month: format::money(n.usd_per_hour * prices.hours_per_month),
                as_of: n.as_of.clone(),
                source: n.source.clone(),
            })
            .collect(),
        min: Scenario::of(&low),
        max: Scenario::of(&high),
        oversized: Oversized {
            cpu_request: format!("{}m", cpu * 5),
            memory_request: format!("{}Mi", memory * 4),
            nodes: oversized.fit.nodes,
            total: format::money(oversized.total_usd),
            extra: format::money(oversized.total_usd - high.total_usd),
            workload: format::money(oversized.namespace.workload_usd),
        },
        rows: low
            .items
            .iter()
            .zip(&high.items)
            .map(|(l, h)| Row {
                key: l.key.clone(),
                label: l.label.clone(),
                min: format::money(l.usd),
                max: format::money(h.usd),
            })
            .collect(),
        per_replica: format::money(ns.per_replica_usd),
        memory_limit_worst_case_mib: project.max_replicas as u64 * project.memory_limit_mib as u64,
        quota: Quota {
            cpu: format::plain(ns.quota_cpu_m as f64 / 1000.0),
            memory: format!("{}Gi", ns.quota_memory_mib / 1024),
            memory_gib: ns.quota_memory_mib / 1024,
            limit_cpu: format::plain(ns.limit_cpu_m as f64 / 1000.0),
            limit_memory: format!("{}Gi", ns.limit_memory_mib / 1024),
            node_share: format!("{:.2}", ns.quota_node_share),
            usd: format::money(ns.quota_usd),
            overcommit: format::plain(ns.overcommit_cpu),
        },
        control_plane: money_of(&low, "control_plane").unwrap_or_default(),
        load_balancer: money_of(&low, "load_balancer").unwrap_or_default(),
        prices: [
            "eks_control_plane",
            "eks_control_plane_extended",
            "alb_hour",
            "alb_lcu",
        ]
        .iter()
        .map(|k| price_entry(prices, k))
        .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_floor_and_the_ceiling_are_priced_with_the_given_requests() {
        let mut v = Values::new();
        v.set("replicas", 2);
        v.set("max_replicas", 10);
        v.set("cpu_request", "100m");
        v.set("memory_request", "128Mi");
        let c = context(&Prices::embedded().unwrap(), &v).unwrap();
        assert_eq!((c.min_replicas, c.max_replicas), (2, 10));
        assert_eq!(c.min.nodes, 2);
        // 2 nodes $119.14 + control plane $73 + NLB $20.81 + 4 public IPv4 $14.60 + root volumes $3.20.
        assert_eq!(c.min.total, "$230.74");
        assert_eq!(c.quota.usd, "$132.01");
        assert_eq!(c.chart.cpu_request, "100m");
        assert_eq!(c.oversized.cpu_request, "500m");
        assert_eq!(c.memory_limit_worst_case_mib, 2560);
        v.set("team_requests_cpu", "8");
        let c = context(&Prices::embedded().unwrap(), &v).unwrap();
        assert_eq!(c.quota.cpu, "8");
        assert_eq!(c.quota.overcommit, "1");
    }
}
