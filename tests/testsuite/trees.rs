//! Whole-tree snapshots of every preset of every built-in kind. Each kind's default preset is snapshotted in
//! full (`tree-KIND-default.snap`); every other preset as a unified diff of its files against the default's
//! (`tree-KIND-PRESET.snap`), so a template change that touches every preset alike shows up once, and what a
//! preset changes reads as a diff. Default plus diff gives back every byte of every preset's tree, so a change
//! to any file of any preset fails a snapshot. The scaffold version is redacted so a version bump does not
//! churn them. Regenerate with `INSTA_UPDATE=always cargo test --test testsuite trees`.

use crate::support::{RenderedPreset, built_in_presets};
use regex::Regex;
use similar::TextDiff;

/// One part of a tree as reviewers read it: a rendered file (its text in full), or the list of files copied
/// byte for byte (mode, size, sha256; their text is already in the repository under `templates/`), or the
/// files the rules left out.
struct Part {
    /// The file's path, or the name of a list.
    name: String,
    /// What follows the name in the full tree: "(0644, 120 bytes)" for a file.
    note: String,
    text: String,
}

const COPIED: &str = "copied byte for byte (mode, size, sha256)";
const LEFT_OUT: &str = "left out";

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn parts(plan: &scaffold::Plan) -> Vec<Part> {
    let version_line = format!("scaffold_version = \"{}\"", scaffold::VERSION);
    let mut out = Vec::new();
    let mut copied = String::new();
    for f in &plan.files {
        let mode = if f.executable { "0755" } else { "0644" };
        if !f.rendered {
            let hex = sha256_hex(&f.contents);
            copied.push_str(&format!("{} {mode} {} {hex}\n", f.path, f.size));
            continue;
        }
        let mut text = String::from_utf8_lossy(&f.contents)
            .replace(&version_line, "scaffold_version = \"[VERSION]\"");
        if f.path == ".scaffold/manifest" {
            text = checked_manifest(plan, &text);
        }
        if !text.ends_with('\n') {
            text.push_str("\n[no newline at end of file]\n");
        }
        out.push(Part {
            name: f.path.clone(),
            note: format!(" ({mode}, {} bytes)", f.size),
            text,
        });
    }
    let skipped: String = plan
        .skipped
        .iter()
        .map(|s| format!("{}: {}\n", s.path, s.reason))
        .collect();
    for (name, text) in [(COPIED, copied), (LEFT_OUT, skipped)] {
        out.push(Part {
            name: name.into(),
            note: String::new(),
            text,
        });
    }
    out
}

/// The manifest with each file's sha256 checked against the file in the plan and then left out: the files
/// themselves are in the snapshot, and a hash would change with every one of them (and with the version, for
/// the answers file).
fn checked_manifest(plan: &scaffold::Plan, text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let (hash, path) = line
            .split_once("  ")
            .unwrap_or_else(|| panic!("manifest line `{line}` is not `SHA256  PATH`"));
        let file = plan
            .files
            .iter()
            .find(|f| f.path == path)
            .unwrap_or_else(|| panic!("the manifest lists {path}, which is not in the project"));
        assert_eq!(
            hash,
            sha256_hex(&file.contents),
            "the manifest's sha256 of {path}"
        );
        out.push_str(&format!("[sha256]  {path}\n"));
    }
    out
}

/// The whole tree: every part under its `=====` heading.
fn full(plan: &scaffold::Plan) -> String {
    parts(plan)
        .iter()
        .map(|p| format!("===== {}{}\n{}", p.name, p.note, p.text))
        .collect()
}

/// How `other`'s tree differs from `base`'s: a unified diff per part that differs (a file only one of them has
/// is diffed against nothing), and the heading line when only a file's mode changed. Empty when the trees are
/// the same.
fn diff(
    base: &scaffold::Plan,
    other: &scaffold::Plan,
    base_name: &str,
    other_name: &str,
) -> String {
    // The presets name their projects differently; the default's name, as a whole word, is read as the
    // other's first, so that the diff shows what the other answers change. This loses nothing: the other
    // tree is still the default's snapshot, so renamed, with this diff applied.
    let renamed = Regex::new(&format!(r"\b{}\b", regex::escape(&base.name))).unwrap();
    let mut base = parts(base);
    for part in &mut base {
        part.name = renamed
            .replace_all(&part.name, other.name.as_str())
            .into_owned();
        part.text = renamed
            .replace_all(&part.text, other.name.as_str())
            .into_owned();
    }
    let other = parts(other);
    let find = |parts: &[Part], name: &str| parts.iter().position(|p| p.name == name);
    let mut names: Vec<&str> = base.iter().map(|p| p.name.as_str()).collect();
    names.extend(
        other
            .iter()
            .map(|p| p.name.as_str())
            .filter(|n| find(&base, n).is_none()),
    );
    let mut out = String::new();
    for name in names {
        let a = find(&base, name).map(|i| &base[i]);
        let b = find(&other, name).map(|i| &other[i]);
        // The file's mode, "0644" or "0755"; the lists have none.
        let mode = |p: &Part| {
            p.note
                .trim_start_matches(" (")
                .get(..4)
                .unwrap_or("")
                .to_string()
        };
        let label = |side: &str, p: Option<&Part>| match p {
            None => "/dev/null".to_string(),
            Some(p) if p.note.is_empty() => format!("{side}/{name}"),
            Some(p) => format!("{side}/{name} ({})", mode(p)),
        };
        if text_of(a) != text_of(b) {
            let (from, to) = (label(base_name, a), label(other_name, b));
            out.push_str(
                &TextDiff::from_lines(text_of(a), text_of(b))
                    .unified_diff()
                    .context_radius(3)
                    .header(&from, &to)
                    .to_string(),
            );
        } else if let (Some(a), Some(b)) = (a, b)
            && mode(a) != mode(b)
        {
            out.push_str(&format!("mode of {name}: {} -> {}\n", mode(a), mode(b)));
        }
    }
    out
}

/// A part's text; nothing for a part that is not there.
fn text_of(p: Option<&Part>) -> &str {
    p.map_or("", |p| p.text.as_str())
}

fn snapshot(name: &str, description: &str, text: String) {
    insta::with_settings!({ prepend_module_to_snapshot => false, description => description, omit_expression => true }, {
        insta::assert_snapshot!(name, text);
    });
}

fn default_of<'a>(presets: &'a [RenderedPreset], kind: &str) -> &'a RenderedPreset {
    presets
        .iter()
        .find(|p| p.kind == kind && p.preset == "default")
        .unwrap_or_else(|| panic!("{kind} has no default preset"))
}

#[test]
fn every_default_preset_matches_its_whole_tree() {
    for p in built_in_presets().iter().filter(|p| p.preset == "default") {
        snapshot(
            &format!("tree-{}-default", p.kind),
            &format!("every file of {}'s default preset", p.kind),
            full(&p.plan),
        );
    }
}

#[test]
fn every_other_preset_matches_its_diff_against_the_default() {
    let presets = built_in_presets();
    for p in presets.iter().filter(|p| p.preset != "default") {
        let base = default_of(presets, &p.kind);
        snapshot(
            &format!("tree-{}-{}", p.kind, p.preset),
            &format!(
                "how {kind}'s {preset} preset differs from its default preset (tree-{kind}-default.snap), \
                 with the default's project name `{from}` read as `{to}`",
                kind = p.kind,
                preset = p.preset,
                from = base.plan.name,
                to = p.plan.name,
            ),
            Some(diff(&base.plan, &p.plan, "default", &p.preset))
                .filter(|d| !d.is_empty())
                .unwrap_or_else(|| "no difference: the default preset's files, renamed\n".into()),
        );
    }
}

/// The diff loses nothing: a one-line change in any file, a mode change, an added and a removed file each
/// show up in it, and identical trees give an empty diff.
#[test]
fn the_diff_shows_every_kind_of_change() {
    let mut base = default_of(built_in_presets(), "k8s-platform").plan.clone();
    // The manifest's hashes are checked against the files, which this test changes.
    base.files.retain(|f| f.path != ".scaffold/manifest");
    let base = &base;
    assert_eq!(diff(base, base, "a", "b"), "");
    let mut other = base.clone();
    let edited = other.files.iter().position(|f| f.rendered).unwrap();
    let mut text = other.files[edited].contents.to_vec();
    text.extend_from_slice(b"one more line\n");
    other.files[edited].contents = text.into();
    other.files[edited].executable = !other.files[edited].executable;
    let copied = other.files.iter().position(|f| !f.rendered).unwrap();
    other.files[copied].contents = b"changed".to_vec().into();
    let removed = other.files.iter().rposition(|f| f.rendered).unwrap();
    let removed = other.files.remove(removed);
    let mut added = other.files[edited].clone();
    added.path = "a/new/file.txt".into();
    other.files.push(added);
    let d = diff(base, &other, "a", "b");
    assert!(d.contains("+one more line"), "{d}");
    let was = if base.files[edited].executable {
        "0755"
    } else {
        "0644"
    };
    let now = if other.files[edited].executable {
        "0755"
    } else {
        "0644"
    };
    let path = &base.files[edited].path;
    assert!(
        d.contains(&format!("--- a/{path} ({was})\n+++ b/{path} ({now})")),
        "{d}"
    );
    let gone = if removed.executable { "0755" } else { "0644" };
    assert!(
        d.contains(&format!("--- a/{} ({gone})\n+++ /dev/null", removed.path)),
        "{d}"
    );
    assert!(
        d.contains(&format!("--- /dev/null\n+++ b/a/new/file.txt ({now})")),
        "{d}"
    );
    assert!(d.contains(&format!("-{} ", base.files[copied].path)), "{d}");
    // A mode change alone, with the text as it was.
    let mut mode_only = base.clone();
    mode_only.files[edited].executable = !mode_only.files[edited].executable;
    let d = diff(base, &mode_only, "a", "b");
    assert_eq!(d, format!("mode of {path}: {was} -> {now}\n"));
}
