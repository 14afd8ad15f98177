//! The owner's dashboard. A period's figures are the sum of its days: closed days come from
//! `shop_days` (written once by the hourly job, `roll_up_closed_days`), the days since from the
//! ledger itself, both through `days::figures_by_day`, so a figure has one definition. Clients
//! active and returning in a period ending today are counted on the clients' own columns, a
//! period in the past from its entries; the best clients are in `best.rs`.

mod best;
mod days;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::entities::{client, earned_reward, ledger_entry, shop};
use crate::model::auth::CurrentUser;
use crate::model::dashboard::{
    BestClient, Dashboard, DashboardQuery, Figures, Step, StepFigures, step_starts,
};
use crate::model::error::AppError;
use crate::model::ledger::EntryKind;
use crate::model::rewards::EarnedStatus;
use crate::model::tickets::SHOP_TOP_ITEMS;
use crate::services::db::Db;
use crate::services::ledger::best_sellers;
use crate::services::time::{shop_zone, start_of_day};
use crate::services::{db_error, owner_only, shop_check};

pub async fn dashboard(
    db: &Db,
    user: &CurrentUser,
    query: &DashboardQuery,
    now: DateTime<Utc>,
) -> Result<Dashboard, AppError> {
    owner_only(user)?;
    let zone = shop_zone(&user.time_zone);
    let today = now.with_timezone(&zone).date_naive();
    let (from, to) = query.days(today)?;
    let db = db.connection();
    let period_start = start_of_day(from, zone);
    let period_end = start_of_day(to + Duration::days(1), zone);

    let mut days = days::stored_days(db, user.shop_id, from, to).await?;
    let first_live_day = days
        .last_key_value()
        .map_or(from, |(day, _)| *day + Duration::days(1));
    if first_live_day <= to {
        let live = days::figures_by_day(
            db,
            user.shop_id,
            zone,
            start_of_day(first_live_day, zone),
            period_end,
        )
        .await?;
        days.extend(live);
    }

    let step = Step::for_period(from, to);
    let mut steps: BTreeMap<NaiveDate, Figures> = step_starts(from, to, step)
        .into_iter()
        .map(|start| (start, Figures::default()))
        .collect();
    let mut totals = Figures::default();
    for (day, figures) in &days {
        totals.add(figures);
        steps.entry(step.start(*day)).or_default().add(figures);
    }

    let (top_services, top_products) =
        best_sellers(db, user.shop_id, period_start, period_end, SHOP_TOP_ITEMS).await?;
    let (active_clients, returning_clients) = if to == today {
        clients_seen_since(db, user.shop_id, period_start).await?
    } else {
        clients_seen_between(db, user.shop_id, period_start, period_end).await?
    };
    Ok(Dashboard {
        from,
        to,
        step,
        totals,
        active_clients,
        returning_clients,
        rewards_expired: rewards_expired(db, user.shop_id, period_start, period_end.min(now))
            .await?,
        steps: steps
            .into_iter()
            .map(|(start, figures)| StepFigures { start, figures })
            .collect(),
        best_clients: named(
            db,
            user.shop_id,
            best::best_clients(
                db,
                user.shop_id,
                zone,
                query.period,
                today,
                to,
                period_start,
                period_end,
            )
            .await?,
        )
        .await?,
        top_services,
        top_products,
    })
}

/// The best clients with their names.
async fn named(
    db: &impl ConnectionTrait,
    shop_id: i64,
    spending: Vec<best::Spending>,
) -> Result<Vec<BestClient>, AppError> {
    if spending.is_empty() {
        return Ok(Vec::new());
    }
    let names: HashMap<i64, String> = client::Entity::find()
        .filter(shop_check(db, client::Column::ShopId, shop_id))
        .filter(client::Column::Id.is_in(spending.iter().map(|row| row.client_id)))
        .all(db)
        .await
        .map_err(db_error)?
        .into_iter()
        .map(|client| {
            let name = format!("{} {}", client.first_name, client.last_name);
            (client.id, name.trim().to_owned())
        })
        .collect();
    Ok(spending
        .into_iter()
        .map(|row| BestClient {
            client_id: row.client_id,
            name: names.get(&row.client_id).cloned().unwrap_or_default(),
            visits: row.visits,
            spent_cents: row.spent,
        })
        .collect())
}

/// The hourly job's part: for every shop, the figures of each closed day not written yet, and
/// the best clients of the closed days of each kept period. Servers sharing a database may run it
/// at once.
pub async fn roll_up_closed_days(db: &Db, now: DateTime<Utc>) -> Result<RollUpReport, AppError> {
    let db = db.connection();
    let shops = shop::Entity::find()
        .filter(shop::Column::IsPlatform.eq(false))
        .all(db)
        .await
        .map_err(db_error)?;
    let mut report = RollUpReport::default();
    for shop in shops {
        let zone = shop_zone(&shop.time_zone);
        let today = now.with_timezone(&zone).date_naive();
        report.days += days::write_closed_days(db, &shop, zone, today).await?;
        report.best_lists += best::keep_leaders(db, shop.id, zone, today).await?;
    }
    Ok(report)
}

/// What a run of the roll-up wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RollUpReport {
    pub days: u64,
    pub best_lists: u64,
}

/// Clients with a purchase since `start`, and those of them with two purchases or more: the
/// clients' last visit and visit count say it without reading the ledger.
async fn clients_seen_since(
    db: &impl ConnectionTrait,
    shop_id: i64,
    start: DateTime<Utc>,
) -> Result<(i64, i64), AppError> {
    let seen = client::Entity::find()
        .filter(client::Column::ShopId.eq(shop_id))
        .filter(client::Column::MergedIntoId.is_null())
        .filter(client::Column::LastVisitAt.gte(start));
    let active = seen.clone().count(db).await.map_err(db_error)?;
    let returning = seen
        .filter(client::Column::VisitCount.gte(2))
        .count(db)
        .await
        .map_err(db_error)?;
    Ok((count_of(active), count_of(returning)))
}

/// The same counts for a period in the past, from its purchases: a client came back when the
/// period holds two of them, or the first purchase came before it.
async fn clients_seen_between(
    db: &impl ConnectionTrait,
    shop_id: i64,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<(i64, i64), AppError> {
    // Imported here only: its `min` and `max` would shadow `Ord`'s for dates elsewhere.
    use sea_orm::sea_query::{CaseStatement, ExprTrait, Func, JoinType};
    let seen = Alias::new("seen");
    let purchases = Alias::new("purchases");
    let per_client = Query::select()
        .column(ledger_entry::Column::ClientId)
        .expr_as(
            Expr::col(ledger_entry::Column::Id).count(),
            purchases.clone(),
        )
        .from(ledger_entry::Entity)
        .and_where(ledger_entry::Column::ShopId.eq(shop_id))
        .and_where(ledger_entry::Column::Kind.eq(EntryKind::Earn.code()))
        .and_where(ledger_entry::Column::CreatedAt.gte(start))
        .and_where(ledger_entry::Column::CreatedAt.lt(end))
        .group_by_col(ledger_entry::Column::ClientId)
        .to_owned();
    let came_back = CaseStatement::new()
        .case(
            Expr::col((seen.clone(), purchases)).gte(2).or(Expr::col((
                client::Entity,
                client::Column::FirstVisitAt,
            ))
            .lt(start)),
            1,
        )
        .finally(0);
    let counts = Query::select()
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("active"))
        .expr_as(
            Expr::from(Func::sum(Expr::Case(Box::new(came_back)))).cast_as(Alias::new("BIGINT")),
            Alias::new("returning"),
        )
        .from_subquery(per_client, seen.clone())
        .join(
            JoinType::InnerJoin,
            client::Entity,
            Expr::col((client::Entity, client::Column::ShopId))
                .eq(shop_id)
                .and(
                    Expr::col((client::Entity, client::Column::Id))
                        .equals((seen, ledger_entry::Column::ClientId)),
                ),
        )
        .to_owned();
    let Some(row) = db.query_one(&counts).await.map_err(db_error)? else {
        return Ok((0, 0));
    };
    let active = row.try_get::<i64>("", "active").map_err(db_error)?;
    let returning = row
        .try_get::<Option<i64>>("", "returning")
        .map_err(db_error)?
        .unwrap_or(0);
    Ok((active, returning))
}

/// Rewards whose validity ran out in `[start, end)` while still waiting.
async fn rewards_expired(
    db: &impl ConnectionTrait,
    shop_id: i64,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<i64, AppError> {
    let count = earned_reward::Entity::find()
        .filter(earned_reward::Column::ShopId.eq(shop_id))
        .filter(earned_reward::Column::ValidUntil.gte(start))
        .filter(earned_reward::Column::ValidUntil.lt(end))
        .filter(
            earned_reward::Column::Status
                .is_in([EarnedStatus::Earned.code(), EarnedStatus::Expired.code()]),
        )
        .count(db)
        .await
        .map_err(db_error)?;
    Ok(count_of(count))
}

fn count_of(count: u64) -> i64 {
    i64::try_from(count).unwrap_or(i64::MAX)
}
