//! The advisor's answers, carried into the chosen kind's questions as their defaults.

use std::collections::BTreeMap;

use scaffold::kind::{Binding, check_answer};
use scaffold::{Answer, Answers, Kind};

/// The advisor's answers that become defaults of `kind`'s questions: an answer feeds the question its cost
/// model binds the same input to (`events_per_month = { answer = "events_per_month" }`), or the question of
/// the same key; only answers that question accepts.
pub fn carried(kind: &Kind, advisor: &Answers) -> BTreeMap<String, Answer> {
    let questions = kind.all_questions();
    let mut out = BTreeMap::new();
    for (key, value) in advisor.iter() {
        let bound = kind
            .manifest
            .cost
            .as_ref()
            .and_then(|c| c.inputs.get(key))
            .and_then(|b| match b {
                Binding::Answer { answer, map } if map.is_empty() => Some(answer.as_str()),
                _ => None,
            })
            .unwrap_or(key);
        if let Some(q) = questions.iter().find(|q| q.key == bound)
            && check_answer(q, value).is_ok()
        {
            out.insert(q.key.clone(), value.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use scaffold::{Catalog, Source};

    #[test]
    fn the_advisors_events_become_the_webhook_kinds_default() {
        let catalog = Catalog::load(&Source::Embedded).unwrap();
        let advice = scaffold::advise::answers(
            &[
                ("events_per_month".into(), "5M".into()),
                ("gpu".into(), "true".into()),
            ],
            None,
        )
        .unwrap();
        let webhook = catalog
            .kinds
            .iter()
            .find(|k| {
                k.manifest
                    .cost
                    .as_ref()
                    .is_some_and(|c| c.model == "serverless")
            })
            .unwrap();
        let carried = carried(webhook, &advice);
        assert_eq!(
            carried.get("events_per_month"),
            Some(&Answer::Int(5_000_000))
        );
        assert!(
            !carried.contains_key("gpu"),
            "no such question: {carried:?}"
        );
    }
}
