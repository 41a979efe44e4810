//! What `scaffold update` refuses before touching anything, and what must not stop it: a project from a newer
//! scaffold, a file of the user's where the templates need a file or a folder, the user's configuration
//! (an update does not read it), an odd template folder path, a project inside a work tree that ignores it.

use crate::errors::copy_dir;
use crate::support::Sandbox;
use crate::update::{
    exits, fixture, git, project, read, replace, stderr, stdout, update, update_cmd, update_from,
};
use std::time::Duration;

#[test]
fn a_project_from_a_newer_scaffold_is_refused_naming_both_versions() {
    let sb = Sandbox::new();
    let dir = project(&sb, &[]);
    let running = env!("CARGO_PKG_VERSION");
    replace(
        &dir,
        ".scaffold/answers.toml",
        &format!("scaffold_version = \"{running}\""),
        "scaffold_version = \"9.1.0\"",
    );
    git(&dir, &["commit", "-qam", "recorded by a newer scaffold"]);
    for extra in [&[][..], &["--dry-run"]] {
        let out = update(&sb, &dir, extra);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{}{err}", stdout(&out));
        assert!(err.contains("scaffold 9.1.0"), "{err}");
        assert!(err.contains(&format!("scaffold {running}")), "{err}");
    }
    assert_eq!(git(&dir, &["rev-list", "--count", "HEAD"]).trim(), "2");
}

#[test]
fn an_ignored_file_where_the_templates_need_a_folder_is_refused() {
    let sb = Sandbox::new();
    let dir = project(&sb, &[]);
    let kinds = sb.path().join("kinds");
    copy_dir(&fixture("v2"), &kinds);
    std::fs::create_dir(kinds.join("app/files/conf")).unwrap();
    std::fs::write(kinds.join("app/files/conf/local.yaml"), "debug: false\n").unwrap();
    std::fs::write(dir.join(".gitignore"), "conf\n").unwrap();
    git(&dir, &["add", ".gitignore"]);
    git(&dir, &["commit", "-qm", "my local conf stays out of git"]);
    std::fs::write(dir.join("conf"), "my local settings\n").unwrap();
    let out = update_from(&sb, &dir, &kinds).output().unwrap();
    exits(&out, 2);
    assert!(stderr(&out).contains("  conf"), "{}", stderr(&out));
    assert_eq!(read(&dir, "conf"), "my local settings\n");
    assert_eq!(git(&dir, &["rev-list", "--count", "HEAD"]).trim(), "2");
}

#[test]
fn the_users_configuration_does_not_stop_an_update() {
    let sb = Sandbox::new();
    let dir = project(&sb, &[]);
    let config = sb.path().join("config.toml");
    std::fs::write(&config, "[defaults\n").unwrap();
    let out = update_cmd(&sb, &dir)
        .env("SCAFFOLD_CONFIG", &config)
        .output()
        .unwrap();
    exits(&out, 0);
    assert!(stdout(&out).contains("Merged and committed"));
}

#[test]
fn a_configuration_that_is_no_file_or_too_large_is_refused_at_once() {
    let sb = Sandbox::new();
    let huge = sb.path().join("huge.toml");
    std::fs::write(&huge, "# a comment line\n".repeat(20_000)).unwrap();
    for (config, needle) in [
        (std::path::PathBuf::from("/dev/zero"), "not a regular file"),
        (huge, "larger than 256 KiB"),
    ] {
        let mut cmd = sb.cmd(&["new", "--templates"]);
        // A hang guard, not a speed goal: reading /dev/zero whole never ends.
        cmd.arg(fixture("v1"))
            .args(["--kind", "app", "demo", "--no-input"])
            .env("SCAFFOLD_CONFIG", &config)
            .timeout(Duration::from_secs(60));
        let out = cmd.output().unwrap();
        exits(&out, 2);
        assert!(stderr(&out).contains(needle), "{}", stderr(&out));
        assert!(!sb.path().join("demo").exists());
    }
}

#[test]
fn a_newline_in_the_template_folder_path_keeps_the_record_valid() {
    let sb = Sandbox::new();
    let kinds = sb.path().join("my\nkinds");
    copy_dir(&fixture("v1"), &kinds);
    let out = sb
        .cmd(&["new", "--templates"])
        .arg(&kinds)
        .args(["--kind", "app", "demo", "--no-input"])
        .output()
        .unwrap();
    exits(&out, 0);
    let dir = sb.path().join("demo");
    let record = read(&dir, ".scaffold/answers.toml");
    let parsed: toml::Table = toml::from_str(&record).unwrap_or_else(|e| panic!("{e}\n{record}"));
    assert_eq!(parsed["kind"].as_str(), Some("app"));
    assert!(record.contains("--templates $'"), "{record}");
    let out = update_from(&sb, &dir, &kinds).output().unwrap();
    exits(&out, 0);
    assert!(
        stdout(&out).starts_with("Nothing to do"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_project_in_a_work_tree_that_ignores_it_gets_its_own_history() {
    let sb = Sandbox::new();
    git(sb.path(), &["init", "-q"]);
    std::fs::write(sb.path().join(".gitignore"), "*\n").unwrap();
    let dir = project(&sb, &[]);
    assert!(dir.join(".git").is_dir(), "no repository of its own");
    assert_eq!(git(&dir, &["rev-list", "--count", "HEAD"]).trim(), "1");
    replace(
        &dir,
        "runbook.md",
        "2. Page the owner.",
        "2. Page the owner (pager app).",
    );
    git(&dir, &["commit", "-qam", "my edit"]);
    let out = update(&sb, &dir, &[]);
    exits(&out, 0);
    assert!(read(&dir, "docs/runbook.md").contains("(pager app)"));
}
