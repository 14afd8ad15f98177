//! How long a shop keeps a client who no longer comes (CNIL recommends three years after the
//! last contact), as the owner's page shows it.

use serde::{Deserialize, Serialize};

pub const RETENTION_PAGE_SIZE: u64 = 50;
/// The days between a client's listing and the server's own erasure, when the shop chose it:
/// time for the owner to see the list and keep someone.
pub const NOTICE_DAYS: i64 = 30;
pub const MIN_YEARS: i32 = 1;
pub const MAX_YEARS: i32 = 10;
pub const DEFAULT_YEARS: i32 = 3;

/// The shop's rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionSettings {
    /// Years without a visit after which a client is listed.
    pub years: i32,
    /// Whether the server erases a listed client once `NOTICE_DAYS` have passed.
    pub auto_erase: bool,
}

impl Default for RetentionSettings {
    fn default() -> Self {
        Self {
            years: DEFAULT_YEARS,
            auto_erase: false,
        }
    }
}

/// A client past the shop's period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InactiveClient {
    pub id: i64,
    pub name: String,
    /// The latest of the last visit, the file's creation and the owner's last "keep", as a day.
    pub last_seen: String,
    /// The day the server erases the client, when the shop chose automatic erasure.
    pub erased_on: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InactivePage {
    pub settings: RetentionSettings,
    pub clients: Vec<InactiveClient>,
    pub total: u64,
    pub page: u64,
}
