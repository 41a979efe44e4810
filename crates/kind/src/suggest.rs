//! The choice a mistyped answer most likely meant: the one fewest single-character edits away (an insertion, a
//! deletion or a substitution), when that is few enough for a typo rather than another word.

/// The one of `choices` that `typed` is a typo of, if any: at most two edits away, and at most a third of its
/// length; the first of equally close ones.
pub fn closest<'a>(typed: &str, choices: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (typed.chars().count() / 3).clamp(1, 2);
    choices
        .into_iter()
        .map(|c| (edits(typed, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// The Levenshtein distance between `a` and `b`, in characters.
fn edits(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if ca == *cb {
                diagonal
            } else {
                1 + diagonal.min(above).min(row[j])
            };
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_count_insertions_deletions_and_substitutions() {
        assert_eq!(edits("eu-wst-1", "eu-west-1"), 1);
        assert_eq!(edits("eu-west-1", "eu-wset-1"), 2);
        assert_eq!(edits("", "abc"), 3);
        assert_eq!(edits("same", "same"), 0);
    }

    #[test]
    fn a_typo_finds_its_choice_and_another_word_finds_none() {
        let regions = ["us-east-1", "eu-west-1", "eu-west-2", "eu-central-1"];
        assert_eq!(closest("eu-wst-1", regions), Some("eu-west-1"));
        assert_eq!(closest("eu-west", regions), Some("eu-west-1"));
        assert_eq!(closest("us-east1", regions), Some("us-east-1"));
        assert_eq!(closest("traefik", ["nginx", "gateway"]), None);
        assert_eq!(closest("ab", ["xy"]), None);
    }
}
