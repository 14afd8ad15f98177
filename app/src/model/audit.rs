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
    InvitationCancelled,
    RoleChanged,
    AccountDisabled,
    AccountEnabled,
    DataExported,
    ClientLabelled,
    ClientUnlabelled,
    GroupCreated,
    GroupDeleted,
    ClientsMerged,
    ClientErased,
    ProgrammeStarted,
    ProgrammeChanged,
    ProgrammeSuspended,
    ProgrammeResumed,
    ProgrammeEnded,
    RewardAdded,
    RewardRetired,
    RewardClaimed,
    RewardRevoked,
    RewardExtended,
    /// Points taken by the programme's expiry rule (the hourly job).
    PointsExpired,
    /// The owner downloaded the client list.
    ClientsExported,
    /// The owner downloaded the transactions of a period.
    TransactionsExported,
    /// The owner kept a client past the shop's retention period.
    ClientKept,
    /// The owner changed the retention period or the automatic erasure.
    RetentionChanged,
    /// An import of the owner's client list finished (the detail counts its rows).
    ClientsImported,
    /// The owner made a key for the REST API (the detail names it and its scope).
    ApiKeyCreated,
    ApiKeyRevoked,
    /// A client's file read through the REST API (the source names the key).
    ApiClientRead,
    /// The owner sent an e-mail campaign (the detail counts its recipients).
    CampaignSent,
    /// The owner sent a campaign's test to their own address.
    CampaignTested,
    /// The owner switched an automatic e-mail on or off, or changed its text.
    AutomaticMailChanged,
    /// A client's member card was shown for the first time, so issued.
    MemberCardIssued,
    /// A lost card replaced: its token is refused from now on.
    MemberCardReplaced,
    SheetWritten,
    SheetCorrected,
    TermsPublished,
    TermsAccepted,
    /// Store credit put on a client's account (an "avoir"), with its reason.
    CreditAdded,
    /// Store credit used as part of a payment.
    CreditUsed,
    /// The owner cancelled a credit entry with a reversal.
    CreditReversed,
    GiftCardSold,
    GiftCardSpent,
    /// The owner cancelled a gift card; what was left is written off.
    GiftCardCancelled,
    /// A purchase's ticket written (its reference and lines).
    TicketWritten,
}

coded!(AuditKind {
    LoginSucceeded => "login_succeeded",
    LoginFailed => "login_failed",
    LoginThrottled => "login_throttled",
    Logout => "logout",
    PasswordResetRequested => "password_reset_requested",
    PasswordChanged => "password_changed",
    ClientCreated => "client_created",
    ClientUpdated => "client_updated",
    TransactionRecorded => "transaction_recorded",
    TransactionModified => "transaction_modified",
    NoteAdded => "note_added",
    ConsentChanged => "consent_changed",
    StaffInvited => "staff_invited",
    InvitationCancelled => "invitation_cancelled",
    RoleChanged => "role_changed",
    AccountDisabled => "account_disabled",
    AccountEnabled => "account_enabled",
    DataExported => "data_exported",
    ClientLabelled => "client_labelled",
    ClientUnlabelled => "client_unlabelled",
    GroupCreated => "group_created",
    GroupDeleted => "group_deleted",
    ClientsMerged => "clients_merged",
    ClientErased => "client_erased",
    ProgrammeStarted => "programme_started",
    ProgrammeChanged => "programme_changed",
    ProgrammeSuspended => "programme_suspended",
    ProgrammeResumed => "programme_resumed",
    ProgrammeEnded => "programme_ended",
    RewardAdded => "reward_added",
    RewardRetired => "reward_retired",
    RewardClaimed => "reward_claimed",
    RewardRevoked => "reward_revoked",
    RewardExtended => "reward_extended",
    PointsExpired => "points_expired",
    ClientsExported => "clients_exported",
    TransactionsExported => "transactions_exported",
    ClientKept => "client_kept",
    RetentionChanged => "retention_changed",
    ClientsImported => "clients_imported",
    ApiKeyCreated => "api_key_created",
    ApiKeyRevoked => "api_key_revoked",
    ApiClientRead => "api_client_read",
    CampaignSent => "campaign_sent",
    CampaignTested => "campaign_tested",
    AutomaticMailChanged => "automatic_mail_changed",
    MemberCardIssued => "member_card_issued",
    MemberCardReplaced => "member_card_replaced",
    SheetWritten => "sheet_written",
    SheetCorrected => "sheet_corrected",
    TermsPublished => "terms_published",
    TermsAccepted => "terms_accepted",
    CreditAdded => "credit_added",
    CreditUsed => "credit_used",
    CreditReversed => "credit_reversed",
    GiftCardSold => "gift_card_sold",
    GiftCardSpent => "gift_card_spent",
    GiftCardCancelled => "gift_card_cancelled",
    TicketWritten => "ticket_written",
});

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
            assert_eq!(AuditKind::from_code(kind.code()), Some(*kind));
        }
        assert_eq!(AuditKind::from_code("nonsense"), None);
    }
}
