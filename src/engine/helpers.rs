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

/// A YAML double-quoted scalar. Double quotes are the one YAML style that can hold any text: escapes cover
/// quotes, backslashes, control characters and line breaks, so `:`, `#`, `{{`, `%`, `&` stay plain text.
pub fn yaml(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // YAML treats these as line breaks; escape them so the value stays on one line.
            '\u{85}' => out.push_str("\\N"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            c if (c as u32) < 0x20 || c == '\u{7f}' || c == '\u{feff}' => {
                out.push_str(&format!("\\u{:04X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A JSON string literal (also a valid Python string literal).
pub fn json(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

/// A TOML string, written by the toml crate (as `.scaffold/answers.toml` is): basic, literal or multi-line,
/// whichever holds the text.
pub fn toml(s: &str) -> String {
    ::toml::Value::String(s.to_string()).to_string()
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
}
