//! Turning text into answers: what is typed at a prompt, given to `--set` or read from an answers file.
//! Each question type has exactly one parser here, so a prompt, `--set`, an answers file and the advisor's
//! questions accept the same forms.

use scaffold_kind::{Answer, Question, QuestionType, check_answer, int_example, quoted};

/// Parses text typed at a prompt or given to `--set` into an answer of the question's type, and checks it.
pub fn parse_answer(q: &Question, raw: &str) -> Result<Answer, String> {
    let answer = match q.kind {
        QuestionType::String | QuestionType::Choice => Answer::Str(raw.to_string()),
        QuestionType::Bool => match raw.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "y" | "on" | "1" => Answer::Bool(true),
            "false" | "no" | "n" | "off" | "0" => Answer::Bool(false),
            _ => {
                return Err(format!(
                    "{} is not a yes/no answer; use true or false",
                    quoted(raw)
                ));
            }
        },
        QuestionType::Int => match parse_whole(raw) {
            Ok(i) => Answer::Int(i),
            Err(Whole::TooLarge) => {
                return Err(format!(
                    "{} is too large; e.g. {}",
                    quoted(raw),
                    int_example(q)
                ));
            }
            Err(Whole::NotOne) => {
                return Err(format!(
                    "{} is not a whole number; e.g. {}, {}",
                    quoted(raw),
                    int_example(q),
                    WHOLE_FORMS.join(", ")
                ));
            }
        },
    };
    check_answer(q, &answer)?;
    Ok(answer)
}

/// The other forms [`parse_whole`] reads, shown when a text is not a whole number.
const WHOLE_FORMS: [&str; 4] = ["1,000,000", "1_000_000", "1e6", "2.5M"];

/// Why a text is not a whole number.
#[derive(Debug, PartialEq, Eq)]
enum Whole {
    /// Not a number, or a number with a fraction left over.
    NotOne,
    /// Beyond what an answer can hold.
    TooLarge,
}

/// Reads a whole number as people write counts: `1000000`, `1_000_000`, `1,000,000` (commas between groups of
/// three), `1e6`, and a suffix `K` (10^3), `M` (10^6), `B` or `G` (10^9), `T` (10^12) after a whole or decimal
/// number (`2.5M`). A leading `-` or `+` is allowed. The value must come out whole: `2.5` and `1.0000005M` are
/// refused. Computed exactly, without floating point.
fn parse_whole(raw: &str) -> Result<i64, Whole> {
    parse_count_inner(raw)
}

/// A whole number as people write counts (see [`parse_whole`]), for any part of the library that reads a count
/// from text: the one parser, so `1,0000` is refused everywhere. `None` when the text is not one.
pub fn parse_count(raw: &str) -> Option<i64> {
    parse_whole(raw).ok()
}

fn parse_count_inner(raw: &str) -> Result<i64, Whole> {
    let text = raw.trim();
    let (negative, body) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let (body, suffix_exp) = match body.chars().last().map(|c| c.to_ascii_lowercase()) {
        Some('k') => (&body[..body.len() - 1], 3),
        Some('m') => (&body[..body.len() - 1], 6),
        Some('b' | 'g') => (&body[..body.len() - 1], 9),
        Some('t') => (&body[..body.len() - 1], 12),
        _ => (body, 0),
    };
    let (mantissa, exp) = match body.find(['e', 'E']) {
        Some(_) if suffix_exp != 0 => return Err(Whole::NotOne),
        Some(at) => {
            let exp = &body[at + 1..];
            let digits = exp.strip_prefix(['-', '+']).unwrap_or(exp);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(Whole::NotOne);
            }
            (
                &body[..at],
                exp.parse::<i32>().map_err(|_| Whole::TooLarge)?,
            )
        }
        None => (body, 0),
    };
    let (int_part, frac) = match mantissa.split_once('.') {
        Some((_, "")) => return Err(Whole::NotOne),
        Some((i, f)) => (i, f),
        None => (mantissa, ""),
    };
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Whole::NotOne);
    }
    let int_digits = grouped_digits(int_part).ok_or(Whole::NotOne)?;
    if int_digits.is_empty() && frac.is_empty() {
        return Err(Whole::NotOne);
    }
    // The value is DIGITS x 10^shift.
    let digits = format!("{int_digits}{frac}");
    let shift = i64::from(exp) + suffix_exp - frac.len() as i64;
    let significant = digits.trim_start_matches('0');
    let value: i128 = if significant.is_empty() {
        0
    } else if shift < 0 {
        let cut = significant.len() as i64 + shift;
        if cut < 0 || !significant[cut as usize..].bytes().all(|b| b == b'0') {
            return Err(Whole::NotOne);
        }
        significant[..cut as usize]
            .parse()
            .map_err(|_| Whole::TooLarge)?
    } else {
        if significant.len() as i64 + shift > 20 {
            return Err(Whole::TooLarge);
        }
        let base: i128 = significant.parse().map_err(|_| Whole::TooLarge)?;
        base * 10i128.pow(shift as u32)
    };
    let value = if negative { -value } else { value };
    i64::try_from(value).map_err(|_| Whole::TooLarge)
}

/// The digits of an integer part written with `_` between digits or `,` between groups of three; `None` if
/// the separators are misplaced or anything else appears. An empty part gives an empty string.
fn grouped_digits(part: &str) -> Option<String> {
    if part.contains(',') {
        let mut groups = part.split(',');
        let first = groups.next()?;
        let first_ok = (1..=3).contains(&first.len()) && first.bytes().all(|b| b.is_ascii_digit());
        let rest_ok = groups
            .clone()
            .all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()));
        return (first_ok && rest_ok).then(|| part.replace(',', ""));
    }
    let bytes = part.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        let between_digits = i > 0
            && i + 1 < bytes.len()
            && bytes[i - 1].is_ascii_digit()
            && bytes[i + 1].is_ascii_digit();
        if !(b.is_ascii_digit() || (*b == b'_' && between_digits)) {
            return None;
        }
    }
    Some(part.replace('_', ""))
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
    use scaffold_kind::{check_path_segment, name_question};

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
    fn whole_numbers_read_the_way_counts_are_written() {
        for (text, value) in [
            ("1000000", 1_000_000),
            (" 42 ", 42),
            ("-7", -7),
            ("+7", 7),
            ("0", 0),
            ("1_000", 1_000),
            ("1,000,000", 1_000_000),
            ("12,345", 12_345),
            ("1e6", 1_000_000),
            ("2.5e3", 2_500),
            ("1000e-3", 1),
            ("5M", 5_000_000),
            ("2.5M", 2_500_000),
            ("2.5m", 2_500_000),
            (".5K", 500),
            ("10K", 10_000),
            ("1B", 1_000_000_000),
            ("1g", 1_000_000_000),
            ("1T", 1_000_000_000_000),
            ("1_000K", 1_000_000),
            ("-2M", -2_000_000),
            ("9223372036854775807", i64::MAX),
            ("0e999999", 0),
        ] {
            assert_eq!(parse_whole(text), Ok(value), "{text}");
        }
        for text in [
            "",
            "abc",
            "1.5",
            "1.",
            ".",
            "1.0000005M",
            "1e-3",
            "1,5",
            "1,0000",
            ",100",
            "1_",
            "_1",
            "1__0",
            "1e",
            "1e3K",
            "M",
            "1 000",
            "0x10",
            "NaN",
            "inf",
            "--1",
            "1.5.5",
        ] {
            assert_eq!(parse_whole(text), Err(Whole::NotOne), "{text}");
        }
        for text in ["9223372036854775808", "1e30", "99999999T", "1e99999999999"] {
            assert_eq!(parse_whole(text), Err(Whole::TooLarge), "{text}");
        }
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
        let refused = parse_answer(&q, "three").unwrap_err();
        for form in WHOLE_FORMS {
            assert!(refused.contains(form), "{form} missing from: {refused}");
            assert!(parse_whole(form).is_ok(), "{form} is shown but refused");
        }
        assert_eq!(parse_answer(&q, "1e1"), Ok(Answer::Int(10)));
        assert!(parse_answer(&q, "1e20").unwrap_err().contains("too large"));
        q.kind = QuestionType::Bool;
        q.min = None;
        q.max = None;
        assert_eq!(parse_answer(&q, "Yes"), Ok(Answer::Bool(true)));
        assert_eq!(parse_answer(&q, "off"), Ok(Answer::Bool(false)));
        assert!(parse_answer(&q, "maybe").is_err());
    }
}
