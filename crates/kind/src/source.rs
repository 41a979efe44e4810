//! Where kinds come from: the folder embedded at build time, or one on disk.

use include_dir::{Dir, include_dir};
use std::borrow::Cow;
use std::path::{Path, PathBuf};

use super::{Kind, Manifest, TemplateFile};
use scaffold_error::{Error, Result};

static EMBEDDED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// A source of kinds.
#[derive(Debug, Clone)]
pub enum Source {
    Embedded,
    /// A folder of kinds, or a single kind's folder (one holding `template.toml`).
    Dir(PathBuf),
}

/// Every kind a source holds, sorted by name.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub kinds: Vec<Kind>,
}

/// A file as read from either source: path relative to the kind folder, and its bytes.
type RawFile = (String, Cow<'static, [u8]>);

impl Catalog {
    pub fn load(source: &Source) -> Result<Catalog> {
        let mut kinds = Vec::new();
        match source {
            Source::Embedded => {
                for dir in EMBEDDED.dirs() {
                    if dir.get_file(dir.path().join("template.toml")).is_none() {
                        continue;
                    }
                    let folder = dir.path().to_string_lossy().into_owned();
                    let mut raw = Vec::new();
                    collect_embedded(dir, dir.path(), &mut raw);
                    kinds.push(build_kind(&folder, None, raw)?);
                }
            }
            Source::Dir(root) => {
                let meta = std::fs::metadata(root).map_err(|e| Error::TemplateFolder {
                    path: root.clone(),
                    message: e.to_string(),
                })?;
                if !meta.is_dir() {
                    return Err(Error::TemplateFolder {
                        path: root.clone(),
                        message: "it is not a folder; give a folder of kinds or one kind's folder"
                            .into(),
                    });
                }
                let inside = std::fs::canonicalize(root).map_err(|e| Error::TemplateFolder {
                    path: root.clone(),
                    message: e.to_string(),
                })?;
                let folders = if root.join("template.toml").is_file() {
                    vec![root.clone()]
                } else {
                    let mut budget = Budget::default();
                    let mut v = Vec::new();
                    for p in read_dir_sorted(root, &mut budget)? {
                        if p.join("template.toml").is_file() {
                            // A kind folder that is a link must stay inside the template folder too.
                            resolve_link(&p, &inside)?;
                            v.push(p);
                        }
                    }
                    v
                };
                for folder in folders {
                    let name = folder
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    let mut raw = Vec::new();
                    let mut walk = Walk {
                        inside: &inside,
                        budget: Budget::default(),
                        open: Vec::new(),
                    };
                    walk.collect(&folder, &folder, &mut raw)?;
                    kinds.push(build_kind(&name, Some(&folder), raw)?);
                }
                if kinds.is_empty() {
                    return Err(Error::TemplateFolder {
                        path: root.clone(),
                        message: "it holds no kind: expected a folder with template.toml, or folders of them"
                            .into(),
                    });
                }
            }
        }
        kinds.sort_by(|a, b| a.name().cmp(b.name()));
        Ok(Catalog { kinds })
    }

    pub fn get(&self, name: &str) -> Result<&Kind> {
        self.kinds
            .iter()
            .find(|k| k.name() == name)
            .ok_or_else(|| Error::UnknownKind {
                kind: name.to_string(),
                available: self.names().join(", "),
            })
    }

    pub fn names(&self) -> Vec<&str> {
        self.kinds.iter().map(|k| k.name()).collect()
    }
}

fn collect_embedded(dir: &Dir<'static>, base: &Path, out: &mut Vec<RawFile>) {
    for f in dir.files() {
        let rel = f.path().strip_prefix(base).unwrap_or(f.path());
        out.push((to_slash(rel), Cow::Borrowed(f.contents())));
    }
    for d in dir.dirs() {
        collect_embedded(d, base, out);
    }
}

/// Limits on a kind read from disk, so a template folder cannot make a run read for ever or fill the memory:
/// the largest built-in file is about 21 KB and the largest kind about 300 KB in under 100 files.
pub const MAX_FILE_BYTES: u64 = 4 << 20;
/// The bytes of all of one kind's files together.
pub const MAX_KIND_BYTES: u64 = 32 << 20;
/// The files and folders of one kind (or of a folder of kinds).
pub const MAX_ENTRIES: usize = 4000;
/// How deep folders may nest in one kind.
pub const MAX_DEPTH: usize = 32;

/// What a kind has used of its limits so far.
#[derive(Default)]
struct Budget {
    entries: usize,
    bytes: u64,
}

fn folder_error(path: &Path, message: impl Into<String>) -> Error {
    Error::TemplateFolder {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

/// Lists a folder, sorted, counting its entries against the budget: a folder with millions of entries stops at
/// the limit instead of being read whole.
fn read_dir_sorted(dir: &Path, budget: &mut Budget) -> Result<Vec<PathBuf>> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| Error::io(format!("reading {}", dir.display()), e))?;
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(format!("reading {}", dir.display()), e))?;
        budget.entries += 1;
        if budget.entries > MAX_ENTRIES {
            return Err(folder_error(
                dir,
                format!(
                    "it holds more than {MAX_ENTRIES} files and folders, more than a kind may have"
                ),
            ));
        }
        out.push(entry.path());
    }
    out.sort();
    Ok(out)
}

/// Where a link leads, when that stays inside the template folder `inside`; `None` when `path` is no link.
fn resolve_link(path: &Path, inside: &Path) -> Result<Option<PathBuf>> {
    let meta = std::fs::symlink_metadata(path)
        .map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
    if !meta.file_type().is_symlink() {
        return Ok(None);
    }
    let target = std::fs::canonicalize(path)
        .map_err(|e| folder_error(path, format!("it is a link that cannot be followed: {e}")))?;
    if !target.starts_with(inside) {
        return Err(folder_error(
            path,
            format!(
                "it is a link to {}, outside the template folder; links may only point inside it (copy the file \
                 in instead)",
                target.display()
            ),
        ));
    }
    Ok(Some(target))
}

/// What a file that is neither a regular file nor a folder is, for the message that refuses it.
fn special_kind(ft: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if ft.is_socket() {
            return "a socket";
        }
        if ft.is_block_device() || ft.is_char_device() {
            return "a device";
        }
    }
    let _ = ft;
    "not a regular file"
}

/// One walk over a kind's folder on disk.
struct Walk<'a> {
    /// The template folder, resolved: links must point inside it.
    inside: &'a Path,
    budget: Budget,
    /// The folders being walked, resolved, to refuse a link back to one of them.
    open: Vec<PathBuf>,
}

impl Walk<'_> {
    fn collect(&mut self, dir: &Path, base: &Path, out: &mut Vec<RawFile>) -> Result<()> {
        if self.open.len() >= MAX_DEPTH {
            return Err(folder_error(
                dir,
                format!("folders nest more than {MAX_DEPTH} deep, more than a kind may"),
            ));
        }
        let resolved = std::fs::canonicalize(dir)
            .map_err(|e| Error::io(format!("reading {}", dir.display()), e))?;
        if self.open.contains(&resolved) {
            return Err(folder_error(
                dir,
                "it is a link back to a folder that holds it, which would be read for ever",
            ));
        }
        self.open.push(resolved);
        for path in read_dir_sorted(dir, &mut self.budget)? {
            let target = resolve_link(&path, self.inside)?;
            // The type of the entry itself, or of where its link leads; never opened to find out.
            let meta = std::fs::symlink_metadata(target.as_deref().unwrap_or(&path))
                .map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
            if meta.is_dir() {
                self.collect(&path, base, out)?;
            } else if meta.is_file() {
                let bytes = self.read(&path, meta.len())?;
                let rel = path.strip_prefix(base).unwrap_or(&path);
                out.push((to_slash(rel), Cow::Owned(bytes)));
            } else {
                return Err(folder_error(
                    &path,
                    format!(
                        "it is {}; a kind holds only files and folders",
                        special_kind(&meta.file_type())
                    ),
                ));
            }
        }
        self.open.pop();
        Ok(())
    }

    /// Reads a regular file of `len` bytes, never more than the limits allow even if it grows meanwhile.
    fn read(&mut self, path: &Path, len: u64) -> Result<Vec<u8>> {
        use std::io::Read;
        let too_big = || {
            folder_error(
                path,
                format!(
                    "it is larger than {} MiB, the most one file of a kind may hold",
                    MAX_FILE_BYTES >> 20
                ),
            )
        };
        if len > MAX_FILE_BYTES {
            return Err(too_big());
        }
        let file = std::fs::File::open(path)
            .map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
        let mut bytes = Vec::with_capacity(len as usize);
        file.take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(too_big());
        }
        self.budget.bytes += bytes.len() as u64;
        if self.budget.bytes > MAX_KIND_BYTES {
            return Err(folder_error(
                path,
                format!(
                    "the kind's files pass {} MiB here, the most one kind may hold",
                    MAX_KIND_BYTES >> 20
                ),
            ));
        }
        Ok(bytes)
    }
}

fn to_slash(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// Builds a kind from its files; `origin` is its folder on disk (`None` for an embedded kind), named in errors.
fn build_kind(folder: &str, origin: Option<&Path>, raw: Vec<RawFile>) -> Result<Kind> {
    let err = |message: String| Error::Template {
        kind: folder.to_string(),
        message,
    };
    let manifest_text = raw
        .iter()
        .find(|(p, _)| p == "template.toml")
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .ok_or_else(|| err("template.toml is missing".into()))?;
    let manifest: Manifest = toml::from_str(&manifest_text)
        .map_err(|e| err(format!("template.toml: {}", e.message().trim_end())))?;
    let problems = manifest.problems(folder);
    if !problems.is_empty() {
        return Err(err(format!("template.toml: {}", problems.join("; "))));
    }
    let mut files = Vec::new();
    let mut presets = Vec::new();
    for (path, contents) in raw {
        if let Some(rest) = path.strip_prefix("files/") {
            if let Some(vcs) = rest.split('/').find_map(super::question::version_control) {
                let message = format!(
                    "it is {vcs} metadata, which a kind may not ship: written into a project, its hooks and \
                     configuration would run code there; remove it from the template folder"
                );
                return Err(match origin {
                    Some(dir) => folder_error(&dir.join(&path), message),
                    None => err(format!("{path}: {message}")),
                });
            }
            if rest.ends_with(".hbs")
                && let Some(cycle) = super::partials::recursion(&String::from_utf8_lossy(&contents))
            {
                let message = format!(
                    "its inline partials include each other without end ({cycle}); Handlebars has no depth \
                     limit, so a partial may not include itself, directly or through others"
                );
                return Err(match origin {
                    Some(dir) => folder_error(&dir.join(&path), message),
                    None => err(format!("{path}: {message}")),
                });
            }
            if rest.ends_with(".hbs")
                && let Some((line, message)) = super::literals::unknown_choice(
                    &String::from_utf8_lossy(&contents),
                    &manifest.questions,
                )
            {
                return Err(match origin {
                    Some(dir) => folder_error(&dir.join(format!("{path}:{line}")), message),
                    None => err(format!("{path}:{line}: {message}")),
                });
            }
            files.push(TemplateFile {
                path: rest.to_string(),
                contents,
            });
        } else if let Some(rest) = path.strip_prefix("presets/")
            && let Some(stem) = rest.strip_suffix(".toml")
            && !stem.contains('/')
        {
            presets.push((
                stem.to_string(),
                String::from_utf8_lossy(&contents).into_owned(),
            ));
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    presets.sort();
    Ok(Kind {
        manifest,
        files,
        presets,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_kinds_load_and_each_has_files_and_a_default_preset() {
        let catalog = Catalog::load(&Source::Embedded).unwrap();
        assert_eq!(catalog.names(), ["k8s-platform", "serverless-webhook"]);
        for kind in &catalog.kinds {
            assert!(!kind.files.is_empty(), "{}", kind.name());
            assert!(
                kind.presets.iter().any(|(n, _)| n == "default"),
                "{}",
                kind.name()
            );
            assert!(
                !kind.files.iter().any(|f| f.path.starts_with("files/")),
                "paths are relative to files/"
            );
        }
    }

    #[test]
    fn a_folder_without_kinds_is_a_usage_error() {
        let tmp = tempfile::tempdir().unwrap();
        let err = Catalog::load(&Source::Dir(tmp.path().to_path_buf())).unwrap_err();
        assert!(err.to_string().contains("holds no kind"), "{err}");
        assert_eq!(err.exit_code(), 2);
    }

    #[test]
    fn unknown_kinds_list_the_available_ones() {
        let catalog = Catalog::load(&Source::Embedded).unwrap();
        let err = catalog.get("nope").unwrap_err().to_string();
        assert!(err.contains("k8s-platform, serverless-webhook"), "{err}");
    }
}
