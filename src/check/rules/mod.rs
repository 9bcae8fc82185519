//! The rules, one per file. Each exports `RULE` with its id, description and default severity and
//! its visitor (the hooks of `walk.rs` it implements); rules never use one another: what several
//! need is computed beside the context (`context.rs`, `analysis.rs`).

pub mod action_input;
pub mod deprecated_input;
pub mod duplicate_step_id;
pub mod each_outside_each;
pub mod entity_structure;
pub mod expression_syntax;
pub mod if_plain_string;
pub mod input_value_type;
pub mod parameter_default_invalid;
pub mod parameter_required_undeclared;
pub mod parameter_schema_invalid;
pub mod placeholder_include;
pub mod placeholder_nested;
pub mod secret_looking_field;
pub mod skeleton_ci_expression;
pub mod skeleton_glob_unmatched;
pub mod skeleton_missing;
pub mod skeleton_syntax;
pub mod skeleton_values;
pub mod step_id_dot_dash;
pub mod step_output_reference;
pub mod step_reference;
pub mod undeclared_parameter;
pub mod undeclared_secret;
pub mod unknown_action;
pub mod unknown_filter;
pub mod unknown_global;
pub mod unknown_ui_field;
pub mod url_outside_root;
pub mod v1beta2_syntax;
pub mod yaml_oddity;
pub mod yaml_syntax;

use super::Rule;

/// Every rule, in the order they run.
pub const ALL: &[&Rule] = &[
    &yaml_syntax::RULE,
    &yaml_oddity::RULE,
    &placeholder_include::RULE,
    &placeholder_nested::RULE,
    &entity_structure::RULE,
    &expression_syntax::RULE,
    &duplicate_step_id::RULE,
    &step_reference::RULE,
    &step_id_dot_dash::RULE,
    &step_output_reference::RULE,
    &undeclared_parameter::RULE,
    &undeclared_secret::RULE,
    &each_outside_each::RULE,
    &unknown_action::RULE,
    &action_input::RULE,
    &input_value_type::RULE,
    &unknown_filter::RULE,
    &unknown_global::RULE,
    &parameter_schema_invalid::RULE,
    &parameter_required_undeclared::RULE,
    &parameter_default_invalid::RULE,
    &unknown_ui_field::RULE,
    &secret_looking_field::RULE,
    &if_plain_string::RULE,
    &deprecated_input::RULE,
    &v1beta2_syntax::RULE,
    &url_outside_root::RULE,
    &skeleton_missing::RULE,
    &skeleton_syntax::RULE,
    &skeleton_values::RULE,
    &skeleton_ci_expression::RULE,
    &skeleton_glob_unmatched::RULE,
];
