//! Every string answer stays a string in every YAML, JSON and TOML file of every built-in kind, whatever text
//! its question accepts: a cost centre `4711`, a project named `true`, `yes` or `null`, `0x1`, `1e3`, `~`.
//! Each string question of each kind is answered with each such value a question accepts, and with a plain
//! word; the scalars that differ between the two renderings are where the answer landed, and each must be a
//! string there, as YAML 1.1 (Helm, PyYAML), YAML 1.2, JSON and TOML read it.

use scaffold::answers::{Given, resolve};
use scaffold::kind::QuestionType;
use scaffold::{AnswersFile, Catalog, Plan, Source, build_plan};
use std::path::PathBuf;

/// Text a string question may accept that a reader takes for another type when it is not quoted.
const LOOKALIKES: [&str; 10] = [
    "4711", "true", "yes", "no", "on", "null", "0x1", "1e3", "~", "010",
];

/// A scalar as a reader sees it: text, and whether the reader takes it as a string.
#[derive(Debug, PartialEq)]
struct Scalar {
    text: String,
    string: bool,
}

/// True when a plain (unquoted) YAML scalar resolves to something other than a string under YAML 1.1 or 1.2.
fn plain_yaml_is_not_a_string(s: &str) -> bool {
    static CORE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
        r"(?x)^(
            ~ | null | Null | NULL | 
            y | Y | yes | Yes | YES | n | N | no | No | NO |
            true | True | TRUE | false | False | FALSE | on | On | ON | off | Off | OFF |
            [-+]?(0|[1-9][0-9_]*) | [-+]?0[0-7_]+ | 0o[0-7]+ | [-+]?0x[0-9a-fA-F_]+ | [-+]?0b[01_]+ |
            [-+]?[1-9][0-9_]*(:[0-5]?[0-9])+ |
            [-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)? |
            [-+]?\.(inf|Inf|INF) | \.(nan|NaN|NAN)
        )$",
    )
    .unwrap()
    });
    s.is_empty() || CORE.is_match(s)
}

struct Scalars(Vec<Scalar>);

impl yaml_rust2::parser::EventReceiver for Scalars {
    fn on_event(&mut self, ev: yaml_rust2::parser::Event) {
        use yaml_rust2::scanner::TScalarStyle;
        if let yaml_rust2::parser::Event::Scalar(text, style, _, tag) = ev {
            // `!!str` and friends decide the type; an application's tag (CloudFormation's `!Sub`) does not.
            let core = tag
                .as_ref()
                .filter(|t| t.handle == "!!" || t.handle.starts_with("tag:yaml.org,2002:"));
            let string = match (core, style) {
                (Some(tag), _) => tag.suffix == "str",
                (None, TScalarStyle::Plain) => !plain_yaml_is_not_a_string(&text),
                (None, _) => true,
            };
            self.0.push(Scalar { text, string });
        }
    }
}

fn json_scalars(v: &serde_json::Value, out: &mut Vec<Scalar>) {
    use serde_json::Value;
    match v {
        Value::Array(a) => a.iter().for_each(|v| json_scalars(v, out)),
        Value::Object(m) => m.iter().for_each(|(k, v)| {
            out.push(Scalar {
                text: k.clone(),
                string: true,
            });
            json_scalars(v, out)
        }),
        Value::String(s) => out.push(Scalar {
            text: s.clone(),
            string: true,
        }),
        other => out.push(Scalar {
            text: other.to_string(),
            string: false,
        }),
    }
}

/// Every scalar of every YAML/JSON/TOML file of the plan, in order, by file. Helm's chart templates are Go
/// templates, not YAML, and are left out.
fn scalars(plan: &Plan) -> Vec<(String, Vec<Scalar>)> {
    let mut out = Vec::new();
    for f in &plan.files {
        let path = f.path.as_str();
        if path.contains("/templates/") && path.starts_with("charts/") {
            continue;
        }
        let text = String::from_utf8_lossy(&f.contents);
        let mut found = Vec::new();
        if path.ends_with(".yaml") || path.ends_with(".yml") {
            let mut recv = Scalars(Vec::new());
            yaml_rust2::parser::Parser::new_from_str(&text)
                .load(&mut recv, true)
                .unwrap_or_else(|e| panic!("{path}: {e}"));
            found = recv.0;
        } else if path.ends_with(".json") {
            let v: serde_json::Value =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
            json_scalars(&v, &mut found);
        } else if path.ends_with(".toml") {
            // TOML's types map onto JSON's one for one (a date becomes a string; none is generated).
            let v: toml::Value = toml::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
            json_scalars(&serde_json::to_value(v).unwrap(), &mut found);
        } else {
            continue;
        }
        out.push((f.path.clone(), found));
    }
    out
}

fn render(kind: &scaffold::Kind, sets: &[(String, String)]) -> Result<Plan, String> {
    let text = &kind.presets.iter().find(|(n, _)| n == "default").unwrap().1;
    let file = AnswersFile::parse(text, &PathBuf::from("default")).unwrap();
    let given = Given {
        file: Some((PathBuf::from("default"), file)),
        sets: sets.to_vec(),
    };
    let answers = resolve(kind, &given, None).map_err(|e| e.to_string())?;
    build_plan(kind, &answers, &scaffold::plan::Record::default()).map_err(|e| e.to_string())
}

/// Each value is given to every string question of the kind that accepts it, all at once; the reference
/// rendering gives those questions plain words instead.
#[test]
fn string_answers_stay_strings_in_every_yaml_json_and_toml_file() {
    let catalog = Catalog::load(&Source::Embedded).unwrap();
    let accepts = |q: &scaffold::kind::Question, v: &str| {
        scaffold::kind::check_answer(q, &scaffold::Answer::Str(v.into())).is_ok()
    };
    let mut problems = Vec::new();
    let mut checked = 0;
    // Values that the same questions accept share one reference rendering.
    let mut references = std::collections::HashMap::new();
    for kind in &catalog.kinds {
        let strings: Vec<_> = kind
            .all_questions()
            .into_iter()
            .filter(|q| q.kind == QuestionType::String)
            .collect();
        for value in LOOKALIKES {
            let mut sets = Vec::new();
            let mut words = Vec::new();
            for q in strings.iter().filter(|q| accepts(q, value)) {
                let Some(word) = ["zqx", "zqx-team", "zqx@example.com", "zqx.example.com"]
                    .into_iter()
                    .find(|w| accepts(q, w))
                else {
                    continue;
                };
                sets.push((q.key.clone(), value.to_string()));
                words.push((q.key.clone(), word.to_string()));
            }
            let keys: Vec<&str> = sets.iter().map(|(k, _)| k.as_str()).collect();
            let context = format!("{}: {value} as {}", kind.name(), keys.join(", "));
            let plan = render(kind, &sets).unwrap_or_else(|e| panic!("{context}: {e}"));
            let reference = references
                .entry((kind.name().to_string(), words.clone()))
                .or_insert_with(|| {
                    scalars(&render(kind, &words).unwrap_or_else(|e| panic!("{context}: {e}")))
                });
            checked += keys.len();
            for ((path, got), (_, want)) in scalars(&plan).iter().zip(reference.iter()) {
                if got.len() != want.len() {
                    problems.push(format!("{context}: {path} changes shape"));
                    continue;
                }
                for (g, w) in got.iter().zip(want) {
                    if g != w && !g.string {
                        problems.push(format!(
                            "{context}: {path} holds `{}` as a non-string",
                            g.text
                        ));
                    }
                }
            }
        }
    }
    assert!(checked > 20, "too few answers checked: {checked}");
    problems.dedup();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
