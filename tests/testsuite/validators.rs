//! The validators scripts/install-tools installs for each kind are the generated project's own pins: every
//! `templates/<kind>/check-requirements.txt` pulls in (with `-r`/`-c`, relative to the including file, as pip
//! reads them) files that exist in the kind's source tree, among them one of the project's own requirement files.
//! A file the templates move would otherwise break only a fresh install, never a machine with a warm cache.

use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every file `start` pulls in, itself first; the missing ones apart.
fn closure(start: &Path) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let option = regex::Regex::new(r"^\s*(?:-r|-c|--requirement|--constraint)(?:\s*=\s*|\s*)(\S+)")
        .expect("valid regex");
    let (mut found, mut missing, mut todo) = (Vec::new(), Vec::new(), vec![start.to_path_buf()]);
    while let Some(path) = todo.pop() {
        if found.contains(&path) || missing.contains(&path) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            missing.push(path);
            continue;
        };
        let dir = path.parent().expect("a file in a folder").to_path_buf();
        for line in text.lines() {
            if let Some(c) = option.captures(line) {
                todo.push(normalise(&dir.join(&c[1])));
            }
        }
        found.push(path);
    }
    (found, missing)
}

fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

fn check_requirements() -> Vec<(String, PathBuf)> {
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(root().join("templates"))
        .expect("reading templates/")
        .map(|e| e.expect("a readable entry").path())
        .filter(|p| p.join("template.toml").is_file())
        .map(|p| {
            let kind = p.file_name().unwrap().to_string_lossy().into_owned();
            (kind, p.join("check-requirements.txt"))
        })
        .collect();
    out.sort();
    out
}

#[test]
fn every_requirement_file_a_kinds_validators_pull_in_exists_and_one_is_the_projects_own() {
    let kinds = check_requirements();
    assert!(!kinds.is_empty());
    for (kind, start) in kinds {
        assert!(
            start.is_file(),
            "templates/{kind}/check-requirements.txt is missing"
        );
        let (found, missing) = closure(&start);
        assert!(
            missing.is_empty(),
            "templates/{kind}/check-requirements.txt pulls in files that do not exist (scripts/install-tools \
             fails on a fresh machine): {missing:?}"
        );
        let files = root().join("templates").join(&kind).join("files");
        assert!(
            found.iter().any(|f| f.starts_with(&files)),
            "templates/{kind}/check-requirements.txt pulls in none of the project's own requirement files, so \
             the validators could drift from the pins of a generated project: {found:?}"
        );
    }
}

#[test]
fn a_missing_include_is_found_through_a_chain() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("files/app")).unwrap();
    std::fs::write(dir.path().join("check.txt"), "-r files/dev.txt\n").unwrap();
    std::fs::write(
        dir.path().join("files/dev.txt"),
        "ruff==1\n-r app/requirements.txt\n",
    )
    .unwrap();
    let (found, missing) = closure(&dir.path().join("check.txt"));
    assert_eq!(found.len(), 2);
    assert_eq!(missing, [dir.path().join("files/app/requirements.txt")]);
    std::fs::write(
        dir.path().join("files/app/requirements.txt"),
        "fastapi==1\n",
    )
    .unwrap();
    let (found, missing) = closure(&dir.path().join("check.txt"));
    assert_eq!((found.len(), missing.len()), (3, 0));
}
