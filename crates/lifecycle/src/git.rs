//! Running `git` for a project's history: starting it when a project is generated, and the plumbing an update
//! merges with. Every call runs the `git` on the search path with `std::process::Command`; nothing here prints,
//! and nothing changes the user's git configuration: when no identity is configured, commits are made as
//! `scaffold` through the environment of that one command.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use scaffold_error::{Error, Result};

use super::manifest::{MANIFEST, base_tag};

/// The identity a commit is made with when the user has none configured.
pub const FALLBACK_NAME: &str = "scaffold";
pub const FALLBACK_EMAIL: &str = "scaffold@invalid";

/// What one `git` run returned.
#[derive(Debug)]
pub struct Output {
    pub ok: bool,
    pub code: Option<i32>,
    pub stdout: String,
    /// The standard output as bytes, for file contents.
    pub raw: Vec<u8>,
    pub stderr: String,
}

/// `git` run in one folder, optionally with its own index file and the fallback identity.
#[derive(Debug, Clone)]
pub struct Git {
    pub dir: PathBuf,
    index: Option<PathBuf>,
    /// Objects are written here, with the repository's own objects readable as alternates.
    objects: Option<(PathBuf, PathBuf)>,
    fallback_identity: bool,
}

impl Git {
    pub fn new(dir: &Path) -> Self {
        Git {
            dir: dir.to_path_buf(),
            index: None,
            objects: None,
            fallback_identity: false,
        }
    }

    /// The same repository with a separate index file (the user's index is left alone).
    pub fn with_index(&self, index: &Path) -> Self {
        Git {
            index: Some(index.to_path_buf()),
            ..self.clone()
        }
    }

    /// The same repository writing new objects into `dir` instead of its own object store, which it still
    /// reads: a dry run leaves the repository exactly as it was.
    pub fn with_scratch_objects(&self, dir: &Path) -> Result<Self> {
        let own = self.ok(&["rev-parse", "--git-path", "objects"], None)?;
        let own = self.dir.join(own.trim());
        Ok(Git {
            objects: Some((dir.to_path_buf(), own)),
            ..self.clone()
        })
    }

    /// Commits made by this runner use the fallback identity unless the user has one configured.
    pub fn with_identity(mut self) -> Self {
        let has = |key: &str| {
            self.run(&["config", "--get", key], None)
                .map(|o| o.ok && !o.stdout.trim().is_empty())
                .unwrap_or(false)
        };
        self.fallback_identity = !(has("user.name") && has("user.email"));
        self
    }

    pub fn run(&self, args: &[&str], stdin: Option<&[u8]>) -> Result<Output> {
        let mut cmd = command();
        cmd.current_dir(&self.dir)
            .args(args)
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(index) = &self.index {
            cmd.env("GIT_INDEX_FILE", index);
        }
        if let Some((scratch, own)) = &self.objects {
            cmd.env("GIT_OBJECT_DIRECTORY", scratch)
                .env("GIT_ALTERNATE_OBJECT_DIRECTORIES", own);
        }
        if self.fallback_identity {
            for (k, v) in [
                ("GIT_AUTHOR_NAME", FALLBACK_NAME),
                ("GIT_COMMITTER_NAME", FALLBACK_NAME),
                ("GIT_AUTHOR_EMAIL", FALLBACK_EMAIL),
                ("GIT_COMMITTER_EMAIL", FALLBACK_EMAIL),
            ] {
                cmd.env(k, v);
            }
        }
        let action = format!("git {}", args.first().copied().unwrap_or(""));
        let mut child = cmd.spawn().map_err(|e| Error::Git {
            action: action.clone(),
            message: format!("cannot run git: {e}"),
        })?;
        if let Some(input) = stdin {
            use std::io::Write;
            let mut pipe = child.stdin.take().expect("piped stdin");
            let data = input.to_vec();
            // Written from a thread so a large input cannot deadlock against a full output pipe.
            let writer = std::thread::spawn(move || pipe.write_all(&data));
            let out = child.wait_with_output();
            let _ = writer.join();
            return finish(action, out);
        }
        finish(action, child.wait_with_output())
    }

    /// Runs and requires success; the error carries git's own words.
    pub fn ok(&self, args: &[&str], stdin: Option<&[u8]>) -> Result<String> {
        let out = self.run(args, stdin)?;
        if out.ok {
            Ok(out.stdout)
        } else {
            Err(Error::Git {
                action: format!("git {}", args.join(" ")),
                message: out.stderr.trim().to_string(),
            })
        }
    }
}

/// `git` with a clean environment: every `GIT_*` variable of the caller is dropped except the identity and
/// which configuration files to read, so a run from inside a hook (which sets `GIT_DIR`, `GIT_INDEX_FILE`, ...)
/// works on the project and not on the repository running the hook. Pathspecs are literal (`notes[1].md` names
/// one file), nothing prompts, and the child gets a process group of its own: Ctrl-C in the terminal reaches
/// scaffold, which lets the step in progress finish, and not git in the middle of writing the work tree.
///
/// The group alone leaves a gap: a signal sent to scaffold's group after the child is forked but before it
/// has moved to its own group stays pending, and kills git the moment it starts. So the child also starts
/// with SIGINT, SIGTERM and SIGHUP ignored; git installs its own handlers where it holds a lock, and only a
/// signal sent to git itself can reach it there.
fn command() -> Command {
    let mut cmd = Command::new("git");
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy();
        if key.starts_with("GIT_") && !KEPT_ENV.contains(&key.as_ref()) {
            cmd.env_remove(key.as_ref());
        }
    }
    use std::os::unix::process::CommandExt;
    cmd.env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_LITERAL_PATHSPECS", "1")
        .env("LC_ALL", "C")
        .process_group(0);
    // SAFETY: between fork and exec the closure calls only `signal`, which is async-signal-safe, and
    // allocates nothing.
    unsafe {
        cmd.pre_exec(|| {
            for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
                if libc::signal(sig, libc::SIG_IGN) == libc::SIG_ERR {
                    return Err(std::io::Error::last_os_error());
                }
            }
            Ok(())
        });
    }
    cmd
}

/// The caller's `GIT_*` variables a git call keeps: who commits, and which configuration files git reads.
const KEPT_ENV: &[&str] = &[
    "GIT_AUTHOR_NAME",
    "GIT_AUTHOR_EMAIL",
    "GIT_AUTHOR_DATE",
    "GIT_COMMITTER_NAME",
    "GIT_COMMITTER_EMAIL",
    "GIT_COMMITTER_DATE",
    "GIT_CONFIG_GLOBAL",
    "GIT_CONFIG_SYSTEM",
    "GIT_CONFIG_NOSYSTEM",
];

fn finish(action: String, out: std::io::Result<std::process::Output>) -> Result<Output> {
    let out = out.map_err(|e| Error::Git {
        action,
        message: e.to_string(),
    })?;
    Ok(Output {
        ok: out.status.success(),
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        raw: out.stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    })
}

/// True when a `git` can be run.
pub fn available() -> bool {
    command()
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// The top of the work tree holding `dir`, or `None` when `dir` is in none.
pub fn work_tree(dir: &Path) -> Option<PathBuf> {
    let out = Git::new(dir)
        .run(&["rev-parse", "--show-toplevel"], None)
        .ok()?;
    (out.ok && !out.stdout.trim().is_empty()).then(|| PathBuf::from(out.stdout.trim()))
}

/// True when the work tree around `dir` ignores it (a dotfiles repository with `*` in its `.gitignore`): the
/// project is not part of that repository's history, so it gets one of its own.
fn ignored_by_work_tree(dir: &Path) -> bool {
    // check-ignore takes no pathspec magic, literal included; "." holds no pattern character anyway.
    command()
        .env_remove("GIT_LITERAL_PATHSPECS")
        .current_dir(dir)
        .args(["check-ignore", "-q", "--no-index", "."])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// What [`start_history`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum History {
    /// A new repository with one commit of the generated files.
    Started { commit: String, files: usize },
    /// The project is inside this existing work tree, whose history is the user's to keep.
    InsideWorkTree(PathBuf),
    /// No `git` on the search path.
    NoGit,
}

/// Starts the history of a freshly written project: `git init` and one commit of exactly `paths`. On a
/// failure the repository it created is removed again, so the project is left as written.
pub fn start_history(dir: &Path, paths: &[String], message: &str) -> Result<History> {
    if !available() {
        return Ok(History::NoGit);
    }
    if let Some(top) = work_tree(dir)
        && !ignored_by_work_tree(dir)
    {
        return Ok(History::InsideWorkTree(top));
    }
    let git = Git::new(dir);
    git.ok(&["init", "-q"], None)?;
    let result = (|| {
        let git = git.clone().with_identity();
        let list: Vec<u8> = paths
            .iter()
            .flat_map(|p| p.bytes().chain(std::iter::once(0)))
            .collect();
        git.ok(
            &[
                "--literal-pathspecs",
                "add",
                "--force",
                "--pathspec-from-file=-",
                "--pathspec-file-nul",
            ],
            Some(&list),
        )?;
        git.ok(
            &[
                "commit",
                "-q",
                "--no-verify",
                "--no-gpg-sign",
                "-m",
                message,
            ],
            None,
        )?;
        let commit = git.ok(&["rev-parse", "HEAD"], None)?.trim().to_string();
        // The first commit is exactly the generated files: it is the first update's base.
        let manifest = std::fs::read(dir.join(MANIFEST))
            .map_err(|e| Error::io(format!("reading {}", dir.join(MANIFEST).display()), e))?;
        git.ok(&["update-ref", &base_tag("", &manifest), &commit, ""], None)?;
        Ok(History::Started {
            commit,
            files: paths.len(),
        })
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(dir.join(".git"));
    }
    result
}

#[cfg(test)]
mod tests {
    /// A terminal's signal that lands before a git child has left scaffold's process group must not end it: the
    /// child (here a shell git runs for an alias, signalling itself) starts with the signal ignored.
    #[test]
    fn a_git_child_outlives_a_terminating_signal_sent_as_it_starts() {
        let dir = tempfile::tempdir().unwrap();
        let git = super::Git::new(dir.path());
        for sig in ["INT", "TERM", "HUP"] {
            let alias = format!("alias.signalled=!kill -{sig} $$; echo alive");
            let out = git.run(&["-c", &alias, "signalled"], None).unwrap();
            assert!(out.ok, "SIG{sig} ended git's child: {out:?}");
            assert_eq!(out.stdout.trim(), "alive", "SIG{sig}");
        }
    }
}
