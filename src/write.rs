//! Safe writing. The plan is written into a staging folder beside the target and then moved into place, so a
//! failure or an interrupt leaves neither a partial project nor the staging folder, and no existing file is
//! ever overwritten or deleted.

use std::fs;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::{Error, Result};
use crate::plan::Plan;

#[derive(Debug, Clone, Copy, Default)]
pub struct WriteOptions {
    /// Allow an existing non-empty folder as long as no existing path would be overwritten.
    pub force: bool,
}

/// What the writer did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The target did not exist (or was an empty folder) and now holds the project.
    Created,
    /// `--force`: the files were added to an existing folder.
    Merged,
}

/// Writes `plan` to `target`. `cancel` is polled between steps; once it is set the writer undoes its work and
/// returns [`Error::Interrupted`].
pub fn write(
    plan: &Plan,
    target: &Path,
    opts: WriteOptions,
    cancel: &AtomicBool,
) -> Result<Outcome> {
    let existing = match fs::symlink_metadata(target) {
        Ok(m) if m.is_dir() => Some(is_empty_dir(target)?),
        Ok(_) => {
            return Err(Error::TargetNotDir {
                path: target.to_path_buf(),
            });
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(Error::io(format!("checking {}", target.display()), e)),
    };
    if existing == Some(false) && !opts.force {
        return Err(Error::TargetNotEmpty {
            path: target.to_path_buf(),
        });
    }
    if existing.is_some() {
        let conflicts = conflicts(plan, target);
        if !conflicts.is_empty() {
            return Err(Error::Conflicts {
                target: target.to_path_buf(),
                conflicts,
            });
        }
    }

    let parent = parent_of(target);
    let created_parents = create_parents(&parent)?;
    let result = stage_and_place(plan, target, &parent, existing.is_some(), cancel);
    if result.is_err() {
        remove_empty_dirs(&created_parents);
    }
    result
}

fn stage_and_place(
    plan: &Plan,
    target: &Path,
    parent: &Path,
    exists: bool,
    cancel: &AtomicBool,
) -> Result<Outcome> {
    let staging = tempfile::Builder::new()
        .prefix(".scaffold-staging-")
        .tempdir_in(parent)
        .map_err(|e| {
            Error::io(
                format!("creating a staging folder in {}", parent.display()),
                e,
            )
        })?;
    for file in &plan.files {
        check_cancel(cancel)?;
        let path = staging.path().join(&file.path);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)
                .map_err(|e| Error::io(format!("creating {}", dir.display()), e))?;
        }
        // The mode is set at creation, so the umask applies as it does for `cp`. No fsync: the single rename
        // already makes the project appear whole, and durability across a power cut is not worth a sync per file.
        let mode = if file.executable { 0o755 } else { 0o644 };
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(&path)
            .map_err(|e| Error::io(format!("writing {}", file.path), e))?;
        f.write_all(&file.contents)
            .map_err(|e| Error::io(format!("writing {}", file.path), e))?;
    }
    check_cancel(cancel)?;
    if !exists {
        // One rename puts the whole project in place. It fails if the target appeared and is not empty.
        fs::set_permissions(staging.path(), fs::Permissions::from_mode(0o755))
            .map_err(|e| Error::io("setting the project folder's mode", e))?;
        fs::rename(staging.path(), target)
            .map_err(|e| Error::io(format!("moving the project to {}", target.display()), e))?;
        // The folder now lives at `target`; keep the guard from deleting it.
        let _ = staging.keep();
        return Ok(Outcome::Created);
    }
    merge(plan, staging.path(), target, cancel)?;
    Ok(Outcome::Merged)
}

/// Moves each staged file into an existing folder with a hard link, which fails instead of replacing a file that
/// appeared since the conflict check. On any failure, every file and folder added so far is removed again.
fn merge(plan: &Plan, staging: &Path, target: &Path, cancel: &AtomicBool) -> Result<()> {
    let mut added_files: Vec<PathBuf> = Vec::new();
    let mut added_dirs: Vec<PathBuf> = Vec::new();
    let result = (|| {
        for file in &plan.files {
            check_cancel(cancel)?;
            let dest = target.join(&file.path);
            if let Some(dir) = dest.parent() {
                for d in missing_dirs(dir) {
                    fs::create_dir(&d)
                        .map_err(|e| Error::io(format!("creating {}", d.display()), e))?;
                    added_dirs.push(d);
                }
            }
            fs::hard_link(staging.join(&file.path), &dest).map_err(|e| {
                if e.kind() == std::io::ErrorKind::AlreadyExists {
                    Error::Conflicts {
                        target: target.to_path_buf(),
                        conflicts: vec![PathBuf::from(&file.path)],
                    }
                } else {
                    Error::io(format!("placing {}", dest.display()), e)
                }
            })?;
            added_files.push(dest);
        }
        Ok(())
    })();
    if result.is_err() {
        for f in added_files.iter().rev() {
            let _ = fs::remove_file(f);
        }
        remove_empty_dirs(&added_dirs);
    }
    result
}

fn check_cancel(cancel: &AtomicBool) -> Result<()> {
    if cancel.load(Ordering::SeqCst) {
        Err(Error::Interrupted)
    } else {
        Ok(())
    }
}

/// Paths of the plan that already exist under `target`, or that sit under an existing file.
pub fn conflicts(plan: &Plan, target: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for file in &plan.files {
        let rel = Path::new(&file.path);
        let mut clash = fs::symlink_metadata(target.join(rel)).is_ok();
        let mut prefix = PathBuf::new();
        for comp in rel.parent().into_iter().flat_map(|p| p.components()) {
            prefix.push(comp);
            if let Ok(m) = fs::symlink_metadata(target.join(&prefix))
                && !m.is_dir()
            {
                clash = true;
            }
        }
        if clash {
            out.push(rel.to_path_buf());
        }
    }
    out
}

fn is_empty_dir(dir: &Path) -> Result<bool> {
    let mut entries =
        fs::read_dir(dir).map_err(|e| Error::io(format!("reading {}", dir.display()), e))?;
    Ok(entries.next().is_none())
}

fn parent_of(target: &Path) -> PathBuf {
    match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Folders from the outermost missing one down to `dir`.
fn missing_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut cur = Some(dir);
    while let Some(d) = cur {
        if d.as_os_str().is_empty() || d.exists() {
            break;
        }
        out.push(d.to_path_buf());
        cur = d.parent();
    }
    out.reverse();
    out
}

fn create_parents(parent: &Path) -> Result<Vec<PathBuf>> {
    let missing = missing_dirs(parent);
    for d in &missing {
        if let Err(e) = fs::create_dir(d) {
            remove_empty_dirs(&missing);
            return Err(Error::io(format!("creating {}", d.display()), e));
        }
    }
    Ok(missing)
}

/// Removes folders this run created, innermost first, and only while they are empty.
fn remove_empty_dirs(dirs: &[PathBuf]) {
    for d in dirs.iter().rev() {
        let _ = fs::remove_dir(d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::PlannedFile;

    fn plan() -> Plan {
        Plan {
            kind: "k".into(),
            name: "demo".into(),
            files: vec![
                PlannedFile::new("README.md".into(), b"hello\n".to_vec()),
                PlannedFile::new("scripts/run.sh".into(), b"#!/bin/sh\necho hi\n".to_vec()),
            ],
            skipped: vec![],
            next_steps: vec![],
        }
    }

    fn no_cancel() -> AtomicBool {
        AtomicBool::new(false)
    }

    fn leftovers(dir: &Path) -> Vec<String> {
        fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".scaffold-staging-"))
            .collect()
    }

    #[test]
    fn writes_a_new_folder_with_modes_and_no_staging_left() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("a/b/demo");
        assert_eq!(
            write(&plan(), &target, WriteOptions::default(), &no_cancel()).unwrap(),
            Outcome::Created
        );
        assert_eq!(
            fs::read_to_string(target.join("README.md")).unwrap(),
            "hello\n"
        );
        let mode = fs::metadata(target.join("scripts/run.sh"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o755);
        let mode = fs::metadata(target.join("README.md"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o644);
        assert!(leftovers(&tmp.path().join("a/b")).is_empty());
    }

    #[test]
    fn refuses_a_non_empty_folder_without_force() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("demo");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("mine.txt"), "keep").unwrap();
        let err = write(&plan(), &target, WriteOptions::default(), &no_cancel()).unwrap_err();
        assert!(matches!(err, Error::TargetNotEmpty { .. }), "{err}");
        assert_eq!(fs::read_to_string(target.join("mine.txt")).unwrap(), "keep");
        assert!(leftovers(tmp.path()).is_empty());
    }

    #[test]
    fn force_adds_files_but_never_overwrites() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("mine.txt"), "keep").unwrap();
        write(
            &plan(),
            tmp.path(),
            WriteOptions { force: true },
            &no_cancel(),
        )
        .unwrap();
        assert_eq!(
            fs::read_to_string(tmp.path().join("mine.txt")).unwrap(),
            "keep"
        );
        assert!(tmp.path().join("scripts/run.sh").is_file());

        let other = tempfile::tempdir().unwrap();
        fs::write(other.path().join("README.md"), "mine").unwrap();
        let err = write(
            &plan(),
            other.path(),
            WriteOptions { force: true },
            &no_cancel(),
        )
        .unwrap_err();
        match err {
            Error::Conflicts { conflicts, .. } => {
                assert_eq!(conflicts, vec![PathBuf::from("README.md")])
            }
            e => panic!("{e}"),
        }
        assert_eq!(
            fs::read_to_string(other.path().join("README.md")).unwrap(),
            "mine"
        );
        assert!(
            !other.path().join("scripts").exists(),
            "nothing else may be written"
        );
    }

    #[test]
    fn a_file_in_the_way_of_a_folder_is_a_conflict() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("scripts"), "a file").unwrap();
        let err = write(
            &plan(),
            tmp.path(),
            WriteOptions { force: true },
            &no_cancel(),
        )
        .unwrap_err();
        assert!(matches!(err, Error::Conflicts { .. }), "{err}");
    }

    #[test]
    fn an_interrupt_leaves_nothing_behind() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("new/demo");
        let err = write(
            &plan(),
            &target,
            WriteOptions::default(),
            &AtomicBool::new(true),
        )
        .unwrap_err();
        assert!(matches!(err, Error::Interrupted));
        assert!(
            !tmp.path().join("new").exists(),
            "created parents are removed again"
        );
        assert!(leftovers(tmp.path()).is_empty());
    }

    #[test]
    fn a_write_failure_leaves_nothing_behind() {
        let tmp = tempfile::tempdir().unwrap();
        let mut bad = plan();
        // A file and a folder of the same name cannot both be written: the second write fails midway.
        bad.files
            .push(PlannedFile::new("README.md/x".into(), b"x".to_vec()));
        let target = tmp.path().join("demo");
        assert!(write(&bad, &target, WriteOptions::default(), &no_cancel()).is_err());
        assert!(!target.exists());
        assert!(leftovers(tmp.path()).is_empty());
    }
}
