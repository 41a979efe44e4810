//! Everything the binary prints besides prompts: errors, plans, lists, and the summary after writing. Colour
//! only on a terminal and never with NO_COLOR.

use console::style;
use scaffold::Plan;
use scaffold::kind::{Catalog, QuestionType};
use std::io::IsTerminal;

/// Decides once whether our own output may use colour: on a terminal that is not `TERM=dumb`, and never with
/// `NO_COLOR` set (to anything but the empty string).
pub fn init_colour() {
    let (out, err) = colour_allowed(
        std::env::var_os("NO_COLOR").as_deref(),
        std::env::var_os("TERM").as_deref(),
        std::io::stdout().is_terminal(),
        std::io::stderr().is_terminal(),
    );
    console::set_colors_enabled(out);
    console::set_colors_enabled_stderr(err);
}

/// Whether colour is allowed on (stdout, stderr), from the environment and whether each is a terminal.
fn colour_allowed(
    no_color: Option<&std::ffi::OsStr>,
    term: Option<&std::ffi::OsStr>,
    stdout_tty: bool,
    stderr_tty: bool,
) -> (bool, bool) {
    let refused = no_color.is_some_and(|v| !v.is_empty()) || term.is_some_and(|t| t == "dumb");
    (!refused && stdout_tty, !refused && stderr_tty)
}

/// Writes to standard output. A reader that went away (`scaffold list | head -1`) is not an error: there is
/// nobody left to tell, so the rest is dropped instead of panicking the way `print!` does.
pub fn emit(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|_| out.flush())
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        error_text(&format!("writing to standard output: {e}"));
    }
}

/// Standard output's width: the terminal's, else `COLUMNS`, else 80.
fn stdout_width() -> usize {
    console::Term::stdout()
        .size_checked()
        .map(|(_, cols)| usize::from(cols))
        .filter(|c| *c > 0)
        .or_else(|| std::env::var("COLUMNS").ok()?.parse().ok())
        .filter(|c: &usize| *c >= 40)
        .unwrap_or(80)
}

/// A report fitted to standard output's width: see [`fit`].
pub fn fit_to_terminal(text: &str) -> String {
    if text.trim_start().starts_with(['{', '[']) {
        return text.to_string();
    }
    fit(text, stdout_width())
}

/// Every line of `text` longer than `width` wrapped at spaces, never inside a word. A continuation line starts
/// under the line's last column (after its last run of two or more spaces) when that column begins in the
/// first half of the line, so a table row's text stays in its column; otherwise four spaces in from the
/// line's own indent, under a bullet's text for `- ` lines. Lines of a table whose last column starts past
/// the middle (figures), and command lines to copy, are left whole.
pub fn fit(text: &str, width: usize) -> String {
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        let (body, newline) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        // A command to copy stays on one line.
        if console::measure_text_width(body) <= width || body.contains("scaffold ") {
            out.push_str(line);
            continue;
        }
        let lead = body.len() - body.trim_start().len();
        let last_column = body[lead..]
            .rfind("  ")
            .map(|at| lead + at + body[lead + at..].len() - body[lead + at..].trim_start().len());
        let hang = match last_column {
            Some(col) if col <= width / 2 => col,
            Some(_) => {
                out.push_str(line);
                continue;
            }
            None if body[lead..].starts_with("- ") => lead + 2,
            None => lead + 4,
        };
        let (head, rest) = body.split_at(last_column.unwrap_or(lead));
        let mut current = head.to_string();
        let mut first = true;
        for word in rest.split_whitespace() {
            let fits =
                console::measure_text_width(&current) + 1 + console::measure_text_width(word)
                    <= width;
            let at_start = current.trim().is_empty() || (first && current.len() == head.len());
            if !fits && !at_start {
                out.push_str(current.trim_end());
                out.push('\n');
                current = " ".repeat(hang);
                first = false;
            } else if !at_start {
                current.push(' ');
            }
            current.push_str(word);
        }
        out.push_str(current.trim_end());
        out.push_str(newline);
    }
    out
}

/// Writes an error to standard error. A closed or broken stderr is ignored: the exit code still tells.
pub fn error_text(text: &str) {
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr().lock(),
        "{} {text}",
        style("error:").red().bold().for_stderr()
    );
}

pub fn plan_text(plan: &Plan, output: &str) -> String {
    let mut out = format!("Would write {} ({} kind):\n", output, plan.kind);
    out.push_str(&tree(plan, output));
    if plan.skipped.is_empty() {
        out.push_str("\nNo file left out.\n");
    } else {
        out.push_str("\nLeft out for these answers:\n");
        for s in &plan.skipped {
            out.push_str(&format!("  {:<54} {}\n", s.path, s.reason));
        }
    }
    out.push_str("\nNothing was written (--dry-run).\n");
    out
}

pub fn plan_json(plan: &Plan, output: &str, answers: &scaffold::Answers) -> String {
    let value = serde_json::json!({
        "kind": plan.kind,
        "name": plan.name,
        "output": output,
        "answers": answers.to_json_map(),
        "files": plan.files,
        "skipped": plan.skipped,
        "warnings": plan.warnings,
        "total_bytes": plan.total_bytes(),
    });
    serde_json::to_string_pretty(&value).expect("plan serialises") + "\n"
}

/// The plan's warnings on stderr, one `warning:` line each, after the files are written (or listed by a dry run),
/// so they are the last thing the user reads.
pub fn warn(plan: &Plan) {
    use std::io::Write;
    let mut err = std::io::stderr();
    for warning in &plan.warnings {
        let _ = writeln!(err, "warning: {warning}");
    }
}

pub fn written(plan: &Plan, output: &str) -> String {
    let mut out = format!(
        "{} {} {} project in {} ({} files)\n\nNext steps:\n",
        style("Created").green().bold(),
        plan.name,
        plan.kind,
        output,
        plan.files.len()
    );
    out.push_str(&format!("  cd {}\n", shell_quote(output)));
    for step in &plan.next_steps {
        out.push_str(&format!("  {step}\n"));
    }
    out
}

fn shell_quote(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

pub fn list_text(catalog: &Catalog) -> String {
    let mut out = String::new();
    for kind in &catalog.kinds {
        let m = &kind.manifest;
        out.push_str(&format!(
            "{}\n  {}\n  When: {}\n  Questions:\n",
            style(&m.kind).bold(),
            m.description,
            m.when_to_use
        ));
        for q in kind.all_questions() {
            let default = match &q.default {
                Some(d) => format!(" [default: {d}]"),
                None if !q.required => " [optional]".into(),
                None => " [required]".into(),
            };
            let kind_text = match q.kind {
                QuestionType::Choice => q
                    .choices
                    .iter()
                    .map(|c| c.value.as_str())
                    .collect::<Vec<_>>()
                    .join("|"),
                QuestionType::Int => match (q.min, q.max) {
                    (Some(a), Some(b)) => format!("int {a}..{b}"),
                    _ => "int".into(),
                },
                other => other.as_str().into(),
            };
            out.push_str(&format!(
                "    {:<18} {:<40} {}{}\n",
                q.key, kind_text, q.prompt, default
            ));
        }
        if !kind.presets.is_empty() {
            let names: Vec<&str> = kind.presets.iter().map(|(n, _)| n.as_str()).collect();
            out.push_str(&format!("  Presets (--preset): {}\n", names.join(", ")));
        }
        out.push('\n');
    }
    out
}

pub fn list_json(catalog: &Catalog) -> String {
    let kinds: Vec<serde_json::Value> = catalog
        .kinds
        .iter()
        .map(|k| {
            serde_json::json!({
                "kind": k.name(),
                "description": k.manifest.description,
                "when_to_use": k.manifest.when_to_use,
                "questions": k.all_questions(),
                "presets": k.presets.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            })
        })
        .collect();
    serde_json::to_string_pretty(&kinds).expect("list serialises") + "\n"
}

/// The files as an indented tree with sizes, in path order; a folder is shown before its first file.
pub fn tree(plan: &Plan, root: &str) -> String {
    let mut out = format!(
        "{root}/  ({} files, {})\n",
        plan.files.len(),
        human_size(plan.total_bytes())
    );
    let mut printed_dirs: Vec<String> = Vec::new();
    for f in &plan.files {
        let parts: Vec<&str> = f.path.split('/').collect();
        for depth in 0..parts.len() - 1 {
            let dir = parts[..=depth].join("/");
            if !printed_dirs.contains(&dir) {
                out.push_str(&format!("{}{}/\n", "  ".repeat(depth + 1), parts[depth]));
                printed_dirs.push(dir);
            }
        }
        let depth = parts.len() - 1;
        let name = format!(
            "{}{}{}",
            "  ".repeat(depth + 1),
            parts[depth],
            if f.executable { "*" } else { "" }
        );
        out.push_str(&format!("{name:<56} {:>9}\n", human_size(f.size)));
    }
    out
}

pub fn human_size(bytes: usize) -> String {
    if bytes < 1024 {
        format!("{bytes} B")
    } else {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    }
}

#[cfg(test)]
mod tests {

    /// Advice and cost reports fit 80 columns without splitting a word: every line at most 80 wide (but for
    /// command lines to copy and figure tables), and the words in the same order.
    #[test]
    fn reports_fit_80_columns_and_keep_every_word_whole() {
        let p = scaffold::cost::Prices::embedded().unwrap();
        let catalog = scaffold::Catalog::load(&scaffold::Source::Embedded).unwrap();
        let input = scaffold::advise::AdviseInput {
            traffic: scaffold::advise::Traffic::Bursty,
            events_per_month: 110_000_000,
            ..Default::default()
        };
        let a = scaffold::advise::advise(&p, &catalog, &input).unwrap();
        let text = super::super::advise::report(&a, &catalog);
        assert!(
            text.lines().any(|l| l.chars().count() > 80),
            "the test needs long lines"
        );
        let fitted = fit(&text, 80);
        for line in fitted.lines() {
            assert!(
                line.chars().count() <= 80 || line.contains("scaffold "),
                "{} columns: {line}",
                line.chars().count()
            );
        }
        let words = |t: &str| t.split_whitespace().map(String::from).collect::<Vec<_>>();
        assert_eq!(words(&fitted), words(&text), "a word was split or lost");
        // A reason's continuation lines start under its text column.
        let reason = fitted
            .lines()
            .skip_while(|l| !l.starts_with("  traffic "))
            .nth(1)
            .unwrap();
        assert!(
            reason.starts_with(&" ".repeat(40)) && !reason.starts_with(&" ".repeat(41)),
            "{reason:?}"
        );
        assert_eq!(fit("{\"a\": 1}", 10), "{\"a\": 1}");
    }
    use super::*;
    use scaffold::plan::PlannedFile;

    #[test]
    fn colour_needs_a_terminal_and_yields_to_no_color_and_dumb_terminals() {
        use std::ffi::OsStr;
        let xterm = Some(OsStr::new("xterm-256color"));
        assert_eq!(colour_allowed(None, xterm, true, true), (true, true));
        assert_eq!(colour_allowed(None, None, true, false), (true, false));
        assert_eq!(colour_allowed(None, xterm, false, true), (false, true));
        assert_eq!(
            colour_allowed(None, Some(OsStr::new("dumb")), true, true),
            (false, false)
        );
        assert_eq!(
            colour_allowed(Some(OsStr::new("1")), xterm, true, true),
            (false, false)
        );
        assert_eq!(
            colour_allowed(Some(OsStr::new("")), xterm, true, true),
            (true, true)
        );
    }

    #[test]
    fn tree_lists_folders_once_and_marks_executables() {
        let plan = Plan {
            kind: "k".into(),
            name: "n".into(),
            files: vec![
                PlannedFile::new("a/b.txt".into(), b"hi".to_vec()),
                PlannedFile::new("a/c.sh".into(), b"#!/bin/sh\n".to_vec()),
                PlannedFile::new("z.md".into(), vec![b'x'; 2048]),
            ],
            skipped: vec![],
            next_steps: vec![],
            warnings: vec![],
        };
        let tree = tree(&plan, "n");
        assert_eq!(tree.matches("  a/\n").count(), 1, "{tree}");
        assert!(tree.contains("c.sh*"), "{tree}");
        assert!(tree.contains("2.0 KiB"), "{tree}");
        assert!(tree.starts_with("n/  (3 files, 2.0 KiB)"), "{tree}");
    }
}
