//! The wizard's own keys, in a pseudo-terminal: Ctrl-D ends it at any prompt as Ctrl-C does (the answers so far
//! saved), Esc goes back to the previous question with its answer typed again, and what a prompt draws is
//! redrawn whole at any width.

use crate::support::Sandbox;
use crate::support::fixtures;
use crate::wizard::{
    DOWN, answer_up_to_the_host, exit_code, keys, saved_the_answers_and_exited, script, spawn_new,
    spawn_sized, wrote_shop_with,
};
use rexpect::session::PtySession;

const CTRL_D: &str = "\x04";
const ESC: &str = "\x1b";
/// Ctrl-U: clears the line typed so far.
const CLEAR: &str = "\x15";

/// Ctrl-D at each kind of prompt (text, number, yes/no, picker) saves the answers given before it, says where,
/// and exits 130, as Ctrl-C does.
#[test]
fn ctrl_d_at_any_prompt_saves_the_answers_so_far_and_exits_130() {
    type Reach = fn(&mut PtySession);
    let stops: [(&str, Reach, &[&str]); 4] = [
        ("text", |p| keys(p, "half a host"), &[]),
        (
            "number",
            |p| {
                keys(p, "\r");
                p.exp_string("[5/9] Replicas").unwrap();
                keys(p, "7");
            },
            &["host = "],
        ),
        (
            "yes/no",
            |p| {
                keys(p, "\r");
                p.exp_string("[5/9] Replicas").unwrap();
                keys(p, "3\r");
                p.exp_string("[6/9] Expose metrics").unwrap();
            },
            &["replicas = 3"],
        ),
        (
            "picker",
            |p| {
                keys(p, "\r");
                p.exp_string("[5/9] Replicas").unwrap();
                keys(p, "3\r");
                p.exp_string("[6/9] Expose metrics").unwrap();
                keys(p, "n");
                p.exp_string("[7/9] Ingress").unwrap();
                keys(p, DOWN);
            },
            &["replicas = 3", "metrics = false"],
        ),
    ];
    for (prompt, reach, saved_too) in stops {
        let sb = Sandbox::new();
        let mut p = spawn_new(&sb, &["--kind", "demo"]);
        answer_up_to_the_host(&mut p);
        reach(&mut p);
        keys(&mut p, CTRL_D);
        let rest = p.exp_eof().unwrap();
        assert_eq!(rest.matches("interrupted").count(), 1, "{prompt}: {rest:?}");
        assert!(
            rest.contains("Your answers are saved in shop.answers.toml; continue with:"),
            "{prompt}: {rest:?}"
        );
        assert_eq!(exit_code(&mut p), 130, "{prompt}");
        let saved = std::fs::read_to_string(sb.path().join("shop.answers.toml")).unwrap();
        for line in ["team = \"payments\"\n"].iter().chain(saved_too) {
            assert!(
                saved.contains(line),
                "{prompt}: {line} missing from {saved}"
            );
        }
        assert!(!saved.contains("ingress"), "{prompt}: {saved}");
        assert!(!sb.path().join("shop").exists(), "{prompt}: written");
    }
}

#[test]
fn ctrl_d_at_the_kind_picker_and_the_offer_ends_as_ctrl_c_does() {
    let sb = Sandbox::new();
    let mut p = spawn_new(&sb, &[]);
    p.exp_string("What do you want to build?").unwrap();
    keys(&mut p, CTRL_D);
    let rest = p.exp_eof().unwrap();
    assert_eq!(rest.matches("interrupted").count(), 1, "{rest:?}");
    assert_eq!(exit_code(&mut p), 130);
    assert!(sb.entries().is_empty(), "{:?}", sb.entries());

    let sb = Sandbox::new();
    let mut p = spawn_new(&sb, &["--kind", "demo"]);
    p.exp_string("[1/9] Project name").unwrap();
    keys(&mut p, "shop\r");
    p.exp_string("Output folder").unwrap();
    keys(&mut p, "\r");
    p.exp_string("recommended setup").unwrap();
    keys(&mut p, CTRL_D);
    saved_the_answers_and_exited(&mut p, &sb, 130);
}

/// Esc goes back one question at a time, through the folder and the offer of the recommended setup too, with
/// the answer given before typed (or chosen) again; at the first question it only shows it again.
#[test]
fn esc_goes_back_to_the_previous_question_with_its_answer() {
    let sb = Sandbox::new();
    let mut p = spawn_new(&sb, &["--kind", "demo"]);
    p.exp_string("Esc goes back a question; Ctrl-C or Ctrl-D stops.")
        .unwrap();
    p.exp_string("[1/9] Project name").unwrap();
    keys(&mut p, ESC);
    p.exp_string("[1/9] Project name").unwrap();
    keys(&mut p, "shop\r");
    p.exp_string("Output folder").unwrap();
    keys(&mut p, "\r");
    p.exp_string("recommended setup").unwrap();
    // Back from the offer to the folder just chosen, and on again.
    keys(&mut p, ESC);
    p.exp_string(&raw("Output folder (./shop) › ./shop"))
        .unwrap();
    keys(&mut p, "\r");
    p.exp_string("recommended setup").unwrap();
    keys(&mut p, "n");
    p.exp_string("[2/9] One-line description").unwrap();
    // Back through the offer and the folder to the name.
    keys(&mut p, ESC);
    p.exp_string(&raw(
        "Use the recommended setup for the other 8 questions? (y/n) › no",
    ))
    .unwrap();
    keys(&mut p, ESC);
    p.exp_string(&raw("Output folder (./shop) › ./shop"))
        .unwrap();
    keys(&mut p, ESC);
    p.exp_string(&raw("[1/9] Project name › shop")).unwrap();
    keys(&mut p, "\r");
    p.exp_string("Output folder").unwrap();
    keys(&mut p, "\r");
    p.exp_string("recommended setup").unwrap();
    keys(&mut p, "\r"); // "no", chosen before
    p.exp_string("[2/9] One-line description").unwrap();
    keys(&mut p, "\r");
    p.exp_string("[3/9] Owner team").unwrap();
    keys(&mut p, "payments\r");
    p.exp_string("[4/9] Host name").unwrap();
    keys(&mut p, ESC);
    p.exp_string(&raw("[3/9] Owner team (platform) › payments"))
        .unwrap();
    keys(&mut p, "\r");
    p.exp_string("[4/9] Host name").unwrap();
    keys(&mut p, "\r");
    p.exp_string("[5/9] Replicas").unwrap();
    keys(&mut p, "3\r");
    p.exp_string("[6/9] Expose metrics").unwrap();
    keys(&mut p, "n");
    p.exp_string("[7/9] Ingress").unwrap();
    // From a picker to a yes/no question, and from there to a number.
    keys(&mut p, ESC);
    p.exp_string(&raw("[6/9] Expose metrics (y/n) › no"))
        .unwrap();
    keys(&mut p, ESC);
    p.exp_string(&raw("[5/9] Replicas (2) › 3")).unwrap();
    keys(&mut p, &format!("{CLEAR}4\r"));
    script(
        &mut p,
        &[
            ("[6/9] Expose metrics", "\r"),
            ("[7/9] Ingress", DOWN),
            ("", "\r"),
            ("[8/9] Alert email", "\r"),
            ("[9/9] Maximum replicas", "5\r"),
            ("Ready?", "\r"),
        ],
    );
    wrote_shop_with(
        &mut p,
        &sb,
        &[
            "team = \"payments\"",
            "replicas = 4",
            "metrics = false",
            "ingress = \"gateway\"",
            "max_replicas = 5",
        ],
    );
}

/// `text` as rexpect reads it from the terminal: one char per byte of its UTF-8.
fn raw(text: &str) -> String {
    text.bytes().map(char::from).collect()
}

/// Everything read from the terminal so far, kept to replay into a terminal emulator.
struct Seen(String);

impl Seen {
    fn until(&mut self, p: &mut PtySession, needle: &str) {
        let needle = raw(needle);
        let before = p.exp_string(&needle).unwrap();
        self.0.push_str(&before);
        self.0.push_str(&needle);
    }

    /// The screen of a terminal `columns` wide after all that was read: each row, wrapped rows joined.
    fn screen(&self, columns: u16) -> String {
        let bytes: Vec<u8> = if self.0.chars().all(|c| (c as u32) < 256) {
            self.0.chars().map(|c| c as u8).collect()
        } else {
            self.0.as_bytes().to_vec()
        };
        let size = |n: u16| std::num::NonZeroU16::new(n).unwrap();
        let mut parser = vt100::Parser::new(size(24), size(columns), 0);
        parser.process(&bytes);
        parser.screen().contents()
    }
}

/// A message too long for a 40-column terminal wraps over rows; it stays whole above the prompt asked again,
/// and the next message replaces it whole.
#[test]
fn a_wrapped_validation_message_stays_whole_above_the_prompt_asked_again() {
    let sb = Sandbox::new();
    let templates = fixtures().display().to_string();
    let mut p = spawn_sized(
        &sb,
        &["new", "--templates", &templates, "--kind", "demo", "shop"],
        true,
        40,
    );
    let mut seen = Seen(String::new());
    seen.until(&mut p, "Output folder");
    keys(&mut p, "\r");
    seen.until(&mut p, "recommended setup");
    keys(&mut p, "n");
    seen.until(&mut p, "[1/8]");
    keys(&mut p, "\r");
    seen.until(&mut p, "[2/8] Owner team");
    keys(&mut p, "Bad Team!\r");
    seen.until(&mut p, "e.g. `payments`");
    // A key typed at the prompt asked again: drawn after it.
    keys(&mut p, "Q");
    seen.until(&mut p, "Q");
    let message = "`Bad Team!` is not accepted: it does not have the form this question needs, e.g. `payments`";
    let screen = seen.screen(40);
    let joined = screen.replace('\n', "");
    assert!(joined.contains(message), "not whole:\n{screen}");
    let after = &joined[joined.find(message).unwrap()..];
    assert!(after.contains("Owner team (platform) › Q"), "{screen}");
    keys(&mut p, "\x7fSecond Bad!\r");
    seen.until(&mut p, "e.g. `payments`");
    keys(&mut p, "R");
    seen.until(&mut p, "R");
    let screen = seen.screen(40);
    let joined = screen.replace('\n', "");
    assert!(
        joined.contains(
            "`Second Bad!` is not accepted: it does not have the form this question needs, e.g. `payments`"
        ),
        "not whole:\n{screen}"
    );
    assert!(
        !joined.contains("Bad Team!"),
        "the first message is left:\n{screen}"
    );
    keys(&mut p, "\x03");
    let _ = p.exp_eof();
}

/// The AWS region is picked from the kind's list, a page at a time: 34 regions do not fit 24 rows.
#[test]
fn the_aws_region_is_picked_from_the_list_a_page_at_a_time() {
    let sb = Sandbox::new();
    let mut p = crate::wizard::spawn(&sb, &["new", "--kind", "serverless-webhook", "hooks"], true);
    script(
        &mut p,
        &[
            ("Output folder", "\r"),
            ("recommended setup", "n"),
            ("One-line description", "\r"),
            ("[2/10] Owning team", "\r"),
        ],
    );
    p.exp_string("[3/10] AWS region").unwrap();
    p.exp_string("[Page 1/2]").unwrap();
    p.exp_string("us-east-1      US East (N. Virginia)")
        .unwrap();
    // The next page and back, then down to Europe (Ireland).
    keys(&mut p, "l");
    p.exp_string("[Page 2/2]").unwrap();
    keys(&mut p, "h");
    p.exp_string("[Page 1/2]").unwrap();
    keys(&mut p, &DOWN.repeat(8));
    keys(&mut p, "\r");
    p.exp_string(&raw("AWS region · eu-west-1")).unwrap();
    keys(&mut p, "\x03");
    let rest = p.exp_eof().unwrap();
    assert!(rest.contains("hooks.answers.toml"), "{rest:?}");
    let saved = std::fs::read_to_string(sb.path().join("hooks.answers.toml")).unwrap();
    assert!(saved.contains("aws_region = \"eu-west-1\""), "{saved}");
}

/// `scaffold advise` asks with the same prompts: Esc goes back there too, past the answers its flags gave.
#[test]
fn esc_goes_back_in_the_advisor_too() {
    let sb = Sandbox::new();
    let mut p = crate::wizard::spawn_advise(&sb);
    p.exp_string("Events (requests) per month").unwrap();
    keys(&mut p, &format!("{CLEAR}2M\r"));
    p.exp_string("custom networking").unwrap();
    keys(&mut p, "n");
    p.exp_string("How many engineers").unwrap();
    keys(&mut p, ESC);
    p.exp_string(&raw("custom networking")).unwrap();
    keys(&mut p, ESC);
    p.exp_string(&raw("Events (requests) per month")).unwrap();
    p.exp_string(&raw("› 2000000")).unwrap();
    keys(&mut p, &format!("{CLEAR}500M\r"));
    script(
        &mut p,
        &[
            ("custom networking", "n"),
            ("How many engineers", "\r"),
            ("platform team", "n"),
            ("compliance", "n"),
            ("Latency budget", "\r"),
        ],
    );
    let rest = p.exp_eof().unwrap();
    // The answer given on coming back is the one advised on.
    assert!(rest.contains("At 500,000,000 events a month"), "{rest}");
    assert_eq!(exit_code(&mut p), 0);
}
