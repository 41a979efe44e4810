//! Every prompt `scaffold` shows lives here. The wizard asks what flags and answers files left open, validates
//! each answer as it is typed (asking again on a bad one), then shows a summary and the file tree to confirm.

use dialoguer::theme::ColorfulTheme;
use dialoguer::{Confirm, Input, Select};
use scaffold::advise::{self, AdvisePartial, AnswerKind, AnswerValue};
use scaffold::answers::parse_answer;
use scaffold::cost::prices::Prices;
use scaffold::kind::check_relations;
use scaffold::kind::{Catalog, Check, Question, QuestionType};
use scaffold::{Answer, Answers, Error, Plan, Prompter, Result};

pub struct Wizard {
    theme: ColorfulTheme,
    /// The chosen kind's rules between answers, checked as each answer is typed.
    checks: Vec<Check>,
}

impl Wizard {
    pub fn new() -> Self {
        Wizard {
            theme: ColorfulTheme::default(),
            checks: Vec::new(),
        }
    }

    pub fn set_checks(&mut self, checks: Vec<Check>) {
        self.checks = checks;
    }

    /// Asks which kind to generate, with one line on when each fits. With `offer_advice`, a last entry runs the
    /// advisor's questions first and then preselects the kind it recommends.
    pub fn choose_kind(&self, catalog: &Catalog, offer_advice: bool) -> Result<String> {
        let mut items: Vec<String> = catalog
            .kinds
            .iter()
            .map(|k| format!("{:<20} {}", k.name(), k.manifest.when_to_use))
            .collect();
        if offer_advice {
            items.push(format!(
                "{:<20} {}",
                "not sure?", "Answer a few questions about the workload and get a recommendation"
            ));
        }
        let mut default = 0;
        loop {
            let i = Select::with_theme(&self.theme)
                .with_prompt("What do you want to build?")
                .items(&items)
                .default(default)
                .interact()
                .map_err(prompt_error)?;
            if i < catalog.kinds.len() {
                return Ok(catalog.kinds[i].name().to_string());
            }
            let mut partial = AdvisePartial::default();
            self.ask_advise(&mut partial)?;
            let prices = Prices::embedded()?;
            let advice = advise::advise(&prices, &partial.with_defaults())?;
            eprintln!("\n{}", advise::report(&advice));
            default = catalog
                .kinds
                .iter()
                .position(|k| k.name() == advice.recommendation.as_str())
                .unwrap_or(0);
            items.pop();
        }
    }

    /// Asks the advisor's questions that `partial` leaves open, validating each answer as it is typed.
    pub fn ask_advise(&self, partial: &mut AdvisePartial) -> Result<()> {
        let missing = partial.missing();
        for q in advise::questions()
            .into_iter()
            .filter(|q| missing.contains(&q.key))
        {
            eprintln!("{}", console::style(q.help).dim());
            let text = match (&q.kind, &q.default) {
                (AnswerKind::Choice { choices }, d) => {
                    let start = match d {
                        AnswerValue::Text(t) => choices.iter().position(|c| c == t).unwrap_or(0),
                        _ => 0,
                    };
                    let i = Select::with_theme(&self.theme)
                        .with_prompt(q.prompt)
                        .items(choices)
                        .default(start)
                        .interact()
                        .map_err(prompt_error)?;
                    choices[i].to_string()
                }
                (AnswerKind::Bool, d) => Confirm::with_theme(&self.theme)
                    .with_prompt(q.prompt)
                    .default(matches!(d, AnswerValue::Bool(true)))
                    .interact()
                    .map_err(prompt_error)?
                    .to_string(),
                (AnswerKind::Int { .. }, d) => {
                    let default = match d {
                        AnswerValue::Int(i) => i.to_string(),
                        AnswerValue::Text(t) => t.to_string(),
                        AnswerValue::Bool(b) => b.to_string(),
                    };
                    let check = partial.clone();
                    Input::<String>::with_theme(&self.theme)
                        .with_prompt(q.prompt)
                        .default(default)
                        .validate_with(|s: &String| {
                            check.clone().set(q.key, s).map_err(|e| e.to_string())
                        })
                        .interact_text()
                        .map_err(prompt_error)?
                }
            };
            partial
                .set(q.key, &text)
                .map_err(|e| Error::InvalidAnswer {
                    key: q.key.to_string(),
                    message: e.to_string(),
                })?;
        }
        Ok(())
    }

    /// Shows the answers and the file tree, then asks to write.
    pub fn confirm(&self, answers: &Answers, plan: &Plan, output: &str) -> Result<bool> {
        eprintln!("\nAnswers:");
        for (k, v) in answers.iter() {
            eprintln!("  {k:<18} {v}");
        }
        eprintln!("\n{}", crate::cli::report::tree(plan, output));
        Confirm::with_theme(&self.theme)
            .with_prompt(format!("Write {} files to {output}?", plan.files.len()))
            .default(true)
            .interact()
            .map_err(prompt_error)
    }
}

impl Prompter for Wizard {
    fn ask(&mut self, q: &Question, default: Option<&Answer>, so_far: &Answers) -> Result<Answer> {
        if !q.help.is_empty() {
            eprintln!("{}", console::style(&q.help).dim());
        }
        match q.kind {
            QuestionType::Choice => {
                let items: Vec<String> = q
                    .choices
                    .iter()
                    .map(|c| {
                        if c.label.is_empty() {
                            c.value.clone()
                        } else {
                            format!("{:<20} {}", c.value, c.label)
                        }
                    })
                    .collect();
                let start = default
                    .and_then(|d| {
                        q.choices
                            .iter()
                            .position(|c| Answer::Str(c.value.clone()) == *d)
                    })
                    .unwrap_or(0);
                let i = Select::with_theme(&self.theme)
                    .with_prompt(&q.prompt)
                    .items(&items)
                    .default(start)
                    .interact()
                    .map_err(prompt_error)?;
                Ok(Answer::Str(q.choices[i].value.clone()))
            }
            QuestionType::Bool => {
                let b = Confirm::with_theme(&self.theme)
                    .with_prompt(&q.prompt)
                    .default(matches!(default, Some(Answer::Bool(true))))
                    .interact()
                    .map_err(prompt_error)?;
                Ok(Answer::Bool(b))
            }
            QuestionType::String | QuestionType::Int => {
                let mut input = Input::<String>::with_theme(&self.theme)
                    .with_prompt(&q.prompt)
                    .allow_empty(!q.required);
                if let Some(d) = default {
                    input = input.default(d.to_string());
                }
                let typed = input
                    .validate_with(|s: &String| {
                        let answer = parse_answer(q, s)?;
                        check_relations(
                            &self.checks,
                            &|k| so_far.get(k).cloned(),
                            Some((&q.key, &answer)),
                        )
                        .map_err(|(_, m)| m)
                    })
                    .interact_text()
                    .map_err(prompt_error)?;
                parse_answer(q, &typed).map_err(|message| Error::InvalidAnswer {
                    key: q.key.clone(),
                    message,
                })
            }
        }
    }
}

fn prompt_error(e: dialoguer::Error) -> Error {
    match e {
        dialoguer::Error::IO(io) if io.kind() == std::io::ErrorKind::Interrupted => {
            Error::Interrupted
        }
        dialoguer::Error::IO(io) => Error::Io {
            context: "reading an answer from the terminal".into(),
            source: io,
        },
    }
}
