//! Render the cost pages of both kinds with the engine's strict Handlebars and the context `scaffold new` gives
//! them, then run the generated project's own cost test (stdlib Python) on the result.

use std::path::{Path, PathBuf};
use std::process::Command;

use handlebars::Handlebars;
use serde_json::{Map, Value, json};

use scaffold::answers::{Given, resolve};
use scaffold::{Catalog, Source};

fn templates() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("templates")
}

fn registry() -> Handlebars<'static> {
    scaffold::engine::registry()
}

/// Renders `files` of `kind` with the context `scaffold new` would give them: the answers (validated, defaults
/// filled in), `settings` and `cost`.
fn render(kind: &str, answers: &Map<String, Value>, files: &[&str], out: &Path) {
    let catalog = Catalog::load(&Source::Embedded).unwrap();
    let kind = catalog.get(kind).unwrap();
    let sets = answers
        .iter()
        .map(|(k, v)| {
            let text = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (k.clone(), text)
        })
        .collect();
    let answers = resolve(kind, &Given { file: None, sets }, None).expect("answers");
    let derived = scaffold::derived_context(kind, &answers).expect("context");
    assert!(derived.contains_key("cost"), "kind has a cost model");
    let context = scaffold::plan::context(kind, &answers, derived);
    let hb = registry();
    for file in files {
        let source = templates().join(kind.name()).join("files").join(file);
        let text = std::fs::read_to_string(&source).unwrap();
        let (target, body) = match file.strip_suffix(".hbs") {
            Some(stripped) => (
                stripped.to_string(),
                hb.render_template(&text, &context)
                    .unwrap_or_else(|e| panic!("{file}: {e}")),
            ),
            None => (file.to_string(), text),
        };
        let path = out.join(target);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, body).unwrap();
    }
}

fn serverless_answers(events: u64, payload: u64, arch: &str, queue: &str) -> Map<String, Value> {
    json!({
        "name": "hooks", "arch": arch, "queue": queue, "events_per_month": events, "payload_kb": payload,
        "signature": "standard-webhooks", "aws_region": "us-east-1",
    })
    .as_object()
    .unwrap()
    .clone()
}

const SERVERLESS_FILES: [&str; 3] = [
    "docs/cost-model.md.hbs",
    "cost/prices.json.hbs",
    "tests/test_cost_model.py",
];

fn render_serverless(answers: &Map<String, Value>, out: &Path) {
    render("serverless-webhook", answers, &SERVERLESS_FILES, out);
    let mut record = String::from("kind = \"serverless-webhook\"\n\n[answers]\n");
    for (k, v) in answers {
        record.push_str(&format!("{k} = {v}\n"));
    }
    std::fs::create_dir_all(out.join(".scaffold")).unwrap();
    std::fs::write(out.join(".scaffold/answers.toml"), record).unwrap();
}

fn run_cost_test(dir: &Path) -> std::process::Output {
    Command::new("python3")
        .arg("tests/test_cost_model.py")
        .current_dir(dir)
        .output()
        .expect("python3 runs")
}

#[test]
fn serverless_cost_page_passes_its_own_recompute_test() {
    for (events, payload, arch, queue) in [
        (2_500_000, 4, "arm64", "standard"),
        (1_000_000, 1, "x86_64", "fifo"),
        (750_000_000, 300, "arm64", "standard"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        render_serverless(
            &serverless_answers(events, payload, arch, queue),
            dir.path(),
        );
        let out = run_cost_test(dir.path());
        assert!(
            out.status.success(),
            "{events} {arch} {queue}:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let doc = std::fs::read_to_string(dir.path().join("docs/cost-model.md")).unwrap();
        assert!(doc.contains(&format!(
            "scaffold cost serverless-webhook --events-per-month {events}"
        )));
    }
    // Overlay the cost files onto a project the engine rendered: SCAFFOLD_COST_PROJECT=<project dir>.
    if let Ok(project) = std::env::var("SCAFFOLD_COST_PROJECT") {
        let project = Path::new(&project);
        let record: toml::Table = toml::from_str(
            &std::fs::read_to_string(project.join(".scaffold/answers.toml")).unwrap(),
        )
        .unwrap();
        let kind = record["kind"].as_str().unwrap().to_string();
        let answers: Map<String, Value> = serde_json::to_value(&record["answers"])
            .unwrap()
            .as_object()
            .unwrap()
            .clone();
        let files: &[&str] = if kind == "k8s-platform" {
            &["docs/cost.md.hbs"]
        } else {
            &SERVERLESS_FILES
        };
        render(&kind, &answers, files, project);
    }
    if let Ok(keep) = std::env::var("SCAFFOLD_COST_RENDER_DIR") {
        let keep = Path::new(&keep);
        render_serverless(
            &serverless_answers(2_500_000, 4, "arm64", "standard"),
            &keep.join("serverless-webhook"),
        );
        render(
            "k8s-platform",
            &k8s_answers(),
            &["docs/cost.md.hbs"],
            &keep.join("k8s-platform"),
        );
    }
}

#[test]
fn the_recompute_test_catches_a_stale_figure() {
    let dir = tempfile::tempdir().unwrap();
    render_serverless(
        &serverless_answers(1_000_000, 1, "arm64", "standard"),
        dir.path(),
    );
    let doc_path = dir.path().join("docs/cost-model.md");
    let doc = std::fs::read_to_string(&doc_path).unwrap();
    // The DynamoDB cell at 1M events: $1.88 in the table row.
    let row = doc
        .lines()
        .find(|l| l.starts_with("| `dynamodb`"))
        .unwrap()
        .to_string();
    assert!(row.contains("$1.88"), "{row}");
    std::fs::write(
        &doc_path,
        doc.replace(&row, &row.replacen("$1.88", "$1.98", 1)),
    )
    .unwrap();
    let out = run_cost_test(dir.path());
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("dynamodb at 1000000"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // A price edited in cost/prices.json makes the page stale too.
    let dir = tempfile::tempdir().unwrap();
    render_serverless(
        &serverless_answers(1_000_000, 1, "arm64", "standard"),
        dir.path(),
    );
    let prices_path = dir.path().join("cost/prices.json");
    let prices = std::fs::read_to_string(&prices_path).unwrap();
    std::fs::write(
        &prices_path,
        prices.replacen("\"usd\": 0.625", "\"usd\": 0.7", 1),
    )
    .unwrap();
    assert!(!run_cost_test(dir.path()).status.success());
}

fn k8s_answers() -> Map<String, Value> {
    json!({
        "name": "shop", "min_replicas": 2, "max_replicas": 10, "target_cpu": 70,
        "owner_team": "payments", "cost_center": "cc-1234",
    })
    .as_object()
    .unwrap()
    .clone()
}

#[test]
fn k8s_cost_page_renders_with_its_figures() {
    let dir = tempfile::tempdir().unwrap();
    render(
        "k8s-platform",
        &k8s_answers(),
        &["docs/cost.md.hbs"],
        dir.path(),
    );
    let doc = std::fs::read_to_string(dir.path().join("docs/cost.md")).unwrap();
    assert!(doc.contains(
        "scaffold cost k8s-platform --replicas 2 --cpu-request 100m --memory-request 128Mi"
    ));
    assert!(doc.contains("| **total** | **$214.40** |"), "{doc}");
    assert!(doc.contains("about **$132.01 a month**"));
    assert!(doc.contains("`payments`") && doc.contains("`cc-1234`"));
    assert!(!doc.contains("{{"));
}

#[test]
fn strict_mode_catches_a_missing_cost_field() {
    let hb = registry();
    let err = hb
        .render_template("{{cost.no_such_field}}", &json!({ "cost": {} }))
        .unwrap_err();
    assert!(err.to_string().contains("no_such_field"), "{err}");
}

/// docs/templates.md lists every key of `cost` a template can use; a key added to the context without a line
/// there fails here.
#[test]
fn every_cost_key_is_documented() {
    let docs =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/templates.md"))
            .unwrap();
    let catalog = Catalog::load(&Source::Embedded).unwrap();
    for kind in &catalog.kinds {
        let given = Given {
            file: None,
            sets: vec![("name".into(), "demo".into())],
        };
        let answers = resolve(kind, &given, None).unwrap();
        let derived = scaffold::derived_context(kind, &answers).unwrap();
        let cost = derived["cost"].as_object().unwrap();
        for key in cost.keys() {
            assert!(
                docs.contains(&format!("`cost.{key}")),
                "{}: cost.{key} is not in docs/templates.md",
                kind.name()
            );
        }
    }
}
