//! `scaffold new --preset NAME`: a kind's built-in answer sets, embedded in the binary, below `--answers` and
//! `--set` in precedence; shown by `scaffold list` and offered by the shell completions.

use crate::support::Sandbox;
use predicates::prelude::*;

/// The answers of a dry run, as `--dry-run --json` prints them.
fn dry_run_answers(sb: &Sandbox, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["new"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--dry-run", "--json"]);
    let out = sb.cmd(&all).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "scaffold {}\n{}",
        all.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    plan["answers"].clone()
}

#[test]
fn a_built_in_preset_works_outside_the_source_tree() {
    // The sandbox is a temp folder: the preset can only come from the binary.
    let sb = Sandbox::new();
    let answers = dry_run_answers(
        &sb,
        &["--kind", "serverless-webhook", "--preset", "stripe-gitlab"],
    );
    assert_eq!(answers["name"], "stripe-hooks", "{answers}");
    assert_eq!(answers["signature"], "stripe");
    assert_eq!(answers["ci"], "gitlab-ci");
    assert_eq!(answers["aws_region"], "eu-west-1");
}

#[test]
fn answers_file_and_set_override_the_preset_which_overrides_defaults() {
    let sb = Sandbox::new();
    std::fs::write(
        sb.path().join("mine.toml"),
        "kind = \"serverless-webhook\"\n[answers]\nci = \"github-actions\"\naws_region = \"eu-central-1\"\n",
    )
    .unwrap();
    let answers = dry_run_answers(
        &sb,
        &[
            "--preset",
            "stripe-gitlab",
            "--answers",
            "mine.toml",
            "--set",
            "aws_region=us-east-2",
            "hooks",
        ],
    );
    assert_eq!(answers["name"], "hooks", "NAME is a --set: {answers}");
    assert_eq!(answers["signature"], "stripe", "from the preset");
    assert_eq!(
        answers["ci"], "github-actions",
        "the answers file beats the preset"
    );
    assert_eq!(answers["aws_region"], "us-east-2", "--set beats both");
}

#[test]
fn a_preset_writes_a_project_that_regenerates_from_its_record() {
    let sb = Sandbox::new();
    sb.cmd(&[
        "new",
        "--kind",
        "k8s-platform",
        "--preset",
        "full",
        "--no-git",
    ])
    .assert()
    .code(0)
    .stdout(predicate::str::contains(
        "Created orders-api k8s-platform project",
    ));
    let record =
        std::fs::read_to_string(sb.path().join("orders-api/.scaffold/answers.toml")).unwrap();
    assert!(record.contains("gitops = \"flux\""), "{record}");
    sb.cmd(&[
        "new",
        "--answers",
        "orders-api/.scaffold/answers.toml",
        "-o",
        "again",
        "--no-git",
    ])
    .assert()
    .code(0);
    sb.assert_same_tree("orders-api", "again");
}

#[test]
fn an_unknown_preset_is_a_usage_error_listing_the_kinds_presets() {
    let sb = Sandbox::new();
    sb.cmd(&["new", "--kind", "k8s-platform", "shop", "--preset", "ful"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "no preset `ful` in kind k8s-platform",
        ))
        .stderr(predicate::str::contains(
            "default, fixed-replicas, full, gateway-argocd, minimal, nginx-flux-sealed",
        ));
    assert!(sb.files("").is_empty(), "nothing written");
}

#[test]
fn a_preset_of_a_kind_read_from_disk() {
    let sb = Sandbox::new();
    sb.demo(&[
        "--kind",
        "demo",
        "--preset",
        "default",
        "--dry-run",
        "--json",
    ])
    .assert()
    .code(0)
    .stdout(predicate::str::contains("\"name\": \"demo\""));
}

#[test]
fn list_and_completions_offer_the_presets() {
    let sb = Sandbox::new();
    sb.cmd(&["list"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "Presets (--preset): default, fixed-replicas, full, gateway-argocd, minimal, nginx-flux-sealed",
        ));
    let out = sb.cmd(&["list", "--json"]).output().unwrap();
    let kinds: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(kinds[1]["presets"][3], "stripe-gitlab", "{kinds}");
    for shell in ["bash", "zsh", "fish"] {
        let out = sb.cmd(&["completions", shell]).output().unwrap();
        let script = String::from_utf8_lossy(&out.stdout);
        for preset in [
            "fixed-replicas",
            "stripe-gitlab",
            "standard-webhooks-large-high-volume",
        ] {
            assert!(
                script.contains(preset),
                "{shell} completions do not offer the preset {preset}"
            );
        }
    }
}
