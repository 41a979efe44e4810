//! Rendering: a kind and validated answers in, a [`Plan`] out, with every output file in memory. Nothing here
//! touches the disk, so any error aborts before a single byte is written.

mod chunks;
pub mod helpers;

use globset::{GlobBuilder, GlobMatcher};
use handlebars::Handlebars;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::answers::Answers;
use crate::error::{Error, Result};
use crate::plan::{Plan, PlannedFile, Skipped};
use crate::template::{Condition, Kind};
use crate::validate::check_path_segment;

/// Where the record of a generated project lives, inside the project.
pub const RECORD_DIR: &str = ".scaffold";

fn handlebars() -> Handlebars<'static> {
    let mut hb = Handlebars::new();
    helpers::register(&mut hb);
    hb
}

/// Renders a string default such as `{{name}}.127.0.0.1.nip.io` against the answers settled so far.
pub fn render_default(template: &str, so_far: &Answers, key: &str) -> Result<String> {
    let ctx = Value::Object(so_far.to_json_map());
    handlebars()
        .render_template(template, &ctx)
        .map_err(|e| Error::Render {
            file: format!("the default of `{key}`"),
            message: e.to_string(),
        })
}

/// The template context: the answers, `name`, `kind`, and whatever `extra` adds (e.g. computed costs).
pub fn context(kind: &Kind, answers: &Answers, extra: Map<String, Value>) -> Value {
    let mut map = answers.to_json_map();
    map.insert("kind".into(), Value::String(kind.name().to_string()));
    map.extend(extra);
    Value::Object(map)
}

struct Rule {
    matchers: Vec<GlobMatcher>,
    keep: bool,
    reason: String,
}

fn condition_holds(cond: &Condition, answers: &Answers) -> bool {
    cond.iter()
        .all(|(key, want)| answers.get(key).is_some_and(|a| want.matches(a)))
}

fn rules(kind: &Kind, answers: &Answers) -> Result<Vec<Rule>> {
    kind.manifest
        .files
        .iter()
        .map(|r| {
            let matchers = r
                .paths
                .iter()
                .map(|p| {
                    rule_glob(p)
                        .map(|g| g.compile_matcher())
                        .map_err(|e| Error::Template {
                            kind: kind.name().to_string(),
                            message: format!("glob `{p}`: {e}"),
                        })
                })
                .collect::<Result<Vec<_>>>()?;
            let when = r.when.is_empty() || condition_holds(&r.when, answers);
            let unless = !r.unless.is_empty() && condition_holds(&r.unless, answers);
            Ok(Rule {
                matchers,
                keep: when && !unless,
                reason: r.reason.clone(),
            })
        })
        .collect()
}

/// A `[[files]]` path as a glob: `*` stays within a segment, `**` crosses them, and braces are literal so
/// that `{{name}}` in a path matches itself.
pub fn rule_glob(pattern: &str) -> std::result::Result<globset::Glob, globset::Error> {
    let escaped = pattern.replace('{', "[{]").replace('}', "[}]");
    GlobBuilder::new(&escaped).literal_separator(true).build()
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
fn render_file(
    hb: &mut Handlebars<'_>,
    source: &str,
    text: &str,
    ctx: &handlebars::Context,
) -> Result<Vec<u8>> {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    for chunk in chunks::split(text) {
        if chunk.plain {
            out.push_str(chunk.text);
            continue;
        }
        let at = |line: Option<usize>, col: Option<usize>| match (line, col) {
            (Some(l), Some(c)) => format!("line {}, col {c}: ", l + chunk.first_line - 1),
            (Some(l), None) => format!("line {}: ", l + chunk.first_line - 1),
            _ => String::new(),
        };
        hb.register_template_string(source, chunk.text)
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
fn render_all(
    jobs: &[(usize, String, &str)],
    ctx: &handlebars::Context,
) -> Result<Vec<(usize, Vec<u8>)>> {
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
                    let mut hb = handlebars();
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

/// Renders every path segment that holds `{{`, and checks each result is a safe single segment.
fn render_path(
    hb: &Handlebars<'_>,
    source: &str,
    logical: &str,
    ctx: &handlebars::Context,
) -> Result<String> {
    let mut parts = Vec::new();
    for seg in logical.split('/') {
        let out = if seg.contains("{{") {
            hb.render_template_with_context(seg, ctx)
                .map_err(|e| Error::Render {
                    file: source.to_string(),
                    message: format!("in the path: {e}"),
                })?
        } else {
            seg.to_string()
        };
        check_path_segment(&out).map_err(|m| Error::Render {
            file: source.to_string(),
            message: format!("the path part `{seg}` gives an unusable name: {m}"),
        })?;
        parts.push(out);
    }
    Ok(parts.join("/"))
}

/// Builds the plan: every file rendered or copied, the record files added, left-out files with reasons.
pub fn plan(
    kind: &Kind,
    answers: &Answers,
    extra: Map<String, Value>,
    version: &str,
) -> Result<Plan> {
    // Wrapped once: rendering from a plain value would serialise the whole context again for every template.
    let ctx =
        handlebars::Context::wraps(context(kind, answers, extra)).map_err(|e| Error::Render {
            file: "the template context".into(),
            message: e.to_string(),
        })?;
    let rules = rules(kind, answers)?;
    let hb = handlebars();
    let mut files: Vec<PlannedFile> = Vec::new();
    let mut skipped = Vec::new();
    // (index in `files`, source name, template text) of every file to render.
    let mut jobs: Vec<(usize, String, &str)> = Vec::new();
    for tf in &kind.files {
        let logical = tf.logical_path();
        if let Some(rule) = rules
            .iter()
            .find(|r| !r.keep && r.matchers.iter().any(|m| m.is_match(logical)))
        {
            let shown =
                render_path(&hb, logical, logical, &ctx).unwrap_or_else(|_| logical.to_string());
            skipped.push(Skipped {
                path: shown,
                reason: rule.reason.clone(),
            });
            continue;
        }
        let source = format!("{}/files/{}", kind.name(), tf.path);
        let path = render_path(&hb, &source, logical, &ctx)?;
        if tf.is_template() {
            let text = std::str::from_utf8(&tf.contents).map_err(|_| Error::Render {
                file: source.clone(),
                message: "a .hbs template must be UTF-8 text".into(),
            })?;
            jobs.push((files.len(), source, text));
        }
        files.push(PlannedFile::new(path, tf.contents.clone()));
    }
    for (index, contents) in render_all(&jobs, &ctx)? {
        let path = std::mem::take(&mut files[index].path);
        files[index] = PlannedFile::new(path, contents);
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    for pair in files.windows(2) {
        if pair[0].path == pair[1].path {
            return Err(Error::Template {
                kind: kind.name().to_string(),
                message: format!(
                    "two template files render to {}; give them different paths or [[files]] rules that exclude each other",
                    pair[0].path
                ),
            });
        }
    }
    if files
        .iter()
        .any(|f| f.path.starts_with(&format!("{RECORD_DIR}/")))
    {
        return Err(Error::Template {
            kind: kind.name().to_string(),
            message: format!("files/{RECORD_DIR}/ is reserved for the project's record"),
        });
    }
    files.push(PlannedFile::new(
        format!("{RECORD_DIR}/answers.toml"),
        answers.to_file(kind.name(), version).into_bytes(),
    ));
    files.push(PlannedFile::new(
        format!("{RECORD_DIR}/manifest"),
        manifest(&files).into_bytes(),
    ));
    files.sort_by(|a, b| a.path.cmp(&b.path));

    let next_steps = kind
        .manifest
        .next_steps
        .iter()
        .map(|s| {
            hb.render_template_with_context(s, &ctx)
                .map_err(|e| Error::Render {
                    file: format!("{}/template.toml next_steps", kind.name()),
                    message: e.to_string(),
                })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Plan {
        kind: kind.name().to_string(),
        name: answers.name().to_string(),
        files,
        skipped,
        next_steps,
    })
}

/// `sha256sum`-compatible lines for every file, so `sha256sum -c .scaffold/manifest` checks a project.
fn manifest(files: &[PlannedFile]) -> String {
    let mut lines: Vec<String> = files
        .iter()
        .map(|f| {
            let digest = Sha256::digest(&f.contents);
            let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
            format!("{hex}  {}\n", f.path)
        })
        .collect();
    lines.sort_by(|a, b| a[66..].cmp(&b[66..]));
    lines.concat()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answers::{Given, resolve};
    use crate::template::{Catalog, Source};

    fn demo() -> Kind {
        let root =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/templates");
        Catalog::load(&Source::Dir(root))
            .unwrap()
            .get("demo")
            .unwrap()
            .clone()
    }

    fn plan_with(sets: &[(&str, &str)]) -> Plan {
        let mut all = vec![("name".to_string(), "shop".to_string())];
        all.extend(sets.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let kind = demo();
        let answers = resolve(
            &kind,
            &Given {
                file: None,
                sets: all,
            },
            None,
        )
        .unwrap();
        plan(&kind, &answers, Map::new(), "0.0.0").unwrap()
    }

    fn paths(p: &Plan) -> Vec<&str> {
        p.files.iter().map(|f| f.path.as_str()).collect()
    }

    #[test]
    fn rule_globs_keep_braces_literal_and_stars_within_a_segment() {
        let g = rule_glob("{{name}}-chart/templates/*.yaml")
            .unwrap()
            .compile_matcher();
        assert!(g.is_match("{{name}}-chart/templates/ingress.yaml"));
        assert!(!g.is_match("{{name}}-chart/templates/sub/ingress.yaml"));
        let g = rule_glob("docs/**").unwrap().compile_matcher();
        assert!(g.is_match("docs/a/b/c.md"));
    }

    #[test]
    fn when_and_unless_rules_decide_which_files_exist() {
        let p = plan_with(&[]);
        assert!(paths(&p).contains(&"shop-chart/templates/ingress.yaml"));
        assert!(!paths(&p).contains(&"shop-chart/templates/httproute.yaml"));
        assert_eq!(p.skipped.len(), 1);
        assert_eq!(
            p.skipped[0].path, "shop-chart/templates/httproute.yaml",
            "left-out paths are rendered too"
        );

        let p = plan_with(&[("ingress", "gateway"), ("metrics", "false")]);
        assert!(paths(&p).contains(&"shop-chart/templates/httproute.yaml"));
        assert!(!paths(&p).contains(&"shop-chart/templates/ingress.yaml"));
        assert!(!paths(&p).iter().any(|f| f.starts_with("docs/")));
    }

    #[test]
    fn plans_are_sorted_and_record_answers_and_hashes() {
        let p = plan_with(&[]);
        let mut sorted = paths(&p);
        sorted.sort();
        assert_eq!(paths(&p), sorted);
        let manifest = p
            .files
            .iter()
            .find(|f| f.path == ".scaffold/manifest")
            .unwrap();
        let text = String::from_utf8(manifest.contents.to_vec()).unwrap();
        assert_eq!(text.lines().count(), p.files.len() - 1);
        assert!(text.contains("  .scaffold/answers.toml\n"));
    }

    #[test]
    fn only_hbs_files_are_rendered() {
        let p = plan_with(&[]);
        let get = |path: &str| {
            String::from_utf8(
                p.files
                    .iter()
                    .find(|f| f.path == path)
                    .unwrap()
                    .contents
                    .to_vec(),
            )
            .unwrap()
        };
        assert!(get("README.md").starts_with("# Shop\n"));
        assert_eq!(
            get("shop-chart/templates/ingress.yaml"),
            "host: {{ .Values.host }}\n"
        );
    }

    #[test]
    fn errors_in_a_template_compiled_in_pieces_give_the_line_in_the_whole_file() {
        let mut hb = handlebars();
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
        let mut hb = handlebars();
        let whole = hb.render_template_with_context(&text, &ctx).unwrap();
        let pieces =
            String::from_utf8(render_file(&mut hb, "t.hbs", &text, &ctx).unwrap()).unwrap();
        assert_eq!(pieces, whole);
    }

    #[test]
    fn next_steps_are_rendered() {
        assert_eq!(plan_with(&[]).next_steps, ["make check", "echo shop"]);
    }
}
