//! The contributor documents (CONTRIBUTING.md, docs/architecture.md, docs/performance.md) name only what
//! exists: every `--features` feature, `--bench`, script and test file they tell a contributor to run or
//! read; and `scripts/test` makes
//! the deep run of the property and signal tests that CONTRIBUTING.md promises.

use regex::Regex;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The documents a contributor reads, with their paths.
fn documents() -> Vec<(String, String)> {
    [
        "CONTRIBUTING.md",
        "docs/architecture.md",
        "docs/performance.md",
    ]
    .into_iter()
    .map(|p| {
        let text = std::fs::read_to_string(root().join(p)).unwrap();
        (p.to_string(), text)
    })
    .collect()
}

/// Every capture of `re`'s first group in the contributor documents, with the document it is in.
fn named(re: &Regex) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (path, text) in documents() {
        for c in re.captures_iter(&text) {
            out.push((path.clone(), c[1].to_string()));
        }
    }
    out
}

fn cargo_toml() -> toml::Table {
    toml::from_str(&std::fs::read_to_string(root().join("Cargo.toml")).unwrap()).unwrap()
}

/// (The `--test` targets are checked by `readme::every_test_target_the_docs_name_exists`.)
#[test]
fn every_feature_and_bench_named_exists() {
    let manifest = cargo_toml();
    let features = manifest["features"].as_table().unwrap();
    let named_features = named(&Regex::new(r"--features[ =]([a-z0-9_-]+)").unwrap());
    assert!(!named_features.is_empty(), "no `--features NAME` found");
    for (doc, name) in named_features {
        assert!(
            features.contains_key(&name),
            "{doc} names `--features {name}`, which Cargo.toml does not declare"
        );
    }
    for (doc, name) in named(&Regex::new(r"--bench[ =]([a-z0-9_-]+)").unwrap()) {
        assert!(
            root().join(format!("benches/{name}.rs")).is_file(),
            "{doc} names `--bench {name}`, which is no bench"
        );
    }
}

#[test]
fn every_script_and_test_file_named_exists() {
    let mut seen = 0;
    // scaffold's own folders; `tests/test_pins.py` and the like are a generated project's, and `scripts/`
    // paths of a generated project are named in docs/templates.md, not in these.
    let ours = Regex::new(
        r"`((?:scripts|tests/testsuite|tests/fixtures|benches)/[A-Za-z0-9_./-]+[A-Za-z0-9_])`",
    )
    .unwrap();
    for (doc, path) in named(&ours) {
        // A pattern such as tests/testsuite/snapshots/tree-*.snap is a family of files, not one.
        if path.contains('*') {
            continue;
        }
        assert!(
            root().join(&path).exists(),
            "{doc} names `{path}`, which does not exist"
        );
        seen += 1;
    }
    assert!(seen > 5, "only {seen} paths found");
}

/// `scripts/test` makes the deep run that CONTRIBUTING.md promises: the same tests with more property cases and
/// signal moments, never fewer tests.
#[test]
fn scripts_test_runs_the_deep_tests() {
    let script = std::fs::read_to_string(root().join("scripts/test")).unwrap();
    let line = script
        .lines()
        .find(|l| l.contains("cargo test --locked --no-fail-fast"))
        .expect("scripts/test runs cargo test");
    assert!(line.contains("SCAFFOLD_DEEP_TESTS=1"), "{line}");
    let contributing = std::fs::read_to_string(root().join("CONTRIBUTING.md")).unwrap();
    assert!(contributing.contains("SCAFFOLD_DEEP_TESTS=1 cargo test"));
}
