//! The programme's terms ("règlement", seeds 003 and 004): versions written by the owner, and
//! each client's acceptance of one of them. Shared by the browser and the server.

use serde::{Deserialize, Serialize};

use super::error::{AppError, FieldErrors};
use super::fields::text_field;

/// Terms are a page or two, not a book.
pub const TERMS_MAX_CHARS: usize = 20_000;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermsForm {
    pub body: String,
}

impl TermsForm {
    /// The text as published: trimmed, not empty, not too long, lines kept.
    pub fn validate(&self) -> Result<String, AppError> {
        let mut errors = FieldErrors::default();
        let body = text_field(&mut errors, "body", &self.body, true, TERMS_MAX_CHARS, true);
        errors.into_result()?;
        Ok(body.unwrap_or_default().replace("\r\n", "\n"))
    }
}

/// A published version of the terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermsView {
    pub version: i32,
    pub body: String,
    /// In the shop's time zone, `23/11/2026 14:05`.
    pub published_at: String,
    pub published_by: String,
}

/// How the client said yes; kept as proof.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AcceptanceSource {
    /// Asked at the till.
    Till,
    /// Signed a paper or online form.
    Form,
    /// Came with an imported file; never chosen by staff.
    Import,
}

coded!(AcceptanceSource {
    Till => "till",
    Form => "form",
    Import => "import",
});

impl AcceptanceSource {
    pub fn chosen_by_staff(self) -> bool {
        self != Self::Import
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermsAcceptance {
    pub version: i32,
    /// In the shop's time zone, `23/11/2026 14:05`.
    pub accepted_at: String,
    pub source: AcceptanceSource,
    pub author_name: String,
}

/// Where a client stands with the shop's terms.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientTerms {
    /// The version in force, if the shop published terms.
    pub current_version: Option<i32>,
    /// The client's latest acceptance, of whichever version.
    pub accepted: Option<TermsAcceptance>,
}

impl ClientTerms {
    /// The client is to be asked: terms are published and the client has not accepted this
    /// version (never, or an older one).
    pub fn due(&self) -> bool {
        match (self.current_version, &self.accepted) {
            (Some(current), Some(accepted)) => accepted.version < current,
            (Some(_), None) => true,
            (None, _) => false,
        }
    }
}

/// The client accepts the version staff showed (a newer one published meanwhile is refused).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcceptanceRequest {
    pub client_id: i64,
    pub version: i32,
    pub source: AcceptanceSource,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::error::FieldProblem;

    fn accepted(version: i32) -> Option<TermsAcceptance> {
        Some(TermsAcceptance {
            version,
            accepted_at: "04/12/2026 10:00".into(),
            source: AcceptanceSource::Till,
            author_name: "Camille".into(),
        })
    }

    #[test]
    fn a_client_is_asked_until_the_version_in_force_is_accepted() {
        let never_published = ClientTerms::default();
        assert!(!never_published.due());
        let never_asked = ClientTerms {
            current_version: Some(1),
            accepted: None,
        };
        assert!(never_asked.due());
        let older = ClientTerms {
            current_version: Some(2),
            accepted: accepted(1),
        };
        assert!(older.due());
        let current = ClientTerms {
            current_version: Some(2),
            accepted: accepted(2),
        };
        assert!(!current.due());
    }

    #[test]
    fn terms_are_trimmed_and_never_empty() {
        let form = |body: &str| TermsForm { body: body.into() };
        assert_eq!(
            form("  Article 1\r\nUn point par euro. ").validate(),
            Ok("Article 1\nUn point par euro.".to_owned())
        );
        assert_eq!(
            form(" \n ").validate(),
            Err(AppError::invalid("body", FieldProblem::Required))
        );
        assert_eq!(
            form(&"a".repeat(TERMS_MAX_CHARS + 1)).validate(),
            Err(AppError::invalid(
                "body",
                FieldProblem::TooLong {
                    max: TERMS_MAX_CHARS
                }
            ))
        );
        assert!(AcceptanceSource::Till.chosen_by_staff());
        assert!(!AcceptanceSource::Import.chosen_by_staff());
    }
}
