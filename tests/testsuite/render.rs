//! The built-in kinds, rendered through the library: quoting holds for hostile text wherever it lands, output is
//! deterministic, and every preset renders.

use crate::support::{built_in_presets, render_preset};
use proptest::prelude::*;
use scaffold::answers::{Given, resolve};
use scaffold::{AnswersFile, Catalog, Source, build_plan};
use std::path::PathBuf;

/// Files whose text must parse as the format their name says. Helm's chart templates are Go templates, not YAML.
fn format_of(path: &str) -> Option<&'static str> {
    if path.contains("/templates/") && path.starts_with("charts/") {
        return None;
    }
    if path.ends_with(".yaml") || path.ends_with(".yml") {
        Some("yaml")
    } else if path.ends_with(".json") {
        Some("json")
    } else if path.ends_with(".toml") {
        Some("toml")
    } else {
        None
    }
}

/// Every string scalar of a parsed document.
fn yaml_strings(y: &yaml_rust2::Yaml, out: &mut Vec<String>) {
    use yaml_rust2::Yaml;
    match y {
        Yaml::String(s) => out.push(s.clone()),
        Yaml::Array(a) => a.iter().for_each(|v| yaml_strings(v, out)),
        Yaml::Hash(h) => h.iter().for_each(|(k, v)| {
            yaml_strings(k, out);
            yaml_strings(v, out)
        }),
        _ => {}
    }
}

/// YAML 1.2's printable set: what PyYAML, yamllint and go-yaml accept anywhere in a stream (PyYAML's
/// "unacceptable character"). yaml-rust2 is lenient about it, so every generated file is checked against it too.
fn yaml_printable(c: char) -> bool {
    matches!(c as u32, 0x9 | 0xA | 0xD | 0x20..=0x7E | 0x85 | 0xA0..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF)
}

/// The first character a strict YAML reader refuses, with its line.
fn unprintable(text: &str) -> Option<String> {
    text.lines().enumerate().find_map(|(n, line)| {
        line.chars()
            .find(|&c| !yaml_printable(c))
            .map(|c| format!("U+{:04X} on line {}", c as u32, n + 1))
    })
}

fn json_strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|v| json_strings(v, out)),
        serde_json::Value::Object(m) => m.values().for_each(|v| json_strings(v, out)),
        _ => {}
    }
}

fn toml_strings(v: &toml::Value, out: &mut Vec<String>) {
    match v {
        toml::Value::String(s) => out.push(s.clone()),
        toml::Value::Array(a) => a.iter().for_each(|v| toml_strings(v, out)),
        toml::Value::Table(t) => t.values().for_each(|v| toml_strings(v, out)),
        _ => {}
    }
}

/// Renders every preset of every kind with `description` set, parses every YAML/JSON/TOML file, and returns an
/// error naming the first file that does not parse or a kind where the description lands in no parsed value.
fn check_description(description: &str) -> Result<(), String> {
    let catalog = Catalog::load(&Source::Embedded).map_err(|e| e.to_string())?;
    for kind in &catalog.kinds {
        // The description is one line; let it hold anything, so the quoting is tested wherever it lands, as it
        // would be for a question declared `multiline = true`.
        let mut kind = kind.clone();
        let kind = &mut kind;
        for q in &mut kind.manifest.questions {
            if q.key == "description" {
                q.multiline = true;
            }
        }
        let kind = &*kind;
        for (preset, text) in &kind.presets {
            let file =
                AnswersFile::parse(text, &PathBuf::from(preset)).map_err(|e| e.to_string())?;
            let given = Given {
                file: Some((PathBuf::from(preset), file)),
                sets: vec![("description".into(), description.into())],
            };
            let answers = resolve(kind, &given, None)
                .map_err(|e| format!("{}/{preset}: {e}", kind.name()))?;
            let plan = build_plan(kind, &answers, &scaffold::plan::Record::default())
                .map_err(|e| format!("{}/{preset}: {e}", kind.name()))?;
            let mut found = false;
            for f in &plan.files {
                let Some(format) = format_of(&f.path) else {
                    continue;
                };
                let text = String::from_utf8(f.contents.to_vec())
                    .map_err(|_| format!("{} is not UTF-8", f.path))?;
                if let Some(bad) = unprintable(&text) {
                    return Err(format!(
                        "{}/{preset}: {} holds {bad}, outside the printable set strict YAML readers demand and the quoting helpers keep to",
                        kind.name(),
                        f.path
                    ));
                }
                let mut strings = Vec::new();
                let parsed: Result<(), String> = match format {
                    "yaml" => yaml_rust2::YamlLoader::load_from_str(&text)
                        .map(|docs| docs.iter().for_each(|d| yaml_strings(d, &mut strings)))
                        .map_err(|e| e.to_string()),
                    "json" => serde_json::from_str::<serde_json::Value>(&text)
                        .map(|v| json_strings(&v, &mut strings))
                        .map_err(|e| e.to_string()),
                    _ => toml::from_str::<toml::Value>(&text)
                        .map(|v| toml_strings(&v, &mut strings))
                        .map_err(|e| e.to_string()),
                };
                parsed.map_err(|e| {
                    format!(
                        "{}/{preset}: {} is not valid {format}: {e}",
                        kind.name(),
                        f.path
                    )
                })?;
                found |= strings.iter().any(|s| s == description);
            }
            if !found {
                return Err(format!(
                    "{}/{preset}: the description lands in no YAML, JSON or TOML value intact",
                    kind.name()
                ));
            }
        }
    }
    Ok(())
}

#[test]
fn hostile_descriptions_stay_valid_everywhere_they_land() {
    for d in [
        "He said \"ship it\"",
        "it's: a #hashtag, {{not a template}}, 100% & more",
        "line one\nline two",
        "ünïcode — 日本語 ✓",
        "- looks: like [a, list] & *alias",
        "tab\there, back\\slash, ${{ github.sha }}",
        "C1 \u{85}\u{80}\u{9f}, DEL \u{7f}, nonchars \u{fffe}\u{ffff}, BOM \u{feff}, LS \u{2028}",
    ] {
        check_description(d).unwrap_or_else(|e| panic!("{d:?}: {e}"));
    }
}

proptest! {
    // Each case renders every preset of every kind: a few in a plain `cargo test`, more in a deep run.
    #![proptest_config(ProptestConfig { cases: crate::support::depth(3, 24), ..ProptestConfig::default() })]
    #[test]
    fn any_description_stays_valid(
        d in "[a-zA-Z0-9 \"':#{}%&ü日\\\\\n*!|>@`\u{1}\u{7f}\u{80}\u{85}\u{9f}\u{a0}\u{2028}\u{feff}\u{fffe}\u{ffff}\u{10000}-]{1,80}"
    ) {
        // Leading or trailing blanks are trimmed by some formats' readers; keep the property about content.
        prop_assume!(d.trim() == d && !d.is_empty());
        prop_assert!(check_description(&d).is_ok(), "{:?}: {:?}", d, check_description(&d));
    }
}

/// A second rendering of every preset, compared byte for byte with the shared first one.
#[test]
fn every_preset_renders_the_same_bytes_twice() {
    let catalog = Catalog::load(&Source::Embedded).unwrap();
    assert!(catalog.kinds.len() >= 2);
    for kind in &catalog.kinds {
        assert!(
            kind.presets.iter().any(|(n, _)| n == "default"),
            "{} has no default preset",
            kind.name()
        );
    }
    let presets = built_in_presets();
    let count: usize = catalog.kinds.iter().map(|k| k.presets.len()).sum();
    assert_eq!(presets.len(), count);
    for p in presets {
        let kind = catalog.kinds.iter().find(|k| k.name() == p.kind).unwrap();
        let (a, b) = (&p.plan, render_preset(kind, &p.preset));
        let preset = &p.preset;
        // Caches a check run inside the template folder would leave behind must never ship.
        for f in &a.files {
            let cache = f.path.split('/').any(|seg| {
                matches!(
                    seg,
                    "__pycache__" | ".pytest_cache" | ".ruff_cache" | ".mypy_cache"
                ) || seg.ends_with(".pyc")
            });
            assert!(!cache, "{}/{preset} would ship {}", kind.name(), f.path);
        }
        assert_eq!(a.files.len(), b.files.len());
        for (x, y) in a.files.iter().zip(&b.files) {
            assert_eq!(
                (&x.path, &x.contents),
                (&y.path, &y.contents),
                "{}/{preset}",
                kind.name()
            );
        }
    }
}
