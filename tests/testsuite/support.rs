//! A temp folder plus a `scaffold` command that runs in it.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/templates")
}

pub struct Sandbox {
    pub dir: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> Self {
        Sandbox {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `scaffold ARGS` run in the sandbox, with no terminal and no colour, and a configuration file that does
    /// not exist (so the user's own defaults are never read).
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::cargo_bin("scaffold").expect("binary");
        cmd.current_dir(self.path())
            .env("NO_COLOR", "1")
            .env("SCAFFOLD_CONFIG", self.no_config())
            .args(args);
        cmd
    }

    /// A configuration path that is never created.
    pub fn no_config(&self) -> PathBuf {
        self.path().join("no-such-scaffold-config.toml")
    }

    /// `scaffold new ... --templates <fixtures>`.
    pub fn demo(&self, args: &[&str]) -> Command {
        let mut cmd = self.cmd(&["new", "--templates"]);
        cmd.arg(fixtures()).args(args);
        cmd
    }

    /// Every file under `rel`, as sorted relative paths; the repository `scaffold new` starts (`rel/.git`) is
    /// not the project's files and is left out.
    pub fn files(&self, rel: &str) -> Vec<String> {
        let root = self.path().join(rel);
        let mut out = Vec::new();
        walk(&root, &root, &mut out);
        out.retain(|f| !f.split('/').any(|part| part == ".git"));
        out.sort();
        out
    }

    /// Two folders in the sandbox hold the same files with the same bytes.
    pub fn assert_same_tree(&self, a: &str, b: &str) {
        let files = self.files(a);
        assert_eq!(files, self.files(b), "{a} and {b} hold different files");
        for f in &files {
            let x = std::fs::read(self.path().join(a).join(f)).unwrap();
            let y = std::fs::read(self.path().join(b).join(f)).unwrap();
            assert_eq!(x, y, "{f} differs between {a} and {b}");
        }
    }

    /// Names in the sandbox root (to see that nothing, not even a staging folder, was left behind).
    pub fn entries(&self) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(self.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries {
        let p = e.unwrap().path();
        if p.is_dir() {
            walk(root, &p, out);
        } else {
            out.push(p.strip_prefix(root).unwrap().to_string_lossy().into_owned());
        }
    }
}

/// Standard error with the temp path replaced, for snapshots.
pub fn stderr_of(output: &std::process::Output, sandbox: &Sandbox) -> String {
    String::from_utf8_lossy(&output.stderr).replace(&sandbox.path().display().to_string(), "[TMP]")
}

/// One preset of a built-in kind, rendered through the library.
pub struct RenderedPreset {
    pub kind: String,
    pub preset: String,
    pub plan: scaffold::Plan,
}

/// Every preset of every built-in kind, rendered once for the whole test binary with the record
/// `scaffold new` writes for an embedded kind, for the tests that read them (snapshots, determinism).
pub fn built_in_presets() -> &'static [RenderedPreset] {
    static PRESETS: std::sync::OnceLock<Vec<RenderedPreset>> = std::sync::OnceLock::new();
    PRESETS.get_or_init(|| {
        let catalog = scaffold::Catalog::load(&scaffold::Source::Embedded).unwrap();
        let mut out = Vec::new();
        for kind in &catalog.kinds {
            for (preset, _) in &kind.presets {
                out.push(RenderedPreset {
                    kind: kind.name().to_string(),
                    preset: preset.clone(),
                    plan: render_preset(kind, preset),
                });
            }
        }
        out
    })
}

/// A built-in preset rendered afresh, as `scaffold new --preset PRESET` would.
pub fn render_preset(kind: &scaffold::Kind, preset: &str) -> scaffold::Plan {
    use scaffold::answers::{Given, resolve};
    let (_, text) = kind
        .presets
        .iter()
        .find(|(name, _)| name == preset)
        .unwrap_or_else(|| panic!("{} has no preset {preset}", kind.name()));
    let file = scaffold::AnswersFile::parse(text, &PathBuf::from(preset)).unwrap();
    let given = Given {
        file: Some((PathBuf::from(preset), file)),
        sets: vec![],
    };
    let answers = resolve(kind, &given, None).unwrap();
    scaffold::build_plan(kind, &answers, &embedded_record()).unwrap()
}

/// The record comment `scaffold new` writes for an embedded kind.
pub fn embedded_record() -> scaffold::plan::Record {
    scaffold::plan::Record {
        comment: vec![
            "Answers this project was generated from. Generate it again with:".into(),
            "  scaffold new --answers .scaffold/answers.toml -o OTHER_FOLDER".into(),
        ],
        ..Default::default()
    }
}

/// How many cases a property test tries, or moments a signal test samples: `fast` in a plain `cargo test`,
/// `deep` when `SCAFFOLD_DEEP_TESTS` is set, as `scripts/test` sets it. Either way every test runs.
pub fn depth(fast: u32, deep: u32) -> u32 {
    if std::env::var_os("SCAFFOLD_DEEP_TESTS").is_some_and(|v| !v.is_empty()) {
        deep
    } else {
        fast
    }
}
