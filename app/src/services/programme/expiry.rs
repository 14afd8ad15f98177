//! What the programme's points expiry means for one client: which points are due at a moment,
//! and which expire next. The ledger's hourly job (`ledger::run_expiry`) writes what is due.
//!
//! Under "months after earned", points used are taken from the oldest first: the points earned
//! before the cutoff that the client's uses (and earlier expiries) did not cover are due.

use chrono::{DateTime, Months, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::entities::{client, ledger_entry, programme};
use crate::model::auth::CurrentUser;
use crate::model::error::AppError;
use crate::model::programme::{ExpiringPoints, PointsExpiry};
use crate::services::time::{format_date, shop_zone};
use crate::services::{db_error, shop_check};

/// The moment before which earned points (or a last visit) count as expired at `clock`.
pub(crate) fn cutoff(expiry: PointsExpiry, clock: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let months = u32::try_from(expiry.months()).ok()?;
    clock.checked_sub_months(Months::new(months))
}

/// When a point earned (or a visit made) at `at` expires.
fn expires_at(expiry: PointsExpiry, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let months = u32::try_from(expiry.months()).ok()?;
    at.checked_add_months(Months::new(months))
}

/// Points due under "months after earned": what was earned before the cutoff less everything
/// used since the start (uses take the oldest points first), never more than the balance.
pub(crate) fn due_after_earned(credits_before_cutoff: i64, debits: i64, balance: i64) -> i64 {
    (credits_before_cutoff - debits).clamp(0, balance.max(0))
}

/// The oldest points still held and when they were earned: `movements` in ledger order, uses
/// taken from the oldest earn first. Points earned at the same moment are added up.
pub(crate) fn oldest_held(movements: &[(DateTime<Utc>, i64)]) -> Option<(DateTime<Utc>, i64)> {
    let mut debits: i64 = movements
        .iter()
        .filter(|(_, points)| *points < 0)
        .map(|(_, points)| -points)
        .sum();
    let mut oldest: Option<(DateTime<Utc>, i64)> = None;
    for (at, points) in movements.iter().filter(|(_, points)| *points > 0) {
        let used = debits.min(*points);
        debits -= used;
        let held = points - used;
        match oldest {
            None if held > 0 => oldest = Some((*at, held)),
            Some((first, ref mut sum)) if first == *at => *sum += held,
            _ => {}
        }
    }
    oldest
}

/// The shop's live programme's expiry, if points expire.
pub(crate) async fn live_expiry(
    db: &impl ConnectionTrait,
    shop_id: i64,
) -> Result<Option<PointsExpiry>, AppError> {
    Ok(programme::Entity::find()
        .filter(programme::Column::ShopId.eq(shop_id))
        .filter(programme::Column::EndedAt.is_null())
        .one(db)
        .await
        .map_err(db_error)?
        .and_then(|row| super::stored_expiry(&row)))
}

/// The client's points that expire next and on which day, as of `clock`; none when points do
/// not expire or the balance is empty.
pub async fn next_expiry(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    client_id: i64,
    clock: DateTime<Utc>,
) -> Result<Option<ExpiringPoints>, AppError> {
    let Some(expiry) = live_expiry(db, user.shop_id).await? else {
        return Ok(None);
    };
    let Some(client) = client::Entity::find_by_id(client_id)
        .filter(client::Column::ShopId.eq(user.shop_id))
        .one(db)
        .await
        .map_err(db_error)?
        .filter(|client| client.points_balance > 0)
    else {
        return Ok(None);
    };
    let due = match expiry {
        PointsExpiry::LastVisit { .. } => {
            let last = client.last_visit_at.unwrap_or(client.created_at);
            expires_at(expiry, last).map(|at| (at, client.points_balance))
        }
        PointsExpiry::Earned { .. } => {
            let movements: Vec<(DateTime<Utc>, i64)> = ledger_entry::Entity::find()
                .select_only()
                .column(ledger_entry::Column::CreatedAt)
                .column(ledger_entry::Column::Points)
                .filter(shop_check(db, ledger_entry::Column::ShopId, user.shop_id))
                .filter(ledger_entry::Column::ClientId.eq(client_id))
                .order_by_asc(ledger_entry::Column::Id)
                .into_tuple()
                .all(db)
                .await
                .map_err(db_error)?;
            oldest_held(&movements).and_then(|(earned_at, points)| {
                expires_at(expiry, earned_at).map(|at| (at, points.min(client.points_balance)))
            })
        }
    };
    Ok(due.map(|(at, points)| ExpiringPoints {
        points,
        // Already due: the job takes them within the hour.
        on: format_date(at.max(clock), shop_zone(&user.time_zone)),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, day, 12, 0, 0)
            .single()
            .unwrap_or_default()
    }

    #[test]
    fn uses_take_the_oldest_points_first() {
        let movements = [(at(1), 10), (at(2), 5), (at(3), -12), (at(4), 7)];
        assert_eq!(oldest_held(&movements), Some((at(2), 3)));
        assert_eq!(oldest_held(&[(at(1), 4), (at(2), -4)]), None);
        assert_eq!(
            oldest_held(&[(at(1), 4), (at(1), 6), (at(2), -1)]),
            Some((at(1), 9)),
            "earns of the same moment expire together"
        );
    }

    #[test]
    fn what_is_due_never_exceeds_the_balance_nor_goes_negative() {
        assert_eq!(due_after_earned(100, 30, 120), 70);
        assert_eq!(
            due_after_earned(100, 130, 50),
            0,
            "used more than earned then"
        );
        assert_eq!(due_after_earned(100, 0, 40), 40, "a balance corrected down");
    }

    #[test]
    fn the_cutoff_counts_calendar_months() {
        let clock = Utc
            .with_ymd_and_hms(2026, 3, 31, 8, 0, 0)
            .single()
            .unwrap_or_default();
        let cut = cutoff(PointsExpiry::Earned { months: 1 }, clock);
        assert_eq!(
            cut,
            Utc.with_ymd_and_hms(2026, 2, 28, 8, 0, 0).single(),
            "the last day of a shorter month"
        );
    }
}
