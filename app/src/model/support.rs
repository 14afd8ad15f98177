//! The platform support's view: shops, and on a shop's request a client's data report or its
//! erasure.

use serde::{Deserialize, Serialize};

use super::error::{AppError, FieldErrors};
use super::fields::text_field;

pub const SHOPS_PAGE_SIZE: u64 = 50;
pub const MAX_REASON_CHARS: usize = 300;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopSummary {
    pub id: i64,
    pub name: String,
    /// In Paris time, `23/11/2026`.
    pub created_on: String,
    /// Clients with a file of their own (not merged, not erased).
    pub clients: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopPage {
    pub shops: Vec<ShopSummary>,
    pub total: u64,
    pub page: u64,
}

/// Erasing a client on request: the shop, the client, and the request it answers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErasureRequest {
    pub shop_id: i64,
    pub client_id: i64,
    /// Who asked and how, e.g. "Demande de la cliente par e-mail du 20/11"; kept in the audit log.
    pub reason: String,
}

impl ErasureRequest {
    pub fn valid_reason(&self) -> Result<String, AppError> {
        let mut errors = FieldErrors::default();
        let reason = text_field(
            &mut errors,
            "reason",
            &self.reason,
            true,
            MAX_REASON_CHARS,
            false,
        );
        errors.into_result()?;
        Ok(reason.unwrap_or_default())
    }
}
