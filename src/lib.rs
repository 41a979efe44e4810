//! `scaffold` generates complete, linted portfolio projects for platform and cloud-backend engineers.
//!
//! This crate is the facade: each layer of the library is a crate of its own (`crates/<layer>/`, depending only
//! on the layers before it; docs/architecture.md, "Layers", has the table), re-exported here under its short name.
//! Data flows one way:
//!
//! 1. [`error`]: the one error type;
//! 2. [`kind`]: a kind as data (manifest, questions, rules) loaded from the embedded templates or a folder;
//! 3. [`engine`]: the Handlebars registry and its helpers;
//! 4. [`answers`]: answers from an answers file, `--set` and a [`Prompter`], validated into [`Answers`];
//! 5. [`cost`]: the figures a kind's cost model computes from its manifest and answers, without the engine;
//! 6. [`advise`]: the advisor built on those figures;
//! 7. [`plan`]: every output file rendered in memory;
//! 8. [`write`]: the plan staged and moved into place, knowing only the plan;
//! 9. [`lifecycle`]: the project's git history and `scaffold update`.
//!
//! The library never prints and never prompts: the binary owns the terminal.

pub use scaffold_advise as advise;
pub use scaffold_answers as answers;
pub use scaffold_cost as cost;
pub use scaffold_engine as engine;
pub use scaffold_error as error;
pub use scaffold_kind as kind;
pub use scaffold_lifecycle as lifecycle;
pub use scaffold_plan as plan;
pub use scaffold_write as write;

pub use answers::{Answers, AnswersFile, Given, Prompter};
pub use error::{Error, Result};
pub use kind::{Answer, Catalog, Kind, Source};
pub use plan::Plan;

pub use plan::VERSION;

/// The kinds of `source`, each one's cost model checked as the catalog loads. The kind layer knows nothing of
/// cost, so it cannot check a `[cost.declared]` model; without this a broken one would be listed by `scaffold list`
/// and refused only when the kind is priced or generated. The error is the one pricing it gives.
pub fn load_catalog(source: &Source) -> Result<Catalog> {
    let catalog = Catalog::load(source)?;
    for kind in &catalog.kinds {
        cost::model::Bound::of(kind)?;
    }
    Ok(catalog)
}

/// What the engine adds to a template context beside the answers, `name` and `kind`. docs/templates.md lists
/// every key a template can use.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Derived {
    /// The manifest's `[settings]`, as written: fixed values of the generated system (a function's memory, a
    /// pod's CPU request), so the files that set them and the cost figures that read them share one source.
    pub settings: std::collections::BTreeMap<String, toml::Value>,
    /// The figures of the kind's cost model for these answers; absent for a kind without `[cost]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost: Option<cost::context::CostContext>,
}

/// The values templates may use beside the answers, read from the manifest: `settings` for every kind, and
/// `cost` for a kind that declares a cost model.
pub fn derived_context(
    kind: &Kind,
    answers: &Answers,
) -> Result<serde_json::Map<String, serde_json::Value>> {
    Derived::of(kind, answers)?.into_map(kind)
}

impl Derived {
    fn of(kind: &Kind, answers: &Answers) -> Result<Derived> {
        Ok(Derived {
            settings: kind.manifest.settings.clone(),
            cost: cost::template_context(kind, answers)?,
        })
    }

    fn into_map(self, kind: &Kind) -> Result<serde_json::Map<String, serde_json::Value>> {
        match serde_json::to_value(&self) {
            Ok(serde_json::Value::Object(map)) => Ok(map),
            _ => Err(Error::Template {
                kind: kind.name().to_string(),
                message: "its settings cannot be given to templates".into(),
            }),
        }
    }
}

/// Renders the whole project for `kind` and `answers` into memory, with `record` in its `.scaffold/` record.
pub fn build_plan(kind: &Kind, answers: &Answers, record: &plan::Record) -> Result<Plan> {
    let derived = Derived::of(kind, answers)?;
    let warnings = derived
        .cost
        .as_ref()
        .map(|c| c.warnings())
        .unwrap_or_default();
    let mut plan = plan::build(kind, answers, derived.into_map(kind)?, record)?;
    plan.warnings = warnings;
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;
    use answers::{Given, resolve};

    fn kind(extra: &str) -> Kind {
        let text = format!("kind = \"k\"\ndescription = \"d\"\nwhen_to_use = \"w\"\n{extra}");
        Kind {
            manifest: toml::from_str(&text).unwrap(),
            files: Vec::new(),
            presets: Vec::new(),
        }
    }

    fn context_of(kind: &Kind) -> serde_json::Map<String, serde_json::Value> {
        let given = Given {
            file: None,
            sets: vec![("name".into(), "x".into())],
        };
        derived_context(kind, &resolve(kind, &given, None).unwrap()).unwrap()
    }

    #[test]
    fn every_kind_gets_its_settings_and_only_a_priced_one_gets_cost() {
        let plain = context_of(&kind("[settings]\nmemory_mb = 512\n"));
        assert_eq!(plain["settings"]["memory_mb"], 512);
        assert!(!plain.contains_key("cost"));
        assert_eq!(context_of(&kind("")).len(), 1);
        let priced = context_of(&kind(
            "[settings]\nmemory_mb = 512\n[cost]\nmodel = \"serverless\"\n\
             [cost.inputs]\ningest_memory_mb = { setting = \"memory_mb\" }\n",
        ));
        assert_eq!(priced["cost"]["workload"]["ingest_memory_mb"], 512);
        assert_eq!(priced["cost"]["differs"]["ingest_memory_mb"], true);
    }
}
