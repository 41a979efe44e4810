use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cost_cli;

/// Generate portfolio projects for platform and cloud-backend engineers.
#[derive(Debug, Parser)]
#[command(name = "scaffold", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// What a project costs to run per month.
    Cost(cost_cli::CostArgs),
    /// Which kind fits a workload, and why.
    Advise(cost_cli::AdviseArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Cost(args) => cost_cli::run_cost(args),
        Command::Advise(args) => cost_cli::run_advise(args),
    };
    match result {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(cost_cli::exit_code(&err) as u8)
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn cli_definition_is_consistent() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
