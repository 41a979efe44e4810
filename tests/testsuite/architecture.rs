//! The layering rule. The compiler holds most of it: each layer of the library is a crate of the workspace
//! (`crates/<layer>/`) that depends only on the layers below it, so a layer reaching up does not build, and the
//! workspace's clippy lints deny printing in every layer. These tests hold the rest: that the crates'
//! dependencies are the table in docs/architecture.md, that the binary reaches the library only through
//! `scaffold::`, the size of a source file, no cycles between the submodules of `cost` and `advise`, and the two
//! things the library must not know (the names of the built-in kinds, the command-line flags).
//!
//! The code is read with `syn`, Rust's own grammar: comments, string literals (also inside macros and
//! attributes such as `#[error("...")]`) and `#[cfg(test)]` items are told apart by the parser.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use proc_macro2::{TokenStream, TokenTree};
use regex::Regex;
use syn::visit::Visit;

/// Crates whose submodules must not use each other, directly or round a longer cycle.
const ACYCLIC_CRATES: &[&str] = &["cost", "advise"];

/// No source file may be longer than this many lines.
const MAX_LINES: usize = 600;

/// The prefix of every layer's package name: `scaffold-portfolio-kind` is the layer `kind`.
const LAYER_PACKAGE: &str = "scaffold-portfolio-";

// ---------------------------------------------------------------------------------------------------------
// Reading the source

/// One source file, parsed.
struct File {
    /// Relative to the repository root, with `/`.
    path: String,
    lines: usize,
    ast: syn::File,
    /// A file that is all test code: declared by a `#[cfg(test)] mod name;`.
    test_only: bool,
}

impl File {
    fn parse(path: &str, text: &str) -> File {
        let ast = syn::parse_file(text).unwrap_or_else(|e| panic!("{path}: {e}"));
        File {
            path: path.to_string(),
            lines: text.lines().count(),
            ast,
            test_only: false,
        }
    }

    /// The crate a file belongs to (`cost` for `crates/cost/src/...`, `scaffold` for `src/...`) and its module
    /// path inside that crate (`crates/cost/src/context/mod.rs` -> `["context"]`).
    fn place(&self) -> (String, Vec<String>) {
        let (krate, rest) = match self.path.strip_prefix("crates/") {
            Some(rest) => {
                let (krate, rest) = rest.split_once("/src/").expect("crates/<name>/src/...");
                (krate.to_string(), rest)
            }
            None => (
                "scaffold".to_string(),
                self.path.strip_prefix("src/").expect("src/..."),
            ),
        };
        let mut module: Vec<String> = rest
            .trim_end_matches(".rs")
            .split('/')
            .map(String::from)
            .collect();
        if matches!(
            module.last().map(String::as_str),
            Some("mod" | "lib" | "main")
        ) {
            module.pop();
        }
        (krate, module)
    }

    /// The folder that holds the files of this file's child modules.
    fn child_dir(&self) -> String {
        let (dir, name) = self.path.rsplit_once('/').expect("a file in a folder");
        match name {
            "mod.rs" | "lib.rs" | "main.rs" => dir.to_string(),
            _ => format!("{dir}/{}", name.trim_end_matches(".rs")),
        }
    }
}

fn is_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("test")
            || (a.path().is_ident("cfg")
                && matches!(&a.meta, syn::Meta::List(l) if l.tokens.to_string() == "test"))
    })
}

/// An item under `#[cfg(test)]` or `#[test]`: every check skips it, and what it holds.
fn test_item(item: &syn::Item) -> bool {
    let attrs = match item {
        syn::Item::Fn(i) => &i.attrs,
        syn::Item::Mod(i) => &i.attrs,
        syn::Item::Impl(i) => &i.attrs,
        syn::Item::Const(i) => &i.attrs,
        syn::Item::Static(i) => &i.attrs,
        syn::Item::Use(i) => &i.attrs,
        syn::Item::Struct(i) => &i.attrs,
        syn::Item::Enum(i) => &i.attrs,
        _ => return false,
    };
    is_test(attrs)
}

/// Files declared by `#[cfg(test)] mod name;` anywhere in `files`, as paths.
fn test_only_paths(files: &[File]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for file in files {
        for item in &file.ast.items {
            if let syn::Item::Mod(m) = item
                && m.content.is_none()
                && is_test(&m.attrs)
            {
                let dir = file.child_dir();
                out.insert(format!("{dir}/{}.rs", m.ident));
                out.insert(format!("{dir}/{}/mod.rs", m.ident));
            }
        }
    }
    out
}

/// Every string literal outside test items, with its line: in code, in macro arguments and in attributes.
#[derive(Default)]
struct Strings(Vec<(usize, String)>);

impl Strings {
    fn tokens(&mut self, tokens: TokenStream) {
        for tree in tokens {
            match tree {
                TokenTree::Group(g) => self.tokens(g.stream()),
                TokenTree::Literal(l) => {
                    if let syn::Lit::Str(s) = syn::Lit::new(l.clone()) {
                        self.0.push((l.span().start().line, s.value()));
                    }
                }
                _ => {}
            }
        }
    }
}

impl<'a> Visit<'a> for Strings {
    fn visit_item(&mut self, item: &'a syn::Item) {
        if !test_item(item) {
            syn::visit::visit_item(self, item);
        }
    }
    fn visit_impl_item_fn(&mut self, f: &'a syn::ImplItemFn) {
        if !is_test(&f.attrs) {
            syn::visit::visit_impl_item_fn(self, f);
        }
    }
    fn visit_lit_str(&mut self, s: &'a syn::LitStr) {
        self.0.push((s.span().start().line, s.value()));
    }
    fn visit_macro(&mut self, m: &'a syn::Macro) {
        self.tokens(m.tokens.clone());
    }
    fn visit_attribute(&mut self, a: &'a syn::Attribute) {
        // Doc comments are comments.
        if !a.path().is_ident("doc") {
            syn::visit::visit_attribute(self, a);
        }
    }
    fn visit_meta_list(&mut self, m: &'a syn::MetaList) {
        self.tokens(m.tokens.clone());
    }
}

fn strings(file: &File) -> Vec<(usize, String)> {
    if file.test_only {
        return Vec::new();
    }
    let mut s = Strings::default();
    s.visit_file(&file.ast);
    s.0
}

/// Every path outside test items, as written (`crate::format::rate`), with its line. `use` trees are expanded
/// into one path per name (`use crate::{a::B, c}` gives `crate::a::B` and `crate::c`).
#[derive(Default)]
struct Paths(Vec<(usize, Vec<String>)>);

impl Paths {
    fn use_tree(&mut self, tree: &syn::UseTree, prefix: &[String], line: usize) {
        let with = |name: String| {
            let mut p = prefix.to_vec();
            p.push(name);
            p
        };
        match tree {
            syn::UseTree::Path(p) => self.use_tree(&p.tree, &with(p.ident.to_string()), line),
            syn::UseTree::Name(n) if n.ident == "self" => self.0.push((line, prefix.to_vec())),
            syn::UseTree::Name(n) => self.0.push((line, with(n.ident.to_string()))),
            syn::UseTree::Rename(r) => self.0.push((line, with(r.ident.to_string()))),
            syn::UseTree::Glob(_) => self.0.push((line, with("*".into()))),
            syn::UseTree::Group(g) => g.items.iter().for_each(|t| self.use_tree(t, prefix, line)),
        }
    }
}

impl<'a> Visit<'a> for Paths {
    fn visit_item(&mut self, item: &'a syn::Item) {
        match item {
            _ if test_item(item) => {}
            syn::Item::Use(u) => self.use_tree(&u.tree, &[], u.use_token.span.start().line),
            _ => syn::visit::visit_item(self, item),
        }
    }
    fn visit_path(&mut self, p: &'a syn::Path) {
        let segments = p.segments.iter().map(|s| s.ident.to_string()).collect();
        let line = p
            .segments
            .first()
            .map_or(0, |s| s.ident.span().start().line);
        self.0.push((line, segments));
        syn::visit::visit_path(self, p);
    }
}

fn paths(file: &File) -> Vec<(usize, Vec<String>)> {
    if file.test_only {
        return Vec::new();
    }
    let mut p = Paths::default();
    p.visit_file(&file.ast);
    p.0
}

/// The module a path written in `module` names, from the crate root; `None` if it does not start at the crate
/// (`crate::`, `super::`, `self::`) or climbs past it.
fn absolute(module: &[String], path: &[String]) -> Option<Vec<String>> {
    let mut at = module.to_vec();
    let mut rest = path;
    match path.first().map(String::as_str) {
        Some("crate") => {
            at.clear();
            rest = &path[1..];
        }
        Some("super" | "self") => {
            while let Some(first) = rest.first().map(String::as_str) {
                match first {
                    "super" => {
                        at.pop()?;
                    }
                    "self" => {}
                    _ => break,
                }
                rest = &rest[1..];
            }
        }
        _ => return None,
    }
    at.extend(rest.iter().cloned());
    Some(at)
}

// ---------------------------------------------------------------------------------------------------------
// The checks. Each returns one line per offence, `file:line: what`.

/// The binary declares only `mod cli`, and its files reach the library only through `scaffold::`, never a
/// layer's crate by name.
fn check_binary_split(files: &[File]) -> Vec<String> {
    let mut out = Vec::new();
    for file in files
        .iter()
        .filter(|f| f.path == "src/main.rs" || f.path.starts_with("src/cli/"))
    {
        if file.path == "src/main.rs" {
            for item in &file.ast.items {
                if let syn::Item::Mod(m) = item
                    && m.ident != "cli"
                    && !is_test(&m.attrs)
                {
                    out.push(format!(
                        "{}:{}: the binary declares `mod {}`; only `mod cli` belongs to it, the rest is `scaffold::`",
                        file.path,
                        m.ident.span().start().line,
                        m.ident
                    ));
                }
            }
        }
        for (line, path) in paths(file) {
            if path.first().is_some_and(|s| s.starts_with("scaffold_")) {
                out.push(format!(
                    "{}:{line}: `{}` names a layer's crate; use the library through `scaffold::`",
                    file.path,
                    path.join("::")
                ));
            }
        }
    }
    out
}

/// The layers as each crate's Cargo.toml declares them: layer -> the layers it depends on. A layer crate
/// with another layer among its dev-dependencies is reported too: a test must not reach up either.
fn crate_layers(
    manifests: &[(String, String)],
) -> (BTreeMap<String, BTreeSet<String>>, Vec<String>) {
    let mut layers = BTreeMap::new();
    let mut out = Vec::new();
    let layers_of = |table: Option<&toml::Value>| -> BTreeSet<String> {
        table
            .and_then(toml::Value::as_table)
            .map(|t| {
                t.keys()
                    .filter_map(|k| k.strip_prefix(LAYER_PACKAGE).map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    for (path, text) in manifests {
        let manifest: toml::Table = text.parse().unwrap_or_else(|e| panic!("{path}: {e}"));
        let name = manifest["package"]["name"].as_str().expect("package.name");
        let Some(layer) = name.strip_prefix(LAYER_PACKAGE) else {
            out.push(format!(
                "{path}: package `{name}` is not named {LAYER_PACKAGE}<layer>"
            ));
            continue;
        };
        for up in layers_of(manifest.get("dev-dependencies")) {
            out.push(format!(
                "{path}: the layer `{layer}` has the layer `{up}` among its dev-dependencies"
            ));
        }
        layers.insert(layer.to_string(), layers_of(manifest.get("dependencies")));
    }
    (layers, out)
}

/// The table of docs/architecture.md's "Layers": layer -> the layers it may use (the names in backticks before
/// the first colon of the second column). The `lib.rs` row is the facade, not a layer.
fn documented_layers(doc: &str) -> BTreeMap<String, BTreeSet<String>> {
    let name = Regex::new(r"`([a-z_]+)`").expect("valid regex");
    let section = doc
        .split("\n## Layers\n")
        .nth(1)
        .expect("docs/architecture.md has `## Layers`");
    section
        .lines()
        .skip_while(|l| !l.starts_with("| layer"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .filter_map(|row| {
            let cells: Vec<&str> = row.split('|').map(str::trim).collect();
            let layer = name.captures(cells.get(1)?)?[1].to_string();
            let uses = cells.get(2)?.split(':').next().unwrap_or_default();
            Some((
                layer,
                name.captures_iter(uses).map(|c| c[1].to_string()).collect(),
            ))
        })
        .filter(|(layer, _)| layer != "lib")
        .collect()
}

/// The crates' dependencies are the documented table, row for row.
fn check_layers(
    crates: &BTreeMap<String, BTreeSet<String>>,
    documented: &BTreeMap<String, BTreeSet<String>>,
) -> Vec<String> {
    let mut out = Vec::new();
    for (layer, uses) in crates {
        match documented.get(layer) {
            None => out.push(format!("crates/{layer}: no row in docs/architecture.md's layer table")),
            Some(doc) if doc != uses => out.push(format!(
                "crates/{layer}/Cargo.toml depends on the layers {uses:?}; docs/architecture.md says {doc:?}"
            )),
            Some(_) => {}
        }
    }
    for layer in documented.keys().filter(|l| !crates.contains_key(*l)) {
        out.push(format!(
            "docs/architecture.md names the layer `{layer}`, which has no crate"
        ));
    }
    out
}

/// Within each crate of [`ACYCLIC_CRATES`], no two submodules use each other (`crate::x`, `super::x`, or a name
/// the crate root re-exports from `x`).
fn check_submodule_cycles(files: &[File], krate: &str) -> Vec<String> {
    let files: Vec<&File> = files.iter().filter(|f| f.place().0 == krate).collect();
    let submodules: BTreeSet<String> = files
        .iter()
        .filter_map(|f| f.place().1.first().cloned())
        .collect();
    // Names the crate root imports from a submodule: `pub use model::Model` makes `crate::Model` model's.
    let mut owner: BTreeMap<String, String> = BTreeMap::new();
    for root in files.iter().filter(|f| f.place().1.is_empty()) {
        for (_, path) in paths(root) {
            if let (Some(first), Some(last)) = (path.first(), path.last())
                && submodules.contains(first)
                && path.len() > 1
            {
                owner.insert(last.clone(), first.clone());
            }
        }
    }
    let mut edges: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for file in &files {
        let (_, module) = file.place();
        let Some(from) = module.first() else { continue };
        for (line, path) in paths(file) {
            let Some(abs) = absolute(&module, &path) else {
                continue;
            };
            let Some(to) = abs.first().and_then(|m| {
                if submodules.contains(m) {
                    Some(m.clone())
                } else {
                    owner.get(m).cloned()
                }
            }) else {
                continue;
            };
            if &to != from {
                edges
                    .entry((from.clone(), to))
                    .or_default()
                    .push(format!("{}:{line}", file.path));
            }
        }
    }
    let reaches = |from: &str, to: &str| -> bool {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_string()];
        while let Some(m) = stack.pop() {
            if m == to {
                return true;
            }
            if seen.insert(m.clone()) {
                stack.extend(
                    edges
                        .keys()
                        .filter(|(a, _)| *a == m)
                        .map(|(_, b)| b.clone()),
                );
            }
        }
        false
    };
    let mut out = Vec::new();
    for ((from, to), places) in &edges {
        if reaches(to, from) {
            for place in places {
                out.push(format!(
                    "{place}: `{from}` uses `{to}`, which uses `{from}` back ({krate})"
                ));
            }
        }
    }
    out
}

/// No source file is longer than [`MAX_LINES`].
fn check_file_length(files: &[File], max: usize) -> Vec<String> {
    files
        .iter()
        .filter(|f| f.lines > max)
        .map(|f| format!("{}: {} lines; split it below {max}", f.path, f.lines))
        .collect()
}

/// No string literal outside tests names a built-in kind: the code learns about kinds from their manifests.
fn check_kind_names(files: &[File], kinds: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for kind in kinds {
        let whole = Regex::new(&format!(
            r"(?:^|[^A-Za-z0-9_-]){}(?:$|[^A-Za-z0-9_-])",
            regex::escape(kind)
        ))
        .expect("valid regex");
        for file in files {
            let lines: BTreeSet<usize> = strings(file)
                .into_iter()
                .filter(|(_, s)| whole.is_match(s))
                .map(|(l, _)| l)
                .collect();
            for line in lines {
                out.push(format!(
                    "{}:{line}: names the built-in kind `{kind}`; read it from templates/{kind}/template.toml",
                    file.path
                ));
            }
        }
    }
    out
}

/// No string literal of the library, outside tests, holds a command-line flag (`--` and a lowercase letter):
/// the library names fields and questions, and src/cli/ turns them into flags.
fn check_flag_strings(files: &[File]) -> Vec<String> {
    let flag = Regex::new(r"--[a-z][a-z0-9-]*").expect("valid regex");
    // The lifecycle layer runs git: a literal that is exactly one argument (`--name-only`, `--format=%H`) is one
    // of git's own options handed to it. Its messages, like every other library string, are still checked.
    let git_argument = Regex::new(r"^--[a-z][a-z0-9-]*(=\S*)?$").expect("valid regex");
    let mut out = Vec::new();
    for file in files.iter().filter(|f| f.path.starts_with("crates/")) {
        let runs_git = file.path.starts_with("crates/lifecycle/");
        let mut by_line: BTreeMap<usize, BTreeSet<String>> = BTreeMap::new();
        for (line, text) in strings(file) {
            if runs_git && git_argument.is_match(&text) {
                continue;
            }
            for m in flag.find_iter(&text) {
                by_line
                    .entry(line)
                    .or_default()
                    .insert(m.as_str().to_string());
            }
        }
        for (line, flags) in by_line {
            let flags: Vec<String> = flags.into_iter().collect();
            out.push(format!(
                "{}:{line}: flag {} in a library string; name the field and let src/cli/ name the flag",
                file.path,
                flags.join(", ")
            ));
        }
    }
    out
}

/// The files a layer embeds (`include_str!`, `include_bytes!`, `include_dir!`) outside tests, each with its
/// line: the path as written.
#[derive(Default)]
struct Embeds(Vec<(usize, String, String)>);

impl<'a> Visit<'a> for Embeds {
    fn visit_item(&mut self, item: &'a syn::Item) {
        if !test_item(item) {
            syn::visit::visit_item(self, item);
        }
    }
    fn visit_macro(&mut self, m: &'a syn::Macro) {
        let name = m
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        if matches!(
            name.as_str(),
            "include_str" | "include_bytes" | "include_dir"
        ) && let Ok(lit) = m.parse_body::<syn::LitStr>()
        {
            self.0.push((lit.span().start().line, name, lit.value()));
        }
        syn::visit::visit_macro(self, m);
    }
}

/// `a/b/../c` -> `a/c`, without reading the disk (a link stays a link).
fn normalise(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    parts.join("/")
}

/// Every file a layer embeds lies inside its crate's folder (through a link where it lives elsewhere in the
/// repository), so the crate published alone still builds.
fn check_embeds_inside_the_crate(files: &[File]) -> Vec<String> {
    let mut out = Vec::new();
    for file in files
        .iter()
        .filter(|f| f.path.starts_with("crates/") && !f.test_only)
    {
        let krate = file
            .path
            .splitn(3, '/')
            .take(2)
            .collect::<Vec<_>>()
            .join("/");
        let dir = file.path.rsplit_once('/').map_or("", |(d, _)| d);
        let mut e = Embeds::default();
        e.visit_file(&file.ast);
        for (line, name, written) in e.0 {
            let resolved = match written.strip_prefix("$CARGO_MANIFEST_DIR") {
                Some(rest) => normalise(&format!("{krate}/{rest}")),
                None => normalise(&format!("{dir}/{written}")),
            };
            if !resolved.starts_with(&format!("{krate}/")) {
                out.push(format!(
                    "{}:{line}: {name}!(\"{written}\") reaches {resolved}, outside {krate}; link it into the crate",
                    file.path
                ));
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------------------
// The real tree

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn rel(path: &Path) -> String {
    let rel = path
        .strip_prefix(root())
        .expect("under the repository root");
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn read_sources(dir: &Path, out: &mut Vec<File>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|e| e.expect("a readable folder entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            read_sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
            out.push(File::parse(&rel(&path), &text));
        }
    }
}

fn mark_tests(mut files: Vec<File>) -> Vec<File> {
    let tests = test_only_paths(&files);
    for file in &mut files {
        file.test_only = tests.contains(&file.path);
    }
    files
}

/// Every source file: the facade and the binary under `src/`, every layer under `crates/*/src/`.
fn sources() -> Vec<File> {
    let mut files = Vec::new();
    read_sources(&root().join("src"), &mut files);
    for krate in layer_crates() {
        read_sources(&root().join("crates").join(&krate).join("src"), &mut files);
    }
    assert!(
        files.iter().any(|f| f.path == "src/main.rs"),
        "no src/main.rs found"
    );
    mark_tests(files)
}

fn layer_crates() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("crates"))
        .expect("reading crates/")
        .map(|e| e.expect("a readable folder entry").path())
        .filter(|p| p.join("Cargo.toml").is_file())
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    names.sort();
    assert!(!names.is_empty(), "no crates/*/Cargo.toml found");
    names
}

fn manifests() -> Vec<(String, String)> {
    layer_crates()
        .into_iter()
        .map(|c| {
            let path = format!("crates/{c}/Cargo.toml");
            let text = std::fs::read_to_string(root().join(&path)).expect("a readable Cargo.toml");
            (path, text)
        })
        .collect()
}

/// The built-in kinds: every folder under `templates/` holding a `template.toml`.
fn built_in_kinds() -> Vec<String> {
    let mut kinds: Vec<String> = std::fs::read_dir(root().join("templates"))
        .expect("reading templates/")
        .map(|e| e.expect("a readable folder entry").path())
        .filter(|p| p.join("template.toml").is_file())
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    kinds.sort();
    assert!(!kinds.is_empty(), "no templates/*/template.toml found");
    kinds
}

fn assert_none(rule: &str, offences: Vec<String>) {
    assert!(
        offences.is_empty(),
        "{rule}: {} offence(s)\n{}\n",
        offences.len(),
        offences.join("\n")
    );
}

#[test]
fn the_binary_uses_the_library_only_through_scaffold() {
    assert_none(
        "the binary must use the library through scaffold::",
        check_binary_split(&sources()),
    );
}

#[test]
fn each_layer_crate_depends_on_the_layers_the_docs_allow_it() {
    let (crates, mut offences) = crate_layers(&manifests());
    let doc =
        std::fs::read_to_string(root().join("docs/architecture.md")).expect("docs/architecture.md");
    offences.extend(check_layers(&crates, &documented_layers(&doc)));
    assert_none(
        "a layer's dependencies are the table in docs/architecture.md",
        offences,
    );
    // The facade re-exports every layer, so it depends on each.
    let top: toml::Table = std::fs::read_to_string(root().join("Cargo.toml"))
        .unwrap()
        .parse()
        .unwrap();
    for layer in crates.keys() {
        let dep = format!("{LAYER_PACKAGE}{layer}");
        assert!(
            top["dependencies"].get(&dep).is_some(),
            "Cargo.toml does not depend on {dep}"
        );
    }
}

#[test]
fn no_two_submodules_of_cost_or_advise_use_each_other() {
    let files = sources();
    for krate in ACYCLIC_CRATES {
        assert_none(
            &format!("the submodules of crates/{krate} must not use each other"),
            check_submodule_cycles(&files, krate),
        );
    }
}

#[test]
fn no_source_file_is_longer_than_600_lines() {
    assert_none(
        "source files are kept short",
        check_file_length(&sources(), MAX_LINES),
    );
}

#[test]
fn no_built_in_kind_is_named_in_the_code() {
    assert_none(
        "kinds are data",
        check_kind_names(&sources(), &built_in_kinds()),
    );
}

#[test]
fn no_flag_is_named_in_the_library() {
    assert_none(
        "the library names fields, not flags",
        check_flag_strings(&sources()),
    );
}

#[test]
fn every_file_a_layer_embeds_is_inside_its_crate() {
    assert_none(
        "a published crate holds what it embeds",
        check_embeds_inside_the_crate(&sources()),
    );
}

// ---------------------------------------------------------------------------------------------------------
// The checks themselves, on small made-up trees.

fn tree(files: &[(&str, &str)]) -> Vec<File> {
    mark_tests(files.iter().map(|(p, t)| File::parse(p, t)).collect())
}

#[test]
fn strings_are_found_in_code_macros_and_attributes_but_not_in_comments_or_tests() {
    let files = tree(&[
        (
            "crates/cost/src/lib.rs",
            "// \"--in-a-comment\"\n#[cfg(test)]\nmod tests;\n#[derive(Debug)]\n#[error(\"try --attr\")]\nstruct E;\n\
             fn f() -> String { format!(\"--macro {}\", \"--code\") }\n#[cfg(test)]\nmod inline { const X: &str = \"--test\"; }\n",
        ),
        (
            "crates/cost/src/tests.rs",
            "const Y: &str = \"--test-file\";\n",
        ),
    ]);
    assert_eq!(
        check_flag_strings(&files),
        [
            "crates/cost/src/lib.rs:5: flag --attr in a library string; name the field and let src/cli/ name the flag",
            "crates/cost/src/lib.rs:7: flag --code, --macro in a library string; name the field and let src/cli/ name the flag",
        ]
    );
}

#[test]
fn a_kind_named_in_a_string_is_reported_but_not_a_longer_word() {
    let files = tree(&[(
        "src/cli/list.rs",
        "const A: &str = \"k8s-platform\";\nconst B: &str = \"k8s-platforms\";\n",
    )]);
    let kinds = ["k8s-platform".to_string()];
    let out = check_kind_names(&files, &kinds);
    assert_eq!(out.len(), 1, "{out:?}");
    assert!(
        out[0].starts_with("src/cli/list.rs:1: names the built-in kind"),
        "{out:?}"
    );
}

#[test]
fn the_binary_naming_a_layer_crate_or_declaring_a_module_is_reported() {
    let files = tree(&[
        (
            "src/main.rs",
            "mod cli;\nmod cost;\n#[cfg(test)]\nmod tests;\n",
        ),
        (
            "src/cli/mod.rs",
            "use scaffold::kind::Kind;\nuse scaffold_cost::Prices;\nfn f() { scaffold_plan::build(); }\n",
        ),
    ]);
    let out = check_binary_split(&files);
    assert_eq!(out.len(), 3, "{out:#?}");
    assert!(
        out[0].starts_with("src/main.rs:2: the binary declares `mod cost`"),
        "{out:?}"
    );
    assert!(
        out[1].starts_with("src/cli/mod.rs:2: `scaffold_cost::Prices`"),
        "{out:?}"
    );
    assert!(
        out[2].starts_with("src/cli/mod.rs:3: `scaffold_plan::build`"),
        "{out:?}"
    );
}

#[test]
fn submodules_using_each_other_are_reported_through_super_and_reexports() {
    let files = tree(&[
        (
            "crates/cost/src/lib.rs",
            "pub mod a;\npub mod b;\npub mod c;\npub use a::Thing;\n",
        ),
        ("crates/cost/src/a.rs", "use super::c::Other;\n"),
        ("crates/cost/src/b/mod.rs", "pub mod d;\n"),
        (
            "crates/cost/src/b/d.rs",
            "fn f() -> crate::Thing { todo!() }\nuse super::super::a;\n",
        ),
        (
            "crates/cost/src/c.rs",
            "use crate::{b::d, a};\n#[cfg(test)]\nmod tests { use crate::c; }\n",
        ),
    ]);
    let out = check_submodule_cycles(&files, "cost");
    // a -> c, c -> a and c -> b, b -> a (through the re-exported Thing and super::super): every edge of the
    // cycle is reported where it is written.
    assert_eq!(
        out,
        [
            "crates/cost/src/a.rs:1: `a` uses `c`, which uses `a` back (cost)",
            "crates/cost/src/b/d.rs:1: `b` uses `a`, which uses `b` back (cost)",
            "crates/cost/src/b/d.rs:2: `b` uses `a`, which uses `b` back (cost)",
            "crates/cost/src/c.rs:1: `c` uses `a`, which uses `c` back (cost)",
            "crates/cost/src/c.rs:1: `c` uses `b`, which uses `c` back (cost)",
        ]
    );
    assert!(
        check_submodule_cycles(&files[..4], "cost").is_empty(),
        "no cycle without c.rs"
    );
}

#[test]
fn a_crate_depending_on_a_layer_the_docs_do_not_allow_is_reported() {
    let doc = "x\n## Layers\n\n| layer | may use |\n| --- | --- |\n| `error` | nothing |\n\
               | `kind` | `error` |\n| `write` | `kind`, `error`: files only |\n| `lib.rs` | everything |\n\n## Next\n";
    let documented = documented_layers(doc);
    assert_eq!(documented.len(), 3, "{documented:?}");
    let manifest = |layer: &str, deps: &str, dev: &str| {
        (
            format!("crates/{layer}/Cargo.toml"),
            format!(
                "[package]\nname = \"{LAYER_PACKAGE}{layer}\"\n[dependencies]\n{deps}\n[dev-dependencies]\n{dev}\n"
            ),
        )
    };
    let good = [
        manifest("error", "thiserror = \"2\"", ""),
        manifest("kind", "scaffold-portfolio-error = \"0\"", ""),
        manifest(
            "write",
            "scaffold-portfolio-error = \"0\"\nscaffold-portfolio-kind = \"0\"",
            "",
        ),
    ];
    let (crates, problems) = crate_layers(&good);
    assert!(problems.is_empty() && check_layers(&crates, &documented).is_empty());
    let bad = [
        manifest("error", "", "scaffold-portfolio-kind = \"0\""),
        manifest(
            "kind",
            "scaffold-portfolio-error = \"0\"\nscaffold-portfolio-write = \"0\"",
            "",
        ),
        manifest("plan", "", ""),
    ];
    let (crates, problems) = crate_layers(&bad);
    let out: Vec<String> = problems
        .into_iter()
        .chain(check_layers(&crates, &documented))
        .collect();
    assert_eq!(out.len(), 4, "{out:#?}");
    assert!(out[0].contains("the layer `error` has the layer `kind` among its dev-dependencies"));
    assert!(out[1].contains("crates/kind/Cargo.toml depends on the layers"));
    assert!(out[2].contains("crates/plan: no row"));
    assert!(out[3].contains("names the layer `write`, which has no crate"));
}

#[test]
fn a_long_file_is_reported() {
    let text = "fn f() {}\n".repeat(4);
    let files = tree(&[("src/cli/x.rs", &text)]);
    assert_eq!(
        check_file_length(&files, 3),
        ["src/cli/x.rs: 4 lines; split it below 3"]
    );
    assert!(check_file_length(&files, 4).is_empty());
}

#[test]
fn an_embedded_file_outside_the_crate_is_reported_but_not_in_tests() {
    let files = tree(&[(
        "crates/cost/src/prices.rs",
        "const A: &str = include_str!(\"../pricing/aws.toml\");\n\
             const B: &str = include_str!(\"../../../templates/pricing/aws.toml\");\n\
             static D: Dir = include_dir!(\"$CARGO_MANIFEST_DIR/../../templates\");\n\
             #[cfg(test)]\nmod tests { const C: &str = include_str!(\"../../../docs/cost.md\"); }\n",
    )]);
    let out = check_embeds_inside_the_crate(&files);
    assert_eq!(out.len(), 2, "{out:#?}");
    assert!(
        out[0].starts_with("crates/cost/src/prices.rs:2: include_str!"),
        "{out:?}"
    );
    assert!(
        out[1].contains("reaches templates, outside crates/cost"),
        "{out:?}"
    );
}
