//! Splits a template into pieces that render on their own.
//!
//! The Handlebars compiler parses plain text a character at a time and looks up the line and column of every
//! token by scanning from the start of the template, so its cost grows with the square of the template's size.
//! A template is cut only at line ends outside every block, where no whitespace-control `~` reaches across the
//! cut, so each piece renders exactly as it would inside the whole. Runs of lines without `{{` are plain text
//! and skip the compiler; the other lines are grouped into pieces of about `TARGET` bytes.

/// Lines holding expressions are grouped until a piece reaches this size.
const TARGET: usize = 1024;

/// One piece: the line it starts on (1-based, for error messages), its text, and whether it is plain text.
pub struct Chunk<'a> {
    pub first_line: usize,
    pub text: &'a str,
    pub plain: bool,
}

/// Cuts `text` into pieces; a template with constructs this scanner does not follow stays whole.
pub fn split(text: &str) -> Vec<Chunk<'_>> {
    let whole = vec![Chunk {
        first_line: 1,
        text,
        plain: !text.contains("{{"),
    }];
    if text.contains("{{{{") || text.contains("{{^") || text.contains("{{~^") {
        return whole;
    }
    let bytes = text.as_bytes();
    let mut cuts = Vec::new();
    let mut depth: i64 = 0;
    let mut start = 0;
    let mut i = 0;
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
                depth += 1;
            } else if tag.starts_with('/') {
                depth -= 1;
            }
            i += len;
            continue;
        }
        if bytes[i] == b'\n' && depth == 0 && i + 1 < bytes.len() {
            let before = text[start..=i].trim_end();
            let after = text[i + 1..].trim_start();
            if !before.ends_with("~}}") && !after.starts_with("{{~") {
                cuts.push(i + 1);
                start = i + 1;
            }
        }
        i += 1;
    }
    if depth != 0 {
        return whole;
    }
    let mut out: Vec<Chunk<'_>> = Vec::new();
    // `begin` is where the last chunk in `out` starts.
    let (mut from, mut line, mut begin) = (0, 1, 0);
    for cut in cuts.into_iter().chain(std::iter::once(text.len())) {
        let piece = &text[from..cut];
        let plain = !piece.contains("{{");
        match out.last_mut() {
            // Extend the last chunk when it is of the same sort (and, for expressions, not yet full).
            Some(last) if last.plain == plain && (plain || last.text.len() < TARGET) => {
                last.text = &text[begin..cut];
            }
            _ => {
                begin = from;
                out.push(Chunk {
                    first_line: line,
                    text: piece,
                    plain,
                });
            }
        }
        line += piece.matches('\n').count();
        from = cut;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rejoined(text: &str) -> String {
        split(text).iter().map(|c| c.text).collect()
    }

    #[test]
    fn small_templates_stay_whole() {
        assert_eq!(split("hello {{name}}\n").len(), 1);
    }

    #[test]
    fn plain_lines_are_marked_and_kept_apart() {
        let chunks = split("# Title\n\nplain\n{{name}} here\nmore plain\n");
        let kinds: Vec<(bool, &str)> = chunks.iter().map(|c| (c.plain, c.text)).collect();
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
        let block = "{{#if a}}\n".to_string() + &"inside the block\n".repeat(300) + "{{/if}}\n";
        let text = "x\n".repeat(1500) + &block + &"y\n".repeat(1500);
        let chunks = split(&text);
        assert!(chunks.len() > 2);
        assert_eq!(rejoined(&text), text);
        for c in &chunks {
            assert_eq!(
                c.text.matches("{{#if").count(),
                c.text.matches("{{/if").count(),
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
    fn unbalanced_or_raw_templates_stay_whole() {
        let text = "{{#if a}}\n".to_string() + &"z\n".repeat(3000);
        assert_eq!(split(&text).len(), 1);
        assert!(!split(&text)[0].plain);
        let raw = "{{{{raw}}}}\n".to_string() + &"z\n".repeat(3000) + "{{{{/raw}}}}\n";
        assert_eq!(split(&raw).len(), 1);
    }
}
