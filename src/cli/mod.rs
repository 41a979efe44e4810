//! The binary side: the clap types, one module per subcommand, the wizard, interrupt handling and every report.
//! `run` parses the command line, runs one command and maps its result to an exit code.

use clap::{CommandFactory, FromArgMatches};
use std::io::IsTerminal;
use std::path::PathBuf;

mod advise;
mod args;
mod cost;
mod failure;
mod interrupt;
mod list;
mod new;
mod report;
mod update;
mod wizard;

use args::{Cli, Command};

use scaffold::Source;
use scaffold::error::exit;

pub fn run() -> i32 {
    report::init_colour();
    interrupt::install_handler();
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // `scaffold cost` has a subcommand per kind with a cost model, so the catalog comes before the parser.
    let priced = match cost::priced_kinds(&argv) {
        Ok(priced) => priced,
        Err(failure) => {
            report::error_text(&failure.message());
            return failure.exit_code();
        }
    };
    let kinds: Vec<String> = scaffold::Catalog::load(&Source::Embedded)
        .map(|c| c.names().iter().map(|n| n.to_string()).collect())
        .unwrap_or_default();
    let priced_names: Vec<String> = priced.iter().map(|k| k.name.clone()).collect();
    let examples = args::examples(&kinds, &priced_names);
    let mut command = cost::with_kinds(Cli::command(), &priced)
        .after_help(examples.clone())
        .mut_subcommand("new", |new| new.after_help(examples));
    let matches = command.clone().get_matches_from(&argv);
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let result = match cli.command {
        Command::New(args) => new::run(args),
        Command::Update(args) => update::run(args),
        Command::List(args) => list::run(args),
        Command::Cost(args) => {
            cost::run_cost(&args, &priced).map(|text| report::emit(&report::fit_to_terminal(&text)))
        }
        Command::Advise(args) => {
            advise::run(&args).map(|text| report::emit(&report::fit_to_terminal(&text)))
        }
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut command, "scaffold", &mut script);
            report::emit(&String::from_utf8_lossy(&script));
            Ok(())
        }
    };
    match result {
        Ok(()) => exit::OK,
        Err(failure::Failure::Lib(scaffold::Error::Interrupted)) => interrupt::end_interrupted(),
        Err(failure) => {
            report::error_text(&failure.message());
            failure.exit_code()
        }
    }
}

pub(crate) fn source(templates: &Option<PathBuf>) -> Source {
    match templates {
        Some(dir) => Source::Dir(dir.clone()),
        None => Source::Embedded,
    }
}

/// The catalog with the user's defaults from their configuration file (`SCAFFOLD_CONFIG`, else
/// `$XDG_CONFIG_HOME/scaffold/config.toml`, else `~/.config/scaffold/config.toml`) applied to every kind.
pub(crate) fn catalog(templates: &Option<PathBuf>) -> Result<scaffold::Catalog, failure::Failure> {
    let mut catalog = scaffold::Catalog::load(&source(templates))?;
    let path = match std::env::var_os("SCAFFOLD_CONFIG").filter(|v| !v.is_empty()) {
        Some(p) => Some(PathBuf::from(p)),
        None => std::env::var_os("XDG_CONFIG_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
            .map(|d| d.join("scaffold/config.toml")),
    };
    if let Some(path) = path
        && let Some(config) = scaffold::answers::config::Config::read(&path)?
    {
        for kind in &mut catalog.kinds {
            config.apply(kind)?;
        }
    }
    Ok(catalog)
}

pub(crate) fn interactive(no_input: bool) -> bool {
    !no_input && std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}
