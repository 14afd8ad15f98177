//! Rewards: the owner's catalogue, and the rewards clients earn when their balance reaches a
//! reward's cost. An earned reward is claimed at the till (its cost taken from the balance),
//! or revoked by the owner, or expires.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::error::{AppError, FieldErrors, FieldProblem};
use super::fields::{text_field, whole_number};
use super::money::parse_euros;

pub const MAX_NAME_CHARS: usize = 80;
pub const MAX_COST: i64 = 100_000;
pub const MAX_VALIDITY_DAYS: i64 = 3_650;
pub const MAX_PERCENT: i64 = 100;
/// The largest "€ off" a reward gives: 10,000 €.
pub const MAX_EUROS_OFF_CENTS: i64 = 1_000_000;
pub const MAX_REASON_CHARS: usize = 400;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum RewardKind {
    /// An amount off the next purchase.
    EurosOff,
    /// A percentage off the next purchase.
    PercentOff,
    /// A product given ("un café offert").
    #[default]
    FreeProduct,
    /// Anything else, said in the name.
    FreeText,
    /// Money put on the client's store credit when claimed ("crédit fidélité", seed 004).
    StoreCredit,
}

coded!(RewardKind {
    EurosOff => "euros_off",
    PercentOff => "percent_off",
    FreeProduct => "free_product",
    FreeText => "free_text",
    StoreCredit => "store_credit",
});

/// A reward of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reward {
    pub id: i64,
    pub name: String,
    pub kind: RewardKind,
    /// Cents for `EurosOff` and `StoreCredit`, a percentage for `PercentOff`.
    pub value: Option<i64>,
    /// Points (or stamps) a client's balance must reach; taken when the reward is claimed.
    pub cost: i64,
    /// Days an earned reward can be claimed; none: no limit.
    pub validity_days: Option<i64>,
    pub active: bool,
}

/// The catalogue form as typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RewardForm {
    pub name: String,
    pub kind: RewardKind,
    /// Euros for `EurosOff` and `StoreCredit`, a percentage for `PercentOff`; not read otherwise.
    pub value: String,
    pub cost: String,
    /// Empty: no limit.
    pub validity_days: String,
}

impl Default for RewardForm {
    fn default() -> Self {
        Self {
            name: String::new(),
            kind: RewardKind::FreeProduct,
            value: String::new(),
            cost: "100".into(),
            validity_days: "90".into(),
        }
    }
}

/// A reward that passed the rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RewardSettings {
    pub name: String,
    pub kind: RewardKind,
    pub value: Option<i64>,
    pub cost: i64,
    pub validity_days: Option<i64>,
}

impl RewardForm {
    pub fn validate(&self) -> Result<RewardSettings, AppError> {
        let mut errors = FieldErrors::default();
        let name = text_field(&mut errors, "name", &self.name, true, MAX_NAME_CHARS, false);
        let value = match self.kind {
            RewardKind::EurosOff | RewardKind::StoreCredit => match parse_euros(&self.value) {
                Ok(Some(cents)) if (1..=MAX_EUROS_OFF_CENTS).contains(&cents) => Some(cents),
                Ok(None) => {
                    errors.add("value", FieldProblem::Required);
                    None
                }
                Ok(Some(_)) => {
                    errors.add(
                        "value",
                        FieldProblem::AmountOutOfRange {
                            max_euros: MAX_EUROS_OFF_CENTS / 100,
                        },
                    );
                    None
                }
                Err(problem) => {
                    errors.add("value", problem);
                    None
                }
            },
            RewardKind::PercentOff => {
                whole_number(&mut errors, "value", &self.value, 1, MAX_PERCENT)
            }
            RewardKind::FreeProduct | RewardKind::FreeText => None,
        };
        let cost = whole_number(&mut errors, "cost", &self.cost, 1, MAX_COST);
        let validity_days = match self.validity_days.trim() {
            "" => None,
            text => whole_number(&mut errors, "validity_days", text, 1, MAX_VALIDITY_DAYS),
        };
        errors.into_result()?;
        match (name, cost) {
            (Some(name), Some(cost)) => Ok(RewardSettings {
                name,
                kind: self.kind,
                value,
                cost,
                validity_days,
            }),
            _ => Err(AppError::invalid("request", FieldProblem::Malformed)),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EarnedStatus {
    /// "Obtenue": waiting to be claimed.
    Earned,
    /// "Réclamée": used at the till, its cost taken.
    Claimed,
    /// "Expirée": not claimed in time.
    Expired,
    /// "Révoquée": withdrawn by the owner, with a reason.
    Revoked,
}

coded!(EarnedStatus {
    Earned => "earned",
    Claimed => "claimed",
    Expired => "expired",
    Revoked => "revoked",
});

/// A reward a client earned, as the client's page and the till show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EarnedReward {
    pub id: i64,
    pub reward: Reward,
    pub status: EarnedStatus,
    /// In the shop's time zone, `23/11/2026`.
    pub earned_on: String,
    pub valid_until: Option<String>,
    pub claimed_on: Option<String>,
    pub claimed_by: Option<String>,
    /// Why the owner revoked it.
    pub revoke_reason: Option<String>,
}

impl EarnedReward {
    /// The owner may still revoke it or extend its expiry: it was neither used nor revoked.
    pub fn is_open(&self) -> bool {
        matches!(self.status, EarnedStatus::Earned | EarnedStatus::Expired)
    }
}

/// Which earned rewards the client's page lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Availability {
    #[default]
    All,
    /// Waiting to be claimed.
    Available,
    /// Claimed, expired or revoked.
    Past,
}

coded!(Availability {
    All => "all",
    Available => "available",
    Past => "past",
});

impl Availability {
    pub fn admits(&self, status: EarnedStatus) -> bool {
        match self {
            Self::All => true,
            Self::Available => status == EarnedStatus::Earned,
            Self::Past => status != EarnedStatus::Earned,
        }
    }
}

/// A client's rewards and the points that expire next, for the client's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ClientRewards {
    pub earned: Vec<EarnedReward>,
    pub expiring: Option<super::programme::ExpiringPoints>,
}

/// The owner withdraws an earned reward, saying why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevokeRequest {
    pub earned_id: i64,
    pub reason: String,
}

impl RevokeRequest {
    /// The reason, trimmed; it is required.
    pub fn validate(&self) -> Result<String, AppError> {
        let mut errors = FieldErrors::default();
        let reason = text_field(
            &mut errors,
            "reason",
            &self.reason,
            true,
            MAX_REASON_CHARS,
            true,
        );
        errors.into_result()?;
        reason.ok_or_else(|| AppError::invalid("reason", FieldProblem::Required))
    }
}

/// The owner gives an earned reward, even an expired one, a new last day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtendRequest {
    pub earned_id: i64,
    /// `YYYY-MM-DD`, as a date input gives it: the last day it can be claimed.
    pub valid_until: String,
}

/// A claim at the till, with the key the device made so a retry claims once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimRequest {
    pub earned_id: i64,
    pub idempotency_key: Uuid,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(kind: RewardKind, value: &str) -> RewardForm {
        RewardForm {
            name: "Un café offert".into(),
            kind,
            value: value.into(),
            ..RewardForm::default()
        }
    }

    #[test]
    fn each_kind_reads_its_value() {
        assert_eq!(
            form(RewardKind::EurosOff, "5").validate().map(|r| r.value),
            Ok(Some(500))
        );
        assert_eq!(
            form(RewardKind::PercentOff, "10")
                .validate()
                .map(|r| r.value),
            Ok(Some(10))
        );
        assert_eq!(
            form(RewardKind::FreeProduct, "ignored")
                .validate()
                .map(|r| r.value),
            Ok(None)
        );
    }

    #[test]
    fn a_reward_costs_at_least_one_point_and_values_are_bounded() {
        let problem = |form: RewardForm, field: &str| {
            form.validate()
                .err()
                .and_then(|error| error.field_errors()?.get(field).cloned())
        };
        let mut free = form(RewardKind::FreeProduct, "");
        free.cost = "0".into();
        assert_eq!(
            problem(free, "cost"),
            Some(FieldProblem::NumberOutOfRange {
                min: 1,
                max: MAX_COST
            })
        );
        assert_eq!(
            problem(form(RewardKind::PercentOff, "150"), "value"),
            Some(FieldProblem::NumberOutOfRange {
                min: 1,
                max: MAX_PERCENT
            })
        );
        assert_eq!(
            problem(form(RewardKind::EurosOff, ""), "value"),
            Some(FieldProblem::Required)
        );
        let mut forever = form(RewardKind::FreeText, "");
        forever.validity_days = String::new();
        assert_eq!(forever.validate().map(|r| r.validity_days), Ok(None));
    }
}
