//! Why a command failed, as the binary reports it: the library's [`Error`] (which names questions and fields,
//! never flags) plus the failures only the command line can have. `message` adds the flag to pass to each
//! library error, in the way ripgrep turns low-level arguments into high-level ones; `exit_code` is the one
//! mapping to exit codes.

use scaffold::Error;
use scaffold::error::exit;

#[derive(Debug)]
pub enum Failure {
    /// A failure of the library.
    Lib(Error),
    /// `scaffold new` without a kind, and no terminal to ask which.
    NoKind { example: String, kinds: Vec<String> },
    /// `scaffold new --kind K` without a project name, and no terminal to ask.
    NoName { kind: String },
    /// NAME and `--set name=` disagree.
    NameTwice { positional: String, set: String },
    /// `--preset NAME` names no preset of the kind.
    UnknownPreset {
        kind: String,
        name: String,
        known: Vec<String>,
    },
    /// `--set` without `KEY=VALUE`.
    BadSet { text: String },
    /// A flag that answers a question (`scaffold advise --team-size 0`) with an answer the question refuses.
    InvalidFlag { flag: String, message: String },
    /// `scaffold update` left files with conflict markers.
    UpdateConflicts { count: usize, merge: bool },
    /// A signal came during `scaffold update`; the project is in `state`.
    UpdateInterrupted { signal: i32, state: UpdateState },
}

/// Where an update a signal interrupted left the project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateState {
    /// It had changed nothing (or had nothing to change).
    Before,
    /// It failed, as said above, and changed nothing it did not undo.
    Failed,
    /// It had merged and committed.
    Committed,
    /// It had stopped at conflicts: a merge in progress (`merge`), or the manifest's conflict markers.
    Conflicts { merge: bool },
    /// It had written the manifest fallback's changes, for the user to review and commit.
    Written,
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Lib(e)
    }
}

pub type Outcome<T = ()> = Result<T, Failure>;

impl Failure {
    pub fn exit_code(&self) -> i32 {
        match self {
            Failure::Lib(e) => e.exit_code(),
            Failure::NoKind { .. }
            | Failure::NoName { .. }
            | Failure::NameTwice { .. }
            | Failure::BadSet { .. }
            | Failure::UnknownPreset { .. }
            | Failure::InvalidFlag { .. } => exit::USAGE,
            Failure::UpdateConflicts { .. } => exit::FAILURE,
            Failure::UpdateInterrupted { signal, .. } => 128 + signal,
        }
    }

    /// The message to print after `error:`, with the flag that fixes it.
    pub fn message(&self) -> String {
        match self {
            Failure::Lib(e) => lib_message(e),
            Failure::NoKind { example, kinds } => format!(
                "no --kind given and no terminal to ask on; pass the kind and a name, e.g.\n  \
                 scaffold new --kind {example} my-project --no-input\nKinds: {}",
                kinds.join(", ")
            ),
            Failure::NoName { kind } => format!(
                "a project name is needed; pass it after the kind, e.g.\n  scaffold new --kind {kind} my-project"
            ),
            Failure::NameTwice { positional, set } => format!(
                "the name is given twice: `{positional}` as NAME and `{set}` with --set name=; keep one"
            ),
            Failure::UnknownPreset { kind, name, known } => format!(
                "no preset `{name}` in kind {kind}; its presets are: {}",
                known.join(", ")
            ),
            Failure::BadSet { text } => {
                format!("--set takes KEY=VALUE, e.g. --set monitoring=none; got `{text}`")
            }
            Failure::InvalidFlag { flag, message } => format!("invalid {flag}: {message}"),
            Failure::UpdateInterrupted { signal, state } => format!(
                "interrupted by {} {}",
                super::interrupt::signal_name(*signal),
                match state {
                    UpdateState::Before =>
                        "before the update changed anything: the project is as it was",
                    UpdateState::Failed => "as the update failed (above): the project is as it was",
                    UpdateState::Committed =>
                        "after the update was merged and committed; undo it with `git reset --hard HEAD~1`",
                    UpdateState::Conflicts { merge: true } =>
                        "after the update stopped at conflicts (listed above): resolve them, `git add` and \
                         `git commit`, or undo the whole update with `git merge --abort`",
                    UpdateState::Conflicts { merge: false } | UpdateState::Written =>
                        "after the update was written (listed above): review the changes and commit them",
                }
            ),
            Failure::UpdateConflicts { count, merge } => format!(
                "{count} file(s) left with conflict markers; resolve them{}",
                if *merge {
                    ", `git add` them and `git commit` (or undo with `git merge --abort`)"
                } else {
                    " and commit"
                }
            ),
        }
    }
}

/// A library error in the words of the command line.
pub fn lib_message(e: &Error) -> String {
    match e {
        Error::UnknownKind { .. } => {
            format!("{e}. Run `scaffold list` to see what each one generates")
        }
        Error::MissingAnswer { key } => format!(
            "{e}: pass --set {key}=VALUE or add `{key} = ...` under [answers] in the answers file"
        ),
        Error::AnswersForAnotherKind { recorded, .. } => {
            format!("{e}; drop --kind or pass --kind {recorded}")
        }
        Error::TemplateFolder { .. } => format!("--templates: {e}"),
        Error::TargetNotEmpty { .. } => format!(
            "{e}; choose a new folder with -o DIR, or pass --force to add the project to it (allowed only when \
             no existing file would be overwritten)"
        ),
        Error::TargetNotDir { .. } | Error::TargetNotWritable { .. } => {
            format!("{e}; choose another output with -o DIR")
        }
        Error::Conflicts { .. } => format!(
            "--force never overwrites, and {e}\nMove them away or choose another folder with -o DIR"
        ),
        Error::InvalidInput { field, message } => match super::cost::flags::flag_for(field) {
            Some(flag) if field == "region" => {
                format!("invalid {flag}: {message}: pass it with --prices FILE")
            }
            Some(flag) => format!("invalid {flag}: {message}"),
            None => e.to_string(),
        },
        Error::NotAProject { .. } => format!(
            "{e}; run `scaffold update` in a folder `scaffold new` made, or pass that folder: scaffold update DIR"
        ),
        Error::DirtyWorkTree { .. } => format!(
            "{e}\nCommit or stash them first (`git stash -u`), so the update's changes stay apart from yours"
        ),
        Error::BaseLost { .. } => format!(
            "{e}\nFetch the recorded renderings: git fetch origin 'refs/tags/scaffold/*:refs/tags/scaffold/*' \
             (see \"The base\" in docs/update.md), then run the update again"
        ),
        Error::Downgrade { recorded, .. } => {
            format!("{e}; update it with scaffold {recorded} or newer")
        }
        Error::Config { .. } => {
            format!(
                "{e}\n(the file comes from SCAFFOLD_CONFIG, or $XDG_CONFIG_HOME/scaffold/config.toml)"
            )
        }
        other => other.to_string(),
    }
}

/// Parses `KEY=VALUE` as given to `--set`.
pub fn parse_set(text: &str) -> Outcome<(String, String)> {
    match text.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(Failure::BadSet {
            text: text.to_string(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_splits_at_the_first_equals_sign() {
        assert_eq!(parse_set("a=b=c").unwrap(), ("a".into(), "b=c".into()));
        assert_eq!(parse_set("a=").unwrap(), ("a".into(), "".into()));
        assert!(parse_set("=b").is_err());
        assert!(parse_set("ab").is_err());
    }

    #[test]
    fn every_library_error_that_a_flag_fixes_names_the_flag() {
        let cases = [
            Error::MissingAnswer { key: "host".into() },
            Error::TargetNotEmpty { path: "x".into() },
            Error::TargetNotDir { path: "x".into() },
            Error::TargetNotWritable { path: "x".into() },
            Error::Conflicts {
                target: "x".into(),
                conflicts: vec!["a".into()],
            },
            Error::AnswersForAnotherKind {
                path: "a.toml".into(),
                recorded: "k".into(),
                asked: "j".into(),
            },
            Error::InvalidInput {
                field: "write_units_per_event".into(),
                message: "m".into(),
            },
        ];
        for e in &cases {
            let text = lib_message(e);
            assert!(text.contains("--") || text.contains("-o "), "{text}");
        }
    }
}
