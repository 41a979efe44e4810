//! The plan: every file of a project, in memory, plus what was left out and why. Built by [`build`], written
//! by [`scaffold_write`].

mod build;

pub use build::{build, context};
/// The folder names no plan holds (version-control metadata); updates check a project's own paths with it.
pub use scaffold_kind::version_control;

/// The version recorded in every project's `.scaffold/answers.toml`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Where the record of a generated project lives, inside the project.
pub const RECORD_DIR: &str = ".scaffold";

/// What the project's record says besides the answers: the scaffold version, and comment lines that open
/// `.scaffold/answers.toml` (the binary puts the command that generates the project again there).
#[derive(Debug, Clone)]
pub struct Record {
    pub version: String,
    pub comment: Vec<String>,
}

impl Default for Record {
    fn default() -> Self {
        Record {
            version: VERSION.to_string(),
            comment: Vec::new(),
        }
    }
}

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
    /// Rendered from a template (or written by the engine), as opposed to copied byte for byte.
    #[serde(skip)]
    pub rendered: bool,
}

impl PlannedFile {
    pub fn new(path: String, contents: impl Into<Cow<'static, [u8]>>) -> Self {
        let contents = contents.into();
        PlannedFile {
            executable: contents.starts_with(b"#!"),
            size: contents.len(),
            path,
            contents,
            rendered: false,
        }
    }

    /// A file whose bytes the engine produced: a rendered template or a record file.
    pub fn rendered(path: String, contents: impl Into<Cow<'static, [u8]>>) -> Self {
        PlannedFile {
            rendered: true,
            ..PlannedFile::new(path, contents)
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
    /// What the user should know before using the project, one sentence each (a quota the workload's peak goes
    /// past): the project is still generated, and the binary prints these.
    pub warnings: Vec<String>,
}

impl Plan {
    pub fn total_bytes(&self) -> usize {
        self.files.iter().map(|f| f.size).sum()
    }
}
