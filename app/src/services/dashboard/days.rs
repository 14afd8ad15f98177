//! A shop's figures day by day: counted from the ledger, the clients and the rewards by
//! `figures_by_day`, and for closed days stored once in `shop_days` by the hourly job.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::entities::{client, earned_reward, ledger_entry, shop, shop_day};
use crate::model::dashboard::{Figures, Step, step_starts};
use crate::model::error::AppError;
use crate::model::ledger::EntryKind;
use crate::services::db_error;
use crate::services::time::start_of_day;

/// The job writes at most this many days per query, so a first run over years of history holds
/// one month in memory at a time.
const CHUNK_DAYS: i64 = 31;

/// Writes the figures of every closed day of `shop` not written yet; answers how many days were
/// written. Servers sharing a database may run it at once: a day written by another is left as
/// it is.
pub(super) async fn write_closed_days(
    db: &impl ConnectionTrait,
    shop: &shop::Model,
    zone: Tz,
    today: NaiveDate,
) -> Result<u64, AppError> {
    let yesterday = today - Duration::days(1);
    let mut first = match last_stored_day(db, shop.id).await? {
        Some(day) => day + Duration::days(1),
        None => first_moment(db, shop.id)
            .await?
            .map_or(shop.created_at, |first| first.min(shop.created_at))
            .with_timezone(&zone)
            .date_naive(),
    };
    let mut written = 0;
    while first <= yesterday {
        let last = (first + Duration::days(CHUNK_DAYS - 1)).min(yesterday);
        let figures = figures_by_day(
            db,
            shop.id,
            zone,
            start_of_day(first, zone),
            start_of_day(last + Duration::days(1), zone),
        )
        .await?;
        let rows = step_starts(first, last, Step::Day).into_iter().map(|day| {
            let day_figures = figures.get(&day).copied().unwrap_or_default();
            stored_row(shop.id, day, &day_figures)
        });
        written += shop_day::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::columns([shop_day::Column::ShopId, shop_day::Column::Day])
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await
            .map_err(db_error)?;
        first = last + Duration::days(1);
    }
    Ok(written)
}

fn stored_row(shop_id: i64, day: NaiveDate, figures: &Figures) -> shop_day::ActiveModel {
    use sea_orm::ActiveValue::Set;
    shop_day::ActiveModel {
        shop_id: Set(shop_id),
        day: Set(day),
        visits: Set(figures.visits),
        paid_visits: Set(figures.paid_visits),
        spent_cents: Set(figures.spent_cents),
        points_issued: Set(figures.points_issued),
        points_used: Set(figures.points_used),
        points_expired: Set(figures.points_expired),
        new_clients: Set(figures.new_clients),
        rewards_earned: Set(figures.rewards_earned),
        rewards_claimed: Set(figures.rewards_claimed),
    }
}

/// The shop's first ledger entry, which may be older than the shop (a history brought in).
async fn first_moment(
    db: &impl ConnectionTrait,
    shop_id: i64,
) -> Result<Option<DateTime<Utc>>, AppError> {
    Ok(ledger_entry::Entity::find()
        .filter(ledger_entry::Column::ShopId.eq(shop_id))
        .order_by_asc(ledger_entry::Column::CreatedAt)
        .one(db)
        .await
        .map_err(db_error)?
        .map(|entry| entry.created_at))
}

async fn last_stored_day(
    db: &impl ConnectionTrait,
    shop_id: i64,
) -> Result<Option<NaiveDate>, AppError> {
    Ok(shop_day::Entity::find()
        .filter(shop_day::Column::ShopId.eq(shop_id))
        .order_by_desc(shop_day::Column::Day)
        .one(db)
        .await
        .map_err(db_error)?
        .map(|row| row.day))
}

pub(super) async fn stored_days(
    db: &impl ConnectionTrait,
    shop_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<BTreeMap<NaiveDate, Figures>, AppError> {
    let rows = shop_day::Entity::find()
        .filter(shop_day::Column::ShopId.eq(shop_id))
        .filter(shop_day::Column::Day.between(from, to))
        .all(db)
        .await
        .map_err(db_error)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let figures = Figures {
                visits: row.visits,
                paid_visits: row.paid_visits,
                spent_cents: row.spent_cents,
                points_issued: row.points_issued,
                points_used: row.points_used,
                points_expired: row.points_expired,
                new_clients: row.new_clients,
                rewards_earned: row.rewards_earned,
                rewards_claimed: row.rewards_claimed,
            };
            (row.day, figures)
        })
        .collect())
}

#[derive(Debug, FromQueryResult)]
struct EntryFigures {
    created_at: DateTime<Utc>,
    kind: String,
    points: i64,
    amount_cents: Option<i64>,
}

/// Adds one ledger entry to its day. A modification is a reversal (the old values, negated)
/// plus a correction or a new use: each side counts where its points go, and the visit stays
/// the original purchase's. Points moved by a merge are neither issued nor used.
fn count_entry(figures: &mut Figures, entry: &EntryFigures) {
    let Some(kind) = EntryKind::from_code(&entry.kind) else {
        return;
    };
    if kind == EntryKind::Transfer {
        return;
    }
    figures.spent_cents += entry.amount_cents.unwrap_or(0);
    let paid = i64::from(entry.amount_cents.is_some());
    match kind {
        EntryKind::Earn => {
            figures.visits += 1;
            figures.paid_visits += paid;
            figures.points_issued += entry.points;
        }
        EntryKind::Correction => {
            figures.paid_visits += paid;
            figures.points_issued += entry.points;
        }
        EntryKind::Redeem => figures.points_used -= entry.points,
        EntryKind::Reversal => {
            figures.paid_visits -= paid;
            if entry.points < 0 {
                figures.points_issued += entry.points;
            } else {
                figures.points_used -= entry.points;
            }
        }
        EntryKind::Expire => figures.points_expired -= entry.points,
        // Points carried over from another system were issued there, not in this period.
        EntryKind::Transfer | EntryKind::Import => {}
    }
}

/// The figures of each day in `[start, end)` that has any, read from the ledger, the clients
/// and the rewards.
pub(super) async fn figures_by_day(
    db: &impl ConnectionTrait,
    shop_id: i64,
    zone: Tz,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<BTreeMap<NaiveDate, Figures>, AppError> {
    let day_of = |moment: DateTime<Utc>| moment.with_timezone(&zone).date_naive();
    let mut days: BTreeMap<NaiveDate, Figures> = BTreeMap::new();
    let entries = ledger_entry::Entity::find()
        .select_only()
        .columns([
            ledger_entry::Column::CreatedAt,
            ledger_entry::Column::Kind,
            ledger_entry::Column::Points,
            ledger_entry::Column::AmountCents,
        ])
        .filter(ledger_entry::Column::ShopId.eq(shop_id))
        .filter(ledger_entry::Column::CreatedAt.gte(start))
        .filter(ledger_entry::Column::CreatedAt.lt(end))
        .into_model::<EntryFigures>()
        .all(db)
        .await
        .map_err(db_error)?;
    for entry in &entries {
        count_entry(days.entry(day_of(entry.created_at)).or_default(), entry);
    }
    for created in moments::<client::Entity>(
        db,
        client::Column::ShopId,
        shop_id,
        client::Column::CreatedAt,
        start,
        end,
    )
    .await?
    {
        days.entry(day_of(created)).or_default().new_clients += 1;
    }
    for earned in moments::<earned_reward::Entity>(
        db,
        earned_reward::Column::ShopId,
        shop_id,
        earned_reward::Column::EarnedAt,
        start,
        end,
    )
    .await?
    {
        days.entry(day_of(earned)).or_default().rewards_earned += 1;
    }
    for claimed in moments::<earned_reward::Entity>(
        db,
        earned_reward::Column::ShopId,
        shop_id,
        earned_reward::Column::ClaimedAt,
        start,
        end,
    )
    .await?
    {
        days.entry(day_of(claimed)).or_default().rewards_claimed += 1;
    }
    Ok(days)
}

#[derive(Debug, FromQueryResult)]
struct Moment {
    moment: DateTime<Utc>,
}

/// The values of the time column `at` in `[start, end)` for one shop.
async fn moments<E: EntityTrait>(
    db: &impl ConnectionTrait,
    shop_column: E::Column,
    shop_id: i64,
    at: E::Column,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Vec<DateTime<Utc>>, AppError> {
    let found = E::find()
        .select_only()
        .column_as(at, "moment")
        .filter(shop_column.eq(shop_id))
        .filter(at.gte(start))
        .filter(at.lt(end))
        .into_model::<Moment>()
        .all(db)
        .await
        .map_err(db_error)?;
    Ok(found.into_iter().map(|found| found.moment).collect())
}
