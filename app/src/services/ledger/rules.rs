//! The ledger's rules for one entry, decided in one place for every writer: the batching writer,
//! a till request written alone, a modification, a merge's transfer, and the store credit beside
//! the points.

use chrono::{DateTime, Utc};

use crate::entities::client;
use crate::model::ledger::EntryKind;

/// What an entry needs to know of the account it changes, read inside the write transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Account {
    pub shop_id: i64,
    pub balance: i64,
    /// Store credit, in cents.
    pub credit_cents: i64,
    /// Neither merged into another file nor erased.
    pub active: bool,
    pub last_visit_at: Option<DateTime<Utc>>,
    /// An earn was accepted on it in this transaction already.
    pub visited: bool,
}

impl From<&client::Model> for Account {
    fn from(client: &client::Model) -> Self {
        Self {
            shop_id: client.shop_id,
            balance: client.points_balance,
            credit_cents: client.credit_cents,
            active: client.merged_into_id.is_none() && client.erased_at.is_none(),
            last_visit_at: client.last_visit_at,
            visited: false,
        }
    }
}

/// What an accepted entry changes on its account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct BalanceChange {
    pub points: i64,
    /// A purchase is a visit: the count goes up and the last visit becomes now.
    pub visits: i64,
}

impl BalanceChange {
    pub fn add(&mut self, other: BalanceChange) {
        self.points += other.points;
        self.visits += other.visits;
    }
}

/// Why an entry is not written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// Another shop's client, a merged or erased file, or no such client: all look the same.
    NoSuchAccount,
    NotEnoughPoints {
        balance: i64,
    },
    /// The programme counts one visit a day, and this client's is counted already.
    AlreadyVisited,
}

/// Why a store credit entry is not written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CreditRefusal {
    /// As for points: another shop's client, a merged or erased file, or no such client.
    NoSuchAccount,
    NotEnoughCredit {
        balance_cents: i64,
    },
}

/// The account, when it is an active file of `shop_id`: another shop's client, a merged or
/// erased file and no client at all look the same.
fn active_in(account: Option<&mut Account>, shop_id: i64) -> Option<&mut Account> {
    account.filter(|account| account.shop_id == shop_id && account.active)
}

/// `balance + change`, or the balance as it is when that would go below zero: points, store
/// credit and what is left on a gift card.
pub(super) fn never_below_zero(balance: i64, change: i64) -> Result<i64, i64> {
    match balance.checked_add(change) {
        Some(after) if after >= 0 => Ok(after),
        _ => Err(balance),
    }
}

/// Decides an entry of `points` on `account` for `shop_id`: the same shop, an active file only,
/// never below zero, an earn counts as a visit. On success `account` holds the balance after it,
/// so the next entry of the same batch is decided on it.
pub(crate) fn decide(
    account: Option<&mut Account>,
    shop_id: i64,
    kind: EntryKind,
    points: i64,
) -> Result<BalanceChange, Refusal> {
    let account = active_in(account, shop_id).ok_or(Refusal::NoSuchAccount)?;
    account.balance = never_below_zero(account.balance, points)
        .map_err(|balance| Refusal::NotEnoughPoints { balance })?;
    account.visited |= kind == EntryKind::Earn;
    Ok(BalanceChange {
        points,
        visits: i64::from(kind == EntryKind::Earn),
    })
}

/// Decides a change of `cents` to the account's store credit, by the same rules as points: the
/// same shop, an active file only, never below zero. No visit: credit moves with a payment or a
/// return, which the points entry of the purchase counts already.
pub(crate) fn decide_credit(
    account: Option<&mut Account>,
    shop_id: i64,
    cents: i64,
) -> Result<(), CreditRefusal> {
    let account = active_in(account, shop_id).ok_or(CreditRefusal::NoSuchAccount)?;
    account.credit_cents = never_below_zero(account.credit_cents, cents)
        .map_err(|balance_cents| CreditRefusal::NotEnoughCredit { balance_cents })?;
    Ok(())
}

/// An earn under a programme that counts one visit a day: refused when the client's last visit
/// was at or after `since` (the start of the shop's day), or earlier in the same transaction.
pub(crate) fn decide_daily_visit(
    account: Option<&mut Account>,
    shop_id: i64,
    points: i64,
    since: DateTime<Utc>,
) -> Result<BalanceChange, Refusal> {
    let visited_today = |account: &Account| {
        account.visited || account.last_visit_at.is_some_and(|last| last >= since)
    };
    match account {
        Some(account) if account.shop_id == shop_id && account.active && visited_today(account) => {
            Err(Refusal::AlreadyVisited)
        }
        account => decide(account, shop_id, EntryKind::Earn, points),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(balance: i64) -> Account {
        Account {
            shop_id: 1,
            balance,
            credit_cents: 0,
            active: true,
            last_visit_at: None,
            visited: false,
        }
    }

    #[test]
    fn an_earn_adds_points_and_a_visit() {
        let mut held = account(3);
        let change = decide(Some(&mut held), 1, EntryKind::Earn, 5);
        assert_eq!(
            change,
            Ok(BalanceChange {
                points: 5,
                visits: 1
            })
        );
        assert_eq!(held.balance, 8);
    }

    #[test]
    fn a_use_is_no_visit_and_never_goes_below_zero() {
        let mut held = account(10);
        assert_eq!(
            decide(Some(&mut held), 1, EntryKind::Redeem, -8),
            Ok(BalanceChange {
                points: -8,
                visits: 0
            })
        );
        assert_eq!(
            decide(Some(&mut held), 1, EntryKind::Redeem, -8),
            Err(Refusal::NotEnoughPoints { balance: 2 })
        );
        assert_eq!(held.balance, 2, "a refused entry changes nothing");
    }

    #[test]
    fn another_shop_or_an_inactive_file_is_no_account() {
        let mut other_shop = account(10);
        assert_eq!(
            decide(Some(&mut other_shop), 2, EntryKind::Earn, 1),
            Err(Refusal::NoSuchAccount)
        );
        let mut erased = Account {
            active: false,
            ..account(10)
        };
        assert_eq!(
            decide(Some(&mut erased), 1, EntryKind::Earn, 1),
            Err(Refusal::NoSuchAccount)
        );
        assert_eq!(
            decide(None, 1, EntryKind::Earn, 1),
            Err(Refusal::NoSuchAccount)
        );
    }

    #[test]
    fn credit_follows_the_same_rules_and_is_no_visit() {
        let mut held = Account {
            credit_cents: 1_000,
            ..account(0)
        };
        assert_eq!(decide_credit(Some(&mut held), 1, -600), Ok(()));
        assert_eq!(
            decide_credit(Some(&mut held), 1, -600),
            Err(CreditRefusal::NotEnoughCredit { balance_cents: 400 })
        );
        assert_eq!(
            (held.credit_cents, held.balance, held.visited),
            (400, 0, false)
        );
        assert_eq!(
            decide_credit(Some(&mut held), 2, 100),
            Err(CreditRefusal::NoSuchAccount),
            "another shop's client"
        );
        let mut merged = Account {
            active: false,
            ..held
        };
        assert_eq!(
            decide_credit(Some(&mut merged), 1, 100),
            Err(CreditRefusal::NoSuchAccount)
        );
    }

    #[test]
    fn a_daily_visit_is_counted_once_a_day() {
        let start_of_day = Utc::now() - chrono::Duration::hours(2);
        let mut yesterday = Account {
            last_visit_at: Some(start_of_day - chrono::Duration::hours(1)),
            ..account(0)
        };
        assert!(decide_daily_visit(Some(&mut yesterday), 1, 5, start_of_day).is_ok());
        assert_eq!(
            decide_daily_visit(Some(&mut yesterday), 1, 5, start_of_day),
            Err(Refusal::AlreadyVisited),
            "a second earn in the same batch"
        );
        let mut this_morning = Account {
            last_visit_at: Some(start_of_day + chrono::Duration::minutes(5)),
            ..account(0)
        };
        assert_eq!(
            decide_daily_visit(Some(&mut this_morning), 1, 5, start_of_day),
            Err(Refusal::AlreadyVisited)
        );
        assert_eq!(this_morning.balance, 0);
        assert_eq!(
            decide_daily_visit(Some(&mut this_morning), 2, 5, start_of_day),
            Err(Refusal::NoSuchAccount),
            "another shop's client is not told about"
        );
    }
}
