//! Text-field validators shared by every form, in the browser and on the server: a leaf of the
//! model, so any form's rules may use it.

use super::error::{FieldErrors, FieldProblem};

fn has_control_characters(value: &str, allow_newlines: bool) -> bool {
    value
        .chars()
        .any(|c| c.is_control() && !(allow_newlines && (c == '\n' || c == '\r' || c == '\t')))
}

pub fn text_field(
    errors: &mut FieldErrors,
    field: &str,
    value: &str,
    required: bool,
    max: usize,
    allow_newlines: bool,
) -> Option<String> {
    let value = value.trim();
    if value.is_empty() {
        if required {
            errors.add(field, FieldProblem::Required);
        }
        return None;
    }
    if value.chars().count() > max {
        errors.add(field, FieldProblem::TooLong { max });
        return None;
    }
    if has_control_characters(value, allow_newlines) {
        errors.add(field, FieldProblem::ControlCharacters);
        return None;
    }
    Some(value.to_owned())
}

/// A plausible address: one `@`, something before it, a dotted domain after, no spaces.
pub fn is_valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
}
