//! How the wizard lays text out on a terminal: lines that never wrap, help wrapped on its own lines, the
//! summary that fits one screen. Everything here is pure, so it is tested without a terminal.

use std::collections::BTreeMap;

use scaffold::Plan;
use scaffold::kind::Question;

/// Room a prompt line leaves around the label: the theme's "? " before it and " › " plus a little typing
/// space after it.
const PROMPT_FRAME: usize = 2 + 3 + 4;

/// The terminal's width: the terminal's own size, else `COLUMNS`, else 80.
pub fn width() -> usize {
    console::Term::stderr()
        .size_checked()
        .map(|(_, cols)| usize::from(cols))
        .filter(|c| *c > 0)
        .or_else(|| std::env::var("COLUMNS").ok()?.parse().ok())
        .filter(|c: &usize| *c >= 20)
        .unwrap_or(80)
}

/// `text` cut to at most `max` characters, ending in "…" when cut.
pub fn clip(text: &str, max: usize) -> String {
    let one_line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if one_line.chars().count() <= max {
        return one_line;
    }
    let mut out: String = one_line.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// `text` wrapped at spaces into lines of at most `width` characters (a longer word gets a line of its own).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The one-line label of a question and the help shown above it. `progress` is "3/12" (or empty); `hint` is
/// what follows the label (the default in parentheses). A label too long for the line moves its trailing
/// parenthesis into the help, and is cut if it is still too long.
pub fn label(q: &Question, progress: &str, hint: &str, width: usize) -> (String, String) {
    let room = width.saturating_sub(PROMPT_FRAME + hint.chars().count());
    let mut prompt = q.prompt.trim().to_string();
    let mut help = q.help.trim().to_string();
    let head = |p: &str| {
        if progress.is_empty() {
            p.to_string()
        } else {
            format!("[{progress}] {p}")
        }
    };
    if head(&prompt).chars().count() > room
        && let Some(open) = prompt.rfind(" (")
        && prompt.ends_with(')') | prompt.ends_with(")?")
    {
        let question_mark = if prompt.ends_with('?') { "?" } else { "" };
        let inner = prompt[open + 2..]
            .trim_end_matches('?')
            .trim_end_matches(')')
            .to_string();
        prompt = format!("{}{question_mark}", &prompt[..open]);
        let inner = capitalise(&inner);
        help = if help.is_empty() {
            format!("{inner}.")
        } else {
            format!("{inner}. {help}")
        };
    }
    (clip(&head(&prompt), room.max(10)), help)
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// The hint after a label: the default in parentheses, "(none)" for an empty one.
pub fn default_hint(default: Option<&str>) -> String {
    match default {
        Some(d) if !d.is_empty() => format!("({d})"),
        _ => "(none)".into(),
    }
}

/// A choice's line in a picker: `value` padded to `pad`, then the label, cut to the line.
pub fn choice_line(value: &str, label: &str, pad: usize, width: usize) -> String {
    let text = if label.is_empty() {
        value.to_string()
    } else {
        format!("{value:<pad$} {label}")
    };
    // The theme puts "❯ " or "  " before each item.
    clip(&text, width.saturating_sub(3))
}

/// The top-level entries of a plan: each folder with its file count, then how many files sit at the top.
pub fn top_level(plan: &Plan) -> (Vec<(String, usize)>, usize) {
    let mut folders: BTreeMap<String, usize> = BTreeMap::new();
    let mut loose = 0;
    for f in &plan.files {
        match f.path.split_once('/') {
            Some((dir, _)) => *folders.entry(dir.to_string()).or_default() += 1,
            None => loose += 1,
        }
    }
    (folders.into_iter().collect(), loose)
}

/// The summary before writing: every answer on one line each, then the top-level folders with their file
/// counts wrapped to the width. With the five-line menu after it, it fits a 24-line screen for a kind with a
/// dozen questions.
pub fn summary<'a>(
    answers: impl Iterator<Item = (&'a str, String)>,
    plan: &Plan,
    output: &str,
    width: usize,
) -> String {
    let answers: Vec<(&str, String)> = answers.collect();
    let pad = answers
        .iter()
        .map(|(k, _)| k.len())
        .max()
        .unwrap_or(0)
        .min(24);
    let mut out = String::from("Answers:\n");
    for (k, v) in &answers {
        let shown = if v.is_empty() { "(none)" } else { v.as_str() };
        let line = format!("  {k:<pad$}  {shown}");
        out.push_str(&clip(&line, width.saturating_sub(1)));
        out.push('\n');
    }
    let (folders, loose) = top_level(plan);
    let mut parts: Vec<String> = folders.iter().map(|(d, n)| format!("{d}/ {n}")).collect();
    if loose > 0 {
        parts.push(format!("{loose} at the top"));
    }
    out.push_str(&format!(
        "{} files in {output} ({}):\n",
        plan.files.len(),
        crate::cli::report::human_size(plan.total_bytes())
    ));
    for line in wrap(&parts.join(", "), width.saturating_sub(3)) {
        out.push_str(&format!("  {line}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use scaffold::plan::PlannedFile;

    fn question(prompt: &str, help: &str) -> Question {
        Question {
            prompt: prompt.into(),
            help: help.into(),
            ..scaffold::kind::name_question()
        }
    }

    #[test]
    fn long_labels_move_their_parenthesis_into_the_help_and_fit_the_line() {
        let q = question(
            "Does compliance require workload isolation you control (namespaces, dedicated nodes, network policy)?",
            "Answer yes only if asked.",
        );
        let (label, help) = label(&q, "8/9", "(y/n)", 80);
        assert_eq!(
            label,
            "[8/9] Does compliance require workload isolation you control?"
        );
        assert!(
            help.starts_with("Namespaces, dedicated nodes, network policy. Answer"),
            "{help}"
        );
        let q = question(&"x".repeat(200), "");
        let (label, _) = super::label(&q, "1/2", "(none)", 80);
        assert!(label.chars().count() + PROMPT_FRAME + 6 <= 80, "{label}");
        assert!(label.ends_with('…'));
        let (short, help) = super::label(&question("Replicas", "h"), "", "(2)", 80);
        assert_eq!((short.as_str(), help.as_str()), ("Replicas", "h"));
    }

    #[test]
    fn an_empty_default_reads_none() {
        assert_eq!(default_hint(Some("")), "(none)");
        assert_eq!(default_hint(None), "(none)");
        assert_eq!(default_hint(Some("2")), "(2)");
    }

    #[test]
    fn picker_lines_never_pass_the_width() {
        let line = choice_line("k8s-platform", &"word ".repeat(40), 20, 80);
        assert!(line.chars().count() <= 77, "{line}");
        assert!(line.starts_with("k8s-platform         word"));
        assert_eq!(choice_line("a", "", 20, 80), "a");
    }

    #[test]
    fn wrap_keeps_words_whole_and_lines_short() {
        let lines = wrap("aa bb cc dd", 5);
        assert_eq!(lines, vec!["aa bb", "cc dd"]);
        assert_eq!(wrap("", 5), Vec::<String>::new());
        assert!(wrap(&"w ".repeat(100), 20).iter().all(|l| l.len() <= 20));
    }

    #[test]
    fn the_summary_counts_files_per_top_folder_and_fits_a_screen() {
        let mut files: Vec<PlannedFile> = (0..60)
            .map(|i| PlannedFile::new(format!("charts/x/f{i}.yaml"), b"x".to_vec()))
            .collect();
        files.push(PlannedFile::new("docs/a.md".into(), b"x".to_vec()));
        files.push(PlannedFile::new("README.md".into(), b"x".to_vec()));
        let plan = Plan {
            kind: "k".into(),
            name: "n".into(),
            files,
            skipped: vec![],
            next_steps: vec![],
            warnings: vec![],
        };
        let answers = vec![
            ("name", "shop".to_string()),
            ("description", "d".repeat(300)),
            ("email", String::new()),
        ];
        let text = summary(answers.into_iter(), &plan, "./shop", 80);
        assert!(text.contains("charts/ 60, docs/ 1, 1 at the top"), "{text}");
        assert!(text.contains("62 files in ./shop"), "{text}");
        assert!(text.contains("  email        (none)"), "{text}");
        assert!(text.lines().all(|l| l.chars().count() < 80), "{text}");
        assert!(text.lines().count() <= 7, "{text}");
    }
}
