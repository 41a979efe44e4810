//! Staging folders. Each is named `.scaffold-staging-<pid>-<random>`, so that a later run can tell whether the
//! run that made it is still alive: a folder whose owner is gone (a run killed with SIGKILL, a power cut) is
//! removed by the next run that writes beside it or into it; one whose owner still runs is left alone and named.

use std::fs;
use std::path::{Path, PathBuf};

use tempfile::TempDir;

use scaffold_error::{Error, Result};

/// How every staging folder's name begins.
pub const PREFIX: &str = ".scaffold-staging-";

/// A new staging folder in `dir`, named for this process.
pub fn create(dir: &Path) -> Result<TempDir> {
    tempfile::Builder::new()
        .prefix(&format!("{PREFIX}{}-", std::process::id()))
        .tempdir_in(dir)
        .map_err(|e| Error::io(format!("creating a staging folder in {}", dir.display()), e))
}

/// The process id recorded in a staging folder's name.
pub fn owner(name: &str) -> Option<u32> {
    name.strip_prefix(PREFIX)?.split('-').next()?.parse().ok()
}

/// Whether a process with this id exists. A process we may not signal (`EPERM`) exists too.
pub fn alive(pid: u32) -> bool {
    let Some(pid) = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    else {
        return false;
    };
    match rustix::process::test_kill_process(pid) {
        Ok(()) => true,
        Err(e) => e != rustix::io::Errno::SRCH,
    }
}

/// What [`sweep`] found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Sweep {
    /// Staging folders whose owner was gone, now removed.
    pub removed: Vec<PathBuf>,
    /// Staging folders of runs that are still going, with their owner's process id; left alone.
    pub in_use: Vec<(PathBuf, u32)>,
    /// Staging folders that could not be removed or whose owner cannot be told; left alone.
    pub left: Vec<PathBuf>,
}

/// Looks for staging folders where a run writing `target` would put its own (beside it and inside it) and
/// removes those whose owner is gone. This process has made none yet, so one named for its own id is stale too
/// (ids repeat, e.g. in containers).
pub fn sweep(target: &Path) -> Sweep {
    let mut out = Sweep::default();
    // An existing target (`-o .` too) stages in its real parent or in itself; a new one in its parent.
    let dirs = match fs::symlink_metadata(target) {
        Ok(m) if m.is_dir() => {
            let real = fs::canonicalize(target).unwrap_or_else(|_| target.to_path_buf());
            let mut dirs: Vec<PathBuf> = real.parent().map(Path::to_path_buf).into_iter().collect();
            dirs.push(real);
            dirs
        }
        _ => vec![super::parent_of(target)],
    };
    for dir in dirs {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        let mut found: Vec<(PathBuf, String)> = entries
            .filter_map(|e| e.ok())
            .map(|e| (e.path(), e.file_name().to_string_lossy().into_owned()))
            .filter(|(_, n)| n.starts_with(PREFIX))
            .collect();
        found.sort();
        for (path, name) in found {
            if !fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
                out.left.push(path);
                continue;
            }
            match owner(&name) {
                Some(pid) if pid != std::process::id() && alive(pid) => {
                    out.in_use.push((path, pid))
                }
                Some(_) => match fs::remove_dir_all(&path) {
                    Ok(()) => out.removed.push(path),
                    Err(_) => out.left.push(path),
                },
                None => out.left.push(path),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A process id that is certainly not running: a child that has exited and been reaped.
    fn dead_pid() -> u32 {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        pid
    }

    #[test]
    fn the_owner_is_read_from_the_name() {
        assert_eq!(owner(".scaffold-staging-4242-AbC123"), Some(4242));
        assert_eq!(owner(".scaffold-staging-AbC123"), None);
        assert_eq!(owner("other"), None);
        let tmp = tempfile::tempdir().unwrap();
        let dir = create(tmp.path()).unwrap();
        let name = dir
            .path()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert_eq!(owner(&name), Some(std::process::id()));
    }

    #[test]
    fn a_folder_of_a_dead_run_is_removed_and_a_live_one_is_left() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("demo");
        fs::create_dir(&target).unwrap();
        let dead = tmp.path().join(format!("{PREFIX}{}-x1", dead_pid()));
        let inside = target.join(format!("{PREFIX}{}-x2", dead_pid()));
        let mut sleeper = std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .unwrap();
        let live = tmp.path().join(format!("{PREFIX}{}-x3", sleeper.id()));
        for d in [&dead, &inside, &live] {
            fs::create_dir_all(d.join("sub")).unwrap();
            fs::write(d.join("sub/f"), "x").unwrap();
        }
        let found = sweep(&target);
        sleeper.kill().unwrap();
        sleeper.wait().unwrap();
        assert_eq!(found.removed, vec![dead.clone(), inside.clone()]);
        assert_eq!(found.in_use, vec![(live.clone(), sleeper.id())]);
        assert!(!dead.exists() && !inside.exists());
        assert!(live.join("sub/f").exists());
    }

    #[test]
    fn a_link_named_like_a_staging_folder_is_never_followed() {
        let tmp = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        fs::write(elsewhere.path().join("keep"), "x").unwrap();
        let link = tmp.path().join(format!("{PREFIX}{}-x", dead_pid()));
        std::os::unix::fs::symlink(elsewhere.path(), &link).unwrap();
        let found = sweep(&tmp.path().join("demo"));
        assert_eq!(found.left, vec![link]);
        assert!(elsewhere.path().join("keep").exists());
    }
}
