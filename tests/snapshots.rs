//! Whole-tree snapshots of every preset of every built-in kind. A change to any generated file shows up here
//! as a reviewed diff. The scaffold version is redacted so a version bump does not churn them.

use scaffold::answers::{Given, resolve};
use scaffold::{AnswersFile, Catalog, Source, build_plan};
use std::path::PathBuf;

fn dump(plan: &scaffold::Plan) -> String {
    let version_line = format!("scaffold_version = \"{}\"", scaffold::VERSION);
    let mut out = String::new();
    for f in &plan.files {
        let mode = if f.executable { "0755" } else { "0644" };
        out.push_str(&format!("===== {} ({mode}, {} bytes)\n", f.path, f.size));
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
        out.push_str(&text);
        if !text.ends_with('\n') {
            out.push_str("\n[no newline at end of file]\n");
        }
    }
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
            insta::with_settings!({ snapshot_path => "snapshots/trees", prepend_module_to_snapshot => false }, {
                insta::assert_snapshot!(format!("{}-{preset}", kind.name()), dump(&plan));
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
