//! Putting staged files into a folder that already exists, through folder handles (`openat`, `mkdirat`,
//! `linkat`, `renameat`) opened with `O_NOFOLLOW`: a folder swapped for a link after the checks makes the write
//! fail instead of sending files outside the target, and nothing that exists is ever replaced.

use std::fs;
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use rustix::fs::{AtFlags, CWD, Mode, OFlags, RenameFlags};
use rustix::io::Errno;

use scaffold_error::{Error, Result};
use scaffold_plan::Plan;

fn open_dir(
    at: impl rustix::fd::AsFd,
    name: impl rustix::path::Arg,
) -> rustix::io::Result<OwnedFd> {
    rustix::fs::openat(
        at,
        name,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::empty(),
    )
}

fn io(context: String, e: Errno) -> Error {
    Error::io(context, std::io::Error::from(e))
}

fn in_the_way(target: &Path, rel: &str) -> Error {
    Error::Conflicts {
        target: target.to_path_buf(),
        conflicts: vec![PathBuf::from(rel)],
    }
}

/// What this run added, so that a failure can take it away again through the same handles.
struct Added(Vec<(Arc<OwnedFd>, String, bool)>);

impl Added {
    fn undo(&self) {
        for (dir, name, is_dir) in self.0.iter().rev() {
            let flags = if *is_dir {
                AtFlags::REMOVEDIR
            } else {
                AtFlags::empty()
            };
            let _ = rustix::fs::unlinkat(dir, name.as_str(), flags);
        }
    }
}

/// Hard-links each staged file into `target`, creating missing folders on the way. A link fails instead of
/// replacing a file that appeared since the conflict check; on any failure or interrupt, every file and folder
/// added so far is removed again.
pub fn merge(plan: &Plan, staging: &Path, target: &Path, cancel: &AtomicBool) -> Result<()> {
    let root = Arc::new(
        open_dir(CWD, target).map_err(|e| io(format!("opening {}", target.display()), e))?,
    );
    let mut added = Added(Vec::new());
    let result = (|| {
        for file in &plan.files {
            super::check_cancel(cancel)?;
            let parts: Vec<&str> = file.path.split('/').collect();
            let (last, dirs) = parts.split_last().expect("a path has a name");
            let mut dir = root.clone();
            for (i, seg) in dirs.iter().enumerate() {
                let shown = || parts[..=i].join("/");
                let next = match open_dir(&*dir, *seg) {
                    Ok(fd) => fd,
                    Err(Errno::NOENT) => {
                        rustix::fs::mkdirat(&*dir, *seg, Mode::from_raw_mode(0o755))
                            .map_err(|e| io(format!("creating {}", shown()), e))?;
                        added.0.push((dir.clone(), seg.to_string(), true));
                        open_dir(&*dir, *seg).map_err(|e| io(format!("opening {}", shown()), e))?
                    }
                    // A link (ELOOP) or a file (ENOTDIR) where a folder belongs.
                    Err(Errno::LOOP | Errno::NOTDIR) => return Err(in_the_way(target, &shown())),
                    Err(e) => return Err(io(format!("opening {}", shown()), e)),
                };
                dir = Arc::new(next);
            }
            rustix::fs::linkat(
                CWD,
                staging.join(&file.path),
                &*dir,
                *last,
                AtFlags::empty(),
            )
            .map_err(|e| match e {
                Errno::EXIST => in_the_way(target, &file.path),
                e => io(format!("placing {}", file.path), e),
            })?;
            added.0.push((dir, last.to_string(), false));
        }
        Ok(())
    })();
    if result.is_err() {
        added.undo();
    }
    result
}

/// Moves everything in `staging` (a folder inside `target`) up into `target`, without replacing anything that
/// appeared there meanwhile. Every name moves with one rename on the same file system; if one fails, those
/// already moved go back, so the project appears whole or not at all.
pub fn move_up(staging: &Path, target: &Path) -> Result<()> {
    let to = open_dir(CWD, target).map_err(|e| io(format!("opening {}", target.display()), e))?;
    let from =
        open_dir(CWD, staging).map_err(|e| io(format!("opening {}", staging.display()), e))?;
    let mut names: Vec<String> = fs::read_dir(staging)
        .map_err(|e| Error::io(format!("reading {}", staging.display()), e))?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut moved: Vec<&str> = Vec::new();
    for name in &names {
        if let Err(e) = rename_no_replace(&from, name, &to) {
            for m in moved.iter().rev() {
                let _ = rustix::fs::renameat(&to, *m, &from, *m);
            }
            return Err(match e {
                Errno::EXIST | Errno::NOTEMPTY => in_the_way(target, name),
                e => io(format!("moving {name} into {}", target.display()), e),
            });
        }
        moved.push(name);
    }
    Ok(())
}

fn rename_no_replace(from: &OwnedFd, name: &str, to: &OwnedFd) -> rustix::io::Result<()> {
    match rustix::fs::renameat_with(from, name, to, name, RenameFlags::NOREPLACE) {
        // A file system without RENAME_NOREPLACE: check, then rename (the staging folder is ours alone).
        Err(Errno::INVAL | Errno::NOSYS) => {
            match rustix::fs::statat(to, name, AtFlags::SYMLINK_NOFOLLOW) {
                Ok(_) => Err(Errno::EXIST),
                Err(Errno::NOENT) => rustix::fs::renameat(from, name, to, name),
                Err(e) => Err(e),
            }
        }
        other => other,
    }
}
