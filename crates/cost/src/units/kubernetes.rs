//! The built-in model `kubernetes` as a unit: [`crate::kubernetes`] computes, this names it and says it.

use std::fmt::Write as _;

use serde_json::{Map, Value, json};

use crate::context::kubernetes_context;
use crate::format::{decimals, money, plain, rate};
use crate::kubernetes::{self, K8sEstimate, K8sInput, Project};
use crate::prices::Prices;
use crate::table::{formulas, items_table};
use crate::unit::{CostContext, CostModel, Priced, Report, Request};
use crate::{InputSpec, Values};
use scaffold_error::Result;

/// Pods on EKS nodes, the control plane, a load balancer and a team namespace's quota.
#[derive(Debug)]
pub struct Kubernetes;

impl CostModel for Kubernetes {
    fn name(&self) -> &str {
        kubernetes::NAME
    }

    fn about(&self) -> &str {
        "Monthly cost of the workload on EKS: nodes, control plane, load balancer, and per team namespace. \
         Defaults are the kind's."
    }

    fn inputs(&self) -> &[InputSpec] {
        &kubernetes::INPUTS
    }

    fn defaults(&self) -> Values {
        Project::default().to_values()
    }

    fn estimate(&self, request: &Request) -> Result<Priced> {
        let prices = request.prices;
        let input = K8sInput::from_values(&request.values)?;
        let e = kubernetes::estimate(prices, &input)?;
        let mut json = Map::new();
        json.insert("kind".into(), Value::from(request.kind));
        json.insert("prices".into(), Value::from(prices.origin.clone()));
        json.insert("estimate".into(), json!(e));
        Ok(Priced {
            json,
            command: None,
            report: report(request.kind, prices, &e),
        })
    }

    fn context(&self, prices: &Prices, values: &Values) -> Result<CostContext> {
        Ok(CostContext::of(&kubernetes_context(prices, values)?))
    }
}

/// The text of `scaffold cost KIND` for a kind on this model.
fn report(kind: &str, prices: &Prices, e: &K8sEstimate) -> Report {
    let mut out = String::new();
    let i = &e.input;
    let _ = writeln!(
        out,
        "{kind} on EKS: {} replicas requesting {}m CPU / {} MiB each, {} nodes ({}; prices: {})\n",
        i.replicas,
        i.cpu_request_m,
        i.memory_request_mib,
        i.node_type,
        prices.region,
        prices.origin
    );
    items_table(&mut out, &e.items, e.total_usd);
    if i.environments > 1 {
        let _ = writeln!(
            out,
            "\nPriced for {} clusters, one per environment the project deploys (staging and production), each alike; node figures below are per cluster.",
            i.environments
        );
    }
    let cap = &e.capacity;
    let _ = writeln!(
        out,
        "\nNodes: {} (bound by {}). Each {} offers {}m CPU and {} MiB allocatable after kubelet reservations and DaemonSets; {}% is kept as headroom.",
        e.fit.nodes,
        e.fit.bound_by,
        cap.node_type,
        plain(cap.allocatable_cpu_m),
        plain(cap.allocatable_memory_mib),
        plain(i.headroom * 100.0)
    );
    let a = &e.addons;
    let per_node = if a.per_node_pods > 0 {
        format!(
            "; their DaemonSets take {}m / {} MiB of every node",
            a.per_node_cpu_m, a.per_node_memory_mib
        )
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "Requested: {}m CPU and {} MiB including cluster add-ons ({}: {}m / {} MiB{per_node}).",
        plain(e.fit.requested_cpu_m),
        plain(e.fit.requested_memory_mib),
        if a.names.is_empty() {
            "none".to_string()
        } else {
            a.names.join(", ")
        },
        a.cpu_m,
        a.memory_mib
    );
    let cp = &e.control_plane;
    let _ = writeln!(
        out,
        "Control plane: Kubernetes {} is in EKS {} support on {} (standard until {}, extended until {}): {} per cluster-hour. Nodes are {}, the image {}.",
        cp.version,
        cp.tier.as_str(),
        cp.priced_on,
        cp.end_of_standard,
        cp.end_of_extended,
        rate(cp.usd_per_hour),
        cap.arch,
        i.image_arch.join(", ")
    );
    if let Some(largest) = e.item(&e.largest) {
        let _ = writeln!(
            out,
            "Largest line item: {} at {}.",
            largest.label,
            money(largest.usd)
        );
    }
    let ns = &e.namespace;
    let _ = writeln!(
        out,
        "\nPer team namespace (ResourceQuota requests.cpu {}, requests.memory {}Gi; limits {} / {}Gi):",
        plain(ns.quota_cpu_m as f64 / 1000.0),
        ns.quota_memory_mib / 1024,
        plain(ns.limit_cpu_m as f64 / 1000.0),
        ns.limit_memory_mib / 1024
    );
    let _ = writeln!(
        out,
        "  a namespace using its whole requests quota: {} a month ({} node-equivalents)",
        money(ns.quota_usd),
        decimals(ns.quota_node_share, 2)
    );
    let _ = writeln!(
        out,
        "  this workload's {} replicas: {} a month ({} per replica)",
        i.replicas,
        money(ns.workload_usd),
        money(ns.per_replica_usd)
    );
    let _ = writeln!(
        out,
        "  limits allow {}x the CPU and {}x the memory the quota pays for: bursts past requests are unpaid, and unprotected.",
        plain(ns.overcommit_cpu),
        plain(ns.overcommit_memory)
    );
    out.push_str("  The control plane and load balancer are shared by every namespace; charge them as platform overhead.\n");
    let mut explained = String::new();
    formulas(&mut explained, &e.items);
    explained.push_str("  Namespace share: max(requested CPU / allocatable CPU, requested memory / allocatable memory) x node price x hours.\n");
    Report {
        body: out,
        explained,
        not_modelled: prices.not_modelled(kubernetes::NAME),
    }
}
