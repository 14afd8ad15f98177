//! The best clients of a period: most spent, then most visits. Over seven days, thirty or twelve
//! months that is tens to hundreds of thousands of entries to add up per client, so the hourly
//! job keeps, for each of these periods, the leaders of its closed days (`shop_best_clients`), and a request
//! adds today's purchases to them. A client left off the kept list spent at most what its last
//! leader did; when such a client could still reach the top with today's purchases, its closed
//! days are read exactly, and when the list cannot tell, the whole period is.

use std::cmp::Reverse;
use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, Order, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::entities::{ledger_entry, shop_best_client};
use crate::model::dashboard::{BEST_CLIENTS, DashboardQuery, PeriodChoice};
use crate::model::error::AppError;
use crate::model::ledger::EntryKind;
use crate::services::db_error;
use crate::services::time::start_of_day;

/// How many leaders are kept per period: far more than are shown, so today's purchases rarely
/// bring in a client whose closed days must be read. The tests keep a handful.
const KEPT: u64 = if cfg!(test) { 6 } else { 100 };

/// The periods whose leaders are kept (typed dates are read whole).
const KEPT_PERIODS: [PeriodChoice; 3] =
    [PeriodChoice::Week, PeriodChoice::Month, PeriodChoice::Year];

#[derive(Debug, Clone, Copy, PartialEq, Eq, FromQueryResult)]
pub(super) struct Spending {
    pub client_id: i64,
    pub visits: i64,
    pub spent: i64,
}

impl Spending {
    /// The order of the list: most spent, then most visits, then the oldest file.
    fn rank(&self) -> (Reverse<i64>, Reverse<i64>, i64) {
        (Reverse(self.spent), Reverse(self.visits), self.client_id)
    }

    fn add(&mut self, other: &Spending) {
        self.visits += other.visits;
        self.spent += other.spent;
    }
}

/// Each client's visits and spending in `[start, end)`, best first; only `clients` when given,
/// at most `limit` when given.
pub(super) async fn spending(
    db: &impl ConnectionTrait,
    shop_id: i64,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    clients: Option<&[i64]>,
    limit: Option<u64>,
) -> Result<Vec<Spending>, AppError> {
    let earn = EntryKind::Earn.code();
    let mut query = ledger_entry::Entity::find()
        .select_only()
        .column(ledger_entry::Column::ClientId)
        .column_as(
            Expr::cust(format!(
                "CAST(SUM(CASE WHEN kind = '{earn}' THEN 1 ELSE 0 END) AS BIGINT)"
            )),
            "visits",
        )
        .column_as(
            Expr::cust("CAST(COALESCE(SUM(amount_cents), 0) AS BIGINT)"),
            "spent",
        )
        .filter(ledger_entry::Column::ShopId.eq(shop_id))
        .filter(ledger_entry::Column::CreatedAt.gte(start))
        .filter(ledger_entry::Column::CreatedAt.lt(end))
        .filter(ledger_entry::Column::Kind.is_in([
            EntryKind::Earn.code(),
            EntryKind::Correction.code(),
            EntryKind::Reversal.code(),
        ]));
    if let Some(clients) = clients {
        query = query.filter(ledger_entry::Column::ClientId.is_in(clients.iter().copied()));
    }
    query = query
        .group_by(ledger_entry::Column::ClientId)
        .order_by(Expr::cust("spent"), Order::Desc)
        .order_by(Expr::cust("visits"), Order::Desc)
        .order_by(ledger_entry::Column::ClientId, Order::Asc);
    if let Some(limit) = limit {
        query = query.limit(limit);
    }
    query
        .into_model::<Spending>()
        .all(db)
        .await
        .map_err(db_error)
}

/// Keeps the leaders of each kept period's closed days as of `today`, once a day; answers how
/// many lists were written.
pub(super) async fn keep_leaders(
    db: &impl ConnectionTrait,
    shop_id: i64,
    zone: Tz,
    today: NaiveDate,
) -> Result<u64, AppError> {
    let through = today - Duration::days(1);
    let mut written = 0;
    for period in KEPT_PERIODS {
        let (from, _) = DashboardQuery {
            period,
            ..DashboardQuery::default()
        }
        .days(today)?;
        if !stored_leaders(db, shop_id, period, through)
            .await?
            .is_empty()
        {
            continue;
        }
        let leaders = spending(
            db,
            shop_id,
            start_of_day(from, zone),
            start_of_day(today, zone),
            None,
            Some(KEPT),
        )
        .await?;
        if leaders.is_empty() {
            continue;
        }
        let rows = leaders.iter().enumerate().map(|(rank, leader)| {
            use sea_orm::ActiveValue::Set;
            shop_best_client::ActiveModel {
                shop_id: Set(shop_id),
                period: Set(period.code().to_owned()),
                through_day: Set(through),
                rank: Set(rank as i64),
                client_id: Set(leader.client_id),
                visits: Set(leader.visits),
                spent_cents: Set(leader.spent),
            }
        });
        // Another server may keep the same list at the same moment: the first one stays.
        shop_best_client::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::columns([
                    shop_best_client::Column::ShopId,
                    shop_best_client::Column::Period,
                    shop_best_client::Column::ThroughDay,
                    shop_best_client::Column::Rank,
                ])
                .do_nothing()
                .to_owned(),
            )
            .exec_without_returning(db)
            .await
            .map_err(db_error)?;
        shop_best_client::Entity::delete_many()
            .filter(shop_best_client::Column::ShopId.eq(shop_id))
            .filter(shop_best_client::Column::Period.eq(period.code()))
            .filter(shop_best_client::Column::ThroughDay.lt(through))
            .exec(db)
            .await
            .map_err(db_error)?;
        written += 1;
    }
    Ok(written)
}

async fn stored_leaders(
    db: &impl ConnectionTrait,
    shop_id: i64,
    period: PeriodChoice,
    through: NaiveDate,
) -> Result<Vec<Spending>, AppError> {
    let rows = shop_best_client::Entity::find()
        .filter(shop_best_client::Column::ShopId.eq(shop_id))
        .filter(shop_best_client::Column::Period.eq(period.code()))
        .filter(shop_best_client::Column::ThroughDay.eq(through))
        .order_by_asc(shop_best_client::Column::Rank)
        .all(db)
        .await
        .map_err(db_error)?;
    Ok(rows
        .into_iter()
        .map(|row| Spending {
            client_id: row.client_id,
            visits: row.visits,
            spent: row.spent_cents,
        })
        .collect())
}

/// The period's best clients, best first: from the kept leaders plus today when the period is
/// one whose leaders are kept and ends today, else from the period's entries.
#[allow(clippy::too_many_arguments)]
pub(super) async fn best_clients(
    db: &impl ConnectionTrait,
    shop_id: i64,
    zone: Tz,
    period: PeriodChoice,
    today: NaiveDate,
    to: NaiveDate,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Vec<Spending>, AppError> {
    if to == today && KEPT_PERIODS.contains(&period) {
        let leaders = stored_leaders(db, shop_id, period, today - Duration::days(1)).await?;
        if !leaders.is_empty() {
            let today_start = start_of_day(today, zone);
            if let Some(best) = with_today(db, shop_id, leaders, start, today_start, end).await? {
                return Ok(best);
            }
        }
    }
    spending(db, shop_id, start, end, None, Some(BEST_CLIENTS)).await
}

/// The kept leaders of `[start, today_start)` with today's purchases added; none when a client
/// off the list could tie with the last one shown.
async fn with_today(
    db: &impl ConnectionTrait,
    shop_id: i64,
    leaders: Vec<Spending>,
    start: DateTime<Utc>,
    today_start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Option<Vec<Spending>>, AppError> {
    // Fewer leaders than kept: every client of the closed days is on the list.
    let complete = leaders.len() < KEPT as usize;
    // What a client off the list spent at most in the closed days.
    let ceiling = leaders.last().map_or(0, |last| last.spent);
    let mut totals: HashMap<i64, Spending> = leaders
        .into_iter()
        .map(|leader| (leader.client_id, leader))
        .collect();
    let mut unknown = Vec::new();
    for today in spending(db, shop_id, today_start, end, None, None).await? {
        match totals.get_mut(&today.client_id) {
            Some(total) => total.add(&today),
            None if complete => {
                totals.insert(today.client_id, today);
            }
            None => unknown.push(today),
        }
    }
    let mut ranked: Vec<Spending> = totals.into_values().collect();
    ranked.sort_by_key(Spending::rank);
    if !complete {
        let shown_last = ranked
            .get(BEST_CLIENTS as usize - 1)
            .map_or(i64::MIN, |last| last.spent);
        if shown_last <= ceiling {
            return Ok(None);
        }
        let contenders: Vec<i64> = unknown
            .iter()
            .filter(|today| today.spent + ceiling >= shown_last)
            .map(|today| today.client_id)
            .collect();
        if !contenders.is_empty() {
            let closed: HashMap<i64, Spending> =
                spending(db, shop_id, start, today_start, Some(&contenders), None)
                    .await?
                    .into_iter()
                    .map(|closed| (closed.client_id, closed))
                    .collect();
            for today in unknown
                .iter()
                .filter(|today| contenders.contains(&today.client_id))
            {
                let mut total = *today;
                if let Some(closed) = closed.get(&today.client_id) {
                    total.add(closed);
                }
                ranked.push(total);
            }
            ranked.sort_by_key(Spending::rank);
        }
    }
    ranked.truncate(BEST_CLIENTS as usize);
    Ok(Some(ranked))
}
