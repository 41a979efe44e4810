//! The wizard, driven through a real pseudo-terminal: the only way to test prompts as a person meets them.

use crate::support::{Sandbox, fixtures};
use rexpect::process::WaitStatus;
use rexpect::session::{PtySession, spawn_command};
use std::process::Command;

const DOWN: &str = "\x1b[B";

fn spawn(sb: &Sandbox, args: &[&str], no_color: bool) -> PtySession {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_scaffold"));
    cmd.current_dir(sb.path())
        .args(args)
        .env("TERM", "xterm")
        .env("SCAFFOLD_CONFIG", sb.no_config());
    if no_color {
        cmd.env("NO_COLOR", "1");
    } else {
        cmd.env_remove("NO_COLOR");
    }
    spawn_command(cmd, Some(20_000)).expect("spawn in a pty")
}

/// Sends keys once the prompt has had time to switch the terminal to raw mode; keys typed earlier are
/// cooked by the line discipline, as they would be for a person typing ahead.
fn keys(p: &mut PtySession, text: &str) {
    std::thread::sleep(std::time::Duration::from_millis(150));
    p.send(text).unwrap();
    p.flush().unwrap();
}

fn exit_code(p: &mut PtySession) -> i32 {
    match p.process().wait().expect("wait") {
        WaitStatus::Exited(_, code) => code,
        other => panic!("unexpected end: {other:?}"),
    }
}

#[test]
fn wizard_picks_a_kind_reasks_a_bad_answer_and_writes_after_confirming() {
    let sb = Sandbox::new();
    let templates = fixtures().display().to_string();
    let mut p = spawn(&sb, &["new", "--templates", &templates], true);
    p.exp_string("What do you want to build?").unwrap();
    p.exp_string("Testing the kind picker.").unwrap();
    keys(&mut p, DOWN); // the second kind, `other`
    keys(&mut p, "\x1b[A"); // and back up to `demo`
    keys(&mut p, "\r");
    p.exp_string("Project name").unwrap();
    keys(&mut p, "Bad_Name\r");
    p.exp_string("is not a valid name").unwrap();
    keys(&mut p, "shop\r");
    p.exp_string("One-line description").unwrap();
    keys(&mut p, "\r");
    p.exp_string("Owner team").unwrap();
    keys(&mut p, "payments\r");
    p.exp_string("Host name").unwrap();
    keys(&mut p, "\r");
    p.exp_string("Replicas").unwrap();
    keys(&mut p, "99\r");
    p.exp_string("above the maximum 10").unwrap();
    keys(&mut p, "3\r");
    p.exp_string("Expose metrics").unwrap();
    keys(&mut p, "n");
    p.exp_string("Ingress").unwrap();
    keys(&mut p, DOWN);
    keys(&mut p, "\r");
    p.exp_string("Alert email").unwrap();
    keys(&mut p, "\r");
    p.exp_string("Maximum replicas").unwrap();
    keys(&mut p, "2\r");
    p.exp_string("replicas (3) must be <= max_replicas (2)")
        .unwrap();
    keys(&mut p, "\x7f4\r");
    p.exp_string("shop/  (").unwrap();
    p.exp_string("Write ").unwrap();
    keys(&mut p, "y");
    p.exp_string("Created shop demo project in shop").unwrap();
    assert_eq!(exit_code(&mut p), 0);

    let answers = std::fs::read_to_string(sb.path().join("shop/.scaffold/answers.toml")).unwrap();
    for line in [
        "team = \"payments\"",
        "replicas = 3",
        "metrics = false",
        "ingress = \"gateway\"",
        "host = \"shop.127.0.0.1.nip.io\"",
    ] {
        assert!(answers.contains(line), "{line} missing from:\n{answers}");
    }
    assert!(
        sb.path()
            .join("shop/shop-chart/templates/httproute.yaml")
            .is_file()
    );
}

#[test]
fn ctrl_c_at_the_kind_picker_writes_nothing_and_exits_130() {
    let sb = Sandbox::new();
    let templates = fixtures().display().to_string();
    let mut p = spawn(&sb, &["new", "--templates", &templates], true);
    p.exp_string("What do you want to build?").unwrap();
    keys(&mut p, "\x03");
    assert_eq!(exit_code(&mut p), 130);
    assert!(sb.entries().is_empty(), "{:?}", sb.entries());
}

#[test]
fn ctrl_c_while_typing_an_answer_writes_nothing_and_exits_130() {
    let sb = Sandbox::new();
    let templates = fixtures().display().to_string();
    let mut p = spawn(
        &sb,
        &["new", "--templates", &templates, "--kind", "demo", "shop"],
        true,
    );
    p.exp_string("One-line description").unwrap();
    keys(&mut p, "half an ans");
    keys(&mut p, "\x03");
    assert_eq!(exit_code(&mut p), 130);
    assert!(sb.entries().is_empty(), "{:?}", sb.entries());
}

#[test]
fn declining_at_the_summary_writes_nothing() {
    let sb = Sandbox::new();
    let templates = fixtures().display().to_string();
    let mut p = spawn(
        &sb,
        &["new", "--templates", &templates, "--kind", "other", "x"],
        true,
    );
    p.exp_string("Flavour").unwrap();
    keys(&mut p, "\r");
    p.exp_string("Write ").unwrap();
    keys(&mut p, "n");
    p.exp_string("nothing was written").unwrap();
    assert_eq!(exit_code(&mut p), 1);
    assert!(sb.entries().is_empty());
}

#[test]
fn colour_only_on_a_terminal_and_never_with_no_color() {
    let sb = Sandbox::new();
    let templates = fixtures().display().to_string();
    let mut p = spawn(&sb, &["list", "--templates", &templates], false);
    let out = p.exp_eof().unwrap();
    assert!(
        out.contains("\x1b["),
        "a terminal without NO_COLOR gets colour: {out:?}"
    );
    let mut p = spawn(&sb, &["list", "--templates", &templates], true);
    let out = p.exp_eof().unwrap();
    assert!(!out.contains("\x1b["), "NO_COLOR turns colour off: {out:?}");
    // Without a terminal there is no colour either (assert_cmd gives pipes).
    let out = sb
        .cmd(&["list", "--templates", &templates])
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains("\x1b["));
}

#[test]
fn advise_asks_what_its_flags_left_open_and_validates_as_typed() {
    let sb = Sandbox::new();
    let mut p = spawn(
        &sb,
        &[
            "advise",
            "--traffic",
            "spiky",
            "--gpu",
            "false",
            "--long-lived-connections",
            "false",
        ],
        true,
    );
    p.exp_string("Events (requests) per month").unwrap();
    keys(&mut p, "\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7fzero\r");
    p.exp_string("zero").unwrap();
    keys(&mut p, "\x7f\x7f\x7f\x7f2M\r");
    p.exp_string("custom networking").unwrap();
    keys(&mut p, "n");
    p.exp_string("How many engineers").unwrap();
    keys(&mut p, "\r");
    p.exp_string("platform team").unwrap();
    keys(&mut p, "n");
    p.exp_string("compliance").unwrap();
    keys(&mut p, "n");
    p.exp_string("Latency budget").unwrap();
    keys(&mut p, "\r");
    p.exp_string("Recommendation: serverless-webhook").unwrap();
    assert_eq!(exit_code(&mut p), 0);
}

#[test]
fn not_sure_runs_the_advisor_then_preselects_the_recommended_kind() {
    let sb = Sandbox::new();
    let mut p = spawn(&sb, &["new"], true);
    p.exp_string("not sure?").unwrap();
    keys(&mut p, "\x1b[A"); // wrap around to the last entry
    keys(&mut p, "\r");
    p.exp_string("How does traffic arrive?").unwrap();
    keys(&mut p, "\r");
    for prompt in [
        "Events (requests) per month",
        "long-lived connections",
        "GPUs",
        "custom networking",
        "How many engineers",
        "platform team",
        "compliance",
        "Latency budget",
    ] {
        p.exp_string(prompt).unwrap();
        keys(&mut p, "\r");
    }
    p.exp_string("Recommendation: serverless-webhook").unwrap();
    p.exp_string("What do you want to build?").unwrap();
    keys(&mut p, "\r"); // the preselected recommendation
    p.exp_string("Project name").unwrap();
    keys(&mut p, "hooks\r");
    p.exp_string("One-line description").unwrap();
    keys(&mut p, "\r");
    p.exp_string("Owning team or GitHub handle").unwrap();
    keys(&mut p, "\r");
    p.exp_string("AWS region").unwrap(); // a serverless-webhook question: the recommendation was preselected
    keys(&mut p, "\x03");
    assert_eq!(exit_code(&mut p), 130);
    assert!(sb.entries().is_empty());
}
