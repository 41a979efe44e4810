//! The layering rule, checked on the source text of `src/`: which library module may use which, the split
//! between the library and the binary, the size of a source file, and the two things the library must not
//! know: the names of the built-in kinds (kinds are data) and the command-line flags (the binary names them).
//! docs/architecture.md describes the layers; this file enforces them.
//!
//! The checks read the code with a small lexer: comments, string literals and `#[cfg(test)]` items are told
//! apart from code, `use` trees are expanded (`use crate::{a::B, c}`), and `crate::`, `super::` and `self::`
//! paths are resolved against the module a file defines. Tests inside `#[cfg(test)]` items may use anything.

use regex::Regex;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The library's top-level modules, lowest first, each with the modules it may use besides itself. `lib.rs` is
/// the top: it may use every module, and no module may use an item defined in it (such as `crate::VERSION`);
/// an item re-exported there (`crate::Error`) counts as its own module's. A top-level module missing from this
/// table is an error, so a new one gets its place before it gets users.
const LAYERS: &[(&str, &[&str])] = &[
    ("error", &[]),
    ("kind", &["error"]),
    ("engine", &["kind", "error"]),
    ("answers", &["engine", "kind", "error"]),
    // The cost models read a kind's manifest and its answers, and nothing that renders or writes.
    ("cost", &["answers", "kind", "error"]),
    ("advise", &["cost", "answers", "engine", "kind", "error"]),
    (
        "plan",
        &["advise", "cost", "answers", "engine", "kind", "error"],
    ),
    // The writer knows the plan it is given and nothing of how it was made.
    ("write", &["plan", "error"]),
    // A project's history and its updates: a plan merged into a project with git.
    ("lifecycle", &["write", "plan", "error"]),
];

/// Folders of the library whose submodules must not use each other, directly or round a longer cycle.
const ACYCLIC_FOLDERS: &[&str] = &["cost", "advise"];

/// No source file under `src/` may be longer than this many lines.
const MAX_LINES: usize = 600;

// ---------------------------------------------------------------------------------------------------------
// Reading the source

/// A path in the code: as written (`super::format::rate`), with its `as` name and where it starts.
#[derive(Debug, Clone, PartialEq)]
struct Ref {
    path: Vec<String>,
    alias: Option<String>,
    off: usize,
}

impl Ref {
    fn written(&self) -> String {
        self.path.join("::")
    }

    /// True for `crate::`, `super::` and `self::` paths; false for a relative `use` path (`use std::fs`).
    fn anchored(&self) -> bool {
        matches!(
            self.path.first().map(String::as_str),
            Some("crate" | "super" | "self")
        )
    }
}

/// One source file, lexed.
struct File {
    /// `src/cost/k8s.rs`, with `/` separators.
    path: String,
    /// The module the file defines: `["cost", "k8s"]`; empty for `src/lib.rs` and `src/main.rs`.
    module: Vec<String>,
    lines: usize,
    /// The text with comments and literals blanked to spaces; newlines kept, so offsets are the file's.
    code: String,
    /// Every string literal: the offset where its contents start, and the contents as written.
    strings: Vec<(usize, String)>,
    /// Byte ranges of `#[cfg(test)]` items.
    tests: Vec<(usize, usize)>,
    refs: Vec<Ref>,
    line_starts: Vec<usize>,
}

impl File {
    fn new(path: &str, text: &str) -> File {
        let (code, strings) = lex(text);
        let tests = test_regions(&code);
        let refs = references(&tokens(&code));
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        File {
            path: path.to_string(),
            module: module_path(path),
            lines: text.lines().count(),
            code,
            strings,
            tests,
            refs,
            line_starts,
        }
    }

    fn is_binary(&self) -> bool {
        self.path == "src/main.rs" || self.path.starts_with("src/cli/")
    }

    fn in_test(&self, off: usize) -> bool {
        self.tests
            .iter()
            .any(|&(from, to)| (from..to).contains(&off))
    }

    fn line(&self, off: usize) -> usize {
        self.line_starts.partition_point(|&start| start <= off)
    }

    fn at(&self, off: usize) -> String {
        format!("{}:{}", self.path, self.line(off))
    }

    /// The paths outside tests.
    fn code_refs(&self) -> impl Iterator<Item = &Ref> {
        self.refs.iter().filter(|r| !self.in_test(r.off))
    }
}

/// `src/cost/k8s.rs` -> `cost::k8s`, `src/cost/mod.rs` -> `cost`, `src/lib.rs` -> the crate root.
fn module_path(path: &str) -> Vec<String> {
    let inner = path.strip_prefix("src/").unwrap_or(path);
    let inner = inner.strip_suffix(".rs").unwrap_or(inner);
    let mut parts: Vec<String> = inner.split('/').map(str::to_string).collect();
    if parts.last().is_some_and(|p| p == "mod") || matches!(inner, "lib" | "main") {
        parts.pop();
    }
    parts
}

fn ident_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
}

fn blank(src: &[u8], code: &mut [u8], from: usize, to: usize) {
    for k in from..to.min(src.len()) {
        if src[k] != b'\n' {
            code[k] = b' ';
        }
    }
}

/// Splits comments and literals from code: returns the code with both blanked, and every string literal.
fn lex(src: &str) -> (String, Vec<(usize, String)>) {
    let b = src.as_bytes();
    let n = b.len();
    let at = |k: usize| b.get(k).copied().unwrap_or(0);
    let mut code = b.to_vec();
    let mut strings = Vec::new();
    let mut i = 0;
    while i < n {
        match b[i] {
            b'/' if at(i + 1) == b'/' => {
                let end = src[i..].find('\n').map_or(n, |e| i + e);
                blank(b, &mut code, i, end);
                i = end;
            }
            b'/' if at(i + 1) == b'*' => {
                let (mut depth, mut j) = (0, i);
                while j < n {
                    if b[j] == b'/' && at(j + 1) == b'*' {
                        depth += 1;
                        j += 2;
                    } else if b[j] == b'*' && at(j + 1) == b'/' {
                        depth -= 1;
                        j += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        j += 1;
                    }
                }
                blank(b, &mut code, i, j);
                i = j;
            }
            b'"' => {
                let mut j = i + 1;
                while j < n && b[j] != b'"' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                let j = j.min(n);
                strings.push((i + 1, src[i + 1..j].to_string()));
                blank(b, &mut code, i, j + 1);
                i = j + 1;
            }
            b'r' if raw_string_hashes(b, i).is_some() => {
                let hashes = raw_string_hashes(b, i).unwrap_or(0);
                let start = i + 2 + hashes;
                let close = format!("\"{}", "#".repeat(hashes));
                let end = src[start..].find(&close).map_or(n, |e| start + e);
                strings.push((start, src[start..end].to_string()));
                blank(b, &mut code, i, end + close.len());
                i = end + close.len();
            }
            b'\'' if at(i + 1) == b'\\' => {
                let mut j = i + 3;
                while j < n && b[j] != b'\'' {
                    j += 1;
                }
                blank(b, &mut code, i, j + 1);
                i = j + 1;
            }
            b'\'' => {
                let len = match at(i + 1) {
                    c if c >= 0xF0 => 4,
                    c if c >= 0xE0 => 3,
                    c if c >= 0x80 => 2,
                    _ => 1,
                };
                if at(i + 1) != b'\'' && at(i + 1 + len) == b'\'' {
                    blank(b, &mut code, i, i + 2 + len);
                    i += 2 + len;
                } else {
                    i += 1; // a lifetime or a label
                }
            }
            _ => i += 1,
        }
    }
    let code = String::from_utf8(code).expect("blanking whole characters keeps UTF-8");
    (code, strings)
}

/// For `r"`, `r#"`, `br"`... starting at `i`: the number of `#`.
fn raw_string_hashes(b: &[u8], i: usize) -> Option<usize> {
    let starts_token = |k: usize| k == 0 || !ident_byte(b[k - 1]);
    let prefix_ok =
        starts_token(i) || (i >= 1 && matches!(b[i - 1], b'b' | b'c') && starts_token(i - 1));
    if !prefix_ok {
        return None;
    }
    let hashes = b[i + 1..].iter().take_while(|&&c| c == b'#').count();
    (b.get(i + 1 + hashes) == Some(&b'"')).then_some(hashes)
}

/// The byte ranges of every item under `#[cfg(test)]`: from the attribute to the item's `;` or closing brace.
fn test_regions(code: &str) -> Vec<(usize, usize)> {
    let attr = Regex::new(r"#\s*\[\s*cfg\s*\(\s*test\s*\)\s*\]").expect("valid regex");
    let b = code.as_bytes();
    attr.find_iter(code)
        .map(|m| {
            let (mut i, mut depth) = (m.end(), 0i32);
            while i < b.len() {
                match b[i] {
                    b'(' | b'[' => depth += 1,
                    b')' | b']' => depth -= 1,
                    b';' if depth == 0 => return (m.start(), i + 1),
                    b'{' if depth == 0 => break,
                    _ => {}
                }
                i += 1;
            }
            let mut braces = 0;
            while i < b.len() {
                match b[i] {
                    b'{' => braces += 1,
                    b'}' => {
                        braces -= 1;
                        if braces == 0 {
                            return (m.start(), i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            (m.start(), b.len())
        })
        .collect()
}

struct Tok<'a> {
    text: &'a str,
    off: usize,
}

fn tokens(code: &str) -> Vec<Tok<'_>> {
    let b = code.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let start = i;
        if b[i].is_ascii_whitespace() {
            i += 1;
            continue;
        } else if ident_byte(b[i]) {
            while i < b.len() && ident_byte(b[i]) {
                i += 1;
            }
        } else if b[i] == b':' && b.get(i + 1) == Some(&b':') {
            i += 2;
        } else {
            i += 1;
        }
        out.push(Tok {
            text: &code[start..i],
            off: start,
        });
    }
    out
}

fn is_ident(text: &str) -> bool {
    text.bytes()
        .next()
        .is_some_and(|c| ident_byte(c) && !c.is_ascii_digit())
}

/// Every path of a `use` tree, and every `crate::`, `super::` or `self::` path elsewhere in the code.
fn references(toks: &[Tok]) -> Vec<Ref> {
    let text = |k: usize| toks.get(k).map_or("", |t| t.text);
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i].text;
        if t == "use" && text(i + 1) != "<" {
            i += 1;
            if text(i) == "::" {
                i += 1;
            }
            use_tree(toks, &mut i, &[], &mut out);
            while i < toks.len() && toks[i].text != ";" {
                i += 1;
            }
        } else if matches!(t, "crate" | "super" | "self")
            && text(i + 1) == "::"
            && text(i.wrapping_sub(1)) != "::"
        {
            let mut path = vec![t.to_string()];
            let mut j = i + 1;
            while text(j) == "::" && is_ident(text(j + 1)) {
                path.push(text(j + 1).to_string());
                j += 2;
            }
            out.push(Ref {
                path,
                alias: None,
                off: toks[i].off,
            });
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

/// Expands one `use` tree at `toks[*i]` under `prefix` into its paths; a trailing `self` names the prefix.
fn use_tree(toks: &[Tok], i: &mut usize, prefix: &[String], out: &mut Vec<Ref>) {
    let text = |k: usize| toks.get(k).map_or("", |t| t.text);
    let Some(first) = toks.get(*i) else { return };
    match first.text {
        "{" => {
            *i += 1;
            loop {
                match text(*i) {
                    "}" => {
                        *i += 1;
                        return;
                    }
                    "" | ";" => return,
                    "," => *i += 1,
                    _ => {
                        let before = *i;
                        use_tree(toks, i, prefix, out);
                        if *i == before {
                            *i += 1;
                        }
                    }
                }
            }
        }
        "*" => {
            *i += 1;
            let mut path = prefix.to_vec();
            path.push("*".into());
            out.push(Ref {
                path,
                alias: None,
                off: first.off,
            });
        }
        _ => {
            let mut path = prefix.to_vec();
            while is_ident(text(*i)) {
                path.push(text(*i).to_string());
                *i += 1;
                if text(*i) != "::" {
                    break;
                }
                *i += 1;
                if matches!(text(*i), "{" | "*") {
                    return use_tree(toks, i, &path, out);
                }
            }
            let mut alias = None;
            if text(*i) == "as" {
                alias = Some(text(*i + 1).to_string());
                *i += 2;
            }
            if path.last().is_some_and(|s| s == "self") {
                path.pop();
            }
            if !path.is_empty() {
                out.push(Ref {
                    path,
                    alias,
                    off: first.off,
                });
            }
        }
    }
}

/// The path from the crate root that `path`, written in `module`, names; `None` past the root.
fn absolute(module: &[String], path: &[String]) -> Option<Vec<String>> {
    let (base, rest): (&[String], &[String]) = match path.first()?.as_str() {
        "crate" => (&[], &path[1..]),
        "self" => (module, &path[1..]),
        "super" => {
            let ups = path.iter().take_while(|s| *s == "super").count();
            (module.get(..module.len().checked_sub(ups)?)?, &path[ups..])
        }
        _ => (module, path),
    };
    Some(base.iter().chain(rest).cloned().collect())
}

// ---------------------------------------------------------------------------------------------------------
// The tree

/// A pseudo-module for the items defined in `lib.rs` itself: above every layer.
const LIB: &str = "lib.rs";

struct Tree {
    files: Vec<File>,
    /// The library's top-level modules found on disk.
    modules: BTreeSet<String>,
    /// A name `lib.rs` imports or re-exports, and the top-level module it comes from.
    root_names: BTreeMap<String, String>,
    /// For each folder module: a name its `mod.rs` imports from one of its submodules, and that submodule.
    folder_names: BTreeMap<String, BTreeMap<String, String>>,
}

impl Tree {
    fn new(sources: &[(String, String)]) -> Tree {
        let files: Vec<File> = sources.iter().map(|(p, t)| File::new(p, t)).collect();
        let library = || files.iter().filter(|f| !f.is_binary());
        let modules: BTreeSet<String> = library()
            .filter_map(|f| f.module.first().cloned())
            .collect();
        let root_names = library()
            .find(|f| f.path == "src/lib.rs")
            .map(|lib| {
                imports(lib, |abs| {
                    abs.first().filter(|m| modules.contains(*m)).cloned()
                })
            })
            .unwrap_or_default();
        let mut folder_names = BTreeMap::new();
        for file in library().filter(|f| f.module.len() == 1 && f.path.ends_with("/mod.rs")) {
            let folder = file.module[0].clone();
            let subs = submodules(&files, &folder);
            let names = imports(file, |abs| match abs {
                [first, sub, ..] if *first == folder && subs.contains(sub) => Some(sub.clone()),
                _ => None,
            });
            folder_names.insert(folder, names);
        }
        Tree {
            files,
            modules,
            root_names,
            folder_names,
        }
    }

    fn library(&self) -> impl Iterator<Item = &File> {
        self.files.iter().filter(|f| !f.is_binary())
    }

    /// The top-level module (or [`LIB`]) that an absolute path points into.
    fn top_of(&self, abs: &[String]) -> Option<String> {
        let first = abs.first()?;
        if first == "*" {
            None
        } else if self.modules.contains(first) {
            Some(first.clone())
        } else {
            Some(
                self.root_names
                    .get(first)
                    .cloned()
                    .unwrap_or_else(|| LIB.into()),
            )
        }
    }

    /// The submodule of `folder` that an absolute path points into, through `mod.rs`'s imports if need be.
    fn sub_of(&self, folder: &str, abs: &[String]) -> Option<String> {
        if abs.first().map(String::as_str) != Some(folder) {
            return None;
        }
        let name = abs.get(1)?;
        if submodules(&self.files, folder).contains(name) {
            Some(name.clone())
        } else {
            self.folder_names.get(folder)?.get(name).cloned()
        }
    }
}

/// The names a file imports (outside tests), each with the module `owner` says it comes from.
fn imports(file: &File, owner: impl Fn(&[String]) -> Option<String>) -> BTreeMap<String, String> {
    file.code_refs()
        .filter_map(|r| {
            let name = r.alias.clone().or_else(|| r.path.last().cloned())?;
            let from = owner(&absolute(&file.module, &r.path)?)?;
            (name != "*").then_some((name, from))
        })
        .collect()
}

fn submodules(files: &[File], folder: &str) -> BTreeSet<String> {
    files
        .iter()
        .filter(|f| !f.is_binary() && f.module.len() >= 2 && f.module[0] == folder)
        .map(|f| f.module[1].clone())
        .collect()
}

/// The places an edge between two modules is written: `file:line` -> the paths written there.
type Places = BTreeMap<String, BTreeSet<String>>;

/// Reports every cycle in `edges`: one line per place an edge inside a cycle is written.
fn cycles(scope: &str, edges: &Edges) -> Vec<String> {
    let nodes: BTreeSet<&String> = edges.keys().flat_map(|(a, b)| [a, b]).collect();
    let mut reach: BTreeSet<(&String, &String)> = edges.keys().map(|(a, b)| (a, b)).collect();
    for &k in &nodes {
        for &a in &nodes {
            for &b in &nodes {
                if reach.contains(&(a, k)) && reach.contains(&(k, b)) {
                    reach.insert((a, b));
                }
            }
        }
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for &a in &nodes {
        if seen.contains(a) || !reach.contains(&(a, a)) {
            continue;
        }
        let group: BTreeSet<&String> = nodes
            .iter()
            .copied()
            .filter(|&b| reach.contains(&(a, b)) && reach.contains(&(b, a)))
            .collect();
        seen.extend(group.iter().copied());
        let names: Vec<&str> = group.iter().map(|s| s.as_str()).collect();
        for ((from, to), places) in edges {
            if !(group.contains(from) && group.contains(to)) {
                continue;
            }
            let back = if edges.contains_key(&(to.clone(), from.clone())) {
                ", which uses it back"
            } else {
                ""
            };
            for (place, written) in places {
                let written: Vec<String> = written.iter().map(|w| format!("`{w}`")).collect();
                out.push(format!(
                    "{place}: {scope}{from} uses {scope}{to}{back} ({}; cycle among {scope}{{{}}})",
                    written.join(", "),
                    names.join(", ")
                ));
            }
        }
    }
    by_place(out)
}

/// Sorts `file:line: ...` lines by file, then line number.
fn by_place(mut lines: Vec<String>) -> Vec<String> {
    let key = |l: &String| {
        let mut parts = l.splitn(3, ':');
        let file = parts.next().unwrap_or("").to_string();
        let line: usize = parts.next().and_then(|n| n.parse().ok()).unwrap_or(0);
        (file, line)
    };
    lines.sort_by_key(key);
    lines
}

// ---------------------------------------------------------------------------------------------------------
// The checks. Each returns one line per offence, `file:line: what`.

/// The library never names the binary's `cli`; the binary reaches the library only through `scaffold::`.
fn check_binary_split(tree: &Tree) -> Vec<String> {
    let mod_decl = Regex::new(r"\bmod\s+([A-Za-z_][A-Za-z0-9_]*)").expect("valid regex");
    let names_cli = Regex::new(r"\bmod\s+cli\b|\bcrate\s*::\s*cli\b").expect("valid regex");
    let path_attr = Regex::new(r"#\s*\[\s*path\b").expect("valid regex");
    let mut out = Vec::new();
    for file in &tree.files {
        if !file.is_binary() {
            for m in names_cli.find_iter(&file.code) {
                out.push(format!(
                    "{}: `{}` in the library; the binary's cli/ is not part of it",
                    file.at(m.start()),
                    m.as_str()
                ));
            }
            continue;
        }
        if file.path == "src/main.rs" {
            for c in mod_decl.captures_iter(&file.code) {
                let at = c.get(0).map_or(0, |m| m.start());
                if &c[1] != "cli" && !file.in_test(at) {
                    out.push(format!(
                        "{}: the binary declares `mod {}`; only `mod cli` belongs to it, the rest is `scaffold::`",
                        file.at(at),
                        &c[1]
                    ));
                }
            }
        }
        for m in path_attr.find_iter(&file.code) {
            out.push(format!("{}: `#[path]` in the binary", file.at(m.start())));
        }
        for r in file.code_refs().filter(|r| r.anchored()) {
            let Some(abs) = absolute(&file.module, &r.path) else {
                continue;
            };
            if abs.first().is_some_and(|m| m != "cli" && m != "*") {
                out.push(format!(
                    "{}: `{}` reaches past cli/; use the library through `scaffold::`",
                    file.at(r.off),
                    r.written()
                ));
            }
        }
    }
    out
}

/// Every library module uses only itself and the modules [`LAYERS`] allows it.
fn check_layers(tree: &Tree) -> Vec<String> {
    let table: BTreeMap<&str, &[&str]> = LAYERS.iter().copied().collect();
    let mut out = Vec::new();
    for file in tree.library().filter(|f| !f.module.is_empty()) {
        let from = file.module[0].as_str();
        let Some(allowed) = table.get(from) else {
            out.push(format!(
                "{}:1: top-level module `{from}` has no place in the layer table (tests/architecture.rs)",
                file.path
            ));
            continue;
        };
        for r in file.code_refs() {
            let Some(to) = absolute(&file.module, &r.path).and_then(|abs| tree.top_of(&abs)) else {
                continue;
            };
            if to == from || allowed.contains(&to.as_str()) {
                continue;
            }
            let what = if to == LIB {
                format!("`{}` is an item of lib.rs, the top layer", r.written())
            } else {
                format!("{from} uses {to} (`{}`)", r.written())
            };
            out.push(format!(
                "{}: {what}; {from} may use {}",
                file.at(r.off),
                if allowed.is_empty() {
                    "nothing".to_string()
                } else {
                    allowed.join(", ")
                }
            ));
        }
    }
    out
}

type Edges = BTreeMap<(String, String), Places>;

fn add_edge(edges: &mut Edges, from: &str, to: String, file: &File, r: &Ref) {
    edges
        .entry((from.to_string(), to))
        .or_default()
        .entry(file.at(r.off))
        .or_default()
        .insert(r.written());
}

/// The edges between top-level modules, each with every place it is written.
fn top_level_edges(tree: &Tree) -> Edges {
    let mut edges: Edges = BTreeMap::new();
    for file in tree.library().filter(|f| !f.module.is_empty()) {
        let from = &file.module[0];
        for r in file.code_refs() {
            if let Some(to) = absolute(&file.module, &r.path).and_then(|abs| tree.top_of(&abs))
                && &to != from
                && to != LIB
            {
                add_edge(&mut edges, from, to, file, r);
            }
        }
    }
    edges
}

/// No two top-level modules use each other, directly or round a longer cycle.
fn check_top_level_cycles(tree: &Tree) -> Vec<String> {
    cycles("", &top_level_edges(tree))
}

/// Within each folder of [`ACYCLIC_FOLDERS`], no two submodules use each other (`super::x`, `crate::cost::x`,
/// or a name `mod.rs` imports from `x`).
fn check_folder_cycles(tree: &Tree, folders: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for &folder in folders {
        let mut edges: Edges = BTreeMap::new();
        for file in tree
            .library()
            .filter(|f| f.module.len() >= 2 && f.module[0] == folder)
        {
            let from = &file.module[1];
            for r in file.code_refs() {
                if let Some(to) =
                    absolute(&file.module, &r.path).and_then(|abs| tree.sub_of(folder, &abs))
                    && &to != from
                {
                    add_edge(&mut edges, from, to, file, r);
                }
            }
        }
        out.extend(cycles(&format!("{folder}::"), &edges));
    }
    out
}

/// No source file is longer than [`MAX_LINES`].
fn check_file_length(tree: &Tree, max: usize) -> Vec<String> {
    tree.files
        .iter()
        .filter(|f| f.lines > max)
        .map(|f| {
            format!(
                "{}:{}: {} lines, {} over the limit of {max}",
                f.path,
                max + 1,
                f.lines,
                f.lines - max
            )
        })
        .collect()
}

/// No string literal outside tests names a built-in kind: the code learns about kinds from their manifests.
fn check_kind_names(tree: &Tree, kinds: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for kind in kinds {
        let whole = Regex::new(&format!(
            r"(?:^|[^A-Za-z0-9_-]){}(?:$|[^A-Za-z0-9_-])",
            regex::escape(kind)
        ))
        .expect("valid regex");
        for file in &tree.files {
            let mut lines = BTreeSet::new();
            for (off, text) in file.strings.iter().filter(|(off, _)| !file.in_test(*off)) {
                for m in whole.find_iter(text) {
                    lines.insert(
                        file.line(off + m.start() + m.as_str().find(kind.as_str()).unwrap_or(0)),
                    );
                }
            }
            for line in lines {
                out.push(format!(
                    "{}:{line}: names the built-in kind `{kind}`; read it from templates/{kind}/template.toml",
                    file.path
                ));
            }
        }
    }
    by_place(out)
}

/// No string literal of the library, outside tests, holds a command-line flag (`--` and a lowercase letter):
/// the library names fields and questions, and src/cli/ turns them into flags.
fn check_flag_strings(tree: &Tree) -> Vec<String> {
    let flag = Regex::new(r"--[a-z][a-z0-9-]*").expect("valid regex");
    // `src/lifecycle/` runs git: a literal that is exactly one argument (`--name-only`, `--format=%H`) is one
    // of git's own options handed to it. Its messages, like every other library string, are still checked.
    let git_argument = Regex::new(r"^--[a-z][a-z0-9-]*(=\S*)?$").expect("valid regex");
    let mut out = Vec::new();
    for file in tree.library() {
        let mut by_line: BTreeMap<usize, BTreeSet<&str>> = BTreeMap::new();
        let runs_git = file.path.starts_with("src/lifecycle/");
        for (off, text) in file
            .strings
            .iter()
            .filter(|(off, _)| !file.in_test(*off))
            .filter(|(_, text)| !(runs_git && git_argument.is_match(text)))
        {
            for m in flag.find_iter(text) {
                by_line
                    .entry(file.line(off + m.start()))
                    .or_default()
                    .insert(m.as_str());
            }
        }
        for (line, flags) in by_line {
            let flags: Vec<&str> = flags.into_iter().collect();
            out.push(format!(
                "{}:{line}: flag {} in a library string; name the field and let src/cli/ name the flag",
                file.path,
                flags.join(", ")
            ));
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------------------
// The real tree

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read_sources(dir: &Path, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|e| e.expect("a readable folder entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            read_sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let rel = path.strip_prefix(root()).expect("under the crate root");
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            let text =
                std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {rel}: {e}"));
            out.push((rel, text));
        }
    }
}

fn source_tree() -> Tree {
    let mut sources = Vec::new();
    read_sources(&root().join("src"), &mut sources);
    assert!(
        sources.iter().any(|(p, _)| p == "src/lib.rs"),
        "no src/lib.rs found"
    );
    Tree::new(&sources)
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
fn the_library_and_the_binary_meet_only_at_scaffold() {
    assert_none(
        "the library must not know cli/, and cli/ must use the library through scaffold::",
        check_binary_split(&source_tree()),
    );
}

#[test]
fn each_module_uses_only_the_layers_below_it() {
    assert_none(
        "a module uses one it may not (see LAYERS)",
        check_layers(&source_tree()),
    );
}

#[test]
fn no_two_top_level_modules_use_each_other() {
    assert_none(
        "cycle between top-level modules",
        check_top_level_cycles(&source_tree()),
    );
}

#[test]
fn no_two_submodules_of_cost_or_advise_use_each_other() {
    assert_none(
        "cycle between submodules",
        check_folder_cycles(&source_tree(), ACYCLIC_FOLDERS),
    );
}

#[test]
fn no_source_file_is_longer_than_600_lines() {
    assert_none(
        "source file too long",
        check_file_length(&source_tree(), MAX_LINES),
    );
}

#[test]
fn no_built_in_kind_is_named_in_the_code() {
    assert_none(
        "built-in kind named in src/ (kinds are data)",
        check_kind_names(&source_tree(), &built_in_kinds()),
    );
}

#[test]
fn no_flag_is_named_in_the_library() {
    assert_none(
        "flag in a library string",
        check_flag_strings(&source_tree()),
    );
}

// ---------------------------------------------------------------------------------------------------------
// The checks themselves, on small made-up trees.

fn tree(files: &[(&str, &str)]) -> Tree {
    let sources: Vec<(String, String)> = files
        .iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect();
    Tree::new(&sources)
}

fn paths(text: &str) -> Vec<String> {
    let (code, _) = lex(text);
    references(&tokens(&code))
        .iter()
        .map(Ref::written)
        .collect()
}

#[test]
fn use_trees_expand_to_every_path() {
    assert_eq!(
        paths(
            "use crate::{a::B, c, d::{self, E as F}, g::*};\npub(crate) use super::x::{\n    Y,\n};"
        ),
        [
            "crate::a::B",
            "crate::c",
            "crate::d",
            "crate::d::E",
            "crate::g::*",
            "super::x::Y"
        ]
    );
    assert_eq!(
        paths("fn f() -> impl Sized + use<'a> { crate::kind::load(self::x::Y) }"),
        ["crate::kind::load", "self::x::Y"]
    );
    assert_eq!(
        paths("let v = ::std::mem::take(&mut x); $crate::m!()"),
        ["crate::m"]
    );
}

#[test]
fn comments_strings_and_chars_are_not_code() {
    let text = r####"
// use crate::plan;
/* outer /* nested crate::write */ still comment */
let a = "crate::advise \" crate::plan";
let b = r#"a "quoted" crate::write"#;
let c = '"'; let d = '\''; let e: &'static str = "x";
use crate::kind::Kind;
"####;
    assert_eq!(paths(text), ["crate::kind::Kind"]);
    let (code, strings) = lex(text);
    let contents: Vec<&str> = strings.iter().map(|(_, s)| s.as_str()).collect();
    assert_eq!(
        contents,
        [
            r#"crate::advise \" crate::plan"#,
            r#"a "quoted" crate::write"#,
            "x"
        ]
    );
    assert_eq!(code.len(), text.len());
    assert_eq!(code.lines().count(), text.lines().count());
}

#[test]
fn test_items_are_skipped_and_lines_are_exact() {
    let file = File::new(
        "src/write.rs",
        "use crate::plan::Plan;\n#[cfg(test)]\nmod tests {\n    use crate::kind::Kind;\n}\n#[cfg(test)]\nuse crate::cost;\nuse crate::error::Error;\n",
    );
    let kept: Vec<(String, usize)> = file
        .code_refs()
        .map(|r| (r.written(), file.line(r.off)))
        .collect();
    assert_eq!(
        kept,
        [
            ("crate::plan::Plan".into(), 1),
            ("crate::error::Error".into(), 8)
        ]
    );
}

#[test]
fn a_module_reaching_above_its_layer_is_reported() {
    let t = tree(&[
        (
            "src/lib.rs",
            "pub mod cost;\npub mod plan;\npub use error::Error;\npub const VERSION: &str = \"1\";\n",
        ),
        ("src/error.rs", ""),
        (
            "src/cost/mod.rs",
            "use crate::Error;\nuse crate::plan::Plan;\nfn f() { let _ = crate::VERSION; }\n",
        ),
        ("src/plan/mod.rs", "use crate::cost::Prices;\n"),
    ]);
    let found = check_layers(&t);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(
        found[0].starts_with("src/cost/mod.rs:2: cost uses plan (`crate::plan::Plan`)"),
        "{}",
        found[0]
    );
    assert!(
        found[1].starts_with("src/cost/mod.rs:3: `crate::VERSION` is an item of lib.rs"),
        "{}",
        found[1]
    );
    let cycles = check_top_level_cycles(&t);
    assert_eq!(cycles.len(), 2, "{cycles:#?}");
    assert!(
        cycles[0].starts_with("src/cost/mod.rs:2: cost uses plan, which uses it back"),
        "{}",
        cycles[0]
    );
    let unknown = check_layers(&tree(&[("src/lib.rs", ""), ("src/extra.rs", "")]));
    assert_eq!(unknown.len(), 1, "{unknown:#?}");
}

#[test]
fn submodules_using_each_other_are_reported_through_super_and_reexports() {
    let t = tree(&[
        ("src/lib.rs", "pub mod cost;\n"),
        (
            "src/cost/mod.rs",
            "pub mod a;\npub mod b;\npub mod c;\npub use a::Thing;\n",
        ),
        ("src/cost/a.rs", "use super::b::Other;\n"),
        ("src/cost/b.rs", "fn f() { super::Thing::new(); }\n"),
        (
            "src/cost/c.rs",
            "use crate::cost::a::Thing;\n#[cfg(test)]\nmod tests { use super::super::b; }\n",
        ),
    ]);
    let found = check_folder_cycles(&t, &["cost"]);
    assert_eq!(
        found,
        [
            "src/cost/a.rs:1: cost::a uses cost::b, which uses it back (`super::b::Other`; cycle among cost::{a, b})",
            "src/cost/b.rs:1: cost::b uses cost::a, which uses it back (`super::Thing::new`; cycle among cost::{a, b})",
        ]
    );
    let longer = tree(&[
        ("src/cost/a.rs", "use super::b::X;\n"),
        ("src/cost/b.rs", "use super::c::X;\n"),
        ("src/cost/c.rs", "use super::a::X;\n"),
    ]);
    assert_eq!(check_folder_cycles(&longer, &["cost"]).len(), 3);
}

#[test]
fn the_binary_and_library_crossing_over_is_reported() {
    let t = tree(&[
        (
            "src/main.rs",
            "mod cli;\nmod kind;\n#[cfg(test)]\nmod tests {}\n",
        ),
        (
            "src/cli/mod.rs",
            "use scaffold::Kind;\nuse crate::cli::x;\n",
        ),
        (
            "src/cli/new.rs",
            "use super::report;\nuse crate::kind::Kind;\n",
        ),
        (
            "src/plan/mod.rs",
            "// crate::cli in a comment is fine\nuse crate::cli::args;\n",
        ),
    ]);
    let found = check_binary_split(&t);
    assert_eq!(found.len(), 3, "{found:#?}");
    assert!(
        found[0].starts_with("src/main.rs:2: the binary declares `mod kind`"),
        "{}",
        found[0]
    );
    assert!(
        found[1].starts_with("src/cli/new.rs:2: `crate::kind::Kind` reaches past cli/"),
        "{}",
        found[1]
    );
    assert!(
        found[2].starts_with("src/plan/mod.rs:2: `crate::cli`"),
        "{}",
        found[2]
    );
}

#[test]
fn kind_names_flags_and_long_files_are_reported_outside_tests_and_comments() {
    let lib = "// \"k8s-platform\" in a comment\nconst A: &str = \"use --headroom on k8s-platform\";\nconst B: &str = \"---\\n<!-- x -->\";\nconst C: &str = \"my-k8s-platform-x\";\n#[cfg(test)]\nmod tests { const D: &str = \"k8s-platform --x\"; }\n";
    let cli = "const E: &str = \"scaffold cost --prices FILE\";\n";
    let t = tree(&[("src/cost/k8s.rs", lib), ("src/cli/cost.rs", cli)]);
    assert_eq!(
        check_kind_names(&t, &["k8s-platform".into()]),
        [
            "src/cost/k8s.rs:2: names the built-in kind `k8s-platform`; read it from templates/k8s-platform/template.toml"
        ]
    );
    assert_eq!(
        check_flag_strings(&t),
        [
            "src/cost/k8s.rs:2: flag --headroom in a library string; name the field and let src/cli/ name the flag"
        ]
    );
    assert_eq!(check_file_length(&t, 6), Vec::<String>::new());
    assert_eq!(
        check_file_length(&t, 5),
        ["src/cost/k8s.rs:6: 6 lines, 1 over the limit of 5"]
    );
}

#[test]
fn git_options_pass_in_lifecycle_but_its_messages_are_checked() {
    let git = "const A: &[&str] = &[\"--name-only\", \"--format=%H\"];\nconst B: &str = \"pass --templates DIR\";\n";
    let other = "const C: &str = \"--name-only\";\n";
    let t = tree(&[("src/lifecycle/git.rs", git), ("src/plan/x.rs", other)]);
    assert_eq!(
        check_flag_strings(&t),
        [
            "src/lifecycle/git.rs:2: flag --templates in a library string; name the field and let src/cli/ name the flag",
            "src/plan/x.rs:1: flag --name-only in a library string; name the field and let src/cli/ name the flag"
        ]
    );
}

/// The "Layers" table of docs/architecture.md: each layer with the backticked modules its "may use" cell names
/// (up to a colon, after which it explains).
fn documented_layers() -> BTreeMap<String, BTreeSet<String>> {
    let doc =
        std::fs::read_to_string(root().join("docs/architecture.md")).expect("docs/architecture.md");
    let names = |cell: &str| -> BTreeSet<String> {
        let cell = cell.split(':').next().unwrap_or_default();
        cell.split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    };
    doc.lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let layer = cells.get(1)?.strip_prefix('`')?.strip_suffix('`')?;
            let uses = names(cells.get(2)?);
            LAYERS
                .iter()
                .any(|(l, _)| *l == layer)
                .then(|| (layer.to_string(), uses))
        })
        .collect()
}

#[test]
fn docs_architecture_states_the_same_layer_table() {
    let documented = documented_layers();
    let table: BTreeMap<String, BTreeSet<String>> = LAYERS
        .iter()
        .map(|(layer, uses)| {
            (
                layer.to_string(),
                uses.iter().map(|u| u.to_string()).collect(),
            )
        })
        .collect();
    assert_eq!(
        documented, table,
        "docs/architecture.md's Layers table and LAYERS here disagree"
    );
}

/// src/lib.rs's numbered list of the layers names them in LAYERS' order, lowest first, every one of them.
#[test]
fn lib_rs_lists_the_layers_in_the_tables_order() {
    let lib = std::fs::read_to_string(root().join("src/lib.rs")).expect("src/lib.rs");
    let listed: Vec<&str> = lib
        .lines()
        .filter_map(|l| l.strip_prefix("//! "))
        .filter(|l| l.starts_with(|c: char| c.is_ascii_digit()))
        .filter_map(|l| l.split("[`").nth(1)?.split('`').next())
        .collect();
    let table: Vec<&str> = LAYERS.iter().map(|(layer, _)| *layer).collect();
    assert_eq!(
        listed, table,
        "src/lib.rs's list of layers and LAYERS here disagree"
    );
}
