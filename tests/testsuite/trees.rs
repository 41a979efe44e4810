//! Whole-tree snapshots of every preset of every built-in kind. A change to any generated file shows up here
//! as a reviewed diff. The scaffold version is redacted so a version bump does not churn them.

use scaffold::answers::{Given, resolve};
use scaffold::{AnswersFile, Catalog, Source, build_plan};
use std::path::PathBuf;

/// A preset's tree as reviewers read it: every rendered file in full, and one line (mode, size, sha256) for
/// each file copied byte for byte, whose text is already in the repository under `templates/`.
fn dump(plan: &scaffold::Plan) -> String {
    use sha2::{Digest, Sha256};
    let version_line = format!("scaffold_version = \"{}\"", scaffold::VERSION);
    let mut rendered = String::new();
    let mut copied = String::from("===== copied byte for byte (mode, size, sha256)\n");
    for f in &plan.files {
        let mode = if f.executable { "0755" } else { "0644" };
        if !f.rendered {
            let hex: String = Sha256::digest(&f.contents)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            copied.push_str(&format!("{} {mode} {} {hex}\n", f.path, f.size));
            continue;
        }
        rendered.push_str(&format!("===== {} ({mode}, {} bytes)\n", f.path, f.size));
        let text = String::from_utf8_lossy(&f.contents)
            .replace(&version_line, "scaffold_version = \"[VERSION]\"");
        let text = if f.path == ".scaffold/manifest" {
            // The answers file's hash depends on the version too.
            text.lines()
                .map(|l| {
                    if l.ends_with("  .scaffold/answers.toml") {
                        "[HASH]  .scaffold/answers.toml"
                    } else {
                        l
                    }
                })
                .collect::<Vec<_>>()
                .join("\n")
                + "\n"
        } else {
            text
        };
        rendered.push_str(&text);
        if !text.ends_with('\n') {
            rendered.push_str("\n[no newline at end of file]\n");
        }
    }
    let mut out = rendered + &copied;
    out.push_str("===== left out\n");
    for s in &plan.skipped {
        out.push_str(&format!("{}: {}\n", s.path, s.reason));
    }
    out
}

#[test]
fn every_preset_matches_its_snapshot() {
    let catalog = Catalog::load(&Source::Embedded).unwrap();
    for kind in &catalog.kinds {
        for (preset, text) in &kind.presets {
            let file = AnswersFile::parse(text, &PathBuf::from(preset)).unwrap();
            let given = Given {
                file: Some((PathBuf::from(preset), file)),
                sets: vec![],
            };
            let answers = resolve(kind, &given, None).unwrap();
            let plan = build_plan(kind, &answers, &record()).unwrap();
            insta::with_settings!({ prepend_module_to_snapshot => false }, {
                insta::assert_snapshot!(format!("tree-{}-{preset}", kind.name()), dump(&plan));
            });
        }
    }
}

/// The record comment `scaffold new` writes for an embedded kind.
fn record() -> scaffold::plan::Record {
    scaffold::plan::Record {
        comment: vec![
            "Answers this project was generated from. Generate it again with:".into(),
            "  scaffold new --answers .scaffold/answers.toml -o OTHER_FOLDER".into(),
        ],
        ..Default::default()
    }
}
