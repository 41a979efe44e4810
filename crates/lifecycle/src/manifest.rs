//! `.scaffold/manifest` read back: the sha256 of every file as it was generated.

use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The manifest's own path inside a project, and the answers record's.
pub const MANIFEST: &str = ".scaffold/manifest";
pub const ANSWERS: &str = ".scaffold/answers.toml";

/// Path -> lowercase hex sha256, from `sha256sum`-style lines; lines that are not such are ignored.
pub fn parse(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter_map(|line| {
            let (hash, path) = line.split_once("  ")?;
            (hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
                .then(|| (path.to_string(), hash.to_ascii_lowercase()))
        })
        .collect()
}

/// The tags that hold the renderings of generated projects, one per rendering (see docs/update.md).
pub const BASE_TAGS: &str = "refs/tags/scaffold/base/";

/// The tag of the rendering whose manifest is `manifest`, of the project at `prefix` (its folder in the
/// repository, `""` or ending in `/`). Named by content, a tag never moves: fetching and pushing it needs no
/// force, and each rendering keeps its own.
pub fn base_tag(prefix: &str, manifest: &[u8]) -> String {
    let mut key = prefix.as_bytes().to_vec();
    key.push(0);
    key.extend_from_slice(manifest);
    format!("{BASE_TAGS}{}", &sha256(&key)[..20])
}

pub fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_sha256sum_lines_and_skips_the_rest() {
        let h = sha256(b"x");
        let m = parse(&format!("{h}  a/b.txt\nnot a line\n{h}  c d\n"));
        assert_eq!(m.len(), 2);
        assert_eq!(m["c d"], h);
    }
}
