//! The binary side: the clap types, one module per subcommand, the wizard, interrupt handling and every report.
//! `run` parses the command line, runs one command and maps its result to an exit code.

use clap::{CommandFactory, Parser};
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
mod wizard;

use args::{Cli, Command};

use scaffold::Source;
use scaffold::error::exit;

pub fn run() -> i32 {
    report::init_colour();
    interrupt::install_handler();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::New(args) => new::run(args),
        Command::List(args) => list::run(args),
        Command::Cost(args) => cost::run_cost(&args).map(|text| report::emit(&text)),
        Command::Advise(args) => advise::run(&args).map(|text| report::emit(&text)),
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "scaffold", &mut script);
            report::emit(&String::from_utf8_lossy(&script));
            Ok(())
        }
    };
    match result {
        Ok(()) => exit::OK,
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

pub(crate) fn interactive(no_input: bool) -> bool {
    !no_input && std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}
