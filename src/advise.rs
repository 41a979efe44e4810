//! `scaffold advise`: which kind fits a workload, and why, with the cost comparison at the stated volume.
//!
//! The rules are a short ordered list (written down in docs/advise.md); the first that matches decides. Every
//! answer gets a sentence saying what it did to the outcome, and the advice lists which single changed answer
//! would flip it, found by re-running the same rules, so the explanation can never drift from the logic.
//!
//! Questions are data ([`questions`]): the binary's wizard asks those the flags left unanswered, fills an
//! [`AdvisePartial`], and calls [`advise`] with the completed [`AdviseInput`].

use serde::Serialize;

use crate::cost::compare::{self, Comparison, ContainerAssumptions};
use crate::cost::serverless::ServerlessInput;
use crate::cost::{Prices, format};
use crate::error::Error;

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

    pub fn parse(text: &str) -> Result<Traffic, Error> {
        Traffic::ALL
            .into_iter()
            .find(|t| t.as_str() == text)
            .ok_or_else(|| {
                invalid(
                    "--traffic",
                    format!("'{text}' is not steady, spiky or bursty"),
                )
            })
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

fn invalid(field: &str, message: String) -> Error {
    Error::InvalidInput {
        field: field.into(),
        message,
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
    pub fn validate(&self) -> Result<(), Error> {
        if self.events_per_month == 0 || self.events_per_month > crate::cost::MAX_EVENTS_PER_MONTH {
            return Err(invalid(
                "--events-per-month",
                "must be between 1 and 10^12 events per month".into(),
            ));
        }
        if self.team_size == 0 || self.team_size > MAX_TEAM_SIZE {
            return Err(invalid(
                "--team-size",
                format!("must be between 1 and {MAX_TEAM_SIZE} engineers"),
            ));
        }
        if self.latency_budget_ms == 0 || self.latency_budget_ms > MAX_LATENCY_MS {
            return Err(invalid(
                "--latency-budget-ms",
                format!("must be between 1 and {MAX_LATENCY_MS} ms"),
            ));
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

/// What kind of answer a question takes.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AnswerKind {
    Choice { choices: Vec<&'static str> },
    Bool,
    Int { min: u64, max: u64 },
}

/// A default answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum AnswerValue {
    Text(&'static str),
    Bool(bool),
    Int(u64),
}

/// One question of `scaffold advise`, for the wizard.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Question {
    /// Also the flag name with `_` as `-`: `team_size` is `--team-size`.
    pub key: &'static str,
    pub prompt: &'static str,
    pub help: &'static str,
    pub kind: AnswerKind,
    pub default: AnswerValue,
}

/// The questions, in the order the wizard asks them.
pub fn questions() -> Vec<Question> {
    let d = AdviseInput::default();
    vec![
        Question {
            key: "traffic",
            prompt: "How does traffic arrive?",
            help: "steady: flat all day; spiky: short peaks a few times the average; bursty: mostly idle, then sudden bursts.",
            kind: AnswerKind::Choice {
                choices: Traffic::ALL.iter().map(|t| t.as_str()).collect(),
            },
            default: AnswerValue::Text(d.traffic.as_str()),
        },
        Question {
            key: "events_per_month",
            prompt: "Events (requests) per month",
            help: "Used for the cost comparison and the break-even. 1M is about 0.4 per second on average.",
            kind: AnswerKind::Int {
                min: 1,
                max: crate::cost::MAX_EVENTS_PER_MONTH,
            },
            default: AnswerValue::Int(d.events_per_month),
        },
        Question {
            key: "long_lived_connections",
            prompt: "Does it hold long-lived connections (WebSockets, streaming, gRPC streams)?",
            help: "Functions stop after 15 minutes and API Gateway HTTP integrations time out after 30 seconds.",
            kind: AnswerKind::Bool,
            default: AnswerValue::Bool(d.long_lived_connections),
        },
        Question {
            key: "gpu",
            prompt: "Does it need GPUs?",
            help: "Lambda offers no GPUs.",
            kind: AnswerKind::Bool,
            default: AnswerValue::Bool(d.gpu),
        },
        Question {
            key: "custom_networking",
            prompt: "Does it need custom networking (sidecars, a service mesh, its own network policies)?",
            help: "These need a container orchestrator.",
            kind: AnswerKind::Bool,
            default: AnswerValue::Bool(d.custom_networking),
        },
        Question {
            key: "team_size",
            prompt: "How many engineers build and run it?",
            help: "Kubernetes pays off when a platform team can own the cluster and the rest ship product.",
            kind: AnswerKind::Int {
                min: 1,
                max: MAX_TEAM_SIZE as u64,
            },
            default: AnswerValue::Int(d.team_size as u64),
        },
        Question {
            key: "platform_team",
            prompt: "Is there a platform team that owns clusters (upgrades, ingress, policy, on-call)?",
            help: "Without one, every product engineer becomes a part-time cluster operator.",
            kind: AnswerKind::Bool,
            default: AnswerValue::Bool(d.platform_team),
        },
        Question {
            key: "compliance_isolation",
            prompt: "Does compliance require workload isolation you control (namespaces, dedicated nodes, network policy)?",
            help: "Answer yes only if an auditor asks for isolation you configure and can show.",
            kind: AnswerKind::Bool,
            default: AnswerValue::Bool(d.compliance_isolation),
        },
        Question {
            key: "latency_budget_ms",
            prompt: "Latency budget for a response, in milliseconds (p99)",
            help: "Below 100 ms, function cold starts do not fit without paying to keep instances warm.",
            kind: AnswerKind::Int {
                min: 1,
                max: MAX_LATENCY_MS as u64,
            },
            default: AnswerValue::Int(d.latency_budget_ms as u64),
        },
    ]
}

/// Answers gathered so far: flags first, then the wizard.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AdvisePartial {
    pub traffic: Option<Traffic>,
    pub events_per_month: Option<u64>,
    pub long_lived_connections: Option<bool>,
    pub gpu: Option<bool>,
    pub custom_networking: Option<bool>,
    pub team_size: Option<u32>,
    pub platform_team: Option<bool>,
    pub compliance_isolation: Option<bool>,
    pub latency_budget_ms: Option<u32>,
}

fn parse_bool(key: &str, text: &str) -> Result<bool, Error> {
    match text.trim().to_ascii_lowercase().as_str() {
        "y" | "yes" | "true" => Ok(true),
        "n" | "no" | "false" => Ok(false),
        _ => Err(invalid(key, format!("'{text}' is not yes or no"))),
    }
}

fn parse_int(key: &str, text: &str, max: u64) -> Result<u64, Error> {
    let value: u64 = text
        .trim()
        .replace('_', "")
        .parse()
        .map_err(|_| invalid(key, format!("'{text}' is not a whole number")))?;
    if value == 0 || value > max {
        return Err(invalid(key, format!("{value} must be between 1 and {max}")));
    }
    Ok(value)
}

impl AdvisePartial {
    /// Keys of the questions still unanswered, in asking order.
    pub fn missing(&self) -> Vec<&'static str> {
        let answered = [
            ("traffic", self.traffic.is_some()),
            ("events_per_month", self.events_per_month.is_some()),
            (
                "long_lived_connections",
                self.long_lived_connections.is_some(),
            ),
            ("gpu", self.gpu.is_some()),
            ("custom_networking", self.custom_networking.is_some()),
            ("team_size", self.team_size.is_some()),
            ("platform_team", self.platform_team.is_some()),
            ("compliance_isolation", self.compliance_isolation.is_some()),
            ("latency_budget_ms", self.latency_budget_ms.is_some()),
        ];
        answered
            .into_iter()
            .filter(|(_, done)| !done)
            .map(|(k, _)| k)
            .collect()
    }

    /// Record a wizard answer given as text (`yes`, `spiky`, `1000000` or `1M` for events).
    pub fn set(&mut self, key: &str, text: &str) -> Result<(), Error> {
        match key {
            "traffic" => self.traffic = Some(Traffic::parse(text.trim())?),
            "events_per_month" => {
                self.events_per_month = Some(crate::cost::parse_events("events_per_month", text)?)
            }
            "long_lived_connections" => self.long_lived_connections = Some(parse_bool(key, text)?),
            "gpu" => self.gpu = Some(parse_bool(key, text)?),
            "custom_networking" => self.custom_networking = Some(parse_bool(key, text)?),
            "team_size" => {
                self.team_size = Some(parse_int(key, text, MAX_TEAM_SIZE as u64)? as u32)
            }
            "platform_team" => self.platform_team = Some(parse_bool(key, text)?),
            "compliance_isolation" => self.compliance_isolation = Some(parse_bool(key, text)?),
            "latency_budget_ms" => {
                self.latency_budget_ms = Some(parse_int(key, text, MAX_LATENCY_MS as u64)? as u32)
            }
            other => {
                return Err(invalid(
                    "question",
                    format!("'{other}' is not an advise question"),
                ));
            }
        }
        Ok(())
    }

    /// Fill every unanswered question with its default (what a non-terminal gets).
    pub fn with_defaults(&self) -> AdviseInput {
        let d = AdviseInput::default();
        AdviseInput {
            traffic: self.traffic.unwrap_or(d.traffic),
            events_per_month: self.events_per_month.unwrap_or(d.events_per_month),
            long_lived_connections: self
                .long_lived_connections
                .unwrap_or(d.long_lived_connections),
            gpu: self.gpu.unwrap_or(d.gpu),
            custom_networking: self.custom_networking.unwrap_or(d.custom_networking),
            team_size: self.team_size.unwrap_or(d.team_size),
            platform_team: self.platform_team.unwrap_or(d.platform_team),
            compliance_isolation: self.compliance_isolation.unwrap_or(d.compliance_isolation),
            latency_budget_ms: self.latency_budget_ms.unwrap_or(d.latency_budget_ms),
        }
    }
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
    /// The price table's billing month, for the per-second rates of the report.
    #[serde(skip)]
    pub hours_per_month: f64,
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

fn comparison(prices: &Prices, input: &AdviseInput) -> Result<Comparison, Error> {
    let assumptions = ContainerAssumptions {
        peak_factor: input.traffic.peak_factor(),
        ..Default::default()
    };
    compare::compare(
        prices,
        &ServerlessInput::default().at(input.events_per_month),
        &assumptions,
    )
}

/// Decide, explain each answer, price both sides at the stated volume and list what would flip the answer.
pub fn advise(prices: &Prices, input: &AdviseInput) -> Result<Advice, Error> {
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
        hours_per_month: prices.hours_per_month,
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
        c.hours_per_month,
    ));
    out.push_str("  ");
    out.push_str(&format::break_even_sentence(
        "EKS",
        c.break_even_eks,
        c.hours_per_month,
    ));
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
        let question_keys: Vec<&str> = questions().iter().map(|q| q.key).collect();
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

    #[test]
    fn partial_answers_fill_from_the_wizard_or_defaults() {
        let mut p = AdvisePartial {
            gpu: Some(true),
            ..Default::default()
        };
        assert_eq!(p.missing().len(), questions().len() - 1);
        p.set("traffic", "bursty").unwrap();
        p.set("events_per_month", "2M").unwrap();
        p.set("platform_team", "yes").unwrap();
        assert!(matches!(
            p.set("team_size", "0").unwrap_err(),
            Error::InvalidInput { .. }
        ));
        assert!(p.set("traffic", "wavy").is_err());
        assert!(p.set("colour", "blue").is_err());
        let input = p.with_defaults();
        assert_eq!(input.traffic, Traffic::Bursty);
        assert_eq!(input.events_per_month, 2_000_000);
        assert!(input.gpu && input.platform_team);
        assert_eq!(input.team_size, AdviseInput::default().team_size);
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
            assert!(matches!(
                advise(&p, &bad).unwrap_err(),
                Error::InvalidInput { .. }
            ));
        }
    }
}
