//! Every template helper, registered in one place. Case helpers turn names into the forms other ecosystems
//! want; quoting helpers make any text a valid YAML, JSON or TOML value wherever it lands.

use handlebars::{Handlebars, handlebars_helper};

/// Splits text into lowercase ASCII-alphanumeric words; every other character separates words.
fn words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for ch in s.chars() {
        if ch.is_ascii_alphanumeric() {
            // a lower-to-upper step starts a new word: "myService" -> my, service
            if ch.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = ch.is_ascii_lowercase() || ch.is_ascii_digit();
            cur.push(ch.to_ascii_lowercase());
        } else {
            prev_lower = false;
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

pub fn kebab(s: &str) -> String {
    words(s).join("-")
}

pub fn snake(s: &str) -> String {
    words(s).join("_")
}

pub fn title(s: &str) -> String {
    words(s)
        .iter()
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether `c` may appear as itself in every output the quoting helpers write: YAML 1.2's printable set
/// (`#x20-#x7E | #xA0-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF`, which PyYAML, yamllint and go-yaml enforce),
/// less the characters some readers take for a line break (U+2028, U+2029) or a byte-order mark (U+FEFF). JSON
/// and TOML accept all of these as they are. Everything else is written as an escape.
pub fn is_plain(c: char) -> bool {
    matches!(c as u32, 0x20..=0x7E | 0xA0..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF)
        && !matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}')
}

/// `\uXXXX`: every character [`is_plain`] refuses is in the Basic Multilingual Plane, so no wider escape is needed.
fn push_unicode_escape(out: &mut String, c: char) {
    debug_assert!((c as u32) <= 0xFFFF);
    out.push_str(&format!("\\u{:04X}", c as u32));
}

/// A double-quoted string: quotes, backslashes, `\n`, `\r` and `\t` escaped the way YAML, JSON and TOML all read
/// them, and every character that is not printable (see [`is_plain`]) as `\uXXXX`. `yaml_breaks` also writes
/// YAML's own escapes for the characters YAML treats as line breaks, so the value stays on one line.
fn quoted(s: &str, yaml_breaks: bool) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{85}' if yaml_breaks => out.push_str("\\N"),
            '\u{2028}' if yaml_breaks => out.push_str("\\L"),
            '\u{2029}' if yaml_breaks => out.push_str("\\P"),
            c if is_plain(c) => out.push(c),
            c => push_unicode_escape(&mut out, c),
        }
    }
    out.push('"');
    out
}

/// A YAML double-quoted scalar. Double quotes are the one YAML style that can hold any text: escapes cover
/// quotes, backslashes, control characters and line breaks, so `:`, `#`, `{{`, `%`, `&` stay plain text. Only
/// printable characters (see [`is_plain`]) are written as themselves, so the strictest readers accept the file.
pub fn yaml(s: &str) -> String {
    quoted(s, true)
}

/// A JSON string literal, also a valid Python string literal: quotes, backslashes and every character that is
/// not printable (see [`is_plain`]) are escaped, so JavaScript before ES2019 and Python read it as well.
pub fn json(s: &str) -> String {
    quoted(s, false)
}

/// A TOML basic string on one line: quotes, backslashes and every character that is not printable (see
/// [`is_plain`]) are escaped, so TOML 1.0 readers (Python's tomllib, the toml crate) accept it.
pub fn toml(s: &str) -> String {
    quoted(s, false)
}

handlebars_helper!(kebab_helper: |s: str| kebab(s));
handlebars_helper!(snake_helper: |s: str| snake(s));
handlebars_helper!(title_helper: |s: str| title(s));
handlebars_helper!(upper_helper: |s: str| s.to_uppercase());
handlebars_helper!(yaml_helper: |s: str| yaml(s));
handlebars_helper!(json_helper: |s: str| json(s));
handlebars_helper!(toml_helper: |s: str| toml(s));

/// Registers every helper, turns strict mode on and HTML escaping off.
pub fn register(hb: &mut Handlebars<'_>) {
    hb.set_strict_mode(true);
    hb.register_escape_fn(handlebars::no_escape);
    hb.register_helper("kebab", Box::new(kebab_helper));
    hb.register_helper("snake", Box::new(snake_helper));
    hb.register_helper("title", Box::new(title_helper));
    hb.register_helper("upper", Box::new(upper_helper));
    hb.register_helper("yaml", Box::new(yaml_helper));
    hb.register_helper("json", Box::new(json_helper));
    hb.register_helper("toml", Box::new(toml_helper));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_helpers() {
        assert_eq!(kebab("Payments API v2"), "payments-api-v2");
        assert_eq!(kebab("myService"), "my-service");
        assert_eq!(snake("payments-api"), "payments_api");
        assert_eq!(title("payments-api"), "Payments Api");
        assert_eq!(kebab("  "), "");
    }

    #[test]
    fn quoting_helpers_escape_what_must_be_escaped() {
        assert_eq!(yaml("a \"b\"\nc"), r#""a \"b\"\nc""#);
        assert_eq!(json("a\"b"), r#""a\"b""#);
        assert_eq!(toml("a\\b\u{1}"), r#""a\\b\u0001""#);
        assert_eq!(yaml("bom\u{feff}\u{1}"), r#""bom\uFEFF\u0001""#);
        for hostile in [
            "a\\b\u{1}",
            "it's \"both\"",
            "two\nlines",
            "'''",
            "\u{feff}x",
        ] {
            let doc: ::toml::Table = ::toml::from_str(&format!("v = {}", toml(hostile))).unwrap();
            assert_eq!(doc["v"].as_str(), Some(hostile), "{}", toml(hostile));
            let text = format!("v: {}", yaml(hostile));
            let docs = yaml_rust2::YamlLoader::load_from_str(&text).unwrap();
            assert_eq!(docs[0]["v"].as_str(), Some(hostile), "{text}");
        }
    }

    /// YAML 1.2's printable set, the rule PyYAML applies to a whole stream ("unacceptable character").
    fn yaml_printable(c: char) -> bool {
        matches!(c as u32, 0x9 | 0xA | 0xD | 0x20..=0x7E | 0x85 | 0xA0..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF)
    }

    #[test]
    fn every_unicode_scalar_is_quoted_into_printable_text_that_reads_back() {
        let all: Vec<char> = (0..=0x10FFFFu32).filter_map(char::from_u32).collect();
        for chunk in all.chunks(8192) {
            let text: String = chunk.iter().collect();
            for (format, quoted) in [
                ("yaml", yaml(&text)),
                ("json", json(&text)),
                ("toml", toml(&text)),
            ] {
                if let Some(bad) = quoted.chars().find(|&c| !is_plain(c)) {
                    panic!("{format} writes U+{:04X} as itself", bad as u32);
                }
                assert!(quoted.chars().all(yaml_printable));
            }
            let docs =
                yaml_rust2::YamlLoader::load_from_str(&format!("v: {}", yaml(&text))).unwrap();
            assert_eq!(docs[0]["v"].as_str(), Some(text.as_str()));
            let back: String = serde_json::from_str(&json(&text)).unwrap();
            assert_eq!(back, text);
            let doc: ::toml::Table = ::toml::from_str(&format!("v = {}", toml(&text))).unwrap();
            assert_eq!(doc["v"].as_str(), Some(text.as_str()));
        }
        assert_eq!(
            yaml("\u{85}\u{9f}\u{fffe}\u{ffff}\u{2028}"),
            r#""\N\u009F\uFFFE\uFFFF\L""#
        );
        assert_eq!(json("\u{7f}\u{2029}"), r#""\u007F\u2029""#);
        assert_eq!(toml("\u{80}\u{feff}"), r#""\u0080\uFEFF""#);
    }
}
