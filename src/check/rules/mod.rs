//! The rules, one per file. Each exports `RULE` with its id, description and default severity.

pub mod duplicate_step_id;
pub mod expression_syntax;
pub mod if_plain_string;
pub mod step_id_dot_dash;
pub mod step_reference;
pub mod undeclared_parameter;
pub mod v1beta2_syntax;
pub mod yaml_syntax;

use super::Rule;

/// Every rule, in the order they run.
pub const ALL: &[&Rule] = &[
    &yaml_syntax::RULE,
    &expression_syntax::RULE,
    &duplicate_step_id::RULE,
    &step_reference::RULE,
    &step_id_dot_dash::RULE,
    &undeclared_parameter::RULE,
    &if_plain_string::RULE,
    &v1beta2_syntax::RULE,
];
