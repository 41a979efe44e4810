//! The command line, as clap types. Binary side only: the library has its own types, so a new flag never
//! changes the library's API.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

const EXAMPLES: &str = "\
Examples:
  scaffold new                                        ask everything in a wizard (on a terminal)
  scaffold new --kind k8s-platform shop --no-input     the recommended setup, no questions
  scaffold new --kind serverless-webhook hooks --set signature=stripe --set ci=gitlab-ci
  scaffold new --kind k8s-platform shop --dry-run      show the files without writing them
  scaffold new --answers shop/.scaffold/answers.toml -o shop-copy   generate the same project again
  scaffold list                                       kinds and their questions
  scaffold cost serverless-webhook --events-per-month 5M --explain
  scaffold cost compare --events-per-month 50M        serverless against containers, with the break-even
  scaffold advise --traffic spiky --events-per-month 2M --team-size 4

Exit codes: 0 ok, 1 error, 2 usage or invalid input, 130 interrupted.";

#[derive(Debug, Parser)]
#[command(
    name = "scaffold",
    version,
    about = "Generate complete, linted portfolio projects for platform and cloud-backend engineers",
    after_help = EXAMPLES,
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Generate a new project
    #[command(after_help = EXAMPLES)]
    New(NewArgs),
    /// List the kinds, what they generate and their questions
    List(ListArgs),
    /// What a project costs to run per month, and where serverless and containers break even
    Cost(super::cost::CostArgs),
    /// Which kind fits a workload, why, what it costs, and what would change the answer
    Advise(super::advise::AdviseArgs),
    /// Print a shell completion script, e.g. `scaffold completions bash > /etc/bash_completion.d/scaffold`
    Completions {
        /// The shell to complete for
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// Project name: a DNS-1123 label starting with a letter, at most 40 characters
    pub name: Option<String>,

    /// The kind of project: k8s-platform or serverless-webhook (see `scaffold list`)
    #[arg(short, long)]
    pub kind: Option<String>,

    /// Folder to create [default: ./NAME]
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,

    /// Answer a question, e.g. --set monitoring=none (repeatable)
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub sets: Vec<String>,

    /// Read answers from a TOML file, e.g. a project's .scaffold/answers.toml
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,

    /// Never prompt: unanswered questions take their defaults (implied without a terminal)
    #[arg(long)]
    pub no_input: bool,

    /// Show the files that would be written, and those left out, without writing anything
    #[arg(long)]
    pub dry_run: bool,

    /// With --dry-run: print the plan as JSON
    #[arg(long, requires = "dry_run")]
    pub json: bool,

    /// Render kinds from this folder instead of the built-in templates
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,

    /// Write into an existing folder, as long as no existing file would be overwritten
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Print as JSON
    #[arg(long)]
    pub json: bool,

    /// List the kinds in this folder instead of the built-in templates
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
