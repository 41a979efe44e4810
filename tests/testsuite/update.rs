//! A project's life: the git history `scaffold new` starts, and `scaffold update` merging newer templates or
//! other answers into a project the user has changed. Two versions of a small kind live in
//! `tests/fixtures/update/v1` and `v2`; the previous release's output of the built-in kinds is in
//! `tests/fixtures/previous-release/`.

use crate::support::Sandbox;
use std::path::{Path, PathBuf};
use std::process::Command;

pub(crate) fn fixture(version: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/update/{version}"))
}

/// `git ARGS` in `dir`, as a user with an identity of their own; panics on failure.
pub(crate) fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=Dev", "-c", "user.email=dev@example.com"])
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub(crate) fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

pub(crate) fn append(dir: &Path, file: &str, text: &str) {
    let mut s = read(dir, file);
    s.push_str(text);
    std::fs::write(dir.join(file), s).unwrap();
}

pub(crate) fn replace(dir: &Path, file: &str, from: &str, to: &str) {
    let s = read(dir, file);
    assert!(s.contains(from), "{file} does not hold {from:?}");
    std::fs::write(dir.join(file), s.replace(from, to)).unwrap();
}

/// A v1 project `demo` in the sandbox, with git (unless `no_git`).
pub(crate) fn project(sb: &Sandbox, extra: &[&str]) -> PathBuf {
    let mut cmd = sb.cmd(&["new", "--templates"]);
    cmd.arg(fixture("v1"))
        .args(["--kind", "app", "demo", "--no-input"])
        .args(extra);
    cmd.assert().code(0);
    sb.path().join("demo")
}

/// `scaffold update DIR --templates v2`, to add to.
pub(crate) fn update_cmd(sb: &Sandbox, dir: &Path) -> assert_cmd::Command {
    update_from(sb, dir, &fixture("v2"))
}

/// `scaffold update DIR --templates TEMPLATES`, to add to.
pub(crate) fn update_from(sb: &Sandbox, dir: &Path, templates: &Path) -> assert_cmd::Command {
    let mut cmd = sb.cmd(&["update"]);
    cmd.arg(dir).arg("--templates").arg(templates);
    cmd
}

pub(crate) fn update(sb: &Sandbox, dir: &Path, extra: &[&str]) -> std::process::Output {
    update_cmd(sb, dir).args(extra).output().unwrap()
}

/// The run exited with `code`; otherwise both its outputs are shown.
pub(crate) fn exits(out: &std::process::Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "{}{}",
        stdout(out),
        stderr(out)
    );
}

pub(crate) fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub(crate) fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The user's usual edits: a line of their own in the README (the templates change its top), an edit to the
/// runbook (which the templates move), a change to a file the templates drop, and a file of their own.
pub(crate) fn edit_and_commit(dir: &Path) {
    append(dir, "README.md", "Our own note.\n");
    replace(
        dir,
        "runbook.md",
        "2. Page the owner.",
        "2. Page the owner (pager app).",
    );
    append(dir, "dropped-edited.txt", "We still need this.\n");
    std::fs::write(dir.join("mine.txt"), "my own file\n").unwrap();
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "my edits"]);
}

#[test]
fn new_commits_exactly_the_generated_files_once() {
    let sb = Sandbox::new();
    let dir = project(&sb, &[]);
    assert_eq!(git(&dir, &["rev-list", "--count", "HEAD"]).trim(), "1");
    let mut tracked: Vec<String> = git(&dir, &["ls-files"]).lines().map(String::from).collect();
    tracked.sort();
    let on_disk: Vec<String> = sb
        .files("demo")
        .into_iter()
        .filter(|f| !f.starts_with(".git/"))
        .collect();
    assert_eq!(tracked, on_disk);
    assert!(git(&dir, &["status", "--porcelain"]).is_empty());
}

#[test]
fn no_git_leaves_no_repository() {
    let sb = Sandbox::new();
    let dir = project(&sb, &["--no-git"]);
    assert!(dir.join(".scaffold/manifest").is_file());
    assert!(!dir.join(".git").exists());
}

#[test]
fn a_project_inside_a_work_tree_joins_it_instead_of_starting_one() {
    let sb = Sandbox::new();
    git(sb.path(), &["init", "-q"]);
    let out = sb
        .cmd(&["new", "--templates"])
        .arg(fixture("v1"))
        .args(["--kind", "app", "demo", "--no-input"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(!sb.path().join("demo/.git").exists());
    assert!(
        stderr(&out).contains("no repository started"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn new_commits_without_a_git_identity_and_leaves_the_config_alone() {
    let sb = Sandbox::new();
    let home = tempfile::tempdir().unwrap();
    let out = sb
        .cmd(&["new", "--templates"])
        .arg(fixture("v1"))
        .args(["--kind", "app", "demo", "--no-input"])
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join(".config"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("GIT_CONFIG_GLOBAL")
        .env_remove("GIT_AUTHOR_NAME")
        .env_remove("GIT_AUTHOR_EMAIL")
        .env_remove("GIT_COMMITTER_NAME")
        .env_remove("GIT_COMMITTER_EMAIL")
        .env_remove("EMAIL")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let dir = sb.path().join("demo");
    let author = git(&dir, &["log", "-1", "--format=%an <%ae>"]);
    assert_eq!(author.trim(), "scaffold <scaffold@invalid>");
    assert_eq!(
        std::fs::read_dir(home.path()).unwrap().count(),
        0,
        "HOME was written to"
    );
    assert!(!git(&dir, &["config", "--local", "--list"]).contains("user."));
}

#[test]
fn update_merges_the_users_edits_with_the_templates_changes() {
    let sb = Sandbox::new();
    let dir = project(&sb, &[]);
    edit_and_commit(&dir);
    let before = git(&dir, &["rev-parse", "HEAD"]);
    let out = update(&sb, &dir, &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}{}", stderr(&out));
    assert!(text.contains("three-way merge with git"), "{text}");

    // The same file changed on both sides, in different places: both changes.
    let readme = read(&dir, "README.md");
    assert!(
        readme.contains("Owned by team platform; ask them first."),
        "{readme}"
    );
    assert!(readme.contains("Our own note."), "{readme}");
    // Renamed by the templates, edited by the user: the edit moves with it.
    assert!(!dir.join("runbook.md").exists());
    assert!(read(&dir, "docs/runbook.md").contains("(pager app)"));
    // Dropped and untouched: removed. Dropped but edited: kept, and said so.
    assert!(!dir.join("dropped.txt").exists());
    assert!(read(&dir, "dropped-edited.txt").contains("We still need this."));
    assert!(text.contains("kept      dropped-edited.txt"), "{text}");
    // Added by the templates; the user's own file untouched.
    assert_eq!(
        read(&dir, "CONTRIBUTING.md"),
        "Added by the second version.\n"
    );
    assert_eq!(read(&dir, "mine.txt"), "my own file\n");
    assert_eq!(read(&dir, "check.sh"), "#!/bin/sh\necho check v2\n");

    // One merge commit on top of the user's, nothing left uncommitted.
    assert!(git(&dir, &["status", "--porcelain"]).is_empty());
    let parents = git(&dir, &["log", "-1", "--format=%P"]);
    assert_eq!(parents.split_whitespace().next(), Some(before.trim()));
    assert_eq!(parents.split_whitespace().count(), 2);
}

#[test]
fn a_second_update_with_the_same_templates_is_a_no_op() {
    let sb = Sandbox::new();
    let dir = project(&sb, &[]);
    edit_and_commit(&dir);
    assert_eq!(update(&sb, &dir, &[]).status.code(), Some(0));
    let head = git(&dir, &["rev-parse", "HEAD"]);
    let again = update(&sb, &dir, &[]);
    assert_eq!(again.status.code(), Some(0));
    assert!(
        stdout(&again).starts_with("Nothing to do"),
        "{}",
        stdout(&again)
    );
    assert_eq!(git(&dir, &["rev-parse", "HEAD"]), head);
}

#[test]
fn overlapping_edits_leave_conflict_markers_and_exit_1() {
    let sb = Sandbox::new();
    let dir = project(&sb, &[]);
    replace(&dir, "settings.yaml", "image: app:1.0", "image: app:1.5");
    git(&dir, &["commit", "-qam", "pin my image"]);
    let mine = git(&dir, &["rev-parse", "HEAD"]);
    let out = update(&sb, &dir, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let settings = read(&dir, "settings.yaml");
    assert!(settings.contains("<<<<<<< HEAD\nimage: app:1.5\n=======\nimage: app:2.0\n>>>>>>> "));
    let text = stdout(&out);
    assert!(text.contains("conflict  settings.yaml"), "{text}");
    assert!(text.contains("git merge --abort"), "{text}");
    assert!(text.contains("UU settings.yaml"), "{text}");
    assert!(
        stderr(&out).contains("conflict markers"),
        "{}",
        stderr(&out)
    );
    // The non-conflicting parts are merged and staged, and aborting undoes everything.
    assert!(read(&dir, "README.md").contains("ask them first"));
    git(&dir, &["merge", "--abort"]);
    assert_eq!(git(&dir, &["rev-parse", "HEAD"]), mine);
    assert!(git(&dir, &["status", "--porcelain"]).is_empty());
    assert_eq!(
        read(&dir, "settings.yaml"),
        "replicas: 2\nimage: app:1.5\nport: 8080\n"
    );
}

/// A step that fails after the merge began changing the index and work tree (here `MERGE_HEAD` cannot be
/// written because a folder holds its place) takes them back: the update fails with the project as it was, not
/// with staged changes and no merge to abort.
#[test]
fn a_merge_that_fails_half_way_takes_the_index_and_work_tree_back() {
    let sb = Sandbox::new();
    let dir = project(&sb, &[]);
    replace(&dir, "settings.yaml", "image: app:1.0", "image: app:1.5");
    git(&dir, &["commit", "-qam", "pin my image"]);
    let mine = git(&dir, &["rev-parse", "HEAD"]);
    let blocker = dir.join(".git/MERGE_HEAD");
    std::fs::create_dir(&blocker).unwrap();
    let out = update(&sb, &dir, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("MERGE_HEAD"), "{}", stderr(&out));
    std::fs::remove_dir(&blocker).unwrap();
    assert_eq!(git(&dir, &["rev-parse", "HEAD"]), mine);
    assert_eq!(git(&dir, &["status", "--porcelain"]), "");
    for left in ["MERGE_MSG", "MERGE_MODE"] {
        assert!(!dir.join(".git").join(left).exists(), "{left} left behind");
    }
    assert_eq!(
        read(&dir, "settings.yaml"),
        "replicas: 2\nimage: app:1.5\nport: 8080\n"
    );
}

#[test]
fn an_update_whose_base_cannot_be_recorded_changes_nothing() {
    let sb = Sandbox::new();
    let dir = project(&sb, &[]);
    edit_and_commit(&dir);
    let mine = git(&dir, &["rev-parse", "HEAD"]);
    // The first rendering's tag moves into packed-refs, and a file stands where the tags' folder was: git still
    // reads the old tag, but can write no new one there.
    git(&dir, &["pack-refs", "--all"]);
    let tags = dir.join(".git/refs/tags/scaffold/base");
    if tags.is_dir() {
        std::fs::remove_dir_all(&tags).unwrap();
    }
    std::fs::create_dir_all(tags.parent().unwrap()).unwrap();
    std::fs::write(&tags, "not a ref\n").unwrap();
    let out = update(&sb, &dir, &[]);
    std::fs::remove_file(&tags).unwrap();
    assert_ne!(out.status.code(), Some(0), "{}", stdout(&out));
    // Without its tag the merge would be the next update's lost base: so it is not made at all.
    assert_eq!(git(&dir, &["rev-parse", "HEAD"]), mine, "{}", stderr(&out));
    assert_eq!(git(&dir, &["status", "--porcelain"]), "");
}

#[test]
fn set_re_renders_with_the_new_answer_and_records_it() {
    let sb = Sandbox::new();
    let dir = project(&sb, &[]);
    edit_and_commit(&dir);
    let out = update(&sb, &dir, &["--set", "edge=gateway"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(dir.join("deploy/httproute.yaml").is_file());
    assert!(!dir.join("deploy/ingress.yaml").exists());
    let record = read(&dir, ".scaffold/answers.toml");
    assert!(record.contains("edge = \"gateway\""), "{record}");
    let again = update(&sb, &dir, &[]);
    assert!(
        stdout(&again).starts_with("Nothing to do"),
        "{}",
        stdout(&again)
    );
}

#[test]
fn a_dirty_work_tree_is_refused() {
    let sb = Sandbox::new();
    let dir = project(&sb, &[]);
    append(&dir, "README.md", "not committed\n");
    let out = update(&sb, &dir, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not committed"), "{}", stderr(&out));
    assert!(stderr(&out).contains("git stash"), "{}", stderr(&out));
    assert!(!dir.join("CONTRIBUTING.md").exists());
    assert_eq!(git(&dir, &["rev-list", "--count", "HEAD"]).trim(), "1");
}

#[test]
fn a_folder_that_is_not_a_project_is_refused() {
    let sb = Sandbox::new();
    let out = update(&sb, sb.path(), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not a project generated by scaffold"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_dry_run_lists_the_changes_and_writes_nothing() {
    let sb = Sandbox::new();
    let dir = project(&sb, &[]);
    edit_and_commit(&dir);
    replace(&dir, "settings.yaml", "image: app:1.0", "image: app:1.5");
    git(&dir, &["commit", "-qam", "pin"]);
    let head = git(&dir, &["rev-parse", "HEAD"]);
    let files = sb.files("demo");
    let out = update(&sb, &dir, &["--dry-run", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let list = |k: &str| {
        v["update"][k]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(list("added"), ["CONTRIBUTING.md"]);
    assert_eq!(list("removed"), ["dropped.txt"]);
    assert_eq!(list("kept"), ["dropped-edited.txt"]);
    assert_eq!(list("conflicts"), ["settings.yaml"]);
    assert!(list("merged").contains(&"README.md".to_string()));
    assert_eq!(v["update"]["method"], "merge");
    assert_eq!(git(&dir, &["rev-parse", "HEAD"]), head);
    assert_eq!(sb.files("demo"), files);
    assert!(git(&dir, &["status", "--porcelain"]).is_empty());
}

#[test]
fn without_git_history_the_manifest_decides() {
    let sb = Sandbox::new();
    let dir = project(&sb, &["--no-git"]);
    append(&dir, "README.md", "Our own note.\n");
    append(&dir, "dropped-edited.txt", "We still need this.\n");
    let out = update(&sb, &dir, &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("by the manifest, because the project is not in a git repository"),
        "{text}"
    );
    // Untouched: replaced or removed. Touched: conflict markers against an empty base, or kept.
    assert_eq!(
        read(&dir, "settings.yaml"),
        "replicas: 2\nimage: app:2.0\nport: 8080\n"
    );
    assert!(!dir.join("dropped.txt").exists());
    assert!(dir.join("dropped-edited.txt").exists());
    let readme = read(&dir, "README.md");
    assert!(
        readme.contains("<<<<<<< yours") && readme.contains(">>>>>>> template"),
        "{readme}"
    );
    assert!(readme.contains("Our own note."));
    // The record describes the new state, so the next update has nothing to do.
    assert!(stdout(&update(&sb, &dir, &[])).starts_with("Nothing to do"));
}

#[test]
fn without_git_installed_the_manifest_decides_and_says_so() {
    let sb = Sandbox::new();
    let dir = project(&sb, &["--no-git"]);
    append(&dir, "README.md", "Our own note.\n");
    let empty = tempfile::tempdir().unwrap();
    let mut cmd = sb.cmd(&["update"]);
    cmd.arg(&dir)
        .arg("--templates")
        .arg(fixture("v2"))
        .env("PATH", empty.path());
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("git is not installed"),
        "{}",
        stdout(&out)
    );
    let readme = read(&dir, "README.md");
    assert!(readme.starts_with("<<<<<<< yours\n"), "{readme}");
}

#[test]
fn hand_made_history_that_matches_no_manifest_falls_back_on_it() {
    let sb = Sandbox::new();
    let dir = project(&sb, &["--no-git"]);
    append(&dir, "README.md", "Our own note.\n");
    git(&dir, &["init", "-q"]);
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-qm", "everything at once"]);
    let out = update(&sb, &dir, &[]);
    assert!(
        stdout(&out).contains("no commit holds the files"),
        "{}",
        stdout(&out)
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn user_defaults_from_the_config_file_sit_below_the_answers() {
    let sb = Sandbox::new();
    let config = sb.path().join("config.toml");
    std::fs::write(
        &config,
        "[defaults]\nowner_team = \"payments\"\ngithub_org = \"acme\"\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        let mut cmd = sb.cmd(&[]);
        cmd.args(args).env("SCAFFOLD_CONFIG", &config);
        cmd.output().unwrap()
    };
    let v1 = fixture("v1");
    let v1 = v1.to_str().unwrap();
    // A key the kind does not ask (github_org) is ignored; the one it asks becomes its default.
    let list = run(&["list", "--templates", v1]);
    assert!(
        stdout(&list).contains("[default: payments]"),
        "{}",
        stdout(&list)
    );
    let out = run(&[
        "new",
        "--templates",
        v1,
        "--kind",
        "app",
        "a",
        "--no-input",
        "--no-git",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        read(&sb.path().join("a"), ".scaffold/answers.toml").contains("owner_team = \"payments\"")
    );
    let set = run(&[
        "new",
        "--templates",
        v1,
        "--kind",
        "app",
        "b",
        "--no-input",
        "--no-git",
        "--set",
        "owner_team=web",
    ]);
    assert_eq!(set.status.code(), Some(0));
    assert!(read(&sb.path().join("b"), "README.md").contains("Owned by web."));
    std::fs::write(&config, "[defaults\n").unwrap();
    let broken = run(&["new", "--templates", v1, "--kind", "app", "c", "--no-input"]);
    assert_eq!(broken.status.code(), Some(2));
    assert!(
        stderr(&broken).contains(&config.display().to_string()),
        "{}",
        stderr(&broken)
    );
    assert!(!sb.path().join("c").exists());
}

/// The previous release's output of each built-in kind, committed by its owner with an edit of their own, then
/// updated to the current templates.
#[test]
fn projects_from_the_previous_release_update_to_the_current_templates() {
    for (kind, name) in [("k8s-platform", "shop"), ("serverless-webhook", "hooks")] {
        let sb = Sandbox::new();
        let tarball = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(format!("tests/fixtures/previous-release/{kind}.tar.gz"));
        let status = Command::new("tar")
            .current_dir(sb.path())
            .arg("xzf")
            .arg(&tarball)
            .status()
            .unwrap();
        assert!(status.success());
        let dir = sb.path().join(name);
        assert!(read(&dir, ".scaffold/answers.toml").contains("scaffold_version = \"0.1.0\""));
        git(&dir, &["init", "-q"]);
        git(&dir, &["add", "-A"]);
        git(&dir, &["commit", "-qm", "generated by scaffold 0.1.0"]);
        append(&dir, "README.md", "\nMaintained by the payments team.\n");
        std::fs::write(dir.join("NOTES.md"), "mine\n").unwrap();
        git(&dir, &["add", "-A"]);
        git(&dir, &["commit", "-qm", "my edits"]);

        let out = sb.cmd(&["update"]).arg(&dir).output().unwrap();
        let text = stdout(&out);
        assert_eq!(out.status.code(), Some(0), "{kind}: {text}{}", stderr(&out));
        assert!(text.contains("from scaffold 0.1.0 to"), "{kind}: {text}");
        assert!(
            text.contains("## [0.2.0]"),
            "{kind}: the changelog is not shown: {text}"
        );
        assert!(read(&dir, "README.md").ends_with("\nMaintained by the payments team.\n"));
        assert_eq!(read(&dir, "NOTES.md"), "mine\n");
        let record = read(&dir, ".scaffold/answers.toml");
        assert!(record.contains(&format!(
            "scaffold_version = \"{}\"",
            env!("CARGO_PKG_VERSION")
        )));

        // The project now is what `scaffold new` renders for the same answers, plus the user's changes.
        let again = sb.path().join("again");
        sb.cmd(&["new", "--answers"])
            .arg(dir.join(".scaffold/answers.toml"))
            .args(["-o", "again", "--no-git"])
            .assert()
            .code(0);
        assert_eq!(
            read(&again, ".scaffold/manifest"),
            read(&dir, ".scaffold/manifest"),
            "{kind}"
        );
        let second = sb.cmd(&["update"]).arg(&dir).output().unwrap();
        assert!(
            stdout(&second).starts_with("Nothing to do"),
            "{kind}: {}",
            stdout(&second)
        );
    }
}

#[test]
fn a_project_in_a_folder_of_a_larger_repository_is_merged_there() {
    let sb = Sandbox::new();
    git(sb.path(), &["init", "-q"]);
    std::fs::write(sb.path().join("other.txt"), "not the project's\n").unwrap();
    let dir = project(&sb, &[]);
    git(sb.path(), &["add", "-A"]);
    git(sb.path(), &["commit", "-qm", "monorepo with demo"]);
    edit_and_commit(&dir);
    let out = update(&sb, &dir, &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(read(&dir, "README.md").contains("ask them first"));
    assert!(read(&dir, "README.md").contains("Our own note."));
    assert!(dir.join("CONTRIBUTING.md").is_file());
    assert!(!sb.path().join("CONTRIBUTING.md").exists());
    assert_eq!(read(sb.path(), "other.txt"), "not the project's\n");
    assert!(stdout(&update(&sb, &dir, &[])).starts_with("Nothing to do"));
}

#[test]
fn an_ignored_file_where_the_templates_add_one_is_refused_not_replaced() {
    let sb = Sandbox::new();
    let dir = project(&sb, &[]);
    std::fs::write(dir.join(".gitignore"), "CONTRIBUTING.md\n").unwrap();
    git(&dir, &["add", ".gitignore"]);
    git(&dir, &["commit", "-qm", "ignore my notes"]);
    std::fs::write(dir.join("CONTRIBUTING.md"), "my private notes\n").unwrap();
    let out = update(&sb, &dir, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(stderr(&out).contains("CONTRIBUTING.md"), "{}", stderr(&out));
    assert_eq!(read(&dir, "CONTRIBUTING.md"), "my private notes\n");
}

#[test]
fn update_help_documents_its_exit_codes() {
    let sb = Sandbox::new();
    let out = sb.cmd(&["update", "--help"]).output().unwrap();
    assert!(stdout(&out).contains("Exit codes: 0 merged or nothing to do, 1 conflicts left"));
}
