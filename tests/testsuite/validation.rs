//! Answers are held to the rules of what they become (a Kubernetes name, a host, a label value, an e-mail
//! address), one-line answers stay on one line, and messages describe the rule with a valid example, never a
//! regex, quoting at most the start of a long answer.

use crate::errors::fails;
use crate::support::Sandbox;

fn k8s(sb: &Sandbox, sets: &[&str]) -> assert_cmd::Command {
    let mut cmd = sb.cmd(&["new", "--kind", "k8s-platform", "shop", "--dry-run"]);
    for s in sets {
        cmd.args(["--set", s]);
    }
    cmd
}

#[test]
fn a_team_name_ending_in_a_dash_is_refused() {
    let sb = Sandbox::new();
    insta::assert_snapshot!(fails(&sb, k8s(&sb, &["owner_team=team-"]), 2), @"error: invalid answer for `owner_team`: `team-` ends with '-': a DNS-1123 label is at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit, e.g. `platform`");
}

#[test]
fn a_host_label_over_63_characters_is_refused() {
    let sb = Sandbox::new();
    let host = format!("{}.127.0.0.1.nip.io", "a".repeat(64));
    let text = fails(&sb, k8s(&sb, &[&format!("host={host}")]), 2);
    assert!(text.contains("64 characters long (at most 63)"), "{text}");
    assert!(text.contains("e.g. `demo.127.0.0.1.nip.io`"), "{text}");
}

#[test]
fn a_host_that_is_an_ip_address_is_refused() {
    let sb = Sandbox::new();
    let text = fails(&sb, k8s(&sb, &["host=10.0.0.1"]), 2);
    assert!(text.contains("as an IP address does"), "{text}");
}

#[test]
fn answers_of_every_format_are_checked_by_their_rule() {
    let sb = Sandbox::new();
    for (set, needle) in [
        (
            "cost_center=cc_1000",
            "use lowercase letters, digits and '-' only",
        ),
        ("cost_center=cc-", "a Kubernetes label value is at most 63"),
        (
            "github_org=Example--Org",
            "a GitHub user or organisation name",
        ),
        ("owner_team=9team", "it must start with a letter"),
    ] {
        let text = fails(&sb, k8s(&sb, &[set]), 2);
        assert!(text.contains(needle), "{set}: {text}");
        assert!(text.contains("e.g. `"), "{set} gives no example: {text}");
    }
    for (set, needle) in [
        ("alert_email=oncall@localhost", "without a '.'"),
        ("owner=-team", "use letters, digits"),
    ] {
        let mut cmd = sb.cmd(&["new", "--kind", "serverless-webhook", "hooks", "--dry-run"]);
        cmd.args(["--set", set]);
        let text = fails(&sb, cmd, 2);
        assert!(text.contains(needle), "{set}: {text}");
        assert!(text.contains("e.g. `"), "{set} gives no example: {text}");
    }
}

/// The AWS region is one of the kind's list of regions: a typo is refused with the list and the region it most
/// likely meant, and a region far from every one with the list alone.
#[test]
fn a_mistyped_region_is_refused_with_the_list_and_the_region_it_meant() {
    let sb = Sandbox::new();
    for (region, meant) in [
        ("eu-wst-1", Some("eu-west-1")),
        ("us-east1", Some("us-east-1")),
        ("mars-north-1", None),
    ] {
        let mut cmd = sb.cmd(&["new", "--kind", "serverless-webhook", "hooks", "--dry-run"]);
        cmd.args(["--set", &format!("aws_region={region}")]);
        let text = fails(&sb, cmd, 2);
        assert!(
            text.contains(&format!("`{region}` is not one of: us-east-1, us-east-2,")),
            "{text}"
        );
        assert!(text.contains("ap-southeast-7"), "the whole list: {text}");
        match meant {
            Some(m) => assert!(text.contains(&format!("did you mean `{m}`?")), "{text}"),
            None => assert!(!text.contains("did you mean"), "{text}"),
        }
    }
    let mut cmd = sb.cmd(&["new", "--kind", "serverless-webhook", "hooks", "--dry-run"]);
    cmd.args(["--set", "aws_region=ap-southeast-5", "--json"]);
    let out = cmd.output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn messages_describe_the_rule_and_never_print_a_regex() {
    let sb = Sandbox::new();
    for set in [
        "owner_team=Team",
        "github_org=-x",
        "cost_center=CC",
        "host=bad_host.example.com",
    ] {
        let text = fails(&sb, k8s(&sb, &[set]), 2);
        for regex_sign in ["^", "$", "[a-z", "(?:", "\\."] {
            assert!(!text.contains(regex_sign), "{set}: {text}");
        }
    }
}

#[test]
fn a_one_line_answer_refuses_line_breaks_and_control_characters() {
    let sb = Sandbox::new();
    insta::assert_snapshot!(fails(&sb, k8s(&sb, &["description=two\nlines"]), 2), @r"
    error: invalid answer for `description`: `two\nlines` holds a line break at character 4; this answer is one line of text without control characters, e.g. `A small HTTP service on a mini internal Kubernetes platform`
    ");
    for bad in [
        "tab\there",
        "bell\u{7}",
        "c1 \u{85} next line",
        "ls \u{2028}",
        "esc \u{1b}[31m",
    ] {
        let text = fails(&sb, k8s(&sb, &[&format!("description={bad}")]), 2);
        assert!(text.contains("one line of text"), "{bad:?}: {text}");
        assert!(
            !text.contains('\u{1b}'),
            "control characters are escaped in messages: {text:?}"
        );
    }
}

#[test]
fn a_huge_answer_is_quoted_by_its_first_characters_only() {
    let sb = Sandbox::new();
    let huge = "x".repeat(1_000_000);
    std::fs::write(
        sb.path().join("a.toml"),
        format!("kind = \"k8s-platform\"\n[answers]\nname = \"shop\"\ndescription = \"{huge}\"\n"),
    )
    .unwrap();
    let mut cmd = sb.cmd(&["new", "--answers", "a.toml", "--dry-run"]);
    cmd.arg("--no-input");
    let text = fails(&sb, cmd, 2);
    assert!(text.len() < 400, "{} bytes of error", text.len());
    assert!(
        text.contains(&format!("`{}…` (1000000 characters)", "x".repeat(40))),
        "{text}"
    );
    let mut cmd = sb.cmd(&[
        "new",
        "--kind",
        "k8s-platform",
        "shop",
        "--dry-run",
        "--set",
    ]);
    cmd.arg(format!("min_replicas={}", "9".repeat(100_000)));
    let text = fails(&sb, cmd, 2);
    assert!(text.len() < 400, "{} bytes of error", text.len());
}
