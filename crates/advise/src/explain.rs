//! The explanation of an advice: what each answer did to the outcome, the sentence for the deciding rule, and
//! every single changed answer that would change the recommendation, found by re-running the same rules.

use serde::Serialize;

use super::figures::{self, CostSummary, Workload};
use super::kinds::Recommendation;
use super::questions::{AdviseInput, Traffic};
use super::rules::{Decision, Facts, LATENCY_FLOOR_MS, MIN_TEAM_FOR_PLATFORM, Platform, decide};
use scaffold_cost::Prices;
use scaffold_cost::breakeven::break_even_saving;
use scaffold_cost::compare;
use scaffold_cost::format::{self, money};
use scaffold_error::Result;
use scaffold_kind::Catalog;

/// One answer and what it did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    pub key: &'static str,
    pub answer: String,
    pub effect: String,
}

/// A single changed answer that would change the recommendation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Flip {
    pub key: &'static str,
    pub answer: String,
    pub recommendation: Recommendation,
    pub rule: &'static str,
}

fn yes_no(b: bool) -> String {
    if b { "yes".into() } else { "no".into() }
}

/// What the rules' platforms are called next to a bill.
pub fn platform_label(p: Platform) -> &'static str {
    match p {
        Platform::Kubernetes => "containers on EKS",
        Platform::ManagedContainers => "containers on Fargate",
        Platform::Serverless => "serverless",
    }
}

/// What the bills say at the stated volume, in one sentence that the rules' decision cannot contradict: it
/// compares serverless with the container platform the rules would pick, by the same test.
fn cost_effect(input: &AdviseInput, cost: &CostSummary) -> String {
    let bills = cost.bills();
    let facts = Facts::of(input, &bills);
    let c = facts.cheapest_container;
    let label = platform_label(c);
    let (s, cu) = (bills.serverless_usd, bills.of(c));
    let ops = if cost.ops_usd_per_month > 0.0 {
        format!(" (with {} of operations)", money(cost.ops_usd_per_month))
    } else {
        String::new()
    };
    let head = format!(
        "serverless {} vs {label}{ops} {} a month",
        money(s),
        money(cu)
    );
    if cu < s {
        let saving = s - cu;
        let pct = format::decimals(saving / s * 100.0, 1);
        if facts.containers_save {
            format!(
                "{head}: {label} saves {} ({pct}%), at least the {} a month worth a move",
                money(saving),
                money(cost.min_saving_usd)
            )
        } else {
            format!(
                "{head}: {label} would save only {} ({pct}%), less than the {} a month worth a move",
                money(saving),
                money(cost.min_saving_usd)
            )
        }
    } else {
        format!("{head}: serverless is cheaper here")
    }
}

/// One sentence per answer, in question order, on what it did to the outcome.
pub fn reasons(input: &AdviseInput, cost: &CostSummary) -> Vec<Reason> {
    let k8s_ok = Facts::of(input, &cost.bills()).can_run_kubernetes;
    let mut reasons = Vec::new();
    let traffic_effect = match input.traffic {
        Traffic::Steady => {
            "a flat load keeps containers busy: they are sized for 1.5x the average, so they pay off sooner"
        }
        Traffic::Spiky => {
            "containers must be sized for peaks about 3x the average, while functions follow the load"
        }
        Traffic::Bursty => {
            "mostly idle: containers sized for 10x the average sit unused, functions scale to zero"
        }
    };
    reasons.push(Reason {
        key: "traffic",
        answer: input.traffic.as_str().into(),
        effect: traffic_effect.into(),
    });
    reasons.push(Reason {
        key: "events_per_month",
        answer: format::thousands(input.events_per_month),
        effect: cost_effect(input, cost),
    });
    let needs = |flag: bool, yes: &str, no: &str| {
        if flag {
            yes.to_string()
        } else {
            no.to_string()
        }
    };
    reasons.push(Reason {
        key: "long_lived_connections",
        answer: yes_no(input.long_lived_connections),
        effect: needs(input.long_lived_connections,
            "functions stop after 15 minutes and API Gateway cuts integrations at 30 seconds: this needs containers",
            "short request and response fits functions"),
    });
    reasons.push(Reason {
        key: "gpu",
        answer: yes_no(input.gpu),
        effect: needs(
            input.gpu,
            "neither Lambda nor Fargate offers GPUs: this needs containers on EC2 GPU instances (ECS or EKS)",
            "not a factor",
        ),
    });
    reasons.push(Reason {
        key: "custom_networking",
        answer: yes_no(input.custom_networking),
        effect: needs(
            input.custom_networking,
            "sidecars, a mesh or your own network policies need a container orchestrator",
            "the provider's networking is enough",
        ),
    });
    reasons.push(Reason {
        key: "team_size",
        answer: input.team_size.to_string(),
        effect: if input.team_size >= MIN_TEAM_FOR_PLATFORM {
            format!("large enough (at least {MIN_TEAM_FOR_PLATFORM}) to staff a platform team and still ship product")
        } else {
            format!("below {MIN_TEAM_FOR_PLATFORM} engineers, running a cluster would take the people who should ship product")
        },
    });
    reasons.push(Reason {
        key: "platform_team",
        answer: yes_no(input.platform_team),
        effect: match (input.platform_team, k8s_ok) {
            (true, true) => {
                "someone owns upgrades, ingress, policy and on-call: Kubernetes is an option".into()
            }
            (true, false) => format!(
                "a platform team in a team of {} is too thin to own a cluster",
                input.team_size
            ),
            (false, _) => {
                "nobody would own cluster upgrades and on-call: Kubernetes is ruled out".into()
            }
        },
    });
    reasons.push(Reason {
        key: "compliance_isolation",
        answer: yes_no(input.compliance_isolation),
        effect: match (input.compliance_isolation, k8s_ok) {
            (true, true) => "namespaces, dedicated nodes and network policies give isolation you configure and can show".into(),
            (true, false) => "needs isolation you control, but without a platform team; managed services isolate each function or task, check that satisfies the auditor".into(),
            (false, _) => "not a factor".into(),
        },
    });
    reasons.push(Reason {
        key: "latency_budget_ms",
        answer: input.latency_budget_ms.to_string(),
        effect: if input.latency_budget_ms < LATENCY_FLOOR_MS {
            format!("under {LATENCY_FLOOR_MS} ms leaves no room for cold starts: keep warm containers (provisioned concurrency costs money while idle)")
        } else {
            "room for a cold start; a webhook answers 202 and does the work after the queue anyway".into()
        },
    });
    reasons.push(Reason {
        key: "ops_usd_per_month",
        answer: input.ops_usd_per_month.to_string(),
        effect: if input.ops_usd_per_month > 0 {
            format!("added to each container bill: {} a month of people's time and tooling", money(cost.ops_usd_per_month))
        } else {
            "the people who run containers are not counted: give their monthly cost to compare fairly".into()
        },
    });
    reasons.push(Reason {
        key: "min_saving_usd",
        answer: input.min_saving_usd.to_string(),
        effect: format!(
            "containers must cost at least {} a month less than serverless before cost alone moves the workload",
            money(cost.min_saving_usd)
        ),
    });
    reasons.push(Reason {
        key: "existing_cluster",
        answer: yes_no(input.existing_cluster),
        effect: needs(
            input.existing_cluster,
            "only the nodes the workload adds are priced on EKS: no control plane, no floor of nodes",
            "EKS is priced as a new cluster: control plane, add-ons and at least two nodes",
        ),
    });
    reasons
}

/// The sentence that says why the deciding rule decided as it did.
pub fn summary(input: &AdviseInput, decision: &Decision, cost: &CostSummary) -> String {
    let bills = cost.bills();
    let facts = Facts::of(input, &bills);
    match decision.rule {
        "R1" if facts.can_run_kubernetes => "The workload needs something functions cannot give, and a platform team can own a cluster.".to_string(),
        "R1" if input.gpu => "The workload needs GPUs, and nobody would own a cluster: ECS on EC2 GPU instances (Fargate has no GPUs).".to_string(),
        "R1" => "The workload needs containers, but nobody would own a cluster: use a managed container platform.".to_string(),
        "R2" => "Compliance asks for isolation you control, and a platform team can provide it.".to_string(),
        "R3" => {
            let p = decision.platform;
            let saving = bills.serverless_usd - bills.of(p);
            format!(
                "At {} events a month {} cost {} against serverless {}: {} ({}%) less, at least the {} a month worth a move.",
                format::thousands(input.events_per_month),
                platform_label(p),
                money(bills.of(p)),
                money(bills.serverless_usd),
                money(saving),
                format::decimals(saving / bills.serverless_usd * 100.0, 1),
                money(cost.min_saving_usd)
            )
        }
        _ if bills.of(facts.cheapest_container) < bills.serverless_usd => format!(
            "Nothing here needs containers, and at this volume they would save less than the {} a month worth a move; functions need no one to run them.",
            money(cost.min_saving_usd)
        ),
        _ => "Nothing here needs containers, and at this volume functions cost less and need no one to run them.".to_string(),
    }
}

/// Picks one yes/no answer out of an input, to flip it.
type Toggle = fn(&mut AdviseInput) -> &mut bool;

/// The volumes tried for a flip on volume: the break-evens (with the minimum saving) and one below each, and
/// every power of ten the model prices.
fn volume_candidates(
    prices: &Prices,
    workload: &Workload,
    input: &AdviseInput,
) -> Result<Vec<u64>> {
    let a = figures::assumptions(input);
    let margin = f64::from(input.min_saving_usd);
    let mut out: Vec<u64> = (4..=12).map(|e| 10u64.pow(e)).collect();
    for platform in [compare::Platform::Fargate, compare::Platform::Eks] {
        if let Some(b) = break_even_saving(prices, platform, &workload.input, &a, margin)? {
            out.push(b);
            out.push(b.saturating_sub(1).max(1));
        }
    }
    out.retain(|&n| n != input.events_per_month && n <= scaffold_cost::MAX_EVENTS_PER_MONTH);
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

/// Every single-answer change that gives another recommendation, decided by the same rules on the bills at the
/// changed answers: each other traffic shape, each yes/no flipped, the team size and the latency budget moved
/// across their thresholds, and the volume nearest the stated one (a break-even or a power of ten) that changes
/// it. Each answer is written as its flag takes it, and names the kind of `catalog` it would recommend.
pub fn would_change(
    prices: &Prices,
    catalog: &Catalog,
    workload: &Workload,
    input: &AdviseInput,
    decision: &Decision,
) -> Result<Vec<Flip>> {
    let mut variants: Vec<(&'static str, String, AdviseInput)> = Vec::new();
    for t in Traffic::ALL.into_iter().filter(|t| *t != input.traffic) {
        variants.push((
            "traffic",
            t.as_str().into(),
            AdviseInput {
                traffic: t,
                ..input.clone()
            },
        ));
    }
    let toggles: [(&'static str, Toggle); 6] = [
        ("long_lived_connections", |i| &mut i.long_lived_connections),
        ("gpu", |i| &mut i.gpu),
        ("custom_networking", |i| &mut i.custom_networking),
        ("platform_team", |i| &mut i.platform_team),
        ("compliance_isolation", |i| &mut i.compliance_isolation),
        ("existing_cluster", |i| &mut i.existing_cluster),
    ];
    for (key, field) in toggles {
        let mut v = input.clone();
        let b = field(&mut v);
        *b = !*b;
        let answer = b.to_string();
        variants.push((key, answer, v));
    }
    let team = if input.team_size >= MIN_TEAM_FOR_PLATFORM {
        MIN_TEAM_FOR_PLATFORM - 1
    } else {
        MIN_TEAM_FOR_PLATFORM
    };
    variants.push((
        "team_size",
        team.to_string(),
        AdviseInput {
            team_size: team,
            ..input.clone()
        },
    ));
    let latency = if input.latency_budget_ms < LATENCY_FLOOR_MS {
        LATENCY_FLOOR_MS
    } else {
        LATENCY_FLOOR_MS - 1
    };
    variants.push((
        "latency_budget_ms",
        latency.to_string(),
        AdviseInput {
            latency_budget_ms: latency,
            ..input.clone()
        },
    ));
    let mut would_change = Vec::new();
    for (key, answer, v) in variants {
        let d = decide(&v, &figures::bills(prices, workload, &v)?);
        if d.platform != decision.platform {
            would_change.push(Flip {
                key,
                answer,
                recommendation: Recommendation::of(d.platform, catalog),
                rule: d.rule,
            });
        }
    }
    // The flipping volume nearest the stated one, by ratio.
    let here = input.events_per_month as f64;
    let mut best: Option<(f64, u64, Decision)> = None;
    for n in volume_candidates(prices, workload, input)? {
        let v = AdviseInput {
            events_per_month: n,
            ..input.clone()
        };
        let d = decide(&v, &figures::bills(prices, workload, &v)?);
        let distance = (n as f64 / here).ln().abs();
        if d.platform != decision.platform && best.as_ref().is_none_or(|(b, _, _)| distance < *b) {
            best = Some((distance, n, d));
        }
    }
    if let Some((_, n, d)) = best {
        would_change.push(Flip {
            key: "events_per_month",
            answer: n.to_string(),
            recommendation: Recommendation::of(d.platform, catalog),
            rule: d.rule,
        });
    }
    Ok(would_change)
}

#[cfg(test)]
mod tests;
