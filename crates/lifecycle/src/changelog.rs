//! scaffold's own CHANGELOG.md, embedded, and the entries between two versions.

/// The changelog as shipped with this build.
pub const CHANGELOG: &str = include_str!("../CHANGELOG.md");

/// A version as three numbers; anything else is `None`.
fn parse_version(text: &str) -> Option<(u64, u64, u64)> {
    let mut it = text.trim().trim_start_matches('v').split('.');
    let v = (
        it.next()?.parse().ok()?,
        it.next()?.parse().ok()?,
        it.next()?.parse().ok()?,
    );
    it.next().is_none().then_some(v)
}

/// True when `version` is a newer release than `than` (both `x.y.z`); false when either is not a version.
pub fn is_newer(version: &str, than: &str) -> bool {
    matches!((parse_version(version), parse_version(than)), (Some(a), Some(b)) if a > b)
}

/// The `## [x.y.z]` sections of `text` newer than `from` and no newer than `to`, newest first, each with its
/// heading. Sections without a version number (`## [Unreleased]`) are left out.
pub fn between(text: &str, from: &str, to: &str) -> Vec<(String, String)> {
    let (Some(lo), Some(hi)) = (parse_version(from), parse_version(to)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut current: Option<(String, String)> = None;
    let mut keep = false;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("## [") {
            if let Some(section) = current.take()
                && keep
            {
                out.push(section);
            }
            let version = rest.split(']').next().unwrap_or("");
            keep = parse_version(version).is_some_and(|v| v > lo && v <= hi);
            current = Some((line.trim_start_matches("## ").to_string(), String::new()));
        } else if line.starts_with("[") && line.contains("]: ") {
            // Link references at the end of the file.
            continue;
        } else if let Some((_, body)) = current.as_mut() {
            body.push_str(line);
            body.push('\n');
        }
    }
    if let Some(section) = current
        && keep
    {
        out.push(section);
    }
    out.into_iter()
        .map(|(h, b)| (h, b.trim().to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "# Changelog\n\n## [Unreleased]\n\n- soon\n\n## [0.3.0] - 2027-01-01\n\n- three\n\n\
                        ## [0.2.0] - 2026-12-01\n\n- two\n\n## [0.1.0]\n\n- one\n";

    #[test]
    fn entries_after_the_recorded_version_up_to_the_running_one() {
        let got = between(TEXT, "0.1.0", "0.2.0");
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, "[0.2.0] - 2026-12-01");
        assert_eq!(got[0].1, "- two");
        assert_eq!(between(TEXT, "0.1.0", "0.3.0").len(), 2);
        assert!(between(TEXT, "0.2.0", "0.2.0").is_empty());
        assert!(between(TEXT, "garbage", "0.2.0").is_empty());
    }

    #[test]
    fn the_shipped_changelog_describes_the_running_version() {
        let running = env!("CARGO_PKG_VERSION");
        assert!(!between(CHANGELOG, "0.0.0", running).is_empty());
        assert!(CHANGELOG.contains(&format!("## [{running}]")));
    }
}
