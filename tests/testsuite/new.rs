//! `scaffold new`, `list`, `completions`, `--help` and `--version`: the paths that succeed.

use crate::support::{Sandbox, fixtures};
use predicates::prelude::*;
use std::os::unix::fs::PermissionsExt;

#[test]
fn no_input_writes_the_project_with_defaults_and_prints_next_steps() {
    let sb = Sandbox::new();
    sb.demo(&["--kind", "demo", "shop", "--no-input"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "Created shop demo project in shop",
        ))
        .stdout(predicate::str::contains(
            "cd shop\n  make check\n  echo shop",
        ));
    assert_eq!(
        sb.files("shop"),
        [
            ".scaffold/answers.toml",
            ".scaffold/manifest",
            "README.md",
            "config.json",
            "config.toml",
            "config.yaml",
            "docs/extra/metrics.md",
            "scripts/run.sh",
            "shop-chart/templates/ingress.yaml",
        ]
    );
    let readme = std::fs::read_to_string(sb.path().join("shop/README.md")).unwrap();
    assert!(
        readme.contains("2 replicas at https://shop.127.0.0.1.nip.io/"),
        "{readme}"
    );
    // Files without .hbs are copied byte for byte: Helm and Actions expressions survive untouched.
    let ingress =
        std::fs::read_to_string(sb.path().join("shop/shop-chart/templates/ingress.yaml")).unwrap();
    assert_eq!(ingress, "host: {{ .Values.host }}\n");
    let script = sb.path().join("shop/scripts/run.sh");
    assert!(
        std::fs::read_to_string(&script)
            .unwrap()
            .contains("${{ github.sha }}")
    );
    assert_eq!(
        std::fs::metadata(&script).unwrap().permissions().mode() & 0o777,
        0o755
    );
    assert_eq!(sb.entries(), ["shop"], "no staging folder left behind");
}

#[test]
fn without_a_terminal_no_input_is_implied() {
    let sb = Sandbox::new();
    sb.demo(&["--kind", "demo", "shop"]).assert().code(0);
    assert!(sb.path().join("shop/README.md").is_file());
}

#[test]
fn output_flag_chooses_the_folder_and_creates_parents() {
    let sb = Sandbox::new();
    sb.demo(&["--kind", "demo", "shop", "-o", "deep/er/here"])
        .assert()
        .code(0);
    assert!(sb.path().join("deep/er/here/README.md").is_file());
}

#[test]
fn set_answers_questions_and_file_rules_follow_the_answers() {
    let sb = Sandbox::new();
    sb.demo(&[
        "--kind",
        "demo",
        "shop",
        "--set",
        "ingress=gateway",
        "--set",
        "metrics=false",
        "--set",
        "replicas=5",
    ])
    .assert()
    .code(0);
    let files = sb.files("shop");
    assert!(
        files.contains(&"shop-chart/templates/httproute.yaml".to_string()),
        "{files:?}"
    );
    assert!(!files.contains(&"shop-chart/templates/ingress.yaml".to_string()));
    assert!(!files.iter().any(|f| f.starts_with("docs/")));
    let readme = std::fs::read_to_string(sb.path().join("shop/README.md")).unwrap();
    assert!(
        readme.contains("5 replicas") && readme.contains("HTTPRoute"),
        "{readme}"
    );
}

#[test]
fn set_overrides_the_answers_file_which_overrides_defaults() {
    let sb = Sandbox::new();
    std::fs::write(
        sb.path().join("a.toml"),
        "kind = \"demo\"\n[answers]\nname = \"fromfile\"\nteam = \"filet\"\nreplicas = 3\n",
    )
    .unwrap();
    sb.demo(&["--answers", "a.toml", "--set", "team=sett"])
        .assert()
        .code(0);
    let answers =
        std::fs::read_to_string(sb.path().join("fromfile/.scaffold/answers.toml")).unwrap();
    assert!(answers.contains("team = \"sett\""), "{answers}");
    assert!(answers.contains("replicas = 3"), "{answers}");
    assert!(answers.contains("metrics = true"), "{answers}");
}

#[test]
fn a_recorded_project_regenerates_byte_for_byte() {
    let sb = Sandbox::new();
    sb.demo(&[
        "--kind",
        "demo",
        "shop",
        "--set",
        "description=Quotes \" and: colons # and ünïcode",
    ])
    .assert()
    .code(0);
    sb.demo(&["--answers", "shop/.scaffold/answers.toml", "-o", "copy"])
        .assert()
        .code(0);
    sb.assert_same_tree("shop", "copy");
}

#[test]
fn the_manifest_hashes_every_other_file() {
    let sb = Sandbox::new();
    sb.demo(&["--kind", "demo", "shop"]).assert().code(0);
    let manifest = std::fs::read_to_string(sb.path().join("shop/.scaffold/manifest")).unwrap();
    let listed: Vec<&str> = manifest.lines().map(|l| &l[66..]).collect();
    let mut expected = sb.files("shop");
    expected.retain(|f| f != ".scaffold/manifest");
    assert_eq!(listed, expected);
    use sha2::Digest;
    for line in manifest.lines() {
        let bytes = std::fs::read(sb.path().join("shop").join(&line[66..])).unwrap();
        let hex: String = sha2::Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(&line[..64], hex, "{line}");
    }
}

#[test]
fn dry_run_shows_the_tree_and_left_out_files_and_writes_nothing() {
    let sb = Sandbox::new();
    sb.demo(&["--kind", "demo", "shop", "--dry-run"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("shop/  (9 files,"))
        .stdout(predicate::str::contains("run.sh*"))
        .stdout(predicate::str::contains(
            "shop-chart/templates/httproute.yaml",
        ))
        .stdout(predicate::str::contains("ingress is not gateway"))
        .stdout(predicate::str::contains("Nothing was written"));
    assert!(sb.entries().is_empty());
}

#[test]
fn dry_run_json_is_machine_readable() {
    let sb = Sandbox::new();
    let out = sb
        .demo(&["--kind", "demo", "shop", "--dry-run", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["kind"], "demo");
    assert_eq!(v["answers"]["replicas"], 2);
    let files = v["files"].as_array().unwrap();
    assert!(
        files
            .iter()
            .any(|f| f["path"] == "scripts/run.sh" && f["executable"] == true)
    );
    assert_eq!(v["skipped"][0]["reason"], "ingress is not gateway");
    assert!(sb.entries().is_empty());
}

#[test]
fn templates_flag_accepts_a_single_kind_folder() {
    let sb = Sandbox::new();
    sb.cmd(&["new", "--templates"])
        .arg(fixtures().join("other"))
        .args(["--kind", "other", "x"])
        .assert()
        .code(0);
    assert_eq!(
        std::fs::read_to_string(sb.path().join("x/README.md")).unwrap(),
        "# x (plain)\n"
    );
}

#[test]
fn force_adds_to_an_existing_folder_without_touching_its_files() {
    let sb = Sandbox::new();
    std::fs::create_dir(sb.path().join("shop")).unwrap();
    std::fs::write(sb.path().join("shop/notes.txt"), "mine").unwrap();
    sb.demo(&["--kind", "demo", "shop", "--force"])
        .assert()
        .code(0);
    assert_eq!(
        std::fs::read_to_string(sb.path().join("shop/notes.txt")).unwrap(),
        "mine"
    );
    assert!(sb.path().join("shop/README.md").is_file());
}

#[test]
fn an_existing_empty_folder_is_fine_without_force() {
    let sb = Sandbox::new();
    std::fs::create_dir(sb.path().join("shop")).unwrap();
    sb.demo(&["--kind", "demo", "shop"]).assert().code(0);
    assert!(sb.path().join("shop/README.md").is_file());
}

#[test]
fn list_shows_kinds_questions_and_presets() {
    let sb = Sandbox::new();
    sb.cmd(&["list", "--templates"])
        .arg(fixtures())
        .assert()
        .code(0)
        .stdout(predicate::str::contains("demo\n  A small kind"))
        .stdout(predicate::str::contains("replicas           int 1..10"))
        .stdout(predicate::str::contains("nginx|gateway"))
        .stdout(predicate::str::contains("Presets (--preset): default"));
}

#[test]
fn list_json_and_the_built_in_kinds() {
    let sb = Sandbox::new();
    let out = sb.cmd(&["list", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let kinds: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["k8s-platform", "serverless-webhook"]);
    assert_eq!(v[0]["questions"][0]["key"], "name");
}

#[test]
fn completions_help_and_version() {
    let sb = Sandbox::new();
    sb.cmd(&["completions", "bash"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("_scaffold()"));
    sb.cmd(&["completions", "zsh"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("#compdef scaffold"));
    sb.cmd(&["--help"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Examples:"))
        .stdout(predicate::str::contains(
            "Exit codes: 0 ok, 1 error, 2 usage or invalid input,\n  \
             130 SIGINT, 143 SIGTERM, 129 SIGHUP: stopped, nothing was written.",
        ));
    sb.cmd(&["new", "--help"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("--dry-run"));
    sb.cmd(&["--version"])
        .assert()
        .code(0)
        .stdout(format!("scaffold {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn each_built_in_kind_regenerates_byte_for_byte_from_its_record() {
    for kind in ["k8s-platform", "serverless-webhook"] {
        let sb = Sandbox::new();
        sb.cmd(&[
            "new",
            "--kind",
            kind,
            "demo",
            "--set",
            "description=Quotes \" and: colons # {{x}}",
            // The record is the point here; the repository a run starts is checked in wizard.rs and update.rs.
            "--no-git",
        ])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("make check"));
        sb.cmd(&[
            "new",
            "--answers",
            "demo/.scaffold/answers.toml",
            "-o",
            "copy",
            "--no-git",
        ])
        .assert()
        .code(0);
        assert!(
            sb.files("demo").len() > 30,
            "{kind}: {:?}",
            sb.files("demo")
        );
        sb.assert_same_tree("demo", "copy");
    }
}

/// `scaffold list | head -1`: a reader that leaves early is not an error, and nothing panics.
#[test]
fn a_closed_pipe_on_stdout_is_not_an_error() {
    for args in [
        &["completions", "fish"][..],
        &["list"],
        &["cost", "compare", "--events-per-month", "50M"],
    ] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_scaffold"))
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take()); // close the read end before anything is written
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}
