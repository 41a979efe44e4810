//! One question's turn ([`Prompter::ask`]): the folder step around it (after the name, or before the first
//! question when the name was given), the question, and going back from any of their prompts to the one before.

use scaffold::kind::Question;
use scaffold::{Answer, Answers, Error, Prompter, Result};

use super::Wizard;
use super::prompts::Reply;

/// Where a turn of [`Wizard::ask`] is: the folder step before the question (when the name was given), the
/// question, or the folder step after the name. `from_end`: the person came back into the folder step.
enum Turn {
    FolderBefore { from_end: bool },
    Question,
    FolderAfter { from_end: bool },
}

impl Prompter for Wizard {
    fn ask(&mut self, q: &Question, default: Option<&Answer>, so_far: &Answers) -> Result<Answer> {
        self.show_keys();
        let offered = default.cloned();
        let default = self.carried.get(&q.key).cloned().or(offered.clone());
        let is_name = q.key == "name";
        // Asked before in this round: the person came back to it.
        let back = self.stack.iter().position(|k| k == &q.key);
        if let Some(i) = back {
            self.stack.truncate(i);
        }
        let ran_folder = self.folder.with.as_deref() == Some(q.key.as_str());
        let mut answer = None;
        let mut turn = Turn::Question;
        let typed_name = self.typed.get("name").cloned().filter(|_| is_name);
        if let Some(name) = typed_name.filter(|_| back.is_some() && ran_folder) {
            // Back to the name from the question after it: through the folder step first.
            answer = Some(name);
            self.stack.push(q.key.clone());
            self.reopen_folder();
            turn = Turn::FolderAfter { from_end: true };
        } else if !is_name {
            turn = Turn::FolderBefore { from_end: false };
        }
        loop {
            match turn {
                Turn::FolderBefore { from_end } => {
                    let runs = self.folder.enabled && !self.folder.done;
                    if self.folder_step(so_far.name(), from_end)? == Reply::Back {
                        return Err(Error::Back);
                    }
                    if runs {
                        self.folder.with = Some(q.key.clone());
                    }
                    turn = Turn::Question;
                }
                Turn::Question => {
                    self.stack.push(q.key.clone());
                    match self.ask_checked(q, default.as_ref(), so_far, true)? {
                        Reply::Answer(a) => {
                            answer = Some(a);
                            if !is_name {
                                break;
                            }
                            turn = Turn::FolderAfter { from_end: false };
                        }
                        Reply::Back => {
                            self.stack.pop();
                            if !is_name && self.folder.with.as_deref() == Some(q.key.as_str()) {
                                self.reopen_folder();
                                turn = Turn::FolderBefore { from_end: true };
                            } else {
                                return Err(Error::Back);
                            }
                        }
                    }
                }
                Turn::FolderAfter { from_end } => {
                    let mut so_far_now = so_far.clone();
                    if let Some(a) = &answer {
                        so_far_now.give(&q.key, a.clone());
                    }
                    self.keep(&so_far_now);
                    let runs = self.folder.enabled && !self.folder.done;
                    if self.folder_step(so_far_now.name(), from_end)? == Reply::Back {
                        self.stack.pop();
                        self.reopen_folder();
                        turn = Turn::Question;
                        continue;
                    }
                    if runs {
                        self.folder.with = Some(q.key.clone());
                    }
                    break;
                }
            }
        }
        let answer = answer.expect("a turn ends with an answer");
        // Answered again: an earlier change made to keep a rule gives way.
        self.edits.remove(&q.key);
        let mut so_far_now = so_far.clone();
        so_far_now.give(&q.key, answer.clone());
        self.keep(&so_far_now);
        if Some(&answer) != offered.as_ref() {
            self.recorded.insert(q.key.clone(), answer.clone());
        } else {
            self.recorded.remove(&q.key);
        }
        Ok(answer)
    }
}
