//! `scaffold new` and `scaffold update` as git commands among the user's: a clean environment whatever the
//! caller's `GIT_*` variables, literal paths, one policy for hooks and signing, one update at a time, and any
//! file name git can hold.

use crate::errors::copy_dir;
use crate::support::Sandbox;
use crate::update::{
    exits, fixture, git, project, read, replace, stderr, stdout, update, update_cmd, update_from,
};
use std::path::{Path, PathBuf};

/// A global git configuration in the sandbox that signs every commit with a program that always fails.
fn signing_config(sb: &Sandbox) -> PathBuf {
    let path = sb.path().join("gitconfig");
    std::fs::write(
        &path,
        "[user]\n\tname = Dev\n\temail = dev@example.com\n[commit]\n\tgpgsign = true\n[gpg]\n\tprogram = false\n",
    )
    .unwrap();
    path
}

/// A commit-msg hook that refuses every message, as a strict commitlint setup refuses scaffold's.
fn refuse_every_message(dir: &Path) {
    let hook = dir.join(".git/hooks/commit-msg");
    std::fs::write(
        &hook,
        "#!/bin/sh\necho 'commit-msg: rejected' >&2\nexit 1\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::copy(&hook, dir.join(".git/hooks/pre-merge-commit")).unwrap();
}

#[test]
fn git_variables_of_the_caller_do_not_leak_into_scaffolds_git() {
    let sb = Sandbox::new();
    let outer = sb.path().join("outer");
    std::fs::create_dir(&outer).unwrap();
    git(&outer, &["init", "-q"]);
    std::fs::write(outer.join("staged.txt"), "staged by the user\n").unwrap();
    git(&outer, &["add", "staged.txt"]);
    let index_before = std::fs::read(outer.join(".git/index")).unwrap();
    // As a pre-commit hook of `outer` runs: git has set these for it.
    let mut cmd = sb.cmd(&["new", "--templates"]);
    cmd.arg(fixture("v1"))
        .args(["--kind", "app", "demo", "--no-input"])
        .env("GIT_DIR", outer.join(".git"))
        .env("GIT_INDEX_FILE", outer.join(".git/index"))
        .env("GIT_WORK_TREE", &outer)
        .env("GIT_PREFIX", "");
    let out = cmd.output().unwrap();
    exits(&out, 0);
    let dir = sb.path().join("demo");
    assert_eq!(git(&dir, &["rev-list", "--count", "HEAD"]).trim(), "1");
    assert_eq!(
        std::fs::read(outer.join(".git/index")).unwrap(),
        index_before
    );
    assert!(git(&outer, &["rev-list", "--all"]).trim().is_empty());

    let out = update_cmd(&sb, &dir)
        .env("GIT_DIR", outer.join(".git"))
        .env("GIT_INDEX_FILE", outer.join(".git/index"))
        .output()
        .unwrap();
    exits(&out, 0);
    assert_eq!(git(&dir, &["rev-list", "--count", "HEAD"]).trim(), "3");
    assert_eq!(
        std::fs::read(outer.join(".git/index")).unwrap(),
        index_before
    );
    assert!(git(&outer, &["rev-list", "--all"]).trim().is_empty());
}

#[test]
fn hooks_and_signing_neither_stop_a_clean_update_nor_a_conflicted_one() {
    let sb = Sandbox::new();
    let config = signing_config(&sb);
    let mut cmd = sb.cmd(&["new", "--templates"]);
    cmd.arg(fixture("v1"))
        .args(["--kind", "app", "demo", "--no-input"])
        .env("GIT_CONFIG_GLOBAL", &config);
    let out = cmd.output().unwrap();
    exits(&out, 0);
    let dir = sb.path().join("demo");
    assert_eq!(git(&dir, &["rev-list", "--count", "HEAD"]).trim(), "1");
    refuse_every_message(&dir);
    let clean = dir.parent().unwrap().join("clean");
    git(sb.path(), &["clone", "-q", "demo", "clean"]);
    refuse_every_message(&clean);

    // Clean: merged and committed, the same as without the hook.
    let out = update_cmd(&sb, &clean)
        .env("GIT_CONFIG_GLOBAL", &config)
        .output()
        .unwrap();
    exits(&out, 0);
    assert!(stdout(&out).contains("Merged and committed"));
    assert!(git(&clean, &["status", "--porcelain"]).is_empty());

    // Conflicted: the merge is left to the user, and aborting it restores everything.
    replace(&dir, "settings.yaml", "image: app:1.0", "image: app:1.5");
    git(
        &dir,
        &[
            "-c",
            "commit.gpgsign=false",
            "commit",
            "-qam",
            "pin",
            "--no-verify",
        ],
    );
    let mine = git(&dir, &["rev-parse", "HEAD"]);
    let out = update_cmd(&sb, &dir)
        .env("GIT_CONFIG_GLOBAL", &config)
        .output()
        .unwrap();
    exits(&out, 1);
    assert!(git(&dir, &["status", "--porcelain"]).contains("UU settings.yaml"));
    git(&dir, &["merge", "--abort"]);
    assert_eq!(git(&dir, &["rev-parse", "HEAD"]), mine);
    assert!(git(&dir, &["status", "--porcelain"]).is_empty());
}

/// Files named like patterns, which v1 of [`kinds_with_glob_names`] has and v2 drops. As patterns, `*` would name
/// every file, `[id].tsx` also `i.tsx` and `d.tsx`, and `notes[1].md` also `notes1.md`.
const GLOB_NAMES: [&str; 3] = ["notes[1].md", "[id].tsx", "*"];

/// v1 and v2 of the update fixture with more files: those of [`GLOB_NAMES`], which v2 drops, and `notes1.md`,
/// which both have in different versions.
fn kinds_with_glob_names(sb: &Sandbox) -> (PathBuf, PathBuf) {
    let (v1, v2) = (sb.path().join("v1"), sb.path().join("v2"));
    copy_dir(&fixture("v1"), &v1);
    copy_dir(&fixture("v2"), &v2);
    for name in GLOB_NAMES {
        std::fs::write(v1.join("app/files").join(name), format!("first {name}\n")).unwrap();
    }
    std::fs::write(v1.join("app/files/notes1.md"), "level: 1\n").unwrap();
    std::fs::write(v2.join("app/files/notes1.md"), "level: 2\n").unwrap();
    (v1, v2)
}

/// A project `demo` of v1 of [`kinds_with_glob_names`] whose files of [`GLOB_NAMES`] the user changed (not yet
/// committed), and v2.
fn glob_names_changed(sb: &Sandbox) -> (PathBuf, PathBuf) {
    let (v1, v2) = kinds_with_glob_names(sb);
    let mut cmd = sb.cmd(&["new", "--templates"]);
    cmd.arg(&v1).args(["--kind", "app", "demo", "--no-input"]);
    assert_eq!(cmd.output().unwrap().status.code(), Some(0));
    let dir = sb.path().join("demo");
    for name in GLOB_NAMES {
        std::fs::write(dir.join(name), format!("first {name}, and mine\n")).unwrap();
    }
    (dir, v2)
}

#[test]
fn a_file_named_like_a_pattern_is_only_that_file() {
    let sb = Sandbox::new();
    let (dir, v2) = glob_names_changed(&sb);
    replace(&dir, "notes1.md", "level: 1", "level: 3");
    git(&dir, &["commit", "-qam", "my notes"]);
    let mine = git(&dir, &["rev-parse", "HEAD"]);
    let out = update_from(&sb, &dir, &v2).output().unwrap();
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}{}", stderr(&out));
    for name in GLOB_NAMES {
        assert!(text.contains(&format!("kept      {name}  (")), "{text}");
        assert_eq!(read(&dir, name), format!("first {name}, and mine\n"));
    }
    assert!(text.contains("conflict  notes1.md"), "{text}");
    assert!(!text.contains("Merged and committed"), "{text}");
    assert_eq!(git(&dir, &["rev-parse", "HEAD"]), mine, "a commit was made");
    let status = git(&dir, &["status", "--porcelain"]);
    assert!(status.contains("UU notes1.md"), "{status}");
    // The markers are in the work tree, and only there.
    assert!(read(&dir, "notes1.md").contains("<<<<<<<"));
    let grep = std::process::Command::new("git")
        .current_dir(&dir)
        .args(["grep", "-l", "-e", "<<<<<<<", "HEAD"])
        .output()
        .unwrap();
    assert_eq!(grep.status.code(), Some(1), "{}", stdout(&grep));
}

#[test]
fn files_named_like_patterns_are_kept_whole_in_a_clean_merge() {
    let sb = Sandbox::new();
    let (dir, v2) = glob_names_changed(&sb);
    // Files of the user's that the patterns would also name.
    for name in ["i.tsx", "d.tsx"] {
        std::fs::write(dir.join(name), "my own component\n").unwrap();
    }
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-qm", "my notes"]);
    let out = update_from(&sb, &dir, &v2).output().unwrap();
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}{}", stderr(&out));
    assert!(text.contains("Merged and committed"), "{text}");
    assert!(git(&dir, &["status", "--porcelain"]).is_empty());
    for name in GLOB_NAMES {
        assert!(text.contains(&format!("kept      {name}  (")), "{text}");
        let held = git(&dir, &["cat-file", "blob", &format!("HEAD:{name}")]);
        assert_eq!(held, format!("first {name}, and mine\n"), "{name}");
    }
    for name in ["i.tsx", "d.tsx"] {
        assert_eq!(read(&dir, name), "my own component\n");
    }
    // v2 changed notes1.md; the user did not: it takes v2's text, and nothing else changed with it.
    assert_eq!(read(&dir, "notes1.md"), "level: 2\n");
}

/// The first commit of `new` stages the generated files by name: in a folder (taken with `--force`) that holds
/// files a pattern would match, those stay the user's: untracked, and out of the base of the next update, which
/// therefore never removes them once the user commits them.
#[test]
fn new_commits_files_named_like_patterns_and_nothing_they_would_match() {
    let sb = Sandbox::new();
    let (v1, v2) = kinds_with_glob_names(&sb);
    for kind in [&v1, &v2] {
        std::fs::remove_file(kind.join("app/files/notes1.md")).unwrap();
    }
    let dir = sb.path().join("demo");
    std::fs::create_dir(&dir).unwrap();
    let users = ["notes1.md", "i.tsx", "notes.txt"];
    for name in users {
        std::fs::write(dir.join(name), "the user's own\n").unwrap();
    }
    let mut cmd = sb.cmd(&["new", "--templates"]);
    cmd.arg(&v1)
        .args(["--kind", "app", "--no-input", "--force", "-o"])
        .arg(&dir)
        .args(["--set", "name=demo"]);
    let out = cmd.output().unwrap();
    exits(&out, 0);
    let tracked = git(&dir, &["ls-files"]);
    for name in GLOB_NAMES {
        assert!(tracked.lines().any(|l| l == name), "{name}: {tracked}");
    }
    for name in users {
        assert!(!tracked.lines().any(|l| l == name), "{name}: {tracked}");
    }
    let status = git(&dir, &["status", "--porcelain"]);
    assert_eq!(status, "?? i.tsx\n?? notes.txt\n?? notes1.md\n");
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-qm", "my files"]);
    let out = update_from(&sb, &dir, &v2).output().unwrap();
    exits(&out, 0);
    for name in users {
        assert_eq!(read(&dir, name), "the user's own\n", "{name}");
    }
}

#[test]
fn a_staged_rename_from_a_non_ascii_name_is_refused_as_uncommitted() {
    let sb = Sandbox::new();
    let dir = project(&sb, &[]);
    // Its third byte falls inside `é`.
    std::fs::write(dir.join("noé.md"), "mine\n").unwrap();
    git(&dir, &["add", "noé.md"]);
    git(&dir, &["commit", "-qm", "a note"]);
    git(&dir, &["mv", "noé.md", "notes.md"]);
    let out = update(&sb, &dir, &[]);
    exits(&out, 2);
    assert!(stderr(&out).contains("not committed"), "{}", stderr(&out));
}

#[test]
fn a_second_update_is_refused_while_one_runs() {
    let sb = Sandbox::new();
    let dir = project(&sb, &[]);
    let lock = dir.join(".git/scaffold-update.lock");
    // This test's own process stands for an update still running.
    std::fs::write(&lock, std::process::id().to_string()).unwrap();
    let out = update(&sb, &dir, &[]);
    exits(&out, 2);
    assert!(
        stderr(&out).contains("another scaffold update is running"),
        "{}",
        stderr(&out)
    );
    assert_eq!(git(&dir, &["rev-list", "--count", "HEAD"]).trim(), "1");
    // A lock left by a process that is gone is taken over.
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let gone = child.id();
    child.wait().unwrap();
    std::fs::write(&lock, gone.to_string()).unwrap();
    let out = update(&sb, &dir, &[]);
    exits(&out, 0);
    assert!(!lock.exists());
}
