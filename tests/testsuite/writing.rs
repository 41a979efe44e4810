//! Where and how a project is written: staging folders left by killed runs, every target the rules allow,
//! checks a dry run shares with a real one, paths that could not be listed, and errors with stderr gone.

use crate::support::{Sandbox, stderr_of};
use predicates::prelude::*;
use std::fs;
use std::process::{Command, Stdio};

const STAGING: &str = ".scaffold-staging-";

fn k8s(sb: &Sandbox, out: &str) -> assert_cmd::Command {
    sb.cmd(&[
        "new",
        "--kind",
        "k8s-platform",
        "demo",
        "--no-input",
        "-o",
        out,
    ])
}

/// The id of a process that has ended and been reaped, so nothing runs under it.
fn dead_pid() -> u32 {
    let mut child = Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

fn plant_staging(dir: &std::path::Path, pid: u32) -> std::path::PathBuf {
    let path = dir.join(format!("{STAGING}{pid}-AbCdEf"));
    fs::create_dir_all(path.join("deep/er")).unwrap();
    fs::write(path.join("deep/er/README.md"), "half a project").unwrap();
    path
}

#[test]
fn a_staging_folder_of_a_killed_run_is_removed_by_the_next_run() {
    let sb = Sandbox::new();
    let beside = plant_staging(sb.path(), dead_pid());
    fs::create_dir(sb.path().join("empty")).unwrap();
    let inside = plant_staging(&sb.path().join("empty"), dead_pid());
    // The planted folder makes `empty` non-empty; a run into a fresh folder beside it sweeps the parent.
    k8s(&sb, "demo")
        .assert()
        .code(0)
        .stderr(predicate::str::contains(format!(
            "note: removed ./{}, left by an earlier run that was killed",
            beside.file_name().unwrap().to_string_lossy()
        )));
    assert!(
        !beside.exists(),
        "stale staging beside the target is removed"
    );
    assert!(
        inside.exists(),
        "a folder that is not where this run stages is not touched"
    );
    k8s(&sb, "empty").arg("--force").assert().code(0);
    assert!(
        !inside.exists(),
        "stale staging inside the target is removed"
    );
    assert!(!sb.files("empty").iter().any(|f| f.contains(STAGING)));
}

#[test]
fn a_staging_folder_of_a_run_still_going_is_named_and_left_alone() {
    let sb = Sandbox::new();
    let mut sleeper = Command::new("sleep").arg("60").spawn().unwrap();
    let live = plant_staging(sb.path(), sleeper.id());
    let out = k8s(&sb, "demo").output().unwrap();
    sleeper.kill().unwrap();
    sleeper.wait().unwrap();
    let stderr = stderr_of(&out, &sb);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(&format!("still going (process {})", sleeper.id()))
            && stderr.contains(&format!("{STAGING}{}-AbCdEf", sleeper.id())),
        "{stderr}"
    );
    assert!(live.join("deep/er/README.md").exists());
}

/// An empty folder the user owns inside a folder they cannot write: the project is staged inside the target,
/// so nothing needs the parent. (As root, which may write anywhere, the run drops to `nobody`.)
#[test]
fn an_empty_folder_in_a_read_only_parent_is_written() {
    let sb = Sandbox::new();
    let parent = sb.path().join("locked");
    let target = parent.join("mine");
    fs::create_dir_all(&target).unwrap();
    let root = rustix::process::geteuid().is_root();
    use std::os::unix::fs::PermissionsExt;
    if root {
        fs::set_permissions(sb.path(), fs::Permissions::from_mode(0o755)).unwrap();
        fs::set_permissions(&parent, fs::Permissions::from_mode(0o755)).unwrap();
        std::os::unix::fs::chown(&target, Some(65534), Some(65534)).unwrap();
    } else {
        fs::set_permissions(&parent, fs::Permissions::from_mode(0o555)).unwrap();
    }
    let run = |out: &str, dry: bool| {
        let mut cmd = if root {
            let mut c = Command::new("setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
                .arg(env!("CARGO_BIN_EXE_scaffold"));
            c
        } else {
            Command::new(env!("CARGO_BIN_EXE_scaffold"))
        };
        cmd.current_dir(sb.path())
            .env("NO_COLOR", "1")
            .env("SCAFFOLD_CONFIG", sb.no_config())
            .args([
                "new",
                "--kind",
                "k8s-platform",
                "demo",
                "--no-input",
                "-o",
                out,
            ]);
        if dry {
            cmd.arg("--dry-run");
        }
        cmd.output().unwrap()
    };
    // A new folder in the locked parent is refused up front, in a dry run as in a real one.
    for dry in [true, false] {
        let refused = run("locked/new", dry);
        let text = stderr_of(&refused, &sb);
        assert_eq!(refused.status.code(), Some(2), "{text}");
        assert!(text.contains("locked cannot be written"), "{text}");
    }
    let out = run("locked/mine", false);
    if !root {
        fs::set_permissions(&parent, fs::Permissions::from_mode(0o755)).unwrap();
    }
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out, &sb));
    let files = sb.files("locked/mine");
    assert!(files.contains(&".scaffold/manifest".to_string()) && files.len() > 60);
    assert!(!files.iter().any(|f| f.contains(STAGING)), "{files:?}");
    assert_eq!(sb.files("locked").len(), files.len());
}

#[test]
fn a_dry_run_refuses_what_the_real_run_refuses() {
    let sb = Sandbox::new();
    fs::create_dir(sb.path().join("taken")).unwrap();
    fs::write(sb.path().join("taken/mine.txt"), "keep").unwrap();
    let real = k8s(&sb, "taken").output().unwrap();
    let dry = k8s(&sb, "taken").arg("--dry-run").output().unwrap();
    assert_eq!(real.status.code(), Some(2));
    assert_eq!(dry.status.code(), Some(2));
    assert_eq!(stderr_of(&dry, &sb), stderr_of(&real, &sb));
    assert!(stderr_of(&dry, &sb).contains("not empty"));
    assert!(
        dry.stdout.is_empty(),
        "no \"Would write\" for a refused target"
    );
}

#[test]
fn a_forced_dry_run_lists_its_conflicts() {
    let sb = Sandbox::new();
    fs::create_dir_all(sb.path().join("taken/.scaffold")).unwrap();
    fs::write(sb.path().join("taken/README.md"), "mine").unwrap();
    fs::write(sb.path().join("taken/.scaffold/manifest"), "mine").unwrap();
    let real = k8s(&sb, "taken").arg("--force").output().unwrap();
    let dry = k8s(&sb, "taken")
        .args(["--force", "--dry-run"])
        .output()
        .unwrap();
    let text = stderr_of(&dry, &sb);
    assert_eq!(dry.status.code(), Some(2), "{text}");
    assert_eq!(real.status.code(), Some(2));
    assert_eq!(text, stderr_of(&real, &sb));
    assert!(
        text.contains("  .scaffold/manifest\n  README.md\n"),
        "{text}"
    );
    assert_eq!(
        fs::read_to_string(sb.path().join("taken/README.md")).unwrap(),
        "mine"
    );
}

#[test]
fn a_file_on_the_way_to_the_target_is_a_usage_error_before_rendering() {
    let sb = Sandbox::new();
    fs::write(sb.path().join("afile"), "x").unwrap();
    for out in ["afile/sub", "afile/sub/deeper"] {
        k8s(&sb, out)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("afile exists and is not a folder"));
        k8s(&sb, out).arg("--dry-run").assert().code(2);
    }
    assert_eq!(sb.entries(), vec!["afile".to_string()]);
}

/// An error while stderr is a pipe nobody reads, or closed outright: the exit code still tells, no panic.
#[test]
fn an_error_with_stderr_gone_keeps_its_exit_code() {
    let sb = Sandbox::new();
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = Command::new(env!("CARGO_BIN_EXE_scaffold"))
        .current_dir(sb.path())
        .args(["new", "--kind", "no-such-kind", "x", "--no-input"])
        .stdout(Stdio::null())
        .stderr(Stdio::from(writer))
        .status()
        .unwrap();
    assert_eq!(out.code(), Some(2), "a broken stderr");
    let closed = Command::new("sh")
        .current_dir(sb.path())
        .arg("-c")
        .arg(format!(
            "'{}' new --kind no-such-kind x --no-input 2>&-",
            env!("CARGO_BIN_EXE_scaffold")
        ))
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert_eq!(closed.code(), Some(2), "a closed stderr");
}

/// `TERM=dumb` gets no colour even on a terminal; another terminal does (so the test can tell).
#[test]
fn a_dumb_terminal_gets_no_colour() {
    let sb = Sandbox::new();
    let run = |term: &str| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_scaffold"));
        cmd.current_dir(sb.path())
            .env("TERM", term)
            .env_remove("NO_COLOR")
            .args(["new", "--kind", "no-such-kind", "x", "--no-input"]);
        let mut p = rexpect::session::spawn_command(cmd, Some(20_000)).unwrap();
        p.exp_eof().unwrap()
    };
    assert!(run("xterm").contains("\x1b["), "colour on a terminal");
    let dumb = run("dumb");
    assert!(
        dumb.contains("error:") && !dumb.contains('\x1b'),
        "{dumb:?}"
    );
}

/// A path that a newline or another control character would split in `.scaffold/manifest` is refused at
/// render time with exit 2, naming the template path. The question is declared multi-line, so the answer itself
/// passes validation and the render-time check is what refuses it.
#[test]
fn a_control_character_in_a_generated_path_is_refused() {
    let sb = Sandbox::new();
    let kind = sb.path().join("kinds/team");
    fs::create_dir_all(kind.join("files/{{team}}")).unwrap();
    fs::write(
        kind.join("template.toml"),
        "kind = \"team\"\ndescription = \"d\"\nwhen_to_use = \"w\"\n\n[[questions]]\nkey = \"team\"\n\
         prompt = \"Team\"\ntype = \"string\"\ndefault = \"core\"\nmultiline = true\n",
    )
    .unwrap();
    fs::write(kind.join("files/{{team}}/notes.txt"), "x").unwrap();
    sb.cmd(&[
        "new",
        "--templates",
        "kinds",
        "--kind",
        "team",
        "demo",
        "--no-input",
    ])
    .assert()
    .code(0);
    assert!(sb.path().join("demo/core/notes.txt").is_file());
    for bad in ["a\nb", "tab\there", "c1\u{85}x"] {
        let set = format!("team={bad}");
        let out = sb
            .cmd(&[
                "new",
                "--templates",
                "kinds",
                "--kind",
                "team",
                "bad",
                "--no-input",
                "--set",
                &set,
            ])
            .output()
            .unwrap();
        let text = stderr_of(&out, &sb);
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {text}");
        assert!(text.contains("team/files/{{team}}/notes.txt"), "{text}");
        assert!(text.contains("control character"), "{text}");
        assert!(!sb.path().join("bad").exists());
    }
}
