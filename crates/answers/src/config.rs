//! The user's defaults: answers a person gives to every project (team, organisation, e-mail, ...), read from
//! their configuration file's `[defaults]` table. They replace the questions' own defaults, so an answers file,
//! a `KEY=VALUE` answer and the prompter still win over them, and the prompter offers them as defaults. A key a
//! kind does not ask is ignored for that kind.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use scaffold_error::{Error, Result};
use scaffold_kind::Kind;

use super::from_toml;

/// The most a configuration file may hold: a table of defaults is a few lines.
pub const MAX_BYTES: u64 = 256 << 10;

/// The configuration file's contents.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(skip)]
    pub path: PathBuf,
    #[serde(default)]
    pub defaults: BTreeMap<String, toml::Value>,
}

impl Config {
    /// Reads `path`; a missing file is no configuration, a malformed one an error naming it. Only a regular
    /// file of at most [`MAX_BYTES`] is read (`/dev/zero` or a pipe would never end).
    pub fn read(path: &Path) -> Result<Option<Config>> {
        let refuse = |message: String| Error::Config {
            path: path.to_path_buf(),
            message,
        };
        let meta = match std::fs::metadata(path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(refuse(format!("cannot read it: {e}"))),
        };
        let too_big = || {
            refuse(format!(
                "it is larger than {} KiB, more than a configuration file holds; point SCAFFOLD_CONFIG \
                 at the file of [defaults]",
                MAX_BYTES >> 10
            ))
        };
        if !meta.is_file() {
            return Err(refuse(
                "it is not a regular file; point SCAFFOLD_CONFIG at the file of [defaults]".into(),
            ));
        }
        if meta.len() > MAX_BYTES {
            return Err(too_big());
        }
        let mut bytes = Vec::new();
        std::fs::File::open(path)
            .and_then(|f| {
                std::io::Read::read_to_end(&mut std::io::Read::take(f, MAX_BYTES + 1), &mut bytes)
            })
            .map_err(|e| refuse(format!("cannot read it: {e}")))?;
        if bytes.len() as u64 > MAX_BYTES {
            return Err(too_big());
        }
        let text = String::from_utf8(bytes).map_err(|_| refuse("it is not UTF-8 text".into()))?;
        let mut config: Config = toml::from_str(&text).map_err(|e| Error::Config {
            path: path.to_path_buf(),
            message: format!(
                "{}; expected a [defaults] table, e.g.\n  [defaults]\n  owner_team = \"payments\"",
                e.message().trim_end()
            ),
        })?;
        config.path = path.to_path_buf();
        Ok(Some(config))
    }

    /// Makes each default the default of the question of that key in `kind`. The project name is never
    /// defaulted. A value of the wrong type for its question is an error naming the file.
    pub fn apply(&self, kind: &mut Kind) -> Result<()> {
        for q in kind.manifest.questions.iter_mut() {
            if let Some(value) = self.defaults.get(&q.key) {
                let answer = from_toml(q, value).map_err(|message| Error::Config {
                    path: self.path.clone(),
                    message: format!("`{}` under [defaults]: {message}", q.key),
                })?;
                scaffold_kind::check_answer(q, &answer).map_err(|message| Error::Config {
                    path: self.path.clone(),
                    message: format!("`{}` under [defaults]: {message}", q.key),
                })?;
                q.default = Some(answer);
            }
        }
        Ok(())
    }
}
