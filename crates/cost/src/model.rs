//! The cost models, and a kind's bindings to one of them.
//!
//! A model is Rust code named for what it prices. A kind picks one in `template.toml` and says where each input
//! it cares about comes from; every other input keeps the model's default:
//!
//! ```toml
//! [cost]
//! model = "serverless"
//!
//! [cost.inputs]
//! events_per_month = { answer = "events_per_month" }   # the answer to a question
//! ingest_memory_mb = { setting = "function_memory_mb" } # a value of [settings]
//! api = "http"                                          # a fixed value
//! secrets = { answer = "sender", map = { a = 2, b = 1 } } # one value per choice of a question
//! ```
//!
//! So a new kind with a cost model needs no Rust: the engine resolves the bindings for `scaffold new` (against the
//! answers) and for `scaffold cost KIND` (against the questions' defaults, as the command's defaults).

use std::sync::Arc;

use crate::Values;
use crate::containers::ContainerAssumptions;
use crate::declared::Declared;
use crate::prices::Prices;
use crate::unit::{CostContext, CostModel};
use crate::units::built_in;
use scaffold_answers::Answers;
use scaffold_error::{Error, Result};
use scaffold_kind::{Binding, CostSpec, Kind};

/// The names of the engine's built-in models, which a kind can declare with `[cost] model = "..."`.
pub fn names() -> Vec<String> {
    built_in().iter().map(|m| m.name().to_string()).collect()
}

/// The built-in model named `name`.
pub fn named(name: &str) -> Option<Arc<dyn CostModel>> {
    built_in().into_iter().find(|m| m.name() == name)
}

/// The inputs of the container side of `scaffold cost compare`, which is not a kind's model but reads its inputs
/// the same way.
pub fn container_defaults() -> Values {
    ContainerAssumptions::default().to_values()
}

/// The figures of `kind`'s cost model for `answers`, or `None` for a kind without `[cost]`. A value the model
/// refuses is reported against the answer (or setting) it is bound to.
pub fn template_context(kind: &Kind, answers: &Answers) -> Result<Option<CostContext>> {
    let Some(bound) = Bound::of(kind)? else {
        return Ok(None);
    };
    let prices = Prices::embedded()?;
    let values = bound.values(answers);
    bound
        .model
        .context(&prices, &values)
        .map(Some)
        .map_err(|e| bound.blame(e))
}

/// A kind's `[cost]`, checked against the model it names.
#[derive(Debug, Clone)]
pub struct Bound<'k> {
    pub model: Arc<dyn CostModel>,
    kind: &'k Kind,
    spec: &'k CostSpec,
}

impl<'k> Bound<'k> {
    /// The kind's model and bindings; `None` for a kind without `[cost]`. A model the engine does not have, or an
    /// input the model does not read, is a broken kind.
    pub fn of(kind: &'k Kind) -> Result<Option<Bound<'k>>> {
        let Some(spec) = &kind.manifest.cost else {
            return Ok(None);
        };
        let broken = |message: String| Error::Template {
            kind: kind.name().to_string(),
            message,
        };
        let model: Arc<dyn CostModel> = match (named(&spec.model), &spec.declared) {
            (Some(_), Some(_)) => {
                return Err(broken(format!(
                    "template.toml: [cost.declared] declares `{}`, the name of one of the engine's models; give the declared model a name of its own",
                    spec.model
                )));
            }
            (Some(built_in), None) => built_in,
            (None, Some(declared)) => Arc::new(
                Declared::compile(&spec.model, declared)
                    .map_err(|e| broken(format!("template.toml: {e}")))?,
            ),
            (None, None) => {
                return Err(broken(format!(
                    "[cost] model `{}` is not one of the engine's models ({}) and [cost.declared] does not declare it",
                    spec.model,
                    names().join(", ")
                )));
            }
        };
        for input in spec.inputs.keys() {
            if !model.inputs().iter().any(|i| i.name == *input) {
                let known: Vec<&str> = model.inputs().iter().map(|i| i.name.as_ref()).collect();
                return Err(broken(format!(
                    "[cost.inputs] `{input}` is not an input of the model `{}`; its inputs are: {}",
                    model.name(),
                    known.join(", ")
                )));
            }
        }
        Ok(Some(Bound { model, kind, spec }))
    }

    /// The model's name.
    pub fn name(&self) -> &str {
        self.model.name()
    }

    /// Where an input comes from, if the kind binds it.
    pub fn binding(&self, input: &str) -> Option<&'k Binding> {
        self.spec.inputs.get(input)
    }

    /// The inputs for these answers: each binding resolved, the model's defaults for the rest.
    pub fn values(&self, answers: &Answers) -> Values {
        self.resolve(|key| answers.get(key).map(|a| a.to_json()))
    }

    /// The inputs before anything is answered: the questions' defaults, the settings and the fixed values over the
    /// model's defaults. These are the defaults of `scaffold cost KIND`.
    pub fn defaults(&self) -> Values {
        self.resolve(|key| {
            self.kind
                .manifest
                .questions
                .iter()
                .find(|q| q.key == key)
                .and_then(|q| q.default.as_ref())
                .map(|a| a.to_json())
        })
    }

    fn resolve(&self, answer: impl Fn(&str) -> Option<serde_json::Value>) -> Values {
        let mut bound = Values::new();
        for (input, binding) in &self.spec.inputs {
            let value = match binding {
                Binding::Answer { answer: key, map } if map.is_empty() => answer(key),
                Binding::Answer { answer: key, map } => {
                    answer(key).and_then(|given| map.get(&Values::text_of(&given)).map(json))
                }
                Binding::Setting { setting } => self.kind.manifest.settings.get(setting).map(json),
                Binding::Value(value) => Some(json(value)),
            };
            if let Some(value) = value {
                bound.set(input, value);
            }
        }
        self.model.defaults().with(&bound)
    }

    /// A refusal of the model during `scaffold new`, said of what the input is bound to: an answer the user can
    /// change, or the kind itself when the value comes from its settings or manifest.
    pub fn blame(&self, error: Error) -> Error {
        let kind = self.kind.name().to_string();
        match error {
            Error::InvalidInput { field, message } => match self.binding(&field) {
                Some(Binding::Answer { answer, .. }) => Error::InvalidAnswer {
                    key: answer.clone(),
                    message,
                },
                Some(Binding::Setting { setting }) => Error::Template {
                    kind,
                    message: format!(
                        "setting `{setting}`, the cost input `{field}`, is refused by the model: {message}"
                    ),
                },
                _ => Error::Template {
                    kind,
                    message: format!("the cost input `{field}` is refused by the model: {message}"),
                },
            },
            e @ Error::Embedded { .. } => e,
            other => Error::Template {
                kind,
                message: format!("computing the cost figures: {other}"),
            },
        }
    }
}

fn json(value: &toml::Value) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serverless::ServerlessInput;
    use scaffold_answers::{Given, resolve};

    fn kind(extra: &str) -> Kind {
        let text = format!(
            "kind = \"k\"\ndescription = \"d\"\nwhen_to_use = \"w\"\n\
             [[questions]]\nkey = \"memory\"\nprompt = \"p\"\ntype = \"int\"\ndefault = 512\nmin = 1\nmax = 100000\n\
             [settings]\nshare = 0.5\n{extra}"
        );
        Kind {
            manifest: toml::from_str(&text).unwrap(),
            files: Vec::new(),
            presets: Vec::new(),
        }
    }

    fn answers(kind: &Kind, memory: &str) -> Answers {
        let given = Given {
            file: None,
            sets: vec![
                ("name".into(), "x".into()),
                ("memory".into(), memory.into()),
            ],
        };
        resolve(kind, &given, None).unwrap()
    }

    const BINDINGS: &str = "[cost]\nmodel = \"serverless\"\n[cost.inputs]\n\
        ingest_memory_mb = { answer = \"memory\" }\ntracing_sample = { setting = \"share\" }\nbatch_size = 5\n";

    #[test]
    fn a_mapped_binding_takes_the_value_of_the_chosen_answer() {
        let text = "kind = \"k\"\ndescription = \"d\"\nwhen_to_use = \"w\"\n\
             [[questions]]\nkey = \"sender\"\nprompt = \"p\"\ntype = \"choice\"\ndefault = \"a\"\n\
             choices = [{ value = \"a\" }, { value = \"b\" }]\n\
             [cost]\nmodel = \"serverless\"\n[cost.inputs]\nsecrets = { answer = \"sender\", map = { a = 1, b = 2 } }\n";
        let kind = Kind {
            manifest: toml::from_str(text).unwrap(),
            files: Vec::new(),
            presets: Vec::new(),
        };
        assert!(
            kind.manifest.problems("k").is_empty(),
            "{:?}",
            kind.manifest.problems("k")
        );
        let bound = Bound::of(&kind).unwrap().unwrap();
        assert_eq!(bound.defaults().get("secrets"), Some(&serde_json::json!(1)));
        let given = Given {
            file: None,
            sets: vec![("name".into(), "x".into()), ("sender".into(), "b".into())],
        };
        let answers = resolve(&kind, &given, None).unwrap();
        assert_eq!(
            bound.values(&answers).get("secrets"),
            Some(&serde_json::json!(2))
        );
        // A choice without a value is a broken manifest.
        let partial: scaffold_kind::Manifest =
            toml::from_str(&text.replace(", b = 2", "")).unwrap();
        let problems = partial.problems("k");
        assert!(
            problems
                .iter()
                .any(|p| p.contains("maps the answer `sender` but not its choice `b`")),
            "{problems:?}"
        );
    }

    #[test]
    fn every_model_has_a_default_for_each_of_its_inputs() {
        for model in built_in() {
            let defaults = model.defaults();
            let names: Vec<&str> = defaults.iter().map(|(k, _)| k).collect();
            // Serverless write units are derived from the payload unless given, so they have no fixed default.
            let mut inputs: Vec<&str> = model
                .inputs()
                .iter()
                .map(|i| i.name.as_ref())
                .filter(|n| *n != "write_units_per_event")
                .collect();
            inputs.sort();
            assert_eq!(names, inputs, "{}", model.name());
            assert_eq!(
                named(model.name()).map(|m| m.inputs().len()),
                Some(model.inputs().len())
            );
        }
    }

    #[test]
    fn bindings_resolve_to_answers_settings_and_fixed_values() {
        let k = kind(BINDINGS);
        let bound = Bound::of(&k).unwrap().unwrap();
        assert_eq!(bound.name(), "serverless");
        let defaults = bound.defaults();
        assert_eq!(
            defaults.get("ingest_memory_mb"),
            Some(&serde_json::json!(512))
        );
        assert_eq!(
            defaults.get("tracing_sample"),
            Some(&serde_json::json!(0.5))
        );
        assert_eq!(defaults.get("batch_size"), Some(&serde_json::json!(5)));
        assert_eq!(defaults.get("payload_kb"), Some(&serde_json::json!(1.0)));
        let input = ServerlessInput::from_values(&bound.values(&answers(&k, "1024"))).unwrap();
        assert_eq!(
            (
                input.ingest_memory_mb,
                input.batch_size,
                input.tracing_sample
            ),
            (1024, 5, 0.5)
        );
    }

    #[test]
    fn a_refusal_names_the_answer_or_the_setting_it_comes_from() {
        let k = kind(BINDINGS);
        let bound = Bound::of(&k).unwrap().unwrap();
        let err = ServerlessInput::from_values(&bound.values(&answers(&k, "64"))).unwrap_err();
        match bound.blame(err) {
            Error::InvalidAnswer { key, message } => {
                assert_eq!(key, "memory");
                assert!(message.contains("between 128 and 10240"), "{message}");
            }
            other => panic!("{other}"),
        }
        let mut k = kind(
            "[cost]\nmodel = \"serverless\"\n[cost.inputs]\ntracing_sample = { setting = \"share\" }\n",
        );
        k.manifest
            .settings
            .insert("share".into(), toml::Value::Float(2.0));
        let bound = Bound::of(&k).unwrap().unwrap();
        let err = ServerlessInput::from_values(&bound.values(&answers(&k, "1"))).unwrap_err();
        let err = bound.blame(err);
        assert!(matches!(err, Error::Template { .. }), "{err}");
        assert!(err.to_string().contains("setting `share`"), "{err}");
    }

    #[test]
    fn an_unknown_model_or_input_is_a_broken_kind() {
        let err = Bound::of(&kind("[cost]\nmodel = \"mainframe\"\n")).unwrap_err();
        assert!(err.to_string().contains("serverless, kubernetes"), "{err}");
        let err = Bound::of(&kind(
            "[cost]\nmodel = \"kubernetes\"\n[cost.inputs]\nevents_per_month = 1\n",
        ))
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("`events_per_month` is not an input of the model `kubernetes`"),
            "{err}"
        );
        assert!(Bound::of(&kind("")).unwrap().is_none());
    }

    #[test]
    fn a_mapped_answer_binding_gives_the_model_the_mapped_value() {
        let text = "kind = \"k\"\ndescription = \"d\"\nwhen_to_use = \"w\"\n\
             [[questions]]\nkey = \"gitops\"\nprompt = \"p\"\ntype = \"choice\"\ndefault = \"argocd\"\n\
             choices = [{ value = \"argocd\" }, { value = \"none\" }]\n\
             [cost]\nmodel = \"kubernetes\"\n[cost.inputs]\n\
             gitops_addon = { answer = \"gitops\", map = { argocd = \"argo-cd\", none = \"\" } }\n";
        let k = Kind {
            manifest: toml::from_str(text).unwrap(),
            files: Vec::new(),
            presets: Vec::new(),
        };
        assert!(
            k.manifest.problems("k").is_empty(),
            "{:?}",
            k.manifest.problems("k")
        );
        let bound = Bound::of(&k).unwrap().unwrap();
        assert_eq!(
            bound.defaults().get("gitops_addon"),
            Some(&serde_json::json!("argo-cd"))
        );
        let given = Given {
            file: None,
            sets: vec![
                ("name".into(), "x".into()),
                ("gitops".into(), "none".into()),
            ],
        };
        let answers = resolve(&k, &given, None).unwrap();
        assert_eq!(
            bound.values(&answers).get("gitops_addon"),
            Some(&serde_json::json!(""))
        );
        // A map that misses a choice, or names one the question lacks, is a broken manifest.
        let broken: scaffold_kind::Manifest =
            toml::from_str(&text.replace("none = \"\" }", "nonce = \"\" }")).unwrap();
        let problems = broken.problems("k").join("\n");
        assert!(problems.contains("not its choice `none`"), "{problems}");
        assert!(
            problems.contains("`nonce`, which is not a choice"),
            "{problems}"
        );
    }

    #[test]
    fn every_model_lists_what_it_leaves_out_in_the_dated_price_data() {
        let prices = crate::Prices::embedded().unwrap();
        for model in built_in() {
            let list = &prices.not_modelled[model.name()];
            assert!(!list.is_empty(), "{}", model.name());
            assert!(
                list.iter()
                    .all(|c| !c.as_of.is_empty() && !c.source.is_empty())
            );
        }
        // A user's table may leave the lists out: the built-in ones stand. One it gives must be dated.
        let table = crate::prices::EMBEDDED_TABLE;
        let cut = &table[..table.find("\n[[not_modelled.").unwrap() + 1];
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mine.toml");
        std::fs::write(&path, cut).unwrap();
        let mine = crate::Prices::from_file(&path).unwrap();
        assert_eq!(
            mine.not_modelled("serverless"),
            prices.not_modelled("serverless")
        );
        let undated = format!(
            "{cut}[[not_modelled.serverless]]\ntext = \"x\"\nas_of = \"\"\nsource = \"s\"\n"
        );
        let err = crate::Prices::parse(&undated, "t").unwrap_err().to_string();
        assert!(err.contains("not_modelled.serverless[0].as_of"), "{err}");
    }
}
