//! `scaffold update` reads paths from the project (`.scaffold/manifest`) and from a template folder, and stays
//! inside the project whatever they say: no `..`, no absolute path, no writing or removing through a link, no
//! version control metadata; and the update without a history (the manifest fallback) is all or nothing.

use crate::errors::copy_dir;
use crate::support::Sandbox;
use crate::update::{exits, fixture, git, project, read, stderr, stdout, update, update_from};
use std::collections::BTreeMap;
use std::path::Path;

/// Every file under `dir` (links not followed) with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(at) = stack.pop() {
        for e in std::fs::read_dir(&at).unwrap() {
            let path = e.unwrap().path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            let rel = path.strip_prefix(dir).unwrap().display().to_string();
            if meta.is_dir() {
                stack.push(path);
            } else if meta.is_symlink() {
                out.insert(
                    rel,
                    std::fs::read_link(&path)
                        .unwrap()
                        .display()
                        .to_string()
                        .into_bytes(),
                );
            } else {
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

fn sha256(bytes: &[u8]) -> String {
    let out = std::process::Command::new("sha256sum")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(bytes)?;
            child.wait_with_output()
        })
        .unwrap();
    String::from_utf8_lossy(&out.stdout)[..64].to_string()
}

#[test]
fn a_manifest_line_outside_the_project_is_refused_not_deleted() {
    for git_history in [false, true] {
        let sb = Sandbox::new();
        let dir = project(&sb, if git_history { &[] } else { &["--no-git"] });
        let victim = sb.path().join("victim.txt");
        std::fs::write(&victim, "not the project's\n").unwrap();
        let hash = sha256(b"not the project's\n");
        for line in ["../victim.txt".to_string(), victim.display().to_string()] {
            let manifest = read(&dir, ".scaffold/manifest");
            std::fs::write(
                dir.join(".scaffold/manifest"),
                format!("{manifest}{hash}  {line}\n"),
            )
            .unwrap();
            if git_history {
                git(&dir, &["commit", "-qam", "a line of mine"]);
            }
            let before = snapshot(&dir);
            let out = update(&sb, &dir, &[]);
            exits(&out, 2);
            assert!(stderr(&out).contains(&line), "{}", stderr(&out));
            assert!(
                stderr(&out).contains("nothing was changed"),
                "{}",
                stderr(&out)
            );
            assert!(
                victim.is_file(),
                "{line}: a file outside the project was removed"
            );
            assert_eq!(snapshot(&dir), before);
            std::fs::write(dir.join(".scaffold/manifest"), manifest).unwrap();
            if git_history {
                git(&dir, &["commit", "-qam", "without it"]);
            }
        }
    }
}

#[test]
fn the_update_never_writes_or_removes_through_a_linked_folder() {
    let sb = Sandbox::new();
    let dir = project(&sb, &["--no-git"]);
    let elsewhere = sb.path().join("elsewhere");
    std::fs::rename(dir.join("deploy"), &elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, dir.join("deploy")).unwrap();
    let outside = snapshot(&elsewhere);
    let before = snapshot(&dir);
    // The new answer drops deploy/ingress.yaml (as generated) and adds deploy/httproute.yaml.
    let out = update(&sb, &dir, &["--set", "edge=gateway"]);
    exits(&out, 2);
    assert!(
        stderr(&out).contains("deploy is a link"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        snapshot(&elsewhere),
        outside,
        "written or removed outside the project"
    );
    assert_eq!(snapshot(&dir), before);
}

#[test]
fn a_failure_half_way_through_the_manifest_update_leaves_the_project_as_it_was() {
    let sb = Sandbox::new();
    let dir = project(&sb, &["--no-git"]);
    // A folder where the new templates add a file: writing it fails after other files were replaced.
    std::fs::create_dir(dir.join("CONTRIBUTING.md")).unwrap();
    let before = snapshot(&dir);
    for _ in 0..2 {
        let out = update(&sb, &dir, &[]);
        assert_ne!(out.status.code(), Some(0), "{}", stdout(&out));
        assert!(!stdout(&out).contains("Nothing to do"), "{}", stdout(&out));
        assert_eq!(
            snapshot(&dir),
            before,
            "the project changed: {}",
            stderr(&out)
        );
    }
}

#[test]
fn an_update_from_a_template_folder_with_git_metadata_is_refused() {
    let sb = Sandbox::new();
    let dir = project(&sb, &[]);
    let kinds = sb.path().join("kinds");
    copy_dir(&fixture("v2"), &kinds);
    let hooks = kinds.join("app/files/.git/hooks");
    std::fs::create_dir_all(&hooks).unwrap();
    let marker = sb.path().join("ran");
    std::fs::write(
        hooks.join("post-merge"),
        format!("#!/bin/sh\ntouch {}\n", marker.display()),
    )
    .unwrap();
    let before = snapshot(&dir);
    let out = update_from(&sb, &dir, &kinds).output().unwrap();
    exits(&out, 2);
    assert!(stderr(&out).contains("git metadata"), "{}", stderr(&out));
    assert_eq!(snapshot(&dir), before);
    assert!(!marker.exists());
}
