//! Validation of answers, before anything is rendered or written. Each message says what is wrong and gives
//! a valid example.

use crate::answers::Answer;
use crate::template::{Question, QuestionType};

/// A DNS-1123 label that starts with a letter (so it is also a DNS-1035 label, as Service names need).
pub const NAME_PATTERN: &str = "^[a-z]([-a-z0-9]*[a-z0-9])?$";
/// Helm release plus chart names must fit 63 characters; 40 leaves room for suffixes.
pub const NAME_MAX_LEN: usize = 40;

/// Parses text typed at a prompt or given to `--set` into an answer of the question's type, and checks it.
pub fn parse_answer(q: &Question, raw: &str) -> Result<Answer, String> {
    let answer = match q.kind {
        QuestionType::String | QuestionType::Choice => Answer::Str(raw.to_string()),
        QuestionType::Bool => match raw.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "y" | "on" | "1" => Answer::Bool(true),
            "false" | "no" | "n" | "off" | "0" => Answer::Bool(false),
            _ => return Err(format!("`{raw}` is not a yes/no answer; use true or false")),
        },
        QuestionType::Int => match raw.trim().parse::<i64>() {
            Ok(i) => Answer::Int(i),
            Err(_) => {
                return Err(format!(
                    "`{raw}` is not a whole number; e.g. {}",
                    int_example(q)
                ));
            }
        },
    };
    check_answer(q, &answer)?;
    Ok(answer)
}

/// Converts a value from an answers file, accepting a string for any type (it is parsed as if typed).
pub fn from_toml(q: &Question, value: &toml::Value) -> Result<Answer, String> {
    let answer = match value {
        toml::Value::String(s) => return parse_answer(q, s),
        toml::Value::Boolean(b) => Answer::Bool(*b),
        toml::Value::Integer(i) => Answer::Int(*i),
        other => {
            return Err(format!(
                "a {} is not a valid answer; expected {}",
                other.type_str(),
                match q.kind {
                    QuestionType::Int => "a whole number",
                    QuestionType::Bool => "true or false",
                    QuestionType::String | QuestionType::Choice => "a string",
                }
            ));
        }
    };
    check_answer(q, &answer)?;
    Ok(answer)
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

fn int_example(q: &Question) -> String {
    match (&q.default, q.min) {
        (Some(Answer::Int(d)), _) => d.to_string(),
        (_, Some(m)) => m.to_string(),
        _ => "3".into(),
    }
}

/// Checks the manifest's rules between answers. `candidate` is an answer being typed for `key`, checked
/// against the answers in `known`; rules naming a question not yet answered are left for later. Returns the
/// first broken rule as `(key, message)`.
pub fn check_relations(
    checks: &[crate::template::Check],
    known: &crate::Answers,
    candidate: Option<(&str, &Answer)>,
) -> Result<(), (String, String)> {
    use crate::template::Operand;
    let value = |key: &str| -> Option<Answer> {
        match candidate {
            Some((k, a)) if k == key => Some(a.clone()),
            _ => known.get(key).cloned(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::name_question;

    #[test]
    fn names_follow_dns_1123_and_start_with_a_letter() {
        let q = name_question();
        for ok in ["a", "demo", "payments-api", "a1", "x-1-y"] {
            assert!(parse_answer(&q, ok).is_ok(), "{ok} should pass");
        }
        for bad in [
            "", "1demo", "-demo", "demo-", "Demo", "de_mo", "de.mo", "../x", "a/b", "dé",
        ] {
            let err = parse_answer(&q, bad).unwrap_err();
            assert!(
                err.contains("e.g. `payments-api`") || err.contains("required"),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn names_are_capped_at_40_characters() {
        let q = name_question();
        assert!(parse_answer(&q, &"a".repeat(40)).is_ok());
        let err = parse_answer(&q, &"a".repeat(41)).unwrap_err();
        assert!(err.contains("at most 40"), "{err}");
    }

    #[test]
    fn path_segments_refuse_traversal_and_separators() {
        for bad in ["", ".", "..", "a/b", "/abs", "a\\b"] {
            assert!(check_path_segment(bad).is_err(), "{bad:?}");
        }
        assert!(check_path_segment("docs").is_ok());
    }

    #[test]
    fn ints_and_bools_parse_and_respect_bounds() {
        let mut q = name_question();
        q.kind = QuestionType::Int;
        q.pattern = None;
        q.path = false;
        q.max_len = None;
        q.min = Some(1);
        q.max = Some(10);
        assert_eq!(parse_answer(&q, " 3 "), Ok(Answer::Int(3)));
        assert!(parse_answer(&q, "0").unwrap_err().contains("minimum 1"));
        assert!(parse_answer(&q, "11").unwrap_err().contains("maximum 10"));
        assert!(
            parse_answer(&q, "three")
                .unwrap_err()
                .contains("whole number")
        );
        q.kind = QuestionType::Bool;
        q.min = None;
        q.max = None;
        assert_eq!(parse_answer(&q, "Yes"), Ok(Answer::Bool(true)));
        assert_eq!(parse_answer(&q, "off"), Ok(Answer::Bool(false)));
        assert!(parse_answer(&q, "maybe").is_err());
    }
}
