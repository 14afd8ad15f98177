//! Store credit ("cagnotte", "avoirs", seeds 003 and 004): money a client holds at the shop,
//! beside the points. Shared by the browser, which checks an amount before sending it, and the
//! server.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::error::{AppError, FieldErrors};
use super::fields::{euros_in_range, text_field};

/// The most one credit entry may carry: a return or a gift, not a bank deposit.
pub const MAX_CREDIT_EUROS: i64 = 10_000;
pub const CREDIT_REASON_MAX_CHARS: usize = 200;
/// Entries the client's page shows, newest first.
pub const CREDIT_ENTRIES_SHOWN: u64 = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CreditKind {
    /// Money put on the account: an "avoir" after a return, a gesture.
    Credit,
    /// Money used as part of a payment (negative).
    Use,
    /// Cancels an earlier entry, by the owner.
    Reversal,
    /// Moved when two files of one client are merged: out of one, into the other.
    Transfer,
    /// A reward of kind "crédit fidélité", claimed: its amount put on the account.
    Reward,
}

coded!(CreditKind {
    Credit => "credit",
    Use => "use",
    Reversal => "reversal",
    Transfer => "transfer",
    Reward => "reward",
});

/// Putting money on the account or using it, as the till's form sends it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CreditAction {
    Credit,
    Use,
}

/// The form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditForm {
    pub amount: String,
    /// Why: asked for a credit (the returned item), optional for a use.
    pub reason: String,
}

/// An entry that passed the rules: signed cents and a trimmed reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditValues {
    pub amount_cents: i64,
    pub reason: String,
}

impl CreditForm {
    pub fn validate(&self, action: CreditAction) -> Result<CreditValues, AppError> {
        let mut errors = FieldErrors::default();
        let amount = euros_in_range(&mut errors, "amount", &self.amount, MAX_CREDIT_EUROS);
        let reason = text_field(
            &mut errors,
            "reason",
            &self.reason,
            action == CreditAction::Credit,
            CREDIT_REASON_MAX_CHARS,
            false,
        );
        errors.into_result()?;
        let cents = amount.unwrap_or_default();
        Ok(CreditValues {
            amount_cents: match action {
                CreditAction::Credit => cents,
                CreditAction::Use => -cents,
            },
            reason: reason.unwrap_or_default(),
        })
    }
}

/// A credit or a use for a client, with the key the device made so a retry is written once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditRequest {
    pub client_id: i64,
    pub action: CreditAction,
    pub form: CreditForm,
    pub idempotency_key: Uuid,
}

/// The owner cancels an entry: a reversal written beside it, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditReversalRequest {
    pub entry_id: i64,
    pub reason: String,
    pub idempotency_key: Uuid,
}

/// One entry as the client's page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditEntryView {
    pub id: i64,
    /// The file it was written on (a merged file's entries show on the kept one's page).
    pub client_id: i64,
    pub client_name: String,
    pub kind: CreditKind,
    /// Signed cents.
    pub amount_cents: i64,
    pub reason: String,
    pub author_name: String,
    /// In the shop's time zone, `23/11/2026 14:05`.
    pub recorded_at: String,
    /// Set when this entry was cancelled: it no longer counts.
    pub reversed_by: Option<i64>,
}

impl CreditEntryView {
    /// Credits and uses can be cancelled once; reversals, a merge's transfers and a claimed
    /// reward's credit (its points were taken) cannot.
    pub fn can_be_reversed(&self) -> bool {
        matches!(self.kind, CreditKind::Credit | CreditKind::Use) && self.reversed_by.is_none()
    }
}

/// A client's store credit: the balance and the latest entries (merged files' included).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditAccount {
    pub client_id: i64,
    pub balance_cents: i64,
    pub entries: Vec<CreditEntryView>,
}

/// The shop's store credit entries in a journal's range, newest first: the latest
/// `CREDIT_ENTRIES_SHOWN` of `total`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditJournalPage {
    pub entries: Vec<CreditEntryView>,
    pub total: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::error::FieldProblem;

    fn form(amount: &str, reason: &str) -> CreditForm {
        CreditForm {
            amount: amount.into(),
            reason: reason.into(),
        }
    }

    #[test]
    fn a_credit_needs_its_reason_and_a_use_is_negative() {
        assert_eq!(
            form("12,50", " Retour pull ").validate(CreditAction::Credit),
            Ok(CreditValues {
                amount_cents: 1250,
                reason: "Retour pull".into()
            })
        );
        let missing = form("12,50", "")
            .validate(CreditAction::Credit)
            .unwrap_err();
        assert_eq!(missing, AppError::invalid("reason", FieldProblem::Required));
        assert_eq!(
            form("8", "").validate(CreditAction::Use),
            Ok(CreditValues {
                amount_cents: -800,
                reason: String::new()
            })
        );
    }

    #[test]
    fn zero_too_much_or_not_an_amount_is_refused() {
        let out_of_range = AppError::invalid(
            "amount",
            FieldProblem::AmountOutOfRange {
                max_euros: MAX_CREDIT_EUROS,
            },
        );
        assert_eq!(
            form("0", "x").validate(CreditAction::Use),
            Err(out_of_range.clone())
        );
        assert_eq!(
            form("10000,01", "x").validate(CreditAction::Credit),
            Err(out_of_range)
        );
        assert_eq!(
            form("douze", "x").validate(CreditAction::Credit),
            Err(AppError::invalid("amount", FieldProblem::InvalidAmount))
        );
        assert_eq!(
            form("", "x").validate(CreditAction::Credit),
            Err(AppError::invalid("amount", FieldProblem::Required))
        );
    }
}
