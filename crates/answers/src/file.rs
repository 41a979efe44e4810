//! The answers file: `.scaffold/answers.toml` as written into every project, and any file given with
//! `--answers`.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

use scaffold_error::{Error, Result};

/// The contents of an answers file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswersFile {
    pub kind: Option<String>,
    pub scaffold_version: Option<String>,
    #[serde(default)]
    pub answers: BTreeMap<String, toml::Value>,
    /// Answers derived from the others when the file was written (see `Answers::to_file`): informational,
    /// never read back as given.
    #[serde(default)]
    pub derived: BTreeMap<String, toml::Value>,
}

impl AnswersFile {
    pub fn parse(text: &str, path: &Path) -> Result<Self> {
        toml::from_str(text).map_err(|e| Error::AnswersFile {
            path: path.to_path_buf(),
            message: format!(
                "{}expected `kind = \"...\"` and an [answers] table, e.g.\n  kind = \"KIND\"\n  [answers]\n  name = \"demo\"",
                e.message().trim_end().to_string() + "; "
            ),
        })
    }

    pub fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::AnswersFile {
            path: path.to_path_buf(),
            message: format!("cannot read it: {e}"),
        })?;
        Self::parse(&text, path)
    }
}
