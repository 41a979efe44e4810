//! The summary before writing: the answers and the top-level folders on one screen, then write, edit any
//! answer, see every file, change the folder, or quit (the caller saves the answers then).

use scaffold::{Answers, Plan, Result};

use super::prompts::{self, Reply};
use super::{Wizard, layout};

/// What the summary returned.
#[derive(Debug, PartialEq, Eq)]
pub enum Review {
    Write,
    Edit(String),
    Folder,
    Quit,
}

impl Wizard {
    /// Shows the answers and the top-level folders (one screen), then asks what to do.
    pub fn review(&self, answers: &Answers, plan: &Plan, output: &str) -> Result<Review> {
        let width = layout::width();
        let shown = answers.iter().map(|(k, v)| (k, v.to_string()));
        eprint!("{}", layout::summary(shown, plan, output, width));
        // Keys typed before the summary showed (the Enter after a `y` that a confirmation took alone) are
        // dropped: only a key pressed at the summary writes the project.
        let _ = rustix::termios::tcflush(std::io::stdin(), rustix::termios::QueueSelector::IFlush);
        let write = format!("Write {} files to {output}", plan.files.len());
        let items = [
            write,
            "Edit an answer".into(),
            "Show every file".into(),
            "Change the output folder".into(),
            "Quit without writing (the answers are saved)".into(),
        ];
        loop {
            // Esc at the summary shows it again; at "Which answer?" it goes back to the summary.
            let Reply::Answer(i) = prompts::select(&self.theme, "Ready?", &items, 0, true)? else {
                continue;
            };
            match i {
                0 => return Ok(Review::Write),
                1 => {
                    let keys: Vec<&str> = answers.iter().map(|(k, _)| k).collect();
                    let lines: Vec<String> = answers
                        .iter()
                        .map(|(k, v)| layout::choice_line(k, &v.to_string(), 20, width))
                        .collect();
                    let picked = prompts::select(&self.theme, "Which answer?", &lines, 0, true)?;
                    if let Reply::Answer(j) = picked {
                        return Ok(Review::Edit(keys[j].to_string()));
                    }
                }
                2 => eprintln!("\n{}", crate::cli::report::tree(plan, output)),
                3 => return Ok(Review::Folder),
                _ => return Ok(Review::Quit),
            }
        }
    }

    /// Asks `key` again at the summary, with its current answer as the default; Esc keeps the answer.
    pub fn edit(&mut self, key: &str, answers: &Answers) -> Result<()> {
        let Some(q) = self.questions.iter().find(|q| q.key == key).cloned() else {
            return Ok(());
        };
        if let Reply::Answer(answer) = self.ask_checked(&q, answers.get(key), answers, false)? {
            self.recorded.insert(q.key.clone(), answer);
        }
        Ok(())
    }
}
