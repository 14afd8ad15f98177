//! Loyalty transactions as the pages see them, and the rules on points both sides check.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::client::ClientRow;
use super::error::{AppError, FieldErrors, FieldProblem};
use super::money::parse_euros;

/// Most points one transaction may carry; a typo like 100000 is refused, not recorded.
pub const MAX_POINTS: i64 = 10_000;
pub const JOURNAL_PAGE_SIZE: u64 = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EntryKind {
    /// Points earned at the till.
    Earn,
    /// Cancels an earlier entry; written when that entry is modified.
    Reversal,
    /// The corrected entry that replaces a reversed one.
    Correction,
    /// Points the client used, stored as a negative number.
    Redeem,
    /// Points moved when two files of one client are merged: out of one, into the other.
    Transfer,
    /// Points that expired under the programme's rule, written by the hourly job (negative).
    Expire,
    /// Points a client brought from the shop's previous system, written by an import.
    Import,
}

coded!(EntryKind {
    Earn => "earn",
    Reversal => "reversal",
    Correction => "correction",
    Redeem => "redeem",
    Transfer => "transfer",
    Expire => "expire",
    Import => "import",
});

/// The transaction form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransactionForm {
    pub points: String,
    pub amount: String,
    /// Items bought, for a stamp card counting one stamp per item.
    #[serde(default)]
    pub items: String,
}

/// Points and amount that passed the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransactionValues {
    pub points: i64,
    pub amount_cents: Option<i64>,
}

impl TransactionForm {
    pub fn validate(&self) -> Result<TransactionValues, AppError> {
        let mut errors = FieldErrors::default();
        let points = match self.points.trim() {
            "" => {
                errors.add("points", FieldProblem::Required);
                None
            }
            text => match text.parse::<i64>() {
                Ok(points) if (0..=MAX_POINTS).contains(&points) => Some(points),
                _ => {
                    errors.add("points", FieldProblem::PointsOutOfRange { max: MAX_POINTS });
                    None
                }
            },
        };
        let amount_cents = parse_euros(&self.amount).unwrap_or_else(|problem| {
            errors.add("amount", problem);
            None
        });
        errors.into_result()?;
        Ok(TransactionValues {
            points: points.unwrap_or_default(),
            amount_cents,
        })
    }
}

/// A request to record points, with the key the device made so a retry is recorded once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordRequest {
    pub client_id: i64,
    pub form: TransactionForm,
    pub idempotency_key: Uuid,
}

/// A request to use points, with the key the device made so a retry is used once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedeemRequest {
    pub client_id: i64,
    pub points: String,
    pub idempotency_key: Uuid,
}

/// The points to use: a whole number from 1 to `MAX_POINTS`.
pub fn validate_points_to_use(points: &str) -> Result<i64, AppError> {
    let form = TransactionForm {
        points: points.to_owned(),
        amount: String::new(),
        items: String::new(),
    };
    match form.validate()?.points {
        0 => Err(AppError::invalid("points", FieldProblem::AtLeastOnePoint)),
        points => Ok(points),
    }
}

/// Adding or using points, as the till's quick form sends it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PointsAction {
    Add,
    Use,
}

/// Points added or used for the client with this e-mail or phone, without opening the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactPointsRequest {
    /// An e-mail address or a phone number, in any usual format.
    pub contact: String,
    /// Points typed: to use, or to add when the programme leaves them to the till.
    pub points: String,
    /// The purchase, when the programme counts euros (or it is simply noted).
    #[serde(default)]
    pub amount: String,
    /// Items bought, for a stamp card counting one stamp per item.
    #[serde(default)]
    pub items: String,
    pub action: PointsAction,
    pub idempotency_key: Uuid,
}

/// A request to change an earlier transaction: it is reversed and replaced by these values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModifyRequest {
    pub transaction_id: i64,
    pub form: TransactionForm,
    pub idempotency_key: Uuid,
}

/// One ledger entry as the history and the journal show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransactionView {
    pub id: i64,
    pub client_id: i64,
    pub client_name: String,
    pub kind: EntryKind,
    pub points: i64,
    pub amount_cents: Option<i64>,
    pub author_name: String,
    /// In the shop's time zone, `23/11/2026 14:05`.
    pub recorded_at: String,
    /// The entry this one reverses or corrects.
    pub refers_to: Option<i64>,
    /// Set when this entry was reversed: it no longer counts and cannot be modified again.
    pub reversed_by: Option<i64>,
}

impl TransactionView {
    /// A use of points, or the correction of one: its form asks for points used, not earned.
    pub fn uses_points(&self) -> bool {
        self.points < 0 || self.kind == EntryKind::Redeem
    }

    pub fn can_be_modified(&self) -> bool {
        !matches!(
            self.kind,
            EntryKind::Reversal | EntryKind::Transfer | EntryKind::Expire
        ) && self.reversed_by.is_none()
    }
}

/// What the till needs after a save: the entry and the client's refreshed list row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordOutcome {
    pub transaction: TransactionView,
    pub client: ClientRow,
}

/// Journal filters as typed: dates `YYYY-MM-DD` (inclusive), a client id or nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalFilter {
    pub from: String,
    pub to: String,
    pub client_id: Option<i64>,
    pub page: u64,
}

impl JournalFilter {
    /// Reads the journal's address (`/journal?du=2026-11-01&au=2026-11-30&client=12&page=2`);
    /// pages count from 1 there, from 0 here. A value that does not parse is left out.
    pub fn from_url(param: impl Fn(&str) -> Option<String>) -> Self {
        Self {
            from: param("du").unwrap_or_default(),
            to: param("au").unwrap_or_default(),
            client_id: param("client").and_then(|id| id.parse::<i64>().ok()),
            page: param("page")
                .and_then(|page| page.parse::<u64>().ok())
                .map_or(0, |page| page.saturating_sub(1)),
        }
    }

    /// The address's pairs, defaults left out.
    pub fn url_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if !self.from.is_empty() {
            pairs.push(("du", self.from.clone()));
        }
        if !self.to.is_empty() {
            pairs.push(("au", self.to.clone()));
        }
        if let Some(client_id) = self.client_id {
            pairs.push(("client", client_id.to_string()));
        }
        if self.page > 0 {
            pairs.push(("page", (self.page + 1).to_string()));
        }
        pairs
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalPage {
    pub entries: Vec<TransactionView>,
    pub total: u64,
    pub page: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(pairs: &[(&'static str, String)]) -> JournalFilter {
        JournalFilter::from_url(crate::model::routes::param_in(pairs))
    }

    #[test]
    fn a_journal_address_counts_pages_from_one_and_reads_back() {
        let filter = JournalFilter {
            from: "2026-11-01".into(),
            to: "2026-11-30".into(),
            client_id: Some(12),
            page: 1,
        };
        let pairs = filter.url_pairs();
        assert!(pairs.contains(&("page", "2".to_owned())));
        assert_eq!(read(&pairs), filter);
        assert!(JournalFilter::default().url_pairs().is_empty());
        assert_eq!(read(&[("page", "0".to_owned())]).page, 0);
        assert_eq!(
            read(&[("client", "x".to_owned())]),
            JournalFilter::default()
        );
    }

    #[test]
    fn points_and_optional_amount_are_parsed() {
        let form = TransactionForm {
            points: "12".into(),
            amount: "12,50".into(),
            items: String::new(),
        };
        assert_eq!(
            form.validate(),
            Ok(TransactionValues {
                points: 12,
                amount_cents: Some(1250)
            })
        );
        let form = TransactionForm {
            points: "3".into(),
            amount: String::new(),
            items: String::new(),
        };
        assert_eq!(
            form.validate(),
            Ok(TransactionValues {
                points: 3,
                amount_cents: None
            })
        );
    }

    #[test]
    fn points_to_use_start_at_one() {
        assert_eq!(validate_points_to_use(" 15 "), Ok(15));
        for (points, problem) in [
            ("0", FieldProblem::AtLeastOnePoint),
            ("-4", FieldProblem::PointsOutOfRange { max: MAX_POINTS }),
            ("", FieldProblem::Required),
        ] {
            assert_eq!(
                validate_points_to_use(points),
                Err(AppError::invalid("points", problem)),
                "{points}"
            );
        }
    }

    #[test]
    fn negative_huge_or_missing_points_are_refused() {
        for points in ["-1", "10001", "1e3", "", "douze"] {
            let form = TransactionForm {
                points: points.into(),
                amount: String::new(),
                items: String::new(),
            };
            let error = form.validate().expect_err(points);
            assert!(
                error
                    .field_errors()
                    .and_then(|errors| errors.get("points"))
                    .is_some(),
                "{points}"
            );
        }
    }
}
