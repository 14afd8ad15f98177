//! The shop's team as the owner's page shows it, and the invitation form.

use serde::{Deserialize, Serialize};

use super::auth::Role;
use super::client::{MAX_EMAIL_CHARS, MAX_NAME_CHARS};
use super::error::{AppError, FieldErrors, FieldProblem};
use super::fields::is_valid_email;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamMember {
    /// The account's id; for a pending invitation (`invited`), the invitation's.
    pub id: i64,
    pub display_name: String,
    pub email: String,
    pub role: Role,
    pub active: bool,
    /// A pending invitation: no account yet, only a cancel action.
    pub invited: bool,
    /// The signed-in owner: their own role and access cannot be changed here.
    pub is_you: bool,
}

/// What the owner learns from an invitation: that it went out to this address, nothing about
/// whether the address already has an account elsewhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationSent {
    pub email: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteForm {
    pub email: String,
    pub display_name: String,
    /// A `Role` code.
    pub role: String,
}

/// An invitation that passed the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidInvite {
    pub email: String,
    pub display_name: String,
    pub role: Role,
}

impl InviteForm {
    pub fn validate(&self) -> Result<ValidInvite, AppError> {
        let mut errors = FieldErrors::default();
        let email = self.email.trim().to_lowercase();
        if email.is_empty() {
            errors.add("email", FieldProblem::Required);
        } else if email.chars().count() > MAX_EMAIL_CHARS || !is_valid_email(&email) {
            errors.add("email", FieldProblem::InvalidEmail);
        }
        let display_name = self.display_name.trim().to_owned();
        if display_name.is_empty() {
            errors.add("display_name", FieldProblem::Required);
        } else if display_name.chars().count() > MAX_NAME_CHARS {
            errors.add(
                "display_name",
                FieldProblem::TooLong {
                    max: MAX_NAME_CHARS,
                },
            );
        } else if display_name.chars().any(char::is_control) {
            errors.add("display_name", FieldProblem::ControlCharacters);
        }
        let role = Role::from_code(self.role.trim()).filter(|role| role.in_shop());
        if role.is_none() {
            errors.add("role", FieldProblem::InvalidChoice);
        }
        errors.into_result()?;
        Ok(ValidInvite {
            email,
            display_name,
            role: role.unwrap_or(Role::Staff),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invitation_needs_an_address_a_name_and_a_role() {
        let valid = InviteForm {
            email: " Marc@Exemple.fr ".into(),
            display_name: " Marc ".into(),
            role: "staff".into(),
        }
        .validate()
        .expect("valid");
        assert_eq!(valid.email, "marc@exemple.fr");
        assert_eq!(valid.display_name, "Marc");
        assert_eq!(valid.role, Role::Staff);
        let invalid = InviteForm {
            email: "marc".into(),
            display_name: String::new(),
            role: "boss".into(),
        }
        .validate()
        .expect_err("invalid");
        let errors = invalid.field_errors().expect("fields");
        assert_eq!(errors.get("email"), Some(&FieldProblem::InvalidEmail));
        assert_eq!(errors.get("display_name"), Some(&FieldProblem::Required));
        assert_eq!(errors.get("role"), Some(&FieldProblem::InvalidChoice));
    }
}
