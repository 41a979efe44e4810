//! One update at a time per repository: a lock file in the git folder, holding the owner's process id, made
//! with `O_EXCL` and removed when the update ends. A lock whose owner is gone (killed) is taken over.

use std::io::Write;
use std::path::PathBuf;

use scaffold_error::{Error, Result};
use scaffold_write::staging::alive;

use super::super::git::Git;

pub(super) struct Lock {
    path: PathBuf,
}

impl Lock {
    pub(super) fn take(repo: &Git) -> Result<Lock> {
        let path = repo.ok(&["rev-parse", "--git-path", "scaffold-update.lock"], None)?;
        let path = repo.dir.join(path.trim());
        for _ in 0..2 {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut file) => {
                    let _ = write!(file, "{}", std::process::id());
                    return Ok(Lock { path });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let owner = std::fs::read_to_string(&path)
                        .ok()
                        .and_then(|t| t.trim().parse::<u32>().ok());
                    match owner {
                        Some(pid) if alive(pid) => {
                            return Err(Error::UpdateBusy {
                                path: repo.dir.clone(),
                                pid,
                            });
                        }
                        Some(_) => {
                            let _ = std::fs::remove_file(&path);
                        }
                        // Just made, its id not yet written; or left empty by a run killed at that moment.
                        None if !old(&path) => {
                            return Err(Error::UpdateBusy {
                                path: repo.dir.clone(),
                                pid: 0,
                            });
                        }
                        None => {
                            let _ = std::fs::remove_file(&path);
                        }
                    }
                }
                Err(e) => return Err(Error::io(format!("creating {}", path.display()), e)),
            }
        }
        Err(Error::UpdateBusy {
            path: repo.dir.clone(),
            pid: 0,
        })
    }
}

fn old(path: &std::path::Path) -> bool {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_none_or(|age| age.as_secs() > 10)
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}
