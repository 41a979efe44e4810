//! The update without a usable history: the manifest says which files are as generated. Those are replaced
//! (or removed when the templates dropped them); a touched file gets the new version as conflict markers
//! against an empty base. Everything is computed first and written through temporary files renamed into
//! place, so a failure leaves the project as it was.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use scaffold_error::{Error, Result};
use scaffold_plan::Plan;

use super::super::git;
use super::super::manifest::sha256;
use super::{Method, NoHistory, Options, Recorded, Report};

enum Op {
    Write(Vec<u8>, bool),
    Remove,
}

pub(super) fn run(
    dir: &Path,
    plan: &Plan,
    recorded: &Recorded,
    reason: NoHistory,
    same: bool,
    opts: &Options,
    cancel: &AtomicBool,
) -> Result<Report> {
    let mut report = Report::new(Method::Manifest { reason }, opts.dry_run);
    if same {
        report.nothing_to_do = true;
        return Ok(report);
    }
    for path in plan
        .files
        .iter()
        .map(|f| &f.path)
        .chain(recorded.files.keys())
    {
        super::confined(dir, path, "the path")?;
    }
    let mut ops: Vec<(String, Op)> = Vec::new();
    for f in &plan.files {
        let new = f.contents.to_vec();
        let recorded_hash = recorded.files.get(&f.path);
        match std::fs::read(dir.join(&f.path)).ok() {
            None => {
                // A generated file the user deleted stays deleted unless the templates changed it.
                if recorded_hash.is_some_and(|h| *h == sha256(&new)) {
                    continue;
                }
                report.added.push(f.path.clone());
                ops.push((f.path.clone(), Op::Write(new, f.executable)));
            }
            Some(cur) if cur == new => {}
            Some(cur)
                if f.path.starts_with(".scaffold/")
                    || recorded_hash.is_some_and(|h| *h == sha256(&cur)) =>
            {
                report.changed.push(f.path.clone());
                ops.push((f.path.clone(), Op::Write(new, f.executable)));
            }
            Some(cur) => {
                report.conflicts.push(f.path.clone());
                ops.push((f.path.clone(), Op::Write(markers(&cur, &new), f.executable)));
            }
        }
    }
    for (path, hash) in &recorded.files {
        if plan.files.iter().any(|f| &f.path == path) {
            continue;
        }
        match std::fs::read(dir.join(path)).ok() {
            None => {}
            Some(cur) if sha256(&cur) == *hash => {
                report.removed.push(path.clone());
                ops.push((path.clone(), Op::Remove));
            }
            Some(_) => report.kept.push(path.clone()),
        }
    }
    if !opts.dry_run {
        apply(dir, ops, cancel)?;
    }
    Ok(report)
}

/// The user's text and the new one as a conflict against an empty base: `git merge-file` keeps the lines
/// both share outside the markers; without git the whole files are set against each other.
fn markers(mine: &[u8], new: &[u8]) -> Vec<u8> {
    if git::available()
        && let Some(merged) = merge_file(mine, new)
    {
        return merged;
    }
    let mut out = b"<<<<<<< yours\n".to_vec();
    out.extend_from_slice(mine);
    if !mine.ends_with(b"\n") && !mine.is_empty() {
        out.push(b'\n');
    }
    out.extend_from_slice(b"=======\n");
    out.extend_from_slice(new);
    if !new.ends_with(b"\n") && !new.is_empty() {
        out.push(b'\n');
    }
    out.extend_from_slice(b">>>>>>> template\n");
    out
}

fn merge_file(mine: &[u8], new: &[u8]) -> Option<Vec<u8>> {
    let tmp = tempfile::tempdir().ok()?;
    let (a, o, b) = (
        tmp.path().join("yours"),
        tmp.path().join("base"),
        tmp.path().join("template"),
    );
    std::fs::write(&a, mine).ok()?;
    std::fs::write(&o, b"").ok()?;
    std::fs::write(&b, new).ok()?;
    let runner = git::Git::new(tmp.path());
    let out = runner
        .run(
            &[
                "merge-file",
                "-p",
                "-L",
                "yours",
                "-L",
                "base",
                "-L",
                "template",
                "yours",
                "base",
                "template",
            ],
            None,
        )
        .ok()?;
    // The exit code is the number of conflicts; a negative one (shown as > 127) is an error.
    matches!(out.code, Some(0..=127)).then_some(out.raw)
}

/// Stages every new file beside its target, then moves everything into place: the project's files first,
/// the removals, and the record (`.scaffold/`) last. Each replaced or removed file is first moved aside; on a
/// failure, or when `cancel` is set between two steps, every step taken is undone in reverse, so the project is left as it was and a second run sees the
/// same work to do.
fn apply(dir: &Path, mut ops: Vec<(String, Op)>, cancel: &AtomicBool) -> Result<()> {
    ops.sort_by_key(|(path, op)| (path.starts_with(".scaffold/"), matches!(op, Op::Write(..))));
    let mut done: Vec<Undo> = Vec::new();
    let result = ops.iter().try_for_each(|(path, op)| {
        if cancel.load(Ordering::SeqCst) {
            return Err(Error::Interrupted);
        }
        step(dir, path, op, &mut done)
    });
    match result {
        Ok(()) => {
            for undo in done {
                if let Undo::Restore { aside, .. } = undo {
                    let _ = std::fs::remove_file(aside);
                }
            }
            Ok(())
        }
        Err(e) => {
            for undo in done.into_iter().rev() {
                match undo {
                    Undo::Remove(path) => {
                        let _ = std::fs::remove_file(path);
                    }
                    Undo::Restore { aside, to } => {
                        let _ = std::fs::rename(aside, to);
                    }
                    Undo::RemoveDir(path) => {
                        let _ = std::fs::remove_dir(path);
                    }
                }
            }
            Err(e)
        }
    }
}

/// How to take back one step of [`apply`].
enum Undo {
    /// A file that did not exist before.
    Remove(PathBuf),
    /// A file moved aside, to be put back.
    Restore { aside: PathBuf, to: PathBuf },
    /// A folder made for a new file.
    RemoveDir(PathBuf),
}

fn step(dir: &Path, path: &str, op: &Op, done: &mut Vec<Undo>) -> Result<()> {
    let target = dir.join(path);
    let parent = target.parent().unwrap_or(dir).to_path_buf();
    let io = |what: &str, e| Error::io(format!("{what} {}", target.display()), e);
    if let Op::Write(..) = op {
        let mut missing = Vec::new();
        let mut at = parent.clone();
        while !at.exists() && at.starts_with(dir) && at != dir {
            missing.push(at.clone());
            at.pop();
        }
        for folder in missing.into_iter().rev() {
            std::fs::create_dir(&folder).map_err(|e| io("creating the folder of", e))?;
            done.push(Undo::RemoveDir(folder));
        }
    }
    // The file now there, moved aside under a fresh name in the same folder.
    if std::fs::symlink_metadata(&target).is_ok() {
        let aside = tempfile::Builder::new()
            .prefix(".scaffold-old-")
            .tempfile_in(&parent)
            .map_err(|e| io("moving aside", e))?
            .into_temp_path()
            .keep()
            .map_err(|e| io("moving aside", e.error))?;
        std::fs::rename(&target, &aside).map_err(|e| {
            let _ = std::fs::remove_file(&aside);
            io("moving aside", e)
        })?;
        done.push(Undo::Restore {
            aside,
            to: target.clone(),
        });
    }
    if let Op::Write(bytes, exec) = op {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::NamedTempFile::new_in(&parent).map_err(|e| io("staging", e))?;
        std::fs::write(tmp.path(), bytes).map_err(|e| io("staging", e))?;
        let mode = if *exec { 0o755 } else { 0o644 };
        let _ = std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(mode));
        tmp.persist_noclobber(&target)
            .map_err(|e| io("writing", e.error))?;
        done.push(Undo::Remove(target));
    }
    Ok(())
}
