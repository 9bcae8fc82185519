//! The analyses behind `trellis lsp`, the language server (plugin-wrapper/src/lsp/ speaks the
//! protocol and converts positions; everything it answers is computed here).
//!
//! A [`Workspace`] holds the open documents and the last check of every template it has seen;
//! diagnostics are `trellis check`'s, run through [`crate::check::check_source_with`] with a
//! reader that serves open documents before the disk ([`overlay`]). Completion, hover,
//! definition and code actions read one template text at a time through [`cursor::Cursor`].
//!
//! Positions are the core's everywhere here: 1-based lines, 1-based columns counting characters
//! (Unicode scalar values), spans end-exclusive, as in [`crate::diagnostics::Diagnostic`].

mod actions;
mod complete;
pub mod cursor;
mod definition;
mod docs;
mod hover;
mod overlay;
mod schema;
mod workspace;

use serde::Serialize;

use crate::diagnostics::Diagnostic;
use crate::error::Span;

pub use cursor::Position;
pub use workspace::{looks_like_template, Workspace};

/// What a completion item is, for the editor's icon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemKind {
    /// A form field (`parameters.x`) or an action input.
    Field,
    /// A property of a value (`steps.x.output.y`, `user.entity`).
    Property,
    /// A step id.
    Module,
    /// A filter or a global function.
    Function,
    /// A context root (`parameters`, `steps`, …) or a global value.
    Variable,
    /// An action id.
    Value,
    /// A step key (`id`, `action`, …).
    Keyword,
}

/// One completion: `insert_text` replaces `range` (the partly typed name).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CompletionItem {
    pub label: String,
    pub kind: ItemKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Markdown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub documentation: Option<String>,
    pub insert_text: String,
    /// What the editor matches the typed text against, when not the label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter_text: Option<String>,
    pub range: Span,
}

/// Markdown about the thing under the cursor, and the text it is about.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hover {
    pub markdown: String,
    pub range: Span,
}

/// A place in a file (a definition).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Location {
    pub path: String,
    pub range: Span,
}

/// A quick fix: replace `range` of `path` with `new_text`, fixing `diagnostic`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CodeAction {
    pub title: String,
    pub path: String,
    pub range: Span,
    pub new_text: String,
    pub diagnostic: Diagnostic,
}

/// The diagnostics of one file, as the server publishes them (an empty list clears the file).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileDiagnostics {
    pub path: String,
    pub diagnostics: Vec<Diagnostic>,
}
