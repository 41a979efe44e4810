//! The binary side: the clap types, one module per subcommand, the wizard, interrupt handling and every report.
//! `run` parses the command line, runs one command and maps its result to an exit code.

use clap::{CommandFactory, Parser};
use std::io::IsTerminal;
use std::path::PathBuf;

mod args;
mod cost;
mod interrupt;
mod list;
mod new;
mod report;
mod wizard;

use args::{Cli, Command};

use scaffold::error::exit;
use scaffold::{Error, Source};

pub fn run() -> i32 {
    report::init_colour();
    interrupt::install_handler();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::New(args) => new::run(args),
        Command::List(args) => list::run(args),
        Command::Cost(args) => return print_or_fail(cost::run_cost(&args)),
        Command::Advise(args) => return print_or_fail(advise(&args)),
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "scaffold", &mut script);
            report::emit(&String::from_utf8_lossy(&script));
            Ok(())
        }
    };
    match result {
        Ok(()) => exit::OK,
        Err(e) => {
            report::error(&e);
            e.exit_code()
        }
    }
}

/// The cost commands report with anyhow errors; invalid input exits 2, anything else 1.
fn print_or_fail(result: anyhow::Result<String>) -> i32 {
    match result {
        Ok(text) => {
            report::emit(&text);
            exit::OK
        }
        Err(e) => {
            report::error_text(&format!("{e:#}"));
            match e.downcast_ref::<Error>() {
                Some(Error::Interrupted) => exit::INTERRUPTED,
                Some(other) => other.exit_code(),
                None => cost::exit_code(&e),
            }
        }
    }
}

/// `scaffold advise`: flags answer what they name; on a terminal the wizard asks the rest.
fn advise(args: &cost::AdviseArgs) -> anyhow::Result<String> {
    let mut partial = cost::advise_answers(args)?;
    if interactive(args.no_input) {
        wizard::Wizard::new().ask_advise(&mut partial)?;
    }
    cost::run_advise_input(args, &partial.with_defaults())
}

pub(crate) fn source(templates: &Option<PathBuf>) -> Source {
    match templates {
        Some(dir) => Source::Dir(dir.clone()),
        None => Source::Embedded,
    }
}

pub(crate) fn interactive(no_input: bool) -> bool {
    !no_input && std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}
