//! Command-line side of `scaffold cost`: clap types and the functions that turn them into library calls. Each command returns the text (or JSON) to print.
//!
//! `scaffold cost` has one subcommand per kind whose manifest declares a cost model, built at run time from the
//! catalog (the built-in kinds, or `--templates DIR`), with one flag per model input that declares one ([`flags`])
//! whose default is the kind's binding; and `compare`, serverless against containers. The library names a refused input by its
//! model name (`events_per_month`); [`flags::flag_for`] gives the flag that sets it, for the message.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Arg, ArgAction, ArgMatches, Args, Command, FromArgMatches};

use super::failure::Outcome;

pub mod flags;
mod report;

use scaffold::cost::compare::{self, ContainerAssumptions};
use std::sync::Arc;

use scaffold::Error;
use scaffold::cost::model::{self, Bound};
use scaffold::cost::serverless::{self, ServerlessInput};
use scaffold::cost::unit::Request;
use scaffold::cost::{CostModel, Prices, Values};

/// `scaffold cost`: what a generated project costs to run per month, from a dated, sourced price table. Its
/// subcommands are added at run time by [`with_kinds`]; this holds what was parsed.
#[derive(Debug)]
pub struct CostArgs {
    matches: ArgMatches,
}

impl FromArgMatches for CostArgs {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        Ok(CostArgs {
            matches: matches.clone(),
        })
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        self.matches = matches.clone();
        Ok(())
    }
}

impl Args for CostArgs {
    fn augment_args(cmd: Command) -> Command {
        cmd
    }

    fn augment_args_for_update(cmd: Command) -> Command {
        cmd
    }
}

/// A kind `scaffold cost` can price.
#[derive(Debug, Clone)]
pub struct PricedKind {
    pub name: String,
    pub model: Arc<dyn CostModel>,
    /// Every model input: the kind's bindings (questions' defaults, settings, fixed values) over the model's.
    pub defaults: Values,
}

/// The kinds that declare a cost model, from the catalog `scaffold cost` (or a completion script) would use: the
/// built-in kinds, or those of `--templates DIR` when the command line gives one after `cost`. Other commands
/// need none, so nothing is loaded for them.
pub fn priced_kinds(argv: &[OsString]) -> Outcome<Vec<PricedKind>> {
    let command = argv.get(1).and_then(|a| a.to_str());
    if !matches!(command, Some("cost" | "completions")) {
        return Ok(Vec::new());
    }
    let mut templates = None;
    if command == Some("cost") {
        let mut rest = argv[2..].iter();
        while let Some(arg) = rest.next() {
            let text = arg.to_string_lossy();
            if text == "--templates" {
                templates = rest.next().map(PathBuf::from);
            } else if let Some(dir) = text.strip_prefix("--templates=") {
                templates = Some(PathBuf::from(dir));
            }
        }
    }
    let catalog = scaffold::load_catalog(&super::source(&templates))?;
    let mut priced = Vec::new();
    for kind in &catalog.kinds {
        if let Some(bound) = Bound::of(kind)? {
            priced.push(PricedKind {
                name: kind.name().to_string(),
                defaults: bound.defaults(),
                model: bound.model,
            });
        }
    }
    Ok(priced)
}

fn common_args(cmd: Command) -> Command {
    cmd.arg(
        Arg::new("region")
            .long("region")
            .value_name("REGION")
            .help("The AWS region to price. Only a region with a price table is priced: the built-in table's, or the one --prices gives."),
    )
    .arg(
        Arg::new("prices")
            .long("prices")
            .value_name("FILE")
            .value_parser(clap::value_parser!(PathBuf))
            .help("Use this price table (TOML) instead of the built-in one: every price key of the built-in table, with unit, per, usd or tiers, as_of and source; unknown keys are refused."),
    )
    .arg(
        Arg::new("json")
            .long("json")
            .action(ArgAction::SetTrue)
            .help("Print machine-readable JSON."),
    )
    .arg(
        Arg::new("explain")
            .long("explain")
            .action(ArgAction::SetTrue)
            .help("Print how each figure is computed."),
    )
}

/// `cost` with a subcommand per priced kind, and `compare`.
pub fn with_kinds(cli: Command, kinds: &[PricedKind]) -> Command {
    cli.mut_subcommand("cost", |mut cost| {
        for kind in kinds.iter().filter(|k| k.name != "compare") {
            let sub = Command::new(kind.name.clone())
                .about(kind.model.about().to_string())
                .args(flags::args(kind.model.inputs(), &kind.defaults))
                .arg(
                    Arg::new("templates")
                        .long("templates")
                        .value_name("DIR")
                        .value_parser(clap::value_parser!(PathBuf))
                        .help("Price the kind from this folder of kinds instead of the built-in templates."),
                );
            cost = cost.subcommand(common_args(sub));
        }
        let serverless = serverless_without_volume(ServerlessInput::default().to_values());
        let compare = Command::new("compare")
            .about("Serverless against containers for the same workload, and the break-even volume.")
            .args(flags::args(&serverless::INPUTS, &serverless))
            .args(flags::args(
                &compare::INPUTS,
                &model::container_defaults(),
            ));
        cost.subcommand(common_args(compare))
            .subcommand_required(true)
            .arg_required_else_help(true)
    })
}

/// `compare` asks for the volume: the model's default volume is an example, not an answer.
fn serverless_without_volume(defaults: Values) -> Values {
    let mut out = Values::new();
    for (name, value) in defaults.iter().filter(|(n, _)| *n != "events_per_month") {
        out.set(name, value.clone());
    }
    out
}

pub(crate) fn load_prices(path: Option<&PathBuf>) -> Result<Prices, Error> {
    match path {
        Some(p) => Prices::from_file(p),
        None => Prices::embedded(),
    }
}

/// The price table of a cost command: `--prices FILE` or the built-in table, for the region `--region` names (a
/// region without a table is refused).
fn prices_of(sub: &ArgMatches) -> Result<Prices, Error> {
    let region = sub.get_one::<String>("region");
    match (sub.get_one::<PathBuf>("prices"), region) {
        (Some(path), Some(region)) => Prices::from_file(path)?.for_region(region),
        (Some(path), None) => Prices::from_file(path),
        (None, Some(region)) => Prices::embedded_for(region),
        (None, None) => Prices::embedded(),
    }
}

pub(crate) fn to_json(value: &impl serde::Serialize) -> Outcome<String> {
    Ok(serde_json::to_string_pretty(value).expect("reports serialise to JSON") + "\n")
}

/// What the EKS side of a comparison is called: by the kinds that run on the `kubernetes` model, if any.
fn eks_label(kinds: &[PricedKind]) -> String {
    let names: Vec<&str> = kinds
        .iter()
        .filter(|k| k.model.name() == scaffold::cost::kubernetes::NAME)
        .map(|k| k.name.as_str())
        .collect();
    match names.is_empty() {
        true => "containers on EKS".into(),
        false => format!("containers on EKS ({})", names.join(", ")),
    }
}

/// Today's date in UTC, `YYYY-MM-DD`, from the system clock.
pub(crate) fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    civil_day(secs / 86_400)
}

/// The calendar day `days` after 1970-01-01 (Howard Hinnant's days-to-civil algorithm).
fn civil_day(days: u64) -> String {
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Run a `scaffold cost` subcommand and return what to print.
pub fn run_cost(args: &CostArgs, kinds: &[PricedKind]) -> Outcome<String> {
    let Some((name, sub)) = args.matches.subcommand() else {
        unreachable!("clap requires a subcommand of cost");
    };
    let prices = prices_of(sub)?;
    let json = sub.get_flag("json");
    let explain = sub.get_flag("explain");
    if name == "compare" {
        let input = ServerlessInput::from_values(&flags::read(sub, &serverless::INPUTS))?;
        let assumptions = ContainerAssumptions::from_values(&flags::read(sub, &compare::INPUTS))?;
        prices.node(&assumptions.node_type)?;
        let c = compare::compare(&prices, &input, &assumptions)?;
        if json {
            return to_json(&c);
        }
        return Ok(report::compare_report(
            &prices,
            &c,
            &eks_label(kinds),
            explain,
        ));
    }
    let Some(kind) = kinds.iter().find(|k| k.name == name) else {
        unreachable!("clap knows only the priced kinds");
    };
    let given = flags::read(sub, kind.model.inputs());
    let mut values = kind.defaults.clone().with(&given);
    // A day priced is the one the command runs on, unless another is asked for (a kind's pages are priced on the
    // day its manifest names, so that they are reproducible).
    let dated = kind.model.inputs().iter().any(|i| i.name == "priced_on");
    if dated && sub.value_source("priced_on") != Some(clap::parser::ValueSource::CommandLine) {
        values.set("priced_on", today());
    }
    let priced = kind
        .model
        .estimate(&Request {
            kind: &kind.name,
            prices: &prices,
            values,
            defaults: &kind.defaults,
        })
        .map_err(|e| flags::blame(kind.model.inputs(), e))?;
    if json {
        let mut object = priced.json;
        if let Some((values, defaults)) = &priced.command {
            let line = flags::command_line(kind.model.inputs(), values, defaults);
            object.insert(
                "command".into(),
                format!("scaffold cost {} {line}", kind.name).into(),
            );
        }
        return to_json(&object);
    }
    Ok(report::estimate_report(&priced.report, explain))
}

#[cfg(test)]
mod tests {
    #[test]
    fn days_since_1970_are_calendar_days() {
        // 1970-01-01 is day 0; 2000-03-01 is day 11,017 (30 years x 365 + 7 leap days + 59 days of 2000);
        // 2026-12-06 is day 20,793 (56 years x 365 = 20,440 + 14 leap days + 339 days into 2026).
        assert_eq!(super::civil_day(0), "1970-01-01");
        assert_eq!(super::civil_day(11_017), "2000-03-01");
        assert_eq!(super::civil_day(20_793), "2026-12-06");
        assert_eq!(super::today().len(), 10);
    }
}
