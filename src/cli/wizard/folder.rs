//! The output folder step: right after the name (or before the first question when the name was given), the
//! folder is asked (or the one `-o` gave is checked) with the writer's own rules, then the recommended setup is
//! offered for the questions left. Esc goes back through these prompts like through the questions.

use std::path::PathBuf;

use console::style;

use super::prompts::{self, Input, Reply};
use super::{Wizard, check_target};
use scaffold::Result;

/// The output folder step's state.
#[derive(Debug, Default)]
pub(super) struct Folder {
    pub enabled: bool,
    /// The folder `-o` gave, until it is checked.
    pub given: Option<PathBuf>,
    pub force: bool,
    pub chosen: Option<PathBuf>,
    /// The folder was typed at a prompt (not only given with `-o`): going back reaches that prompt.
    pub asked: bool,
    pub done: bool,
    /// The key of the question whose turn ran the step: going back from that question (or, for the name, to
    /// it) opens the step again.
    pub with: Option<String>,
    /// The answer given to the offer of the recommended setup, to show again when the person comes back to it.
    pub offer_answer: Option<bool>,
}

impl Wizard {
    /// The folder step, once: after the name, or before the first question when the name was given. Esc at its
    /// first prompt asks it again.
    pub fn settle_folder(&mut self, name: &str) -> Result<()> {
        while self.folder_step(name, false)? == Reply::Back {}
        Ok(())
    }

    /// Asks for another output folder (at the summary); Esc keeps the one chosen.
    pub fn change_folder(&mut self, name: &str) -> Result<()> {
        let before = (self.folder.chosen.clone(), self.folder.asked);
        self.folder.done = false;
        self.folder.given = None;
        self.folder.asked = true;
        let offer = std::mem::replace(&mut self.offer_rest, false);
        let result = self.folder_step(name, false);
        self.offer_rest = offer;
        if matches!(result, Ok(Reply::Back)) {
            (self.folder.chosen, self.folder.asked) = before;
            self.folder.done = true;
        }
        result.map(|_| ())
    }

    /// Makes the step to be taken again: the person went back into it.
    pub(super) fn reopen_folder(&mut self) {
        self.folder.done = false;
        self.offer_rest = self.folder.offer_answer.is_some();
    }

    /// The folder, then the offer of the recommended setup. `from_end`: the person came back into the step from
    /// the question after it, so it opens at its last prompt. [`Reply::Back`] goes back past its first prompt.
    pub(super) fn folder_step(&mut self, name: &str, from_end: bool) -> Result<Reply<()>> {
        if !self.folder.enabled || self.folder.done {
            return Ok(Reply::Answer(()));
        }
        let remaining = self.total.saturating_sub(self.stack.len());
        let offer = self.offer_rest && remaining > 0;
        if from_end && !offer && !self.folder.asked {
            return Ok(Reply::Back);
        }
        let mut at_offer = from_end && offer;
        // Coming back to the folder prompt, the folder chosen before is typed again.
        let mut again = from_end;
        loop {
            if !at_offer && self.choose_folder(name, again)? == Reply::Back {
                return Ok(Reply::Back);
            }
            if !offer {
                break;
            }
            let question = if remaining == 1 {
                "Use the recommended setup for the last question?".to_string()
            } else {
                format!("Use the recommended setup for the other {remaining} questions?")
            };
            let start = self.folder.offer_answer.unwrap_or(true);
            match prompts::confirm(&self.theme, &question, start)? {
                Reply::Answer(yes) => {
                    self.rest_default = yes;
                    self.folder.offer_answer = Some(yes);
                    break;
                }
                Reply::Back if self.folder.asked => (at_offer, again) = (false, true),
                Reply::Back => return Ok(Reply::Back),
            }
        }
        self.folder.done = true;
        self.offer_rest = false;
        Ok(Reply::Answer(()))
    }

    /// The folder `-o` gave, checked, or one typed until it passes the writer's check. `again`: the person came
    /// back to it, and the folder chosen before is typed already.
    fn choose_folder(&mut self, name: &str, again: bool) -> Result<Reply<()>> {
        if let Some(given) = self.folder.given.take() {
            match check_target(&given, self.folder.force) {
                Ok(()) => return Ok(self.chose(given)),
                Err(e) => eprintln!("{} {e}; choose another folder", style("✘").red()),
            }
        } else if self.folder.chosen.is_some() && !self.folder.asked {
            // Given with -o and taken: nothing to ask.
            return Ok(Reply::Answer(()));
        }
        self.folder.asked = true;
        let default = format!("./{name}");
        let initial = match (&self.folder.chosen, again) {
            (Some(chosen), true) => chosen.display().to_string(),
            _ => String::new(),
        };
        let force = self.folder.force;
        let spec = Input {
            prompt: "Output folder",
            default: Some(&default),
            show_default: true,
            initial: &initial,
            allow_empty: false,
            report: true,
        };
        let typed = prompts::input(&self.theme, &spec, &|typed| {
            check_target(&PathBuf::from(typed.trim()), force)
                .map_err(|e| format!("{e}; choose another folder"))
        })?;
        Ok(match typed {
            Reply::Answer(path) => self.chose(PathBuf::from(path.trim())),
            Reply::Back => Reply::Back,
        })
    }

    fn chose(&mut self, path: PathBuf) -> Reply<()> {
        self.folder.chosen = Some(path);
        if let Some(kept) = self.kept.take() {
            self.keep(&kept);
        }
        Reply::Answer(())
    }
}
