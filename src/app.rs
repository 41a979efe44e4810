//! Runs one command: turns the clap types into library calls and prints the results.

use clap::{CommandFactory, Parser};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

use crate::cli::{Cli, Command, ListArgs, NewArgs};
use crate::{cost_cli, report, wizard};
use scaffold::error::exit;
use scaffold::write::{self, WriteOptions};
use scaffold::{AnswersFile, Catalog, Error, Given, Prompter, Result, Source};

/// What an interrupt does depends on the phase: before writing it ends the process at once (nothing is on
/// disk); while writing it asks the writer to undo its work. The phase changes with compare-and-swap so that an
/// interrupt can never end the process just as writing starts.
static PHASE: AtomicU8 = AtomicU8::new(IDLE);
const IDLE: u8 = 0;
const WRITING: u8 = 1;
const EXITING: u8 = 2;
/// Set by Ctrl-C while writing; the writer polls it and undoes its work.
static CANCEL: AtomicBool = AtomicBool::new(false);

pub fn run() -> i32 {
    report::init_colour();
    install_interrupt_handler();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::New(args) => new(args),
        Command::List(args) => list(args),
        Command::Cost(args) => return print_or_fail(cost_cli::run_cost(&args)),
        Command::Advise(args) => return print_or_fail(advise(&args)),
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "scaffold", &mut script);
            report::emit(&String::from_utf8_lossy(&script));
            Ok(())
        }
    };
    match result {
        Ok(()) => exit::OK,
        Err(e) => {
            report::error(&e);
            e.exit_code()
        }
    }
}

/// The cost commands report with anyhow errors; invalid input exits 2, anything else 1.
fn print_or_fail(result: anyhow::Result<String>) -> i32 {
    match result {
        Ok(text) => {
            report::emit(&text);
            exit::OK
        }
        Err(e) => {
            report::error_text(&format!("{e:#}"));
            match e.downcast_ref::<Error>() {
                Some(Error::Interrupted) => exit::INTERRUPTED,
                Some(other) => other.exit_code(),
                None => cost_cli::exit_code(&e),
            }
        }
    }
}

/// `scaffold advise`: flags answer what they name; on a terminal the wizard asks the rest.
fn advise(args: &cost_cli::AdviseArgs) -> anyhow::Result<String> {
    let mut partial = cost_cli::advise_answers(args)?;
    if interactive(args.no_input) {
        wizard::Wizard::new().ask_advise(&mut partial)?;
    }
    cost_cli::run_advise_input(args, &partial.with_defaults())
}

fn install_interrupt_handler() {
    // Before writing starts nothing is on disk, so an interrupt can end the process at once; while writing, the
    // writer is told to stop and clean up.
    let _ = ctrlc::set_handler(|| {
        match PHASE.compare_exchange(IDLE, EXITING, Ordering::SeqCst, Ordering::SeqCst) {
            Ok(_) => {
                let _ = console::Term::stderr().show_cursor();
                eprintln!("\ninterrupted; nothing was written");
                std::process::exit(exit::INTERRUPTED);
            }
            Err(_) => CANCEL.store(true, Ordering::SeqCst),
        }
    });
}

fn source(templates: &Option<PathBuf>) -> Source {
    match templates {
        Some(dir) => Source::Dir(dir.clone()),
        None => Source::Embedded,
    }
}

fn list(args: ListArgs) -> Result<()> {
    let catalog = Catalog::load(&source(&args.templates))?;
    let text = if args.json {
        report::list_json(&catalog)
    } else {
        report::list_text(&catalog)
    };
    report::emit(&text);
    Ok(())
}

fn interactive(no_input: bool) -> bool {
    !no_input && std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

fn new(args: NewArgs) -> Result<()> {
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
    write_plan(&plan, &output, args.force)?;
    report::emit(&report::written(&plan, &shown));
    Ok(())
}

fn write_plan(plan: &scaffold::Plan, output: &Path, force: bool) -> Result<()> {
    if PHASE
        .compare_exchange(IDLE, WRITING, Ordering::SeqCst, Ordering::SeqCst)
        .is_err()
    {
        // The interrupt handler is already ending the process; start nothing.
        loop {
            std::thread::park();
        }
    }
    let result = write::write(plan, output, WriteOptions { force }, &CANCEL);
    PHASE.store(IDLE, Ordering::SeqCst);
    result.map(|_| ())
}
