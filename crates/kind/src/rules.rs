//! Rules a manifest states: `[[files]]` rules that keep or drop paths by the answers, and `[[checks]]` between
//! answers.

use globset::GlobBuilder;
use serde::Deserialize;
use std::collections::BTreeMap;

use super::Answer;

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

    pub(crate) fn values(&self) -> Vec<&Answer> {
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

/// A `[[files]]` path as a glob: `*` stays within a segment, `**` crosses them, and braces are literal so
/// that `{{name}}` in a path matches itself.
pub fn rule_glob(pattern: &str) -> std::result::Result<globset::Glob, globset::Error> {
    let escaped = pattern.replace('{', "[{]").replace('}', "[}]");
    GlobBuilder::new(&escaped).literal_separator(true).build()
}

/// Checks the manifest's rules between answers. `candidate` is an answer being typed for `key`, checked
/// against the answers in `known`; rules naming a question not yet answered are left for later. Returns the
/// first broken rule as `(key, message)`.
pub fn check_relations(
    checks: &[Check],
    known: &dyn Fn(&str) -> Option<Answer>,
    candidate: Option<(&str, &Answer)>,
) -> Result<(), (String, String)> {
    let value = |key: &str| -> Option<Answer> {
        match candidate {
            Some((k, a)) if k == key => Some(a.clone()),
            _ => known(key),
        }
    };
    for check in checks {
        let Ok(rel) = check.parse() else { continue };
        if let Some((k, _)) = candidate
            && rel.left != k
            && rel.right != Operand::Key(k.to_string())
        {
            continue;
        }
        let (Some(left), Some(right)) = (
            value(&rel.left),
            match &rel.right {
                Operand::Int(i) => Some(Answer::Int(*i)),
                Operand::Key(k) => value(k),
            },
        ) else {
            continue;
        };
        let holds = match (&left, &right, rel.op.as_str()) {
            (Answer::Int(a), Answer::Int(b), op) => match op {
                "<" => a < b,
                "<=" => a <= b,
                ">" => a > b,
                ">=" => a >= b,
                "==" => a == b,
                _ => a != b,
            },
            (a, b, "==") => a == b,
            (a, b, _) => a != b,
        };
        if !holds {
            let right_text = match &rel.right {
                Operand::Int(i) => i.to_string(),
                Operand::Key(k) => format!("{k} ({right})"),
            };
            let why = if check.message.is_empty() {
                String::new()
            } else {
                format!(": {}", check.message)
            };
            let key = candidate
                .map(|(k, _)| k.to_string())
                .unwrap_or_else(|| rel.left.clone());
            return Err((
                key,
                format!("{} ({left}) must be {} {right_text}{why}", rel.left, rel.op),
            ));
        }
    }
    Ok(())
}
