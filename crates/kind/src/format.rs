//! Formats: what an answer becomes (a Kubernetes name, a host, a label value, an e-mail address, ...), named by a
//! question's `format` and checked by the rules of the system that will read it. Each message says which rule
//! the answer breaks, describes the whole rule in words and gives a valid example.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// A DNS-1123 label: Kubernetes names and namespaces.
    DnsLabel,
    /// A DNS-1123 subdomain: most other Kubernetes object names.
    DnsSubdomain,
    /// A host name: each label at most 63 characters, 253 in all, not an IP address.
    Hostname,
    /// A Kubernetes label value.
    LabelValue,
    /// An e-mail address.
    Email,
    /// An AWS region code.
    AwsRegion,
    /// A GitHub user or organisation name, lowercase.
    GithubOwner,
}

#[cfg(test)]
const ALL: [Format; 7] = [
    Format::DnsLabel,
    Format::DnsSubdomain,
    Format::Hostname,
    Format::LabelValue,
    Format::Email,
    Format::AwsRegion,
    Format::GithubOwner,
];

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::DnsLabel => "dns-label",
            Format::DnsSubdomain => "dns-subdomain",
            Format::Hostname => "hostname",
            Format::LabelValue => "label-value",
            Format::Email => "email",
            Format::AwsRegion => "aws-region",
            Format::GithubOwner => "github-owner",
        }
    }

    /// A valid answer, used in messages when the question gives no `example` of its own.
    pub fn example(self) -> &'static str {
        match self {
            Format::DnsLabel => "platform",
            Format::DnsSubdomain => "payments.example.com",
            Format::Hostname => "demo.example.com",
            Format::LabelValue => "cc-1000",
            Format::Email => "oncall@example.com",
            Format::AwsRegion => "eu-west-1",
            Format::GithubOwner => "example-org",
        }
    }

    /// The whole rule, in words.
    pub fn rule(self) -> &'static str {
        match self {
            Format::DnsLabel => {
                "a DNS-1123 label is at most 63 lowercase letters, digits and '-', starting and ending with a \
                 letter or digit"
            }
            Format::DnsSubdomain => {
                "a DNS-1123 subdomain is at most 253 characters: labels of lowercase letters, digits and '-', \
                 each starting and ending with a letter or digit, joined by '.'"
            }
            Format::Hostname => {
                "a host name is two or more labels of lowercase letters, digits and '-' joined by '.', each label \
                 at most 63 characters and starting and ending with a letter or digit, at most 253 characters in \
                 all, and not an IP address"
            }
            Format::LabelValue => {
                "a Kubernetes label value is at most 63 letters, digits, '-', '_' and '.', starting and ending \
                 with a letter or digit"
            }
            Format::Email => {
                "an e-mail address is NAME@DOMAIN: a name of at most 64 letters, digits and .!#$%&'*+/=?^_`{|}~- \
                 (no leading, trailing or double '.'), and a host name with at least one '.'"
            }
            Format::AwsRegion => {
                "an AWS region code is two lowercase letters, an optional partition (-gov, -iso...), a direction \
                 and a number, joined by '-'"
            }
            Format::GithubOwner => {
                "a GitHub user or organisation name, in lowercase, is at most 39 letters, digits and single '-', \
                 neither starting nor ending with '-'"
            }
        }
    }

    /// What is wrong with `s` in this format, as the end of a sentence about the answer ("is ...", "holds ...").
    pub fn problem(self, s: &str) -> Option<String> {
        match self {
            Format::DnsLabel => label_problem(s, 63, Chars::Dns),
            Format::DnsSubdomain => dotted_problem(s, None),
            Format::Hostname => dotted_problem(s, Some(63)).or_else(|| {
                let last = s.rsplit('.').next().unwrap_or(s);
                if !s.contains('.') {
                    Some("has no '.'".to_string())
                } else if last.bytes().all(|b| b.is_ascii_digit()) {
                    Some("ends with an all-digit label, as an IP address does".to_string())
                } else {
                    None
                }
            }),
            Format::LabelValue if s.is_empty() => None,
            Format::LabelValue => label_problem(s, 63, Chars::Label),
            Format::Email => email_problem(s),
            Format::AwsRegion => aws_region_problem(s),
            Format::GithubOwner => label_problem(s, 39, Chars::Dns).or_else(|| {
                s.contains("--")
                    .then(|| "holds two '-' in a row".to_string())
            }),
        }
    }
}

#[derive(Clone, Copy)]
enum Chars {
    /// Lowercase letters, digits and '-'.
    Dns,
    /// Letters, digits, '-', '_' and '.'.
    Label,
}

fn allowed(c: char, chars: Chars) -> bool {
    match chars {
        Chars::Dns => c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-',
        Chars::Label => c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'),
    }
}

fn show_char(c: char) -> String {
    if c.is_ascii_uppercase() {
        format!("the uppercase letter '{c}'")
    } else if c.is_control() || c.is_whitespace() {
        format!("the character U+{:04X}", c as u32)
    } else {
        format!("'{c}'")
    }
}

fn label_problem(s: &str, max: usize, chars: Chars) -> Option<String> {
    let n = s.chars().count();
    if n == 0 {
        return Some("is empty".into());
    }
    if n > max {
        return Some(format!("is {n} characters long (at most {max})"));
    }
    if let Some(c) = s.chars().find(|&c| !allowed(c, chars)) {
        return Some(format!("holds {}", show_char(c)));
    }
    let first = s.chars().next()?;
    let last = s.chars().last()?;
    if !first.is_ascii_alphanumeric() {
        return Some(format!("starts with '{first}'"));
    }
    if !last.is_ascii_alphanumeric() {
        return Some(format!("ends with '{last}'"));
    }
    None
}

/// Labels joined by dots; `label_max` limits each label (host names), `None` only the whole (subdomains).
fn dotted_problem(s: &str, label_max: Option<usize>) -> Option<String> {
    let n = s.chars().count();
    if n == 0 {
        return Some("is empty".into());
    }
    if n > 253 {
        return Some(format!("is {n} characters long (at most 253)"));
    }
    for label in s.split('.') {
        if label.is_empty() {
            return Some("has an empty label (a '.' at an end, or two in a row)".into());
        }
        if let Some(p) = label_problem(label, label_max.unwrap_or(253), Chars::Dns) {
            let short: String = label.chars().take(20).collect();
            let more = if label.chars().count() > 20 {
                "…"
            } else {
                ""
            };
            return Some(format!("has a label `{short}{more}` that {p}"));
        }
    }
    None
}

fn email_problem(s: &str) -> Option<String> {
    let n = s.chars().count();
    if n > 254 {
        return Some(format!("is {n} characters long (at most 254)"));
    }
    let Some((local, domain)) = s.rsplit_once('@') else {
        return Some("has no '@'".into());
    };
    if local.is_empty() {
        return Some("has nothing before the '@'".into());
    }
    if local.contains('@') {
        return Some("holds more than one '@'".into());
    }
    if local.chars().count() > 64 {
        return Some("has more than 64 characters before the '@'".into());
    }
    if let Some(c) = local
        .chars()
        .find(|&c| !(c.is_ascii_alphanumeric() || ".!#$%&'*+/=?^_`{|}~-".contains(c)))
    {
        return Some(format!("holds {} before the '@'", show_char(c)));
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Some("has a '.' at an end of the name or two in a row".into());
    }
    let domain = domain.to_ascii_lowercase();
    if !domain.contains('.') {
        return Some(format!("has a domain `{domain}` without a '.'"));
    }
    dotted_problem(&domain, Some(63)).map(|p| format!("has a domain that {p}"))
}

fn aws_region_problem(s: &str) -> Option<String> {
    let parts: Vec<&str> = s.split('-').collect();
    let lower = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase());
    let ok = match parts.as_slice() {
        [geo, rest @ .., direction, number] => {
            geo.len() == 2
                && lower(geo)
                && lower(direction)
                && !number.is_empty()
                && number.bytes().all(|b| b.is_ascii_digit())
                && match rest {
                    [] => true,
                    [p] => *p == "gov" || (p.starts_with("iso") && lower(p)),
                    _ => false,
                }
        }
        _ => false,
    };
    (!ok).then(|| "is not a region code".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_example_passes_its_own_format() {
        for f in ALL {
            assert_eq!(f.problem(f.example()), None, "{}", f.as_str());
            let back: Format = serde_json::from_value(serde_json::json!(f.as_str())).unwrap();
            assert_eq!(back, f);
        }
    }

    #[test]
    fn formats_accept_what_their_systems_accept() {
        let ok = [
            (Format::DnsLabel, "a"),
            (Format::DnsLabel, "9team"),
            (Format::DnsLabel, &"a".repeat(63)),
            (Format::DnsSubdomain, "a.b-c.d"),
            (Format::Hostname, "shop.127.0.0.1.nip.io"),
            (Format::LabelValue, "Cost_Center.1"),
            (Format::LabelValue, ""),
            (Format::Email, "first.last+tag@sub.Example.com"),
            (Format::AwsRegion, "us-east-1"),
            (Format::AwsRegion, "us-gov-west-1"),
            (Format::AwsRegion, "us-isob-east-1"),
            (Format::AwsRegion, "ap-southeast-5"),
            (Format::GithubOwner, "a-b-c9"),
        ];
        for (f, s) in ok {
            assert_eq!(f.problem(s), None, "{} {s}", f.as_str());
        }
    }

    #[test]
    fn formats_refuse_what_their_systems_refuse() {
        let long_label = format!("{}.nip.io", "a".repeat(64));
        let long_host = vec!["a".repeat(60); 5].join(".");
        let bad = [
            (Format::DnsLabel, "team-", "ends with '-'"),
            (Format::DnsLabel, "-team", "starts with '-'"),
            (Format::DnsLabel, "Team", "the uppercase letter 'T'"),
            (
                Format::DnsLabel,
                &"a".repeat(64),
                "64 characters long (at most 63)",
            ),
            (Format::DnsLabel, "a.b", "holds '.'"),
            (Format::DnsSubdomain, "a..b", "empty label"),
            (
                Format::Hostname,
                &long_label,
                "64 characters long (at most 63)",
            ),
            (
                Format::Hostname,
                &long_host,
                "304 characters long (at most 253)",
            ),
            (Format::Hostname, "10.0.0.1", "all-digit label"),
            (Format::Hostname, "localhost", "has no '.'"),
            (Format::Hostname, "a_b.com", "holds '_'"),
            (Format::LabelValue, "-x", "starts with '-'"),
            (Format::LabelValue, "a b", "U+0020"),
            (Format::Email, "nobody", "no '@'"),
            (Format::Email, "a@b", "without a '.'"),
            (Format::Email, "a@@b.c", "more than one '@'"),
            (Format::Email, "a..b@c.d", "two in a row"),
            (Format::Email, "a b@c.d", "U+0020"),
            (Format::AwsRegion, "useast1", "not a region code"),
            (Format::AwsRegion, "us-east-", "not a region code"),
            (Format::AwsRegion, "US-EAST-1", "not a region code"),
            (Format::GithubOwner, "a--b", "two '-' in a row"),
            (Format::GithubOwner, &"a".repeat(40), "at most 39"),
        ];
        for (f, s, needle) in bad {
            let p = f
                .problem(s)
                .unwrap_or_else(|| panic!("{} accepts {s}", f.as_str()));
            assert!(p.contains(needle), "{} {s}: {p}", f.as_str());
        }
    }
}
