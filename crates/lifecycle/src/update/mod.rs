//! Updating a generated project to a new plan (newer templates, other answers). With a git history that holds
//! the project as last generated (the base), the new rendering is committed on top of the base and merged into
//! the current branch, so git does the three-way merge and conflicts are ordinary markers. Without such a
//! history the project's manifest tells untouched files from touched ones.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use scaffold_error::{Error, Result};

pub use scaffold_error::BaseLost;
use scaffold_plan::Plan;

use super::git;
use super::manifest::{self, ANSWERS, MANIFEST};

mod base;
mod fallback;
mod lock;
mod merge;

/// How an update is run.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Classify what would change, write nothing.
    pub dry_run: bool,
    /// The message of the commit holding the new rendering on top of the base.
    pub pristine_message: String,
    /// The message of the merge commit.
    pub merge_message: String,
}

/// Why the manifest was used instead of a three-way merge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NoHistory {
    /// No `git` on the search path.
    NoGit,
    /// The project is not in a git work tree.
    NotInWorkTree,
    /// The work tree has no commit yet.
    NoCommits,
    /// No commit holds the project's files as its manifest records them.
    NoMatchingCommit,
}

/// How the update was made.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "method", rename_all = "kebab-case")]
pub enum Method {
    /// A three-way merge with git: `base` is the commit holding the project as last generated, `pristine` the
    /// new rendering committed on top of it (empty when there was nothing to merge).
    Merge { base: String, pristine: String },
    /// The manifest told touched files from untouched ones.
    Manifest { reason: NoHistory },
}

/// What an update did (or, in a dry run, would do). Paths are relative to the project.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Report {
    #[serde(flatten)]
    pub method: Method,
    pub dry_run: bool,
    /// The new rendering equals the last one: nothing changed.
    pub nothing_to_do: bool,
    pub added: Vec<String>,
    /// Changed by the templates only.
    pub changed: Vec<String>,
    /// Changed by both the user and the templates, merged without a conflict.
    pub merged: Vec<String>,
    /// Left with conflict markers (or, from git, any unmerged path).
    pub conflicts: Vec<String>,
    pub removed: Vec<String>,
    /// Dropped by the templates but changed by the user: kept as the user has it.
    pub kept: Vec<String>,
    /// The merge was concluded with a commit.
    pub committed: bool,
}

impl Report {
    fn new(method: Method, dry_run: bool) -> Self {
        Report {
            method,
            dry_run,
            nothing_to_do: false,
            added: Vec::new(),
            changed: Vec::new(),
            merged: Vec::new(),
            conflicts: Vec::new(),
            removed: Vec::new(),
            kept: Vec::new(),
            committed: false,
        }
    }
}

/// The recorded state of a project: its manifest as text and as a map.
struct Recorded {
    text: String,
    files: BTreeMap<String, String>,
}

/// Checks that `dir` holds a generated project (its `.scaffold/` record).
pub fn check_project(dir: &Path) -> Result<()> {
    for file in [ANSWERS, MANIFEST] {
        if !dir.join(file).is_file() {
            return Err(Error::NotAProject {
                path: dir.to_path_buf(),
                missing: file.to_string(),
            });
        }
    }
    Ok(())
}

/// Updates the project in `dir` to `plan`. `cancel` asks the update to stop: it is read before anything in the
/// project changes (then the update returns [`Error::Interrupted`] with the project as it was, its manifest
/// fallback undoing the steps it took), and no longer once the work tree is being changed, so the update then
/// finishes: merged, or stopped at conflicts as `git merge` stops.
pub fn update(dir: &Path, plan: &Plan, opts: &Options, cancel: &AtomicBool) -> Result<Report> {
    check_project(dir)?;
    let text = std::fs::read_to_string(dir.join(MANIFEST))
        .map_err(|e| Error::io(format!("reading {}", dir.join(MANIFEST).display()), e))?;
    let recorded = Recorded {
        files: manifest::parse(&text),
        text,
    };
    for file in recorded.files.keys() {
        confined(dir, file, "its line in .scaffold/manifest")?;
    }
    let new_manifest = plan
        .files
        .iter()
        .find(|f| f.path == MANIFEST)
        .map(|f| f.contents.to_vec())
        .unwrap_or_default();
    let same = new_manifest == recorded.text.as_bytes();

    let top = if git::available() {
        git::work_tree(dir)
    } else {
        None
    };
    let Some(top) = top else {
        let reason = if git::available() {
            NoHistory::NotInWorkTree
        } else {
            NoHistory::NoGit
        };
        return fallback::run(dir, plan, &recorded, reason, same, opts, cancel);
    };
    let repo = git::Git::new(&top);
    let _lock = if opts.dry_run {
        None
    } else {
        Some(lock::Lock::take(&repo)?)
    };
    let dirty = dirty_files(&repo)?;
    if !dirty.is_empty() {
        return Err(Error::DirtyWorkTree {
            path: dir.to_path_buf(),
            files: dirty,
        });
    }
    let prefix = prefix_in(&top, dir)?;
    let in_the_way = in_the_way(&repo, &prefix, dir, plan)?;
    if !in_the_way.is_empty() {
        return Err(Error::DirtyWorkTree {
            path: dir.to_path_buf(),
            files: in_the_way,
        });
    }
    let has_head = repo.run(&["rev-parse", "-q", "--verify", "HEAD"], None)?.ok;
    if !has_head {
        return fallback::run(
            dir,
            plan,
            &recorded,
            NoHistory::NoCommits,
            same,
            opts,
            cancel,
        );
    }
    match base::find(&repo, &prefix, &recorded)? {
        Some(base) => {
            if same {
                let mut report = Report::new(
                    Method::Merge {
                        base,
                        pristine: String::new(),
                    },
                    opts.dry_run,
                );
                report.nothing_to_do = true;
                return Ok(report);
            }
            merge::run(&repo, &prefix, &base, plan, opts, cancel)
        }
        None => fallback::run(
            dir,
            plan,
            &recorded,
            NoHistory::NoMatchingCommit,
            same,
            opts,
            cancel,
        ),
    }
}

/// Files of the new rendering, or folders it needs, that exist here untracked or ignored: they are the user's,
/// and a merge would replace them (git's merge replaces ignored files without a word), so they are refused
/// like any other uncommitted change. A file `conf` where the templates add `conf/local.yaml` is one.
fn in_the_way(repo: &git::Git, prefix: &str, dir: &Path, plan: &Plan) -> Result<Vec<PathBuf>> {
    let tracked = repo.ok(&["ls-files", "-z"], None)?;
    let tracked: std::collections::BTreeSet<&str> = tracked.split('\0').collect();
    let mut found = std::collections::BTreeSet::new();
    for f in &plan.files {
        let mut path = String::new();
        let parts: Vec<&str> = f.path.split('/').collect();
        for (i, part) in parts.iter().enumerate() {
            if !path.is_empty() {
                path.push('/');
            }
            path.push_str(part);
            let last = i + 1 == parts.len();
            let Ok(meta) = std::fs::symlink_metadata(dir.join(&path)) else {
                break;
            };
            // A folder on the way to the file is fine; anything else there must be tracked.
            if !last && meta.is_dir() {
                continue;
            }
            if !tracked.contains(format!("{prefix}{path}").as_str()) {
                found.insert(PathBuf::from(&path));
            }
            break;
        }
    }
    Ok(found.into_iter().collect())
}

/// Checks that `file` (relative, `/`-separated) names a place inside the project `dir`: no absolute path, no
/// `..`, no version control metadata, and no link on the way (a folder replaced by a link to elsewhere), so
/// nothing is read, written or removed outside the project through it.
pub(super) fn confined(dir: &Path, file: &str, source: &str) -> Result<()> {
    let refuse = |why: String| {
        Err(Error::OutsideProject {
            path: dir.to_path_buf(),
            file: file.to_string(),
            why,
        })
    };
    if file.starts_with('/') || file.is_empty() {
        return refuse(format!(
            "{source} is not a relative path inside the project"
        ));
    }
    let mut at = dir.to_path_buf();
    for part in file.split('/') {
        if matches!(part, "" | "." | "..") || part.contains('\\') {
            return refuse(format!(
                "{source} holds `{part}`, which may lead outside the project"
            ));
        }
        if let Some(vcs) = scaffold_plan::version_control(part) {
            return refuse(format!("{source} leads into {vcs}'s own folder"));
        }
        at.push(part);
        if std::fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink()) {
            return refuse(format!(
                "{} is a link, and writing or removing through it could reach outside the project",
                at.strip_prefix(dir).unwrap_or(&at).display()
            ));
        }
    }
    Ok(())
}

/// Paths with uncommitted changes, untracked files included (ignored ones are not).
fn dirty_files(repo: &git::Git) -> Result<Vec<PathBuf>> {
    let out = repo.ok(&["status", "--porcelain", "-z"], None)?;
    let mut files = Vec::new();
    let mut entries = out.split('\0').filter(|e| !e.is_empty());
    while let Some(entry) = entries.next() {
        // "XY path"; a rename or copy is followed by its source path as an entry of its own.
        let (status, path) = (entry.get(..2).unwrap_or(""), entry.get(3..).unwrap_or(""));
        files.push(PathBuf::from(path));
        if status.contains('R') || status.contains('C') {
            entries.next();
        }
    }
    Ok(files)
}

/// The project's folder inside the work tree, as a path prefix ending in `/` (empty at the top).
fn prefix_in(top: &Path, dir: &Path) -> Result<String> {
    let canon = |p: &Path| {
        p.canonicalize()
            .map_err(|e| Error::io(format!("resolving {}", p.display()), e))
    };
    let (top, dir) = (canon(top)?, canon(dir)?);
    let rel = dir.strip_prefix(&top).unwrap_or(Path::new(""));
    let mut prefix: String = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/");
    if !prefix.is_empty() {
        prefix.push('/');
    }
    Ok(prefix)
}
