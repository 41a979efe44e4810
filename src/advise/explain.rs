//! The explanation of an advice: what each answer did to the outcome, the sentence for the deciding rule, and
//! every single changed answer that would change the recommendation, found by re-running the same rules.

use serde::Serialize;

use super::figures;
use super::kinds::Recommendation;
use super::questions::{AdviseInput, Traffic};
use super::rules::{Decision, Facts, LATENCY_FLOOR_MS, MIN_TEAM_FOR_PLATFORM, decide};
use crate::cost::Prices;
use crate::cost::compare::Comparison;
use crate::cost::format::{self, money};
use crate::error::Result;
use crate::kind::Catalog;

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

/// One sentence per answer, in question order, on what it did to the outcome.
pub fn reasons(input: &AdviseInput, cmp: &Comparison) -> Vec<Reason> {
    let k8s_ok = Facts::of(input, cmp.break_even_fargate).can_run_kubernetes;
    let be = |b: Option<u64>| match b {
        Some(n) => format!("{} events a month", format::thousands(n)),
        None => "never (below 10^12 events a month)".into(),
    };

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
    let cheaper = if cmp.cheapest == "serverless" {
        "serverless is cheaper here"
    } else {
        "containers are cheaper here"
    };
    reasons.push(Reason {
        key: "events_per_month",
        answer: format::thousands(input.events_per_month),
        effect: format!(
            "serverless {} vs containers on Fargate {} a month: {cheaper}; break-even {}",
            money(cmp.serverless.total_usd),
            money(cmp.fargate.total_usd),
            be(cmp.break_even_fargate)
        ),
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
            "Lambda has no GPUs: this needs containers on GPU nodes",
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
    reasons
}

/// The sentence that says why the deciding rule decided as it did.
pub fn summary(input: &AdviseInput, decision: &Decision, cmp: &Comparison) -> String {
    let k8s_ok = Facts::of(input, cmp.break_even_fargate).can_run_kubernetes;
    match decision.rule {
        "R1" if k8s_ok => "The workload needs something functions cannot give, and a platform team can own a cluster.".to_string(),
        "R1" => "The workload needs containers, but nobody would own a cluster: use a managed container platform.".to_string(),
        "R2" => "Compliance asks for isolation you control, and a platform team can provide it.".to_string(),
        "R3" => format!(
            "At {} events a month containers cost less than functions ({} vs {}).",
            format::thousands(input.events_per_month), money(cmp.fargate.total_usd), money(cmp.serverless.total_usd)
        ),
        _ => "Nothing here needs containers, and below the break-even functions cost less and need no one to run them.".to_string(),
    }
}

/// Picks one yes/no answer out of an input, to flip it.
type Toggle = fn(&mut AdviseInput) -> &mut bool;

/// Every single-answer change that gives another recommendation, decided by the same rules: each other traffic
/// shape (which also moves the break-even), each yes/no flipped, the team size and the latency budget moved
/// across their thresholds, and the volume moved to the break-even (or one event below it). Each names the kind
/// of `catalog` it would recommend.
pub fn would_change(
    prices: &Prices,
    catalog: &Catalog,
    input: &AdviseInput,
    decision: &Decision,
    break_even: Option<u64>,
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
    let toggles: [(&'static str, Toggle); 5] = [
        ("long_lived_connections", |i| &mut i.long_lived_connections),
        ("gpu", |i| &mut i.gpu),
        ("custom_networking", |i| &mut i.custom_networking),
        ("platform_team", |i| &mut i.platform_team),
        ("compliance_isolation", |i| &mut i.compliance_isolation),
    ];
    for (key, field) in toggles {
        let mut v = input.clone();
        let b = field(&mut v);
        *b = !*b;
        let answer = yes_no(*b);
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
    if let Some(b) = break_even {
        let other = if input.events_per_month >= b {
            b - 1
        } else {
            b
        };
        if other >= 1 {
            variants.push((
                "events_per_month",
                other.to_string(),
                AdviseInput {
                    events_per_month: other,
                    ..input.clone()
                },
            ));
        }
    }
    let mut would_change = Vec::new();
    for (key, answer, v) in variants {
        // Traffic moves the break-even too; every other change keeps this traffic shape's break-even.
        let b = if key == "traffic" {
            figures::break_even(prices, v.traffic)?
        } else {
            break_even
        };
        let d = decide(&v, b);
        if d.platform != decision.platform {
            would_change.push(Flip {
                key,
                answer,
                recommendation: Recommendation::of(d.platform, catalog),
                rule: d.rule,
            });
        }
    }
    Ok(would_change)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kind::Source;

    struct Case {
        input: AdviseInput,
        cmp: Comparison,
        decision: Decision,
        prices: Prices,
    }

    fn case(input: AdviseInput) -> Case {
        let prices = Prices::embedded().unwrap();
        let cmp = figures::comparison(&prices, &input).unwrap();
        let decision = decide(&input, cmp.break_even_fargate);
        Case {
            input,
            cmp,
            decision,
            prices,
        }
    }

    fn flips(c: &Case) -> Vec<Flip> {
        let catalog = Catalog::load(&Source::Embedded).unwrap();
        would_change(
            &c.prices,
            &catalog,
            &c.input,
            &c.decision,
            c.cmp.break_even_fargate,
        )
        .unwrap()
    }

    #[test]
    fn every_answer_is_explained_in_question_order() {
        let c = case(AdviseInput::default());
        let reasons = reasons(&c.input, &c.cmp);
        let keys: Vec<&str> = reasons.iter().map(|r| r.key).collect();
        let question_keys: Vec<String> = super::super::questions()
            .into_iter()
            .map(|q| q.key)
            .collect();
        assert_eq!(keys, question_keys);
        assert_eq!(reasons[1].answer, "1,000,000");
        assert!(
            reasons[1].effect.contains("serverless is cheaper here"),
            "{:?}",
            reasons[1]
        );
    }

    #[test]
    fn the_summary_gives_the_figures_when_cost_decides() {
        let c = case(AdviseInput {
            events_per_month: 1_000_000_000,
            ..AdviseInput::default()
        });
        assert_eq!(c.decision.rule, "R3");
        let s = summary(&c.input, &c.decision, &c.cmp);
        assert!(
            s.starts_with("At 1,000,000,000 events a month containers cost less"),
            "{s}"
        );
    }

    #[test]
    fn flips_list_single_changes_that_change_the_platform() {
        let c = case(AdviseInput::default());
        let flips = flips(&c);
        // GPU alone flips a small team to managed containers; the break-even volume flips it too.
        let gpu = flips.iter().find(|f| f.key == "gpu").expect("gpu flip");
        assert_eq!(gpu.answer, "yes");
        assert_eq!(gpu.recommendation.name(), "managed-containers");
        let volume = flips
            .iter()
            .find(|f| f.key == "events_per_month")
            .expect("volume flip");
        assert_eq!(volume.rule, "R3");
        assert_eq!(
            volume.answer,
            c.cmp.break_even_fargate.unwrap().to_string(),
            "the flip is the break-even itself"
        );
    }

    #[test]
    fn every_flip_is_what_the_rules_decide_for_the_changed_answer() {
        let c = case(AdviseInput {
            gpu: true,
            platform_team: true,
            team_size: 12,
            ..AdviseInput::default()
        });
        assert_eq!(c.decision.rule, "R1");
        let flips = flips(&c);
        for f in &flips {
            assert_ne!(f.recommendation.platform, c.decision.platform, "{f:?}");
        }
        let keys: Vec<&str> = flips.iter().map(|f| f.key).collect();
        assert_eq!(keys, ["gpu", "platform_team", "team_size"]);
        assert_eq!(
            flips[2].answer, "9",
            "the team size just below the threshold"
        );
    }
}
