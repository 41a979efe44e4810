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
    let embedded = scaffold::Catalog::load(&Source::Embedded).ok();
    let kinds: Vec<String> = embedded
        .iter()
        .flat_map(|c| c.names().into_iter().map(str::to_string))
        .collect();
    let priced_names: Vec<String> = priced.iter().map(|k| k.name.clone()).collect();
    let examples = args::examples(&kinds, &priced_names);
    let command = cost::with_kinds(Cli::command(), &priced)
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
            // The built-in presets are offered as `--preset` values; parsing leaves the check to `new`,
            // which knows the kind and reads `--templates`.
            let presets: std::collections::BTreeSet<String> = embedded
                .iter()
                .flat_map(|c| &c.kinds)
                .flat_map(|k| k.presets.iter().map(|(n, _)| n.clone()))
                .collect();
            let mut command = command.mut_subcommand("new", |new| {
                new.mut_arg("preset", |arg| {
                    arg.value_parser(clap::builder::PossibleValuesParser::new(presets))
                })
            });
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

/// ` --templates PATH`, or nothing for the embedded kinds, with PATH as one shell word: for the record's
/// "generate it again" line and the wizard's "continue with" line.
pub(crate) fn templates_flag(templates: &Option<PathBuf>) -> String {
    templates
        .as_ref()
        .map(|t| format!(" --templates {}", shell_word(&t.to_string_lossy())))
        .unwrap_or_default()
}

/// `text` as one shell word: as it is when it holds only characters no shell reads specially, in single quotes
/// otherwise, and as `$'...'` with escapes when it holds a control character (a newline would end the comment
/// line it is shown in).
pub(crate) fn shell_word(text: &str) -> String {
    let plain = |c: char| c.is_alphanumeric() || "/._-+,:@%=".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        return text.to_string();
    }
    if !text.chars().any(char::is_control) {
        return format!("'{}'", text.replace('\'', r"'\''"));
    }
    let mut out = String::from("$'");
    for c in text.chars() {
        match c {
            '\n' => out.push_str(r"\n"),
            '\t' => out.push_str(r"\t"),
            '\r' => out.push_str(r"\r"),
            '\'' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("\\x{b:02x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// The record's opening comment: how to generate this project again, with the template folder when the kind
/// came from disk.
pub(crate) fn record(templates: &Option<PathBuf>) -> scaffold::plan::Record {
    scaffold::plan::Record {
        comment: vec![
            "Answers this project was generated from. Generate it again with:".into(),
            format!(
                "  scaffold new --answers .scaffold/answers.toml{} -o OTHER_FOLDER",
                templates_flag(templates)
            ),
        ],
        ..Default::default()
    }
}

/// The catalog with the user's defaults from their configuration file (`SCAFFOLD_CONFIG`, else
/// `$XDG_CONFIG_HOME/scaffold/config.toml`, else `~/.config/scaffold/config.toml`) applied to every kind.
pub(crate) fn catalog(templates: &Option<PathBuf>) -> Result<scaffold::Catalog, failure::Failure> {
    let mut catalog = scaffold::load_catalog(&source(templates))?;
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
