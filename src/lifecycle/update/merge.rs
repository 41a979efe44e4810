//! The three-way merge with git: find the base, commit the new rendering on top of it with plumbing (a
//! temporary index, so the user's is untouched), and merge that commit into the current branch.

use std::collections::BTreeSet;

use crate::error::{Error, Result};
use crate::plan::Plan;

use super::super::git::Git;
use super::super::manifest::{self, MANIFEST};
use super::{Method, Options, Recorded, Report};

/// How many commits that touched the manifest are searched for the base, newest first.
const SEARCHED: usize = 200;

/// The newest commit whose project files match the recorded manifest's hashes.
pub(super) fn find_base(repo: &Git, prefix: &str, recorded: &Recorded) -> Result<Option<String>> {
    let path = format!("{prefix}{MANIFEST}");
    let log = repo.ok(&["log", "--format=%H", "--", &path], None)?;
    for commit in log.lines().take(SEARCHED) {
        let shown = repo.run(&["show", &format!("{commit}:{path}")], None)?;
        if shown.ok
            && shown.raw == recorded.text.as_bytes()
            && matches(repo, commit, prefix, recorded)?
        {
            return Ok(Some(commit.to_string()));
        }
    }
    Ok(None)
}

/// Every file of the manifest is in `commit` with the recorded sha256.
fn matches(repo: &Git, commit: &str, prefix: &str, recorded: &Recorded) -> Result<bool> {
    let paths: Vec<&String> = recorded.files.keys().collect();
    let input: String = paths
        .iter()
        .map(|p| format!("{commit}:{prefix}{p}\n"))
        .collect();
    let out = repo.run(&["cat-file", "--batch"], Some(input.as_bytes()))?;
    if !out.ok {
        return Ok(false);
    }
    let mut rest: &[u8] = &out.raw;
    for p in paths {
        let Some(nl) = rest.iter().position(|&b| b == b'\n') else {
            return Ok(false);
        };
        let header = String::from_utf8_lossy(&rest[..nl]).into_owned();
        rest = &rest[nl + 1..];
        let mut parts = header.split(' ');
        let (Some(_), Some("blob"), Some(size)) = (parts.next(), parts.next(), parts.next()) else {
            return Ok(false);
        };
        let Ok(size) = size.parse::<usize>() else {
            return Ok(false);
        };
        if rest.len() < size + 1 {
            return Ok(false);
        }
        if manifest::sha256(&rest[..size]) != recorded.files[p] {
            return Ok(false);
        }
        rest = &rest[size + 1..];
    }
    Ok(true)
}

/// Commits the plan on top of `base` (a tree equal to the base's with the project's files replaced) and
/// returns the commit, or `None` when the tree equals the base's.
fn pristine(
    repo: &Git,
    prefix: &str,
    base: &str,
    plan: &Plan,
    recorded: &Recorded,
    message: &str,
) -> Result<Option<String>> {
    let tmp = tempfile::tempdir().map_err(|e| Error::io("creating a temporary folder", e))?;
    let index = repo.with_index(&tmp.path().join("index"));
    index.ok(&["read-tree", base], None)?;
    let mut gone: Vec<u8> = Vec::new();
    for p in recorded.files.keys().map(String::as_str).chain([MANIFEST]) {
        gone.extend(format!("{prefix}{p}\0").bytes());
    }
    index.ok(
        &["update-index", "--force-remove", "-z", "--stdin"],
        Some(&gone),
    )?;
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
    index.ok(&["update-index", "-z", "--index-info"], Some(&info))?;
    let tree = index.ok(&["write-tree"], None)?.trim().to_string();
    let base_tree = repo.ok(&["rev-parse", &format!("{base}^{{tree}}")], None)?;
    if tree == base_tree.trim() {
        return Ok(None);
    }
    let commit = repo
        .clone()
        .with_identity()
        .ok(&["commit-tree", &tree, "-p", base, "-m", message], None)?;
    Ok(Some(commit.trim().to_string()))
}

pub(super) fn run(
    repo: &Git,
    prefix: &str,
    base: &str,
    plan: &Plan,
    recorded: &Recorded,
    opts: &Options,
) -> Result<Report> {
    let scratch = tempfile::tempdir().map_err(|e| Error::io("creating a temporary folder", e))?;
    let dry;
    let repo = if opts.dry_run {
        dry = repo.with_scratch_objects(scratch.path())?;
        &dry
    } else {
        repo
    };
    let Some(new) = pristine(repo, prefix, base, plan, recorded, &opts.pristine_message)? else {
        let mut report = Report::new(
            Method::Merge {
                base: base.to_string(),
                pristine: String::new(),
            },
            opts.dry_run,
        );
        report.nothing_to_do = true;
        return Ok(report);
    };
    let mut report = classify(repo, prefix, base, &new, opts.dry_run)?;
    if opts.dry_run {
        return Ok(report);
    }
    let git = repo.clone().with_identity();
    let out = git.run(
        &[
            "merge",
            "--no-ff",
            "--no-edit",
            "-m",
            &opts.merge_message,
            &new,
        ],
        None,
    )?;
    let unmerged = unmerged(&git)?;
    if !out.ok && unmerged.is_empty() {
        return Err(Error::Git {
            action: "git merge".into(),
            message: format!("{}{}", out.stdout, out.stderr).trim().to_string(),
        });
    }
    for path in &unmerged {
        let project_path = path.strip_prefix(prefix).unwrap_or(path);
        if project_path.starts_with(".scaffold/") {
            // The record is scaffold's: the new rendering's version wins.
            git.ok(&["checkout", "--theirs", "--", path], None)?;
            git.ok(&["add", "--", path], None)?;
        } else if report.kept.iter().any(|k| k == project_path) {
            // Dropped by the templates, changed by the user: the user's file stays.
            git.ok(&["add", "--", path], None)?;
        }
    }
    let left = unmerged_in(&git, prefix)?;
    if out.ok {
        report.committed = true;
    } else if left.is_empty() {
        git.ok(&["commit", "-q", "--no-edit", "--no-verify"], None)?;
        report.committed = true;
    }
    report.conflicts = left;
    Ok(report)
}

fn unmerged(git: &Git) -> Result<Vec<String>> {
    let out = git.ok(&["diff", "--name-only", "--diff-filter=U", "-z"], None)?;
    let set: BTreeSet<String> = out
        .split('\0')
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    Ok(set.into_iter().collect())
}

fn unmerged_in(git: &Git, prefix: &str) -> Result<Vec<String>> {
    Ok(unmerged(git)?
        .into_iter()
        .map(|p| p.strip_prefix(prefix).unwrap_or(&p).to_string())
        .collect())
}

/// What merging `new` into HEAD does, from `git merge-tree` (nothing is written but objects).
fn classify(repo: &Git, prefix: &str, base: &str, new: &str, dry_run: bool) -> Result<Report> {
    let mut report = Report::new(
        Method::Merge {
            base: base.to_string(),
            pristine: new.to_string(),
        },
        dry_run,
    );
    let out = repo.run(
        &["merge-tree", "--write-tree", "--name-only", "HEAD", new],
        None,
    )?;
    if !matches!(out.code, Some(0 | 1)) {
        return Err(Error::Git {
            action: "git merge-tree".into(),
            message: format!("{} (an update needs git 2.38 or newer)", out.stderr.trim()),
        });
    }
    let mut lines = out.stdout.lines();
    let tree = lines.next().unwrap_or("").to_string();
    let mut conflicted = BTreeSet::new();
    for line in lines.by_ref() {
        if line.is_empty() {
            break;
        }
        conflicted.insert(line.to_string());
    }
    let strip = |p: &str| p.strip_prefix(prefix).unwrap_or(p).to_string();
    for line in lines {
        if let Some(rest) = line.strip_prefix("CONFLICT (modify/delete): ")
            && let Some((path, _)) = rest.split_once(&format!(" deleted in {new} and modified in"))
        {
            conflicted.remove(path);
            report.kept.push(strip(path));
        }
    }
    let mine = repo.ok(
        &["diff-tree", "-r", "--name-only", "-z", base, "HEAD"],
        None,
    )?;
    let mine: BTreeSet<&str> = mine.split('\0').collect();
    let diff = repo.ok(
        &[
            "diff-tree",
            "-r",
            "--name-status",
            "-M",
            "-z",
            "HEAD",
            &tree,
        ],
        None,
    )?;
    let mut fields = diff.split('\0').filter(|s| !s.is_empty());
    while let Some(status) = fields.next() {
        let first = fields.next().unwrap_or("");
        let path = if status.starts_with('R') || status.starts_with('C') {
            let to = fields.next().unwrap_or("");
            format!("{} -> {}", strip(first), strip(to))
        } else {
            strip(first)
        };
        if conflicted.contains(first) {
            continue;
        }
        match status.chars().next() {
            Some('A') => report.added.push(path),
            Some('D') => report.removed.push(path),
            _ if mine.contains(first) => report.merged.push(path),
            _ => report.changed.push(path),
        }
    }
    report.conflicts = conflicted.iter().map(|p| strip(p)).collect();
    Ok(report)
}
