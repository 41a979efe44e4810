//! Terminating signals: SIGINT, SIGTERM and SIGHUP at any moment leave the whole project or nothing, and the
//! exit code says which (128 + the signal, or 0 when the project was complete).

use crate::support::{Sandbox, depth};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn scaffold(sb: &Sandbox, out: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_scaffold"));
    cmd.current_dir(sb.path()).env("NO_COLOR", "1").args([
        "new",
        "--kind",
        "k8s-platform",
        "demo",
        "--no-input",
        "-o",
        out,
    ]);
    cmd
}

fn send(signal: &str, pid: u32) {
    // The process may have ended already; that is one of the moments being tested.
    let _ = Command::new("kill")
        .args([&format!("-{signal}"), &pid.to_string()])
        .stderr(Stdio::null())
        .status();
}

/// The exit code as a shell shows it: 128 + the signal for a process the signal ended.
fn shell_code(status: std::process::ExitStatus) -> Option<i32> {
    std::os::unix::process::ExitStatusExt::signal(&status)
        .map(|sig| 128 + sig)
        .or(status.code())
}

fn staging_in(sb: &Sandbox) -> Vec<String> {
    sb.entries()
        .into_iter()
        .filter(|e| e.starts_with(".scaffold-staging"))
        .collect()
}

/// The process catches `signal` (its handler is installed), as Linux shows in `/proc/PID/status`; where there
/// is no `/proc`, once `since` is 300 ms ago.
fn caught(pid: u32, signal: i32, since: Instant) -> bool {
    let Ok(text) = std::fs::read_to_string(format!("/proc/{pid}/status")) else {
        return since.elapsed() >= Duration::from_millis(300);
    };
    let mask = text
        .lines()
        .find_map(|l| l.strip_prefix("SigCgt:"))
        .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
        .unwrap_or(0);
    mask & (1 << (signal - 1)) != 0
}

/// Waits until the process catches `signal`, rather than for a time that a loaded machine may not keep.
fn wait_until_caught(pid: u32, signal: i32) {
    let started = Instant::now();
    let deadline = started + Duration::from_secs(60);
    while !caught(pid, signal, started) {
        assert!(
            Instant::now() < deadline,
            "signal {signal} was never caught"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// When a signal is sent during a run: at a point the run reaches (a readiness marker), or a time after the
/// start.
#[derive(Debug, Clone, Copy)]
enum Moment {
    /// As soon as the process exists, before it can catch anything.
    Spawned,
    /// Once it catches the signal (its handler is installed), before anything is rendered.
    Caught,
    /// Once its staging folder exists: in the middle of writing.
    Staging,
    /// Once the project's manifest is in place: while a new project's git repository is started, or while a
    /// forced run still moves files into the user's folder.
    InPlace,
    /// After the run has ended by itself: the signal finds nothing to stop.
    Ended,
    /// This long after the start.
    After(Duration),
}

/// The moments a sweep sends its signal at: the five markers, then (in a deep run) `timed` moments spread
/// evenly from the start to `span` times the length of a whole run.
fn moments(whole: Duration, timed: u32, span: f64) -> Vec<Moment> {
    let mut out = vec![
        Moment::Spawned,
        Moment::Caught,
        Moment::Staging,
        Moment::InPlace,
        Moment::Ended,
    ];
    let timed = depth(0, timed);
    out.extend(
        (0..timed).map(|i| Moment::After(whole.mul_f64(span * f64::from(i) / f64::from(timed)))),
    );
    out
}

/// Waits for `moment` in the run of `child` into `dir/out`; returns at once when the run has ended.
fn wait_for(moment: Moment, child: &mut std::process::Child, dir: &std::path::Path, out: &str) {
    let started = Instant::now();
    let reached = |child: &mut std::process::Child| -> bool {
        match moment {
            Moment::Spawned => true,
            Moment::Caught => caught(child.id(), libc::SIGTERM, started),
            Moment::Staging => std::fs::read_dir(dir).is_ok_and(|entries| {
                entries.flatten().any(|e| {
                    e.file_name()
                        .to_string_lossy()
                        .starts_with(".scaffold-staging")
                })
            }),
            Moment::InPlace => dir.join(out).join(".scaffold/manifest").exists(),
            Moment::Ended => false,
            Moment::After(d) => started.elapsed() >= d,
        }
    };
    let deadline = started + Duration::from_secs(60);
    while !reached(child) && !matches!(child.try_wait(), Ok(Some(_))) {
        assert!(Instant::now() < deadline, "{moment:?} never came");
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Each signal at each moment of a run (the five markers, and in a deep run 24 moments spread evenly from the
/// start to twice the length of a run): never part of a project, never a staging folder, and 128 + the signal
/// only when nothing was written.
#[test]
fn every_terminating_signal_at_any_moment_leaves_all_or_nothing() {
    let sb = Sandbox::new();
    let started = Instant::now();
    assert!(
        scaffold(&sb, "timed")
            .stdout(Stdio::null())
            .status()
            .unwrap()
            .success()
    );
    let whole = started.elapsed();
    for (signal, code) in [("INT", 130), ("TERM", 143), ("HUP", 129)] {
        let mut outcomes = std::collections::BTreeSet::new();
        for (i, moment) in moments(whole, 24, 2.0).into_iter().enumerate() {
            let out = format!("{signal}{i}");
            let mut child = scaffold(&sb, &out)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            wait_for(moment, &mut child, sb.path(), &out);
            send(signal, child.id());
            let status = shell_code(child.wait().unwrap());
            let files = sb.files(&out);
            if files.is_empty() {
                assert_eq!(
                    status,
                    Some(code),
                    "SIG{signal} {moment:?}: no project, so {code}"
                );
                outcomes.insert("nothing");
            } else {
                assert_eq!(status, Some(0), "SIG{signal} {moment:?}: a project, so 0");
                assert!(
                    files.contains(&".scaffold/manifest".to_string()) && files.len() > 60,
                    "SIG{signal} {moment:?}: partial project: {files:?}"
                );
                outcomes.insert("whole");
            }
            assert!(
                staging_in(&sb).is_empty(),
                "SIG{signal} {moment:?}: staging left behind"
            );
        }
        assert!(
            outcomes.contains("nothing") && outcomes.contains("whole"),
            "SIG{signal}: the moments did not reach both before and after the end: {outcomes:?}"
        );
    }
}

/// SIGTERM while the run writes its summary to a stdout nobody reads: the project is complete, so the run ends
/// with 0 and says so, instead of claiming that nothing was written.
#[test]
fn a_signal_after_the_project_is_complete_exits_0() {
    use std::io::Write;
    let sb = Sandbox::new();
    let (reader, mut writer) = std::io::pipe().unwrap();
    // Fill the pipe so that the run's first write to stdout blocks.
    rustix::fs::fcntl_setfl(&writer, rustix::fs::OFlags::NONBLOCK).unwrap();
    while writer.write(&[b'x'; 4096]).is_ok() {}
    rustix::fs::fcntl_setfl(&writer, rustix::fs::OFlags::empty()).unwrap();
    let child = scaffold(&sb, "demo")
        .stdout(Stdio::from(writer))
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !sb.path().join("demo/.scaffold/manifest").exists() {
        assert!(Instant::now() < deadline, "the project never appeared");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(200));
    send("TERM", child.id());
    let out = child.wait_with_output().unwrap();
    drop(reader);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(shell_code(out.status), Some(0), "{stderr}");
    assert!(stderr.contains("written in full"), "{stderr}");
    assert!(!stderr.contains("nothing was written"), "{stderr}");
    assert!(sb.files("demo").len() > 60);
}

/// Before writing, a signal ends the run at once with its message printed once and no escape codes into a
/// stderr that is not a terminal.
#[test]
fn the_message_is_printed_once_and_plain_off_a_terminal() {
    let sb = Sandbox::new();
    // An answers file that is a FIFO nobody writes keeps the run waiting before anything is rendered.
    let fifo = sb.path().join("answers.toml");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let child = Command::new(env!("CARGO_BIN_EXE_scaffold"))
        .current_dir(sb.path())
        .args(["new", "--answers", "answers.toml", "--no-input"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_until_caught(child.id(), libc::SIGINT);
    send("INT", child.id());
    std::thread::sleep(Duration::from_millis(100));
    send("INT", child.id());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(shell_code(out.status), Some(130), "{stderr}");
    assert_eq!(stderr, "interrupted; nothing was written\n");
}

/// Ctrl-C at the kind picker: the prompt reads it as a key and raises SIGINT too; the message still comes once.
#[test]
fn ctrl_c_at_a_prompt_prints_its_message_once() {
    let sb = Sandbox::new();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_scaffold"));
    cmd.current_dir(sb.path())
        .env("TERM", "xterm")
        .env("NO_COLOR", "1")
        .arg("new")
        .arg("--templates")
        .arg(crate::support::fixtures());
    let mut p = rexpect::session::spawn_command(cmd, Some(20_000)).unwrap();
    p.exp_string("What do you want to build?").unwrap();
    crate::wizard::wait_for_raw_mode(&p);
    p.send("\x03").unwrap();
    p.flush().unwrap();
    let rest = p.exp_eof().unwrap();
    assert_eq!(rest.matches("nothing was written").count(), 1, "{rest:?}");
    match p.process().wait().unwrap() {
        rexpect::process::WaitStatus::Exited(_, code) => assert_eq!(code, 130),
        other => panic!("{other:?}"),
    }
    assert!(sb.entries().is_empty());
}

/// `--force` into a folder of the user's, stopped by SIGTERM at each moment of a run (the five markers, and in a
/// deep run 12 moments spread over one and a half runs): the folder holds
/// the user's file and either the whole project or nothing of it, and no staging folder, inside or beside.
#[test]
fn a_signal_during_a_forced_merge_leaves_the_folder_as_it_was_or_complete() {
    let sb = Sandbox::new();
    let started = Instant::now();
    assert!(
        scaffold(&sb, "timed")
            .stdout(Stdio::null())
            .status()
            .unwrap()
            .success()
    );
    let whole = started.elapsed();
    let mut outcomes = std::collections::BTreeSet::new();
    for (i, moment) in moments(whole, 12, 1.5).into_iter().enumerate() {
        let out = format!("mine{i}");
        std::fs::create_dir(sb.path().join(&out)).unwrap();
        std::fs::write(sb.path().join(&out).join("notes.txt"), "mine").unwrap();
        let mut child = scaffold(&sb, &out)
            .arg("--force")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        wait_for(moment, &mut child, sb.path(), &out);
        send("TERM", child.id());
        let status = shell_code(child.wait().unwrap());
        let files = sb.files(&out);
        assert!(files.contains(&"notes.txt".to_string()));
        if files.len() == 1 {
            assert_eq!(status, Some(143), "{moment:?}");
            outcomes.insert("nothing");
        } else {
            assert_eq!(status, Some(0), "{moment:?}");
            assert!(files.len() > 60, "{moment:?}: partial project: {files:?}");
            outcomes.insert("whole");
        }
        assert!(
            !files.iter().any(|f| f.contains(".scaffold-staging")),
            "{files:?}"
        );
        assert!(staging_in(&sb).is_empty(), "staging left beside the target");
    }
    assert!(
        outcomes.contains("nothing") && outcomes.contains("whole"),
        "{outcomes:?}"
    );
}

/// `git -C dir ARGS`, its output trimmed.
fn git_in(dir: &std::path::Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=Dev", "-c", "user.email=dev@example.com"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Each signal, sent to the whole process group as a terminal sends Ctrl-C, at moments spread over
/// `scaffold update` and a little past it (4 moments each, 10 in a deep run), for an update that merges
/// cleanly and one that stops at conflicts: the project is either as it was, or merged and committed, or a
/// merge in progress that `git merge --abort` takes back to as it was; a run the signal stopped exits
/// 128 + the signal and says which.
#[test]
fn every_terminating_signal_at_any_moment_of_an_update_leaves_it_undone_or_whole() {
    use std::os::unix::process::CommandExt;
    let fixture = |v: &str| {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/update/{v}"))
    };
    for conflicting in [false, true] {
        let sb = Sandbox::new();
        let status = Command::new(env!("CARGO_BIN_EXE_scaffold"))
            .current_dir(sb.path())
            .args(["new", "--kind", "app", "base", "--no-input", "--templates"])
            .arg(fixture("v1"))
            .output()
            .unwrap();
        assert!(status.status.success());
        let base = sb.path().join("base");
        let (from, to) = if conflicting {
            ("image: app:1.0", "image: app:1.5")
        } else {
            ("port: 8080", "port: 8080\n# mine")
        };
        let settings = std::fs::read_to_string(base.join("settings.yaml")).unwrap();
        std::fs::write(base.join("settings.yaml"), settings.replace(from, to)).unwrap();
        git_in(&base, &["commit", "-qam", "my edit"]);
        let before = git_in(&base, &["rev-parse", "HEAD"]);
        let update = |name: &str| {
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_scaffold"));
            cmd.current_dir(sb.path())
                .env("NO_COLOR", "1")
                .args(["update", name, "--templates"])
                .arg(fixture("v2"))
                .stdout(Stdio::null())
                .stderr(Stdio::piped());
            cmd
        };
        let copy = |name: &str| {
            assert!(
                Command::new("cp")
                    .args(["-a", "base", name])
                    .current_dir(sb.path())
                    .status()
                    .unwrap()
                    .success()
            );
            sb.path().join(name)
        };
        copy("timed");
        let started = Instant::now();
        assert!(matches!(
            update("timed").status().unwrap().code(),
            Some(0 | 1)
        ));
        let whole = started.elapsed();
        for (signal, code) in [("INT", 130), ("TERM", 143), ("HUP", 129)] {
            let mut outcomes = std::collections::BTreeSet::new();
            let moments = depth(4, 10);
            for i in 0..moments {
                let name = format!("{signal}{i}");
                let dir = copy(&name);
                // Its own process group, signalled whole, as a terminal signals the job in front of it.
                let child = update(&name).process_group(0).spawn().unwrap();
                std::thread::sleep(whole * 10 * i / (7 * moments));
                let _ = Command::new("kill")
                    .args([&format!("-{signal}"), "--", &format!("-{}", child.id())])
                    .status();
                let out = child.wait_with_output().unwrap();
                let status = shell_code(out.status);
                let stderr = String::from_utf8_lossy(&out.stderr);
                let stopped = status == Some(code);
                let context = format!("SIG{signal} at {i}: {status:?} {stderr}");
                assert!(!dir.join(".git/scaffold-update.lock").exists(), "{context}");
                let head = git_in(&dir, &["rev-parse", "HEAD"]);
                if dir.join(".git/MERGE_HEAD").exists() {
                    assert!(conflicting, "{context}");
                    assert!(stopped || status == Some(1), "{context}");
                    assert!(
                        !stopped || stderr.contains("git merge --abort"),
                        "{context}"
                    );
                    git_in(&dir, &["merge", "--abort"]);
                    assert_eq!(git_in(&dir, &["rev-parse", "HEAD"]), before, "{context}");
                    outcomes.insert("merge to abort");
                } else if head == before {
                    assert!(stopped, "{context}");
                    assert!(
                        stderr.is_empty()
                            || stderr.contains("the project is as it was")
                            || stderr.contains("nothing was written"),
                        "{context}"
                    );
                    outcomes.insert("as it was");
                } else {
                    assert!(!conflicting, "{context}");
                    assert_eq!(git_in(&dir, &["rev-parse", "HEAD^1"]), before, "{context}");
                    assert!(stopped || status == Some(0), "{context}");
                    assert!(
                        !stopped || stderr.contains("merged and committed"),
                        "{context}"
                    );
                    outcomes.insert("merged");
                }
                assert_eq!(git_in(&dir, &["status", "--porcelain"]), "", "{context}");
            }
            assert!(outcomes.contains("as it was"), "SIG{signal}: {outcomes:?}");
        }
    }
}
