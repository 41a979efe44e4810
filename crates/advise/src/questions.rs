//! The advisor's questions, as data: ordinary [`Question`]s settled like a kind's (given answers, then a
//! [`Prompter`] or the defaults), and [`AdviseInput`], the typed answers the rules read.

use serde::Serialize;

use scaffold_answers::{self as answers, Answers, Prompter};
use scaffold_error::{Error, Result};
use scaffold_kind::{Answer, Choice, Question, QuestionType, check_answer};

pub const MAX_TEAM_SIZE: u32 = 100_000;
pub const MAX_LATENCY_MS: u32 = 600_000;
/// Largest monthly amount, in USD, the operations cost and the minimum saving take.
pub const MAX_OPS_USD: u32 = 10_000_000;

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
    /// What running a container platform costs a month beyond serverless (people's time, tooling), in USD.
    pub ops_usd_per_month: u32,
    /// The smallest monthly saving, in USD, worth moving to containers for.
    pub min_saving_usd: u32,
    /// A Kubernetes cluster already runs: only the nodes the workload adds are priced.
    pub existing_cluster: bool,
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
            ops_usd_per_month: 0,
            min_saving_usd: 100,
            existing_cluster: false,
        }
    }
}

impl AdviseInput {
    /// Reads answers to [`questions()`] (as [`answers()`] settles them), checking each against its question first.
    pub fn from_answers(answers: &Answers) -> Result<AdviseInput> {
        for q in questions() {
            let answer = answers
                .get(&q.key)
                .ok_or_else(|| Error::MissingAnswer { key: q.key.clone() })?;
            check_answer(&q, answer).map_err(|message| Error::InvalidAnswer {
                key: q.key.clone(),
                message,
            })?;
        }
        // Every answer has its question's type and bounds now.
        let flag = |key: &str| matches!(answers.get(key), Some(Answer::Bool(true)));
        let int = |key: &str| match answers.get(key) {
            Some(Answer::Int(i)) => *i,
            _ => 0,
        };
        let traffic = match answers.get("traffic") {
            Some(Answer::Str(s)) => Traffic::from_name(s),
            _ => None,
        }
        .ok_or_else(|| Error::InvalidAnswer {
            key: "traffic".into(),
            message: "expected steady, spiky or bursty".into(),
        })?;
        Ok(AdviseInput {
            traffic,
            events_per_month: u64::try_from(int("events_per_month")).unwrap_or(0),
            long_lived_connections: flag("long_lived_connections"),
            gpu: flag("gpu"),
            custom_networking: flag("custom_networking"),
            team_size: u32::try_from(int("team_size")).unwrap_or(0),
            platform_team: flag("platform_team"),
            compliance_isolation: flag("compliance_isolation"),
            latency_budget_ms: u32::try_from(int("latency_budget_ms")).unwrap_or(0),
            ops_usd_per_month: u32::try_from(int("ops_usd_per_month")).unwrap_or(0),
            min_saving_usd: u32::try_from(int("min_saving_usd")).unwrap_or(0),
            existing_cluster: flag("existing_cluster"),
        })
    }

    /// Each answer under its question's key, in question order.
    pub fn answers(&self) -> [(&'static str, Answer); 12] {
        [
            ("traffic", Answer::Str(self.traffic.as_str().into())),
            (
                "events_per_month",
                Answer::Int(i64::try_from(self.events_per_month).unwrap_or(i64::MAX)),
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
            (
                "ops_usd_per_month",
                Answer::Int(self.ops_usd_per_month.into()),
            ),
            ("min_saving_usd", Answer::Int(self.min_saving_usd.into())),
            ("existing_cluster", Answer::Bool(self.existing_cluster)),
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
}

fn question(key: &str, prompt: &str, help: &str, kind: QuestionType, default: Answer) -> Question {
    Question {
        key: key.into(),
        prompt: prompt.into(),
        help: help.into(),
        kind,
        default: Some(default),
        pattern: None,
        pattern_help: None,
        format: None,
        multiline: false,
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
            scaffold_cost::MAX_EVENTS_PER_MONTH as i64,
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
        Question {
            min: Some(0),
            ..int_question(
                "ops_usd_per_month",
                "What would running containers cost you a month beyond serverless (people's time, tooling), in USD?",
                "Added to each container bill before comparing: the machines are priced, the people are your figure. 0 leaves them out.",
                d.ops_usd_per_month.into(),
                MAX_OPS_USD.into(),
            )
        },
        Question {
            min: Some(0),
            ..int_question(
                "min_saving_usd",
                "Smallest monthly saving, in USD, worth moving to containers for",
                "A move takes work and risk: below this saving, cost keeps serverless.",
                d.min_saving_usd.into(),
                MAX_OPS_USD.into(),
            )
        },
        yes_no_question(
            "existing_cluster",
            "Does a Kubernetes cluster already run that this could join?",
            "Then only the nodes the workload adds are priced, not a control plane or a floor of nodes.",
            d.existing_cluster,
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn the_input_and_the_questions_have_the_same_keys_in_the_same_order() {
        let keys: Vec<String> = questions().into_iter().map(|q| q.key).collect();
        let input = AdviseInput::default();
        let fields: Vec<&str> = input.answers().iter().map(|(k, _)| *k).collect();
        assert_eq!(keys, fields);
        for (q, (_, answer)) in questions().iter().zip(input.answers()) {
            assert_eq!(
                q.default.as_ref(),
                Some(&answer),
                "the default of `{}`",
                q.key
            );
        }
    }

    #[test]
    fn answers_read_into_the_input_are_checked_first() {
        let mut a = answers(&[], None).unwrap();
        a.give("gpu", Answer::Int(3));
        let err = AdviseInput::from_answers(&a).unwrap_err();
        assert!(
            matches!(&err, Error::InvalidAnswer { key, .. } if key == "gpu"),
            "{err}"
        );
        let mut a = answers(&[], None).unwrap();
        a.give("team_size", Answer::Int(-4));
        let err = AdviseInput::from_answers(&a).unwrap_err();
        assert!(
            err.to_string().contains("-4 is below the minimum 1"),
            "{err}"
        );
        let err = AdviseInput::from_answers(&Answers::default()).unwrap_err();
        assert!(matches!(err, Error::MissingAnswer { .. }), "{err}");
    }
}
