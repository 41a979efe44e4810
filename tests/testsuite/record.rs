//! The answers record, `.scaffold/answers.toml`: given answers apart from derived ones, so generating again
//! under another name derives the host again, while the same file still gives the same project byte for byte;
//! and a file from another scaffold version is read with a warning, or refused naming each answer that no
//! longer fits.

use crate::errors::fails;
use crate::support::{Sandbox, stderr_of};

fn record(sb: &Sandbox, project: &str) -> String {
    std::fs::read_to_string(sb.path().join(project).join(".scaffold/answers.toml")).unwrap()
}

#[test]
fn a_derived_default_is_derived_again_under_another_name() {
    let sb = Sandbox::new();
    sb.demo(&["--kind", "demo", "shop", "--no-input"])
        .assert()
        .success();
    let text = record(&sb, "shop");
    let (given, derived) = text.split_once("[derived]\n").expect("a [derived] table");
    assert!(
        !given.contains("host ="),
        "host is not a given answer:\n{text}"
    );
    assert_eq!(derived, "host = \"shop.127.0.0.1.nip.io\"\n");

    sb.demo(&[
        "--answers",
        "shop/.scaffold/answers.toml",
        "--set",
        "name=other",
        "-o",
        "other",
    ])
    .assert()
    .success();
    let again = record(&sb, "other");
    assert!(
        again.contains("[derived]\nhost = \"other.127.0.0.1.nip.io\"\n"),
        "{again}"
    );
    assert!(!again.contains("shop.127.0.0.1.nip.io"), "{again}");
}

#[test]
fn the_same_record_gives_the_same_project_byte_for_byte() {
    let sb = Sandbox::new();
    sb.demo(&["--kind", "demo", "shop", "--no-input"])
        .assert()
        .success();
    sb.demo(&["--answers", "shop/.scaffold/answers.toml", "-o", "again"])
        .assert()
        .success();
    sb.assert_same_tree("shop", "again");
}

#[test]
fn a_given_host_stays_given_under_another_name() {
    let sb = Sandbox::new();
    sb.demo(&["--kind", "demo", "shop", "--set", "host=shop.example.com"])
        .assert()
        .success();
    let text = record(&sb, "shop");
    assert!(!text.contains("[derived]"), "{text}");
    sb.demo(&[
        "--answers",
        "shop/.scaffold/answers.toml",
        "--set",
        "name=other",
        "-o",
        "other",
    ])
    .assert()
    .success();
    assert!(record(&sb, "other").contains("host = \"shop.example.com\"\n"));
}

#[test]
fn a_record_of_another_version_is_read_with_a_warning() {
    let sb = Sandbox::new();
    std::fs::write(
        sb.path().join("a.toml"),
        "kind = \"demo\"\nscaffold_version = \"0.0.1\"\n[answers]\nname = \"shop\"\nteam = \"payments\"\n",
    )
    .unwrap();
    let out = sb.demo(&["--answers", "a.toml"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = stderr_of(&out, &sb);
    assert!(
        text.starts_with("warning: answers file a.toml: written by scaffold 0.0.1, read by "),
        "{text}"
    );
    assert!(
        text.contains("it does not answer description, host, replicas"),
        "{text}"
    );
    assert!(sb.path().join("shop/README.md").is_file());

    // The same version says nothing.
    let sb = Sandbox::new();
    sb.demo(&["--kind", "demo", "shop", "--no-input"])
        .assert()
        .success();
    let out = sb
        .demo(&["--answers", "shop/.scaffold/answers.toml", "-o", "again"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("warning"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_record_of_another_version_whose_questions_changed_names_each_key() {
    let sb = Sandbox::new();
    std::fs::write(
        sb.path().join("a.toml"),
        "kind = \"demo\"\nscaffold_version = \"0.0.1\"\n[answers]\nname = \"shop\"\nteem = \"typo\"\n\
         ingress = \"traefik\"\nreplicas = 3\n",
    )
    .unwrap();
    let text = fails(&sb, sb.demo(&["--answers", "a.toml"]), 2);
    assert!(text.contains("written by scaffold 0.0.1"), "{text}");
    assert!(
        text.contains("`ingress`: `traefik` is not one of: nginx, gateway"),
        "{text}"
    );
    assert!(
        text.contains("`teem` is not a question of kind demo"),
        "{text}"
    );
}
