//! Questions: what a manifest may ask, and the checks an answer must pass. Each message says what is wrong
//! and gives a valid example.

use serde::{Deserialize, Serialize};

use super::Answer;
use super::format::Format;

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
    /// The pattern in words, shown instead of the regex when an answer does not match it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern_help: Option<String>,
    /// What the answer becomes (`dns-label`, `hostname`, ...), checked by that system's rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<Format>,
    /// A string answer may span lines and hold control characters; every other string is one line.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub multiline: bool,
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
        pattern_help: None,
        format: None,
        multiline: false,
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
        (expected, Answer::Str(s)) => Err(format!("{} is not a {}", quoted(s), expected.as_str())),
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

/// How many characters of an answer a message quotes.
pub const QUOTE_CHARS: usize = 40;

/// An answer as a message quotes it: in backticks, line breaks and control characters escaped, and a long one
/// cut to its first [`QUOTE_CHARS`] characters with its length, so a huge answer is never echoed whole.
pub fn quoted(s: &str) -> String {
    let n = s.chars().count();
    let mut out = String::from("`");
    for c in s.chars().take(QUOTE_CHARS) {
        if breaks_line(c) || c.is_control() {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    if n > QUOTE_CHARS {
        out.push_str(&format!("…` ({n} characters)"));
    } else {
        out.push('`');
    }
    out
}

fn breaks_line(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{b}' | '\u{c}'
    )
}

/// A valid answer to quote in messages: the question's `example`, else its format's, else a plain default.
pub fn example_of(q: &Question) -> Option<String> {
    q.example
        .clone()
        .or_else(|| q.format.map(|f| f.example().to_string()))
        .or_else(|| match &q.default {
            Some(Answer::Str(d)) if !d.is_empty() && !d.contains("{{") => Some(d.clone()),
            _ => None,
        })
}

/// The first line break or control character of a one-line answer, described, with its position.
fn one_line_problem(s: &str) -> Option<String> {
    let (i, c) = s
        .chars()
        .enumerate()
        .find(|&(_, c)| breaks_line(c) || c.is_control())?;
    let what = match c {
        c if breaks_line(c) => "a line break".to_string(),
        '\t' => "a tab".to_string(),
        c => format!("the control character U+{:04X}", c as u32),
    };
    Some(format!("holds {what} at character {}", i + 1))
}

fn check_str(q: &Question, s: &str) -> Result<(), String> {
    let example = example_of(q)
        .map(|e| format!(", e.g. `{e}`"))
        .unwrap_or_default();
    if q.kind == QuestionType::Choice {
        if q.choices.iter().any(|c| c.value == s) {
            return Ok(());
        }
        let values: Vec<&str> = q.choices.iter().map(|c| c.value.as_str()).collect();
        let meant = super::suggest::closest(s, values.iter().copied())
            .map(|c| format!("; did you mean `{c}`?"))
            .unwrap_or_default();
        return Err(format!(
            "{} is not one of: {}{meant}",
            quoted(s),
            values.join(", ")
        ));
    }
    if s.is_empty() {
        return if q.required {
            Err(format!("an answer is required{example}"))
        } else {
            Ok(())
        };
    }
    if !q.multiline
        && let Some(problem) = one_line_problem(s)
    {
        return Err(format!(
            "{} {problem}; this answer is one line of text without control characters{example}",
            quoted(s)
        ));
    }
    if let Some(max) = q.max_len
        && s.chars().count() > max
    {
        return Err(format!(
            "{} is too long: at most {max} characters are allowed{example}",
            quoted(s)
        ));
    }
    if q.path {
        check_path_segment(s).map_err(|m| format!("{m}{example}"))?;
    }
    if let Some(f) = q.format
        && let Some(problem) = f.problem(s)
    {
        return Err(format!("{} {problem}: {}{example}", quoted(s), f.rule()));
    }
    if let Some(p) = &q.pattern {
        let re =
            regex::Regex::new(p).map_err(|e| format!("the question's pattern is broken: {e}"))?;
        if !re.is_match(s) {
            return Err(if q.key == "name" {
                format!(
                    "{} is not a valid name: use lowercase letters, digits and '-', start with a letter and \
                     end with a letter or digit (it becomes a chart, namespace and stack name){example}",
                    quoted(s)
                )
            } else {
                let rule = q
                    .pattern_help
                    .as_deref()
                    .map(|h| format!(": {h}"))
                    .unwrap_or_else(|| ": it does not have the form this question needs".into());
                format!("{} is not accepted{rule}{example}", quoted(s))
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
        return Err(format!("{} cannot be used as a path part", quoted(s)));
    }
    if s.contains('/') || s.contains('\\') {
        return Err(format!(
            "{} holds a path separator; use a single folder name",
            quoted(s)
        ));
    }
    if s.contains('\0') {
        return Err("a path part cannot hold a NUL byte".into());
    }
    if let Some(vcs) = version_control(s) {
        return Err(format!(
            "{} is {vcs}'s own folder: a generated project never holds it (its hooks and configuration \
             would run code)",
            quoted(s)
        ));
    }
    Ok(())
}

/// The version-control system whose metadata folder (or link file) `segment` names, compared without case
/// (`.GIT` is `.git` on a case-insensitive file system).
pub fn version_control(segment: &str) -> Option<&'static str> {
    const VCS: [(&str, &str); 7] = [
        (".git", "git"),
        (".hg", "Mercurial"),
        (".svn", "Subversion"),
        (".bzr", "Bazaar"),
        ("_darcs", "Darcs"),
        ("CVS", "CVS"),
        (".jj", "Jujutsu"),
    ];
    VCS.iter()
        .find(|(name, _)| segment.eq_ignore_ascii_case(name))
        .map(|(_, vcs)| *vcs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn string_question() -> Question {
        let mut q = name_question();
        q.key = "description".into();
        q.pattern = None;
        q.path = false;
        q.max_len = None;
        q.example = Some("A service".into());
        q
    }

    #[test]
    fn messages_quote_a_short_prefix_of_a_long_answer_with_its_length() {
        assert_eq!(quoted("short"), "`short`");
        let long = "é".repeat(1_000_000);
        assert_eq!(
            quoted(&long),
            format!("`{}…` (1000000 characters)", "é".repeat(QUOTE_CHARS))
        );
        assert_eq!(quoted("a\nb\u{1b}"), "`a\\nb\\u{1b}`");
    }

    #[test]
    fn one_line_strings_refuse_breaks_and_control_characters_unless_multiline() {
        let mut q = string_question();
        for bad in [
            "a\nb",
            "a\rb",
            "a\tb",
            "a\u{0}",
            "a\u{7f}",
            "a\u{85}",
            "a\u{9b}",
            "a\u{2029}",
        ] {
            let err = check_answer(&q, &Answer::Str(bad.into())).unwrap_err();
            assert!(err.contains("one line of text"), "{bad:?}: {err}");
            assert!(err.ends_with("e.g. `A service`"), "{err}");
        }
        for fine in ["plain ünï 日本語", "zero\u{200b}width", "nonchar \u{fffe}"] {
            assert_eq!(
                check_answer(&q, &Answer::Str(fine.into())),
                Ok(()),
                "{fine:?}"
            );
        }
        q.multiline = true;
        assert_eq!(check_answer(&q, &Answer::Str("a\nb\tc".into())), Ok(()));
    }

    #[test]
    fn a_format_error_describes_the_rule_and_gives_the_format_example() {
        let mut q = string_question();
        q.example = None;
        q.format = Some(Format::DnsLabel);
        let err = check_answer(&q, &Answer::Str("team-".into())).unwrap_err();
        assert_eq!(
            err,
            "`team-` ends with '-': a DNS-1123 label is at most 63 lowercase letters, digits and '-', starting \
             and ending with a letter or digit, e.g. `platform`"
        );
    }
}
