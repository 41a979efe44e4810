//! The wizard, driven through a real pseudo-terminal: the only way to test prompts as a person meets them.

use crate::support::{Sandbox, fixtures};
use rexpect::process::WaitStatus;
use rexpect::session::{PtySession, spawn_command};
use std::process::Command;

pub(crate) const DOWN: &str = "\x1b[B";

/// The binary in a pseudo-terminal of 80 columns and 24 lines (set with `stty` inside the terminal, and in
/// `COLUMNS`/`LINES`).
pub(crate) fn spawn(sb: &Sandbox, args: &[&str], no_color: bool) -> PtySession {
    spawn_sized(sb, args, no_color, 80)
}

/// [`spawn`] in a terminal `columns` wide.
pub(crate) fn spawn_sized(sb: &Sandbox, args: &[&str], no_color: bool, columns: u16) -> PtySession {
    let mut cmd = Command::new("sh");
    cmd.current_dir(sb.path())
        .arg("-c")
        .arg(format!("stty cols {columns} rows 24; exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_scaffold"))
        .args(args)
        .env("TERM", "xterm")
        .env("COLUMNS", columns.to_string())
        .env("LINES", "24")
        .env("SCAFFOLD_CONFIG", sb.no_config());
    if no_color {
        cmd.env("NO_COLOR", "1");
    } else {
        cmd.env_remove("NO_COLOR");
    }
    spawn_command(cmd, Some(20_000)).expect("spawn in a pty")
}

/// `scaffold new --templates <fixtures> ARGS` in the pseudo-terminal, without colour.
pub(crate) fn spawn_new(sb: &Sandbox, args: &[&str]) -> PtySession {
    let templates = fixtures().display().to_string();
    let mut all = vec!["new", "--templates", &templates];
    all.extend_from_slice(args);
    spawn(sb, &all, true)
}

/// Sends keys once the prompt has switched the terminal to raw mode; keys typed earlier are cooked by the line
/// discipline, as they would be for a person typing ahead.
pub(crate) fn keys(p: &mut PtySession, text: &str) {
    wait_for_raw_mode(p);
    p.send(text).unwrap();
    p.flush().unwrap();
}

/// Waits for each text, then types its keys.
pub(crate) fn script(p: &mut PtySession, steps: &[(&str, &str)]) {
    for (text, typed) in steps {
        p.exp_string(text).unwrap();
        keys(p, typed);
    }
}

/// Waits until the terminal is in raw mode (the pseudo-terminal's settings, shared by both ends, have no
/// ICANON): a prompt is reading keys one by one. Rather than a fixed time, which a loaded machine may not
/// keep; after 2 s it gives up and the keys go as they are, for the test's own checks to judge.
pub(crate) fn wait_for_raw_mode(p: &PtySession) {
    use rustix::termios::{LocalModes, tcgetattr};
    let pty = p.process().get_file_handle().expect("the pty");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    while std::time::Instant::now() < deadline {
        match tcgetattr(&pty) {
            Ok(t) if !t.local_modes.contains(LocalModes::ICANON) => return,
            Ok(_) => std::thread::sleep(std::time::Duration::from_millis(2)),
            Err(_) => return,
        }
    }
}

pub(crate) fn exit_code(p: &mut PtySession) -> i32 {
    match p.process().wait().expect("wait") {
        WaitStatus::Exited(_, code) => code,
        other => panic!("unexpected end: {other:?}"),
    }
}

#[test]
fn wizard_picks_a_kind_reasks_a_bad_answer_and_writes_after_confirming() {
    let sb = Sandbox::new();
    let mut p = spawn_new(&sb, &[]);
    p.exp_string("What do you want to build?").unwrap();
    p.exp_string("Testing the kind picker.").unwrap();
    keys(&mut p, DOWN); // the second kind, `other`
    keys(&mut p, "\x1b[A"); // and back up to `demo`
    keys(&mut p, "\r");
    p.exp_string("[1/9] Project name").unwrap();
    keys(&mut p, "Bad_Name\r");
    p.exp_string("is not a valid name").unwrap();
    keys(&mut p, "shop\r");
    p.exp_string("Output folder").unwrap();
    p.exp_string("./shop").unwrap();
    keys(&mut p, "\r");
    p.exp_string("Use the recommended setup for the other 8 questions?")
        .unwrap();
    keys(&mut p, "n");
    p.exp_string("[2/9] One-line description").unwrap();
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
    p.exp_string("Alert email (none)").unwrap();
    keys(&mut p, "\r");
    p.exp_string("[9/9] Maximum replicas").unwrap();
    keys(&mut p, "2\r");
    p.exp_string("replicas (3) must be <= max_replicas (2)")
        .unwrap();
    p.exp_string("Which answer do you want to change?").unwrap();
    keys(&mut p, "\r"); // this one
    p.exp_string("Maximum replicas").unwrap();
    keys(&mut p, "4\r");
    p.exp_string("files in ./shop").unwrap();
    p.exp_string("Write ").unwrap();
    keys(&mut p, "\r");
    wrote_shop_with(
        &mut p,
        &sb,
        &[
            "team = \"payments\"",
            "replicas = 3",
            "metrics = false",
            "ingress = \"gateway\"",
            "host = \"shop.127.0.0.1.nip.io\"",
        ],
    );
    assert!(
        sb.path()
            .join("shop/shop-chart/templates/httproute.yaml")
            .is_file()
    );
}

/// The run wrote `./shop` and exited 0, and the answers it recorded hold each of `lines`.
pub(crate) fn wrote_shop_with(p: &mut PtySession, sb: &Sandbox, lines: &[&str]) {
    p.exp_string("Created shop demo project in ./shop").unwrap();
    assert_eq!(exit_code(p), 0);
    let answers = std::fs::read_to_string(sb.path().join("shop/.scaffold/answers.toml")).unwrap();
    for line in lines {
        assert!(answers.contains(line), "{line} missing from:\n{answers}");
    }
}

#[test]
fn ctrl_c_at_the_kind_picker_writes_nothing_and_exits_130() {
    let sb = Sandbox::new();
    let mut p = spawn_new(&sb, &[]);
    p.exp_string("What do you want to build?").unwrap();
    keys(&mut p, "\x03");
    let rest = p.exp_eof().unwrap();
    assert_eq!(rest.matches("interrupted").count(), 1, "{rest:?}");
    assert_eq!(exit_code(&mut p), 130);
    assert!(sb.entries().is_empty(), "{:?}", sb.entries());
}

#[test]
fn ctrl_c_while_typing_an_answer_writes_nothing_and_exits_130() {
    let sb = Sandbox::new();
    let mut p = spawn_new(&sb, &["--kind", "demo", "shop"]);
    p.exp_string("Output folder").unwrap();
    keys(&mut p, "\r");
    p.exp_string("recommended setup").unwrap();
    keys(&mut p, "n");
    p.exp_string("One-line description").unwrap();
    keys(&mut p, "half an ans");
    keys(&mut p, "\x03");
    assert_eq!(exit_code(&mut p), 130);
    assert!(sb.entries().is_empty(), "{:?}", sb.entries());
}

#[test]
fn quitting_at_the_summary_saves_the_answers_and_exits_0() {
    let sb = Sandbox::new();
    let mut p = spawn_new(&sb, &["--kind", "other", "x"]);
    p.exp_string("Output folder").unwrap();
    keys(&mut p, "\r");
    p.exp_string("recommended setup").unwrap();
    keys(&mut p, "n");
    p.exp_string("Flavour").unwrap();
    keys(&mut p, "\r");
    p.exp_string("Write ").unwrap();
    keys(&mut p, &DOWN.repeat(4));
    keys(&mut p, "\r");
    let rest = p.exp_eof().unwrap();
    assert!(
        rest.contains("Your answers are saved in x.answers.toml"),
        "{rest}"
    );
    assert!(
        rest.contains("Quit at the summary; nothing was written."),
        "{rest}"
    );
    assert!(!rest.contains("error"), "quitting is a choice: {rest}");
    assert_eq!(exit_code(&mut p), 0);
    assert_eq!(sb.entries(), vec!["x.answers.toml"]);
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

/// `scaffold advise` with the traffic, GPU and long-lived connections given: it asks the rest.
pub(crate) fn spawn_advise(sb: &Sandbox) -> PtySession {
    spawn(
        sb,
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
    )
}

#[test]
fn advise_asks_what_its_flags_left_open_and_validates_as_typed() {
    let sb = Sandbox::new();
    let mut p = spawn_advise(&sb);
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
    // The line left after the answer names the entry in full.
    p.exp_regex(r"build\? \S+ not sure\?\r").unwrap();
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
    p.exp_string("Output folder").unwrap();
    keys(&mut p, "\r");
    p.exp_string("recommended setup").unwrap();
    keys(&mut p, "n");
    p.exp_string("One-line description").unwrap();
    keys(&mut p, "\r");
    p.exp_string("Owning team or GitHub handle").unwrap();
    keys(&mut p, "\r");
    p.exp_string("AWS region").unwrap(); // a serverless-webhook question: the recommendation was preselected
    keys(&mut p, "\x03");
    p.exp_string("Your answers are saved in hooks.answers.toml")
        .unwrap();
    assert_eq!(exit_code(&mut p), 130);
    assert_eq!(
        sb.entries(),
        vec!["hooks.answers.toml"],
        "nothing but the answers"
    );
}

/// What a person sees: the output with escape sequences removed, line by line.
fn screen_lines(raw: &str) -> Vec<String> {
    let re = regex_lite(raw);
    re.split(['\n', '\r'])
        .map(|l| l.to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

/// Runs of white space as one space.
fn squash(text: &str) -> String {
    format!(
        " {} ",
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    )
}

/// The text the terminal shows: the bytes rexpect read (one char per byte) decoded as UTF-8, without CSI
/// escape sequences (`ESC [ ... letter`).
pub(crate) fn regex_lite(raw: &str) -> String {
    let text = if raw.chars().all(|c| (c as u32) < 256) {
        let bytes: Vec<u8> = raw.chars().map(|c| c as u8).collect();
        String::from_utf8_lossy(&bytes).into_owned()
    } else {
        raw.to_string()
    };
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            if chars.peek() == Some(&'[') {
                chars.next();
                for d in chars.by_ref() {
                    if d.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
            continue;
        }
        out.push(c);
    }
    out
}

#[test]
fn a_taken_folder_is_refused_at_once_and_the_recommended_setup_takes_the_rest() {
    let sb = Sandbox::new();
    std::fs::create_dir(sb.path().join("shop")).unwrap();
    std::fs::write(sb.path().join("shop/mine.txt"), "a user's file").unwrap();
    let mut p = spawn_new(&sb, &["--kind", "demo"]);
    p.exp_string("[1/9] Project name").unwrap();
    keys(&mut p, "shop\r");
    p.exp_string("Output folder").unwrap();
    keys(&mut p, "\r");
    p.exp_string("is not empty; choose another folder").unwrap();
    p.exp_string("Output folder").unwrap();
    keys(&mut p, "\x7f\x7f\x7f\x7f\x7f\x7felsewhere\r");
    p.exp_string("Use the recommended setup for the other 8 questions?")
        .unwrap();
    keys(&mut p, "y");
    // Straight to the summary: no other question is asked.
    let before = p.exp_string("Ready?").unwrap();
    assert!(!before.contains("Owner team"), "{before}");
    assert!(squash(&before).contains(" team platform "), "{before}");
    keys(&mut p, "\r");
    p.exp_string("Created shop demo project in elsewhere")
        .unwrap();
    assert_eq!(exit_code(&mut p), 0);
    assert!(sb.path().join("elsewhere/.scaffold/answers.toml").is_file());
    assert_eq!(
        std::fs::read_to_string(sb.path().join("shop/mine.txt")).unwrap(),
        "a user's file"
    );
}

/// Every k8s-platform question but the two replica bounds, as `--set` flags.
const K8S_SETS: &[&str] = &[
    "--set",
    "owner_team=payments",
    "--set",
    "github_org=acme",
    "--set",
    "ingress=ingress-nginx",
    "--set",
    "target_cpu=70",
];

#[test]
fn a_rule_between_answers_offers_to_change_the_earlier_one_and_quitting_saves_the_answers() {
    let sb = Sandbox::new();
    let mut args = vec!["new", "--kind", "k8s-platform", "shop"];
    args.extend_from_slice(K8S_SETS);
    let mut p = spawn(&sb, &args, true);
    p.exp_string("Output folder").unwrap();
    keys(&mut p, "\r");
    p.exp_string("recommended setup").unwrap();
    keys(&mut p, "n");
    for _ in 0..5 {
        // description, cost center, secrets, gitops, monitoring: the defaults
        p.exp_string("] ").unwrap();
        keys(&mut p, "\r");
    }
    p.exp_string("Minimum replicas").unwrap();
    keys(&mut p, "15\r");
    p.exp_string("Maximum replicas").unwrap();
    keys(&mut p, "\r"); // 6
    p.exp_string("min_replicas (15) must be <= max_replicas (6)")
        .unwrap();
    p.exp_string("Change min_replicas (now 15)").unwrap();
    keys(&mut p, DOWN);
    keys(&mut p, "\r");
    p.exp_string("Minimum replicas").unwrap();
    keys(&mut p, "\x7f\x7f3\r");
    p.exp_string("Host name").unwrap();
    keys(&mut p, "\r");
    let summary = p.exp_string("Ready?").unwrap();
    let summary = regex_lite(&summary);
    let shown = &summary[summary.rfind("Answers:").expect("the summary")..];
    let lines: Vec<&str> = shown.lines().collect();
    // With the prompt and its five choices after it, the whole summary fits 24 lines.
    assert!(
        lines.len() + 6 <= 24,
        "the summary fits one screen:\n{shown}"
    );
    assert!(lines.iter().all(|l| l.chars().count() <= 80), "{shown}");
    assert!(squash(shown).contains(" min_replicas 3 "), "{shown}");
    assert!(
        shown.contains("charts/ "),
        "top folders with counts: {shown}"
    );
    keys(&mut p, &DOWN.repeat(4));
    keys(&mut p, "\r");
    p.exp_string("Your answers are saved in shop.answers.toml; continue with:")
        .unwrap();
    p.exp_string("scaffold new --answers shop.answers.toml -o ./shop")
        .unwrap();
    assert_eq!(exit_code(&mut p), 0);
    assert_eq!(sb.entries(), vec!["shop.answers.toml"]);
    let saved = std::fs::read_to_string(sb.path().join("shop.answers.toml")).unwrap();
    assert!(saved.contains("min_replicas = 3\n"), "{saved}");
    assert!(saved.contains("max_replicas = 6\n"), "{saved}");
    // The saved file resumes: the same answers, written without a question.
    sb.cmd(&["new", "--answers", "shop.answers.toml", "--no-input"])
        .assert()
        .success();
    let written = std::fs::read_to_string(sb.path().join("shop/.scaffold/answers.toml")).unwrap();
    assert!(written.contains("min_replicas = 3\n"), "{written}");
    assert!(written.contains("owner_team = \"payments\"\n"), "{written}");
}

#[test]
fn a_saved_answers_file_never_overwrites_a_users_file_and_a_refused_target_saves_too() {
    let sb = Sandbox::new();
    std::fs::write(sb.path().join("x.answers.toml"), "mine").unwrap();
    let mut p = spawn_new(&sb, &["--kind", "other", "x"]);
    p.exp_string("Output folder").unwrap();
    keys(&mut p, "\r");
    p.exp_string("recommended setup").unwrap();
    keys(&mut p, "y");
    p.exp_string("Ready?").unwrap();
    // The folder is taken between the check and the write.
    std::fs::create_dir(sb.path().join("x")).unwrap();
    std::fs::write(sb.path().join("x/late.txt"), "x").unwrap();
    keys(&mut p, "\r");
    p.exp_string("Your answers are saved in x.answers-2.toml")
        .unwrap();
    p.exp_string("-o OTHER_FOLDER").unwrap();
    assert_eq!(exit_code(&mut p), 2);
    assert_eq!(
        std::fs::read_to_string(sb.path().join("x.answers.toml")).unwrap(),
        "mine"
    );
    assert!(sb.path().join("x.answers-2.toml").is_file());
}

#[test]
fn the_summary_edits_any_answer_and_shows_every_file_on_request() {
    let sb = Sandbox::new();
    let mut p = spawn_new(&sb, &["--kind", "demo", "shop"]);
    p.exp_string("Output folder").unwrap();
    keys(&mut p, "\r");
    p.exp_string("recommended setup").unwrap();
    keys(&mut p, "y");
    p.exp_string("Ready?").unwrap();
    keys(&mut p, &DOWN.repeat(2)); // show every file
    keys(&mut p, "\r");
    p.exp_string("shop-chart/").unwrap();
    p.exp_string("Ready?").unwrap();
    keys(&mut p, &DOWN.repeat(3)); // change the output folder
    keys(&mut p, "\r");
    p.exp_string("Output folder").unwrap();
    keys(&mut p, "\x7f\x7f\x7f\x7f\x7f\x7fstore\r");
    p.exp_string("files in store").unwrap();
    p.exp_string("Ready?").unwrap();
    keys(&mut p, DOWN); // edit an answer
    keys(&mut p, "\r");
    p.exp_string("Which answer?").unwrap();
    keys(&mut p, &DOWN.repeat(2)); // team
    keys(&mut p, "\r");
    p.exp_string("Owner team").unwrap();
    keys(&mut p, "\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7fBad!\r");
    let shown = p.exp_string("e.g. `payments`").unwrap();
    assert!(
        !shown.contains("^[a-z]"),
        "a regex shown to a person: {shown}"
    );
    keys(&mut p, "\x7f\x7f\x7f\x7fsearch\r");
    let summary = p.exp_string("Ready?").unwrap();
    assert!(squash(&summary).contains(" team search "), "{summary}");
    keys(&mut p, "\r");
    p.exp_string("Created shop demo project in store").unwrap();
    assert_eq!(exit_code(&mut p), 0);
    let answers = std::fs::read_to_string(sb.path().join("store/.scaffold/answers.toml")).unwrap();
    assert!(answers.contains("team = \"search\""), "{answers}");
}

#[test]
fn the_recommendation_is_marked_and_its_answers_become_defaults_and_ctrl_c_says_so_once() {
    let sb = Sandbox::new();
    let mut p = spawn(&sb, &["new"], true);
    let picker = p.exp_string("not sure?").unwrap();
    keys(&mut p, "\x1b[A");
    keys(&mut p, "\r");
    p.exp_string("[1/9] How does traffic arrive?").unwrap();
    keys(&mut p, "\r");
    p.exp_string("[2/9] Events (requests) per month").unwrap();
    keys(&mut p, "\x7f\x7f\x7f\x7f\x7f\x7f\x7f5M\r");
    for _ in 3..=9 {
        p.exp_string("/9] ").unwrap();
        keys(&mut p, "\r");
    }
    p.exp_string("Recommendation: serverless-webhook").unwrap();
    let after = p.exp_string("neither fits").unwrap();
    let marked = screen_lines(&after)
        .into_iter()
        .rev()
        .find(|l| l.contains("serverless-webhook") && l.contains("(recommended)"));
    assert!(marked.is_some(), "{after}");
    keys(&mut p, "\r"); // preselected
    p.exp_string("Project name").unwrap();
    keys(&mut p, "hooks\r");
    p.exp_string("Output folder").unwrap();
    keys(&mut p, "\r");
    p.exp_string("recommended setup").unwrap();
    keys(&mut p, "n");
    for _ in 0..6 {
        p.exp_string("/11] ").unwrap();
        keys(&mut p, "\r");
    }
    p.exp_string("Expected webhook deliveries per month (5000000)")
        .unwrap();
    keys(&mut p, "\x03");
    let rest = p.exp_eof().unwrap();
    assert_eq!(
        rest.matches("interrupted").count(),
        1,
        "the message once: {rest:?}"
    );
    assert_eq!(exit_code(&mut p), 130);
    assert_eq!(
        sb.entries(),
        vec!["hooks.answers.toml"],
        "nothing but the answers"
    );
    // The picker fits 80 columns: no line wraps.
    for line in screen_lines(&picker) {
        assert!(line.chars().count() <= 80, "{line:?}");
    }
}

#[test]
fn neither_fits_stops_with_the_advice_and_exit_0() {
    let sb = Sandbox::new();
    let mut p = spawn(&sb, &["new"], true);
    p.exp_string("not sure?").unwrap();
    keys(&mut p, "\x1b[A");
    keys(&mut p, "\r");
    p.exp_string("How does traffic arrive?").unwrap();
    keys(&mut p, "\r");
    p.exp_string("Events").unwrap();
    keys(&mut p, "\r");
    p.exp_string("long-lived connections").unwrap();
    keys(&mut p, "\r");
    p.exp_string("GPUs").unwrap();
    keys(&mut p, "y");
    for _ in 5..=9 {
        p.exp_string("/9] ").unwrap();
        keys(&mut p, "\r");
    }
    p.exp_string("Recommendation: neither kind").unwrap();
    p.exp_string("(recommended) Stop here").unwrap();
    keys(&mut p, "\r");
    p.exp_string("Stopped at the advice; nothing was written.")
        .unwrap();
    assert_eq!(exit_code(&mut p), 0);
    assert!(sb.entries().is_empty());
}

#[test]
fn every_line_of_a_whole_run_fits_80_columns() {
    let sb = Sandbox::new();
    let mut p = spawn(&sb, &["new", "--kind", "k8s-platform"], true);
    p.exp_string("Project name").unwrap();
    keys(&mut p, "shop\r");
    p.exp_string("Output folder").unwrap();
    keys(&mut p, "\r");
    p.exp_string("recommended setup").unwrap();
    keys(&mut p, "n");
    let mut seen = String::new();
    for n in 2..=13 {
        seen.push_str(&p.exp_string(&format!("[{n}/13] ")).unwrap());
        keys(&mut p, "\r");
    }
    seen.push_str(&p.exp_string("Ready?").unwrap());
    keys(&mut p, "\x03");
    let _ = p.exp_eof();
    let lines = screen_lines(&seen);
    assert!(lines.len() > 30, "{lines:#?}");
    for line in &lines {
        assert!(line.chars().count() <= 80, "wraps at 80 columns: {line:?}");
    }
}

#[test]
fn a_taken_folder_given_with_o_is_refused_before_the_questions_and_another_is_asked() {
    let sb = Sandbox::new();
    std::fs::create_dir(sb.path().join("taken")).unwrap();
    std::fs::write(sb.path().join("taken/keep.txt"), "x").unwrap();
    let templates = fixtures().display().to_string();
    let mut p = spawn(
        &sb,
        &[
            "new",
            "--templates",
            &templates,
            "--kind",
            "other",
            "x",
            "-o",
            "taken",
        ],
        true,
    );
    p.exp_string("taken").unwrap();
    p.exp_string("is not empty; choose another folder").unwrap();
    let before = p.exp_string("Output folder").unwrap();
    assert!(
        !before.contains("Flavour"),
        "asked before the folder: {before}"
    );
    keys(&mut p, "\x7f\x7f\x7f\x7f\x7f\x7f\x7ffresh\r");
    p.exp_string("recommended setup").unwrap();
    keys(&mut p, "y");
    p.exp_string("Ready?").unwrap();
    keys(&mut p, "\r");
    p.exp_string("Created x other project in fresh").unwrap();
    assert_eq!(exit_code(&mut p), 0);
    assert_eq!(sb.files("taken"), vec!["keep.txt"]);
}

#[test]
fn y_then_enter_at_the_recommended_setup_stops_at_the_summary_and_the_project_gets_its_history() {
    let sb = Sandbox::new();
    let mut p = spawn_new(&sb, &["--kind", "demo"]);
    p.exp_string("[1/9] Project name").unwrap();
    keys(&mut p, "shop\r");
    p.exp_string("Output folder").unwrap();
    keys(&mut p, "\r");
    p.exp_string("Use the recommended setup for the other 8 questions?")
        .unwrap();
    // As a person types it: `y` and Enter in one go.
    keys(&mut p, "y\r");
    p.exp_string("Ready?").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(700));
    assert!(
        !sb.path().join("shop").exists(),
        "written without a key pressed at the summary"
    );
    keys(&mut p, "\r");
    p.exp_string("Created shop demo project in ./shop").unwrap();
    p.exp_string("Started a git repository").unwrap();
    assert_eq!(exit_code(&mut p), 0);
    let count = Command::new("git")
        .current_dir(sb.path().join("shop"))
        .args(["rev-list", "--count", "HEAD"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&count.stdout).trim(), "1");
}

#[test]
fn enter_alone_at_the_offer_takes_the_recommended_setup() {
    let sb = Sandbox::new();
    let mut p = spawn_new(&sb, &["--kind", "demo", "shop"]);
    p.exp_string("Output folder").unwrap();
    keys(&mut p, "\r");
    p.exp_string("Use the recommended setup for the other 8 questions? (y/n) ")
        .unwrap();
    p.exp_string("yes").unwrap(); // the default shown
    keys(&mut p, "\r");
    p.exp_string("Ready?").unwrap();
    keys(&mut p, "\r");
    p.exp_string("Created shop demo project in ./shop").unwrap();
    assert_eq!(exit_code(&mut p), 0);
}

/// Up to the host name question, answering the name, the folder, "n" to the recommended setup, the description
/// and the team.
pub(crate) fn answer_up_to_the_host(p: &mut PtySession) {
    p.exp_string("[1/9] Project name").unwrap();
    keys(p, "shop\r");
    p.exp_string("Output folder").unwrap();
    keys(p, "\r");
    p.exp_string("recommended setup").unwrap();
    keys(p, "n");
    p.exp_string("One-line description").unwrap();
    keys(p, "\r");
    p.exp_string("Owner team").unwrap();
    keys(p, "payments\r");
    p.exp_string("Host name").unwrap();
}

#[test]
fn ctrl_c_at_a_later_question_saves_the_answers_so_far_and_says_how_to_resume() {
    let sb = Sandbox::new();
    std::fs::write(sb.path().join("shop.answers.toml"), "mine").unwrap();
    let templates = fixtures().display().to_string();
    let mut p = spawn_new(&sb, &["--kind", "demo"]);
    answer_up_to_the_host(&mut p);
    keys(&mut p, "half a host");
    keys(&mut p, "\x03");
    let rest = p.exp_eof().unwrap();
    assert_eq!(rest.matches("interrupted").count(), 1, "{rest:?}");
    assert!(
        rest.contains("Your answers are saved in shop.answers-2.toml; continue with:"),
        "{rest:?}"
    );
    assert!(
        rest.contains(&format!(
            "scaffold new --answers shop.answers-2.toml --templates {templates} -o ./shop"
        )),
        "{rest:?}"
    );
    assert_eq!(exit_code(&mut p), 130);
    assert_eq!(
        std::fs::read_to_string(sb.path().join("shop.answers.toml")).unwrap(),
        "mine",
        "a user's file is never overwritten"
    );
    let saved = std::fs::read_to_string(sb.path().join("shop.answers-2.toml")).unwrap();
    assert!(saved.contains("team = \"payments\"\n"), "{saved}");
    assert!(!saved.contains("half a host"), "{saved}");
    // The saved file resumes: the answers given come back, the rest take their defaults.
    sb.demo(&["--answers", "shop.answers-2.toml", "--no-input"])
        .assert()
        .success();
    let written = std::fs::read_to_string(sb.path().join("shop/.scaffold/answers.toml")).unwrap();
    assert!(written.contains("team = \"payments\"\n"), "{written}");
}

#[test]
fn sigterm_while_a_prompt_waits_saves_the_answers_and_ends_at_once() {
    let sb = Sandbox::new();
    let mut p = spawn_new(&sb, &["--kind", "demo"]);
    answer_up_to_the_host(&mut p);
    wait_for_raw_mode(&p);
    p.process_mut()
        .signal(rexpect::process::Signal::SIGTERM)
        .unwrap();
    // No key comes after the signal: a run that waited for one would time out here.
    saved_the_answers_and_exited(&mut p, &sb, 143);
}

/// The run ended with `code`, saying where it saved the answers, and wrote `shop.answers.toml` alone.
pub(crate) fn saved_the_answers_and_exited(p: &mut PtySession, sb: &Sandbox, code: i32) {
    let rest = p.exp_eof().unwrap();
    assert!(
        rest.contains("Your answers are saved in shop.answers.toml"),
        "{rest:?}"
    );
    assert_eq!(exit_code(p), code);
    assert_eq!(sb.entries(), vec!["shop.answers.toml"]);
}

/// The HPA ceiling's help says how many replicas the team quota leaves room for, and that is the question's
/// maximum: at the ceiling, a rollout's surge pod and the chart's test pod still fit the quota's CPU limits; one
/// replica more would not.
#[test]
fn the_replica_ceiling_help_matches_its_limit_and_the_quota() {
    let kind = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/k8s-platform");
    let manifest: toml::Value =
        toml::from_str(&std::fs::read_to_string(kind.join("template.toml")).unwrap()).unwrap();
    let question = manifest["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["key"].as_str() == Some("max_replicas"))
        .unwrap();
    let max = question["max"].as_integer().unwrap();
    let help = question["help"].as_str().unwrap();
    let milli = |cpu: &str| match cpu.trim().strip_suffix('m') {
        Some(m) => m.parse::<i64>().unwrap(),
        None => cpu.trim().parse::<i64>().unwrap() * 1000,
    };
    let settings = &manifest["settings"];
    let pod = milli(settings["cpu_limit"].as_str().unwrap());
    let quota = milli(settings["team_limits_cpu"].as_str().unwrap());
    let test_pod = std::fs::read_to_string(
        kind.join("files/charts/{{name}}/templates/tests/test-connection.yaml"),
    )
    .unwrap();
    let limits = &test_pod[test_pod.find("limits:").expect("the test pod's limits")..];
    let cpu = limits
        .lines()
        .find_map(|l| l.trim().strip_prefix("cpu:"))
        .expect("a CPU limit");
    let fits = |replicas: i64| (replicas + 1) * pod + milli(cpu) <= quota;
    assert!(
        fits(max),
        "{max} replicas, a surge pod and the test pod exceed {quota}m"
    );
    assert!(
        !fits(max + 1),
        "the limit {max} is below what the quota holds"
    );
    assert!(
        help.contains(&format!("room for {max} replicas")),
        "the help says another count: {help}"
    );
}
