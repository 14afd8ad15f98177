//! Technical sheets ("fiches techniques", seed 002): what a salon writes on a client at a
//! visit. Shared by the browser, which checks a sheet before sending it, and the server.

use serde::{Deserialize, Serialize};

use super::error::{AppError, FieldErrors, FieldProblem};
use super::fields::{text_field, whole_number};

/// A formula or a list of products fits in a few lines.
pub const SHEET_TEXT_MAX_CHARS: usize = 2_000;
/// A pose longer than ten hours is a typing slip.
pub const POSE_MAX_MINUTES: i64 = 600;

/// A sheet as typed: every field may stay empty, but not all of them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetForm {
    pub client_id: i64,
    /// The colour formula ("6.3 + 7.43, oxydant 20 vol.").
    pub formula: String,
    pub products: String,
    /// Minutes, as typed; empty when there was no pose.
    pub pose_minutes: String,
    pub remarks: String,
}

/// A sheet as saved: trimmed texts, the pose in minutes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetContent {
    pub formula: String,
    pub products: String,
    pub pose_minutes: Option<i32>,
    pub remarks: String,
}

impl SheetForm {
    pub fn validate(&self) -> Result<SheetContent, AppError> {
        let mut errors = FieldErrors::default();
        let mut text = |field: &str, value: &str| {
            text_field(&mut errors, field, value, false, SHEET_TEXT_MAX_CHARS, true)
                .map(|text| text.replace("\r\n", "\n"))
                .unwrap_or_default()
        };
        let formula = text("formula", &self.formula);
        let products = text("products", &self.products);
        let remarks = text("remarks", &self.remarks);
        let pose_minutes = if self.pose_minutes.trim().is_empty() {
            None
        } else {
            whole_number(
                &mut errors,
                "pose_minutes",
                &self.pose_minutes,
                1,
                POSE_MAX_MINUTES,
            )
            .and_then(|minutes| i32::try_from(minutes).ok())
        };
        if errors.is_empty()
            && formula.is_empty()
            && products.is_empty()
            && remarks.is_empty()
            && pose_minutes.is_none()
        {
            errors.add("formula", FieldProblem::EmptySheet);
        }
        errors.into_result()?;
        Ok(SheetContent {
            formula,
            products,
            pose_minutes,
            remarks,
        })
    }
}

/// A sheet as the client's page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TechnicalSheet {
    pub id: i64,
    /// In the shop's time zone, `23/11/2026 14:05`.
    pub written_at: String,
    pub author_name: String,
    pub formula: String,
    pub products: String,
    pub pose_minutes: Option<i32>,
    pub remarks: String,
    /// Corrected after it was written (the same day, by its author).
    pub corrected: bool,
    /// Whether the one asking may still correct it: its author, the day it was written.
    pub editable: bool,
}

impl TechnicalSheet {
    /// The form that corrects this sheet.
    pub fn form(&self, client_id: i64) -> SheetForm {
        SheetForm {
            client_id,
            formula: self.formula.clone(),
            products: self.products.clone(),
            pose_minutes: self
                .pose_minutes
                .map(|minutes| minutes.to_string())
                .unwrap_or_default(),
            remarks: self.remarks.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(formula: &str, pose: &str, remarks: &str) -> SheetForm {
        SheetForm {
            client_id: 1,
            formula: formula.to_owned(),
            products: String::new(),
            pose_minutes: pose.to_owned(),
            remarks: remarks.to_owned(),
        }
    }

    #[test]
    fn a_sheet_is_trimmed_and_keeps_its_lines() {
        let content = sheet("  6.3 + 7.43\r\noxydant 20 vol. ", " 35 ", "")
            .validate()
            .expect("valid");
        assert_eq!(content.formula, "6.3 + 7.43\noxydant 20 vol.");
        assert_eq!(content.pose_minutes, Some(35));
        assert_eq!(content.remarks, "");
    }

    #[test]
    fn an_empty_sheet_is_refused_next_to_its_first_field() {
        assert_eq!(
            sheet(" ", "", "\n").validate(),
            Err(AppError::invalid("formula", FieldProblem::EmptySheet))
        );
    }

    #[test]
    fn a_pose_is_whole_minutes_up_to_ten_hours() {
        for typed in ["0", "-5", "601", "12,5", "une heure"] {
            assert_eq!(
                sheet("6.3", typed, "").validate(),
                Err(AppError::invalid(
                    "pose_minutes",
                    FieldProblem::NumberOutOfRange {
                        min: 1,
                        max: POSE_MAX_MINUTES
                    }
                )),
                "{typed}"
            );
        }
        assert_eq!(
            sheet("", "600", "").validate().map(|c| c.pose_minutes),
            Ok(Some(600))
        );
    }

    #[test]
    fn too_long_or_control_characters_are_refused_field_by_field() {
        let long = "a".repeat(SHEET_TEXT_MAX_CHARS + 1);
        let mut form = sheet(&long, "", "ok\u{7}");
        form.products = "Shampooing".into();
        let Err(AppError::Invalid(errors)) = form.validate() else {
            panic!("refused");
        };
        assert_eq!(
            errors.get("formula"),
            Some(&FieldProblem::TooLong {
                max: SHEET_TEXT_MAX_CHARS
            })
        );
        assert_eq!(
            errors.get("remarks"),
            Some(&FieldProblem::ControlCharacters)
        );
        assert_eq!(errors.get("products"), None);
    }
}
