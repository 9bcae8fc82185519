//! The names Backstage's template engine knows without any module: Nunjitsu 0.7.0's built-in
//! filters, tests and globals (the list of Nunjucks 3.2.4) and the filters and globals
//! scaffolder-backend 4.3.0 adds (docs/backstage-behaviour.md, "Template engine").

/// Nunjitsu's built-in filters: the names of `filters::TABLE`, where each is implemented.
pub const FILTERS: &[&str] = super::filters::NAMES;

/// Filters that exist only with `cookiecutterCompat`.
pub const COOKIECUTTER_FILTERS: &[&str] = &["jsonify"];

// The built-in tests, with their arities, are `predicates::TESTS`.

/// Nunjitsu's built-in global functions.
pub const GLOBALS: &[&str] = &["range", "cycler", "joiner"];

/// Filters scaffolder-backend registers for step inputs and `fetch:template`.
pub const BACKSTAGE_FILTERS: &[&str] = &["parseRepoUrl", "parseEntityRef", "pick", "projectSlug"];

/// Globals the workflow runner adds (step `if`/`input`/`output`, not `fetch:template` files).
pub const BACKSTAGE_WORKFLOW_GLOBALS: &[&str] = &["always", "failure"];
