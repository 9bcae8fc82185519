//! "Did you mean …?" for names that are almost right.

/// The candidate nearest to `name` (case-insensitive edit distance at most a third of its
/// length, at least 1), if any.
pub fn closest<'a>(name: &str, candidates: &'a [String]) -> Option<&'a String> {
    closest_within(name, candidates, (name.chars().count() / 3).max(1))
}

/// The nearest name that is a likely typo of `name`: at most two edits (and at most a third of
/// its length). A name further away is more likely a different, instance-specific name
/// (`github:repo:update` is three edits from `github:repo:create`), so only this nearness turns
/// an unknown action, filter or global into an error.
pub fn typo_of<'a>(name: &str, candidates: &'a [String]) -> Option<&'a String> {
    closest_within(name, candidates, (name.chars().count() / 3).clamp(1, 2))
}

fn closest_within<'a>(name: &str, candidates: &'a [String], limit: usize) -> Option<&'a String> {
    candidates
        .iter()
        .map(|c| (edit_distance(&name.to_lowercase(), &c.to_lowercase()), c))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, c)| c)
}

/// Edit distance in characters where swapping two neighbours counts as one edit (optimal
/// string alignment), so `rnage` is one step from `range`.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for j in 0..=b.len() {
        d[0][j] = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    #[test]
    fn near_names_only() {
        let names = vec!["owner".to_string(), "name".to_string()];
        assert_eq!(super::closest("ownr", &names), Some(&names[0]));
        assert_eq!(super::closest("description", &names), None);
        let globals = vec!["range".to_string()];
        assert_eq!(super::closest("rnage", &globals), Some(&globals[0]));
    }

    #[test]
    fn typos_are_at_most_two_edits() {
        let actions = vec!["github:repo:create".to_string(), "publish:github".to_string()];
        assert_eq!(super::typo_of("publish:gihtub", &actions), Some(&actions[1]));
        assert_eq!(super::typo_of("publsh:githb", &actions), Some(&actions[1]));
        assert_eq!(super::closest("github:repo:update", &actions), Some(&actions[0]));
        assert_eq!(super::typo_of("github:repo:update", &actions), None);
    }
}
