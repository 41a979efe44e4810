//! The one error type of the library. Every failure has a variant of its own, named for what went wrong, so the
//! binary decides the exit code and the advice to print by matching, never by reading text. Messages speak of
//! questions, fields and files, never of command-line flags: the binary adds the flag to pass (see
//! `src/cli/failure.rs`). Colour and layout belong to the printer.

use std::path::PathBuf;

/// Exit codes of the `scaffold` binary; the contract is written in the README and tested.
pub mod exit {
    pub const OK: i32 = 0;
    pub const FAILURE: i32 = 1;
    pub const USAGE: i32 = 2;
    /// 128 + SIGINT; a run stopped by SIGTERM exits 143 and by SIGHUP 129 (128 + the signal's number).
    pub const INTERRUPTED: i32 = 130;
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No kind of that name in the catalog.
    #[error("unknown kind `{kind}`; available kinds: {available}")]
    UnknownKind { kind: String, available: String },

    /// An answer that does not pass its question's checks, or breaks a rule between answers.
    #[error("invalid answer for `{key}`: {message}")]
    InvalidAnswer { key: String, message: String },

    /// An answer given for a question the kind does not ask.
    #[error("`{key}` is not a question of kind {kind}; its questions are: {known}")]
    UnknownKey {
        key: String,
        kind: String,
        known: String,
    },

    /// A required question with no default, no answer and nobody to ask.
    #[error("`{key}` needs an answer and has no default")]
    MissingAnswer { key: String },

    /// An answers file that cannot be read, is not TOML, or does not fit the kind.
    #[error("answers file {}: {message}", path.display())]
    AnswersFile { path: PathBuf, message: String },

    /// An answers file recorded for another kind than the one asked for.
    #[error("answers file {}: it is for kind `{recorded}`, not `{asked}`", path.display())]
    AnswersForAnotherKind {
        path: PathBuf,
        recorded: String,
        asked: String,
    },

    /// A template folder that cannot be read or holds no kind.
    #[error("template folder {}: {message}", path.display())]
    TemplateFolder { path: PathBuf, message: String },

    /// A kind whose manifest or files are broken.
    #[error("template {kind}: {message}")]
    Template { kind: String, message: String },

    /// A template that does not render.
    #[error("rendering {file}: {message}")]
    Render { file: String, message: String },

    /// The target folder exists and holds files.
    #[error("{} already exists and is not empty", path.display())]
    TargetNotEmpty { path: PathBuf },

    /// The target exists and is a file, or a path on the way to it is.
    #[error("{} exists and is not a folder", path.display())]
    TargetNotDir { path: PathBuf },

    /// The target, or the folder it would be created in, cannot be written by this user.
    #[error("{} cannot be written (no permission)", path.display())]
    TargetNotWritable { path: PathBuf },

    /// A generated path that cannot be written or listed safely (e.g. a control character in a file name).
    #[error("template path {file}: {message}")]
    UnusablePath { file: String, message: String },

    /// Adding to an existing folder would overwrite these files.
    #[error("these files already exist in {}:\n{}", target.display(), list_paths(conflicts))]
    Conflicts {
        target: PathBuf,
        conflicts: Vec<PathBuf>,
    },

    /// A cost-model input out of range or malformed; `field` is the input's name (e.g. `events_per_month`).
    #[error("invalid {field}: {message}")]
    InvalidInput { field: String, message: String },

    /// A price table given by the user that is malformed or incomplete.
    #[error("price table {origin}: {message}")]
    PriceTable { origin: String, message: String },

    /// Data built into scaffold (the embedded price table) is broken: a bug, not the user's input.
    #[error("built-in {what} is broken: {message}")]
    Embedded { what: String, message: String },

    /// Stopped by a signal (SIGINT, SIGTERM or SIGHUP); nothing was written.
    #[error("interrupted; nothing was written")]
    Interrupted,

    /// The summary was not confirmed.
    #[error("not confirmed; nothing was written")]
    Declined,

    /// A file-system or terminal operation failed.
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
            | Error::AnswersFile { .. }
            | Error::AnswersForAnotherKind { .. }
            | Error::TemplateFolder { .. }
            | Error::TargetNotEmpty { .. }
            | Error::TargetNotDir { .. }
            | Error::TargetNotWritable { .. }
            | Error::UnusablePath { .. }
            | Error::Conflicts { .. }
            | Error::InvalidInput { .. }
            | Error::PriceTable { .. } => exit::USAGE,
            Error::Interrupted => exit::INTERRUPTED,
            Error::Template { .. }
            | Error::Render { .. }
            | Error::Embedded { .. }
            | Error::Io { .. }
            | Error::Declined => exit::FAILURE,
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
