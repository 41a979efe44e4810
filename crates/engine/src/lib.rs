//! The template engine: one Handlebars registry in strict mode with every helper, and the rendering of whole
//! files (cut into pieces that compile fast, see `chunks`) over the machine's cores. It knows nothing of kinds
//! or answers: callers pass text and a context.

mod chunks;
pub mod helpers;

use handlebars::Handlebars;
use serde_json::Value;

use scaffold_error::{Error, Result};

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

/// The largest piece compiled in one go. The compiler's time grows with the square of a piece's size, so a
/// bound on pieces keeps a whole file's compile time linear in its size. Only a long body of a block that is
/// not cut (an `each`, a `with`, an `if` with `else`) reaches it; every built-in template is smaller.
pub const MAX_PIECE: usize = 64 * 1024;

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
        if chunk.text.len() > MAX_PIECE {
            return Err(Error::Render {
                file: source.to_string(),
                message: format!(
                    "line {}: a block here holds {} KiB that cannot be compiled in smaller pieces (the body of an \
                     `each`, a `with`, an `if` with `else` or a raw block other than `{{{{{{{{raw}}}}}}}}`); such a \
                     body may hold at most {} KiB: split it into several blocks",
                    chunk.first_line,
                    chunk.text.len() / 1024,
                    MAX_PIECE / 1024
                ),
            });
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
        let lines = "{{n}} one\n{{n}}\n  {{#if a}}nested {{n}}{{/if}}\n\n   \nplain\n- {{n}}\n{{#if a}}\nin\n{{/if}}\nfirst plain\nsecond plain\n";
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

    fn both_ways(text: &str) -> (String, String) {
        let ctx = handlebars::Context::wraps(serde_json::json!({
            "a": true, "b": false, "n": "x", "items": [1, 2], "o": { "v": "w" }
        }))
        .unwrap();
        let mut hb = registry();
        let whole = hb.render_template_with_context(text, &ctx).unwrap();
        let pieces = String::from_utf8(render_file(&mut hb, "t.hbs", text, &ctx).unwrap()).unwrap();
        (pieces, whole)
    }

    #[test]
    fn a_raw_block_cut_inside_renders_as_the_whole() {
        let lines = "{{n}} not a value\n  indented {{x}}\n\n   \n{{#if a}}\nplain\n{{/if}}\n";
        for (before, after) in [
            ("", "\n"),
            ("  ", "  \n"),
            ("text ", " text\n"),
            ("{{n}}\n", ""),
        ] {
            for first in ["\n", "first {{y}}\n", "   \n"] {
                let text = format!("{before}{{{{{{{{raw}}}}}}}}{first}")
                    + &lines.repeat(400)
                    + "last line {{z}}\n"
                    + &format!("{{{{{{{{/raw}}}}}}}}{after}")
                    + &"{{n}} after\n".repeat(50);
                let compiled: Vec<usize> = chunks::split(&text)
                    .iter()
                    .filter(|c| !c.plain)
                    .map(|c| c.text.len())
                    .collect();
                assert!(
                    compiled.iter().all(|&len| len < 4096),
                    "{before:?} {first:?} {after:?}: compiled pieces of {compiled:?} bytes"
                );
                let (pieces, whole) = both_ways(&text);
                assert!(pieces == whole, "{before:?} {first:?} {after:?} differ");
            }
        }
    }

    #[test]
    fn a_body_that_cannot_be_cut_is_refused_above_the_bound_with_the_file_named() {
        let ctx = handlebars::Context::wraps(serde_json::json!({ "items": [1] })).unwrap();
        let body = "- {{this}} a line of text\n".repeat(MAX_PIECE / 20);
        let text = "head\n".to_string() + "{{#each items}}\n" + &body + "{{/each}}\n";
        let err = render_file(&mut registry(), "big.md.hbs", &text, &ctx)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("big.md.hbs") && err.contains("line 2:"),
            "{err}"
        );
        assert!(err.contains("split it into several blocks"), "{err}");
    }

    #[test]
    fn no_built_in_template_comes_near_the_bound() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../templates");
        let mut seen = 0;
        let mut stack = vec![root];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "hbs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    for c in chunks::split(&text) {
                        assert!(
                            c.plain || c.text.len() <= MAX_PIECE / 2,
                            "{}",
                            path.display()
                        );
                    }
                    seen += 1;
                }
            }
        }
        assert!(seen > 10, "{seen} templates found");
    }

    /// Lines a template may hold, each with the structures the cutter must respect.
    const FRAGMENTS: &[&str] = &[
        "plain text\n",
        "\n",
        "   \n",
        "  {{n}} value\n",
        "{{n}}\n",
        "{{~n}}\n",
        "{{n~}}\n",
        "{{!-- note --}}\n",
        "{{#if a}}in{{/if}}\n",
        "{{#if a}}\n{{n}}\n{{/if}}\n",
        "{{#unless b}}\nu {{n}}\n{{/unless}}\n",
        "{{#each items}}\n- {{this}} {{@index}}\n{{/each}}\n",
        "{{#with o}}\n{{v}}\n{{/with}}\n",
        "{{#if b}}\nx\n{{else}}\ny {{n}}\n{{/if}}\n",
        "{{{{raw}}}}\n{{n}} raw\n\n  {{x}}\nend\n{{{{/raw}}}}\n",
        "{{{{raw}}}}inline {{y}}{{{{/raw}}}} t\n",
        "  {{{{raw}}}}\n  raw line\n  {{{{/raw}}}}  \n",
    ];

    proptest::proptest! {
        // A few cases in a plain `cargo test`, the full run when SCAFFOLD_DEEP_TESTS is set (scripts/test).
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(
            if std::env::var_os("SCAFFOLD_DEEP_TESTS").is_some_and(|v| !v.is_empty()) { 48 } else { 8 }
        ))]
        #[test]
        fn any_block_structure_renders_in_pieces_as_the_whole(
            picks in proptest::collection::vec(0..FRAGMENTS.len(), 1..30),
            wrap in 0..4usize,
            repeat in 1..60usize,
            tail in 0..3usize,
        ) {
            let raw_wrap = wrap == 3;
            let body: String = picks
                .iter()
                .map(|&p| FRAGMENTS[p])
                .filter(|f| !(raw_wrap && f.contains("{{{{")))
                .collect();
            let (open, close) = [("", ""), ("{{#if a}}\n", "{{/if}}"), ("{{#unless b}}\n", "{{/unless}}"),
                ("{{{{raw}}}}\n", "{{{{/raw}}}}")][wrap];
            let text = format!("{open}{}{close}{}", body.repeat(repeat), ["", "\n", "after {{n}}\n"][tail]);
            let (pieces, whole) = both_ways(&text);
            proptest::prop_assert!(pieces == whole, "differs for {:?}", picks);
        }
    }
}
