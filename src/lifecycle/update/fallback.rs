//! The update without a usable history: the manifest says which files are as generated. Those are replaced
//! (or removed when the templates dropped them); a touched file gets the new version as conflict markers
//! against an empty base. Everything is computed first and written through temporary files renamed into
//! place, so a failure leaves the project as it was.

use std::path::Path;

use crate::error::{Error, Result};
use crate::plan::Plan;

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
) -> Result<Report> {
    let mut report = Report::new(Method::Manifest { reason }, opts.dry_run);
    if same {
        report.nothing_to_do = true;
        return Ok(report);
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
        apply(dir, ops)?;
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

/// Stages every new file beside its target, then renames them into place, then removes the dropped ones.
fn apply(dir: &Path, ops: Vec<(String, Op)>) -> Result<()> {
    let mut staged = Vec::new();
    let result = (|| {
        for (path, op) in &ops {
            if let Op::Write(bytes, exec) = op {
                let target = dir.join(path);
                let parent = target.parent().unwrap_or(dir);
                std::fs::create_dir_all(parent)
                    .map_err(|e| Error::io(format!("creating {}", parent.display()), e))?;
                let tmp = tempfile::NamedTempFile::new_in(parent)
                    .map_err(|e| Error::io(format!("staging {}", target.display()), e))?;
                std::fs::write(tmp.path(), bytes)
                    .map_err(|e| Error::io(format!("staging {}", target.display()), e))?;
                if *exec {
                    use std::os::unix::fs::PermissionsExt;
                    let _ = std::fs::set_permissions(
                        tmp.path(),
                        std::fs::Permissions::from_mode(0o755),
                    );
                } else {
                    use std::os::unix::fs::PermissionsExt;
                    let _ = std::fs::set_permissions(
                        tmp.path(),
                        std::fs::Permissions::from_mode(0o644),
                    );
                }
                staged.push((tmp, target));
            }
        }
        Ok(())
    })();
    result?;
    for (tmp, target) in staged {
        tmp.persist(&target)
            .map_err(|e| Error::io(format!("writing {}", target.display()), e.error))?;
    }
    for (path, op) in &ops {
        if let Op::Remove = op {
            let target = dir.join(path);
            std::fs::remove_file(&target)
                .map_err(|e| Error::io(format!("removing {}", target.display()), e))?;
        }
    }
    Ok(())
}
