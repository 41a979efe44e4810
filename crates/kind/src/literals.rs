//! Comparisons of a choice answer with a literal in a template (`{{#if (eq ingress "gateway-api")}}`): the
//! literal must be one of that question's choices, or the comparison is always false and whatever it guards
//! silently never renders. Checked when a kind loads, naming the file and line.

use super::question::{Question, QuestionType};

/// The first comparison in `text` of a choice question with a literal that is not one of its choices, as
/// `(line, message)`.
pub fn unknown_choice(text: &str, questions: &[Question]) -> Option<(usize, String)> {
    static COMPARISON: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r#"\((?:eq|ne)\s+(?:([A-Za-z_][A-Za-z0-9_]*)\s+"([^"\\]*)"|"([^"\\]*)"\s+([A-Za-z_][A-Za-z0-9_]*))\s*\)"#,
        )
        .expect("a valid pattern")
    });
    for found in COMPARISON.captures_iter(text) {
        let (key, literal) = match (found.get(1), found.get(2), found.get(3), found.get(4)) {
            (Some(k), Some(l), _, _) | (_, _, Some(l), Some(k)) => (k.as_str(), l.as_str()),
            _ => continue,
        };
        let Some(q) = questions
            .iter()
            .find(|q| q.key == key && q.kind == QuestionType::Choice)
        else {
            continue;
        };
        if q.choices.iter().any(|c| c.value == literal) {
            continue;
        }
        let at = found.get(0).map_or(0, |m| m.start());
        let line = text[..at].matches('\n').count() + 1;
        let choices: Vec<&str> = q.choices.iter().map(|c| c.value.as_str()).collect();
        return Some((
            line,
            format!(
                "`{}` compares `{key}` with \"{literal}\", which is not one of its choices ({}): the \
                 comparison would always be false",
                found.get(0).map_or("", |m| m.as_str()),
                choices.join(", ")
            ),
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::name_question;

    fn edge() -> Vec<Question> {
        let mut q = name_question();
        q.key = "edge".into();
        q.kind = QuestionType::Choice;
        q.choices = ["ingress", "gateway"]
            .iter()
            .map(|v| super::super::question::Choice {
                value: v.to_string(),
                label: String::new(),
            })
            .collect();
        vec![name_question(), q]
    }

    #[test]
    fn a_literal_outside_the_choices_is_found_with_its_line() {
        let text =
            "a\n{{#if (eq edge \"gateway\")}}x{{/if}}\n{{#if (eq \"gatewy\" edge)}}y{{/if}}\n";
        let (line, message) = unknown_choice(text, &edge()).expect("found");
        assert_eq!(line, 3);
        assert!(message.contains("\"gatewy\""), "{message}");
        assert!(message.contains("ingress, gateway"), "{message}");
        assert!(unknown_choice("{{#if (eq name \"x\")}}{{/if}}", &edge()).is_none());
        assert!(unknown_choice("{{#if (ne edge \"ingress\")}}{{/if}}", &edge()).is_none());
    }
}
