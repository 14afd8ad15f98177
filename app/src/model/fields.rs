//! Text-field validators shared by every form, in the browser and on the server: a leaf of the
//! model, so any form's rules may use it.

use super::error::{FieldErrors, FieldProblem};
use super::money::parse_euros;

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

/// A whole number from `min` to `max`, or the problem to show next to `field`.
pub fn whole_number(
    errors: &mut FieldErrors,
    field: &str,
    text: &str,
    min: i64,
    max: i64,
) -> Option<i64> {
    match text.trim() {
        "" => {
            errors.add(field, FieldProblem::Required);
            None
        }
        text => match text.parse::<i64>() {
            Ok(value) if (min..=max).contains(&value) => Some(value),
            _ => {
                errors.add(field, FieldProblem::NumberOutOfRange { min, max });
                None
            }
        },
    }
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

/// Cents from 0,01 € to `max_euros`, or the problem next to `field`.
pub fn euros_in_range(
    errors: &mut FieldErrors,
    field: &str,
    typed: &str,
    max_euros: i64,
) -> Option<i64> {
    match parse_euros(typed) {
        Ok(None) => {
            errors.add(field, FieldProblem::Required);
            None
        }
        Ok(Some(cents)) if cents == 0 || cents > max_euros * 100 => {
            errors.add(field, FieldProblem::AmountOutOfRange { max_euros });
            None
        }
        Ok(cents) => cents,
        Err(problem) => {
            errors.add(field, problem);
            None
        }
    }
}
