//! Questions: what a manifest may ask, and the checks an answer must pass. Each message says what is wrong
//! and gives a valid example.

use serde::{Deserialize, Serialize};

use super::Answer;

/// A DNS-1123 label that starts with a letter (so it is also a DNS-1035 label, as Service names need).
pub const NAME_PATTERN: &str = "^[a-z]([-a-z0-9]*[a-z0-9])?$";
/// Helm release plus chart names must fit 63 characters; 40 leaves room for suffixes.
pub const NAME_MAX_LEN: usize = 40;

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
        pattern: Some(NAME_PATTERN.into()),
        example: Some("payments-api".into()),
        max_len: Some(NAME_MAX_LEN),
        path: true,
        required: true,
        min: None,
        max: None,
        choices: Vec::new(),
    }
}

/// Checks only that the answer has the question's type.
pub fn check_type(q: &Question, answer: &Answer) -> Result<(), String> {
    match (q.kind, answer) {
        (QuestionType::String | QuestionType::Choice, Answer::Str(_))
        | (QuestionType::Bool, Answer::Bool(_))
        | (QuestionType::Int, Answer::Int(_)) => Ok(()),
        (expected, got) => Err(format!("`{got}` is not a {}", expected.as_str())),
    }
}

/// Checks an answer of the right type against the question's rules.
pub fn check_answer(q: &Question, answer: &Answer) -> Result<(), String> {
    check_type(q, answer)?;
    match answer {
        Answer::Str(s) => check_str(q, s),
        Answer::Int(i) => check_int(q, *i),
        Answer::Bool(_) => Ok(()),
    }
}

fn check_str(q: &Question, s: &str) -> Result<(), String> {
    let example = q
        .example
        .as_deref()
        .map(|e| format!(", e.g. `{e}`"))
        .unwrap_or_default();
    if q.kind == QuestionType::Choice {
        if q.choices.iter().any(|c| c.value == s) {
            return Ok(());
        }
        let values: Vec<&str> = q.choices.iter().map(|c| c.value.as_str()).collect();
        return Err(format!("`{s}` is not one of: {}", values.join(", ")));
    }
    if s.is_empty() {
        return if q.required {
            Err(format!("an answer is required{example}"))
        } else {
            Ok(())
        };
    }
    if let Some(max) = q.max_len
        && s.chars().count() > max
    {
        return Err(format!(
            "`{s}` is {} characters long; at most {max} are allowed{example}",
            s.chars().count()
        ));
    }
    if q.path {
        check_path_segment(s).map_err(|m| format!("{m}{example}"))?;
    }
    if let Some(p) = &q.pattern {
        let re =
            regex::Regex::new(p).map_err(|e| format!("the question's pattern is broken: {e}"))?;
        if !re.is_match(s) {
            return Err(if q.key == "name" {
                format!(
                    "`{s}` is not a valid name: use lowercase letters, digits and '-', start with a letter and \
                     end with a letter or digit (it becomes a chart, namespace and stack name){example}"
                )
            } else {
                format!("`{s}` does not match {p}{example}")
            });
        }
    }
    Ok(())
}

fn check_int(q: &Question, i: i64) -> Result<(), String> {
    if let Some(min) = q.min
        && i < min
    {
        return Err(format!(
            "{i} is below the minimum {min}; e.g. {}",
            int_example(q)
        ));
    }
    if let Some(max) = q.max
        && i > max
    {
        return Err(format!(
            "{i} is above the maximum {max}; e.g. {}",
            int_example(q)
        ));
    }
    Ok(())
}

pub fn int_example(q: &Question) -> String {
    match (&q.default, q.min) {
        (Some(Answer::Int(d)), _) => d.to_string(),
        (_, Some(m)) => m.to_string(),
        _ => "3".into(),
    }
}

/// Checks the manifest's rules between answers. `candidate` is an answer being typed for `key`, checked
/// against the answers in `known`; rules naming a question not yet answered are left for later. Returns the
/// first broken rule as `(key, message)`.
/// An answer that becomes part of a path: not empty, no separator, not `.` or `..`, not absolute.
pub fn check_path_segment(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Err("a path part cannot be empty".into());
    }
    if s == "." || s == ".." {
        return Err(format!("`{s}` cannot be used as a path part"));
    }
    if s.contains('/') || s.contains('\\') {
        return Err(format!(
            "`{s}` holds a path separator; use a single folder name"
        ));
    }
    if s.contains('\0') {
        return Err("a path part cannot hold a NUL byte".into());
    }
    Ok(())
}
