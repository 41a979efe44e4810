//! What keeps the wizard from losing work: the output folder is checked as soon as it is known (with the
//! writer's own rules), and answers are saved to a file whenever a run ends without writing after they are in.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use scaffold::{Answers, Error};

/// The writer's own check of the output folder (absent, empty, or any folder with `--force`), asked as soon as
/// the folder is known so a taken name loses no answers.
pub fn check_target(target: &Path, force: bool) -> Result<(), Error> {
    scaffold::write::check_target(target, force).map(|_| ())
}

/// Saves `answers` for `kind` to `NAME.answers.toml` in the current folder (`NAME.answers-2.toml`, ... when that
/// name is taken: a user's file is never overwritten), or in the temp folder when the current one refuses it.
/// Returns the path written.
pub fn save_answers(answers: &Answers, kind: &str, resume: &str) -> std::io::Result<PathBuf> {
    let text = answers.to_file(
        kind,
        scaffold::VERSION,
        &[
            "Answers typed into the wizard, saved because nothing was written. Resume with:".into(),
            format!("  {resume}"),
        ],
    );
    let stem = if answers.name().is_empty() {
        "scaffold"
    } else {
        answers.name()
    };
    let mut last = None;
    for dir in [PathBuf::from("."), std::env::temp_dir()] {
        for n in 1..=20 {
            let file = if n == 1 {
                format!("{stem}.answers.toml")
            } else {
                format!("{stem}.answers-{n}.toml")
            };
            let path = if dir == Path::new(".") {
                PathBuf::from(&file)
            } else {
                dir.join(&file)
            };
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut f) => {
                    f.write_all(text.as_bytes())?;
                    return Ok(path);
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => {
                    last = Some(e);
                    break;
                }
            }
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("every answers file name is taken")))
}

/// The command that resumes from the saved answers file `file`: `templates` is the ` --templates PATH` flag
/// (or nothing), and the output folder is passed on once it is known (else the wizard asks it again).
pub fn resume_command(file: &str, templates: &str, folder: Option<&str>) -> String {
    let folder = folder.map(|f| format!(" -o {f}")).unwrap_or_default();
    format!("scaffold new --answers {file}{templates}{folder}")
}

/// Saves `answers` (see [`save_answers`]) and returns what to tell the user: where, and the command that
/// resumes.
pub fn save_and_say(
    answers: &Answers,
    kind: &str,
    templates: &str,
    folder: Option<&str>,
) -> String {
    match save_answers(answers, kind, &resume_command("FILE", templates, folder)) {
        Ok(path) => {
            let shown = path.display().to_string();
            format!(
                "Your answers are saved in {shown}; continue with:\n  {}",
                resume_command(&shown, templates, folder)
            )
        }
        Err(e) => format!("Your answers could not be saved: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_target_check_follows_the_writers_rules() {
        let dir = tempfile::tempdir().unwrap();
        let absent = dir.path().join("new");
        assert!(check_target(&absent, false).is_ok());
        std::fs::create_dir(&absent).unwrap();
        assert!(check_target(&absent, false).is_ok(), "an empty folder");
        std::fs::write(absent.join("f"), "x").unwrap();
        assert!(matches!(
            check_target(&absent, false),
            Err(Error::TargetNotEmpty { .. })
        ));
        assert!(check_target(&absent, true).is_ok(), "--force");
        assert!(matches!(
            check_target(&absent.join("f"), false),
            Err(Error::TargetNotDir { .. })
        ));
        std::os::unix::fs::symlink(dir.path(), dir.path().join("link")).unwrap();
        assert!(matches!(
            check_target(&dir.path().join("link"), true),
            Err(Error::TargetNotDir { .. })
        ));
        assert!(check_target(&absent.join("f/sub"), false).is_err());
    }
}
