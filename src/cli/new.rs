//! `scaffold new`: answers from flags, an answers file and the wizard, then the plan, then the write.

use std::path::PathBuf;

use scaffold::plan::Record;
use scaffold::{AnswersFile, Catalog, Error, Given, Prompter};

use super::failure::{Failure, Outcome, parse_set};

use super::args::NewArgs;
use super::{advise, interactive, interrupt, report, update, wizard};

pub fn run(args: NewArgs) -> Outcome {
    let catalog = super::catalog(&args.templates)?;
    let asking = interactive(args.no_input || previews_defaults(&args));
    let mut wiz = asking.then(wizard::Wizard::new);

    let file = match &args.answers {
        Some(path) => Some((path.clone(), AnswersFile::read(path)?)),
        None => None,
    };
    let kind_name = match (
        &args.kind,
        file.as_ref().and_then(|(_, f)| f.kind.clone()),
        wiz.as_mut(),
    ) {
        (Some(k), _, _) => k.clone(),
        (None, Some(k), _) => k,
        (None, None, Some(w)) => match choose_kind(w, &catalog, args.templates.is_none())? {
            Some(k) => k,
            None => return Ok(()),
        },
        (None, None, None) => {
            return Err(Failure::NoKind {
                example: catalog
                    .names()
                    .first()
                    .copied()
                    .unwrap_or("KIND")
                    .to_string(),
                kinds: catalog.names().iter().map(|n| n.to_string()).collect(),
            });
        }
    };
    let kind = catalog.get(&kind_name)?;
    let file = match &args.preset {
        Some(preset) => Some(with_preset(kind, preset, file)?),
        None => file,
    };

    let mut sets = Vec::new();
    if let Some(name) = &args.name {
        sets.push(("name".to_string(), name.clone()));
    }
    for s in &args.sets {
        let (k, v) = parse_set(s)?;
        if k == "name"
            && let Some(n) = &args.name
            && n != &v
        {
            return Err(Failure::NameTwice {
                positional: n.clone(),
                set: v,
            });
        }
        sets.push((k, v));
    }
    let given = Given { file, sets };
    let answers = match wiz.as_mut() {
        Some(w) => wizard_answers(w, kind, &given, &args),
        None => scaffold::answers::resolve(kind, &given, None).map_err(Failure::from),
    }
    .map_err(|e| match e {
        Failure::Lib(Error::MissingAnswer { key }) if key == "name" => Failure::NoName {
            kind: kind.name().to_string(),
        },
        other => other,
    })?;
    for note in answers.notes() {
        use std::io::Write;
        let _ = writeln!(std::io::stderr(), "warning: {note}");
    }

    let output = wiz
        .as_ref()
        .and_then(|w| w.folder().map(PathBuf::from))
        .or_else(|| args.output.clone())
        .unwrap_or_else(|| PathBuf::from(answers.name()));
    let shown = output.display().to_string();
    interrupt::check_target(&output, args.force)?;
    let plan = scaffold::build_plan(kind, &answers, &record(&args))?;

    if args.dry_run {
        interrupt::check_plan(&plan, &output, args.force)?;
        let text = if args.json {
            report::plan_json(&plan, &shown, &answers)
        } else {
            report::plan_text(&plan, &shown)
        };
        report::emit(&text);
        report::warn(&plan);
        return Ok(());
    }
    if let Some(w) = wiz.as_mut() {
        return review_and_write(w, kind, &given, &args, answers);
    }
    interrupt::write_plan(&plan, &output, args.force)?;
    report::emit(&report::written(&plan, &shown));
    report::warn(&plan);
    update::start_history(&plan, &output, args.no_git);
    Ok(())
}

/// A dry run given a kind and a name is a look at what those answers make: the rest take their defaults, as
/// with `--no-input`, and nothing is asked.
fn previews_defaults(args: &NewArgs) -> bool {
    let named = args.name.is_some()
        || args
            .sets
            .iter()
            .any(|s| s.trim_start().starts_with("name="));
    args.dry_run && args.kind.is_some() && named
}

/// `--preset NAME`: the kind's answer set, laid under the answers file's answers so that the file, and then
/// `--set`, override it.
fn with_preset(
    kind: &scaffold::Kind,
    name: &str,
    file: Option<(PathBuf, AnswersFile)>,
) -> Outcome<(PathBuf, AnswersFile)> {
    let Some((_, text)) = kind.presets.iter().find(|(n, _)| n == name) else {
        return Err(Failure::UnknownPreset {
            kind: kind.name().to_string(),
            name: name.to_string(),
            known: kind.presets.iter().map(|(n, _)| n.clone()).collect(),
        });
    };
    let origin = PathBuf::from(format!("{}/presets/{name}.toml", kind.name()));
    let preset = AnswersFile::parse(text, &origin)?;
    Ok(match file {
        None => (origin, preset),
        Some((path, mut mine)) => {
            let mut answers = preset.answers;
            answers.append(&mut mine.answers);
            mine.answers = answers;
            mine.kind = mine.kind.or(preset.kind);
            (path, mine)
        }
    })
}

/// The wizard's answers: asked in order (the output folder right after the name), then settled again from
/// what was chosen, so an earlier answer changed to keep a rule counts.
fn wizard_answers(
    w: &mut wizard::Wizard,
    kind: &scaffold::Kind,
    given: &Given,
    args: &NewArgs,
) -> Outcome<scaffold::Answers> {
    let questions = kind.all_questions();
    let open = questions
        .iter()
        .filter(|q| {
            !given.sets.iter().any(|(k, _)| k == &q.key)
                && !given
                    .file
                    .as_ref()
                    .is_some_and(|(_, f)| f.answers.contains_key(&q.key))
        })
        .count();
    w.begin(questions, kind.manifest.checks.clone(), open);
    w.keep_on_interrupt(kind.name(), super::templates_flag(&args.templates));
    w.ask_folder(args.output.clone(), args.force);
    match scaffold::answers::resolve(kind, given, Some(w as &mut dyn Prompter)) {
        Ok(_) | Err(Error::InvalidAnswer { .. }) => {}
        Err(e) => return Err(e.into()),
    }
    let answers = settle_again(w, kind, given)?;
    w.settle_folder(answers.name())?;
    Ok(answers)
}

fn settle_again(
    w: &mut wizard::Wizard,
    kind: &scaffold::Kind,
    given: &Given,
) -> Outcome<scaffold::Answers> {
    let mut again = given.clone();
    again.sets.extend(w.recorded());
    let answers = scaffold::answers::resolve(kind, &again, None)?;
    w.settled();
    Ok(answers)
}

/// The summary (edit any answer, see every file, change the folder, quit, or write), then the write. When it
/// ends without a project, the answers are saved to a file and the command that resumes is printed; quitting is
/// a choice, not a failure, and exits 0.
fn review_and_write(
    w: &mut wizard::Wizard,
    kind: &scaffold::Kind,
    given: &Given,
    args: &NewArgs,
    mut answers: scaffold::Answers,
) -> Outcome {
    let mut output = PathBuf::new();
    let mut quit = false;
    let result = (|| -> Outcome {
        loop {
            output = w
                .folder()
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from(answers.name()));
            let shown = output.display().to_string();
            w.keep(&answers);
            let plan = scaffold::build_plan(kind, &answers, &record(args))?;
            match w.review(&answers, &plan, &shown)? {
                wizard::Review::Write => {
                    interrupt::write_plan(&plan, &output, args.force)?;
                    report::emit(&report::written(&plan, &shown));
                    report::warn(&plan);
                    update::start_history(&plan, &output, args.no_git);
                    return Ok(());
                }
                wizard::Review::Edit(key) => {
                    w.edit(&key, &answers)?;
                    answers = settle_again(w, kind, given)?;
                }
                wizard::Review::Folder => w.change_folder(answers.name())?,
                wizard::Review::Quit => {
                    quit = true;
                    return Ok(());
                }
            }
        }
    })();
    if quit {
        eprintln!("Quit at the summary; nothing was written.");
    }
    // An interrupted prompt ends the run through the rescue `keep` registered, which saves the answers.
    let interrupted = matches!(&result, Err(Failure::Lib(Error::Interrupted)));
    if quit || (result.is_err() && !interrupted) {
        let taken = matches!(
            &result,
            Err(Failure::Lib(
                Error::TargetNotEmpty { .. } | Error::TargetNotDir { .. } | Error::Conflicts { .. }
            ))
        );
        let folder = if taken {
            "OTHER_FOLDER".to_string()
        } else {
            output.display().to_string()
        };
        let templates = super::templates_flag(&args.templates);
        eprintln!(
            "{}",
            wizard::save_and_say(&answers, kind.name(), &templates, Some(&folder))
        );
    }
    result
}

/// The kind picker. Its "not sure?" entry (offered with `offer_advice`) runs the advisor, prints the advice and
/// shows the picker again with the recommendation marked and preselected; the advisor's answers become the
/// defaults of the chosen kind's questions. `None`: "neither fits: stop here".
fn choose_kind(
    w: &mut wizard::Wizard,
    catalog: &Catalog,
    offer_advice: bool,
) -> Outcome<Option<String>> {
    let mut advised: Option<advise::WizardAdvice> = None;
    loop {
        let recommended = advised.as_ref().map(|a| a.kind.clone());
        match w.choose_kind(
            catalog,
            offer_advice && advised.is_none(),
            recommended.as_ref(),
        )? {
            wizard::Pick::Kind(name) => {
                if let Some(a) = &advised {
                    w.carry(wizard::carried(catalog.get(&name)?, &a.answers));
                }
                return Ok(Some(name));
            }
            wizard::Pick::Advise => advised = Some(advise::in_wizard(w, catalog)?),
            wizard::Pick::Stop => {
                let line = advised.map(|a| a.recommendation).unwrap_or_default();
                report::emit(&format!(
                    "{line}\nStopped at the advice; nothing was written.\n"
                ));
                return Ok(None);
            }
        }
    }
}

fn record(args: &NewArgs) -> Record {
    super::record(&args.templates)
}
