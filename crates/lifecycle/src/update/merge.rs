//! The three-way merge with git. The new rendering is committed as exactly the generated files on top of the
//! base (with plumbing and a temporary index, so the user's is untouched) and recorded under its tag; then
//! `git merge-tree` merges it into the current branch with that base given explicitly, whatever the branch's
//! history is. A clean result becomes a merge commit the branch moves to; a result with conflicts is left as
//! `git merge` leaves one (the files with markers, the index with their stages, `MERGE_HEAD`), so
//! `git commit` finishes it and `git merge --abort` undoes it.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, Ordering};

use scaffold_error::{Error, Result};
use scaffold_plan::Plan;

use super::super::git::Git;
use super::super::manifest::{MANIFEST, base_tag};
use super::{Method, Options, Report};

/// A path's entry in one stage of a conflict: mode and object.
type Entry = Option<(String, String)>;

/// Commits the plan as exactly the generated files, with `base` as parent, and returns the commit, or `None`
/// when its tree equals the base's.
fn pristine(
    repo: &Git,
    prefix: &str,
    base: &str,
    plan: &Plan,
    message: &str,
) -> Result<Option<String>> {
    let tmp = tempfile::tempdir().map_err(|e| Error::io("creating a temporary folder", e))?;
    let index = repo.with_index(&tmp.path().join("index"));
    let mut list = String::new();
    for (i, f) in plan.files.iter().enumerate() {
        let path = tmp.path().join(format!("blob-{i}"));
        std::fs::write(&path, &f.contents)
            .map_err(|e| Error::io(format!("writing {}", path.display()), e))?;
        list.push_str(&format!("{}\n", path.display()));
    }
    let shas = repo.ok(
        &["hash-object", "-w", "--no-filters", "--stdin-paths"],
        Some(list.as_bytes()),
    )?;
    let mut info: Vec<u8> = Vec::new();
    for (f, sha) in plan.files.iter().zip(shas.lines()) {
        let mode = if f.executable { "100755" } else { "100644" };
        info.extend(format!("{mode} {sha}\t{prefix}{}\0", f.path).bytes());
    }
    index.ok(
        &["update-index", "--add", "-z", "--index-info"],
        Some(&info),
    )?;
    let tree = index.ok(&["write-tree"], None)?.trim().to_string();
    let base_tree = repo.ok(&["rev-parse", &format!("{base}^{{tree}}")], None)?;
    if tree == base_tree.trim() {
        return Ok(None);
    }
    let commit = repo.clone().with_identity().ok(
        &[
            "commit-tree",
            "--no-gpg-sign",
            &tree,
            "-p",
            base,
            "-m",
            message,
        ],
        None,
    )?;
    Ok(Some(commit.trim().to_string()))
}

pub(super) fn run(
    repo: &Git,
    prefix: &str,
    base: &str,
    plan: &Plan,
    opts: &Options,
    cancel: &AtomicBool,
) -> Result<Report> {
    let scratch = tempfile::tempdir().map_err(|e| Error::io("creating a temporary folder", e))?;
    let dry;
    let repo = if opts.dry_run {
        dry = repo.with_scratch_objects(scratch.path())?;
        &dry
    } else {
        repo
    };
    let method = |pristine: &str| Method::Merge {
        base: base.to_string(),
        pristine: pristine.to_string(),
    };
    let Some(new) = pristine(repo, prefix, base, plan, &opts.pristine_message)? else {
        let mut report = Report::new(method(""), opts.dry_run);
        report.nothing_to_do = true;
        return Ok(report);
    };
    let head = repo
        .ok(&["rev-parse", "--verify", "HEAD"], None)?
        .trim()
        .to_string();
    // "HEAD", not its id, names our side in conflict markers, as `git merge` does.
    let merged = merge_tree(repo, base, "HEAD", &new)?;
    let mut report = Report::new(method(&new), opts.dry_run);
    // The record is scaffold's: the new rendering's version wins. A file the templates dropped and the user
    // changed stays as the user has it. Everything else in conflict is left to the user.
    let mut resolved: Vec<(String, Entry)> = Vec::new();
    let mut conflicts: BTreeMap<String, [Entry; 3]> = BTreeMap::new();
    for (path, stages) in merged.conflicts {
        let project_path = path.strip_prefix(prefix).unwrap_or(&path).to_string();
        if project_path.starts_with(".scaffold/") {
            resolved.push((path, stages[2].clone()));
        } else if stages[2].is_none() && stages[1].is_some() {
            report.kept.push(project_path);
            resolved.push((path, stages[1].clone()));
        } else {
            conflicts.insert(path, stages);
        }
    }
    let tree = if resolved.is_empty() {
        merged.tree
    } else {
        replace_in_tree(repo, &merged.tree, &resolved)?
    };
    classify(repo, prefix, &head, &tree, &conflicts, &mut report)?;
    if opts.dry_run {
        return Ok(report);
    }
    // The last moment to stop with nothing changed; from here on the update finishes.
    if cancel.load(Ordering::SeqCst) {
        return Err(Error::Interrupted);
    }
    // The tag goes first: a tag alone changes nothing the user sees (it names a rendering no branch holds until
    // the merge lands), while a merge that landed without its tag would have no base for the next update.
    record(repo, prefix, &new)?;
    let changed = if conflicts.is_empty() {
        commit_merge(repo, &head, &tree, &new, &opts.merge_message)
    } else {
        leave_conflicts(repo, &head, &tree, &new, &conflicts, &opts.merge_message)
    };
    if let Err(e) = changed {
        return Err(undo(repo, &head, e));
    }
    report.committed = conflicts.is_empty();
    Ok(report)
}

/// Makes the clean merge a commit, checks it out and moves the branch to it; the branch moves last, so a
/// failure before leaves HEAD where it was.
fn commit_merge(repo: &Git, head: &str, tree: &str, new: &str, message: &str) -> Result<()> {
    let commit = repo.clone().with_identity().ok(
        &[
            "commit-tree",
            "--no-gpg-sign",
            tree,
            "-p",
            head,
            "-p",
            new,
            "-m",
            message,
        ],
        None,
    )?;
    let commit = commit.trim();
    repo.ok(&["read-tree", "-m", "-u", head, commit], None)?;
    repo.ok(&["update-ref", "-m", message, "HEAD", commit, head], None)?;
    Ok(())
}

/// After `failed` stopped the merge part way, takes the index and work tree back to `head` (the work tree was
/// clean when the update began, so nothing of the user's is lost) and removes the merge state files, so the
/// error stands for an update that changed nothing. When that fails too, the error says what is left and how
/// to take it back.
fn undo(repo: &Git, head: &str, failed: Error) -> Error {
    let restore = || -> Result<()> {
        repo.ok(&["read-tree", "--reset", "-u", head], None)?;
        for name in MERGE_STATE {
            let path = repo.ok(&["rev-parse", "--git-path", name], None)?;
            let path = repo.dir.join(path.trim());
            if path.is_file() {
                std::fs::remove_file(&path)
                    .map_err(|e| Error::io(format!("removing {}", path.display()), e))?;
            }
        }
        Ok(())
    };
    match restore() {
        Ok(()) => failed,
        Err(again) => Error::Git {
            action: "taking back a failed update".into(),
            message: format!(
                "{failed}; then {again}. The index and work tree may hold part of the update: \
                 a hard reset to HEAD with git takes them back to the last commit"
            ),
        },
    }
}

/// The files `git merge` keeps while a merge is in progress.
const MERGE_STATE: [&str; 3] = ["MERGE_MSG", "MERGE_MODE", "MERGE_HEAD"];

/// Records the new rendering under its tag (named by its manifest, so it is never moved).
fn record(repo: &Git, prefix: &str, new: &str) -> Result<()> {
    let manifest = repo.run(
        &["cat-file", "blob", &format!("{new}:{prefix}{MANIFEST}")],
        None,
    )?;
    let tag = base_tag(prefix, &manifest.raw);
    let exists = repo.run(&["rev-parse", "-q", "--verify", &tag], None)?.ok;
    if !exists {
        repo.ok(&["update-ref", &tag, new, ""], None)?;
    }
    Ok(())
}

/// The work tree and index as `git merge` leaves a merge with conflicts: the merged files (markers in the
/// conflicted ones), their stages in the index, and `MERGE_HEAD`, `MERGE_MSG`, `MERGE_MODE`.
fn leave_conflicts(
    repo: &Git,
    head: &str,
    tree: &str,
    new: &str,
    conflicts: &BTreeMap<String, [Entry; 3]>,
    message: &str,
) -> Result<()> {
    repo.ok(&["read-tree", "-m", "-u", head, tree], None)?;
    let mut info: Vec<u8> = Vec::new();
    for (path, stages) in conflicts {
        info.extend(format!("0 {}\t{path}\0", "0".repeat(40)).bytes());
        for (stage, entry) in stages.iter().enumerate() {
            if let Some((mode, oid)) = entry {
                info.extend(format!("{mode} {oid} {}\t{path}\0", stage + 1).bytes());
            }
        }
    }
    repo.ok(&["update-index", "-z", "--index-info"], Some(&info))?;
    let mut msg = format!("{message}\n\n# Conflicts:\n");
    for path in conflicts.keys() {
        msg.push_str(&format!("#\t{path}\n"));
    }
    for (name, text) in [
        ("MERGE_MSG", msg),
        ("MERGE_MODE", "no-ff".to_string()),
        ("MERGE_HEAD", format!("{new}\n")),
    ] {
        let path = repo.ok(&["rev-parse", "--git-path", name], None)?;
        let path = repo.dir.join(path.trim());
        std::fs::write(&path, text)
            .map_err(|e| Error::io(format!("writing {}", path.display()), e))?;
    }
    Ok(())
}

/// What `git merge-tree` made of merging `theirs` into `ours` from `base`.
struct Merged {
    tree: String,
    /// Each conflicted path with its base, ours and theirs entries.
    conflicts: BTreeMap<String, [Entry; 3]>,
}

fn merge_tree(repo: &Git, base: &str, ours: &str, theirs: &str) -> Result<Merged> {
    let out = repo.run(
        &[
            "merge-tree",
            "--write-tree",
            "-z",
            "--merge-base",
            base,
            ours,
            theirs,
        ],
        None,
    )?;
    if !matches!(out.code, Some(0 | 1)) {
        return Err(Error::Git {
            action: "git merge-tree".into(),
            message: format!("{} (an update needs git 2.40 or newer)", out.stderr.trim()),
        });
    }
    let mut fields = out.stdout.split('\0');
    let tree = fields.next().unwrap_or("").trim().to_string();
    let mut conflicts: BTreeMap<String, [Entry; 3]> = BTreeMap::new();
    if out.code == Some(1) {
        for field in fields {
            let Some((meta, path)) = field.split_once('\t') else {
                break;
            };
            let mut parts = meta.split(' ');
            let (Some(mode), Some(oid), Some(Ok(stage))) = (
                parts.next(),
                parts.next(),
                parts.next().map(str::parse::<usize>),
            ) else {
                break;
            };
            if (1..=3).contains(&stage) {
                conflicts.entry(path.to_string()).or_default()[stage - 1] =
                    Some((mode.to_string(), oid.to_string()));
            }
        }
    }
    Ok(Merged { tree, conflicts })
}

/// `tree` with the given paths set to the given entries (removed for `None`).
fn replace_in_tree(repo: &Git, tree: &str, entries: &[(String, Entry)]) -> Result<String> {
    let tmp = tempfile::tempdir().map_err(|e| Error::io("creating a temporary folder", e))?;
    let index = repo.with_index(&tmp.path().join("index"));
    index.ok(&["read-tree", tree], None)?;
    let mut info: Vec<u8> = Vec::new();
    for (path, entry) in entries {
        match entry {
            Some((mode, oid)) => info.extend(format!("{mode} {oid}\t{path}\0").bytes()),
            None => info.extend(format!("0 {}\t{path}\0", "0".repeat(40)).bytes()),
        }
    }
    index.ok(&["update-index", "-z", "--index-info"], Some(&info))?;
    Ok(index.ok(&["write-tree"], None)?.trim().to_string())
}

/// Sorts what the merge changes (from HEAD to `tree`) into the report's lists.
fn classify(
    repo: &Git,
    prefix: &str,
    head: &str,
    tree: &str,
    conflicts: &BTreeMap<String, [Entry; 3]>,
    report: &mut Report,
) -> Result<()> {
    let strip = |p: &str| p.strip_prefix(prefix).unwrap_or(p).to_string();
    let mine = match &report.method {
        Method::Merge { base, .. } => {
            repo.ok(&["diff-tree", "-r", "--name-only", "-z", base, head], None)?
        }
        Method::Manifest { .. } => String::new(),
    };
    let mine: BTreeSet<&str> = mine.split('\0').collect();
    let diff = repo.ok(
        &["diff-tree", "-r", "--name-status", "-M", "-z", head, tree],
        None,
    )?;
    let mut fields = diff.split('\0').filter(|s| !s.is_empty());
    while let Some(status) = fields.next() {
        let first = fields.next().unwrap_or("");
        let (path, last) = if status.starts_with('R') || status.starts_with('C') {
            let to = fields.next().unwrap_or("");
            (format!("{} -> {}", strip(first), strip(to)), to)
        } else {
            (strip(first), first)
        };
        if conflicts.contains_key(first) || conflicts.contains_key(last) {
            continue;
        }
        if report.kept.contains(&path) {
            continue;
        }
        match status.chars().next() {
            Some('A') => report.added.push(path),
            Some('D') => report.removed.push(path),
            _ if mine.contains(first) => report.merged.push(path),
            _ => report.changed.push(path),
        }
    }
    report.conflicts = conflicts.keys().map(|p| strip(p)).collect();
    Ok(())
}
