//! The manifest model: what `templates/<kind>/template.toml` may say, and the checks that make a broken
//! manifest fail when it is loaded rather than halfway through a render.

use serde::Deserialize;
use std::collections::BTreeMap;

use super::question::{QuestionType, check_answer, check_type};
use super::rules::{Check, FileRule, Operand, rule_glob};
use super::{Answer, Question};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub kind: String,
    pub description: String,
    pub when_to_use: String,
    #[serde(default)]
    pub next_steps: Vec<String>,
    #[serde(default)]
    pub questions: Vec<Question>,
    #[serde(default)]
    pub files: Vec<FileRule>,
    #[serde(default)]
    pub checks: Vec<Check>,
    /// The cost model this kind's figures come from, and what feeds its inputs.
    #[serde(default)]
    pub cost: Option<CostSpec>,
    /// Fixed values of the generated system (a function's memory, a pod's CPU request), seen by templates as
    /// `settings.KEY` and by the cost model through its bindings, so each value has one source.
    #[serde(default)]
    pub settings: BTreeMap<String, toml::Value>,
}

/// `[cost]`: which of the engine's cost models prices this kind, and where each of its inputs comes from.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CostSpec {
    /// A model the engine provides, or the name of the one `declared` gives.
    pub model: String,
    /// Model input name -> its source. Inputs left out take the model's defaults.
    #[serde(default)]
    pub inputs: BTreeMap<String, Binding>,
    /// The model itself, when the kind brings its own rather than naming one of the engine's.
    #[serde(default)]
    pub declared: Option<crate::declared::DeclaredModel>,
}

/// Where a cost-model input comes from: an answer, a setting, or a fixed value. An answer binding may `map` each
/// choice of its question to the value the model reads (`{ answer = "gitops", map = { argocd = "argo-cd" } }`).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Binding {
    Answer {
        answer: String,
        #[serde(default)]
        map: BTreeMap<String, toml::Value>,
    },
    Setting {
        setting: String,
    },
    Value(toml::Value),
}

impl Manifest {
    /// Checks the manifest is internally consistent; returns a list of problems.
    pub fn problems(&self, folder: &str) -> Vec<String> {
        let mut out = Vec::new();
        if self.kind != folder {
            out.push(format!(
                "`kind = \"{}\"` must equal the folder name `{folder}`",
                self.kind
            ));
        }
        let key_re = regex::Regex::new("^[a-z][a-z0-9_]*$").expect("static regex");
        let mut seen = std::collections::BTreeSet::new();
        for q in &self.questions {
            if !key_re.is_match(&q.key) {
                out.push(format!(
                    "question key `{}` must be lowercase letters, digits and _",
                    q.key
                ));
            }
            if RESERVED_KEYS.contains(&q.key.as_str()) {
                out.push(format!(
                    "question key `{}` is reserved: the engine provides it",
                    q.key
                ));
            }
            if !seen.insert(q.key.clone()) {
                out.push(format!("question key `{}` appears twice", q.key));
            }
            out.extend(question_problems(q));
        }
        for check in &self.checks {
            match check.parse() {
                Err(e) => out.push(e),
                Ok(rel) => {
                    let mut keys = vec![rel.left.clone()];
                    if let Operand::Key(k) = &rel.right {
                        keys.push(k.clone());
                    }
                    for key in keys {
                        match self.questions.iter().find(|q| q.key == key) {
                            None => out.push(format!(
                                "check `{}` names `{key}`, which is not a question",
                                check.rule
                            )),
                            Some(q)
                                if q.kind != QuestionType::Int
                                    && !["==", "!="].contains(&rel.op.as_str()) =>
                            {
                                out.push(format!(
                                    "check `{}`: `{key}` is not an int, so only == and != apply",
                                    check.rule
                                ))
                            }
                            Some(_) => {}
                        }
                    }
                }
            }
        }
        for rule in &self.files {
            for key in rule.when.keys().chain(rule.unless.keys()) {
                match self.questions.iter().find(|q| &q.key == key) {
                    None if key != "name" => out.push(format!(
                        "a [[files]] rule tests `{key}`, which is not a question"
                    )),
                    Some(q) => {
                        let cond = rule.when.get(key).or_else(|| rule.unless.get(key));
                        for v in cond.map(|c| c.values()).unwrap_or_default() {
                            if let Err(e) = check_type(q, v) {
                                out.push(format!("a [[files]] rule on `{key}`: {e}"));
                            }
                        }
                    }
                    None => {}
                }
            }
            for p in &rule.paths {
                if let Err(e) = rule_glob(p) {
                    out.push(format!("a [[files]] path `{p}` is not a valid glob: {e}"));
                }
            }
        }
        for (key, value) in &self.settings {
            if !key_re.is_match(key) {
                out.push(format!(
                    "setting `{key}` must be lowercase letters, digits and _"
                ));
            }
            if !is_scalar(value) {
                out.push(format!(
                    "setting `{key}` must be a string, a number or a bool"
                ));
            }
        }
        if let Some(cost) = &self.cost {
            out.extend(self.binding_problems(cost));
        }
        out
    }

    /// Each `[cost.inputs]` binding names a question or a setting this manifest has, or is a plain value. Whether
    /// the model and its inputs exist is the cost engine's to say: the manifest does not know its models.
    fn binding_problems(&self, cost: &CostSpec) -> Vec<String> {
        let mut out = Vec::new();
        for (input, binding) in &cost.inputs {
            match binding {
                Binding::Answer { answer, map } => {
                    let Some(q) = self.questions.iter().find(|q| &q.key == answer) else {
                        out.push(format!(
                            "[cost.inputs] `{input}` is bound to the answer `{answer}`, which is not a question"
                        ));
                        continue;
                    };
                    if map.is_empty() {
                        continue;
                    }
                    let choices: Vec<&str> = q.choices.iter().map(|c| c.value.as_str()).collect();
                    for choice in &choices {
                        if !map.contains_key(*choice) {
                            out.push(format!(
                                "[cost.inputs] `{input}` maps the answer `{answer}` but not its choice `{choice}`"
                            ));
                        }
                    }
                    for (key, value) in map {
                        if !choices.contains(&key.as_str()) {
                            out.push(format!(
                                "[cost.inputs] `{input}` maps `{key}`, which is not a choice of `{answer}`"
                            ));
                        }
                        if !is_scalar(value) {
                            out.push(format!(
                                "[cost.inputs] `{input}` maps `{key}` to a table or list: use a string, a number or a bool"
                            ));
                        }
                    }
                }
                Binding::Setting { setting } => {
                    if !self.settings.contains_key(setting) {
                        out.push(format!(
                            "[cost.inputs] `{input}` is bound to the setting `{setting}`, which is not in [settings]"
                        ));
                    }
                }
                Binding::Value(value) if !is_scalar(value) => out.push(format!(
                    "[cost.inputs] `{input}` must be {{ answer = \"KEY\" }}, {{ setting = \"KEY\" }} or a string, a number or a bool"
                )),
                Binding::Value(_) => {}
            }
        }
        out
    }
}

/// Context keys the engine fills itself, so no question may take them.
pub const RESERVED_KEYS: [&str; 4] = ["name", "kind", "settings", "cost"];

fn is_scalar(value: &toml::Value) -> bool {
    matches!(
        value,
        toml::Value::String(_)
            | toml::Value::Integer(_)
            | toml::Value::Float(_)
            | toml::Value::Boolean(_)
    )
}

fn question_problems(q: &Question) -> Vec<String> {
    let mut out = Vec::new();
    let k = &q.key;
    if let Some(p) = &q.pattern {
        if let Err(e) = regex::Regex::new(p) {
            out.push(format!("question `{k}`: pattern does not compile: {e}"));
        }
        if q.kind != QuestionType::String {
            out.push(format!("question `{k}`: `pattern` applies to strings only"));
        }
    }
    if q.kind != QuestionType::String {
        for (set, field) in [
            (q.format.is_some(), "format"),
            (q.multiline, "multiline"),
            (q.pattern_help.is_some(), "pattern_help"),
        ] {
            if set {
                out.push(format!("question `{k}`: `{field}` applies to strings only"));
            }
        }
    }
    if q.pattern.is_some() && q.example.is_none() {
        out.push(format!(
            "question `{k}`: a `pattern` needs an `example`, a valid answer that messages show"
        ));
    }
    if let Some(e) = &q.example
        && q.kind == QuestionType::String
        && let Err(why) = check_answer(q, &Answer::Str(e.clone()))
    {
        out.push(format!("question `{k}`: the example is invalid: {why}"));
    }
    match q.kind {
        QuestionType::Choice if q.choices.is_empty() => {
            out.push(format!("question `{k}`: a choice needs `choices`"))
        }
        QuestionType::Choice => {}
        _ if !q.choices.is_empty() => out.push(format!(
            "question `{k}`: `choices` applies to type choice only"
        )),
        _ => {}
    }
    if (q.min.is_some() || q.max.is_some()) && q.kind != QuestionType::Int {
        out.push(format!(
            "question `{k}`: `min`/`max` apply to type int only"
        ));
    }
    if let Some(d) = &q.default {
        // String defaults may be Handlebars templates; they are checked once rendered.
        let templated = matches!(d, Answer::Str(s) if s.contains("{{"));
        if !templated && let Err(e) = check_answer(q, d) {
            out.push(format!("question `{k}`: the default is invalid: {e}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Manifest {
        toml::from_str(text).unwrap()
    }

    const HEAD: &str = "kind = \"k\"\ndescription = \"d\"\nwhen_to_use = \"w\"\n";

    #[test]
    fn a_consistent_manifest_has_no_problems() {
        let m = parse(&format!(
            "{HEAD}[[questions]]\nkey = \"mode\"\nprompt = \"p\"\ntype = \"choice\"\ndefault = \"a\"\nchoices = [{{ value = \"a\" }}, {{ value = \"b\" }}]\n\
             [[files]]\npaths = [\"x/**\"]\nwhen = {{ mode = \"b\" }}\nreason = \"r\"\n"
        ));
        assert!(m.problems("k").is_empty(), "{:?}", m.problems("k"));
    }

    #[test]
    fn problems_are_found_at_load_time() {
        let m = parse(&format!(
            "{HEAD}[[questions]]\nkey = \"Bad-Key\"\nprompt = \"p\"\ntype = \"int\"\ndefault = \"x\"\npattern = \"(\"\n\
             [[questions]]\nkey = \"name\"\nprompt = \"p\"\ntype = \"string\"\n\
             [[questions]]\nkey = \"c\"\nprompt = \"p\"\ntype = \"choice\"\ndefault = \"z\"\nchoices = [{{ value = \"a\" }}]\n\
             [[files]]\npaths = [\"x\"]\nwhen = {{ missing = true, c = 3 }}\nreason = \"r\"\n"
        ));
        let all = m.problems("other").join("\n");
        for needle in [
            "must equal the folder name",
            "`Bad-Key` must be lowercase",
            "pattern does not compile",
            "`pattern` applies to strings only",
            "`name` is reserved",
            "`z` is not one of: a",
            "tests `missing`, which is not a question",
            "a [[files]] rule on `c`: `3` is not a choice",
        ] {
            assert!(all.contains(needle), "{needle} not in:\n{all}");
        }
    }

    #[test]
    fn checks_must_parse_and_name_int_questions() {
        let m = parse(&format!(
            "{HEAD}[[questions]]\nkey = \"a\"\nprompt = \"p\"\ntype = \"int\"\n\
             [[questions]]\nkey = \"s\"\nprompt = \"p\"\ntype = \"string\"\n\
             [[checks]]\nrule = \"a <= b\"\n[[checks]]\nrule = \"a =< 3\"\n[[checks]]\nrule = \"s < a\"\n\
             [[checks]]\nrule = \"a\"\n[[checks]]\nrule = \"a >= 1\"\n"
        ));
        let all = m.problems("k").join("\n");
        for needle in [
            "names `b`, which is not a question",
            "`=<` is not one of",
            "`s` is not an int",
            "must read `KEY OP KEY`",
        ] {
            assert!(all.contains(needle), "{needle} not in:\n{all}");
        }
        assert_eq!(m.problems("k").len(), 4, "`a >= 1` is fine: {all}");
    }

    #[test]
    fn settings_and_bindings_are_checked_at_load_time() {
        let m = parse(&format!(
            "{HEAD}[[questions]]\nkey = \"events\"\nprompt = \"p\"\ntype = \"int\"\n\
             [[questions]]\nkey = \"settings\"\nprompt = \"p\"\ntype = \"int\"\n\
             [settings]\nmemory_mb = 256\nBad = 1\nlist = [1, 2]\n\
             [cost]\nmodel = \"serverless\"\n[cost.inputs]\nevents_per_month = {{ answer = \"events\" }}\n\
             payload_kb = {{ answer = \"payload\" }}\ningest_memory_mb = {{ setting = \"memory_mb\" }}\n\
             processor_memory_mb = {{ setting = \"memory\" }}\nbatch_size = 10\narch = {{ answr = \"x\" }}\n"
        ));
        let all = m.problems("k").join("\n");
        for needle in [
            "`settings` is reserved",
            "setting `Bad` must be lowercase",
            "setting `list` must be a string, a number or a bool",
            "`payload_kb` is bound to the answer `payload`, which is not a question",
            "`processor_memory_mb` is bound to the setting `memory`, which is not in [settings]",
            "[cost.inputs] `arch` must be",
        ] {
            assert!(all.contains(needle), "{needle} not in:\n{all}");
        }
        assert_eq!(m.problems("k").len(), 6, "{all}");
    }

    #[test]
    fn formats_patterns_and_examples_are_checked_at_load_time() {
        let m = parse(&format!(
            "{HEAD}[[questions]]\nkey = \"n\"\nprompt = \"p\"\ntype = \"int\"\nformat = \"dns-label\"\nmultiline = true\n\
             [[questions]]\nkey = \"team\"\nprompt = \"p\"\ntype = \"string\"\npattern = \"^[a-z]+$\"\n\
             [[questions]]\nkey = \"host\"\nprompt = \"p\"\ntype = \"string\"\nformat = \"hostname\"\nexample = \"localhost\"\n\
             [[questions]]\nkey = \"ok\"\nprompt = \"p\"\ntype = \"string\"\nformat = \"email\"\nrequired = false\n"
        ));
        let all = m.problems("k").join("\n");
        for needle in [
            "question `n`: `format` applies to strings only",
            "question `n`: `multiline` applies to strings only",
            "question `team`: a `pattern` needs an `example`",
            "question `host`: the example is invalid: `localhost` has no '.'",
        ] {
            assert!(all.contains(needle), "{needle} not in:\n{all}");
        }
        assert_eq!(m.problems("k").len(), 4, "{all}");
        let err = toml::from_str::<Manifest>(&format!(
            "{HEAD}[[questions]]\nkey = \"n\"\nprompt = \"p\"\ntype = \"string\"\nformat = \"dns\"\n"
        ))
        .unwrap_err()
        .to_string();
        assert!(err.contains("dns-label"), "the formats are listed: {err}");
    }

    #[test]
    fn unknown_fields_are_refused() {
        assert!(toml::from_str::<Manifest>(&format!("{HEAD}colour = \"blue\"\n")).is_err());
    }
}
