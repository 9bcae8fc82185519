//! Work accounting: every node and expression evaluated, loop iteration and item converted costs
//! a work unit, nesting is bounded, output and values built by filters are bounded in size, and
//! host calls are counted, so no template runs unbounded. The defaults are Nunjitsu's
//! (docs/backstage-behaviour.md, "Limits").

use super::*;

/// Per-render resource limits; the defaults are Nunjitsu's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Template source length in UTF-16 code units.
    pub source_code_units: usize,
    /// Nodes and expressions evaluated, loop iterations, items converted.
    pub work_units: u64,
    /// Nested evaluation depth.
    pub nesting_depth: usize,
    /// Rendered output in UTF-16 code units.
    pub output_code_units: usize,
    /// Size of one value built by a filter or method (strings, arrays), in bytes.
    pub scratch_bytes: usize,
    /// Calls of host filters and globals.
    pub capability_calls: u32,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            source_code_units: 4 * 1024 * 1024,
            work_units: 1_000_000,
            nesting_depth: 512,
            output_code_units: 16 * 1024 * 1024,
            scratch_bytes: 64 * 1024 * 1024,
            capability_calls: 4096,
        }
    }
}

impl<'t, 'e> Evaluator<'t, 'e> {
    fn out_of_work(&self) -> EvalError {
        limit(format!("the template needs more than {} work units", self.options.limits.work_units))
    }

    pub(super) fn charge(&mut self, depth: usize) -> Result<()> {
        self.work += 1;
        if self.work > self.options.limits.work_units {
            return Err(self.out_of_work());
        }
        if depth > self.options.limits.nesting_depth {
            return Err(limit(format!("the template nests deeper than {} levels", self.options.limits.nesting_depth)));
        }
        Ok(())
    }

    /// Charges `n` work units for values expanded at once (range items, converted entries).
    pub(crate) fn charge_many(&mut self, n: usize) -> Result<()> {
        self.work = self.work.saturating_add(n as u64);
        if self.work > self.options.limits.work_units {
            return Err(self.out_of_work());
        }
        Ok(())
    }

    /// Charges the items walks over values visited since the last call (see [`walk`]) and
    /// reports a walk that stopped at a bound.
    pub(super) fn charge_walks(&mut self) -> Result<()> {
        let (used, stop) = walk::take();
        if used == 0 && stop.is_none() {
            return Ok(());
        }
        self.work = self.work.saturating_add(used);
        walk::allow(self.options.limits.work_units.saturating_sub(self.work));
        match stop {
            Some(walk::Stop::Depth) => {
                Err(limit(format!("a value nests deeper than {} levels", walk::MAX_VALUE_DEPTH)))
            }
            Some(walk::Stop::Work) => Err(self.out_of_work()),
            None if self.work > self.options.limits.work_units => Err(self.out_of_work()),
            None => Ok(()),
        }
    }

    pub(super) fn append(&mut self, out: &mut Output, text: &str, encoded: Option<&str>) -> Result<()> {
        self.output_units += utf16_len(text);
        if self.output_units > self.options.limits.output_code_units {
            return Err(limit(format!(
                "the output is longer than {} characters",
                self.options.limits.output_code_units
            )));
        }
        out.text.push_str(text);
        if let Some(json) = out.json.as_mut() {
            json.push_str(encoded.unwrap_or(text));
        }
        Ok(())
    }

    /// The largest value a filter or method may build, in bytes.
    pub(crate) fn scratch_limit(&self) -> usize {
        self.options.limits.scratch_bytes
    }

    pub(super) fn check_scratch(&self, value: &Value) -> Result<()> {
        let size = match value {
            Value::Str(s) | Value::Safe(s) => s.len(),
            Value::Array(items) => items.borrow().len() * 8,
            _ => 0,
        };
        if size > self.options.limits.scratch_bytes {
            return Err(limit(format!("a value is larger than {} bytes", self.options.limits.scratch_bytes)));
        }
        Ok(())
    }
}

/// Text built by a filter or method, refused as soon as it outgrows the scratch limit. Checked
/// before each append, not on the result: repetition (`replace` with a long replacement or `$'`,
/// `join` with a long separator) can ask for far more than memory holds.
pub(crate) struct BoundedText {
    pub text: String,
    max: usize,
}

impl BoundedText {
    pub(crate) fn new(max: usize) -> BoundedText {
        BoundedText { text: String::new(), max }
    }

    pub(crate) fn push(&mut self, part: &str) -> Result<()> {
        if self.text.len().saturating_add(part.len()) > self.max {
            return Err(limit(format!("a value is larger than {} bytes", self.max)));
        }
        self.text.push_str(part);
        Ok(())
    }
}

/// `parts.join(separator)` within `max` bytes.
pub(crate) fn join_bounded(parts: &[String], separator: &str, max: usize) -> Result<String> {
    let mut out = BoundedText::new(max);
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push(separator)?;
        }
        out.push(part)?;
    }
    Ok(out.text)
}

pub(super) fn limit(message: String) -> EvalError {
    EvalError { kind: ErrorKind::Limit, message, range: (usize::MAX, usize::MAX) }
}
