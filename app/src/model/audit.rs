//! The audit log as the owner's page shows it.

use serde::{Deserialize, Serialize};

pub const AUDIT_PAGE_SIZE: u64 = 50;

/// What happened. Stored by its code, which never changes once released.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AuditKind {
    LoginSucceeded,
    LoginFailed,
    LoginThrottled,
    Logout,
    PasswordResetRequested,
    PasswordChanged,
    ClientCreated,
    ClientUpdated,
    TransactionRecorded,
    TransactionModified,
    NoteAdded,
    ConsentChanged,
    StaffInvited,
    RoleChanged,
    AccountDisabled,
    AccountEnabled,
    DataExported,
}

impl AuditKind {
    pub const ALL: [AuditKind; 17] = [
        AuditKind::LoginSucceeded,
        AuditKind::LoginFailed,
        AuditKind::LoginThrottled,
        AuditKind::Logout,
        AuditKind::PasswordResetRequested,
        AuditKind::PasswordChanged,
        AuditKind::ClientCreated,
        AuditKind::ClientUpdated,
        AuditKind::TransactionRecorded,
        AuditKind::TransactionModified,
        AuditKind::NoteAdded,
        AuditKind::ConsentChanged,
        AuditKind::StaffInvited,
        AuditKind::RoleChanged,
        AuditKind::AccountDisabled,
        AuditKind::AccountEnabled,
        AuditKind::DataExported,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AuditKind::LoginSucceeded => "login_succeeded",
            AuditKind::LoginFailed => "login_failed",
            AuditKind::LoginThrottled => "login_throttled",
            AuditKind::Logout => "logout",
            AuditKind::PasswordResetRequested => "password_reset_requested",
            AuditKind::PasswordChanged => "password_changed",
            AuditKind::ClientCreated => "client_created",
            AuditKind::ClientUpdated => "client_updated",
            AuditKind::TransactionRecorded => "transaction_recorded",
            AuditKind::TransactionModified => "transaction_modified",
            AuditKind::NoteAdded => "note_added",
            AuditKind::ConsentChanged => "consent_changed",
            AuditKind::StaffInvited => "staff_invited",
            AuditKind::RoleChanged => "role_changed",
            AuditKind::AccountDisabled => "account_disabled",
            AuditKind::AccountEnabled => "account_enabled",
            AuditKind::DataExported => "data_exported",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.code() == code)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    /// An `AuditKind` code, or empty for every kind.
    pub kind: String,
    /// Days as `YYYY-MM-DD`, inclusive, in the shop's time zone; empty for no bound.
    pub from: String,
    pub to: String,
    pub page: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntryView {
    pub id: i64,
    pub occurred_at: String,
    pub kind: AuditKind,
    /// The account that acted; empty when nobody was signed in (a failed login).
    pub user_name: String,
    /// Where the request came from: the client's address, or `cli`.
    pub source: String,
    pub client_id: Option<i64>,
    pub entry_id: Option<i64>,
    pub detail: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntryView>,
    pub total: u64,
    pub page: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_reads_back_from_its_code() {
        for kind in AuditKind::ALL {
            assert_eq!(AuditKind::from_code(kind.code()), Some(kind));
        }
        assert_eq!(AuditKind::from_code("nonsense"), None);
    }
}
