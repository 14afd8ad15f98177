//! The platform support's view: shops, and on a shop's request a client's data report or its
//! erasure.

use serde::{Deserialize, Serialize};

use super::error::{AppError, FieldProblem};

pub const SHOPS_PAGE_SIZE: u64 = 50;

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

/// Who asked for an erasure. A code, not free text: the audit log keeps why a file was erased
/// without keeping anything the client or the support account wrote about the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ErasureReason {
    /// The client asked (GDPR art. 17).
    ClientRequest,
    /// The shop asked, e.g. for a file it should not have made.
    ShopRequest,
}

coded!(ErasureReason {
    ClientRequest => "client_request",
    ShopRequest => "shop_request",
});

/// Erasing a client on request: the shop, the client, and who asked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErasureRequest {
    pub shop_id: i64,
    pub client_id: i64,
    /// Kept in the audit log as its code; none chosen yet is a missing field.
    pub reason: Option<ErasureReason>,
}

impl ErasureRequest {
    pub fn valid_reason(&self) -> Result<ErasureReason, AppError> {
        self.reason
            .ok_or_else(|| AppError::invalid("reason", FieldProblem::Required))
    }
}
