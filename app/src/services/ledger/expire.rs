//! The expiry job, run when the server starts and every hour (and by `comptoir expire`):
//! waiting rewards past their validity become expired, and points expire as each live
//! programme says, written as `expire` entries through the ledger's rules (never below zero,
//! balance changed in the same transaction). Idempotent: what a run wrote is no longer due, so
//! a second run at the same clock, or two servers at once, write nothing more.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, CaseStatement, Condition, Expr, ExprTrait, Func};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::rules::{Account, BalanceChange, decide};
use super::write::{change_balances, read_accounts};
use super::{NewEntry, entry_row_by};
use crate::entities::{client, earned_reward, ledger_entry, programme, shop, user};
use crate::model::audit::AuditKind;
use crate::model::error::AppError;
use crate::model::ledger::{EntryKind, TransactionValues};
use crate::model::programme::PointsExpiry;
use crate::model::rewards::EarnedStatus;
use crate::services::audit::{self, AuditRecord};
use crate::services::db::Db;
use crate::services::db_error;
use crate::services::programme::expiry::{cutoff, due_after_earned};
use crate::services::programme::stored_expiry;

/// Clients handled in one write transaction: the tills wait while it holds SQLite's writer.
const CLIENTS_PER_TRANSACTION: usize = 200;

/// What one run changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExpiryReport {
    pub rewards_expired: u64,
    pub clients: u64,
    pub points_expired: i64,
}

/// Runs the expiry as of `clock` (the real time, or a test's), for every shop or only one.
pub async fn run_expiry(
    db: &Db,
    clock: DateTime<Utc>,
    only_shop: Option<i64>,
) -> Result<ExpiryReport, AppError> {
    let mut report = ExpiryReport {
        rewards_expired: expire_rewards(db, clock, only_shop).await?,
        ..ExpiryReport::default()
    };
    let mut programmes = programme::Entity::find()
        .filter(programme::Column::EndedAt.is_null())
        .filter(programme::Column::PointsExpiry.is_not_null());
    if let Some(shop_id) = only_shop {
        programmes = programmes.filter(programme::Column::ShopId.eq(shop_id));
    }
    let programmes = programmes
        .order_by_asc(programme::Column::ShopId)
        .all(db)
        .await
        .map_err(db_error)?;
    for row in programmes {
        let Some(expiry) = stored_expiry(&row) else {
            continue;
        };
        let (clients, points) = expire_points(db, row.shop_id, expiry, clock).await?;
        report.clients += clients;
        report.points_expired += points;
    }
    Ok(report)
}

async fn expire_rewards(
    db: &Db,
    clock: DateTime<Utc>,
    only_shop: Option<i64>,
) -> Result<u64, AppError> {
    let txn = db.begin_write().await?;
    let mut expire = earned_reward::Entity::update_many()
        .col_expr(
            earned_reward::Column::Status,
            Expr::value(EarnedStatus::Expired.code()),
        )
        .filter(earned_reward::Column::Status.eq(EarnedStatus::Earned.code()))
        .filter(earned_reward::Column::ValidUntil.lt(clock));
    if let Some(shop_id) = only_shop {
        expire = expire.filter(earned_reward::Column::ShopId.eq(shop_id));
    }
    let expired = expire.exec(&txn).await.map_err(db_error)?;
    txn.commit().await.map_err(db_error)?;
    Ok(expired.rows_affected)
}

/// The account the shop's automatic entries are written in the name of: its founder, else its
/// first owner.
async fn shop_author(db: &impl ConnectionTrait, shop_id: i64) -> Result<Option<i64>, AppError> {
    let founder = shop::Entity::find_by_id(shop_id)
        .one(db)
        .await
        .map_err(db_error)?
        .and_then(|shop| shop.founder_user_id);
    if founder.is_some() {
        return Ok(founder);
    }
    Ok(user::Entity::find()
        .filter(user::Column::ShopId.eq(shop_id))
        .filter(user::Column::Role.eq("owner"))
        .order_by_asc(user::Column::Id)
        .one(db)
        .await
        .map_err(db_error)?
        .map(|owner| owner.id))
}

/// Per client, points earned before `cutoff` and points used ever (positive), for the clients
/// given (all of the shop's when `None`) whose old points exceed their uses.
async fn earned_before(
    db: &impl ConnectionTrait,
    shop_id: i64,
    clients: Option<&[i64]>,
    cutoff: DateTime<Utc>,
) -> Result<HashMap<i64, (i64, i64)>, AppError> {
    let points = || Expr::col(ledger_entry::Column::Points);
    let old_credits = || {
        Func::cast_as(
            Func::sum(
                CaseStatement::new()
                    .case(
                        points()
                            .gt(0)
                            .and(Expr::col(ledger_entry::Column::CreatedAt).lt(cutoff)),
                        points(),
                    )
                    .finally(0),
            ),
            Alias::new("BIGINT"),
        )
    };
    let debits = || {
        Func::cast_as(
            Func::sum(
                CaseStatement::new()
                    .case(points().lt(0), points().mul(-1))
                    .finally(0),
            ),
            Alias::new("BIGINT"),
        )
    };
    let mut query = ledger_entry::Entity::find()
        .select_only()
        .column(ledger_entry::Column::ClientId)
        .expr(old_credits())
        .expr(debits())
        .filter(ledger_entry::Column::ShopId.eq(shop_id));
    if let Some(clients) = clients {
        query = query.filter(ledger_entry::Column::ClientId.is_in(clients.iter().copied()));
    }
    Ok(query
        .group_by(ledger_entry::Column::ClientId)
        .having(Expr::expr(old_credits()).gt(debits()))
        .into_tuple::<(i64, i64, i64)>()
        .all(db)
        .await
        .map_err(db_error)?
        .into_iter()
        .map(|(client_id, credits, debits)| (client_id, (credits, debits)))
        .collect())
}

/// Active clients of the shop with points and no visit since `cutoff` (nor a file made since).
async fn idle_since(
    db: &impl ConnectionTrait,
    shop_id: i64,
    clients: Option<&[i64]>,
    cutoff: DateTime<Utc>,
) -> Result<Vec<i64>, AppError> {
    let mut query = client::Entity::find()
        .select_only()
        .column(client::Column::Id)
        .filter(client::Column::ShopId.eq(shop_id))
        .filter(client::Column::PointsBalance.gt(0))
        .filter(client::Column::MergedIntoId.is_null())
        .filter(client::Column::ErasedAt.is_null())
        .filter(
            Condition::any()
                .add(client::Column::LastVisitAt.lt(cutoff))
                .add(
                    Condition::all()
                        .add(client::Column::LastVisitAt.is_null())
                        .add(client::Column::CreatedAt.lt(cutoff)),
                ),
        );
    if let Some(clients) = clients {
        query = query.filter(client::Column::Id.is_in(clients.iter().copied()));
    }
    query
        .order_by_asc(client::Column::Id)
        .into_tuple::<i64>()
        .all(db)
        .await
        .map_err(db_error)
}

/// The points due per client among `clients`, read after their accounts were locked (so two
/// runs at once never both take the same points).
async fn due_points(
    txn: &impl ConnectionTrait,
    shop_id: i64,
    expiry: PointsExpiry,
    cutoff: DateTime<Utc>,
    clients: &[i64],
    balances: &HashMap<i64, i64>,
) -> Result<Vec<(i64, i64)>, AppError> {
    let balance = |client_id: i64| balances.get(&client_id).copied().unwrap_or_default();
    let mut due: Vec<(i64, i64)> = match expiry {
        PointsExpiry::LastVisit { .. } => idle_since(txn, shop_id, Some(clients), cutoff)
            .await?
            .into_iter()
            .map(|client_id| (client_id, balance(client_id)))
            .collect(),
        PointsExpiry::Earned { .. } => earned_before(txn, shop_id, Some(clients), cutoff)
            .await?
            .into_iter()
            .map(|(client_id, (credits, debits))| {
                (
                    client_id,
                    due_after_earned(credits, debits, balance(client_id)),
                )
            })
            .collect(),
    };
    due.retain(|(_, points)| *points > 0);
    due.sort_unstable();
    Ok(due)
}

/// Takes the shop's due points, a slice of clients per transaction. Returns the clients and
/// points expired.
async fn expire_points(
    db: &Db,
    shop_id: i64,
    expiry: PointsExpiry,
    clock: DateTime<Utc>,
) -> Result<(u64, i64), AppError> {
    let Some(cutoff) = cutoff(expiry, clock) else {
        return Ok((0, 0));
    };
    let candidates: Vec<i64> = match expiry {
        PointsExpiry::LastVisit { .. } => idle_since(db, shop_id, None, cutoff).await?,
        PointsExpiry::Earned { .. } => {
            let mut ids: Vec<i64> = earned_before(db, shop_id, None, cutoff)
                .await?
                .into_keys()
                .collect();
            ids.sort_unstable();
            ids
        }
    };
    if candidates.is_empty() {
        return Ok((0, 0));
    }
    let Some(author) = shop_author(db, shop_id).await? else {
        tracing::error!(shop_id, "points due to expire but the shop has no owner");
        return Ok((0, 0));
    };
    let (mut clients, mut points) = (0, 0);
    for slice in candidates.chunks(CLIENTS_PER_TRANSACTION) {
        let txn = db.begin_write().await?;
        let accounts = read_accounts(&txn, slice.iter().map(|client_id| (shop_id, *client_id)))
            .await
            .map_err(db_error)?;
        let balances = accounts
            .iter()
            .map(|(id, client)| (*id, client.points_balance))
            .collect();
        let due = due_points(&txn, shop_id, expiry, cutoff, slice, &balances).await?;
        let mut changes: HashMap<(i64, i64), BalanceChange> = HashMap::new();
        let mut rows = Vec::with_capacity(due.len());
        for (client_id, points_due) in &due {
            let mut account = accounts.get(client_id).map(Account::from);
            // Decided like any entry: an inactive file or a balance too small is skipped.
            let Ok(change) = decide(account.as_mut(), shop_id, EntryKind::Expire, -points_due)
            else {
                continue;
            };
            changes.insert((shop_id, *client_id), change);
            let entry = NewEntry {
                client_id: *client_id,
                kind: EntryKind::Expire,
                values: TransactionValues {
                    points: -points_due,
                    amount_cents: None,
                },
                reverses_entry_id: None,
                corrects_entry_id: None,
                idempotency_key: None,
            };
            rows.push(entry_row_by(shop_id, author, entry, clock));
        }
        if rows.is_empty() {
            continue;
        }
        let taken: i64 = changes.values().map(|change| -change.points).sum();
        let count = rows.len() as u64;
        change_balances(&txn, &changes, clock)
            .await
            .map_err(db_error)?;
        ledger_entry::Entity::insert_many(rows)
            .exec_without_returning(&txn)
            .await
            .map_err(db_error)?;
        audit::write(
            &txn,
            AuditRecord {
                kind: AuditKind::PointsExpired,
                shop_id: Some(shop_id),
                user_id: None,
                source: "job",
                client_id: None,
                entry_id: None,
                detail: format!("{taken} points, {count} clients"),
            },
        )
        .await?;
        txn.commit().await.map_err(db_error)?;
        clients += count;
        points += taken;
    }
    Ok((clients, points))
}
