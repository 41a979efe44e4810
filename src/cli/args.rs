//! The command line, as clap types. Binary side only: the library has its own types, so a new flag never
//! changes the library's API.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// The examples shown after `--help`, with kind names read from the catalog (kinds are data): `kinds` is every
/// kind in catalog order, `priced` those `scaffold cost` can price.
pub fn examples(kinds: &[String], priced: &[String]) -> String {
    let first = kinds.first().map_or("KIND", String::as_str);
    let mut out = format!(
        "Examples:
  scaffold new                                        ask everything in a wizard (on a terminal)
  scaffold new --kind {first} demo --no-input          the recommended setup, no questions
  scaffold new --kind {first} demo --set KEY=VALUE     answer one question, take the defaults for the rest
  scaffold new --kind {first} demo --dry-run           show the files without writing them
  scaffold new --answers demo/.scaffold/answers.toml -o demo-copy   generate the same project again
  scaffold update                                     bring this project to the current templates (three-way merge)
  scaffold update --set KEY=VALUE --dry-run           what changing an answer would change
  scaffold list                                       kinds and their questions
"
    );
    if let Some(kind) = priced.first() {
        out.push_str(&format!(
            "  scaffold cost {kind} --explain                  what it costs to run, line by line\n"
        ));
    }
    out.push_str(
        "  scaffold cost compare --events-per-month 50M        serverless against containers, with the break-even
  scaffold advise --traffic spiky --events-per-month 2M --team-size 4
",
    );
    if !kinds.is_empty() {
        out.push_str(&format!("\nKinds: {}\n", kinds.join(", ")));
    }
    out.push_str(
        "\nExit codes: 0 ok, 1 error, 2 usage or invalid input,\n  \
         130 SIGINT, 143 SIGTERM, 129 SIGHUP: stopped, nothing was written.\n  \
         `scaffold update`: 1 when conflicts are left to resolve, 2 when the folder is not a project or has \
         uncommitted changes.",
    );
    out
}

#[derive(Debug, Parser)]
#[command(
    name = "scaffold",
    version,
    about = "Generate complete, linted portfolio projects for platform and cloud-backend engineers",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Generate a new project
    New(NewArgs),
    /// Bring a generated project to the current templates or to other answers, merged three ways with git
    Update(UpdateArgs),
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

    /// The kind of project (see `scaffold list`)
    #[arg(short, long)]
    pub kind: Option<String>,

    /// Folder to create [default: ./NAME]
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,

    /// Answer a question, e.g. --set monitoring=none (repeatable)
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub sets: Vec<String>,

    /// Start from one of the kind's built-in answer sets (`scaffold list` names them); --answers and --set
    /// override its answers
    #[arg(long, value_name = "NAME")]
    pub preset: Option<String>,

    /// Read answers from a TOML file, e.g. a project's .scaffold/answers.toml
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,

    /// Never prompt: unanswered questions take their defaults (implied without a terminal)
    #[arg(long)]
    pub no_input: bool,

    /// Show the files that would be written, and those left out, without writing anything; with a kind and a
    /// name, nothing is asked
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

    /// Do not start a git repository with a first commit of the generated files
    #[arg(long)]
    pub no_git: bool,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  scaffold update                            merge the current templates into the project here
  scaffold update shop --set KEY=VALUE       change an answer, re-render and merge
  scaffold update --dry-run                  what would change; nothing is written

The base of the merge is the commit holding the project as last generated (its files match
.scaffold/manifest); without one, the manifest decides and the update says so. See docs/update.md.

Exit codes: 0 merged or nothing to do, 1 conflicts left to resolve (`git merge --abort` undoes the
update), 2 not a scaffold project, uncommitted changes, or invalid input.")]
pub struct UpdateArgs {
    /// The project to update
    #[arg(default_value = ".", value_name = "DIR")]
    pub dir: PathBuf,

    /// Render with the kinds in this folder instead of the built-in templates
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,

    /// Change an answer, e.g. --set ingress=gateway-api (repeatable)
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub sets: Vec<String>,

    /// Take answers from this TOML file over the project's recorded ones
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,

    /// List what would be added, changed, merged, left in conflict and removed; write nothing
    #[arg(long)]
    pub dry_run: bool,

    /// With --dry-run: print the result as JSON
    #[arg(long, requires = "dry_run")]
    pub json: bool,
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
