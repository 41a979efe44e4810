//! `scaffold` generates complete, linted portfolio projects for platform and cloud-backend engineers.
//!
//! Data flows one way, each layer using only those before it:
//!
//! 1. [`kind`]: a kind as data (manifest, questions, rules) loaded from the embedded templates or a folder;
//! 2. [`engine`]: the Handlebars registry and its helpers;
//! 3. [`answers`]: answers from an answers file, `--set` and a [`Prompter`], validated into [`Answers`];
//! 4. [`cost`] and [`advise`]: the figures a kind's cost model computes, and the advisor built on them;
//! 5. [`plan`]: every output file rendered in memory;
//! 6. [`write`]: the plan staged and moved into place.
//!
//! The library never prints and never prompts: the binary owns the terminal.

pub mod advise;
pub mod answers;
pub mod cost;
pub mod engine;
pub mod error;
pub mod kind;
pub mod plan;
pub mod write;

pub use answers::{Answers, AnswersFile, Given, Prompter};
pub use error::{Error, Result};
pub use kind::{Answer, Catalog, Kind, Source};
pub use plan::Plan;

pub use plan::VERSION;

/// Values computed from the answers that templates may use beside the answers themselves: for the built-in
/// kinds, `cost` holds the cost engine's figures for these answers (a custom kind gets none).
pub fn derived_context(
    kind: &Kind,
    answers: &Answers,
) -> Result<serde_json::Map<String, serde_json::Value>> {
    let mut extra = serde_json::Map::new();
    let cost = cost::template_context(kind.name(), &answers.to_json_map()).map_err(|e| {
        if e.is_invalid_input() {
            Error::InvalidAnswer {
                key: "cost model".into(),
                message: e.to_string(),
            }
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

/// Renders the whole project for `kind` and `answers` into memory, with `record` in its `.scaffold/` record.
pub fn build_plan(kind: &Kind, answers: &Answers, record: &plan::Record) -> Result<Plan> {
    let extra = derived_context(kind, answers)?;
    plan::build(kind, answers, extra, record)
}
