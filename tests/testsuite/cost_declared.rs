//! A kind that brings its own cost model as data: `tests/fixtures/declared/queue-worker` declares one in its
//! `template.toml` (`[cost.declared]`), and it is the worked example of docs/templates.md, word for word.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn scaffold() -> Command {
    Command::cargo_bin("scaffold").expect("binary builds")
}

fn declared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/declared")
}

fn manifest() -> String {
    std::fs::read_to_string(declared().join("queue-worker/template.toml")).unwrap()
}

fn cost(templates: &Path, args: &[&str]) -> std::process::Output {
    scaffold()
        .args(["cost", "queue-worker", "--templates"])
        .arg(templates)
        .args(args)
        .output()
        .expect("runs")
}

fn json(args: &[&str]) -> serde_json::Value {
    let out = cost(&declared(), args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn close(got: &serde_json::Value, want: f64) {
    let got = got.as_f64().unwrap_or(f64::NAN);
    assert!((got - want).abs() < 1e-9, "{got} != {want}");
}

#[test]
fn the_help_lists_the_declared_flags_with_the_kinds_defaults() {
    let out = cost(&declared(), &["--help"]);
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for expected in [
        "Monthly cost of the queue, the worker function and the result events",
        // The question's default (5,000,000 jobs) and the setting (0.5 GB) win over the model's own defaults.
        "--messages <MESSAGES> Messages the workers take off the queue in a month. [default: 5000000]",
        "--batch-size <BATCH_SIZE> Messages one worker invocation receives at once. [default: 10]",
        "--batch-seconds <BATCH_SECONDS> Seconds one invocation runs to finish its batch. [default: 0.4]",
        "--memory-gb <MEMORY_GB> Memory of the worker function in GB. [default: 0.5]",
    ] {
        assert!(help.contains(expected), "{expected}\n{help}");
    }
}

#[test]
fn the_json_gives_the_hand_worked_month() {
    // Defaults: 5,000,000 messages, batches of 10, 0.4 s, 0.5 GB.
    //   SQS: 5,000,000 sends + 2 x 500,000 receives and deletes = 6,000,000 requests x $0.40/M = $2.40
    //   invocations: 500,000 x $0.20/M = $0.10
    //   compute: 500,000 x 0.4 s x 0.5 GB = 100,000 GB-s x $0.0000133334 = $1.33334
    //   EventBridge: 5,000,000 x $1.00/M = $5.00
    //   total $8.83334; per thousand messages $8.83334 / 5,000 = $0.001766668
    let v = json(&["--json"]);
    let e = &v["estimate"];
    let usd: Vec<f64> = e["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["usd"].as_f64().unwrap())
        .collect();
    for (got, want) in usd.iter().zip([2.40, 0.10, 1.33334, 5.00]) {
        assert!((got - want).abs() < 1e-9, "{usd:?}");
    }
    close(&e["total_usd"], 8.83334);
    close(&e["per_thousand_events_usd"], 0.001766668);
    assert_eq!(v["not_modelled"].as_array().unwrap().len(), 3);
    // 2,000,000 messages in batches of 5:
    //   SQS: 2,000,000 + 2 x 400,000 = 2,800,000 x $0.40/M = $1.12; invocations 400,000 x $0.20/M = $0.08;
    //   compute 400,000 x 0.4 x 0.5 = 80,000 GB-s x $0.0000133334 = $1.066672; EventBridge $2.00
    //   total $4.266672; per thousand $4.266672 / 2,000 = $0.002133336
    let v = json(&["--json", "--messages", "2000000", "--batch-size", "5"]);
    close(&v["estimate"]["total_usd"], 4.266672);
    close(&v["estimate"]["per_thousand_events_usd"], 0.002133336);
    assert_eq!(
        v["command"],
        "scaffold cost queue-worker --messages 2000000 --batch-size 5"
    );
}

#[test]
fn a_value_outside_its_declared_range_is_refused_by_its_flag() {
    let out = cost(&declared(), &["--batch-size", "11"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--batch-size"), "{err}");
    assert!(err.contains("between 1 and 10"), "{err}");
}

#[test]
fn a_refused_value_names_the_declared_flag_not_the_input() {
    // `messages_per_month` is set by `--messages`: the refusal names the flag the user typed.
    let out = cost(&declared(), &["--messages", "2000000000"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("invalid --messages:"), "{err}");
    assert!(err.contains("between 0 and 1000000000"), "{err}");
    // A declared input that shares its name with an input of a built-in model (`batch_size`, `--batch-size`
    // there) is named by its own declared flag.
    let dir = broken("flag = \"batch-size\"", "flag = \"batch\"");
    let out = cost(dir.path(), &["--batch", "11"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("invalid --batch:"), "{err}");
    assert!(!err.contains("--batch-size"), "{err}");
}

/// The fixture with one change, in a folder of its own.
fn broken(from: &str, to: &str) -> tempfile::TempDir {
    let text = manifest();
    assert!(text.contains(from), "{from}");
    let dir = tempfile::tempdir().unwrap();
    let kind = dir.path().join("queue-worker");
    std::fs::create_dir_all(kind.join("files")).unwrap();
    std::fs::write(kind.join("template.toml"), text.replacen(from, to, 1)).unwrap();
    std::fs::copy(
        declared().join("queue-worker/files/COST.md.hbs"),
        kind.join("files/COST.md.hbs"),
    )
    .unwrap();
    dir
}

/// `scaffold new --kind queue-worker jobs` in `dir`, from the kinds of `templates`.
fn new(dir: &Path, templates: &Path, args: &[&str]) -> std::process::Output {
    scaffold()
        .current_dir(dir)
        .args([
            "new",
            "--no-input",
            "--kind",
            "queue-worker",
            "jobs",
            "--templates",
        ])
        .arg(templates)
        .args(args)
        .output()
        .expect("runs")
}

#[test]
fn a_broken_declaration_is_refused_with_what_to_fix() {
    let cases = [
        (
            "quantity = \"ceil(messages_per_month / batch_size)\"",
            "quantity = \"ceil(messages_per_day / batch_size)\"",
            "[[cost.declared.items]] `invocations` quantity: `messages_per_day` is not an input of the model; its inputs are: messages_per_month, batch_size, seconds_per_batch, memory_gb",
        ),
        (
            "price = \"lambda_requests\"",
            "price = \"lambda_invocations\"",
            "[[cost.declared.items]] `invocations`: price `lambda_invocations` is not a key of the price table",
        ),
        (
            "default = 10\nmin = 1\nmax = 10",
            "default = 10\nmin = 1\nmax = 5",
            "[[cost.declared.inputs]] `batch_size`: the default 10 is outside its range 1 to 5",
        ),
    ];
    for (from, to, message) in cases {
        let dir = broken(from, to);
        let out = cost(dir.path(), &["--json"]);
        assert!(!out.status.success(), "{to}");
        let err = String::from_utf8_lossy(&out.stderr).replace('\n', " ");
        let err = err.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(err.contains("template.toml"), "{err}");
        assert!(err.contains(message), "{message}\n{err}");
        // `scaffold list` shows no broken kind: it refuses the folder with the same words.
        let out = scaffold()
            .args(["list", "--templates"])
            .arg(dir.path())
            .output()
            .expect("runs");
        assert!(!out.status.success(), "list: {to}");
        let err = String::from_utf8_lossy(&out.stderr);
        let err = err.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(err.contains("template.toml"), "list: {err}");
        assert!(err.contains(message), "list: {message}\n{err}");
        // `scaffold new` refuses the same kind, and writes nothing.
        let out_dir = tempfile::tempdir().unwrap();
        let out = new(out_dir.path(), dir.path(), &[]);
        assert!(!out.status.success(), "{to}");
        assert!(!out_dir.path().join("jobs").exists());
    }
}

#[test]
fn a_generated_project_reads_the_declared_models_figures() {
    let dir = tempfile::tempdir().unwrap();
    let out = new(
        dir.path(),
        &declared(),
        &["--set", "jobs_per_month=2000000"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = std::fs::read_to_string(dir.path().join("jobs/COST.md")).unwrap();
    // 2,000,000 jobs in batches of 10 at 0.4 s and 0.5 GB:
    //   SQS 2,400,000 requests = $0.96; invocations 200,000 = $0.04; compute 40,000 GB-s x $0.0000133334 =
    //   $0.533336, shown $0.53; EventBridge $2.00; total $3.533336, shown $3.53; per thousand $0.0017666..., $0.0018
    for expected in [
        "2000000 jobs a month cost $3.53 ($0.0018 per thousand).",
        "- SQS requests (send, receive, delete): $0.96",
        "- Worker invocations: $0.04",
        "- Worker compute (arm64): $0.53",
        "- EventBridge result events: $2.00",
        "- Retries: a message that fails is received again and billed again.",
        // The table of inputs comes from the declaration: the answer's value, the declared range and flag.
        "| `messages_per_month`: Messages the workers take off the queue in a month. | 2000000 | 0 to 1000000000 | `scaffold cost queue-worker --messages` |",
        "| `memory_gb`: Memory of the worker function in GB. | 0.5 | 0.125 to 10 | `scaffold cost queue-worker --memory-gb` |",
    ] {
        assert!(page.contains(expected), "{expected}\n{page}");
    }
}

/// The text of the fenced block that follows `marker` in docs/templates.md.
fn doc_block(marker: &str) -> String {
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/templates.md")).unwrap();
    let after = doc
        .split(marker)
        .nth(1)
        .unwrap_or_else(|| panic!("docs/templates.md has no `{marker}`"));
    let body = after.split_once("```").unwrap().1;
    let body = body.split_once('\n').unwrap().1;
    body.split_once("```").unwrap().0.to_string()
}

#[test]
fn the_docs_example_is_the_fixture_word_for_word() {
    assert_eq!(
        doc_block("<!-- example: tests/fixtures/declared/queue-worker/template.toml -->"),
        manifest()
    );
    assert_eq!(
        doc_block("<!-- example: tests/fixtures/declared/queue-worker/files/COST.md.hbs -->"),
        std::fs::read_to_string(declared().join("queue-worker/files/COST.md.hbs")).unwrap()
    );
}
