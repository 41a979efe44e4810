//! `scaffold advise`: its flags, and the run. Each flag answers the advisor question of the same name
//! (`--team-size` is `team_size`); on a terminal the wizard asks the questions the flags left open, with the same
//! prompt as any kind's questions, and otherwise they take their defaults.

use std::path::PathBuf;

use clap::Args;
use clap::builder::PossibleValuesParser;

use std::fmt::Write as _;

use scaffold::advise::{self, Advice, AdviseInput, Platform, Recommendation, Traffic};
use scaffold::cost::{Prices, format};
use scaffold::{Catalog, Error, Prompter, Source};

use super::cost::{flags, load_prices, to_json};
use super::failure::{Failure, Outcome};
use super::interactive;
use super::wizard::Wizard;

/// `scaffold advise`: which kind fits a workload, why, what it costs, and what would change the answer.
#[derive(Debug, Args)]
pub struct AdviseArgs {
    #[arg(long, value_parser = traffic_values())]
    pub traffic: Option<String>,
    /// Events (requests) per month: 1000000, 1M, 2.5M.
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub events_per_month: Option<String>,
    /// Holds long-lived connections (WebSockets, streams). `--flag` alone means yes; `--flag false` means no.
    #[arg(long, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    pub long_lived_connections: Option<bool>,
    /// Needs GPUs.
    #[arg(long, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    pub gpu: Option<bool>,
    /// Needs sidecars, a service mesh or its own network policies.
    #[arg(long, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    pub custom_networking: Option<bool>,
    /// Engineers who build and run it.
    #[arg(long, allow_negative_numbers = true)]
    pub team_size: Option<i64>,
    /// A platform team owns clusters.
    #[arg(long, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    pub platform_team: Option<bool>,
    /// Compliance requires isolation you control.
    #[arg(long, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    pub compliance_isolation: Option<bool>,
    /// p99 latency budget in milliseconds.
    #[arg(long, allow_negative_numbers = true)]
    pub latency_budget_ms: Option<i64>,
    /// What running containers costs you a month beyond serverless (people's time, tooling), in USD.
    #[arg(long, allow_negative_numbers = true, value_name = "USD")]
    pub ops_usd_per_month: Option<i64>,
    /// Smallest monthly saving, in USD, worth a move to containers.
    #[arg(long, allow_negative_numbers = true, value_name = "USD")]
    pub min_saving_usd: Option<i64>,
    /// A Kubernetes cluster already runs: price only the nodes the workload adds.
    #[arg(long, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    pub existing_cluster: Option<bool>,
    /// Never ask: unanswered questions take their defaults.
    #[arg(long)]
    pub no_input: bool,
    /// Print machine-readable JSON.
    #[arg(long)]
    pub json: bool,
    /// Use this price table instead of the embedded one.
    #[arg(long, value_name = "FILE")]
    pub prices: Option<PathBuf>,
}

fn traffic_values() -> PossibleValuesParser {
    PossibleValuesParser::new(Traffic::ALL.map(Traffic::as_str))
}

/// The flag that answers the advisor question `key`.
fn flag(key: &str) -> String {
    format!("--{}", key.replace('_', "-"))
}

/// The flags given, as answers keyed by question key, in question order.
fn given(args: &AdviseArgs) -> Vec<(String, String)> {
    let text = |b: Option<bool>| b.map(|b| b.to_string());
    let pairs = [
        ("traffic", args.traffic.clone()),
        ("events_per_month", args.events_per_month.clone()),
        ("long_lived_connections", text(args.long_lived_connections)),
        ("gpu", text(args.gpu)),
        ("custom_networking", text(args.custom_networking)),
        ("team_size", args.team_size.map(|n| n.to_string())),
        ("platform_team", text(args.platform_team)),
        ("compliance_isolation", text(args.compliance_isolation)),
        (
            "latency_budget_ms",
            args.latency_budget_ms.map(|n| n.to_string()),
        ),
        (
            "ops_usd_per_month",
            args.ops_usd_per_month.map(|n| n.to_string()),
        ),
        ("min_saving_usd", args.min_saving_usd.map(|n| n.to_string())),
        ("existing_cluster", text(args.existing_cluster)),
    ];
    let pairs = pairs
        .into_iter()
        .filter_map(|(key, value)| value.map(|v| (key.to_string(), v)))
        .collect::<Vec<_>>();
    let keys: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
    let open = unasked(&keys);
    pairs.into_iter().chain(open).collect()
}

/// The questions only a flag answers: the wizard never asks them, so they take their defaults unless `given`
/// (keys already answered) has them.
const FLAG_ONLY: [&str; 3] = ["ops_usd_per_month", "min_saving_usd", "existing_cluster"];

/// The defaults of the flag-only questions `given` leaves open, as given answers.
fn unasked(given: &[&str]) -> Vec<(String, String)> {
    let d = AdviseInput::default();
    d.answers()
        .into_iter()
        .filter(|(k, _)| FLAG_ONLY.contains(k) && !given.contains(k))
        .map(|(k, a)| {
            let text = match a {
                scaffold::Answer::Bool(b) => b.to_string(),
                scaffold::Answer::Int(n) => n.to_string(),
                other => format!("{other:?}"),
            };
            (k.to_string(), text)
        })
        .collect()
}

/// A library error about an advisor question, in the words of the command line: the flag that answers it.
fn with_flag(e: Error) -> Failure {
    match e {
        Error::InvalidAnswer { key, message } => Failure::InvalidFlag {
            flag: flag(&key),
            message,
        },
        other => other.into(),
    }
}

/// Runs `scaffold advise` and returns what to print.
pub fn run(args: &AdviseArgs) -> Outcome<String> {
    let mut wizard = interactive(args.no_input).then(Wizard::new);
    let answers = advise::answers(
        &given(args),
        wizard.as_mut().map(|w| w as &mut dyn Prompter),
    )
    .map_err(with_flag)?;
    let input = AdviseInput::from_answers(&answers).map_err(with_flag)?;
    let prices = load_prices(args.prices.as_ref())?;
    let catalog = Catalog::load(&Source::Embedded)?;
    let advice = advise::advise(&prices, &catalog, &input).map_err(with_flag)?;
    if args.json {
        let mut value = serde_json::to_value(&advice).expect("advice serialises to JSON");
        value["cost"]["command"] = serde_json::Value::String(compare_command(&advice, &catalog));
        return to_json(&value);
    }
    Ok(report(&advice, &catalog))
}

/// What the wizard's "not sure?" entry found: the kind of the catalog it recommends (if one fits), the answers
/// (carried into that kind's questions) and the report's first line.
pub struct WizardAdvice {
    pub kind: Option<String>,
    pub answers: scaffold::Answers,
    pub recommendation: String,
}

/// The wizard's "not sure?" entry: asks every advisor question (with the count), prints the advice on standard
/// error and returns what it recommends.
pub fn in_wizard(wizard: &mut Wizard, catalog: &Catalog) -> Outcome<WizardAdvice> {
    let questions = advise::questions();
    wizard.begin(
        questions.clone(),
        Vec::new(),
        questions.len() - FLAG_ONLY.len(),
    );
    let answers = advise::answers(&unasked(&[]), Some(wizard as &mut dyn Prompter))?;
    let input = AdviseInput::from_answers(&answers)?;
    let prices = Prices::embedded().map_err(|e| Error::Embedded {
        what: "price table".into(),
        message: e.to_string(),
    })?;
    let advice = advise::advise(&prices, catalog, &input)?;
    let text = report(&advice, catalog);
    eprintln!("\n{text}");
    Ok(WizardAdvice {
        kind: advice.recommendation.kind.clone(),
        answers,
        recommendation: text.lines().next().unwrap_or_default().to_string(),
    })
}

/// What a recommendation means, after `Recommendation:`: the kind to generate (or that no kind fits) and the
/// platform it runs on. GPU workloads get platforms that have GPUs.
fn describe(r: &Recommendation, input: &AdviseInput) -> String {
    let platform = match r.platform {
        Platform::Kubernetes if input.gpu => {
            "run it on a Kubernetes platform your platform team owns, with a GPU node group"
        }
        Platform::Kubernetes => "run it on a Kubernetes platform your platform team owns",
        Platform::Serverless => "API Gateway, Lambda, SQS and DynamoDB",
        Platform::ManagedContainers if input.gpu => {
            "Amazon ECS on EC2 GPU instances (Fargate has no GPUs)"
        }
        Platform::ManagedContainers => {
            "a managed container platform (Amazon ECS on Fargate or ECS Express Mode)"
        }
    };
    format!(
        "{}: {platform}",
        r.kind.as_deref().unwrap_or("neither kind")
    )
}

/// The plain-text report of `scaffold advise`; the cost lines name the kinds of `catalog` that run on each
/// platform.
pub fn report(a: &Advice, catalog: &Catalog) -> String {
    let kind = |p| advise::kind_for(catalog, p).map(|k| k.name());
    let serverless = a.cost.serverless_workload.as_str();
    let eks = match kind(Platform::Kubernetes) {
        Some(k) => format!("containers on EKS ({k})"),
        None => "containers on EKS".to_string(),
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Recommendation: {}",
        describe(&a.recommendation, &a.input)
    );
    let _ = writeln!(out, "Rule {}: {}\n", a.rule, a.summary);
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
            (serverless, c.serverless_usd),
            ("containers on Fargate", c.fargate_usd),
            (&eks, c.eks_usd),
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
    let _ = writeln!(
        out,
        "  Per thousand events: serverless {}, Fargate {}, EKS {}.",
        per_thousand(a.cost.per_thousand_events_usd.serverless),
        per_thousand(a.cost.per_thousand_events_usd.fargate),
        per_thousand(a.cost.per_thousand_events_usd.eks)
    );
    let _ = writeln!(out, "  Details: {}", compare_command(a, catalog));
    out.push_str("\nWhat would change the answer:\n");
    if a.would_change.is_empty() {
        out.push_str("  No single changed answer would.\n");
    }
    for f in &a.would_change {
        let _ = writeln!(
            out,
            "  {} {} -> {} (rule {})",
            flag(f.key),
            f.answer,
            f.recommendation.name(),
            f.rule
        );
    }
    out
}

/// A cost per thousand events, to four decimals of a dollar.
fn per_thousand(usd: f64) -> String {
    format!("${}", format::decimals(usd, 4))
}

/// The `scaffold cost compare` command that shows the advice's comparison in detail: the same workload (the
/// serverless kind's inputs where they differ from the model's), volume, peak and container inputs.
fn compare_command(a: &Advice, catalog: &Catalog) -> String {
    let mut values = advise::Workload::of(catalog)
        .map(|w| w.input.at(a.cost.events_per_month).to_values())
        .unwrap_or_default();
    if values.get("events_per_month").is_none() {
        values.set("events_per_month", a.cost.events_per_month);
    }
    let defaults = scaffold::cost::serverless::ServerlessInput::default().to_values();
    let mut line = format!(
        "scaffold cost compare {} --peak-factor {}",
        flags::command_line(&scaffold::cost::serverless::INPUTS, &values, &defaults),
        format::plain(a.cost.peak_factor)
    );
    if a.cost.ops_usd_per_month > 0.0 {
        let _ = write!(
            line,
            " --ops-usd-per-month {}",
            format::plain(a.cost.ops_usd_per_month)
        );
    }
    if a.cost.existing_cluster {
        line.push_str(" --existing-cluster true");
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_leads_with_the_recommendation_and_names_flags_in_flips() {
        let p = Prices::embedded().unwrap();
        let catalog = Catalog::load(&Source::Embedded).unwrap();
        let a = advise::advise(&p, &catalog, &AdviseInput::default()).unwrap();
        let text = report(&a, &catalog);
        assert!(
            text.starts_with("Recommendation: serverless-webhook"),
            "{text}"
        );
        assert!(text.contains("--gpu true -> managed-containers"), "{text}");
    }

    #[test]
    fn the_report_names_whichever_kinds_declare_the_platforms() {
        let kind = |name: &str, model: &str| {
            scaffold::Kind {
            manifest: toml::from_str(&format!(
                "kind = \"{name}\"\ndescription = \"d\"\nwhen_to_use = \"w\"\n[cost]\nmodel = \"{model}\"\n"
            ))
            .unwrap(),
            files: Vec::new(),
            presets: Vec::new(),
        }
        };
        let catalog = Catalog {
            kinds: vec![kind("cluster", "kubernetes"), kind("hooks", "serverless")],
        };
        let p = Prices::embedded().unwrap();
        let a = advise::advise(&p, &catalog, &AdviseInput::default()).unwrap();
        let text = report(&a, &catalog);
        assert!(
            text.starts_with("Recommendation: hooks: API Gateway"),
            "{text}"
        );
        assert!(text.contains("\n  hooks  "), "{text}");
        assert!(text.contains("containers on EKS (cluster)"), "{text}");
        let none = Catalog { kinds: Vec::new() };
        let a = advise::advise(&p, &none, &AdviseInput::default()).unwrap();
        assert!(
            report(&a, &none).starts_with("Recommendation: neither kind: API Gateway"),
            "{}",
            report(&a, &none)
        );
        assert_eq!(
            serde_json::to_value(&a).unwrap()["recommendation"],
            "serverless"
        );
    }

    #[test]
    fn every_question_has_its_flag() {
        use clap::CommandFactory;
        let cli = super::super::args::Cli::command();
        let advise = cli.find_subcommand("advise").expect("advise subcommand");
        for q in advise::questions() {
            let long = flag(&q.key);
            assert!(
                advise
                    .get_arguments()
                    .any(|a| a.get_long().map(|l| format!("--{l}")) == Some(long.clone())),
                "no {long} for question `{}`",
                q.key
            );
        }
    }

    /// Every "what would change the answer" line and the "Details" command, run through the real command line as
    /// printed: each parses, and each flip gives the recommendation it promises (`--gpu yes` was printed and
    /// refused).
    #[test]
    fn every_printed_suggestion_is_accepted_as_printed_and_does_what_it_says() {
        use clap::{CommandFactory, FromArgMatches};
        let argv: Vec<std::ffi::OsString> = vec!["scaffold".into(), "cost".into()];
        let kinds = super::super::cost::priced_kinds(&argv).unwrap_or_else(|_| panic!("kinds"));
        let cli = super::super::cost::with_kinds(super::super::args::Cli::command(), &kinds);
        let p = Prices::embedded().unwrap();
        let catalog = Catalog::load(&Source::Embedded).unwrap();
        let base = AdviseInput::default;
        let cases = [
            base(),
            AdviseInput {
                traffic: Traffic::Bursty,
                events_per_month: 110_000_000,
                ..base()
            },
            AdviseInput {
                traffic: Traffic::Steady,
                events_per_month: 40_000_000,
                team_size: 12,
                platform_team: true,
                ..base()
            },
            AdviseInput {
                gpu: true,
                platform_team: true,
                team_size: 12,
                ..base()
            },
            AdviseInput {
                events_per_month: 1_000_000_000,
                ops_usd_per_month: 50,
                existing_cluster: true,
                ..base()
            },
        ];
        let mut checked = 0;
        for input in cases {
            let a = advise::advise(&p, &catalog, &input).unwrap();
            let text = report(&a, &catalog);
            let as_flags = |i: &AdviseInput| -> Vec<String> {
                i.answers()
                    .iter()
                    .map(|(k, v)| {
                        format!(
                            "--{}={}",
                            k.replace('_', "-"),
                            match v {
                                scaffold::Answer::Bool(b) => b.to_string(),
                                scaffold::Answer::Int(n) => n.to_string(),
                                scaffold::Answer::Str(s) => s.clone(),
                            }
                        )
                    })
                    .collect()
            };
            for line in text.lines().map(str::trim) {
                if let Some(cmd) = line.strip_prefix("Details: ") {
                    cli.clone()
                        .try_get_matches_from(cmd.split_whitespace())
                        .unwrap_or_else(|e| panic!("`{cmd}` is refused: {e}"));
                    checked += 1;
                }
                let Some((change, promised)) = line.split_once(" -> ") else {
                    continue;
                };
                let promised = promised.split_whitespace().next().unwrap();
                let mut argv = vec!["scaffold".to_string(), "advise".into(), "--no-input".into()];
                let changed = format!("{}=", change.split_whitespace().next().unwrap());
                argv.extend(
                    as_flags(&input)
                        .into_iter()
                        .filter(|f| !f.starts_with(&changed)),
                );
                argv.extend(change.split_whitespace().map(String::from));
                let matches = cli
                    .clone()
                    .try_get_matches_from(&argv)
                    .unwrap_or_else(|e| panic!("`{change}` is refused: {e}"));
                let args =
                    AdviseArgs::from_arg_matches(matches.subcommand_matches("advise").unwrap())
                        .unwrap();
                let out = run(&args).unwrap_or_else(|_| panic!("`{change}` fails"));
                assert!(
                    out.starts_with(&format!("Recommendation: {promised}"))
                        || (promised == "managed-containers"
                            && out.starts_with("Recommendation: neither kind")),
                    "`{change}` promised {promised}, got {}",
                    out.lines().next().unwrap()
                );
                checked += 1;
            }
        }
        assert!(checked > 10, "only {checked} suggestions checked");
    }

    /// GPU advice named "ECS on Fargate, Cloud Run, App Runner": Fargate has no GPUs, and App Runner has been
    /// closed to new customers since 2026-04-30.
    #[test]
    fn gpu_advice_names_platforms_with_gpus_and_no_advice_names_app_runner() {
        let p = Prices::embedded().unwrap();
        let catalog = Catalog::load(&Source::Embedded).unwrap();
        let gpu = AdviseInput {
            gpu: true,
            ..AdviseInput::default()
        };
        let a = advise::advise(&p, &catalog, &gpu).unwrap();
        let text = report(&a, &catalog);
        let first = text.lines().next().unwrap();
        assert!(first.contains("EC2 GPU instances"), "{first}");
        assert!(
            !first.contains("on Fargate or") && !first.contains("Cloud Run"),
            "{first}"
        );
        for input in [
            gpu,
            AdviseInput::default(),
            AdviseInput {
                long_lived_connections: true,
                ..AdviseInput::default()
            },
            AdviseInput {
                events_per_month: 1_000_000_000,
                ..AdviseInput::default()
            },
        ] {
            let a = advise::advise(&p, &catalog, &input).unwrap();
            let text = report(&a, &catalog);
            assert!(!text.contains("App Runner"), "{text}");
        }
    }
}
