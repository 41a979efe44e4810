//! Recursion between inline partials. Handlebars has no depth limit: a partial that includes itself, directly or
//! through others, recurses until the stack overflows and the process aborts. A kind is data anyone may hand
//! over, so every template is checked before anything renders: a cycle between inline partials is refused.

use handlebars::template::{Parameter, Template, TemplateElement};
use std::collections::{BTreeMap, BTreeSet};

/// The partials each inline partial of `text` includes, or `None` when it does not compile (rendering reports
/// that, with its line).
fn inline_calls(text: &str) -> Option<BTreeMap<String, BTreeSet<String>>> {
    let template = Template::compile(text).ok()?;
    let mut inlines = BTreeMap::new();
    walk(&template, None, &mut inlines);
    Some(inlines)
}

fn name_of(p: &Parameter) -> Option<String> {
    match p {
        Parameter::Name(n) => Some(n.clone()),
        Parameter::Literal(serde_json::Value::String(s)) => Some(s.clone()),
        _ => None,
    }
}

/// Walks `t`, recording under `inside` (the inline partial being defined) each partial included.
fn walk(t: &Template, inside: Option<&str>, inlines: &mut BTreeMap<String, BTreeSet<String>>) {
    for e in &t.elements {
        match e {
            TemplateElement::DecoratorBlock(d) if name_of(&d.name).as_deref() == Some("inline") => {
                let Some(name) = d.params.first().and_then(name_of) else {
                    continue;
                };
                inlines.entry(name.clone()).or_default();
                if let Some(body) = &d.template {
                    walk(body, Some(&name), inlines);
                }
            }
            TemplateElement::PartialExpression(d) | TemplateElement::PartialBlock(d) => {
                if let Some(at) = inside {
                    // A name computed at render time could be any partial: count it as calling every one.
                    let called = name_of(&d.name).unwrap_or_else(|| "*".into());
                    inlines.entry(at.to_string()).or_default().insert(called);
                }
                if let Some(body) = &d.template {
                    walk(body, inside, inlines);
                }
            }
            TemplateElement::DecoratorBlock(d) => {
                if let Some(body) = &d.template {
                    walk(body, inside, inlines);
                }
            }
            TemplateElement::HelperBlock(h) => {
                for body in [&h.template, &h.inverse].into_iter().flatten() {
                    walk(body, inside, inlines);
                }
            }
            _ => {}
        }
    }
}

/// The first cycle between the inline partials of `text`, as `a -> b -> a`.
pub fn recursion(text: &str) -> Option<String> {
    // Only an inline partial can include itself (a file cannot: Handlebars refuses that), so a template that
    // defines none needs no compiling here; large templates compile slowly.
    if !text.contains("*inline") {
        return None;
    }
    let inlines = inline_calls(text)?;
    let all: BTreeSet<String> = inlines.keys().cloned().collect();
    let edges = |from: &str| -> Vec<String> {
        let called = &inlines[from];
        if called.contains("*") {
            all.iter().cloned().collect()
        } else {
            called
                .iter()
                .filter(|c| all.contains(*c))
                .cloned()
                .collect()
        }
    };
    // Depth-first search from each partial, keeping the path: a partial met again on it closes a cycle.
    fn visit(
        node: &str,
        edges: &dyn Fn(&str) -> Vec<String>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<String> {
        if let Some(i) = path.iter().position(|p| p == node) {
            let mut cycle = path[i..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle.join(" -> "));
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in edges(node) {
            if let Some(c) = visit(&next, edges, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for start in &all {
        if let Some(c) = visit(start, &edges, &mut Vec::new(), &mut done) {
            return Some(c);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partials_that_include_themselves_are_found() {
        assert_eq!(
            recursion("{{#*inline \"x\"}}a{{> x}}{{/inline}}{{> x}}").as_deref(),
            Some("x -> x")
        );
        assert_eq!(
            recursion(
                "{{#*inline \"a\"}}{{#if y}}{{> b}}{{/if}}{{/inline}}{{#*inline \"b\"}}{{#each z}}{{> a}}{{/each}}{{/inline}}{{> a}}"
            )
            .as_deref(),
            Some("a -> b -> a")
        );
        assert!(
            recursion("{{#*inline \"a\"}}{{> (lookup this \"p\")}}{{/inline}}{{> a}}").is_some(),
            "a computed name may be any partial"
        );
    }

    #[test]
    fn partials_without_a_cycle_pass() {
        assert_eq!(
            recursion(
                "{{#*inline \"a\"}}{{> b}}{{/inline}}{{#*inline \"b\"}}leaf{{/inline}}{{> a}}{{> a}}"
            ),
            None
        );
        assert_eq!(recursion("no templates at all"), None);
        assert_eq!(
            recursion("{{#if broken}}"),
            None,
            "left for rendering to report"
        );
    }
}
