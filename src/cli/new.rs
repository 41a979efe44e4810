//! `scaffold new`: answers from flags, an answers file and the wizard, then the plan, then the write.

use std::path::PathBuf;

use scaffold::{AnswersFile, Catalog, Error, Given, Prompter, Result};

use super::args::NewArgs;
use super::{interactive, interrupt, report, source, wizard};

pub fn run(args: NewArgs) -> Result<()> {
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
        wiz.as_ref(),
    ) {
        (Some(k), _, _) => k.clone(),
        (None, Some(k), _) => k,
        (None, None, Some(w)) => w.choose_kind(&catalog, args.templates.is_none())?,
        (None, None, None) => {
            return Err(Error::Usage(format!(
                "no --kind given and no terminal to ask on; pass the kind and a name, e.g.\n  \
                 scaffold new --kind {} my-project --no-input\nKinds: {}",
                catalog.names().first().copied().unwrap_or("KIND"),
                catalog.names().join(", ")
            )));
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
        let (k, v) = scaffold::answers::parse_set(s)?;
        if k == "name"
            && let Some(n) = &args.name
            && n != &v
        {
            return Err(Error::Usage(format!(
                "the name is given twice: `{n}` as NAME and `{v}` with --set name=; keep one"
            )));
        }
        sets.push((k, v));
    }
    let given = Given { file, sets };
    let answers = scaffold::answers::resolve(kind, &given, wiz.as_mut().map(|w| w as &mut dyn Prompter))
        .map_err(|e| match e {
            Error::MissingAnswer { key } if key == "name" => Error::Usage(format!(
                "a project name is needed; pass it after the kind, e.g.\n  scaffold new --kind {} my-project",
                kind.name()
            )),
            other => other,
        })?;

    let output = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from(answers.name()));
    let shown = output.display().to_string();
    let plan = scaffold::build_plan(kind, &answers)?;

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
        return Err(Error::Declined);
    }
    interrupt::write_plan(&plan, &output, args.force)?;
    report::emit(&report::written(&plan, &shown));
    Ok(())
}
