//! The one walk over a Template document that every rule rides on (as actionlint's rules ride on
//! its `RuleBase` visitor). A rule is a [`Visitor`]: it implements the hooks for what it looks at
//! (steps, form schemas, templated strings, the context paths they read, skeletons) and leaves the
//! rest to the defaults, which do nothing. The walk visits each part of the document once, in
//! document order, and calls every rule's hook there; what several rules need is computed once
//! beside the context ([`Context`], `analysis.rs`), never in a rule.

use serde::Serialize;
use serde_json::{Map, Value};

use super::context::{Context, TemplatedString};
use super::rules;
use super::schema_walk::each_schema;
use super::skeleton::{Entry, Skeleton};
use crate::diagnostics::{Diagnostic, Severity};
use crate::engine::refs::Reference;

/// How a rule is described to users (`trellis rules`, SARIF).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct RuleInfo {
    pub id: &'static str,
    pub description: &'static str,
    pub default_severity: Severity,
}

/// A check over one Template document: its description, and its visitor for a document.
pub struct Rule {
    pub info: RuleInfo,
    /// The rule's visitor for one document, holding what the rule prepares per document (such as
    /// the names the form declares).
    pub visitor: for<'c> fn(&'c Context<'c>) -> Box<dyn Visitor + 'c>,
}

/// The hooks a rule implements; each does nothing unless the rule overrides it. Findings go to
/// `out`.
pub trait Visitor {
    /// Once per document, before anything else.
    fn document(&mut self, _context: &Context, _out: &mut Vec<Diagnostic>) {}

    /// Each step (`spec.steps[index]`), in order.
    fn step(&mut self, _context: &Context, _index: usize, _step: &Value, _out: &mut Vec<Diagnostic>) {}

    /// Each JSON Schema inside a form page (the page itself, its properties, items, combinators…),
    /// with its pointer, page by page.
    fn schema(&mut self, _context: &Context, _schema: &Map<String, Value>, _pointer: &str, _out: &mut Vec<Diagnostic>) {
    }

    /// Each templated string ([`Context::strings`]), in document order.
    fn string(&mut self, _context: &Context, _string: &TemplatedString, _out: &mut Vec<Diagnostic>) {}

    /// Each context path a parsed templated string reads (`parameters.name`, `steps.x.output.y`),
    /// in source order, after the string's own [`Visitor::string`].
    fn reference(
        &mut self,
        _context: &Context,
        _string: &TemplatedString,
        _read: &Reference,
        _out: &mut Vec<Diagnostic>,
    ) {
    }

    /// Each fetch step's skeleton ([`Context::skeletons`]).
    fn skeleton(&mut self, _context: &Context, _skeleton: &Skeleton, _out: &mut Vec<Diagnostic>) {}

    /// Each entry of a skeleton that was read, after [`Visitor::skeleton`].
    fn skeleton_entry(&mut self, _context: &Context, _skeleton: &Skeleton, _entry: &Entry, _out: &mut Vec<Diagnostic>) {
    }
}

/// Runs every rule over `context`: one visitor per rule, one walk.
pub fn run_rules(context: &Context, out: &mut Vec<Diagnostic>) {
    let mut visitors: Vec<Box<dyn Visitor + '_>> = rules::ALL.iter().map(|rule| (rule.visitor)(context)).collect();
    for visitor in &mut visitors {
        visitor.document(context, out);
    }
    for (index, step) in context.steps().iter().enumerate() {
        for visitor in &mut visitors {
            visitor.step(context, index, step, out);
        }
    }
    for (pointer, page) in context.pages() {
        each_schema(page, &pointer, &mut |schema, at| {
            for visitor in visitors.iter_mut() {
                visitor.schema(context, schema, at, out);
            }
        });
    }
    for string in &context.strings {
        for visitor in &mut visitors {
            visitor.string(context, string, out);
        }
        for reference in string.parsed.references() {
            for visitor in &mut visitors {
                visitor.reference(context, string, reference, out);
            }
        }
    }
    for skeleton in &context.skeletons {
        for visitor in &mut visitors {
            visitor.skeleton(context, skeleton, out);
        }
        for entry in skeleton.entries() {
            for visitor in &mut visitors {
                visitor.skeleton_entry(context, skeleton, entry, out);
            }
        }
    }
}
