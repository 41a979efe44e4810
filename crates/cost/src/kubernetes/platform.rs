//! What the platform around a workload adds: the cluster add-ons that share its nodes, the control plane's price
//! by its Kubernetes version's EKS support tier, and the node architecture the image must match.

use serde::Serialize;

use super::input::{ADDON_INPUTS, K8sInput};
use crate::cluster::{Standing, SupportTier};
use crate::{Prices, invalid};
use scaffold_error::Result;

/// The cluster add-ons a workload shares its nodes with, summed from the price table's `[addons]`.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Addons {
    /// The add-ons, in the order given, each once.
    pub names: Vec<String>,
    /// Requests counted once per cluster.
    pub cpu_m: u32,
    pub memory_mib: u32,
    pub pods: u32,
    /// Requests of their DaemonSet pods, on every node.
    pub per_node_cpu_m: u32,
    pub per_node_memory_mib: u32,
    pub per_node_pods: u32,
    /// The pods counted once per cluster, one group per add-on, each pod's share of its add-on's requests: the
    /// bin-packing places these pods, not their sum.
    pub pod_groups: Vec<PodGroup>,
}

/// Identical pods to place on nodes: how many, and what each requests.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PodGroup {
    pub pods: u32,
    pub cpu_m: f64,
    pub memory_mib: f64,
}

/// The add-ons `lists` name (each a list of names of the price table), summed; a name the table lacks is refused
/// against the input (`field_of` the list's index) that names it.
pub fn addons(
    prices: &Prices,
    lists: &[Vec<String>],
    field_of: impl Fn(usize) -> String,
) -> Result<Addons> {
    let mut out = Addons::default();
    for (i, list) in lists.iter().enumerate() {
        for name in list {
            if out.names.contains(name) {
                continue;
            }
            let a = prices.addons.get(name).ok_or_else(|| {
                let known: Vec<&str> = prices.addons.keys().map(String::as_str).collect();
                invalid(
                    &field_of(i),
                    format!(
                        "'{name}' is not an add-on of the price table (known: {})",
                        known.join(", ")
                    ),
                )
            })?;
            out.names.push(name.clone());
            out.cpu_m += a.cpu_m;
            out.memory_mib += a.memory_mib;
            out.pods += a.pods;
            out.per_node_cpu_m += a.per_node_cpu_m;
            out.per_node_memory_mib += a.per_node_memory_mib;
            out.per_node_pods += a.per_node_pods();
            if a.pods > 0 {
                out.pod_groups.push(PodGroup {
                    pods: a.pods,
                    cpu_m: f64::from(a.cpu_m) / f64::from(a.pods),
                    memory_mib: f64::from(a.memory_mib) / f64::from(a.pods),
                });
            }
        }
    }
    Ok(out)
}

/// The control plane's support tier and price for the input's Kubernetes version on the day priced.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ControlPlane {
    /// The minor version priced: `1.36`.
    pub version: String,
    /// The day priced: `2026-12-01`.
    pub priced_on: String,
    pub tier: SupportTier,
    pub end_of_standard: String,
    pub end_of_extended: String,
    /// The price table key of the tier's price.
    pub price_key: String,
    pub usd_per_hour: f64,
}

/// Look the version up in the price table's EKS calendar: a version EKS does not offer that day is refused.
pub fn control_plane(prices: &Prices, kube_version: &str, priced_on: &str) -> Result<ControlPlane> {
    let calendar = &prices.eks_calendar;
    let day = if priced_on.is_empty() {
        calendar.as_of.clone()
    } else {
        priced_on.to_string()
    };
    let mut known: Vec<&String> = calendar.versions.keys().collect();
    known.sort_by_key(|v| {
        v.split('.')
            .map(|p| p.parse::<u32>().unwrap_or(0))
            .collect::<Vec<_>>()
    });
    let version = match kube_version {
        "" => known.last().map(|v| v.to_string()).unwrap_or_default(),
        v => v.to_string(),
    };
    let list = known
        .iter()
        .map(|v| v.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let row = calendar.versions.get(&version).ok_or_else(|| {
        invalid(
            "kube_version",
            format!(
                "{version} is not in the price table's EKS calendar (read {}; it has {list}): pick one of those, or add the version with its dates",
                calendar.as_of
            ),
        )
    })?;
    let tier = match row.standing(&day) {
        Standing::Supported(tier) => tier,
        Standing::Unreleased => {
            return Err(invalid(
                "kube_version",
                format!(
                    "{version} is not on EKS yet on {day} (released {})",
                    row.released
                ),
            ));
        }
        Standing::Ended => {
            return Err(invalid(
                "kube_version",
                format!(
                    "{version} left EKS extended support on {}, before {day}, and EKS upgrades such clusters itself: price a newer version",
                    row.end_of_extended
                ),
            ));
        }
    };
    Ok(ControlPlane {
        version,
        priced_on: day,
        tier,
        end_of_standard: row.end_of_standard.clone(),
        end_of_extended: row.end_of_extended.clone(),
        price_key: tier.price_key().into(),
        usd_per_hour: prices.get(tier.price_key()).base_usd(),
    })
}

/// The add-ons an input names, refused against the input that names one the table lacks.
pub fn input_addons(prices: &Prices, input: &K8sInput) -> Result<Addons> {
    addons(prices, &input.addons, |i| ADDON_INPUTS[i].to_string())
}

/// A node the image cannot run on is refused: the image's architectures decide which node sizes are valid.
pub fn check_arch(node_type: &str, node_arch: &str, image_arch: &[String]) -> Result<()> {
    if image_arch.iter().any(|a| a == node_arch) {
        return Ok(());
    }
    Err(invalid(
        "node_type",
        format!(
            "{} is an {} node but the image is built for {} only: pick a node size for {}, or build the image for {} too",
            node_type,
            node_arch,
            image_arch.join(", "),
            image_arch.join(" or "),
            node_arch
        ),
    ))
}
