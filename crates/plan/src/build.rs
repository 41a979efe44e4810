//! Rendering: a kind and validated answers in, a [`Plan`] out, with every output file in memory. Nothing here
//! touches the disk, so any error aborts before a single byte is written.

use globset::GlobMatcher;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::{Plan, PlannedFile, RECORD_DIR, Record, Skipped};
use scaffold_answers::Answers;
use scaffold_engine::{self as engine, Context};
use scaffold_error::{Error, Result};
use scaffold_kind::{Condition, Kind, check_path_segment, rule_glob};

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

/// Renders every path segment that holds `{{`, and checks each result is a safe single segment.
fn render_path(
    hb: &handlebars::Handlebars<'_>,
    source: &str,
    logical: &str,
    ctx: &Context,
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
        check_path_segment(&out)
            .and_then(|()| check_listable(&out))
            .map_err(|m| Error::UnusablePath {
                file: source.to_string(),
                message: format!("the path part `{seg}` gives an unusable name: {m}"),
            })?;
        parts.push(out);
    }
    Ok(parts.join("/"))
}

/// A name the manifest can list one per line, so that `sha256sum -c .scaffold/manifest` reads it back: no
/// newline or other control character (C0, DEL, C1) and no Unicode line or paragraph separator.
fn check_listable(s: &str) -> Result<(), String> {
    match s
        .chars()
        .find(|c| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}'))
    {
        Some(c) => Err(format!(
            "it holds the control character U+{:04X}; use letters, digits, `-`, `_` or `.`",
            c as u32
        )),
        None => Ok(()),
    }
}

/// Builds the plan: every file rendered or copied, the record files added, left-out files with reasons.
pub fn build(
    kind: &Kind,
    answers: &Answers,
    extra: Map<String, Value>,
    record: &Record,
) -> Result<Plan> {
    // Wrapped once: rendering from a plain value would serialise the whole context again for every template.
    let ctx = engine::context(context(kind, answers, extra))?;
    let rules = rules(kind, answers)?;
    let hb = engine::registry();
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
    for (index, contents) in engine::render_all(&jobs, &ctx)? {
        let path = std::mem::take(&mut files[index].path);
        files[index] = PlannedFile::rendered(path, contents);
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
    files.push(PlannedFile::rendered(
        format!("{RECORD_DIR}/answers.toml"),
        answers
            .to_file(kind.name(), &record.version, &record.comment)
            .into_bytes(),
    ));
    files.push(PlannedFile::rendered(
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
        warnings: Vec::new(),
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
    use scaffold_answers::{Given, resolve};
    use scaffold_kind::{Catalog, Source};

    fn demo() -> Kind {
        let root =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/templates");
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
        build(&kind, &answers, Map::new(), &Record::default()).unwrap()
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
    fn next_steps_are_rendered() {
        assert_eq!(plan_with(&[]).next_steps, ["make check", "echo shop"]);
    }

    #[test]
    fn names_the_manifest_could_not_list_are_refused() {
        for bad in [
            "a\nb",
            "a\rb",
            "tab\t",
            "del\u{7f}",
            "c1\u{85}",
            "ls\u{2028}",
        ] {
            assert!(check_listable(bad).is_err(), "{bad:?}");
        }
        for good in ["README.md", "café", "日本", "a b"] {
            assert!(check_listable(good).is_ok(), "{good:?}");
        }
    }
}
