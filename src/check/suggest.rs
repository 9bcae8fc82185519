//! "Did you mean …?" for names that are almost right.

/// The candidate nearest to `name` (case-insensitive edit distance at most a third of its
/// length, at least 1), if any.
pub fn closest<'a>(name: &str, candidates: &'a [String]) -> Option<&'a String> {
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .iter()
        .map(|c| (edit_distance(&name.to_lowercase(), &c.to_lowercase()), c))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, c)| c)
}

/// Levenshtein distance in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = (previous + usize::from(ca != *cb)).min(row[j] + 1).min(current + 1);
            previous = current;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    #[test]
    fn near_names_only() {
        let names = vec!["owner".to_string(), "name".to_string()];
        assert_eq!(super::closest("ownr", &names), Some(&names[0]));
        assert_eq!(super::closest("description", &names), None);
    }
}
