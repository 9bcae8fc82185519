//! Stable sorting through one compiled copy of the standard library's sort.
//!
//! `slice::sort_by` is generic over the element type and the comparison closure, so every call
//! site compiles its own copy of the whole merge sort (about 5 KB of wasm each; there were some
//! twenty sites in the two crates). These functions sort a list of positions instead, comparing
//! through a `dyn` closure, so there is one copy of the sort for the whole module, then move the
//! elements into that order. Same result as `sort_by` (stable), same O(n log n); the cost is one
//! indirect call per comparison. Issue 18 item 5 (docs/benchmarks.md "Size").

use std::cmp::Ordering;

/// `items.sort_by(compare)`: stable.
pub fn sort_by<T>(items: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    if items.len() < 2 {
        return;
    }
    let mut order: Vec<usize> = (0..items.len()).collect();
    sort_positions(&mut order, &mut |a, b| compare(&items[a], &items[b]));
    permute(items, order);
}

/// `items.sort_by_key(key)`: stable.
pub fn sort_by_key<T, K: Ord>(items: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// `items.sort()`: stable.
pub fn sort<T: Ord>(items: &mut [T]) {
    sort_by(items, T::cmp);
}

/// The one instantiation of the standard sort.
#[inline(never)]
fn sort_positions(order: &mut [usize], compare: &mut dyn FnMut(usize, usize) -> Ordering) {
    order.sort_by(|a, b| compare(*a, *b));
}

/// Puts `items[order[i]]` at position `i`, following each cycle of the permutation with swaps.
fn permute<T>(items: &mut [T], mut order: Vec<usize>) {
    for start in 0..order.len() {
        let mut at = start;
        loop {
            let from = order[at];
            order[at] = at;
            if from == start {
                break;
            }
            items.swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_like_the_standard_stable_sort() {
        // Pairs compared by their first element only: stability shows in the second.
        let mut seed = 7u64;
        for len in [0usize, 1, 2, 3, 10, 33, 200] {
            let items: Vec<(u8, usize)> = (0..len)
                .map(|i| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    ((seed >> 60) as u8, i)
                })
                .collect();
            let mut expected = items.clone();
            expected.sort_by_key(|p| p.0);
            let mut ours = items.clone();
            sort_by_key(&mut ours, |p| p.0);
            assert_eq!(ours, expected, "length {len}");
            let mut reversed = items;
            sort_by(&mut reversed, |a, b| b.0.cmp(&a.0));
            expected.sort_by(|a, b| b.0.cmp(&a.0));
            assert_eq!(reversed, expected, "length {len}, descending");
        }
    }

    #[test]
    fn sorts_owned_values() {
        let mut words: Vec<String> = ["pear", "apple", "fig", "apple"].iter().map(|w| w.to_string()).collect();
        sort(&mut words);
        assert_eq!(words, ["apple", "apple", "fig", "pear"]);
    }
}
