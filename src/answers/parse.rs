//! Turning text into answers: what is typed at a prompt, given to `--set` or read from an answers file.

use crate::kind::{Answer, Question, QuestionType, check_answer, int_example};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kind::{check_path_segment, name_question};

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
