//! Bounds on walks over template values: printing, comparing, joining, serialising to JSON.
//!
//! Values a template builds can be as deep as its loops make them (`{% set x = [x] %}`) and
//! share parts (`[x, x]` nested forty times is 2⁴⁰ items to print). The functions that walk
//! them (`Value::to_js_string`, `filters::write_json`, `Value::to_json`, …) cannot fail, so
//! each asks [`step`] before visiting an item: a walk goes at most [`MAX_VALUE_DEPTH`]
//! containers down and, while a render runs, spends one of its work units per item. Past
//! either bound the walk stops early; the evaluator then turns the stop into a located
//! limit error (and the partial result is never used). Nunjitsu refuses such values as well:
//! deeper than 256 levels, or past its work units while converting them (docs/backstage-behaviour.md,
//! "Values").
//!
//! The meter is per thread, like the evaluation it belongs to; [`Metered`] scopes it to one
//! render and restores the one before (a host filter may render again inside a render).
//! Outside a render nothing is counted and a walk still never goes deeper than the bound (values
//! leave a render only after a complete walk, so none is deeper there).

use std::cell::Cell;

use super::value::Value;

/// How many containers deep a walk goes: Nunjitsu's limit on value nesting.
pub const MAX_VALUE_DEPTH: usize = 256;

/// Why a walk stopped early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// The render's work units ran out.
    Work,
    /// A value nests deeper than [`MAX_VALUE_DEPTH`].
    Depth,
}

#[derive(Clone, Copy)]
struct Meter {
    /// Whether a render is counting (see [`Metered`]).
    metered: bool,
    /// Items walks may still visit.
    budget: u64,
    /// Items visited since the evaluator last looked.
    used: u64,
    stop: Option<Stop>,
}

const UNMETERED: Meter = Meter { metered: false, budget: u64::MAX, used: 0, stop: None };

thread_local! {
    static METER: Cell<Meter> = const { Cell::new(UNMETERED) };
}

/// Whether a walk may visit one more item, `depth` containers down (1 for the items of the
/// value it was given). Once it says no, it says no until [`take`].
pub fn step(depth: usize) -> bool {
    METER.with(|cell| {
        let mut meter = cell.get();
        if !meter.metered {
            return depth <= MAX_VALUE_DEPTH;
        }
        if meter.stop.is_none() {
            if depth > MAX_VALUE_DEPTH {
                meter.stop = Some(Stop::Depth);
            } else if meter.used >= meter.budget {
                meter.stop = Some(Stop::Work);
            } else {
                meter.used += 1;
            }
            cell.set(meter);
        }
        meter.stop.is_none()
    })
}

/// Items visited since the last call, and why a walk stopped if one did (both then cleared).
pub fn take() -> (u64, Option<Stop>) {
    METER.with(|cell| {
        let meter = cell.get();
        if meter.used != 0 || meter.stop.is_some() {
            cell.set(Meter { used: 0, stop: None, ..meter });
        }
        (meter.used, meter.stop)
    })
}

/// From now on, walks may visit `budget` items (while a render counts).
pub fn allow(budget: u64) {
    METER.with(|cell| {
        let meter = cell.get();
        if meter.metered {
            cell.set(Meter { budget, ..meter });
        }
    })
}

/// Walks all of `value` (a value about to leave a render must be walkable whole).
pub fn visit(value: &Value) {
    fn items(value: &Value, depth: usize) {
        let item = |item: &Value| {
            step(depth) && {
                items(item, depth + 1);
                true
            }
        };
        match value {
            Value::Array(list) => _ = list.borrow().iter().all(item),
            Value::Object(entries) => _ = entries.values().all(item),
            _ => {}
        }
    }
    items(value, 1)
}

/// The meter of one render, for as long as this lives.
pub struct Metered {
    previous: Meter,
}

impl Metered {
    /// Starts counting; [`allow`] sets the budget.
    pub fn start() -> Metered {
        let counting = Meter { metered: true, budget: 0, used: 0, stop: None };
        Metered { previous: METER.with(|cell| cell.replace(counting)) }
    }
}

impl Drop for Metered {
    fn drop(&mut self) {
        METER.with(|cell| cell.set(self.previous));
    }
}
