//! A template folder given on the command line is untrusted input: links must stay inside it, special files are
//! refused without being opened, sizes and counts are bounded, and recursive partials are refused before they
//! can overflow the stack. Each is a usage error (exit 2) naming the path, in bounded time.

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::errors::{copy_dir, fails};
use crate::support::{Sandbox, fixtures};

/// A copy of the demo kind in the sandbox, under `kinds/demo`; returns `kinds`.
fn kinds(sb: &Sandbox) -> PathBuf {
    let root = sb.path().join("kinds");
    copy_dir(&fixtures().join("demo"), &root.join("demo"));
    root
}

/// `scaffold list` and `scaffold new` on `root` both fail with exit 2, without hanging, naming `path`;
/// returns the message of `new`.
fn refused(sb: &Sandbox, root: &Path, path: &Path, needle: &str) -> String {
    let mut text = String::new();
    for args in [
        vec!["list", "--templates"],
        vec!["new", "--kind", "demo", "shop", "--no-input", "--templates"],
    ] {
        let mut cmd = sb.cmd(&args);
        // A hang guard, not a speed goal: a special file opened for reading would block forever, and a killed
        // process does not exit with 2.
        cmd.arg(root).timeout(Duration::from_secs(30));
        text = fails(sb, cmd, 2);
        let shown = path
            .display()
            .to_string()
            .replace(&sb.path().display().to_string(), "[TMP]");
        assert!(
            text.contains(&shown),
            "{args:?}: {shown} not named in: {text}"
        );
        assert!(text.contains(needle), "{args:?}: {needle} not in: {text}");
    }
    assert!(!sb.path().join("shop").exists());
    text
}

#[test]
fn a_link_to_a_file_outside_the_folder_is_refused() {
    let sb = Sandbox::new();
    let root = kinds(&sb);
    let link = root.join("demo/files/passwd");
    symlink("/etc/passwd", &link).unwrap();
    let text = refused(&sb, &root, &link, "outside the template folder");
    assert!(!text.contains("root:"), "the file was read: {text}");
}

#[test]
fn a_link_to_a_large_folder_or_a_device_is_refused_at_once() {
    for target in ["/usr", "/dev/urandom", "/dev/zero", "/proc/self"] {
        let sb = Sandbox::new();
        let root = kinds(&sb);
        let link = root.join("demo/files/big");
        symlink(target, &link).unwrap();
        refused(&sb, &root, &link, "outside the template folder");
    }
}

#[test]
fn a_kind_folder_that_links_outside_is_refused() {
    let sb = Sandbox::new();
    let outside = sb.path().join("elsewhere");
    copy_dir(&fixtures().join("demo"), &outside.join("demo"));
    let root = sb.path().join("kinds");
    std::fs::create_dir(&root).unwrap();
    let link = root.join("demo");
    symlink(outside.join("demo"), &link).unwrap();
    refused(&sb, &root, &link, "outside the template folder");
}

#[test]
fn links_that_stay_inside_the_folder_are_followed() {
    let sb = Sandbox::new();
    let root = kinds(&sb);
    symlink(
        "../README.md.hbs",
        root.join("demo/files/docs/README-copy.md.hbs"),
    )
    .unwrap();
    symlink("extra", root.join("demo/files/docs/more")).unwrap();
    let mut cmd = sb.cmd(&["new", "--kind", "demo", "shop", "--no-input", "--templates"]);
    cmd.arg(&root).assert().success();
    assert_eq!(
        std::fs::read(sb.path().join("shop/docs/README-copy.md")).unwrap(),
        std::fs::read(sb.path().join("shop/README.md")).unwrap()
    );
    assert!(sb.path().join("shop/docs/more/metrics.md").is_file());
}

#[test]
fn a_link_back_to_a_folder_that_holds_it_is_refused() {
    let sb = Sandbox::new();
    let root = kinds(&sb);
    let link = root.join("demo/files/docs/loop");
    symlink("..", &link).unwrap();
    refused(&sb, &root, &link, "link back to a folder");
}

#[test]
fn a_fifo_is_refused_without_being_opened() {
    let sb = Sandbox::new();
    let root = kinds(&sb);
    let fifo = root.join("demo/files/pipe");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success(), "mkfifo failed");
    refused(&sb, &root, &fifo, "a named pipe (FIFO)");
    // A link to it is refused the same way.
    std::fs::remove_file(&fifo).unwrap();
    std::process::Command::new("mkfifo")
        .arg(root.join("demo/pipe"))
        .status()
        .unwrap();
    let link = root.join("demo/files/pipe-link");
    symlink("../pipe", &link).unwrap();
    refused(&sb, &root, &link, "a named pipe (FIFO)");
}

#[test]
fn an_oversized_file_is_refused_without_being_read() {
    let sb = Sandbox::new();
    let root = kinds(&sb);
    let big = root.join("demo/files/big.bin");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(5 << 20)
        .unwrap();
    refused(&sb, &root, &big, "larger than 4 MiB");
}

#[test]
fn a_kind_larger_than_its_limit_is_refused() {
    let sb = Sandbox::new();
    let root = kinds(&sb);
    for i in 0..9 {
        let f = root.join(format!("demo/files/blob-{i}.bin"));
        std::fs::File::create(&f).unwrap().set_len(4 << 20).unwrap();
    }
    refused(
        &sb,
        &root,
        &root.join("demo/files/blob-7.bin"),
        "the most one kind may hold",
    );
}

#[test]
fn a_kind_with_too_many_files_is_refused() {
    let sb = Sandbox::new();
    let root = kinds(&sb);
    let many = root.join("demo/files/many");
    std::fs::create_dir(&many).unwrap();
    for i in 0..4001 {
        std::fs::write(many.join(format!("{i:04}")), "").unwrap();
    }
    refused(&sb, &root, &many, "more than 4000 files and folders");
}

#[test]
fn a_recursive_inline_partial_is_refused_before_rendering() {
    let sb = Sandbox::new();
    let root = kinds(&sb);
    let file = root.join("demo/files/docs/loop.md.hbs");
    std::fs::write(
        &file,
        "{{#*inline \"item\"}}- {{name}}\n{{> item}}{{/inline}}\n{{> item}}\n",
    )
    .unwrap();
    let text = refused(&sb, &root, &file, "item -> item");
    insta::assert_snapshot!(text, @"error: --templates: template folder [TMP]/kinds/demo/files/docs/loop.md.hbs: its inline partials include each other without end (item -> item); Handlebars has no depth limit, so a partial may not include itself, directly or through others");
}

#[test]
fn version_control_metadata_in_a_kind_is_refused_before_anything_runs() {
    for (dir, file) in [
        (".git/hooks", "post-commit"),
        (".git", "config"),
        ("sub/.hg", "hgrc"),
        (".SVN", "entries"),
    ] {
        let sb = Sandbox::new();
        let root = kinds(&sb);
        let folder = root.join("demo/files").join(dir);
        std::fs::create_dir_all(&folder).unwrap();
        let marker = sb.path().join("ran");
        std::fs::write(
            folder.join(file),
            format!("#!/bin/sh\ntouch {}\n", marker.display()),
        )
        .unwrap();
        let first = dir.split('/').next_back().unwrap();
        let shown = root.join("demo/files").join(dir.split('/').next().unwrap());
        let text = refused(&sb, &root, &shown, "metadata, which a kind may not ship");
        assert!(text.contains(first), "{text}");
        assert!(!marker.exists(), "a hook of the template folder ran");
    }
}

#[test]
fn a_path_part_rendered_to_git_metadata_is_refused() {
    let sb = Sandbox::new();
    let root = kinds(&sb);
    std::fs::create_dir_all(root.join("demo/files/{{description}}")).unwrap();
    std::fs::write(root.join("demo/files/{{description}}/config"), "[core]\n").unwrap();
    let mut cmd = sb.cmd(&["new", "--kind", "demo", "shop", "--no-input"]);
    cmd.args(["--set", "description=.Git", "--templates"])
        .arg(&root);
    let text = fails(&sb, cmd, 2);
    assert!(text.contains("`.Git` is git's own folder"), "{text}");
}

#[test]
fn a_comparison_with_a_value_that_is_no_choice_is_refused_with_its_line() {
    let sb = Sandbox::new();
    let root = kinds(&sb);
    let readme = root.join("demo/files/README.md.hbs");
    let text = std::fs::read_to_string(&readme).unwrap();
    // A typo: the choice is `gateway`; as written, the HTTPRoute sentence would never render.
    std::fs::write(
        &readme,
        text.replace("(eq ingress \"gateway\")", "(eq ingress \"gatway\")"),
    )
    .unwrap();
    let shown = root.join("demo/files/README.md.hbs:7");
    let text = refused(
        &sb,
        &root,
        &shown,
        "not one of its choices (nginx, gateway)",
    );
    assert!(text.contains("\"gatway\""), "{text}");
}
