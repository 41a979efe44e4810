//! scaffold's own workflows against the runner images they name: every command a `run:` step runs, and every
//! command of a repository script it calls, must be on that image (tests/fixtures/runner-images.toml, a dated
//! list from the images' readmes) or put on PATH by an earlier `uses:` step; a command that needs root (the
//! runner's user is not root) fails unless run with sudo. A stand-in for running the workflows on GitHub.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use yaml_rust2::{Yaml, YamlLoader};

fn read(rel: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel))
        .unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Shell words that are not programs: keywords, builtins, and what this reader treats as such.
const BUILTINS: &[&str] = &[
    "if", "then", "else", "elif", "fi", "do", "done", "while", "until", "esac", "in", "!", "{",
    "}", "cd", "echo", "printf", "set", "exit", "return", "local", "readonly", "export", "trap",
    "shift", "read", "source", ".", "eval", "true", "false", "test", "[", ":", "wait", "unset",
    "declare", "break", "continue", "type", "umask", "kill", "let", "pushd", "popd", "ulimit",
    "command",
];

/// Programs that run the command after them (their own options skipped).
const WRAPPERS: &[&str] = &["exec", "nice", "time", "sudo", "logged"];

/// One simple command: its words up to the second, whether `sudo` ran it, whether a `PATH=` assignment chose
/// where it is found.
#[derive(Debug, Clone, PartialEq)]
struct Run {
    words: Vec<String>,
    sudo: bool,
    own_path: bool,
}

/// The reader's state between words.
#[derive(Default)]
struct Reader {
    out: Vec<Run>,
    cur: Option<Run>,
    word: String,
    at_command: bool,
    /// `]]` after `[[`, `do` after `for`, `in` after `case`.
    skip_until: Option<&'static str>,
    /// The depth of `case ... in` blocks.
    in_case: usize,
    /// A `case` pattern comes next.
    pattern_next: bool,
}

impl Reader {
    /// Ends the current word and decides what it is.
    fn finish(&mut self) {
        if self.word.is_empty() {
            return;
        }
        let w = std::mem::take(&mut self.word);
        if let Some(end) = self.skip_until {
            if w == end {
                self.skip_until = None;
                self.at_command = end != "in";
                if end == "in" {
                    self.pattern_next = true;
                }
            }
            return;
        }
        if self.pattern_next {
            if w == "esac" {
                self.pattern_next = false;
                self.in_case = self.in_case.saturating_sub(1);
            }
            return;
        }
        if self.at_command {
            match w.as_str() {
                "[[" => self.skip_until = Some("]]"),
                "for" => self.skip_until = Some("do"),
                "case" => {
                    self.skip_until = Some("in");
                    self.in_case += 1;
                }
                "esac" => self.in_case = self.in_case.saturating_sub(1),
                _ if BUILTINS.contains(&w.as_str())
                    && w != "!"
                    && !matches!(
                        w.as_str(),
                        "if" | "then" | "else" | "elif" | "do" | "while" | "until" | "{" | "}"
                    ) =>
                {
                    self.cur = Some(Run {
                        words: vec![w],
                        sudo: false,
                        own_path: false,
                    });
                    self.at_command = false;
                }
                _ if BUILTINS.contains(&w.as_str()) => {}
                _ if is_assignment(&w) => {
                    if w.starts_with("PATH=") {
                        self.cur
                            .get_or_insert(Run {
                                words: Vec::new(),
                                sudo: false,
                                own_path: false,
                            })
                            .own_path = true;
                    }
                }
                _ if WRAPPERS.contains(&w.as_str()) => {
                    let run = self.cur.get_or_insert(Run {
                        words: Vec::new(),
                        sudo: false,
                        own_path: false,
                    });
                    run.sudo |= w == "sudo";
                }
                _ if w.starts_with('-') || w.chars().all(|c| c.is_ascii_digit()) => {} // a wrapper's options
                _ => {
                    let mut run = self.cur.take().unwrap_or(Run {
                        words: Vec::new(),
                        sudo: false,
                        own_path: false,
                    });
                    run.words = vec![w];
                    self.cur = Some(run);
                    self.at_command = false;
                }
            }
        } else if let Some(run) = self.cur.as_mut()
            && run.words.len() == 1
        {
            run.words.push(w);
            self.out.push(run.clone());
        }
    }

    /// Ends the current simple command; at `$(`, the command read so far is complete enough to record.
    fn end_command(&mut self) {
        if let Some(run) = self.cur.take()
            && run.words.len() == 1
        {
            self.out.push(run);
        }
    }
}

/// The simple commands of a shell script, in order. A small reader, not a shell: it knows quotes, `$(...)`,
/// `${...}`, `$((...))`, `[[ ... ]]`, `case` patterns, `for` lists, comments, here-documents (skipped) and
/// redirections, which is what scaffold's scripts and steps use.
fn commands(script: &str) -> Vec<Run> {
    let text = without_heredocs(script);
    let chars: Vec<char> = text.chars().collect();
    let mut r = Reader {
        at_command: true,
        ..Reader::default()
    };
    let mut subst_depth = 0usize;
    let mut i = 0;

    let mut stack: Vec<char> = Vec::new(); // quotes and substitutions: '\'', '"', '('
    while i < chars.len() {
        let c = chars[i];
        let quoted = stack.last().copied();
        match (quoted, c) {
            (Some('\''), '\'') => {
                stack.pop();
            }
            (Some('\''), _) => r.word.push(c),
            (Some('"'), '"') => {
                stack.pop();
            }
            (Some('"'), '\\') => i += 1,
            // `$(`, in a string or not: the command read so far is complete; read the inner one.
            (None | Some('"') | Some('('), '$')
                if chars.get(i + 1) == Some(&'(') && chars.get(i + 2) != Some(&'(') =>
            {
                r.word.push('$');
                r.finish();
                r.end_command();
                r.at_command = true;
                stack.push('(');
                subst_depth += 1;
                i += 1;
            }
            (Some('"'), _) => r.word.push(c),
            (_, '\\') => i += 1,
            (_, '\'') => {
                r.word.push('q');
                stack.push('\'');
            }
            (_, '"') => {
                r.word.push('q');
                stack.push('"');
            }
            (_, '#') if r.word.is_empty() => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
                continue;
            }
            (_, '$') if chars.get(i + 1) == Some(&'{') => {
                r.word.push('$');
                let mut depth = 0;
                while i < chars.len() {
                    match chars[i] {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
            }
            (_, '$') if chars.get(i + 1) == Some(&'(') && chars.get(i + 2) == Some(&'(') => {
                r.word.push('$');
                while i + 1 < chars.len() && !(chars[i] == ')' && chars[i + 1] == ')') {
                    i += 1;
                }
                i += 1;
            }
            (_, ')') => {
                r.finish();
                if stack.last() == Some(&'(') && subst_depth > 0 {
                    r.end_command();
                    stack.pop();
                    subst_depth -= 1;
                    r.at_command = false;
                } else if r.pattern_next {
                    r.pattern_next = false;
                    r.at_command = true;
                } else {
                    r.end_command();
                }
            }
            (_, '>' | '<') => {
                // A redirection: its target is not a command.
                r.finish();
                while i + 1 < chars.len() && matches!(chars[i + 1], '>' | '<' | '&') {
                    i += 1;
                }
                while i + 1 < chars.len() && chars[i + 1] == ' ' {
                    i += 1;
                }
                let was = r.cur.take();
                while i + 1 < chars.len()
                    && !matches!(chars[i + 1], ' ' | '\n' | ';' | '|' | '&' | ')')
                {
                    i += 1;
                    if chars[i] == '"' || chars[i] == '\'' {
                        let q = chars[i];
                        i += 1;
                        while i < chars.len() && chars[i] != q {
                            i += 1;
                        }
                    }
                }
                r.cur = was;
            }
            (_, ' ' | '\t') => {
                r.finish();
            }
            (_, '\n' | ';' | '|' | '&' | '(') => {
                r.finish();
                let continued = c == '\n' && i > 0 && chars[i - 1] == '\\';
                if !continued {
                    r.end_command();
                    if r.skip_until.is_none() {
                        r.at_command = true;
                    }
                    if c == ';' && chars.get(i + 1) == Some(&';') {
                        r.pattern_next = r.in_case > 0;
                        i += 1;
                    }
                }
            }
            _ => r.word.push(c),
        }
        i += 1;
    }
    r.finish();
    r.end_command();
    r.out
}

fn is_assignment(word: &str) -> bool {
    match word.split_once('=') {
        Some((name, _)) => {
            let name = name.strip_suffix('+').unwrap_or(name);
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        }
        None => false,
    }
}

/// The script without the bodies of its here-documents (Python programs, for instance).
fn without_heredocs(script: &str) -> String {
    let mut out = String::new();
    let mut end: Option<String> = None;
    for line in script.lines() {
        if let Some(e) = &end {
            if line.trim() == e {
                end = None;
            }
            out.push('\n');
            continue;
        }
        if let Some(at) = line.find("<<") {
            let tag: String = line[at + 2..]
                .trim_start_matches('-')
                .trim_start()
                .trim_matches(|c| c == '\'' || c == '"')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !tag.is_empty() {
                end = Some(tag);
            }
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The names of the functions a script defines.
fn functions(script: &str) -> BTreeSet<String> {
    script
        .lines()
        .filter_map(|line| {
            line.trim_start()
                .split_once("() {")
                .map(|(name, _)| name.to_string())
        })
        .filter(|name| {
            name.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        })
        .collect()
}

/// The lines `scripts/test --rust-only` skips: the blocks under `if [[ $rust_only -eq 0 ]]; then`.
fn without_full_only_blocks(script: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for line in script.lines() {
        let first = line.split_whitespace().next().unwrap_or("");
        if depth > 0 {
            if first == "if" {
                depth += 1;
            } else if first == "fi" {
                depth -= 1;
            }
            out.push('\n');
            continue;
        }
        if line.trim() == "if [[ $rust_only -eq 0 ]]; then" {
            depth = 1;
            out.push('\n');
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

struct Images {
    root_only: Vec<String>,
    by_label: BTreeMap<String, (String, BTreeSet<String>)>,
    actions: BTreeMap<String, Vec<String>>,
}

fn images() -> Images {
    let table: toml::Table = read("tests/fixtures/runner-images.toml")
        .parse()
        .expect("runner-images.toml parses");
    let strings = |v: &toml::Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect()
    };
    assert!(
        table["checked"].as_str().is_some_and(|d| d.len() == 10),
        "runner-images.toml needs its checked date"
    );
    let mut by_label = BTreeMap::new();
    for (name, image) in table["images"].as_table().unwrap() {
        let tools: BTreeSet<String> = strings(&image["tools"]).into_iter().collect();
        for label in strings(&image["labels"]) {
            by_label.insert(label, (name.clone(), tools.clone()));
        }
    }
    let actions = table["actions"]
        .as_table()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), strings(v)))
        .collect();
    Images {
        root_only: strings(&table["root_only"]),
        by_label,
        actions,
    }
}

/// The job's matrix entries, each a map of matrix keys to values (one empty entry without a matrix).
fn matrix_entries(job: &Yaml) -> Vec<BTreeMap<String, String>> {
    let matrix = &job["strategy"]["matrix"];
    let text = |y: &Yaml| y.as_str().map(str::to_string).unwrap_or_default();
    let include: Vec<BTreeMap<String, String>> = matrix["include"]
        .as_vec()
        .map(|v| {
            v.iter()
                .map(|e| {
                    e.as_hash()
                        .unwrap()
                        .iter()
                        .map(|(k, v)| (text(k), text(v)))
                        .collect()
                })
                .collect()
        })
        .unwrap_or_default();
    match matrix["os"].as_vec() {
        Some(oses) => oses
            .iter()
            .map(|os| {
                let mut entry = BTreeMap::from([("os".to_string(), text(os))]);
                for extra in include.iter().filter(|e| e.get("os") == Some(&text(os))) {
                    entry.extend(extra.clone());
                }
                entry
            })
            .collect(),
        None if !include.is_empty() => include,
        None => vec![BTreeMap::new()],
    }
}

fn substitute(text: &str, entry: &BTreeMap<String, String>) -> String {
    let mut out = text.to_string();
    for (key, value) in entry {
        out = out.replace(&format!("${{{{ matrix.{key} }}}}"), value);
    }
    out
}

/// Every problem with one workflow: a command not on the image nor installed before, or one that needs root.
fn check_workflow(rel: &str, images: &Images, seen: &mut BTreeSet<String>) -> Vec<String> {
    let docs = YamlLoader::load_from_str(&read(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let mut problems = Vec::new();
    for (job_name, job) in docs[0]["jobs"].as_hash().expect("jobs") {
        let job_name = job_name.as_str().unwrap_or_default();
        if job["uses"].as_str().is_some() {
            continue; // a reusable workflow, checked on its own
        }
        for entry in matrix_entries(job) {
            let label = substitute(job["runs-on"].as_str().expect("runs-on"), &entry);
            let Some((image, tools)) = images.by_label.get(&label) else {
                problems.push(format!(
                    "{rel} {job_name}: runs-on `{label}` is not in runner-images.toml"
                ));
                continue;
            };
            let mut available = tools.clone();
            for step in job["steps"].as_vec().expect("steps") {
                if let Some(uses) = step["uses"].as_str() {
                    let action = uses.split('@').next().unwrap_or(uses);
                    match images.actions.get(action) {
                        Some(adds) => available.extend(adds.iter().cloned()),
                        None => problems.push(format!(
                            "{rel} {job_name}: action {action} is not in runner-images.toml"
                        )),
                    }
                }
                if let Some(run) = step["run"].as_str() {
                    let script = substitute(run, &entry);
                    let place = format!("{rel} {job_name} on {label} ({image})");
                    check_script(&script, &place, &available, images, seen, &mut problems, 0);
                }
            }
        }
    }
    problems
}

fn check_script(
    script: &str,
    place: &str,
    available: &BTreeSet<String>,
    images: &Images,
    seen: &mut BTreeSet<String>,
    problems: &mut Vec<String>,
    depth: usize,
) {
    assert!(depth < 5, "scripts call each other too deep at {place}");
    let defined = functions(script);
    for run in commands(script) {
        let Some(name) = run.words.first() else {
            continue;
        };
        let line = run.words.join(" ");
        seen.insert(name.clone());
        if BUILTINS.contains(&name.as_str())
            || name.starts_with('$')
            || name.starts_with('q') && name.contains('$')
            || defined.contains(name)
            || run.own_path
        {
            continue; // a variable's program, a function of the script, or a program on a PATH it sets
        }
        if let Some(rel) = name
            .strip_prefix("./")
            .or(Some(name))
            .filter(|n| n.starts_with("scripts/"))
        {
            let text = read(rel);
            let text = if script.contains(&format!("{rel} --rust-only"))
                || line.ends_with("--rust-only")
            {
                without_full_only_blocks(&text)
            } else {
                text
            };
            check_script(
                &text,
                &format!("{place} > {rel}"),
                available,
                images,
                seen,
                problems,
                depth + 1,
            );
            continue;
        }
        if !run.sudo
            && images
                .root_only
                .iter()
                .any(|r| line == *r || line.starts_with(&format!("{r} ")))
        {
            problems.push(format!(
                "{place}: `{line}` needs root, and the runner's user is not root"
            ));
        }
        if !available.contains(name) {
            problems.push(format!(
                "{place}: `{name}` is not on the image, and no earlier step installs it"
            ));
        }
    }
}

#[test]
fn every_command_a_workflow_runs_is_on_its_runner_image() {
    let images = images();
    let mut seen = BTreeSet::new();
    let mut problems = Vec::new();
    for rel in [".github/workflows/ci.yml", ".github/workflows/release.yml"] {
        problems.extend(check_workflow(rel, &images, &mut seen));
    }
    // The reader found the commands it must: a stand-in that reads nothing would pass everything.
    for known in [
        "cargo",
        "sha256sum",
        "npm",
        "tar",
        "shasum",
        "python3",
        "flock",
    ] {
        assert!(
            seen.contains(known),
            "the workflows' commands should include {known}; read: {seen:?}"
        );
    }
    problems.sort();
    problems.dedup();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_reader_finds_commands_and_skips_strings_heredocs_and_patterns() {
    let script = r#"
set -euo pipefail
x="$(cd "$(dirname "$0")/.." && pwd)"
need() { command -v "$1" >/dev/null || die "needs $1"; }
case "$1" in
    --force) FORCE=1 ;;
    -h | --help) usage; exit 0 ;;
esac
[[ $x == "a b" ]] || printf 'not run: %s\n' "rm -rf /"
logged apt-get update
sudo apt-get install -y jq
for f in a b; do sha256sum "$f" | cut -d' ' -f1 >>"$out"; done
"$PYTHON" - <<'PY'
import os
PY
nice -n 10 cargo test 2>&1
"#;
    let found: Vec<String> = commands(script)
        .iter()
        .map(|r| r.words[0].clone())
        .collect();
    // Not `rm` (inside a string), `import` (a here-document), `--force)` (a pattern), `FORCE=1`, `10`, `a`.
    assert_eq!(
        found,
        [
            "set",
            "cd",
            "dirname",
            "pwd",
            "need",
            "command",
            "die",
            "usage",
            "exit",
            "printf",
            "apt-get",
            "apt-get",
            "sha256sum",
            "cut",
            "done",
            "q$PYTHON",
            "cargo"
        ]
    );
    assert_eq!(commands(script)[10].words, ["apt-get", "update"]);
    let sudo: Vec<bool> = commands(script)
        .iter()
        .filter(|r| r.words[0] == "apt-get")
        .map(|r| r.sudo)
        .collect();
    assert_eq!(sudo, [false, true]);
}
