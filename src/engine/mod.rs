//! The template engine: one Handlebars registry in strict mode with every helper, and the rendering of whole
//! files (cut into pieces that compile fast, see `chunks`) over the machine's cores. It knows nothing of kinds
//! or answers: callers pass text and a context.

mod chunks;
pub mod helpers;

use handlebars::Handlebars;
use serde_json::Value;

use crate::error::{Error, Result};

pub use handlebars::Context;

/// A registry with every helper, strict, never HTML-escaping.
pub fn registry() -> Handlebars<'static> {
    let mut hb = Handlebars::new();
    helpers::register(&mut hb);
    hb
}

/// Renders a short template such as a templated default (`{{name}}.127.0.0.1.nip.io`); `what` names it in errors.
pub fn render_str(template: &str, ctx: &Value, what: &str) -> Result<String> {
    registry()
        .render_template(template, ctx)
        .map_err(|e| Error::Render {
            file: what.to_string(),
            message: e.to_string(),
        })
}

/// Wraps a context once: rendering from a plain value would serialise it again for every template.
pub fn context(value: Value) -> Result<Context> {
    Context::wraps(value).map_err(|e| Error::Render {
        file: "the template context".into(),
        message: e.to_string(),
    })
}

/// Handlebars reports a missing variable as `MissingVariable(Some("x"))`; say it plainly.
fn render_reason(e: &handlebars::RenderError) -> String {
    match e.reason() {
        handlebars::RenderErrorReason::MissingVariable(Some(name)) => {
            format!("`{name}` is not an answer of this kind nor a value the engine provides")
        }
        other => other.to_string(),
    }
}

/// Renders one template file. Large templates are compiled piece by piece (see `chunks`); error positions are
/// given against the whole file.
pub fn render_file(
    hb: &mut Handlebars<'_>,
    source: &str,
    text: &str,
    ctx: &Context,
) -> Result<Vec<u8>> {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    for chunk in chunks::split(text) {
        if chunk.plain {
            out.push_str(&chunk.text);
            continue;
        }
        let at = |line: Option<usize>, col: Option<usize>| match (line, col) {
            (Some(l), Some(c)) => format!("line {}, col {c}: ", l + chunk.first_line - 1),
            (Some(l), None) => format!("line {}: ", l + chunk.first_line - 1),
            _ => String::new(),
        };
        hb.register_template_string(source, chunk.text.as_ref())
            .map_err(|e| {
                let (line, col) = e.pos().map_or((None, None), |(l, c)| (Some(l), Some(c)));
                Error::Render {
                    file: source.to_string(),
                    message: format!("{}{}", at(line, col), e.reason()),
                }
            })?;
        let piece = hb
            .render_with_context(source, ctx)
            .map_err(|e| Error::Render {
                file: source.to_string(),
                message: format!("{}{}", at(e.line_no, e.column_no), render_reason(&e)),
            })?;
        out.push_str(&piece);
    }
    hb.unregister_template(source);
    Ok(out.into_bytes())
}

/// Renders every job, spread over the machine's cores; results come back in job order.
pub fn render_all(jobs: &[(usize, String, &str)], ctx: &Context) -> Result<Vec<(usize, Vec<u8>)>> {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4)
        .min(jobs.len().max(1));
    // Largest first, each worker taking the next job when it is free: the big READMEs do not end up queued
    // behind each other on one core.
    let mut order: Vec<usize> = (0..jobs.len()).collect();
    order.sort_by_key(|&n| std::cmp::Reverse(jobs[n].2.len()));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<Vec<(usize, Result<Vec<u8>>)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut hb = registry();
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(&n) = order.get(i) else { break };
                        let (_, source, text) = &jobs[n];
                        done.push((n, render_file(&mut hb, source, text, ctx)));
                    }
                    done
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a render worker panicked"))
            .collect()
    });
    let mut by_job: Vec<(usize, Result<Vec<u8>>)> = results.into_iter().flatten().collect();
    by_job.sort_by_key(|(n, _)| *n);
    by_job
        .into_iter()
        .map(|(n, r)| r.map(|bytes| (jobs[n].0, bytes)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_in_a_template_compiled_in_pieces_give_the_line_in_the_whole_file() {
        let mut hb = registry();
        let ctx = handlebars::Context::wraps(serde_json::json!({ "name": "x" })).unwrap();
        let text =
            "plain line\n".repeat(2000) + "{{name}}\n".repeat(500).as_str() + "{{missing}}\n";
        let err = render_file(&mut hb, "big.md.hbs", &text, &ctx)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("line 2501, col 1: `missing` is not an answer"),
            "{err}"
        );
        let broken = "plain line\n".repeat(2000) + "{{#if name}}\n";
        let err = render_file(&mut hb, "big.md.hbs", &broken, &ctx)
            .unwrap_err()
            .to_string();
        assert!(err.contains("big.md.hbs"), "{err}");
    }

    #[test]
    fn pieces_render_exactly_as_the_whole_template() {
        let ctx =
            handlebars::Context::wraps(serde_json::json!({ "a": true, "n": "x", "items": [1, 2] }))
                .unwrap();
        let text = "head\n".repeat(300)
            + "{{#if a}}\nyes {{n}}\n{{else}}\nno\n{{/if}}\n"
            + &"  {{n}} middle\n".repeat(300)
            + "{{#each items}}\n- {{this}}\n{{/each}}\n"
            + &"tail\n".repeat(300);
        let mut hb = registry();
        let whole = hb.render_template_with_context(&text, &ctx).unwrap();
        let pieces =
            String::from_utf8(render_file(&mut hb, "t.hbs", &text, &ctx).unwrap()).unwrap();
        assert_eq!(pieces, whole);
    }

    #[test]
    fn a_template_in_one_block_cut_inside_it_renders_as_the_whole() {
        let lines = "{{n}} one\n{{n}}\n  {{#if a}}nested {{n}}{{/if}}\n\n   \nplain\n{{!-- note --}}\n- {{n}}\n{{#if a}}\nin\n{{/if}}\n";
        for (cond, tail) in [("a", "\n"), ("b", ""), ("a", "after\n")] {
            for block in ["if", "unless"] {
                let ctx = handlebars::Context::wraps(
                    serde_json::json!({ "a": true, "b": false, "n": "x" }),
                )
                .unwrap();
                let text = format!("{{{{#{block} {cond}}}}}\n")
                    + &lines.repeat(300)
                    + &format!("{{{{/{block}}}}}")
                    + tail;
                assert!(chunks::split(&text).len() > 5);
                let mut hb = registry();
                let whole = hb.render_template_with_context(&text, &ctx).unwrap();
                let pieces =
                    String::from_utf8(render_file(&mut hb, "t.hbs", &text, &ctx).unwrap()).unwrap();
                assert_eq!(pieces, whole, "{block} {cond}");
            }
        }
    }
}
