//! The base of an update: the project exactly as last generated. Each generation and each update records its
//! rendering as a commit of exactly the generated files (at the project's place in the repository), whose
//! parent is the rendering before it, under a tag named after the project's folder and manifest
//! (`scaffold/base/KEY`). No branch holds these commits, so a squash or rebase merge, an amended or rewritten
//! history leaves them alone, and a clone that takes tags takes them.
//!
//! The base is the rendering whose manifest is the project's, or the newest manifest the branch's history holds
//! (a manifest rewritten by hand is not a rendering). A project from before the tags existed falls back on its
//! history: the newest commit holding the files as the manifest records them.

use std::collections::BTreeMap;

use scaffold_error::{Error, Result};

use super::super::git::Git;
use super::super::manifest::{self, BASE_TAGS, MANIFEST, base_tag};
use super::{BaseLost, Recorded};

/// How many commits that touched the manifest are searched, newest first.
const SEARCHED: usize = 200;

/// The commit holding the project as last generated (exactly its files), or `None` when the repository holds
/// no trace of it; an error when renderings are recorded but none can be trusted as this branch's base.
pub(super) fn find(repo: &Git, prefix: &str, recorded: &Recorded) -> Result<Option<String>> {
    let listed = repo.ok(
        &[
            "for-each-ref",
            "--format=%(refname)%09%(objectname)",
            BASE_TAGS,
        ],
        None,
    )?;
    let tags: BTreeMap<&str, &str> = listed.lines().filter_map(|l| l.split_once('\t')).collect();
    let manifest_path = format!("{prefix}{MANIFEST}");
    let history = repo.ok(
        &[
            "log",
            "--format=%H",
            &format!("-n{SEARCHED}"),
            "--",
            &manifest_path,
        ],
        None,
    )?;
    let commits: Vec<&str> = history.lines().collect();
    let mut manifests = vec![recorded.text.as_bytes().to_vec()];
    let specs: Vec<String> = commits
        .iter()
        .map(|c| format!("{c}:{manifest_path}"))
        .collect();
    manifests.extend(batch(repo, &specs)?.into_iter().flatten());
    for m in &manifests {
        if let Some(commit) = tags.get(base_tag(prefix, m).as_str())
            && blob(repo, commit, &manifest_path)?.is_some_and(|held| held == *m)
        {
            return Ok(Some(commit.to_string()));
        }
    }
    let mut ours = false;
    for commit in tags.values() {
        ours = ours || blob(repo, commit, &manifest_path)?.is_some();
    }
    let shallow = repo.ok(&["rev-parse", "--is-shallow-repository"], None)?;
    if ours || shallow.trim() == "true" {
        return Err(Error::BaseLost {
            path: repo.dir.clone(),
            why: if ours {
                BaseLost::NoneMatches
            } else {
                BaseLost::Shallow
            },
        });
    }
    for commit in commits {
        if blob(repo, commit, &manifest_path)?.is_some_and(|m| m == recorded.text.as_bytes())
            && matches(repo, commit, prefix, recorded)?
        {
            return exactly_generated(repo, commit, prefix, recorded).map(Some);
        }
    }
    Ok(None)
}

/// The file `path` of `commit`, if it has one.
fn blob(repo: &Git, commit: &str, path: &str) -> Result<Option<Vec<u8>>> {
    let out = repo.run(&["cat-file", "blob", &format!("{commit}:{path}")], None)?;
    Ok(out.ok.then_some(out.raw))
}

/// The contents of each `commit:path` given, `None` for those that do not exist (one `git cat-file`).
fn batch(repo: &Git, specs: &[String]) -> Result<Vec<Option<Vec<u8>>>> {
    if specs.is_empty() {
        return Ok(Vec::new());
    }
    let input: String = specs.iter().map(|s| format!("{s}\n")).collect();
    let out = repo.run(&["cat-file", "--batch"], Some(input.as_bytes()))?;
    let mut rest: &[u8] = &out.raw;
    let mut found = Vec::new();
    while found.len() < specs.len() {
        let Some(nl) = rest.iter().position(|&b| b == b'\n') else {
            break;
        };
        let header = String::from_utf8_lossy(&rest[..nl]).into_owned();
        rest = &rest[nl + 1..];
        if header.ends_with(" missing") || header.ends_with(" ambiguous") {
            found.push(None);
            continue;
        }
        let mut parts = header.splitn(3, ' ');
        let (Some(_), Some(kind), Some(Ok(size))) = (
            parts.next(),
            parts.next(),
            parts.next().map(str::parse::<usize>),
        ) else {
            break;
        };
        if rest.len() < size + 1 {
            break;
        }
        found.push((kind == "blob").then(|| rest[..size].to_vec()));
        rest = &rest[size + 1..];
    }
    found.resize(specs.len(), None);
    Ok(found)
}

/// Every file of the manifest is in `commit` with the recorded sha256.
fn matches(repo: &Git, commit: &str, prefix: &str, recorded: &Recorded) -> Result<bool> {
    let specs: Vec<String> = recorded
        .files
        .keys()
        .map(|p| format!("{commit}:{prefix}{p}"))
        .collect();
    let found = batch(repo, &specs)?;
    Ok(found.len() == specs.len()
        && recorded
            .files
            .values()
            .zip(found)
            .all(|(hash, bytes)| bytes.is_some_and(|b| manifest::sha256(&b) == *hash)))
}

/// A commit of exactly the project's generated files as `commit` holds them, with no parent: the base in the
/// form every recorded rendering has.
fn exactly_generated(
    repo: &Git,
    commit: &str,
    prefix: &str,
    recorded: &Recorded,
) -> Result<String> {
    let mut info = Vec::new();
    for path in recorded.files.keys().map(String::as_str).chain([MANIFEST]) {
        let line = repo.ok(
            &["ls-tree", "-z", commit, "--", &format!("{prefix}{path}")],
            None,
        )?;
        info.extend_from_slice(line.as_bytes());
    }
    let tmp = tempfile::tempdir().map_err(|e| Error::io("creating a temporary folder", e))?;
    let index = repo.with_index(&tmp.path().join("index"));
    index.ok(&["update-index", "-z", "--index-info"], Some(&info))?;
    let tree = index.ok(&["write-tree"], None)?;
    let message = format!("The project as generated, taken from commit {commit}");
    Ok(repo
        .clone()
        .with_identity()
        .ok(
            &["commit-tree", "--no-gpg-sign", tree.trim(), "-m", &message],
            None,
        )?
        .trim()
        .to_string())
}
