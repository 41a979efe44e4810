//! `scaffold new`: answers from flags, an answers file and the wizard, then the plan, then the write.

use std::path::PathBuf;

use scaffold::plan::Record;
use scaffold::{AnswersFile, Catalog, Error, Given, Prompter};

use super::failure::{Failure, Outcome, parse_set};

use super::args::NewArgs;
use super::{advise, interactive, interrupt, report, source, wizard};

pub fn run(args: NewArgs) -> Outcome {
    let catalog = Catalog::load(&source(&args.templates))?;
    let asking = interactive(args.no_input);
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
        (None, None, Some(w)) => choose_kind(w, &catalog, args.templates.is_none())?,
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
    if let Some(w) = wiz.as_mut() {
        w.set_checks(kind.manifest.checks.clone());
    }

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
    let answers =
        scaffold::answers::resolve(kind, &given, wiz.as_mut().map(|w| w as &mut dyn Prompter))
            .map_err(|e| match e {
                Error::MissingAnswer { key } if key == "name" => Failure::NoName {
                    kind: kind.name().to_string(),
                },
                other => Failure::Lib(other),
            })?;
    for note in answers.notes() {
        use std::io::Write;
        let _ = writeln!(std::io::stderr(), "warning: {note}");
    }

    let output = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from(answers.name()));
    let shown = output.display().to_string();
    let plan = scaffold::build_plan(kind, &answers, &record(&args))?;

    if args.dry_run {
        let text = if args.json {
            report::plan_json(&plan, &shown, &answers)
        } else {
            report::plan_text(&plan, &shown)
        };
        report::emit(&text);
        return Ok(());
    }
    if let Some(w) = &wiz
        && !w.confirm(&answers, &plan, &shown)?
    {
        return Err(Error::Declined.into());
    }
    interrupt::write_plan(&plan, &output, args.force)?;
    report::emit(&report::written(&plan, &shown));
    Ok(())
}

/// The kind picker. Its "not sure?" entry (offered with `offer_advice`) runs the advisor, prints the advice and
/// shows the picker again with the recommended kind preselected.
fn choose_kind(w: &mut wizard::Wizard, catalog: &Catalog, offer_advice: bool) -> Outcome<String> {
    let (mut offer, mut start) = (offer_advice, 0);
    loop {
        if let Some(name) = w.choose_kind(catalog, offer, start)? {
            return Ok(name);
        }
        let recommended = advise::in_wizard(w, catalog)?;
        start = catalog
            .kinds
            .iter()
            .position(|k| Some(k.name()) == recommended.as_deref())
            .unwrap_or(0);
        offer = false;
    }
}

/// The record's opening comment: how to generate this project again, with the template folder when the kind
/// came from disk.
fn record(args: &NewArgs) -> Record {
    let templates = args
        .templates
        .as_ref()
        .map(|t| format!(" --templates {}", t.display()))
        .unwrap_or_default();
    Record {
        comment: vec![
            "Answers this project was generated from. Generate it again with:".into(),
            format!("  scaffold new --answers .scaffold/answers.toml{templates} -o OTHER_FOLDER"),
        ],
        ..Record::default()
    }
}
