//! `scaffold` generates complete, linted portfolio projects for platform and cloud-backend engineers.
//!
//! Data flows one way: answers given on the command line, in an answers file or to the wizard become validated
//! [`Answers`]; [`render::plan`] turns a [`Kind`] and answers into a [`Plan`] holding every file in memory; and
//! [`write::write`] stages the plan beside the target and moves it into place. The library never prints and
//! never prompts: the binary owns the terminal.

pub mod advise;
pub mod answers;
pub mod cost;
pub mod error;
pub mod plan;
pub mod render;
pub mod template;
pub mod validate;
pub mod write;

pub use answers::{Answer, Answers, AnswersFile, Given, Prompter};
pub use error::{Error, Result};
pub use plan::Plan;
pub use template::{Catalog, Kind, Source};

/// The version recorded in every project's `.scaffold/answers.toml`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Values computed from the answers that templates may use beside the answers themselves: for the built-in
/// kinds, `cost` holds the cost engine's figures for these answers (a custom kind gets none).
pub fn derived_context(
    kind: &Kind,
    answers: &Answers,
) -> Result<serde_json::Map<String, serde_json::Value>> {
    let mut extra = serde_json::Map::new();
    let cost = cost::template_context(kind.name(), &answers.to_json_map()).map_err(|e| {
        if e.is_invalid_input() {
            Error::Usage(format!("the cost model refused these answers: {e}"))
        } else {
            Error::Template {
                kind: kind.name().to_string(),
                message: format!("computing the cost figures: {e}"),
            }
        }
    })?;
    if let Some(value) = cost {
        extra.insert("cost".into(), value);
    }
    Ok(extra)
}

/// Renders the whole project for `kind` and `answers` into memory.
pub fn build_plan(kind: &Kind, answers: &Answers) -> Result<Plan> {
    let extra = derived_context(kind, answers)?;
    render::plan(kind, answers, extra, VERSION)
}
