//! `scaffold update`: the project's recorded answers (changed by `--answers` and `--set`), rendered with the
//! current templates and merged into the project; and the start of a new project's git history.

use std::path::Path;

use scaffold::lifecycle::update::{self, Method, NoHistory, Report};
use scaffold::lifecycle::{changelog, git};
use scaffold::{AnswersFile, Given, Plan};

use super::args::UpdateArgs;
use super::failure::{Failure, Outcome, UpdateState, parse_set};
use super::report;

/// After `scaffold new` wrote `output`: `git init` and one commit of exactly the generated files, unless
/// `no_git`. A failure of git is reported and leaves the project as written.
pub fn start_history(plan: &Plan, output: &Path, no_git: bool) {
    if no_git {
        return;
    }
    let paths: Vec<String> = plan.files.iter().map(|f| f.path.clone()).collect();
    let message = format!(
        "Generate {} ({} kind) with scaffold {}",
        plan.name,
        plan.kind,
        scaffold::VERSION
    );
    match super::interrupt::deferred(|| git::start_history(output, &paths, &message)) {
        Ok(git::History::Started { commit, files }) => eprintln!(
            "Started a git repository: commit {} holds the {files} generated files.",
            short(&commit)
        ),
        Ok(git::History::InsideWorkTree(top)) => eprintln!(
            "Inside the git work tree {}: no repository started; commit the project there so \
             `scaffold update` can merge.",
            top.display()
        ),
        Ok(git::History::NoGit) => eprintln!(
            "git is not installed: no repository started; `scaffold update` will work from the manifest."
        ),
        Err(e) => report::error_text(&format!(
            "{e}\nThe project is written; start its history by hand with `git init && git add -A && git commit`."
        )),
    }
}

pub fn run(args: UpdateArgs) -> Outcome {
    let dir = args.dir.clone();
    update::check_project(&dir)?;
    let record_path = dir.join(".scaffold/answers.toml");
    let recorded = AnswersFile::read(&record_path)?;
    let Some(kind_name) = recorded.kind.clone() else {
        return Err(scaffold::Error::AnswersFile {
            path: record_path,
            message: "it names no kind (`kind = \"...\"`)".into(),
        }
        .into());
    };
    if let Some(recorded_version) = &recorded.scaffold_version
        && changelog::is_newer(recorded_version, scaffold::VERSION)
    {
        return Err(scaffold::Error::Downgrade {
            path: dir,
            recorded: recorded_version.clone(),
            running: scaffold::VERSION.into(),
        }
        .into());
    }
    // The user's defaults are not read: an update depends only on the project's record.
    let catalog = scaffold::Catalog::load(&super::source(&args.templates))?;
    let kind = catalog.get(&kind_name)?;
    let questions = kind.all_questions();
    let mut answers = recorded.answers.clone();
    let dropped: Vec<String> = answers
        .keys()
        .filter(|k| !questions.iter().any(|q| &q.key == *k))
        .cloned()
        .collect();
    for key in &dropped {
        answers.remove(key);
    }
    if let Some(path) = &args.answers {
        let file = AnswersFile::read(path)?;
        if let Some(k) = &file.kind
            && k != &kind_name
        {
            return Err(scaffold::Error::AnswersForAnotherKind {
                path: path.clone(),
                recorded: k.clone(),
                asked: kind_name,
            }
            .into());
        }
        answers.extend(file.answers);
    }
    let sets = args
        .sets
        .iter()
        .map(|s| parse_set(s))
        .collect::<Outcome<Vec<_>>>()?;
    let given = Given {
        file: Some((
            record_path,
            AnswersFile {
                kind: Some(kind_name.clone()),
                scaffold_version: recorded.scaffold_version.clone(),
                answers,
                // Derived answers are derived again from the others, as `scaffold new` does.
                derived: Default::default(),
            },
        )),
        sets,
    };
    let answers = scaffold::answers::resolve(kind, &given, None)?;
    let plan = scaffold::build_plan(kind, &answers, &super::record(&args.templates))?;
    let from = recorded
        .scaffold_version
        .clone()
        .unwrap_or_else(|| "0.0.0".into());
    let opts = update::Options {
        dry_run: args.dry_run,
        pristine_message: format!(
            "{} ({} kind) as scaffold {} renders it",
            plan.name,
            kind_name,
            scaffold::VERSION
        ),
        merge_message: if args.sets.is_empty() {
            format!(
                "Update {} to scaffold {} ({} kind)",
                plan.name,
                scaffold::VERSION,
                kind_name
            )
        } else {
            format!(
                "Update {} to scaffold {} ({} kind) with {}",
                plan.name,
                scaffold::VERSION,
                kind_name,
                args.sets.join(", ")
            )
        },
    };
    let (result, signal) =
        super::interrupt::updating(|cancel| update::update(&dir, &plan, &opts, cancel));
    let result = match (result, signal) {
        (Ok(result), _) => result,
        (Err(scaffold::Error::Interrupted), Some(signal)) => {
            return Err(Failure::UpdateInterrupted {
                signal,
                state: UpdateState::Before,
            });
        }
        (Err(e), Some(signal)) => {
            report::error_text(&super::failure::lib_message(&e));
            return Err(Failure::UpdateInterrupted {
                signal,
                state: UpdateState::Failed,
            });
        }
        (Err(e), None) => return Err(e.into()),
    };
    if args.json {
        let value = serde_json::json!({
            "kind": kind_name,
            "from_version": from,
            "to_version": scaffold::VERSION,
            "dropped_answers": dropped,
            "update": result,
        });
        report::emit(&(serde_json::to_string_pretty(&value).expect("serialises") + "\n"));
    } else {
        report::emit(&text(&result, &plan, &dir, &from, &dropped));
    }
    if let Some(signal) = signal {
        let state = if args.dry_run || result.nothing_to_do {
            UpdateState::Before
        } else if !result.conflicts.is_empty() {
            UpdateState::Conflicts {
                merge: matches!(result.method, Method::Merge { .. }),
            }
        } else if result.committed {
            UpdateState::Committed
        } else {
            UpdateState::Written
        };
        return Err(Failure::UpdateInterrupted { signal, state });
    }
    if !result.conflicts.is_empty() && !args.dry_run {
        return Err(Failure::UpdateConflicts {
            count: result.conflicts.len(),
            merge: matches!(result.method, Method::Merge { .. }),
        });
    }
    Ok(())
}

fn short(commit: &str) -> &str {
    &commit[..commit.len().min(10)]
}

fn text(r: &Report, plan: &Plan, dir: &Path, from: &str, dropped: &[String]) -> String {
    let to = scaffold::VERSION;
    let shown = dir.display();
    let how = match &r.method {
        Method::Merge { base, .. } => format!(
            "a three-way merge with git (base: commit {}, the project as last generated)",
            short(base)
        ),
        Method::Manifest { reason } => format!(
            "the manifest, because {}: files as generated are replaced, changed ones get conflict markers \
             against an empty base",
            match reason {
                NoHistory::NoGit => "git is not installed",
                NoHistory::NotInWorkTree => "the project is not in a git repository",
                NoHistory::NoCommits => "the repository has no commit yet",
                NoHistory::NoMatchingCommit =>
                    "no commit holds the files as .scaffold/manifest records them",
            }
        ),
    };
    let mut out = String::new();
    for key in dropped {
        out.push_str(&format!(
            "The templates no longer ask `{key}`; its recorded answer is dropped.\n"
        ));
    }
    if r.nothing_to_do {
        out.push_str(&format!(
            "Nothing to do: {} ({} kind, in {shown}) already is what scaffold {to} renders for its \
             answers.\nChecked by {how}.\n",
            plan.name, plan.kind
        ));
        return out;
    }
    let verb = if r.dry_run { "Would update" } else { "Updated" };
    out.push_str(&format!(
        "{verb} {} ({} kind, in {shown}) from scaffold {from} to {to} by {how}.\n",
        plan.name, plan.kind
    ));
    let rows: [(&str, &Vec<String>, &str); 6] = [
        ("added", &r.added, ""),
        ("changed", &r.changed, ""),
        (
            "merged",
            &r.merged,
            "  (your edits and the templates' changes)",
        ),
        ("removed", &r.removed, ""),
        (
            "kept",
            &r.kept,
            "  (dropped by the templates, but you changed it: kept as you have it)",
        ),
        ("conflict", &r.conflicts, ""),
    ];
    for (label, paths, note) in rows {
        for p in paths {
            out.push_str(&format!("  {label:<9} {p}{note}\n"));
        }
    }
    if r.dry_run {
        out.push_str("\nNothing was written (--dry-run).\n");
    } else if !r.conflicts.is_empty() {
        out.push_str(&conflict_help(r, dir));
    } else if r.committed {
        out.push_str("\nMerged and committed. Undo it with `git reset --hard HEAD~1`.\n");
    } else if matches!(r.method, Method::Manifest { .. }) {
        out.push_str("\nReview the changes and commit them.\n");
    }
    let entries = changelog::between(changelog::CHANGELOG, from, to);
    if !entries.is_empty() {
        out.push_str(&format!("\nWhat changed in scaffold since {from}:\n"));
        for (heading, body) in entries {
            out.push_str(&format!("\n## {heading}\n\n{body}\n"));
        }
    }
    out
}

fn conflict_help(r: &Report, dir: &Path) -> String {
    let mut out = String::new();
    match r.method {
        Method::Merge { .. } => {
            if let Ok(o) = git::Git::new(dir).run(&["status", "--short"], None) {
                out.push_str(&format!("\ngit status --short:\n{}", o.stdout));
            }
            out.push_str(
                "\nResolve the conflict markers in the files above, then `git add` them and \
                 `git commit` to finish the merge.\nTo undo the whole update: `git merge --abort`.\n",
            );
        }
        Method::Manifest { .. } => out.push_str(
            "\nThe files above hold your version and the template's between conflict markers \
             (<<<<<<< yours, =======, >>>>>>> template); edit each to what it should be.\n",
        ),
    }
    out
}
