//! The keys a shop's owner gives a till or a website for `/api/v1`, as the owner's page shows
//! them.

use serde::{Deserialize, Serialize};

use super::error::{FieldErrors, FieldProblem};
use super::fields::text_field;

/// What every key starts with, so a leaked one is recognisable (secret scanners, logs).
pub const API_KEY_PREFIX: &str = "cpt_";
/// The characters of a key kept to tell keys apart: the prefix and eight of the secret.
pub const API_KEY_HINT_CHARS: usize = 12;
pub const API_KEY_NAME_MAX: usize = 60;

/// What a key may do: read clients, balances and rewards, or also enrol clients and record
/// purchases, visits, points used and rewards claimed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ApiKeyScope {
    Read,
    ReadWrite,
}

coded!(ApiKeyScope {
    Read => "read",
    ReadWrite => "read_write",
});

impl ApiKeyScope {
    pub fn can_write(self) -> bool {
        self == Self::ReadWrite
    }

    pub fn from_can_write(can_write: bool) -> Self {
        if can_write {
            Self::ReadWrite
        } else {
            Self::Read
        }
    }
}

/// Why the REST API refused a request before any service saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ApiRefusal {
    /// No `Authorization: Bearer` header.
    MissingKey,
    /// A key that does not exist, was revoked, or whose owner's account is disabled.
    UnknownKey,
    /// A read-only key asked to change something.
    ReadOnlyKey,
    RateLimited {
        retry_after_seconds: u64,
    },
    /// A change to the ledger without an `Idempotency-Key` header, or with one that is empty or
    /// too long.
    IdempotencyKey,
    /// A body, path or query that does not read as the operation's schema.
    Malformed,
    /// The query names neither a phone nor an e-mail.
    ContactMissing,
    UnknownAddress,
}

/// Longest `Idempotency-Key` header taken.
pub const IDEMPOTENCY_KEY_MAX: usize = 255;

/// The owner's form for a new key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewApiKey {
    pub name: String,
    pub scope: String,
}

impl NewApiKey {
    /// The key's name and scope, or every problem at once.
    pub fn validate(&self) -> Result<(String, ApiKeyScope), FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = text_field(
            &mut errors,
            "name",
            &self.name,
            true,
            API_KEY_NAME_MAX,
            false,
        );
        let scope = ApiKeyScope::from_code(&self.scope);
        if scope.is_none() {
            errors.add("scope", FieldProblem::InvalidChoice);
        }
        match (name, scope) {
            (Some(name), Some(scope)) if errors.is_empty() => Ok((name, scope)),
            _ => Err(errors),
        }
    }
}

/// A key as listed: never its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyView {
    pub id: i64,
    pub name: String,
    pub hint: String,
    pub scope: ApiKeyScope,
    /// Date and time in the shop's zone.
    pub created_at: String,
    pub created_by: String,
    /// To the minute: a key used all day is not written down at every request.
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

/// A key just made: the secret is shown this once and kept nowhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedApiKey {
    pub key: ApiKeyView,
    pub secret: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_needs_a_name_and_a_known_scope() {
        let form = NewApiKey {
            name: "  Caisse du comptoir ".into(),
            scope: "read_write".into(),
        };
        assert_eq!(
            form.validate(),
            Ok(("Caisse du comptoir".to_owned(), ApiKeyScope::ReadWrite))
        );
        let errors = NewApiKey {
            name: " ".into(),
            scope: "admin".into(),
        }
        .validate()
        .unwrap_err();
        assert_eq!(errors.get("name"), Some(&FieldProblem::Required));
        assert_eq!(errors.get("scope"), Some(&FieldProblem::InvalidChoice));
    }
}
