//! The one error type of the library. Every message says what went wrong and what to do next; colour and
//! layout belong to the binary that prints it.

use std::path::PathBuf;

/// Exit codes of the `scaffold` binary; the contract is written in the README and tested.
pub mod exit {
    pub const OK: i32 = 0;
    pub const FAILURE: i32 = 1;
    pub const USAGE: i32 = 2;
    pub const INTERRUPTED: i32 = 130;
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error(
        "unknown kind `{kind}`; available kinds: {available}. Run `scaffold list` to see what each one generates"
    )]
    UnknownKind { kind: String, available: String },

    #[error("invalid answer for `{key}`: {message}")]
    InvalidAnswer { key: String, message: String },

    #[error("`{key}` is not a question of kind {kind}; its questions are: {known}")]
    UnknownKey {
        key: String,
        kind: String,
        known: String,
    },

    #[error(
        "`{key}` needs an answer and has no default: pass --set {key}=VALUE or add `{key} = ...` under [answers] in the answers file"
    )]
    MissingAnswer { key: String },

    #[error("{0}")]
    Usage(String),

    #[error("answers file {}: {message}", path.display())]
    AnswersFile { path: PathBuf, message: String },

    #[error("template {kind}: {message}")]
    Template { kind: String, message: String },

    #[error("rendering {file}: {message}")]
    Render { file: String, message: String },

    #[error("{} already exists and is not empty; choose a new folder with -o DIR, or pass --force to add the project to it (allowed only when no existing file would be overwritten)", path.display())]
    TargetNotEmpty { path: PathBuf },

    #[error("{} exists and is not a folder; choose another output with -o DIR", path.display())]
    TargetNotDir { path: PathBuf },

    #[error("--force never overwrites, and these files already exist in {}:\n{}\nMove them away or choose another folder with -o DIR", target.display(), list_paths(conflicts))]
    Conflicts {
        target: PathBuf,
        conflicts: Vec<PathBuf>,
    },

    #[error("interrupted; nothing was written")]
    Interrupted,

    #[error("not confirmed; nothing was written")]
    Declined,

    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
}

fn list_paths(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| format!("  {}", p.display()))
        .collect::<Vec<_>>()
        .join("\n")
}

impl Error {
    /// The process exit code this error maps to.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::UnknownKind { .. }
            | Error::InvalidAnswer { .. }
            | Error::UnknownKey { .. }
            | Error::MissingAnswer { .. }
            | Error::Usage(_)
            | Error::AnswersFile { .. }
            | Error::TargetNotEmpty { .. }
            | Error::TargetNotDir { .. }
            | Error::Conflicts { .. } => exit::USAGE,
            Error::Interrupted => exit::INTERRUPTED,
            Error::Template { .. } | Error::Render { .. } | Error::Io { .. } | Error::Declined => {
                exit::FAILURE
            }
        }
    }

    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
