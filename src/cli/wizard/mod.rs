//! Every prompt `scaffold` shows lives here. The wizard asks what flags and answers files left open: the kind,
//! the name, then the output folder (checked at once), an offer to take the recommended setup for the rest,
//! then each question with its place in the count. Each answer is validated as it is typed; an answer that
//! breaks a rule with an earlier one offers to change either. Esc at any question goes back to the one before,
//! its answer typed again; Ctrl-C or Ctrl-D ends the wizard, saving the answers so far. The summary lets any
//! answer be edited.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use console::style;
use dialoguer::theme::ColorfulTheme;
use scaffold::answers::parse_answer;
use scaffold::kind::{Catalog, Check, Operand, Question, QuestionType};
use scaffold::kind::{check_answer, check_relations};
use scaffold::{Answer, Answers, Error, Result};

mod carry;
mod folder;
mod keep;
pub mod layout;
mod prompts;
mod summary;
mod turn;

use folder::Folder;
use prompts::{Input, Reply};

pub use carry::carried;
pub use keep::{check_target, save_and_say};
pub use summary::Review;

/// What the kind picker returned.
#[derive(Debug, PartialEq, Eq)]
pub enum Pick {
    Kind(String),
    /// "not sure?": run the advisor.
    Advise,
    /// "neither fits: stop here".
    Stop,
}

pub struct Wizard {
    theme: ColorfulTheme,
    /// The questions being asked, to ask one again when a rule between two answers breaks.
    questions: Vec<Question>,
    /// The rules between answers, checked as each answer is typed.
    checks: Vec<Check>,
    /// Defaults that replace the questions' own (the advisor's answers carried into the kind's questions).
    carried: BTreeMap<String, Answer>,
    /// Answers chosen here that are not the default the library offered: settling again with these as given
    /// answers gives the same result, with derived defaults derived again.
    recorded: BTreeMap<String, Answer>,
    /// Earlier answers changed to keep a rule; they win over the answers settled before them.
    edits: BTreeMap<String, Answer>,
    /// The questions asked in this round, in order, the current one last: its place in the count, and where
    /// going back goes.
    stack: Vec<String>,
    /// The answers given at a prompt in this round, typed again when the person comes back to a question.
    typed: BTreeMap<String, Answer>,
    total: usize,
    rest_default: bool,
    offer_rest: bool,
    folder: Folder,
    /// The kind and the ` --templates PATH` flag (or nothing), once answers are worth saving when a signal
    /// ends the run.
    resume: Option<(String, String)>,
    /// The answers a signal saves, kept to register again once the folder is known.
    kept: Option<Answers>,
    /// The keys that go back or stop were shown, above the first question.
    keys_shown: bool,
}

impl Wizard {
    pub fn new() -> Self {
        Wizard {
            theme: ColorfulTheme::default(),
            questions: Vec::new(),
            checks: Vec::new(),
            carried: BTreeMap::new(),
            recorded: BTreeMap::new(),
            edits: BTreeMap::new(),
            stack: Vec::new(),
            typed: BTreeMap::new(),
            total: 0,
            rest_default: false,
            offer_rest: false,
            folder: Folder::default(),
            resume: None,
            kept: None,
            keys_shown: false,
        }
    }

    /// Starts a round of questions: `total` of them will be asked (for the "3/12" count).
    pub fn begin(&mut self, questions: Vec<Question>, checks: Vec<Check>, total: usize) {
        self.questions = questions;
        self.checks = checks;
        self.total = total;
        self.stack.clear();
        self.typed.clear();
        self.recorded.clear();
        self.edits.clear();
        self.rest_default = false;
    }

    /// Asks for the output folder after the name (or checks `given`, from `-o`), and then offers the
    /// recommended setup for the rest.
    pub fn ask_folder(&mut self, given: Option<PathBuf>, force: bool) {
        self.folder = Folder {
            enabled: true,
            given,
            force,
            ..Folder::default()
        };
        self.offer_rest = true;
    }

    /// From now on, a signal (Ctrl-C at any prompt, SIGTERM, SIGHUP) that ends the run before writing first
    /// saves the answers given so far as an answers file of `kind`; `templates` (the ` --templates PATH` flag,
    /// or nothing) goes into the command that resumes.
    pub fn keep_on_interrupt(&mut self, kind: &str, templates: String) {
        self.resume = Some((kind.to_string(), templates));
    }

    /// Makes `answers` (with the edits made here) what a signal saves; nothing before
    /// [`Wizard::keep_on_interrupt`].
    pub fn keep(&mut self, answers: &Answers) {
        let Some((kind, templates)) = self.resume.clone() else {
            return;
        };
        self.kept = Some(answers.clone());
        let mut answers = answers.clone();
        for (key, answer) in &self.edits {
            answers.give(key, answer.clone());
        }
        let folder = self.folder.chosen.as_ref().map(|f| f.display().to_string());
        crate::cli::interrupt::keep_on_interrupt(Box::new(move || {
            save_and_say(&answers, &kind, &templates, folder.as_deref())
        }));
    }

    pub fn carry(&mut self, carried: BTreeMap<String, Answer>) {
        self.carried = carried;
    }

    /// The answers chosen in the wizard, as `KEY=VALUE` text the library's parsers read back.
    pub fn recorded(&self) -> Vec<(String, String)> {
        self.recorded
            .iter()
            .map(|(k, v)| (k.clone(), v.to_string()))
            .collect()
    }

    /// The answers were settled again from [`Wizard::recorded`]: earlier edits are part of them now.
    pub fn settled(&mut self) {
        self.edits.clear();
    }

    pub fn folder(&self) -> Option<&Path> {
        self.folder.chosen.as_deref()
    }

    /// Asks which kind to generate, with one line on when each fits. With `offer_advice`, a last entry "not
    /// sure?" runs the advisor; after advice (`advised`: the kind it recommends, if any), the recommendation is
    /// marked and preselected and "neither fits: stop here" ends the wizard.
    pub fn choose_kind(
        &self,
        catalog: &Catalog,
        offer_advice: bool,
        advised: Option<&Option<String>>,
    ) -> Result<Pick> {
        let width = layout::width();
        let mark = |yes: bool, text: &str| {
            if yes {
                format!("(recommended) {text}")
            } else {
                text.to_string()
            }
        };
        let mut items: Vec<String> = catalog
            .kinds
            .iter()
            .map(|k| {
                let recommended = advised.is_some_and(|a| a.as_deref() == Some(k.name()));
                layout::choice_line(
                    k.name(),
                    &mark(recommended, &k.manifest.when_to_use),
                    20,
                    width,
                )
            })
            .collect();
        let mut start = advised
            .and_then(|a| a.as_deref())
            .and_then(|name| catalog.kinds.iter().position(|k| k.name() == name))
            .unwrap_or(0);
        // The entries after the kinds: what each picks, and its name for the line left after the answer.
        let mut extra = Vec::new();
        if offer_advice {
            extra.push((Pick::Advise, "not sure?"));
            items.push(layout::choice_line(
                "not sure?",
                "Answer a few questions about the workload and get a recommendation",
                20,
                width,
            ));
        }
        if let Some(advice) = advised {
            if advice.is_none() {
                start = items.len();
            }
            extra.push((Pick::Stop, "neither fits"));
            items.push(layout::choice_line(
                "neither fits",
                &mark(advice.is_none(), "Stop here with the advice above"),
                20,
                width,
            ));
        }
        // The first question: Esc shows it again.
        let i = loop {
            let reply = prompts::select(
                &self.theme,
                "What do you want to build?",
                &items,
                start,
                false,
            )?;
            if let Reply::Answer(i) = reply {
                break i;
            }
        };
        let (pick, picked) = match catalog.kinds.get(i) {
            Some(k) => (Pick::Kind(k.name().to_string()), k.name()),
            None => extra.remove(i - catalog.kinds.len()),
        };
        done("What do you want to build?", picked);
        Ok(pick)
    }

    /// Asks `q` until its answer passes its own checks and the rules with the answers in `known`; a broken rule
    /// offers to change this answer or the other one. `counted` questions show their place in the count and
    /// take their default when the recommended setup was chosen. Esc at the question goes back
    /// ([`Reply::Back`]); Esc at the offer to change an answer, or at the other question, asks this one again.
    fn ask_checked(
        &mut self,
        q: &Question,
        default: Option<&Answer>,
        known: &Answers,
        counted: bool,
    ) -> Result<Reply<Answer>> {
        if counted {
            let empty =
                (!q.required && q.kind == QuestionType::String).then(|| Answer::Str(String::new()));
            if self.rest_default
                && let Some(d) = default.or(empty.as_ref())
                && check_answer(q, d).is_ok()
                && self.broken(q, d, known).is_none()
            {
                return Ok(Reply::Answer(d.clone()));
            }
        }
        // The answer given before is typed again only when the question opens, not when a rule asks it again.
        let mut typed = self.typed.get(&q.key).cloned().filter(|_| counted);
        loop {
            let Reply::Answer(answer) = self.prompt(q, default, typed.take().as_ref(), counted)?
            else {
                return Ok(Reply::Back);
            };
            self.typed.insert(q.key.clone(), answer.clone());
            let Some((message, other)) = self.broken(q, &answer, known) else {
                return Ok(Reply::Answer(answer));
            };
            eprintln!("{} {message}", style("✘").red());
            let other_q = other
                .as_ref()
                .and_then(|o| self.questions.iter().find(|x| &x.key == o))
                .cloned();
            let Some(other_q) = other_q else { continue };
            let now = self.current(&other_q.key, known);
            let items = [
                format!("Change {} (you answered {answer})", q.key),
                format!(
                    "Change {} (now {})",
                    other_q.key,
                    now.as_ref().map(|a| a.to_string()).unwrap_or_default()
                ),
            ];
            let pick = prompts::select(
                &self.theme,
                "Which answer do you want to change?",
                &items,
                0,
                true,
            )?;
            if pick != Reply::Answer(1) {
                continue;
            }
            let Reply::Answer(changed) = self.prompt(&other_q, now.as_ref(), None, false)? else {
                continue;
            };
            self.edits.insert(other_q.key.clone(), changed.clone());
            self.recorded.insert(other_q.key.clone(), changed);
            if self.broken(q, &answer, known).is_none() {
                return Ok(Reply::Answer(answer));
            }
        }
    }

    /// The current answer to `key`: an edit made here, else the settled one.
    fn current(&self, key: &str, known: &Answers) -> Option<Answer> {
        self.edits.get(key).or_else(|| known.get(key)).cloned()
    }

    /// The first rule `answer` to `q` breaks with the answers known, as its message and the other question's
    /// key (none when the rule compares with a number).
    fn broken(
        &self,
        q: &Question,
        answer: &Answer,
        known: &Answers,
    ) -> Option<(String, Option<String>)> {
        for check in &self.checks {
            let Ok(rel) = check.parse() else { continue };
            let other = if rel.left == q.key {
                match &rel.right {
                    Operand::Key(k) => Some(k.clone()),
                    Operand::Int(_) => None,
                }
            } else if rel.right == Operand::Key(q.key.clone()) {
                Some(rel.left.clone())
            } else {
                continue;
            };
            if let Err((_, message)) = check_relations(
                std::slice::from_ref(check),
                &|k| self.current(k, known),
                Some((&q.key, answer)),
            ) {
                return Some((message, other));
            }
        }
        None
    }

    /// Once, above the first question: the keys that go back and stop.
    fn show_keys(&mut self) {
        if !std::mem::replace(&mut self.keys_shown, true) {
            let line = "Esc goes back a question; Ctrl-C or Ctrl-D stops.";
            eprintln!("{}", style(line).dim().for_stderr());
        }
    }

    /// One prompt for `q`, fitted to one line, its help dimmed above it. `typed`: the answer given before, when
    /// the person came back to the question, typed again (or chosen) for them.
    fn prompt(
        &self,
        q: &Question,
        default: Option<&Answer>,
        typed: Option<&Answer>,
        counted: bool,
    ) -> Result<Reply<Answer>> {
        let width = layout::width();
        let progress = if counted && self.total > 0 {
            format!("{}/{}", self.stack.len(), self.total)
        } else {
            String::new()
        };
        let default_text = default.map(|d| d.to_string());
        let hint = match q.kind {
            QuestionType::Choice => String::new(),
            QuestionType::Bool => "(y/n)".into(),
            _ if default_text.as_deref().is_some_and(|d| !d.is_empty()) || !q.required => {
                layout::default_hint(
                    default_text
                        .as_deref()
                        .map(|d| layout::clip(d, 24))
                        .as_deref(),
                )
            }
            _ => String::new(),
        };
        let (label, help) = layout::label(q, &progress, &hint, width);
        for line in layout::wrap(&help, width.saturating_sub(1)) {
            eprintln!("{}", style(line).dim().for_stderr());
        }
        let shown = typed.or(default);
        match q.kind {
            QuestionType::Choice => {
                let pad = q
                    .choices
                    .iter()
                    .map(|c| c.value.len())
                    .max()
                    .unwrap_or(0)
                    .min(20);
                let items: Vec<String> = q
                    .choices
                    .iter()
                    .map(|c| layout::choice_line(&c.value, &c.label, pad, width))
                    .collect();
                let start = shown
                    .and_then(|d| {
                        q.choices
                            .iter()
                            .position(|c| Answer::Str(c.value.clone()) == *d)
                    })
                    .unwrap_or(0);
                let Reply::Answer(i) = prompts::select(&self.theme, &label, &items, start, false)?
                else {
                    return Ok(Reply::Back);
                };
                done(&label, &q.choices[i].value);
                Ok(Reply::Answer(Answer::Str(q.choices[i].value.clone())))
            }
            QuestionType::Bool => {
                let yes = matches!(shown, Some(Answer::Bool(true)));
                Ok(match prompts::confirm(&self.theme, &label, yes)? {
                    Reply::Answer(b) => Reply::Answer(Answer::Bool(b)),
                    Reply::Back => Reply::Back,
                })
            }
            QuestionType::String | QuestionType::Int => {
                // The theme would show the whole default; the hint shows it cut to fit the line.
                let prompt = if hint.is_empty() {
                    label.clone()
                } else {
                    format!("{label} {hint}")
                };
                let initial = typed.map(|t| t.to_string()).unwrap_or_default();
                let spec = Input {
                    prompt: &prompt,
                    default: default_text.as_deref().filter(|d| !d.is_empty()),
                    show_default: false,
                    initial: &initial,
                    allow_empty: !q.required,
                    report: false,
                };
                let check = |s: &str| {
                    parse_answer(q, s)
                        .map(|_| ())
                        .map_err(|m| friendly(q, s, m))
                };
                let Reply::Answer(typed) = prompts::input(&self.theme, &spec, &check)? else {
                    return Ok(Reply::Back);
                };
                done(&label, if typed.is_empty() { "(none)" } else { &typed });
                parse_answer(q, &typed)
                    .map(Reply::Answer)
                    .map_err(|message| Error::InvalidAnswer {
                        key: q.key.clone(),
                        message,
                    })
            }
        }
    }
}

/// The line left after an answer: the label and the answer, cut to the width (the theme's own line repeats a
/// picker's whole item, which wraps).
fn done(label: &str, value: &str) {
    let text = layout::clip(
        &format!("{label} · {value}"),
        layout::width().saturating_sub(3),
    );
    eprintln!("{} {text}", style("✔").green().for_stderr());
}

/// A validation message for a person at a prompt: a message that shows the question's pattern becomes one
/// with its example.
fn friendly(q: &Question, typed: &str, message: String) -> String {
    match &q.pattern {
        Some(p) if message.contains(p.as_str()) => {
            let example = q
                .example
                .as_deref()
                .map(|e| format!("; e.g. `{e}`"))
                .unwrap_or_default();
            format!(
                "`{}` is not in the expected form{example}",
                layout::clip(typed, 30)
            )
        }
        _ => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broken_rule_names_the_other_answer_and_an_edit_mends_it() {
        let int = |key: &str| Question {
            key: key.into(),
            kind: QuestionType::Int,
            pattern: None,
            path: false,
            max_len: None,
            ..scaffold::kind::name_question()
        };
        let (min, max) = (int("min_replicas"), int("max_replicas"));
        let mut w = Wizard::new();
        let check: Check = toml::from_str("rule = \"min_replicas <= max_replicas\"").unwrap();
        w.begin(vec![min.clone(), max.clone()], vec![check], 2);
        let known = scaffold::answers::settle(
            std::slice::from_ref(&min),
            &[],
            [("min_replicas".to_string(), Answer::Int(15))].into(),
            None,
        )
        .unwrap();
        let (message, other) = w.broken(&max, &Answer::Int(6), &known).unwrap();
        assert_eq!(message, "min_replicas (15) must be <= max_replicas (6)");
        assert_eq!(other.as_deref(), Some("min_replicas"));
        assert!(w.broken(&max, &Answer::Int(15), &known).is_none());
        w.edits.insert("min_replicas".into(), Answer::Int(3));
        assert!(
            w.broken(&max, &Answer::Int(6), &known).is_none(),
            "the edit counts"
        );
    }

    #[test]
    fn a_pattern_in_a_message_becomes_an_example() {
        let mut q = scaffold::kind::name_question();
        q.key = "team".into();
        q.pattern = Some("^[a-z]+$".into());
        q.example = Some("payments".into());
        let m = friendly(&q, "Bad", "`Bad` does not match ^[a-z]+$".into());
        assert_eq!(m, "`Bad` is not in the expected form; e.g. `payments`");
        assert_eq!(friendly(&q, "x", "other".into()), "other");
    }
}
