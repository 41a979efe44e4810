//! `scaffold advise`: which kind fits a workload, and why, with the cost comparison at the stated volume.
//!
//! The rules are a short ordered list (written down in docs/advise.md); the first that matches decides. Every
//! answer gets a sentence saying what it did to the outcome, and the advice lists which single changed answer
//! would flip it, found by re-running the same rules, so the explanation can never drift from the logic.
//!
//! The questions are ordinary [`Question`]s ([`questions`]): [`answers`] layers the answers given (the binary's
//! flags) over a [`Prompter`] or the defaults, exactly as a kind's questions are settled, and
//! [`AdviseInput::from_answers`] reads them into the typed input [`advise`] takes.

use serde::Serialize;

use crate::answers::{self, Answers, Prompter};
use crate::cost::compare::{self, Comparison, ContainerAssumptions};
use crate::cost::serverless::ServerlessInput;
use crate::cost::{Prices, format};
use crate::error::{Error, Result};
use crate::kind::{Answer, Choice, Question, QuestionType, check_answer};

/// Smallest team that can staff a platform team and still ship product.
pub const MIN_TEAM_FOR_PLATFORM: u32 = 10;
/// Latency budgets below this many milliseconds rule out cold starts.
pub const LATENCY_FLOOR_MS: u32 = 100;
pub const MAX_TEAM_SIZE: u32 = 100_000;
pub const MAX_LATENCY_MS: u32 = 600_000;

/// Traffic shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Traffic {
    Steady,
    Spiky,
    Bursty,
}

impl Traffic {
    pub const ALL: [Traffic; 3] = [Traffic::Steady, Traffic::Spiky, Traffic::Bursty];

    pub fn as_str(self) -> &'static str {
        match self {
            Traffic::Steady => "steady",
            Traffic::Spiky => "spiky",
            Traffic::Bursty => "bursty",
        }
    }

    pub fn from_name(text: &str) -> Option<Traffic> {
        Traffic::ALL.into_iter().find(|t| t.as_str() == text)
    }

    /// Peak over monthly average that a container fleet must be sized for.
    pub fn peak_factor(self) -> f64 {
        match self {
            Traffic::Steady => 1.5,
            Traffic::Spiky => 3.0,
            Traffic::Bursty => 10.0,
        }
    }
}

/// Every answer the rules need.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AdviseInput {
    pub traffic: Traffic,
    pub events_per_month: u64,
    pub long_lived_connections: bool,
    pub gpu: bool,
    pub custom_networking: bool,
    pub team_size: u32,
    pub platform_team: bool,
    pub compliance_isolation: bool,
    pub latency_budget_ms: u32,
}

impl Default for AdviseInput {
    fn default() -> Self {
        AdviseInput {
            traffic: Traffic::Spiky,
            events_per_month: 1_000_000,
            long_lived_connections: false,
            gpu: false,
            custom_networking: false,
            team_size: 5,
            platform_team: false,
            compliance_isolation: false,
            latency_budget_ms: 1000,
        }
    }
}

impl AdviseInput {
    /// Reads settled answers to [`questions`] (as [`answers`] returns them).
    pub fn from_answers(answers: &Answers) -> Result<AdviseInput> {
        let get = |key: &str| {
            answers
                .get(key)
                .ok_or_else(|| Error::MissingAnswer { key: key.into() })
        };
        let flag = |key: &str| match get(key)? {
            Answer::Bool(b) => Ok(*b),
            other => Err(not_a(key, other, "yes or no")),
        };
        let int = |key: &str| match get(key)? {
            Answer::Int(i) => Ok(*i),
            other => Err(not_a(key, other, "whole number")),
        };
        let traffic = match get("traffic")? {
            Answer::Str(s) => Traffic::from_name(s),
            _ => None,
        }
        .ok_or_else(|| Error::InvalidAnswer {
            key: "traffic".into(),
            message: "expected steady, spiky or bursty".into(),
        })?;
        let input = AdviseInput {
            traffic,
            events_per_month: u64::try_from(int("events_per_month")?).unwrap_or(0),
            long_lived_connections: flag("long_lived_connections")?,
            gpu: flag("gpu")?,
            custom_networking: flag("custom_networking")?,
            team_size: u32::try_from(int("team_size")?).unwrap_or(0),
            platform_team: flag("platform_team")?,
            compliance_isolation: flag("compliance_isolation")?,
            latency_budget_ms: u32::try_from(int("latency_budget_ms")?).unwrap_or(0),
        };
        input.validate()?;
        Ok(input)
    }

    /// Each answer under its question's key, in question order.
    pub fn answers(&self) -> [(&'static str, Answer); 9] {
        [
            ("traffic", Answer::Str(self.traffic.as_str().into())),
            (
                "events_per_month",
                Answer::Int(self.events_per_month as i64),
            ),
            (
                "long_lived_connections",
                Answer::Bool(self.long_lived_connections),
            ),
            ("gpu", Answer::Bool(self.gpu)),
            ("custom_networking", Answer::Bool(self.custom_networking)),
            ("team_size", Answer::Int(self.team_size.into())),
            ("platform_team", Answer::Bool(self.platform_team)),
            (
                "compliance_isolation",
                Answer::Bool(self.compliance_isolation),
            ),
            (
                "latency_budget_ms",
                Answer::Int(self.latency_budget_ms.into()),
            ),
        ]
    }

    /// Checks every answer against its question's bounds; the error names the question's key.
    pub fn validate(&self) -> Result<()> {
        let questions = questions();
        for (key, answer) in self.answers() {
            let q = questions
                .iter()
                .find(|q| q.key == key)
                .expect("a question per answer");
            check_answer(q, &answer).map_err(|message| Error::InvalidAnswer {
                key: key.into(),
                message,
            })?;
        }
        Ok(())
    }

    /// A platform team exists and the organisation is large enough to keep it.
    pub fn can_run_kubernetes(&self) -> bool {
        self.platform_team && self.team_size >= MIN_TEAM_FOR_PLATFORM
    }

    /// Something functions cannot do.
    pub fn needs_containers(&self) -> bool {
        self.gpu
            || self.long_lived_connections
            || self.custom_networking
            || self.latency_budget_ms < LATENCY_FLOOR_MS
    }
}

fn not_a(key: &str, answer: &Answer, expected: &str) -> Error {
    Error::InvalidAnswer {
        key: key.into(),
        message: format!("`{answer}` is not a {expected}"),
    }
}

fn question(key: &str, prompt: &str, help: &str, kind: QuestionType, default: Answer) -> Question {
    Question {
        key: key.into(),
        prompt: prompt.into(),
        help: help.into(),
        kind,
        default: Some(default),
        pattern: None,
        example: None,
        max_len: None,
        path: false,
        required: true,
        min: None,
        max: None,
        choices: Vec::new(),
    }
}

fn yes_no_question(key: &str, prompt: &str, help: &str, default: bool) -> Question {
    question(key, prompt, help, QuestionType::Bool, Answer::Bool(default))
}

fn int_question(key: &str, prompt: &str, help: &str, default: i64, max: i64) -> Question {
    Question {
        min: Some(1),
        max: Some(max),
        ..question(key, prompt, help, QuestionType::Int, Answer::Int(default))
    }
}

/// The questions, in the order they are asked. Each key is also the answer's field in [`AdviseInput`].
pub fn questions() -> Vec<Question> {
    let d = AdviseInput::default();
    vec![
        Question {
            choices: Traffic::ALL
                .iter()
                .map(|t| Choice {
                    value: t.as_str().into(),
                    label: String::new(),
                })
                .collect(),
            ..question(
                "traffic",
                "How does traffic arrive?",
                "steady: flat all day; spiky: short peaks a few times the average; bursty: mostly idle, then sudden bursts.",
                QuestionType::Choice,
                Answer::Str(d.traffic.as_str().into()),
            )
        },
        int_question(
            "events_per_month",
            "Events (requests) per month",
            "Used for the cost comparison and the break-even. 1M is about 0.4 per second on average.",
            d.events_per_month as i64,
            crate::cost::MAX_EVENTS_PER_MONTH as i64,
        ),
        yes_no_question(
            "long_lived_connections",
            "Does it hold long-lived connections (WebSockets, streaming, gRPC streams)?",
            "Functions stop after 15 minutes and API Gateway HTTP integrations time out after 30 seconds.",
            d.long_lived_connections,
        ),
        yes_no_question("gpu", "Does it need GPUs?", "Lambda offers no GPUs.", d.gpu),
        yes_no_question(
            "custom_networking",
            "Does it need custom networking (sidecars, a service mesh, its own network policies)?",
            "These need a container orchestrator.",
            d.custom_networking,
        ),
        int_question(
            "team_size",
            "How many engineers build and run it?",
            "Kubernetes pays off when a platform team can own the cluster and the rest ship product.",
            d.team_size.into(),
            MAX_TEAM_SIZE.into(),
        ),
        yes_no_question(
            "platform_team",
            "Is there a platform team that owns clusters (upgrades, ingress, policy, on-call)?",
            "Without one, every product engineer becomes a part-time cluster operator.",
            d.platform_team,
        ),
        yes_no_question(
            "compliance_isolation",
            "Does compliance require workload isolation you control (namespaces, dedicated nodes, network policy)?",
            "Answer yes only if an auditor asks for isolation you configure and can show.",
            d.compliance_isolation,
        ),
        int_question(
            "latency_budget_ms",
            "Latency budget for a response, in milliseconds (p99)",
            "Below 100 ms, function cold starts do not fit without paying to keep instances warm.",
            d.latency_budget_ms.into(),
            MAX_LATENCY_MS.into(),
        ),
    ]
}

/// Settles the advisor's answers the way a kind's are settled: `given` (`KEY=VALUE` text, e.g. from flags,
/// parsed by each question's parser) first, then `prompter` for the rest, or the defaults without one.
pub fn answers(given: &[(String, String)], prompter: Option<&mut dyn Prompter>) -> Result<Answers> {
    let questions = questions();
    let explicit = answers::parse_given(&questions, "advise", given)?;
    answers::settle(&questions, &[], explicit, prompter)
}

/// The three possible answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Recommendation {
    #[serde(rename = "k8s-platform")]
    K8sPlatform,
    #[serde(rename = "serverless-webhook")]
    ServerlessWebhook,
    #[serde(rename = "managed-containers")]
    ManagedContainers,
}

impl Recommendation {
    pub fn as_str(self) -> &'static str {
        match self {
            Recommendation::K8sPlatform => "k8s-platform",
            Recommendation::ServerlessWebhook => "serverless-webhook",
            Recommendation::ManagedContainers => "managed-containers",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Recommendation::K8sPlatform => {
                "k8s-platform: run it on a Kubernetes platform your platform team owns"
            }
            Recommendation::ServerlessWebhook => {
                "serverless-webhook: API Gateway, Lambda, SQS and DynamoDB"
            }
            Recommendation::ManagedContainers => {
                "neither kind: a managed container platform (ECS on Fargate, Cloud Run, App Runner)"
            }
        }
    }
}

/// Which rule decided, and the outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub recommendation: Recommendation,
    /// `R1`..`R4`, as numbered in docs/advise.md.
    pub rule: &'static str,
}

/// The rules of docs/advise.md, first match wins. `break_even` is the volume above which containers on Fargate
/// cost less than serverless for this traffic shape (`None`: never).
pub fn decide(input: &AdviseInput, break_even: Option<u64>) -> Decision {
    let containers = |rule| Decision {
        recommendation: if input.can_run_kubernetes() {
            Recommendation::K8sPlatform
        } else {
            Recommendation::ManagedContainers
        },
        rule,
    };
    if input.needs_containers() {
        return containers("R1");
    }
    if input.compliance_isolation && input.can_run_kubernetes() {
        return Decision {
            recommendation: Recommendation::K8sPlatform,
            rule: "R2",
        };
    }
    if break_even.is_some_and(|b| input.events_per_month >= b) {
        return containers("R3");
    }
    Decision {
        recommendation: Recommendation::ServerlessWebhook,
        rule: "R4",
    }
}

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

/// Cost figures at the stated volume.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostSummary {
    pub events_per_month: u64,
    pub serverless_usd: f64,
    pub fargate_usd: f64,
    pub eks_usd: f64,
    pub break_even_fargate: Option<u64>,
    pub break_even_eks: Option<u64>,
    pub peak_factor: f64,
    pub command: String,
}

/// The result of `scaffold advise`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Advice {
    pub input: AdviseInput,
    pub recommendation: Recommendation,
    pub rule: &'static str,
    pub summary: String,
    pub reasons: Vec<Reason>,
    pub cost: CostSummary,
    pub would_change: Vec<Flip>,
}

fn yes_no(b: bool) -> String {
    if b { "yes".into() } else { "no".into() }
}

fn comparison(prices: &Prices, input: &AdviseInput) -> Result<Comparison> {
    let assumptions = ContainerAssumptions {
        peak_factor: input.traffic.peak_factor(),
        ..Default::default()
    };
    Ok(compare::compare(
        prices,
        &ServerlessInput::default().at(input.events_per_month),
        &assumptions,
    )?)
}

/// Decide, explain each answer, price both sides at the stated volume and list what would flip the answer.
pub fn advise(prices: &Prices, input: &AdviseInput) -> Result<Advice> {
    input.validate()?;
    let cmp = comparison(prices, input)?;
    let decision = decide(input, cmp.break_even_fargate);
    let k8s_ok = input.can_run_kubernetes();
    let money = format::money;
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

    let summary = match decision.rule {
        "R1" if k8s_ok => "The workload needs something functions cannot give, and a platform team can own a cluster.".to_string(),
        "R1" => "The workload needs containers, but nobody would own a cluster: use a managed container platform.".to_string(),
        "R2" => "Compliance asks for isolation you control, and a platform team can provide it.".to_string(),
        "R3" => format!(
            "At {} events a month containers cost less than functions ({} vs {}).",
            format::thousands(input.events_per_month), money(cmp.fargate.total_usd), money(cmp.serverless.total_usd)
        ),
        _ => "Nothing here needs containers, and below the break-even functions cost less and need no one to run them.".to_string(),
    };

    // What would change the answer: every single-answer change, decided by the same rules.
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
    if let Some(b) = cmp.break_even_fargate {
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
            let a = ContainerAssumptions {
                peak_factor: v.traffic.peak_factor(),
                ..Default::default()
            };
            compare::break_even(
                prices,
                compare::Platform::Fargate,
                &ServerlessInput::default(),
                &a,
            )?
        } else {
            cmp.break_even_fargate
        };
        let d = decide(&v, b);
        if d.recommendation != decision.recommendation {
            would_change.push(Flip {
                key,
                answer,
                recommendation: d.recommendation,
                rule: d.rule,
            });
        }
    }

    let cost = CostSummary {
        events_per_month: input.events_per_month,
        serverless_usd: cmp.serverless.total_usd,
        fargate_usd: cmp.fargate.total_usd,
        eks_usd: cmp.eks.total_usd,
        break_even_fargate: cmp.break_even_fargate,
        break_even_eks: cmp.break_even_eks,
        peak_factor: input.traffic.peak_factor(),
        command: format!(
            "scaffold cost compare --events-per-month {} --peak-factor {}",
            input.events_per_month,
            format::plain(input.traffic.peak_factor())
        ),
    };
    Ok(Advice {
        input: input.clone(),
        recommendation: decision.recommendation,
        rule: decision.rule,
        summary,
        reasons,
        cost,
        would_change,
    })
}

/// Picks one yes/no answer out of an input, to flip it.
type Toggle = fn(&mut AdviseInput) -> &mut bool;

/// The plain-text report of `scaffold advise`.
pub fn report(a: &Advice) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let _ = writeln!(out, "Recommendation: {}", a.recommendation.describe());
    let _ = writeln!(out, "Rule {} (docs/advise.md): {}\n", a.rule, a.summary);
    out.push_str("Your answers and what each did:\n");
    for r in &a.reasons {
        let _ = writeln!(
            out,
            "  {:<24} {:<12} {}",
            r.key.replace('_', "-"),
            r.answer,
            r.effect
        );
    }
    let c = &a.cost;
    let _ = writeln!(
        out,
        "\nCost at {} events a month (traffic peaks {}x the average):",
        format::thousands(c.events_per_month),
        format::plain(c.peak_factor)
    );
    format::platform_totals(
        &mut out,
        (34, 12),
        &[
            ("serverless-webhook", c.serverless_usd),
            ("containers on Fargate", c.fargate_usd),
            ("containers on EKS (k8s-platform)", c.eks_usd),
        ],
    );
    out.push_str("  ");
    out.push_str(&format::break_even_sentence(
        "Fargate",
        c.break_even_fargate,
    ));
    out.push_str("  ");
    out.push_str(&format::break_even_sentence("EKS", c.break_even_eks));
    let _ = writeln!(out, "  Details: {}", c.command);
    out.push_str("\nWhat would change the answer:\n");
    if a.would_change.is_empty() {
        out.push_str("  No single changed answer would.\n");
    }
    for f in &a.would_change {
        let _ = writeln!(
            out,
            "  --{} {} -> {} (rule {})",
            f.key.replace('_', "-"),
            f.answer,
            f.recommendation.as_str(),
            f.rule
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> AdviseInput {
        AdviseInput::default()
    }

    fn capable() -> AdviseInput {
        AdviseInput {
            platform_team: true,
            team_size: 40,
            ..base()
        }
    }

    fn rec(input: &AdviseInput, b: Option<u64>) -> (Recommendation, &'static str) {
        let d = decide(input, b);
        (d.recommendation, d.rule)
    }

    use Recommendation::*;

    #[test]
    fn r1_container_needs_go_to_kubernetes_with_a_platform_team() {
        for v in [
            AdviseInput {
                gpu: true,
                ..capable()
            },
            AdviseInput {
                long_lived_connections: true,
                ..capable()
            },
            AdviseInput {
                custom_networking: true,
                ..capable()
            },
            AdviseInput {
                latency_budget_ms: 50,
                ..capable()
            },
        ] {
            assert_eq!(rec(&v, None), (K8sPlatform, "R1"), "{v:?}");
        }
    }

    #[test]
    fn r1_container_needs_without_a_platform_team_go_to_managed_containers() {
        assert_eq!(
            rec(
                &AdviseInput {
                    gpu: true,
                    ..base()
                },
                None
            ),
            (ManagedContainers, "R1")
        );
        // A platform team in a team of 9 cannot own a cluster.
        let thin = AdviseInput {
            long_lived_connections: true,
            platform_team: true,
            team_size: 9,
            ..base()
        };
        assert_eq!(rec(&thin, None), (ManagedContainers, "R1"));
    }

    #[test]
    fn boundaries_of_team_size_and_latency() {
        let at = |team, latency| AdviseInput {
            gpu: false,
            team_size: team,
            latency_budget_ms: latency,
            ..capable()
        };
        assert_eq!(rec(&at(10, 99), None), (K8sPlatform, "R1"));
        assert_eq!(rec(&at(9, 99), None), (ManagedContainers, "R1"));
        assert_eq!(rec(&at(10, 100), None), (ServerlessWebhook, "R4"));
    }

    #[test]
    fn r2_compliance_needs_a_platform_team() {
        assert_eq!(
            rec(
                &AdviseInput {
                    compliance_isolation: true,
                    ..capable()
                },
                None
            ),
            (K8sPlatform, "R2")
        );
        assert_eq!(
            rec(
                &AdviseInput {
                    compliance_isolation: true,
                    ..base()
                },
                None
            ),
            (ServerlessWebhook, "R4")
        );
    }

    #[test]
    fn r3_volume_at_the_break_even_moves_to_containers() {
        let b = Some(35_000_000);
        let at = |n| AdviseInput {
            events_per_month: n,
            ..base()
        };
        assert_eq!(rec(&at(34_999_999), b), (ServerlessWebhook, "R4"));
        assert_eq!(rec(&at(35_000_000), b), (ManagedContainers, "R3"));
        let big = AdviseInput {
            events_per_month: 35_000_000,
            ..capable()
        };
        assert_eq!(rec(&big, b), (K8sPlatform, "R3"));
        assert_eq!(rec(&at(u64::MAX), None), (ServerlessWebhook, "R4"));
    }

    #[test]
    fn r4_is_the_default() {
        assert_eq!(rec(&base(), Some(35_000_000)), (ServerlessWebhook, "R4"));
    }

    #[test]
    fn advice_explains_every_answer_and_lists_flips() {
        let p = Prices::embedded().unwrap();
        let a = advise(&p, &base()).unwrap();
        assert_eq!(a.recommendation, ServerlessWebhook);
        assert_eq!(a.reasons.len(), questions().len());
        let keys: Vec<&str> = a.reasons.iter().map(|r| r.key).collect();
        let question_keys: Vec<String> = questions().into_iter().map(|q| q.key).collect();
        assert_eq!(keys, question_keys);
        // GPU alone flips a small team to managed containers; the break-even volume flips it too.
        assert!(
            a.would_change
                .iter()
                .any(|f| f.key == "gpu" && f.recommendation == ManagedContainers)
        );
        let volume = a
            .would_change
            .iter()
            .find(|f| f.key == "events_per_month")
            .expect("volume flip");
        assert_eq!(volume.rule, "R3");
        let text = report(&a);
        assert!(
            text.starts_with("Recommendation: serverless-webhook"),
            "{text}"
        );
        assert!(text.contains("--gpu yes -> managed-containers"), "{text}");
    }

    #[test]
    fn steady_traffic_breaks_even_sooner_than_bursty() {
        let p = Prices::embedded().unwrap();
        let steady = advise(
            &p,
            &AdviseInput {
                traffic: Traffic::Steady,
                ..base()
            },
        )
        .unwrap();
        let bursty = advise(
            &p,
            &AdviseInput {
                traffic: Traffic::Bursty,
                ..base()
            },
        )
        .unwrap();
        assert!(steady.cost.break_even_fargate.unwrap() < bursty.cost.break_even_fargate.unwrap());
    }

    struct Scripted(Vec<(&'static str, Answer)>, Vec<String>);

    impl Prompter for Scripted {
        fn ask(&mut self, q: &Question, default: Option<&Answer>, _: &Answers) -> Result<Answer> {
            self.1.push(q.key.clone());
            match self.0.iter().position(|(k, _)| *k == q.key) {
                Some(i) => Ok(self.0.remove(i).1),
                None => Ok(default.cloned().expect("every question has a default")),
            }
        }
    }

    fn given(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn answers_come_from_what_is_given_then_the_prompter_or_the_defaults() {
        let g = given(&[
            ("gpu", "true"),
            ("events_per_month", "2M"),
            ("traffic", "bursty"),
        ]);
        let mut p = Scripted(vec![("platform_team", Answer::Bool(true))], vec![]);
        let input = AdviseInput::from_answers(&answers(&g, Some(&mut p)).unwrap()).unwrap();
        assert_eq!(
            p.1.len(),
            questions().len() - 3,
            "only the open questions are asked"
        );
        assert!(!p.1.contains(&"gpu".to_string()));
        assert_eq!(input.traffic, Traffic::Bursty);
        assert_eq!(input.events_per_month, 2_000_000);
        assert!(input.gpu && input.platform_team);
        assert_eq!(input.team_size, AdviseInput::default().team_size);
        let input = AdviseInput::from_answers(&answers(&[], None).unwrap()).unwrap();
        assert_eq!(input, AdviseInput::default());
    }

    #[test]
    fn events_take_the_same_forms_as_any_int_answer() {
        for (text, n) in [
            ("5M", 5_000_000),
            ("2.5M", 2_500_000),
            ("1e6", 1_000_000),
            ("1_000", 1_000),
            ("1,000,000", 1_000_000),
        ] {
            let a = answers(&given(&[("events_per_month", text)]), None).unwrap();
            assert_eq!(
                AdviseInput::from_answers(&a).unwrap().events_per_month,
                n,
                "{text}"
            );
        }
    }

    #[test]
    fn bad_given_answers_name_their_question() {
        for (key, text) in [
            ("team_size", "0"),
            ("events_per_month", "0"),
            ("events_per_month", "2T"),
            ("latency_budget_ms", "700000"),
            ("traffic", "wavy"),
            ("gpu", "maybe"),
        ] {
            let err = answers(&given(&[(key, text)]), None).unwrap_err();
            assert!(
                matches!(&err, Error::InvalidAnswer { key: k, .. } if k == key),
                "{key}={text}: {err}"
            );
            assert!(
                !err.to_string().contains("--"),
                "no flags in the library: {err}"
            );
        }
    }

    #[test]
    fn invalid_answers_are_refused() {
        let p = Prices::embedded().unwrap();
        for bad in [
            AdviseInput {
                team_size: 0,
                ..base()
            },
            AdviseInput {
                latency_budget_ms: 0,
                ..base()
            },
            AdviseInput {
                events_per_month: 0,
                ..base()
            },
            AdviseInput {
                events_per_month: crate::cost::MAX_EVENTS_PER_MONTH + 1,
                ..base()
            },
        ] {
            let err = advise(&p, &bad).unwrap_err();
            assert!(matches!(err, Error::InvalidAnswer { .. }), "{err}");
        }
    }
}
