//! Safe writing. The plan is written into a staging folder and then moved into place, so a failure or an
//! interrupt leaves neither a partial project nor the staging folder, and no existing file is ever overwritten
//! or deleted. Where the staging folder goes follows the target, so that every move is a rename on one file
//! system: beside a target that does not exist yet (one rename puts the project in place), inside an empty
//! target (its entries are then moved up), and beside or inside a folder that `force` adds to.

mod place;
pub mod staging;

use std::fs;
use std::io::Write;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use scaffold_error::{Error, Result};
use scaffold_plan::Plan;

pub use staging::{Sweep, sweep};

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

/// What is at the target path now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Nothing: it will be created, with any missing parents.
    Missing,
    /// An empty folder.
    Empty,
    /// A folder that holds files (allowed only with `force`).
    NonEmpty,
}

/// The checks on the target that need no plan: it is a folder or can become one, it is empty unless `force`,
/// and it (or the nearest folder that exists on the way to it) can be written. Cheap, so callers run it before
/// rendering and a dry run makes the same checks as a real one.
pub fn check_target(target: &Path, force: bool) -> Result<Target> {
    let state = match fs::symlink_metadata(target) {
        Ok(m) if m.is_dir() => {
            if is_empty_dir(target)? {
                Target::Empty
            } else if force {
                Target::NonEmpty
            } else {
                return Err(Error::TargetNotEmpty {
                    path: target.to_path_buf(),
                });
            }
        }
        Ok(_) => {
            return Err(Error::TargetNotDir {
                path: target.to_path_buf(),
            });
        }
        // Not there, or a path on the way is not a folder (which `nearest_existing` names).
        Err(e)
            if e.kind() == std::io::ErrorKind::NotFound
                || e.raw_os_error() == Some(rustix::io::Errno::NOTDIR.raw_os_error()) =>
        {
            Target::Missing
        }
        Err(e) => return Err(Error::io(format!("checking {}", target.display()), e)),
    };
    let writable = match state {
        Target::Missing => nearest_existing(target)?,
        _ => target.to_path_buf(),
    };
    let access = rustix::fs::Access::WRITE_OK | rustix::fs::Access::EXEC_OK;
    if rustix::fs::access(&writable, access).is_err() {
        return Err(Error::TargetNotWritable { path: writable });
    }
    Ok(state)
}

/// Every check [`write`] makes before it writes anything: [`check_target`], then, for a folder that exists,
/// that no path of the plan is already taken.
pub fn check(plan: &Plan, target: &Path, opts: WriteOptions) -> Result<Target> {
    let state = check_target(target, opts.force)?;
    if state != Target::Missing {
        let conflicts = conflicts(plan, target);
        if !conflicts.is_empty() {
            return Err(Error::Conflicts {
                target: target.to_path_buf(),
                conflicts,
            });
        }
    }
    Ok(state)
}

/// The nearest folder on the way to `target` that exists; any path on the way that is not a folder is refused.
fn nearest_existing(target: &Path) -> Result<PathBuf> {
    let mut cur = parent_of(target);
    loop {
        match fs::metadata(&cur) {
            Ok(m) if m.is_dir() => return Ok(cur),
            Ok(_) => return Err(Error::TargetNotDir { path: cur }),
            Err(_) => match cur.parent() {
                Some(p) if !p.as_os_str().is_empty() => cur = p.to_path_buf(),
                _ => return Ok(PathBuf::from(".")),
            },
        }
    }
}

/// Writes `plan` to `target`. `cancel` is polled between steps; once it is set the writer undoes its work and
/// returns [`Error::Interrupted`]. Once the project is complete, `cancel` is no longer looked at: the result
/// is then [`Ok`] whatever arrived meanwhile.
pub fn write(
    plan: &Plan,
    target: &Path,
    opts: WriteOptions,
    cancel: &AtomicBool,
) -> Result<Outcome> {
    match check(plan, target, opts)? {
        Target::Missing => {
            let parent = parent_of(target);
            let created_parents = create_parents(&parent)?;
            let result = stage_beside(plan, target, &parent, cancel);
            if result.is_err() {
                remove_empty_dirs(&created_parents);
            }
            result
        }
        Target::Empty => {
            let staging = staging::create(target)?;
            write_files(plan, staging.path(), cancel)?;
            check_cancel(cancel)?;
            place::move_up(staging.path(), target)?;
            Ok(Outcome::Created)
        }
        Target::NonEmpty => {
            let staging = match beside_on_same_device(target) {
                Some(dir) => dir,
                None => staging::create(target)?,
            };
            write_files(plan, staging.path(), cancel)?;
            place::merge(plan, staging.path(), target, cancel)?;
            Ok(Outcome::Merged)
        }
    }
}

/// A staging folder in the parent of an existing `target` when that is on the same file system and writable,
/// so that nothing of ours appears inside the user's folder; `None` otherwise.
fn beside_on_same_device(target: &Path) -> Option<tempfile::TempDir> {
    let real = fs::canonicalize(target).ok()?;
    let parent = real.parent()?;
    let same = fs::metadata(parent).ok()?.dev() == fs::metadata(&real).ok()?.dev();
    if !same {
        return None;
    }
    staging::create(parent).ok()
}

fn stage_beside(plan: &Plan, target: &Path, parent: &Path, cancel: &AtomicBool) -> Result<Outcome> {
    let staging = staging::create(parent)?;
    write_files(plan, staging.path(), cancel)?;
    check_cancel(cancel)?;
    // One rename puts the whole project in place. It fails if the target appeared and is not empty.
    fs::set_permissions(staging.path(), fs::Permissions::from_mode(0o755))
        .map_err(|e| Error::io("setting the project folder's mode", e))?;
    fs::rename(staging.path(), target)
        .map_err(|e| Error::io(format!("moving the project to {}", target.display()), e))?;
    // The folder now lives at `target`; keep the guard from deleting it.
    let _ = staging.keep();
    Ok(Outcome::Created)
}

/// Writes every file of the plan under `staging`, a folder this run just created and nobody else writes.
fn write_files(plan: &Plan, staging: &Path, cancel: &AtomicBool) -> Result<()> {
    for file in &plan.files {
        check_cancel(cancel)?;
        let path = staging.join(&file.path);
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
    Ok(())
}

fn check_cancel(cancel: &AtomicBool) -> Result<()> {
    if cancel.load(Ordering::SeqCst) {
        Err(Error::Interrupted)
    } else {
        Ok(())
    }
}

/// Paths of the plan that already exist under `target`, or that sit under an existing file or link.
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
    use scaffold_plan::PlannedFile;

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
            warnings: vec![],
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

    #[test]
    fn an_empty_target_is_staged_inside_and_keeps_nothing_of_the_staging() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("demo");
        fs::create_dir(&target).unwrap();
        // A run cancelled after staging began leaves the empty target as it was.
        let err = write(
            &plan(),
            &target,
            WriteOptions::default(),
            &AtomicBool::new(true),
        );
        assert!(matches!(err, Err(Error::Interrupted)));
        assert_eq!(fs::read_dir(&target).unwrap().count(), 0);
        assert_eq!(
            write(&plan(), &target, WriteOptions::default(), &no_cancel()).unwrap(),
            Outcome::Created
        );
        assert!(target.join("scripts/run.sh").is_file());
        assert!(leftovers(&target).is_empty() && leftovers(tmp.path()).is_empty());
    }

    #[test]
    fn moving_up_never_replaces_what_appeared_meanwhile() {
        let tmp = tempfile::tempdir().unwrap();
        let staging = staging::create(tmp.path()).unwrap();
        fs::write(staging.path().join("a.txt"), "new").unwrap();
        fs::create_dir(staging.path().join("z")).unwrap();
        fs::create_dir(tmp.path().join("z")).unwrap(); // an empty folder a rename would silently replace
        let err = place::move_up(staging.path(), tmp.path()).unwrap_err();
        assert!(matches!(err, Error::Conflicts { .. }), "{err}");
        assert!(!tmp.path().join("a.txt").exists(), "what moved goes back");
        assert!(staging.path().join("a.txt").exists());
    }

    /// A folder swapped for a link after the checks: the merge stops at the link and writes nothing through it.
    #[test]
    fn force_never_writes_through_a_planted_link() {
        let tmp = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let target = tmp.path().join("demo");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("mine.txt"), "keep").unwrap();
        let staging = staging::create(tmp.path()).unwrap();
        write_files(&plan(), staging.path(), &no_cancel()).unwrap();
        // The check saw no `scripts`; now it is a link to a folder outside the target.
        std::os::unix::fs::symlink(outside.path(), target.join("scripts")).unwrap();
        let err = place::merge(&plan(), staging.path(), &target, &no_cancel()).unwrap_err();
        match err {
            Error::Conflicts { conflicts, .. } => {
                assert_eq!(conflicts, vec![PathBuf::from("scripts")])
            }
            e => panic!("{e}"),
        }
        assert_eq!(fs::read_dir(outside.path()).unwrap().count(), 0);
        assert!(
            !target.join("README.md").exists(),
            "the files added before are removed"
        );
        assert_eq!(fs::read_to_string(target.join("mine.txt")).unwrap(), "keep");
    }

    #[test]
    fn force_into_an_existing_folder_leaves_no_staging_in_it() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("demo");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("mine.txt"), "keep").unwrap();
        for cancel in [true, false] {
            let _ = write(
                &plan(),
                &target,
                WriteOptions { force: true },
                &AtomicBool::new(cancel),
            );
            assert!(leftovers(&target).is_empty() && leftovers(tmp.path()).is_empty());
        }
        assert!(target.join("scripts/run.sh").is_file());
    }

    #[test]
    fn checks_refuse_a_file_on_the_way_and_a_taken_folder() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("afile"), "x").unwrap();
        let err = check_target(&tmp.path().join("afile/sub/deeper"), false).unwrap_err();
        match err {
            Error::TargetNotDir { path } => assert_eq!(path, tmp.path().join("afile")),
            e => panic!("{e}"),
        }
        assert_eq!(
            check_target(&tmp.path().join("new/demo"), false).unwrap(),
            Target::Missing
        );
        fs::create_dir(tmp.path().join("full")).unwrap();
        fs::write(tmp.path().join("full/README.md"), "mine").unwrap();
        let full = tmp.path().join("full");
        assert!(matches!(
            check(&plan(), &full, WriteOptions::default()),
            Err(Error::TargetNotEmpty { .. })
        ));
        assert!(matches!(
            check(&plan(), &full, WriteOptions { force: true }),
            Err(Error::Conflicts { .. })
        ));
    }
}
