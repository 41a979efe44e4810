//! Every command in the README's ```sh blocks runs as shown, on a terminal (a pseudo-terminal, where a prompt
//! would wait for ever), in a fresh folder that is `$HOME` and the working folder. Only the wizard's own example
//! may ask; the rest must end by themselves with exit 0. Commands that are not scaffold's (installing it,
//! `scripts/test`) are listed below with the test that covers each.

use crate::support::fixtures;
use rexpect::process::WaitStatus;
use rexpect::session::{PtySession, spawn_command};
use std::path::Path;
use std::process::Command;

/// README commands this test does not run, by their first words, and why.
const NOT_RUN: &[(&str, &str)] = &[
    (
        "cargo binstall ",
        "needs a published release; install.rs checks it names the release's archives",
    ),
    (
        "cargo install ",
        "compiles scaffold for minutes; install.rs checks the package name and Rust version",
    ),
    (
        "version=",
        "the download by hand needs a published release; install.rs checks its URLs",
    ),
    ("curl ", "the download by hand; see version="),
    ("shasum ", "the download by hand; see version="),
    ("tar ", "the download by hand; see version="),
    (
        "mkdir -p ~/.local/bin",
        "the download by hand; see version=",
    ),
    ("scripts/test", "the whole test run, this test included"),
];

/// The README's example that starts the wizard, and the first thing it asks.
const WIZARD: (&str, &str) = ("scaffold new", "What do you want to build?");

/// Every line of every ```sh block in README.md, without its trailing `# comment`.
fn readme_commands() -> Vec<String> {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let mut out = Vec::new();
    let mut in_sh = false;
    for line in readme.lines() {
        if line.starts_with("```") {
            in_sh = !in_sh && line == "```sh";
            continue;
        }
        if in_sh {
            let command = match line.find("  #") {
                Some(at) => &line[..at],
                None => line,
            };
            let command = command.trim();
            if !command.is_empty() {
                out.push(command.to_string());
            }
        }
    }
    out
}

/// The folder a command runs in, as a reader following the README would have it: the files the examples name
/// (`./my-kinds` with a kind `my-kind`, `my-prices.toml`, `~/.zfunc`) and, for the examples that use a project
/// (`scaffold update`, `--answers shop/...`), a generated `shop`. Returns the working folder.
fn prepare(home: &Path, command: &str) -> std::path::PathBuf {
    let kind = home.join("my-kinds/my-kind");
    copy_tree(&fixtures().join("demo"), &kind);
    for file in ["template.toml", "presets/default.toml"] {
        let path = kind.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replace("kind = \"demo\"", "kind = \"my-kind\"")).unwrap();
    }
    let prices = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/pricing/aws-us-east-1.toml");
    std::fs::copy(prices, home.join("my-prices.toml")).unwrap();
    std::fs::create_dir_all(home.join(".zfunc")).unwrap();
    let uses_shop = command.starts_with("scaffold update") || command.contains(" shop/");
    if !uses_shop {
        return home.to_path_buf();
    }
    let out = Command::new(env!("CARGO_BIN_EXE_scaffold"))
        .args(["new", "--kind", "k8s-platform", "shop", "--no-input"])
        .current_dir(home)
        .env("HOME", home)
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("SCAFFOLD_CONFIG")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // `scaffold update` with no folder is run inside the project, as the README's comment says.
    if command == "scaffold update" || command.starts_with("scaffold update -") {
        home.join("shop")
    } else {
        home.to_path_buf()
    }
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// `sh -c COMMAND` in a pseudo-terminal, with the built `scaffold` first on PATH.
fn spawn(home: &Path, cwd: &Path, command: &str) -> PtySession {
    let bin = Path::new(env!("CARGO_BIN_EXE_scaffold")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = Command::new("sh");
    cmd.current_dir(cwd)
        .args(["-c", command])
        .env("PATH", path)
        .env("HOME", home)
        .env("TERM", "xterm")
        .env("NO_COLOR", "1")
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("SCAFFOLD_CONFIG");
    spawn_command(cmd, Some(20_000)).expect("spawn in a pty")
}

fn exit_code(p: &mut PtySession) -> i32 {
    match p.process().wait().expect("wait") {
        WaitStatus::Exited(_, code) => code,
        other => panic!("unexpected end: {other:?}"),
    }
}

/// Runs one README command in a fresh home on a terminal; the failure, if any, in words.
fn run_example(command: &str) -> Result<(), String> {
    let home = tempfile::tempdir().unwrap();
    let cwd = prepare(home.path(), command);
    let mut p = spawn(home.path(), &cwd, command);
    if command == WIZARD.0 {
        p.exp_string(WIZARD.1)
            .map_err(|e| format!("`{command}` did not start the wizard: {e}"))?;
        p.send_control('c').unwrap();
        p.exp_eof().unwrap();
        let code = exit_code(&mut p);
        return match code {
            130 => Ok(()),
            _ => Err(format!(
                "`{command}`: Ctrl-C at the wizard's first question exited {code}, not 130"
            )),
        };
    }
    match p.exp_eof() {
        Ok(output) => match exit_code(&mut p) {
            0 => Ok(()),
            code => Err(format!("`{command}` exited {code}:\n{output}")),
        },
        Err(e) => {
            let _ = p.process_mut().exit();
            Err(format!(
                "`{command}` did not end by itself (waiting for input?): {e}"
            ))
        }
    }
}

#[test]
fn every_readme_example_runs_as_shown_on_a_terminal() {
    let commands = readme_commands();
    assert!(
        commands.iter().any(|c| c == WIZARD.0),
        "the README's wizard example is gone: {commands:#?}"
    );
    let mut run = Vec::new();
    for command in &commands {
        if NOT_RUN.iter().any(|(start, _)| command.starts_with(start)) {
            continue;
        }
        assert!(
            command.starts_with("scaffold "),
            "README command `{command}` is neither scaffold's nor listed in NOT_RUN with its reason"
        );
        run.push(command.as_str());
    }
    assert!(
        run.len() >= 20,
        "only {} README commands ran: {commands:#?}",
        run.len()
    );
    // Each command has a home of its own, so four run at a time: most of a command's time is spent waiting
    // for its output on the terminal.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failures = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                while let Some(command) =
                    run.get(next.fetch_add(1, std::sync::atomic::Ordering::SeqCst))
                {
                    if let Err(failure) = run_example(command) {
                        failures.lock().unwrap().push(failure);
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn a_dry_run_with_a_kind_and_a_name_asks_nothing_on_a_terminal() {
    let home = tempfile::tempdir().unwrap();
    for command in [
        "scaffold new --kind k8s-platform shop --dry-run",
        "scaffold new --kind serverless-webhook --set name=hooks --dry-run",
    ] {
        let mut p = spawn(home.path(), home.path(), command);
        let output = p
            .exp_eof()
            .unwrap_or_else(|e| panic!("`{command}` waited for input on a terminal: {e}"));
        assert_eq!(exit_code(&mut p), 0, "{output}");
        assert!(
            !output.contains("Output folder"),
            "`{command}` asked: {output}"
        );
        assert!(
            output.contains("Nothing was written (--dry-run)."),
            "{output}"
        );
    }
    assert_eq!(
        std::fs::read_dir(home.path()).unwrap().count(),
        0,
        "a dry run wrote something"
    );
}

#[test]
fn every_test_target_the_docs_name_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut named = Vec::new();
    for doc in [
        "README.md",
        "CONTRIBUTING.md",
        "docs/architecture.md",
        "docs/templates.md",
        "docs/performance.md",
    ] {
        let text = std::fs::read_to_string(root.join(doc)).unwrap();
        for (at, _) in text.match_indices("--test ") {
            let target: String = text[at + 7..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                .collect();
            named.push((doc, target));
        }
    }
    assert!(
        named.iter().any(|(_, t)| t == "testsuite"),
        "the docs name no test target: {named:?}"
    );
    for (doc, target) in named {
        let exists = root.join(format!("tests/{target}.rs")).is_file()
            || root.join(format!("tests/{target}/main.rs")).is_file();
        assert!(
            exists,
            "{doc} names `cargo test --test {target}`, and there is no such test target"
        );
    }
}
