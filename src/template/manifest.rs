//! The manifest model: what `templates/<kind>/template.toml` may say, and the checks that make a broken
//! manifest fail when it is loaded rather than halfway through a render.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::answers::Answer;

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
}

/// A rule between answers, checked once both are known: `rule = "min_replicas <= max_replicas"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    pub rule: String,
    /// Why the rule exists, added to the error message.
    #[serde(default)]
    pub message: String,
}

/// A parsed [`Check`] rule: `left op right`, where right is a question key or a whole number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relation {
    pub left: String,
    pub op: String,
    pub right: Operand,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operand {
    Key(String),
    Int(i64),
}

impl Check {
    pub fn parse(&self) -> Result<Relation, String> {
        let parts: Vec<&str> = self.rule.split_whitespace().collect();
        let [left, op, right] = parts[..] else {
            return Err(format!(
                "check `{}` must read `KEY OP KEY` or `KEY OP NUMBER`, e.g. `min_replicas <= max_replicas`",
                self.rule
            ));
        };
        if !["<", "<=", ">", ">=", "==", "!="].contains(&op) {
            return Err(format!(
                "check `{}`: `{op}` is not one of < <= > >= == !=",
                self.rule
            ));
        }
        let right = match right.parse::<i64>() {
            Ok(i) => Operand::Int(i),
            Err(_) => Operand::Key(right.to_string()),
        };
        Ok(Relation {
            left: left.to_string(),
            op: op.to_string(),
            right,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum QuestionType {
    String,
    Bool,
    Int,
    Choice,
}

impl QuestionType {
    pub fn as_str(self) -> &'static str {
        match self {
            QuestionType::String => "string",
            QuestionType::Bool => "bool",
            QuestionType::Int => "int",
            QuestionType::Choice => "choice",
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub value: String,
    #[serde(default)]
    pub label: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub key: String,
    pub prompt: String,
    #[serde(default)]
    pub help: String,
    #[serde(rename = "type")]
    pub kind: QuestionType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Answer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_len: Option<usize>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub path: bool,
    #[serde(default = "yes")]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<i64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<Choice>,
}

fn yes() -> bool {
    true
}

/// A condition on answers: every key must match; a list matches any of its values.
pub type Condition = BTreeMap<String, OneOrMany>;

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(Answer),
    Many(Vec<Answer>),
}

impl OneOrMany {
    pub fn matches(&self, answer: &Answer) -> bool {
        match self {
            OneOrMany::One(v) => v == answer,
            OneOrMany::Many(vs) => vs.contains(answer),
        }
    }

    fn values(&self) -> Vec<&Answer> {
        match self {
            OneOrMany::One(v) => vec![v],
            OneOrMany::Many(vs) => vs.iter().collect(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileRule {
    pub paths: Vec<String>,
    #[serde(default)]
    pub when: Condition,
    #[serde(default)]
    pub unless: Condition,
    pub reason: String,
}

/// The question every kind has: the project name. It becomes a Helm chart and release name, a Kubernetes
/// namespace and an AWS stack name, hence the DNS-1123 label rule and the 40-character cap.
pub fn name_question() -> Question {
    Question {
        key: "name".into(),
        prompt: "Project name".into(),
        help: "A DNS-1123 label: lowercase letters, digits and '-', starting with a letter, at most 40 characters. \
               It names the folder, the chart, the namespace or the stack."
            .into(),
        kind: QuestionType::String,
        default: None,
        pattern: Some(crate::validate::NAME_PATTERN.into()),
        example: Some("payments-api".into()),
        max_len: Some(crate::validate::NAME_MAX_LEN),
        path: true,
        required: true,
        min: None,
        max: None,
        choices: Vec::new(),
    }
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
            if q.key == "name" || q.key == "kind" {
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
                            if let Err(e) = crate::validate::check_type(q, v) {
                                out.push(format!("a [[files]] rule on `{key}`: {e}"));
                            }
                        }
                    }
                    None => {}
                }
            }
            for p in &rule.paths {
                if let Err(e) = crate::render::rule_glob(p) {
                    out.push(format!("a [[files]] path `{p}` is not a valid glob: {e}"));
                }
            }
        }
        out
    }
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
        if !templated && let Err(e) = crate::validate::check_answer(q, d) {
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
    fn unknown_fields_are_refused() {
        assert!(toml::from_str::<Manifest>(&format!("{HEAD}colour = \"blue\"\n")).is_err());
    }
}
