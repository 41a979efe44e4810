//! Every error a user can reach: its exit code, its text (snapshotted), and that nothing was written.

use crate::support::{Sandbox, fixtures, stderr_of};

/// Runs, checks the exit code and that the sandbox is untouched, and returns stderr for a snapshot.
pub(crate) fn fails(sb: &Sandbox, mut cmd: assert_cmd::Command, code: i32) -> String {
    let before = sb.entries();
    let out = cmd.output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(code),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        sb.entries(),
        before,
        "a failed run must leave the folder as it was"
    );
    assert!(out.stdout.is_empty(), "errors go to stderr");
    stderr_of(&out, sb)
}

#[test]
fn invalid_name() {
    let sb = Sandbox::new();
    insta::assert_snapshot!(fails(&sb, sb.demo(&["--kind", "demo", "My_Shop"]), 2), @"error: invalid answer for `name`: `My_Shop` is not a valid name: use lowercase letters, digits and '-', start with a letter and end with a letter or digit (it becomes a chart, namespace and stack name), e.g. `payments-api`");
}

#[test]
fn name_too_long() {
    let sb = Sandbox::new();
    let long = "a".repeat(41);
    insta::assert_snapshot!(fails(&sb, sb.demo(&["--kind", "demo", &long]), 2), @"error: invalid answer for `name`: `aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…` (41 characters) is too long: at most 40 characters are allowed, e.g. `payments-api`");
}

#[test]
fn name_with_a_path_in_it() {
    let sb = Sandbox::new();
    insta::assert_snapshot!(fails(&sb, sb.demo(&["--kind", "demo", "../escape"]), 2), @"error: invalid answer for `name`: `../escape` holds a path separator; use a single folder name, e.g. `payments-api`");
}

#[test]
fn missing_name() {
    let sb = Sandbox::new();
    insta::assert_snapshot!(fails(&sb, sb.demo(&["--kind", "demo", "--no-input"]), 2), @r"
    error: a project name is needed; pass it after the kind, e.g.
      scaffold new --kind demo my-project
    ");
}

#[test]
fn no_kind_and_no_terminal_fails_at_once() {
    let sb = Sandbox::new();
    insta::assert_snapshot!(fails(&sb, sb.demo(&["shop"]), 2), @r"
    error: no --kind given and no terminal to ask on; pass the kind and a name, e.g.
      scaffold new --kind demo my-project --no-input
    Kinds: demo, other, priced
    ");
}

#[test]
fn unknown_kind() {
    let sb = Sandbox::new();
    insta::assert_snapshot!(fails(&sb, sb.demo(&["--kind", "nope", "shop"]), 2), @"error: unknown kind `nope`; available kinds: demo, other, priced. Run `scaffold list` to see what each one generates");
}

#[test]
fn unknown_set_key() {
    let sb = Sandbox::new();
    insta::assert_snapshot!(fails(
        &sb,
        sb.demo(&["--kind", "demo", "shop", "--set", "colour=blue"]),
        2
    ), @"error: `colour` is not a question of kind demo; its questions are: name, description, team, host, replicas, metrics, ingress, email, max_replicas");
}

#[test]
fn set_without_equals() {
    let sb = Sandbox::new();
    insta::assert_snapshot!(fails(
        &sb,
        sb.demo(&["--kind", "demo", "shop", "--set", "team"]),
        2
    ), @"error: --set takes KEY=VALUE, e.g. --set monitoring=none; got `team`");
}

#[test]
fn choice_not_offered() {
    let sb = Sandbox::new();
    insta::assert_snapshot!(fails(
        &sb,
        sb.demo(&["--kind", "demo", "shop", "--set", "ingress=traefik"]),
        2
    ), @"error: invalid answer for `ingress`: `traefik` is not one of: nginx, gateway");
}

#[test]
fn int_out_of_range() {
    let sb = Sandbox::new();
    insta::assert_snapshot!(fails(
        &sb,
        sb.demo(&["--kind", "demo", "shop", "--set", "replicas=0"]),
        2
    ), @"error: invalid answer for `replicas`: 0 is below the minimum 1; e.g. 2");
}

#[test]
fn string_against_its_pattern() {
    let sb = Sandbox::new();
    insta::assert_snapshot!(fails(
        &sb,
        sb.demo(&["--kind", "demo", "shop", "--set", "team=Payments Team"]),
        2
    ), @"error: invalid answer for `team`: `Payments Team` is not accepted: it does not have the form this question needs, e.g. `payments`");
}

#[test]
fn bool_that_is_not_yes_or_no() {
    let sb = Sandbox::new();
    insta::assert_snapshot!(fails(
        &sb,
        sb.demo(&["--kind", "demo", "shop", "--set", "metrics=maybe"]),
        2
    ), @"error: invalid answer for `metrics`: `maybe` is not a yes/no answer; use true or false");
}

#[test]
fn name_given_twice() {
    let sb = Sandbox::new();
    insta::assert_snapshot!(fails(
        &sb,
        sb.demo(&["--kind", "demo", "shop", "--set", "name=other"]),
        2
    ), @"error: the name is given twice: `shop` as NAME and `other` with --set name=; keep one");
}

#[test]
fn json_without_dry_run() {
    let sb = Sandbox::new();
    let text = fails(&sb, sb.demo(&["--kind", "demo", "shop", "--json"]), 2);
    assert!(text.contains("--dry-run"), "{text}");
}

#[test]
fn target_not_empty() {
    let sb = Sandbox::new();
    std::fs::create_dir(sb.path().join("shop")).unwrap();
    std::fs::write(sb.path().join("shop/keep.txt"), "mine").unwrap();
    insta::assert_snapshot!(fails(&sb, sb.demo(&["--kind", "demo", "shop"]), 2), @"error: shop already exists and is not empty; choose a new folder with -o DIR, or pass --force to add the project to it (allowed only when no existing file would be overwritten)");
    assert_eq!(sb.files("shop"), ["keep.txt"]);
}

#[test]
fn force_lists_every_conflict_and_writes_nothing() {
    let sb = Sandbox::new();
    std::fs::create_dir_all(sb.path().join("shop/scripts")).unwrap();
    std::fs::write(sb.path().join("shop/README.md"), "mine").unwrap();
    std::fs::write(sb.path().join("shop/scripts/run.sh"), "mine too").unwrap();
    insta::assert_snapshot!(fails(
        &sb,
        sb.demo(&["--kind", "demo", "shop", "--force"]),
        2
    ), @r"
    error: --force never overwrites, and these files already exist in shop:
      README.md
      scripts/run.sh
    Move them away or choose another folder with -o DIR
    ");
    assert_eq!(sb.files("shop"), ["README.md", "scripts/run.sh"]);
    assert_eq!(
        std::fs::read_to_string(sb.path().join("shop/README.md")).unwrap(),
        "mine"
    );
}

#[test]
fn target_is_a_file() {
    let sb = Sandbox::new();
    std::fs::write(sb.path().join("shop"), "a file").unwrap();
    insta::assert_snapshot!(fails(&sb, sb.demo(&["--kind", "demo", "shop"]), 2), @"error: shop exists and is not a folder; choose another output with -o DIR");
}

#[test]
fn answers_file_missing() {
    let sb = Sandbox::new();
    insta::assert_snapshot!(fails(&sb, sb.demo(&["--answers", "nope.toml"]), 2), @"error: answers file nope.toml: cannot read it: No such file or directory (os error 2)");
}

#[test]
fn answers_file_not_toml() {
    let sb = Sandbox::new();
    std::fs::write(sb.path().join("a.toml"), "this is = = not toml").unwrap();
    let text = fails(&sb, sb.demo(&["--answers", "a.toml"]), 2);
    std::fs::remove_file(sb.path().join("a.toml")).unwrap();
    insta::assert_snapshot!(text, @r#"
    error: answers file a.toml: key with no value, expected `=`; expected `kind = "..."` and an [answers] table, e.g.
      kind = "KIND"
      [answers]
      name = "demo"
    "#);
}

#[test]
fn answers_file_with_an_unknown_key() {
    let sb = Sandbox::new();
    std::fs::write(
        sb.path().join("a.toml"),
        "kind = \"demo\"\n[answers]\nname = \"x\"\nteem = \"typo\"\n",
    )
    .unwrap();
    insta::assert_snapshot!(fails(&sb, sb.demo(&["--answers", "a.toml"]), 2), @"error: answers file a.toml: `teem` is not a question of kind demo; its questions are: name, description, team, host, replicas, metrics, ingress, email, max_replicas");
}

#[test]
fn answers_file_for_another_kind() {
    let sb = Sandbox::new();
    std::fs::write(
        sb.path().join("a.toml"),
        "kind = \"other\"\n[answers]\nname = \"x\"\n",
    )
    .unwrap();
    insta::assert_snapshot!(fails(
        &sb,
        sb.demo(&["--answers", "a.toml", "--kind", "demo"]),
        2
    ), @"error: answers file a.toml: it is for kind `other`, not `demo`; drop --kind or pass --kind other");
}

/// A copy of the demo kind with one file replaced, to reach template errors.
pub(crate) fn broken_kind(sb: &Sandbox, file: &str, text: &str) -> std::path::PathBuf {
    let root = sb.path().join("kinds");
    copy_dir(&fixtures().join("demo"), &root.join("demo"));
    std::fs::write(root.join("demo").join(file), text).unwrap();
    root
}

pub(crate) fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.path().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

#[test]
fn strict_mode_names_the_template_and_the_missing_variable() {
    let sb = Sandbox::new();
    let root = broken_kind(
        &sb,
        "files/README.md.hbs",
        "# {{name}}\n\n{{no_such_answer}}\n",
    );
    let mut cmd = sb.cmd(&["new", "--kind", "demo", "shop", "-o", "out", "--templates"]);
    cmd.arg(&root);
    let text = fails(&sb, cmd, 1);
    assert!(!sb.path().join("out").exists());
    insta::assert_snapshot!(text, @"error: rendering demo/files/README.md.hbs: line 3, col 1: `no_such_answer` is not an answer of this kind nor a value the engine provides");
}

#[test]
fn a_broken_manifest_is_reported_when_loaded() {
    let sb = Sandbox::new();
    let root = broken_kind(
        &sb,
        "template.toml",
        "kind = \"demo\"\ndescription = \"d\"\nwhen_to_use = \"w\"\n[[questions]]\nkey = \"n\"\nprompt = \"p\"\ntype = \"choice\"\n",
    );
    let mut cmd = sb.cmd(&["list", "--templates"]);
    cmd.arg(&root);
    insta::assert_snapshot!(fails(&sb, cmd, 1), @"error: template demo: template.toml: question `n`: a choice needs `choices`");
}

#[test]
fn a_path_segment_that_renders_to_nothing_is_refused() {
    let sb = Sandbox::new();
    let root = broken_kind(
        &sb,
        "template.toml",
        &std::fs::read_to_string(fixtures().join("demo/template.toml")).unwrap(),
    );
    std::fs::create_dir_all(root.join("demo/files/{{email}}")).unwrap();
    std::fs::write(root.join("demo/files/{{email}}/x.txt"), "x").unwrap();
    let mut cmd = sb.cmd(&["new", "--kind", "demo", "shop", "-o", "out", "--templates"]);
    cmd.arg(&root);
    insta::assert_snapshot!(fails(&sb, cmd, 2), @"error: template path demo/files/{{email}}/x.txt: the path part `{{email}}` gives an unusable name: a path part cannot be empty");
}

#[test]
fn answers_that_break_a_rule_between_them() {
    let sb = Sandbox::new();
    insta::assert_snapshot!(fails(
        &sb,
        sb.demo(&[
            "--kind",
            "demo",
            "shop",
            "--set",
            "replicas=8",
            "--set",
            "max_replicas=4"
        ]),
        2
    ), @"error: invalid answer for `replicas`: replicas (8) must be <= max_replicas (4): the autoscaler cannot start above its ceiling");
}
