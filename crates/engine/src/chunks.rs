//! Splits a template into pieces that render on their own.
//!
//! The Handlebars compiler parses plain text a character at a time and looks up the line and column of every
//! token by scanning from the start of the template, so its cost grows with the square of the template's size.
//! A template is cut only at line ends outside every block, where no whitespace-control `~` reaches across the
//! cut, so each piece renders exactly as it would inside the whole; and at line ends directly inside a
//! top-level `if` or `unless` block without `else`, each piece then closing the block and the next opening it
//! again, so a file whose whole body sits in one such block compiles in time linear in its size too. A top-level
//! `{{{{raw}}}}` block is cut at line ends inside it as well: its content is literal, so the pieces wholly inside
//! it are plain text and only the pieces holding its tags are compiled. Other blocks (`each`, `with`, an `if`
//! with `else`, other raw blocks) are not cut inside; the engine refuses a piece above `MAX_PIECE`, which keeps
//! a whole file's compile time linear in its size. Runs of lines without `{{` are plain text and skip the
//! compiler; the other lines are grouped into pieces of about `TARGET` bytes.

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
    /// Where the raw block the cut is inside starts: the text between two cuts of one raw block is literal.
    raw: Option<usize>,
}

/// Cuts `text` into pieces; a template with constructs this scanner does not follow stays whole.
pub fn split(text: &str) -> Vec<Chunk<'_>> {
    let whole = vec![Chunk {
        first_line: 1,
        text: Cow::Borrowed(text),
        plain: !text.contains("{{"),
    }];
    // Handlebars decides whether a comment's line is standalone, and how far a `~` reaches, from the tags and text
    // around it, across line ends; a cut anywhere in such a template could change what a piece prints, so it is
    // compiled whole (the engine refuses a piece above its bound, which keeps the compile time bounded).
    if text.contains("{{^") || text.contains("{{~") || text.contains("~}}") || text.contains("{{!")
    {
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
            if rest.starts_with("{{{{") {
                let Some((len, inner)) = raw_block(rest) else {
                    return whole;
                };
                if depth == 0 {
                    cuts.extend(inner.into_iter().map(|at| Cut {
                        at: i + at,
                        inside: Some((RAW_OPEN, RAW_CLOSE)),
                        raw: Some(i),
                    }));
                }
                i += len;
                continue;
            }
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
                        raw: None,
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
            if depth == 0
                && !before.ends_with("~}}")
                && !after.starts_with("{{~")
                && !blank_or_comment(text[..i].rsplit('\n').next().unwrap_or(""))
                && !blank_or_comment(text[i + 1..].split('\n').next().unwrap_or(""))
            {
                cuts.push(Cut {
                    at: i + 1,
                    inside: None,
                    raw: None,
                });
                start = i + 1;
            } else if depth == 1
                && let Some((_, _, inner)) = block.as_mut()
                // Only between two lines of plain text: the reopened tag before the next line is then never a
                // standalone line (whose line end Handlebars would drop), and no tag near the cut is judged
                // standalone or not by what the added tags put beside it.
                && plain_line_at(text, i + 1)
                && plain_line_before(text, i)
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
        raw: None,
    };
    let mut out: Vec<Chunk<'_>> = Vec::new();
    // The piece being grouped: where it starts, its first line, whether it is plain, and the tag it reopens.
    let mut group: Option<(usize, usize, bool, Option<&str>)> = None;
    let (mut from, mut line) = (0, 1);
    let mut previous: Option<Cut<'_>> = None;
    for cut in cuts.into_iter().chain(std::iter::once(end)) {
        let piece = &text[from..cut.at];
        let literal = cut.raw.is_some() && previous.is_some_and(|p| p.raw == cut.raw);
        let reopens = previous
            .and_then(|p| p.inside)
            .map(|(open, _)| open)
            .filter(|_| !literal);
        let plain = literal || (!piece.contains("{{") && reopens.is_none() && cut.inside.is_none());
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

/// The raw block this scanner cuts inside; its content is printed as it stands.
const RAW_OPEN: &str = "{{{{raw}}}}";
const RAW_CLOSE: &str = "{{{{/raw}}}}";

/// The raw block at the start of `rest`: its length and, for a `{{{{raw}}}}` block, the offsets of the line
/// ends inside it where it may be cut. A cut needs a line with text on each side of it, so that neither the
/// closing tag added before the cut nor the open tag added after it stands alone on its line (Handlebars would
/// drop such a line's end), and the line after it must not start with whitespace, which Handlebars drops at
/// the start of a raw block. `None` when the block does not close as this scanner expects.
fn raw_block(rest: &str) -> Option<(usize, Vec<usize>)> {
    let open_len = rest.find("}}}}")? + 4;
    let open = &rest[..open_len];
    let name = open[4..open_len - 4].split_whitespace().next()?;
    // The content runs to the next `{{{{`, which must be this block's own closing tag.
    let content_len = rest[open_len..].find("{{{{")?;
    let content = &rest[open_len..open_len + content_len];
    let close = format!("{{{{{{{{/{name}}}}}}}}}");
    if open.contains('~') || !rest[open_len + content_len..].starts_with(&close) {
        return None;
    }
    let len = open_len + content_len + close.len();
    if open != RAW_OPEN || content.contains('\\') {
        return Some((len, Vec::new()));
    }
    let mut cuts = Vec::new();
    let mut line_start = 0;
    for (n, _) in content.match_indices('\n') {
        let next = &content[n + 1..];
        let next_line = &next[..next.find('\n').unwrap_or(next.len())];
        if !content[line_start..n].trim().is_empty()
            && next_line.starts_with(|c: char| !c.is_whitespace())
        {
            cuts.push(open_len + n + 1);
        }
        line_start = n + 1;
    }
    Some((len, cuts))
}

/// A blank line or a line of one comment: a `~` reaches across such lines, and Handlebars drops a comment's line
/// as a standalone one, so a cut next to one could change what a piece prints.
fn blank_or_comment(line: &str) -> bool {
    let line = line.trim();
    line.is_empty() || line.starts_with("{{!") || line.starts_with("{{~!")
}

/// The line starting at `at` holds no tag and starts with text, not a blank.
fn plain_line_at(text: &str, at: usize) -> bool {
    let line = text[at..].split('\n').next().unwrap_or("");
    !line.contains("{{") && line.chars().next().is_some_and(|c| !c.is_whitespace())
}

/// The line ending with the line end at `end` holds no tag and is not blank.
fn plain_line_before(text: &str, end: usize) -> bool {
    let line = text[..end].rsplit('\n').next().unwrap_or("");
    !line.contains("{{") && !line.trim().is_empty()
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
    let closes = last.filter(|c| c.at == to && !plain).and_then(|c| c.inside);
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

    /// Each piece starts on the line after the lines of the pieces before it (the tags added around cuts hold
    /// no line ends).
    fn assert_first_lines_follow(chunks: &[Chunk<'_>]) {
        let mut line = 1;
        for c in chunks {
            assert_eq!(c.first_line, line);
            line += c.text.matches('\n').count();
        }
    }

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
        assert_first_lines_follow(&chunks);
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
        // Cuts fall only between two lines of plain text.
        let text = "{{#if a}}\n".to_string()
            + &"{{n}} a line\nplain one\nplain two\n".repeat(700)
            + "{{/if}}\n";
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
        assert_first_lines_follow(&chunks);
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
    fn unbalanced_or_unknown_raw_templates_stay_whole() {
        let text = "{{#if a}}\n".to_string() + &"z\n".repeat(3000);
        assert_eq!(split(&text).len(), 1);
        assert!(!split(&text)[0].plain);
        let unclosed = "{{{{raw}}}}\n".to_string() + &"z\n".repeat(3000);
        assert_eq!(split(&unclosed).len(), 1);
        let tilde = "{{{{raw~}}}}\n".to_string() + &"z\n".repeat(3000) + "{{{{/raw}}}}\n";
        assert_eq!(split(&tilde).len(), 1);
    }

    #[test]
    fn a_raw_block_is_cut_inside_and_its_inner_pieces_are_literal() {
        let raw =
            "{{{{raw}}}}\n".to_string() + &"{{not a value}} z\n".repeat(3000) + "{{{{/raw}}}}\n";
        let text = "{{n}} before\n".to_string() + &raw + "{{n}} after\n";
        let chunks = split(&text);
        assert!(chunks.len() >= 3, "{} pieces", chunks.len());
        let first = &chunks[0];
        assert!(!first.plain);
        assert!(first.text.starts_with("{{n}} before\n{{{{raw}}}}\n"));
        assert!(first.text.ends_with("z\n{{{{/raw}}}}"), "{}", first.text);
        let last = chunks.last().unwrap();
        assert!(!last.plain);
        assert!(
            last.text.starts_with("{{{{raw}}}}{{not a value}}"),
            "{}",
            last.text
        );
        assert!(last.text.ends_with("{{{{/raw}}}}\n{{n}} after\n"));
        let middle = &chunks[1..chunks.len() - 1];
        assert!(!middle.is_empty() && middle.iter().all(|c| c.plain));
        // Without the tags added around the cuts, the pieces are the template again.
        let mut bare = first.text.strip_suffix("{{{{/raw}}}}").unwrap().to_string();
        bare.extend(middle.iter().map(|c| c.text.as_ref()));
        bare += last.text.strip_prefix("{{{{raw}}}}").unwrap();
        assert!(bare == text, "the pieces are not the template again");
        assert_first_lines_follow(&chunks);
    }

    #[test]
    fn a_raw_block_is_not_cut_next_to_a_blank_line_nor_when_it_holds_a_backslash() {
        let raw = "{{{{raw}}}}\n".to_string() + &"x\n\n".repeat(2000) + "{{{{/raw}}}}\n";
        assert_eq!(split(&raw).len(), 1);
        let escaped = "{{{{raw}}}}\n".to_string() + &"x \\{{y}}\n".repeat(2000) + "{{{{/raw}}}}\n";
        assert_eq!(split(&escaped).len(), 1);
        // Another raw block's name is kept whole, and so is the text around it at the top level.
        let other = "{{{{other}}}}\n".to_string() + &"x\n".repeat(2000) + "{{{{/other}}}}\n";
        let text = "a\n".repeat(2000) + &other;
        let chunks = split(&text);
        assert!(chunks.iter().any(|c| c.text.as_ref() == other));
    }
}
