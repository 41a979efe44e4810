//! Splits a template into pieces that render on their own.
//!
//! The Handlebars compiler parses plain text a character at a time and looks up the line and column of every
//! token by scanning from the start of the template, so its cost grows with the square of the template's size.
//! A template is cut only at line ends outside every block, where no whitespace-control `~` reaches across the
//! cut, so each piece renders exactly as it would inside the whole; and at line ends directly inside a
//! top-level `if` or `unless` block without `else`, each piece then closing the block and the next opening it
//! again, so a file whose whole body sits in one such block compiles in time linear in its size too. Raw blocks
//! and other blocks (`each`, `with`, an `if` with `else`) are not cut inside. Runs of lines without `{{` are plain text
//! and skip the compiler; the other lines are grouped into pieces of about `TARGET` bytes.

/// Lines holding expressions are grouped until a piece reaches this size.
const TARGET: usize = 1024;

/// One piece: the line it starts on (1-based, for error messages), its text, and whether it is plain text.
/// A piece cut from inside a top-level `{{#if}}` or `{{#unless}}` block carries that block's tags around it.
pub struct Chunk<'a> {
    pub first_line: usize,
    pub text: Cow<'a, str>,
    pub plain: bool,
}

use std::borrow::Cow;

/// Where a piece may start or end: at a line end outside every block, or at a line end directly inside a
/// top-level `if`/`unless` block without `else` (the block is then closed before the cut and opened again
/// after it, which renders the same: its condition reads the same context both times).
#[derive(Clone, Copy)]
struct Cut<'a> {
    at: usize,
    /// The open tag and the closing tag of the block the cut is inside, if any.
    inside: Option<(&'a str, &'static str)>,
}

/// Cuts `text` into pieces; a template with constructs this scanner does not follow stays whole.
pub fn split(text: &str) -> Vec<Chunk<'_>> {
    let whole = vec![Chunk {
        first_line: 1,
        text: Cow::Borrowed(text),
        plain: !text.contains("{{"),
    }];
    if text.contains("{{{{") || text.contains("{{^") || text.contains("{{~^") {
        return whole;
    }
    let bytes = text.as_bytes();
    let mut cuts: Vec<Cut<'_>> = Vec::new();
    let mut depth: i64 = 0;
    let mut start = 0;
    let mut i = 0;
    // The top-level block being scanned: its open tag, its closing tag, and the cuts found inside it so far
    // (dropped if it turns out to hold an `else` or to close differently).
    let mut block: Option<(&str, &'static str, Vec<usize>)> = None;
    while i < bytes.len() {
        if bytes[i..].starts_with(b"{{") {
            let rest = &text[i..];
            let close = if rest.starts_with("{{!--") {
                rest.find("--}}").map(|e| e + 4)
            } else {
                rest.find("}}").map(|e| e + 2)
            };
            let Some(len) = close else { return whole };
            let tag = rest[2..].trim_start_matches('~').trim_start_matches('{');
            if tag.starts_with('#') {
                if depth == 0 {
                    let closing = if rest.starts_with("{{#if ") {
                        Some("{{/if}}")
                    } else if rest.starts_with("{{#unless ") {
                        Some("{{/unless}}")
                    } else {
                        None
                    };
                    let open = &rest[..len];
                    block = closing
                        .filter(|_| !open.ends_with("~}}"))
                        .map(|c| (open, c, Vec::new()));
                }
                depth += 1;
            } else if tag.starts_with('/') {
                depth -= 1;
                if depth == 0
                    && let Some((open, closing, inner)) = block.take()
                    && &rest[..len] == closing
                {
                    cuts.extend(inner.into_iter().map(|at| Cut {
                        at,
                        inside: Some((open, closing)),
                    }));
                }
            } else if depth == 1 && tag.trim_start().starts_with("else") {
                block = None;
            }
            i += len;
            continue;
        }
        if bytes[i] == b'\n' && i + 1 < bytes.len() {
            let before = text[start..=i].trim_end();
            let after = text[i + 1..].trim_start();
            if depth == 0 && !before.ends_with("~}}") && !after.starts_with("{{~") {
                cuts.push(Cut {
                    at: i + 1,
                    inside: None,
                });
                start = i + 1;
            } else if depth == 1
                && let Some((_, _, inner)) = block.as_mut()
                // The next line starts with text or a value, so the reopened tag before it is never a
                // standalone line (whose line end Handlebars would drop).
                && starts_with_text_or_value(&text[i + 1..])
                && !before.ends_with("~}}")
            {
                inner.push(i + 1);
                start = i + 1;
            }
        }
        i += 1;
    }
    if depth != 0 {
        return whole;
    }
    cuts.sort_by_key(|c| c.at);
    let end = Cut {
        at: text.len(),
        inside: None,
    };
    let mut out: Vec<Chunk<'_>> = Vec::new();
    // The piece being grouped: where it starts, its first line, whether it is plain, and the tag it reopens.
    let mut group: Option<(usize, usize, bool, Option<&str>)> = None;
    let (mut from, mut line) = (0, 1);
    let mut previous: Option<Cut<'_>> = None;
    for cut in cuts.into_iter().chain(std::iter::once(end)) {
        let piece = &text[from..cut.at];
        let reopens = previous.and_then(|p| p.inside).map(|(open, _)| open);
        let plain = !piece.contains("{{") && reopens.is_none() && cut.inside.is_none();
        let fits = |(begin, _, was_plain, _): (usize, usize, bool, Option<&str>)| {
            was_plain == plain && (plain || from - begin < TARGET)
        };
        if !group.is_some_and(fits) {
            if let Some(g) = group.take() {
                out.push(finish(text, g, from, previous));
            }
            group = Some((from, line, plain, reopens));
        }
        line += piece.matches('\n').count();
        from = cut.at;
        previous = Some(cut);
    }
    if let Some(g) = group {
        out.push(finish(text, g, from, previous));
    }
    out
}

/// A line that starts with text, or with an expression that prints a value (`{{name}}`), not with a blank, a
/// block, a comment or a partial.
fn starts_with_text_or_value(line: &str) -> bool {
    match line.strip_prefix("{{") {
        Some(rest) => rest
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '@' || c == '.'),
        None => line.chars().next().is_some_and(|c| !c.is_whitespace()),
    }
}

/// The piece from `begin` to `to`, with the block's open tag before it when it starts inside one and its
/// closing tag after it when it ends inside one.
fn finish<'a>(
    text: &'a str,
    (begin, first_line, plain, reopens): (usize, usize, bool, Option<&'a str>),
    to: usize,
    last: Option<Cut<'a>>,
) -> Chunk<'a> {
    let body = &text[begin..to];
    let closes = last.filter(|c| c.at == to).and_then(|c| c.inside);
    let text = match (reopens, closes) {
        (None, None) => Cow::Borrowed(body),
        (open, close) => Cow::Owned(format!(
            "{}{body}{}",
            open.unwrap_or(""),
            close.map_or("", |(_, c)| c)
        )),
    };
    Chunk {
        first_line,
        text,
        plain,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rejoined(text: &str) -> String {
        split(text).iter().map(|c| c.text.as_ref()).collect()
    }

    #[test]
    fn small_templates_stay_whole() {
        assert_eq!(split("hello {{name}}\n").len(), 1);
    }

    #[test]
    fn plain_lines_are_marked_and_kept_apart() {
        let chunks = split("# Title\n\nplain\n{{name}} here\nmore plain\n");
        let kinds: Vec<(bool, &str)> = chunks.iter().map(|c| (c.plain, c.text.as_ref())).collect();
        assert_eq!(
            kinds,
            [
                (true, "# Title\n\nplain\n"),
                (false, "{{name}} here\n"),
                (true, "more plain\n")
            ]
        );
        assert_eq!(chunks[2].first_line, 5);
    }

    #[test]
    fn large_templates_are_cut_at_top_level_line_ends_only() {
        // `each` repeats its body per item: cutting inside it would change the order, so it is never cut.
        let block = "{{#each a}}\n".to_string() + &"inside the block\n".repeat(300) + "{{/each}}\n";
        let text = "x\n".repeat(1500) + &block + &"y\n".repeat(1500);
        let chunks = split(&text);
        assert!(chunks.len() > 2);
        assert_eq!(rejoined(&text), text);
        for c in &chunks {
            assert_eq!(
                c.text.matches("{{#each").count(),
                c.text.matches("{{/each").count(),
                "a block was cut"
            );
        }
        let mut line = 1;
        for c in &chunks {
            assert_eq!(c.first_line, line);
            line += c.text.matches('\n').count();
        }
    }

    #[test]
    fn whitespace_control_across_a_line_end_prevents_a_cut_there() {
        let text = "a\n".repeat(1100) + "{{~name}}\n" + &"b\n".repeat(1100);
        for c in split(&text).iter().skip(1) {
            assert!(!c.text.trim_start().starts_with("{{~"), "cut before a ~");
        }
        let text = "a\n{{name~}}\n\nb\n";
        assert!(
            split(text).iter().all(|c| !c.text.starts_with("\nb")),
            "cut after a ~"
        );
    }

    #[test]
    fn a_body_in_one_if_block_is_cut_inside_it_and_each_piece_reopens_the_block() {
        let text = "{{#if a}}\n".to_string() + &"{{n}} a line\n".repeat(2000) + "{{/if}}\n";
        let chunks = split(&text);
        assert!(chunks.len() > 20, "{} pieces", chunks.len());
        for c in &chunks {
            assert!(
                c.text.len() < 2 * TARGET,
                "a piece of {} bytes",
                c.text.len()
            );
            assert!(c.text.starts_with("{{#if a}}"), "{}", c.text);
            assert!(c.text.trim_end().ends_with("{{/if}}"), "{}", c.text);
        }
        let mut line = 1;
        for c in &chunks {
            assert_eq!(c.first_line, line);
            line += c.text.matches('\n').count();
        }
    }

    #[test]
    fn an_if_with_else_or_whitespace_control_is_not_cut_inside() {
        let with_else = "{{#if a}}\n".to_string()
            + &"{{n}} x\n".repeat(1000)
            + "{{else}}\n"
            + &"{{n}} y\n".repeat(1000)
            + "{{/if}}\n";
        assert_eq!(split(&with_else).len(), 1);
        let tilde = "{{#if a~}}\n".to_string() + &"{{n}} x\n".repeat(1000) + "{{/if}}\n";
        assert_eq!(split(&tilde).len(), 1);
    }

    #[test]
    fn unbalanced_or_raw_templates_stay_whole() {
        let text = "{{#if a}}\n".to_string() + &"z\n".repeat(3000);
        assert_eq!(split(&text).len(), 1);
        assert!(!split(&text)[0].plain);
        let raw = "{{{{raw}}}}\n".to_string() + &"z\n".repeat(3000) + "{{{{/raw}}}}\n";
        assert_eq!(split(&raw).len(), 1);
    }
}
