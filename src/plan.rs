//! The plan: every file of a project, in memory, plus what was left out and why. Built by `render`, shown by
//! `--dry-run`, written by `write`.

use serde::Serialize;
use std::borrow::Cow;

#[derive(Debug, Clone, Serialize)]
pub struct PlannedFile {
    /// `/`-separated path inside the project.
    pub path: String,
    /// Borrowed from the embedded templates when copied as is, owned when rendered.
    #[serde(skip)]
    pub contents: Cow<'static, [u8]>,
    pub size: usize,
    /// A file that starts with `#!` is written with mode 0755.
    pub executable: bool,
}

impl PlannedFile {
    pub fn new(path: String, contents: impl Into<Cow<'static, [u8]>>) -> Self {
        let contents = contents.into();
        PlannedFile {
            executable: contents.starts_with(b"#!"),
            size: contents.len(),
            path,
            contents,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub kind: String,
    pub name: String,
    pub files: Vec<PlannedFile>,
    pub skipped: Vec<Skipped>,
    pub next_steps: Vec<String>,
}

impl Plan {
    pub fn total_bytes(&self) -> usize {
        self.files.iter().map(|f| f.size).sum()
    }

    /// The files as an indented tree with sizes, folders first at each level.
    pub fn tree(&self, root: &str) -> String {
        let mut out = format!(
            "{root}/  ({} files, {})\n",
            self.files.len(),
            human_size(self.total_bytes())
        );
        let mut printed_dirs: Vec<String> = Vec::new();
        for f in &self.files {
            let parts: Vec<&str> = f.path.split('/').collect();
            for depth in 0..parts.len() - 1 {
                let dir = parts[..=depth].join("/");
                if !printed_dirs.contains(&dir) {
                    out.push_str(&format!("{}{}/\n", "  ".repeat(depth + 1), parts[depth]));
                    printed_dirs.push(dir);
                }
            }
            let depth = parts.len() - 1;
            let name = format!(
                "{}{}{}",
                "  ".repeat(depth + 1),
                parts[depth],
                if f.executable { "*" } else { "" }
            );
            out.push_str(&format!("{name:<56} {:>9}\n", human_size(f.size)));
        }
        out
    }
}

pub fn human_size(bytes: usize) -> String {
    if bytes < 1024 {
        format!("{bytes} B")
    } else {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_lists_folders_once_and_marks_executables() {
        let plan = Plan {
            kind: "k".into(),
            name: "n".into(),
            files: vec![
                PlannedFile::new("a/b.txt".into(), b"hi".to_vec()),
                PlannedFile::new("a/c.sh".into(), b"#!/bin/sh\n".to_vec()),
                PlannedFile::new("z.md".into(), vec![b'x'; 2048]),
            ],
            skipped: vec![],
            next_steps: vec![],
        };
        let tree = plan.tree("n");
        assert_eq!(tree.matches("  a/\n").count(), 1, "{tree}");
        assert!(tree.contains("c.sh*"), "{tree}");
        assert!(tree.contains("2.0 KiB"), "{tree}");
        assert!(tree.starts_with("n/  (3 files, 2.0 KiB)"), "{tree}");
    }
}
