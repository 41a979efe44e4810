//! The plain-text reports of `scaffold cost`: every word the cost commands print is here, over the figures the
//! library computes.

use std::fmt::Write as _;

use scaffold::cost::compare::{Comparison, PlatformCost};
use scaffold::cost::format::{
    break_even_sentence, count, decimals, money, plain, platform_totals, rate, thousands,
};
use scaffold::cost::kubernetes::K8sEstimate;
use scaffold::cost::serverless::{ServerlessEstimate, ServerlessInput};
use scaffold::cost::{LineItem, Model, Prices};

fn percent(part: f64, whole: f64) -> String {
    if whole <= 0.0 {
        "0%".into()
    } else {
        format!("{:.0}%", part / whole * 100.0)
    }
}

fn quantity(item: &LineItem) -> String {
    format!("{} {}", count(item.quantity), item.unit)
}

fn items_table(out: &mut String, items: &[LineItem], total: f64) {
    let _ = writeln!(
        out,
        "  {:<48} {:>22} {:>12}",
        "item", "quantity", "per month"
    );
    for i in items {
        let _ = writeln!(
            out,
            "  {:<48} {:>22} {:>12}",
            i.label,
            quantity(i),
            money(i.usd)
        );
    }
    let _ = writeln!(out, "  {:<48} {:>22} {:>12}", "total", "", money(total));
}

fn formulas(out: &mut String, items: &[LineItem]) {
    let _ = writeln!(out, "\nHow each line is computed:");
    for i in items {
        let _ = writeln!(out, "  {}: {}", i.label, i.formula);
    }
}

/// The report of `scaffold cost KIND` for a kind on the `serverless` model. `estimates` holds the requested volume first and the
/// reference volumes after it.
pub fn serverless_report(
    kind: &str,
    prices: &Prices,
    main: &ServerlessEstimate,
    volumes: &[ServerlessEstimate],
    explain: bool,
) -> String {
    let mut out = String::new();
    let input = &main.input;
    let _ = writeln!(
        out,
        "{kind} at {} events per month ({}, {} API, {} Lambda, {} queue; prices: {})\n",
        thousands(input.events_per_month),
        prices.region,
        input.api.as_str().to_uppercase(),
        input.arch.as_str(),
        input.queue.as_str(),
        prices.origin
    );
    items_table(&mut out, &main.items, main.total_usd);
    if let Some(largest) = main.largest_item() {
        let _ = writeln!(
            out,
            "\nLargest line item: {} at {} ({} of the total).",
            largest.label,
            money(largest.usd),
            percent(largest.usd, main.total_usd)
        );
    }
    let _ = writeln!(
        out,
        "Free tier, shown apart (always-free allowances, per account and shared with everything else in it): -{} -> {} a month.",
        money(main.free_tier_usd),
        money(main.after_free_tier_usd)
    );
    if let Ok(ranked) = scaffold::cost::serverless::sensitivity(prices, main) {
        out.push_str("\nWhat moves the bill most (each input a tenth higher, one at a time):\n");
        for s in ranked.iter().take(5) {
            let _ = writeln!(
                out,
                "  {:<24} {} -> {}: {}{} a month ({}{}%)",
                s.input.replace('_', "-"),
                plain(s.from),
                plain(s.to),
                if s.delta_usd < 0.0 { "-" } else { "+" },
                money(s.delta_usd.abs()),
                if s.delta_usd < 0.0 { "-" } else { "+" },
                decimals(s.delta_share.abs() * 100.0, 1)
            );
        }
    }
    let warnings = scaffold::cost::serverless::quota_warnings(prices, main);
    if !warnings.is_empty() {
        out.push_str("\nQuotas at this volume's peak (10x the mean rate):\n");
        for w in &warnings {
            let _ = writeln!(out, "  - {}", w.sentence);
        }
    }
    out.push_str("\nThe same workload at other volumes (per month, free tier not applied):\n");
    let _ = write!(out, "  {:<32}", "events per month");
    for v in volumes {
        let _ = write!(out, " {:>12}", count(v.input.events_per_month as f64));
    }
    out.push('\n');
    for (idx, item) in main.items.iter().enumerate() {
        let _ = write!(out, "  {:<32}", item.label);
        for v in volumes {
            let _ = write!(out, " {:>12}", money(v.items[idx].usd));
        }
        out.push('\n');
    }
    let _ = write!(out, "  {:<32}", "total");
    for v in volumes {
        let _ = write!(out, " {:>12}", money(v.total_usd));
    }
    out.push('\n');
    let _ = write!(out, "  {:<32}", "largest");
    for v in volumes {
        let label = v.largest_item().map(|i| short_label(&i.key)).unwrap_or("-");
        let _ = write!(out, " {:>12}", label);
    }
    out.push('\n');
    if explain {
        formulas(&mut out, &main.items);
        let _ = writeln!(out, "\nFree tier:");
        for i in &main.free_tier {
            let _ = writeln!(out, "  {}: {} = {}", i.label, i.formula, money(i.usd));
        }
    } else {
        out.push_str("\nAdd --explain for the formulas, --json for machine-readable output.\n");
    }
    out.push_str("\nNot modelled:\n");
    for line in prices.not_modelled(Model::Serverless.name()) {
        let _ = writeln!(out, "  - {line}");
    }
    out
}

/// A short column label for a line item key.
pub fn short_label(key: &str) -> &'static str {
    match key {
        "api" => "API",
        "lambda_requests" => "Lambda req",
        "lambda_duration" => "Lambda time",
        "sqs" => "SQS",
        "dynamodb" => "DynamoDB",
        "logs" => "logs",
        "tracing" => "X-Ray",
        "storage" => "storage",
        "backups" => "PITR",
        "kms" => "KMS",
        "secrets" => "secrets",
        "alarms" => "alarms",
        "dashboards" => "dashboards",
        "nodes" => "nodes",
        "control_plane" => "control",
        "load_balancer" => "ALB",
        _ => "other",
    }
}

/// The report of `scaffold cost KIND` for a kind on the `kubernetes` model.
pub fn k8s_report(kind: &str, prices: &Prices, e: &K8sEstimate, explain: bool) -> String {
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
    if explain {
        formulas(&mut out, &e.items);
        out.push_str("  Namespace share: max(requested CPU / allocatable CPU, requested memory / allocatable memory) x node price x hours.\n");
    } else {
        out.push_str("\nAdd --explain for the formulas, --json for machine-readable output.\n");
    }
    out.push_str("\nNot modelled:\n");
    for line in prices.not_modelled(Model::Kubernetes.name()) {
        let _ = writeln!(out, "  - {line}");
    }
    out
}

fn platform_block(out: &mut String, label: &str, p: &PlatformCost) {
    let _ = writeln!(out, "\n{label}, {} {}:", p.tasks, p.task_noun);
    items_table(out, &p.items, p.total_usd);
}

/// The report of `scaffold cost compare`; `eks` is what the EKS side is called.
/// The three bills from 10K to 1B events a month, smallest first, with the stated volume marked and a line where
/// each break-even falls.
fn curve_table(out: &mut String, c: &Comparison) {
    let _ = writeln!(out, "\nThe curve, per month:");
    let _ = writeln!(
        out,
        "  {:<16} {:>14} {:>14} {:>14}",
        "events", "serverless", "Fargate", "EKS"
    );
    let mut marks: Vec<(u64, &str)> =
        [(c.break_even_fargate, "Fargate"), (c.break_even_eks, "EKS")]
            .into_iter()
            .filter_map(|(b, name)| b.map(|b| (b, name)))
            .collect();
    marks.sort_unstable();
    let mut marks = marks.into_iter().peekable();
    for point in &c.curve {
        while let Some((b, name)) = marks.next_if(|(b, _)| *b <= point.events_per_month) {
            let _ = writeln!(
                out,
                "  -- break-even against {name} at {}: containers cost no more from here on",
                thousands(b)
            );
        }
        let mine = if point.events_per_month == c.events_per_month {
            "  <- this volume"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "  {:<16} {:>14} {:>14} {:>14}{mine}",
            count(point.events_per_month as f64),
            money(point.serverless_usd),
            money(point.fargate_usd),
            money(point.eks_usd)
        );
    }
    for (b, name) in marks {
        let _ = writeln!(
            out,
            "  -- break-even against {name} at {}: containers cost no more from here on",
            thousands(b)
        );
    }
}

pub fn compare_report(prices: &Prices, c: &Comparison, eks: &str, explain: bool) -> String {
    let mut out = String::new();
    let s = &c.serverless;
    let _ = writeln!(
        out,
        "Serverless against containers at {} events per month\n",
        thousands(c.events_per_month)
    );
    let lean = s.input == ServerlessInput::default().at(c.events_per_month);
    if lean {
        let _ = writeln!(
            out,
            "Serverless is {}; give the inputs of your stack (scaffold cost <kind> --json shows a kind's) to price it.\n",
            scaffold::advise::LEAN_EXAMPLE
        );
    }
    platform_totals(
        &mut out,
        (40, 14),
        &[
            (
                if lean {
                    "serverless (lean example)"
                } else {
                    "serverless (API Gateway + Lambda)"
                },
                s.total_usd,
            ),
            (&c.fargate.platform, c.fargate.total_usd),
            (eks, c.eks.total_usd),
        ],
    );
    let cheapest = match c.cheapest.as_str() {
        "fargate" => c.fargate.platform.as_str(),
        "eks" => eks,
        _ => "serverless",
    };
    let _ = writeln!(out, "\nCheapest at this volume: {cheapest}.");
    let _ = writeln!(
        out,
        "Only API Gateway and Lambda, with Lambda's own log lines, change between the two: {} of the serverless bill here; the queue, table, the code's own logs and traces ({}) stay either way.",
        money(s.moving_usd()),
        money(s.shared_usd())
    );
    let hours = prices.hours_per_month;
    out.push_str(&break_even_sentence("Fargate", c.break_even_fargate, hours));
    out.push_str(&break_even_sentence("EKS", c.break_even_eks, hours));
    let p = &c.per_thousand_events_usd;
    let _ = writeln!(
        out,
        "Per thousand events: serverless ${}, Fargate ${}, EKS ${}.",
        decimals(p.serverless, 4),
        decimals(p.fargate, 4),
        decimals(p.eks, 4)
    );
    curve_table(&mut out, c);
    out.push_str("\nServerless line items:\n");
    items_table(&mut out, &s.items, s.total_usd);
    platform_block(&mut out, &c.fargate.platform, &c.fargate);
    platform_block(&mut out, eks, &c.eks);
    out.push_str("\nAssumptions:\n");
    for a in &c.assumptions {
        let _ = writeln!(out, "  - {a}");
    }
    if explain {
        formulas(&mut out, &s.items);
        formulas(&mut out, &c.fargate.items);
        formulas(&mut out, &c.eks.items);
        out.push_str("\nBreak-even: the volume from which the container bill is at most the serverless bill at every higher volume (the container bill steps up a task or node at a time, so serverless can be cheaper again just above an earlier crossing).\n");
    }
    out
}
