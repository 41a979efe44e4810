//! Where kinds come from: the folder embedded at build time, or one on disk.

use include_dir::{Dir, include_dir};
use std::borrow::Cow;
use std::path::{Path, PathBuf};

use super::{Kind, Manifest, TemplateFile};
use crate::error::{Error, Result};

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
                    kinds.push(build_kind(&folder, raw)?);
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
                let folders = if root.join("template.toml").is_file() {
                    vec![root.clone()]
                } else {
                    let mut v: Vec<PathBuf> = read_dir_sorted(root)?
                        .into_iter()
                        .filter(|p| p.join("template.toml").is_file())
                        .collect();
                    v.sort();
                    v
                };
                for folder in folders {
                    let name = folder
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    let mut raw = Vec::new();
                    collect_disk(&folder, &folder, &mut raw)?;
                    kinds.push(build_kind(&name, raw)?);
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

fn read_dir_sorted(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| Error::io(format!("reading {}", dir.display()), e))?;
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(format!("reading {}", dir.display()), e))?;
        out.push(entry.path());
    }
    out.sort();
    Ok(out)
}

fn collect_disk(dir: &Path, base: &Path, out: &mut Vec<RawFile>) -> Result<()> {
    for path in read_dir_sorted(dir)? {
        let meta = std::fs::metadata(&path)
            .map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
        if meta.is_dir() {
            collect_disk(&path, base, out)?;
        } else {
            let bytes = std::fs::read(&path)
                .map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
            let rel = path.strip_prefix(base).unwrap_or(&path);
            out.push((to_slash(rel), Cow::Owned(bytes)));
        }
    }
    Ok(())
}

fn to_slash(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

fn build_kind(folder: &str, raw: Vec<RawFile>) -> Result<Kind> {
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
