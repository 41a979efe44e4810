//! `scaffold update` over the histories real teams make: the first update merged into `main` with GitHub's
//! "Squash and merge" or "Rebase and merge", a shallow clone, a manifest rewritten with `sha256sum`. Each is
//! followed by an edit of the user's and a second update, which must merge three ways from the rendering the
//! project was last generated from: the user's edits stay, and no line only the user changed gets markers.

use crate::support::Sandbox;
use crate::update::{
    append, edit_and_commit, exits, git, project, read, replace, stderr, stdout, update,
};
use std::path::Path;

/// The first update, made on a branch `update` off the user's edited `master`, as a pull request would be.
fn first_update_on_a_branch(sb: &Sandbox, dir: &Path) {
    edit_and_commit(dir);
    update_on_a_branch(sb, dir);
}

fn update_on_a_branch(sb: &Sandbox, dir: &Path) {
    git(dir, &["checkout", "-q", "-b", "update"]);
    let out = update(sb, dir, &[]);
    exits(&out, 0);
    git(dir, &["checkout", "-q", "master"]);
}

/// GitHub's "Squash and merge": the branch's changes as one new commit on master.
fn squash_merge(dir: &Path) {
    git(dir, &["merge", "-q", "--squash", "update"]);
    git(dir, &["commit", "-qm", "Update to the new templates (#1)"]);
}

/// An edit only the user makes, far from what the second update changes, committed; then the second update
/// (the same templates, another owner team, so the README's owner line changes).
fn edit_then_second_update(sb: &Sandbox, dir: &Path) -> std::process::Output {
    replace(dir, "README.md", "Nothing yet.", "Deploys on Fridays.");
    git(dir, &["commit", "-qam", "a note of mine"]);
    update(sb, dir, &["--set", "owner_team=payments"])
}

/// Every edit of the user's is there, the templates' change too, and no file holds a conflict marker.
fn assert_merged_three_ways(dir: &Path, out: &std::process::Output) {
    let text = stdout(out);
    assert_eq!(out.status.code(), Some(0), "{text}{}", stderr(out));
    assert!(text.contains("three-way merge with git"), "{text}");
    assert!(text.contains("Merged and committed"), "{text}");
    let readme = read(dir, "README.md");
    assert!(readme.contains("Owned by team payments"), "{readme}");
    assert!(readme.contains("Deploys on Fridays."), "{readme}");
    assert!(readme.contains("Our own note."), "{readme}");
    assert!(read(dir, "docs/runbook.md").contains("(pager app)"));
    for file in git(dir, &["ls-files"]).lines() {
        let bytes = std::fs::read(dir.join(file)).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains("<<<<<<<"),
            "{file} holds conflict markers"
        );
    }
    assert!(git(dir, &["status", "--porcelain"]).is_empty());
}

#[test]
fn a_squash_merged_update_is_the_base_of_the_next() {
    let sb = Sandbox::new();
    let dir = project(&sb, &[]);
    first_update_on_a_branch(&sb, &dir);
    squash_merge(&dir);
    git(&dir, &["branch", "-q", "-D", "update"]);
    let out = edit_then_second_update(&sb, &dir);
    assert_merged_three_ways(&dir, &out);
}

#[test]
fn a_rebase_merged_update_is_the_base_of_the_next() {
    let sb = Sandbox::new();
    let dir = project(&sb, &[]);
    // Edits the rebase can replay the update over (one the templates drop would stop it, as it would stop
    // GitHub's button).
    append(&dir, "README.md", "Our own note.\n");
    replace(
        &dir,
        "runbook.md",
        "2. Page the owner.",
        "2. Page the owner (pager app).",
    );
    git(&dir, &["commit", "-qam", "my edits"]);
    update_on_a_branch(&sb, &dir);
    // master moves on meanwhile, so the rebase replays the branch's commits as new ones.
    std::fs::write(dir.join("other.txt"), "meanwhile\n").unwrap();
    git(&dir, &["add", "other.txt"]);
    git(&dir, &["commit", "-qm", "meanwhile on master"]);
    git(&dir, &["checkout", "-q", "update"]);
    git(&dir, &["rebase", "-q", "master"]);
    git(&dir, &["checkout", "-q", "master"]);
    git(&dir, &["merge", "-q", "--ff-only", "update"]);
    git(&dir, &["branch", "-q", "-D", "update"]);
    let out = edit_then_second_update(&sb, &dir);
    assert_merged_three_ways(&dir, &out);
}

#[test]
fn a_manifest_refreshed_with_sha256sum_does_not_become_the_base() {
    let sb = Sandbox::new();
    let dir = project(&sb, &[]);
    first_update_on_a_branch(&sb, &dir);
    git(&dir, &["merge", "-q", "--no-edit", "update"]);
    // The user records their own files as if generated.
    let files: Vec<String> = git(&dir, &["ls-files"])
        .lines()
        .filter(|f| *f != ".scaffold/manifest")
        .map(String::from)
        .collect();
    let out = std::process::Command::new("sha256sum")
        .current_dir(&dir)
        .args(&files)
        .output()
        .unwrap();
    std::fs::write(dir.join(".scaffold/manifest"), &out.stdout).unwrap();
    git(&dir, &["commit", "-qam", "refresh the manifest"]);
    let out = edit_then_second_update(&sb, &dir);
    assert_merged_three_ways(&dir, &out);
}

#[test]
fn a_clone_brings_the_base_and_a_shallow_clone_is_told_how_to_fetch_it() {
    let sb = Sandbox::new();
    let dir = project(&sb, &[]);
    first_update_on_a_branch(&sb, &dir);
    squash_merge(&dir);
    let url = format!("file://{}", dir.display());

    let full = sb.path().join("full");
    git(sb.path(), &["clone", "-q", &url, "full"]);
    let out = edit_then_second_update(&sb, &full);
    assert_merged_three_ways(&full, &out);

    let shallow = sb.path().join("shallow");
    git(sb.path(), &["clone", "-q", "--depth", "1", &url, "shallow"]);
    let out = edit_then_second_update(&sb, &shallow);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{}{err}", stdout(&out));
    assert!(err.contains("shallow clone"), "{err}");
    let fetch = "git fetch origin 'refs/tags/scaffold/*:refs/tags/scaffold/*'";
    assert!(err.contains(fetch), "{err}");
    assert!(read(&shallow, "README.md").contains("Owned by team platform"));
    git(
        &shallow,
        &[
            "fetch",
            "-q",
            "origin",
            "refs/tags/scaffold/*:refs/tags/scaffold/*",
        ],
    );
    let out = update(&sb, &shallow, &["--set", "owner_team=payments"]);
    assert_merged_three_ways(&shallow, &out);
}
