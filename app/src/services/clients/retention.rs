//! Keeping a client no longer than needed (CNIL: three years after the last contact). A client
//! with no visit for the shop's period is listed for the owner, who keeps them (the period starts
//! again) or erases them; if the shop chose it, the hourly job erases a listed client once
//! `NOTICE_DAYS` have passed. The erasure is support's: identity gone, ledger kept, audited.

use chrono::{DateTime, Duration, Months, Utc};
use sea_orm::sea_query::NullOrdering;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, Order, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Select, Set,
};

use super::erase::erase_in_transaction;
use super::lookup::{active_clients, find_in_shop, name_of};
use crate::entities::{client, shop};
use crate::model::audit::AuditKind;
use crate::model::auth::CurrentUser;
use crate::model::error::{AppError, FieldProblem};
use crate::model::retention::{
    InactiveClient, InactivePage, MAX_YEARS, MIN_YEARS, NOTICE_DAYS, RETENTION_PAGE_SIZE,
    RetentionSettings,
};
use crate::services::audit::{self, Actor, AuditRecord};
use crate::services::db::Db;
use crate::services::time::{format_date, shop_zone};
use crate::services::{db_error, existing_page_offset, owner_only, update_in_shop};

/// The audit detail of an erasure made under the retention rule.
pub const RETENTION_ERASURE: &str = "retention";
/// Clients the job erases in one shop per run: a backlog is worked through hour by hour.
const ERASED_PER_RUN: u64 = 200;

/// The shop's rule.
pub async fn settings(
    db: &impl ConnectionTrait,
    shop_id: i64,
) -> Result<RetentionSettings, AppError> {
    let shop = shop::Entity::find_by_id(shop_id)
        .one(db)
        .await
        .map_err(db_error)?
        .ok_or(AppError::NotFound)?;
    Ok(RetentionSettings {
        years: shop.retention_years,
        auto_erase: shop.retention_auto_erase,
    })
}

/// Changes the shop's rule (owner only); the change is in the audit log.
pub async fn change_settings(
    db: &Db,
    actor: &Actor,
    wanted: RetentionSettings,
) -> Result<RetentionSettings, AppError> {
    owner_only(actor)?;
    if !(MIN_YEARS..=MAX_YEARS).contains(&wanted.years) {
        return Err(AppError::invalid(
            "years",
            FieldProblem::NumberOutOfRange {
                min: i64::from(MIN_YEARS),
                max: i64::from(MAX_YEARS),
            },
        ));
    }
    let txn = db.begin_write().await?;
    let found = shop::Entity::find_by_id(actor.shop_id)
        .one(&txn)
        .await
        .map_err(db_error)?
        .ok_or(AppError::NotFound)?;
    let before = RetentionSettings {
        years: found.retention_years,
        auto_erase: found.retention_auto_erase,
    };
    if before == wanted {
        return Ok(wanted);
    }
    let mut changed: shop::ActiveModel = found.into();
    changed.retention_years = Set(wanted.years);
    changed.retention_auto_erase = Set(wanted.auto_erase);
    changed.update(&txn).await.map_err(db_error)?;
    audit::write(
        &txn,
        AuditRecord::by(actor, AuditKind::RetentionChanged).detail(format!(
            "{} → {} years, automatic erasure {} → {}",
            before.years, wanted.years, before.auto_erase, wanted.auto_erase
        )),
    )
    .await?;
    txn.commit().await.map_err(db_error)?;
    Ok(wanted)
}

fn period(years: i32) -> Months {
    Months::new(years.clamp(MIN_YEARS, MAX_YEARS).unsigned_abs() * 12)
}

/// The start of the period that ends at `now`.
fn period_start(now: DateTime<Utc>, years: i32) -> DateTime<Utc> {
    now.checked_sub_months(period(years)).unwrap_or(now)
}

/// The end of the period that starts at `seen`.
fn period_end(seen: DateTime<Utc>, years: i32) -> DateTime<Utc> {
    seen.checked_add_months(period(years)).unwrap_or(seen)
}

/// The shop's active clients with nothing since `since`: no visit, not created, not kept.
fn inactive_since(shop_id: i64, since: DateTime<Utc>) -> Select<client::Entity> {
    active_clients(shop_id)
        .filter(client::Column::CreatedAt.lt(since))
        .filter(
            Condition::any()
                .add(client::Column::LastVisitAt.is_null())
                .add(client::Column::LastVisitAt.lt(since)),
        )
        .filter(
            Condition::any()
                .add(client::Column::KeptAt.is_null())
                .add(client::Column::KeptAt.lt(since)),
        )
}

/// The latest of the file's creation, its last visit and the owner's last "keep".
fn last_seen(client: &client::Model) -> DateTime<Utc> {
    [client.last_visit_at, client.kept_at]
        .into_iter()
        .flatten()
        .fold(client.created_at, DateTime::max)
}

/// The clients past the shop's period, longest gone first, with the rule (owner only).
pub async fn inactive_clients(
    db: &Db,
    user: &CurrentUser,
    page: u64,
) -> Result<InactivePage, AppError> {
    owner_only(user)?;
    inactive_clients_at(db, user, page, Utc::now()).await
}

async fn inactive_clients_at(
    db: &Db,
    user: &CurrentUser,
    page: u64,
    now: DateTime<Utc>,
) -> Result<InactivePage, AppError> {
    let settings = settings(db, user.shop_id).await?;
    let zone = shop_zone(&user.time_zone);
    let listed = inactive_since(user.shop_id, period_start(now, settings.years));
    let total = listed.clone().count(db).await.map_err(db_error)?;
    let offset = existing_page_offset(page, RETENTION_PAGE_SIZE, total)?;
    let rows = listed
        .order_by_with_nulls(client::Column::LastVisitAt, Order::Asc, NullOrdering::First)
        .order_by_asc(client::Column::CreatedAt)
        .order_by_asc(client::Column::Id)
        .offset(offset)
        .limit(RETENTION_PAGE_SIZE)
        .all(db)
        .await
        .map_err(db_error)?;
    let clients = rows
        .iter()
        .map(|row| {
            let seen = last_seen(row);
            let erased_at =
                (period_end(seen, settings.years) + Duration::days(NOTICE_DAYS)).max(now);
            InactiveClient {
                id: row.id,
                name: name_of(row),
                last_seen: format_date(seen, zone),
                erased_on: settings.auto_erase.then(|| format_date(erased_at, zone)),
            }
        })
        .collect();
    Ok(InactivePage {
        settings,
        clients,
        total,
        page,
    })
}

/// The owner keeps a client: the period starts again today.
pub async fn keep_client(db: &Db, actor: &Actor, client_id: i64) -> Result<(), AppError> {
    owner_only(actor)?;
    let txn = db.begin_write().await?;
    let found = find_in_shop(&txn, actor.shop_id, client_id).await?;
    let mut kept: client::ActiveModel = found.into();
    kept.kept_at = Set(Some(Utc::now()));
    update_in_shop(&txn, kept, client::Column::ShopId, actor.shop_id).await?;
    audit::write(
        &txn,
        AuditRecord::by(actor, AuditKind::ClientKept).client(client_id),
    )
    .await?;
    txn.commit().await.map_err(db_error)
}

/// The owner erases a listed client. One that came back meanwhile is not listed any more and is
/// not found here.
pub async fn erase_inactive_client(db: &Db, actor: &Actor, client_id: i64) -> Result<(), AppError> {
    owner_only(actor)?;
    let txn = db.begin_write().await?;
    let rule = settings(&txn, actor.shop_id).await?;
    inactive_since(actor.shop_id, period_start(Utc::now(), rule.years))
        .filter(client::Column::Id.eq(client_id))
        .one(&txn)
        .await
        .map_err(db_error)?
        .ok_or(AppError::NotFound)?;
    erase_in_transaction(
        &txn,
        actor.shop_id,
        client_id,
        AuditRecord::by(actor, AuditKind::ClientErased).detail(RETENTION_ERASURE),
    )
    .await?;
    txn.commit().await.map_err(db_error)
}

/// The hourly job: in each shop that chose it, erases the clients listed for `NOTICE_DAYS`
/// as of `now`, at most `ERASED_PER_RUN` per shop. Returns how many it erased.
pub async fn erase_overdue(db: &Db, now: DateTime<Utc>) -> Result<u64, AppError> {
    let shops = shop::Entity::find()
        .filter(shop::Column::RetentionAutoErase.eq(true))
        .filter(shop::Column::IsPlatform.eq(false))
        .order_by_asc(shop::Column::Id)
        .all(db)
        .await
        .map_err(db_error)?;
    let mut erased = 0;
    for shop in shops {
        let overdue_since = period_start(now, shop.retention_years) - Duration::days(NOTICE_DAYS);
        let ids: Vec<i64> = inactive_since(shop.id, overdue_since)
            .select_only()
            .column(client::Column::Id)
            .order_by_asc(client::Column::Id)
            .limit(ERASED_PER_RUN)
            .into_tuple()
            .all(db)
            .await
            .map_err(db_error)?;
        for client_id in ids {
            let txn = db.begin_write().await?;
            let record = AuditRecord {
                kind: AuditKind::ClientErased,
                shop_id: Some(shop.id),
                user_id: None,
                source: "job",
                client_id: None,
                entry_id: None,
                detail: RETENTION_ERASURE.to_owned(),
            };
            match erase_in_transaction(&txn, shop.id, client_id, record).await {
                Ok(()) => {
                    txn.commit().await.map_err(db_error)?;
                    erased += 1;
                }
                // Merged or erased by someone else since the list was read.
                Err(AppError::NotFound) => {}
                Err(error) => return Err(error),
            }
        }
    }
    Ok(erased)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::{audit_event, ledger_entry};
    use crate::services::ledger::record_transaction;
    use crate::services::test_support::{TestShop, earn};

    /// Moves a client's dates back, as if the file were `days` old and the last visit too.
    async fn age(shop: &TestShop, client_id: i64, days: i64) {
        let found = client::Entity::find_by_id(client_id)
            .one(&shop.db)
            .await
            .expect("read")
            .expect("client");
        let then = Utc::now() - Duration::days(days);
        let visited = found.last_visit_at.is_some();
        let mut older: client::ActiveModel = found.into();
        older.created_at = Set(then);
        if visited {
            older.last_visit_at = Set(Some(then));
        }
        older.update(&shop.db).await.expect("age");
    }

    async fn listed(shop: &TestShop) -> Vec<i64> {
        inactive_clients(&shop.db, &shop.owner, 0)
            .await
            .expect("list")
            .clients
            .iter()
            .map(|client| client.id)
            .collect()
    }

    #[tokio::test]
    async fn a_client_gone_for_the_period_is_listed_and_one_who_came_is_not() {
        let shop = TestShop::new().await;
        let gone = shop.client("Léa", "Morel").await;
        // Created today: not listed whatever happens.
        shop.client("Hugo", "Petit").await;
        let came_back = shop.client("Inès", "Roux").await;
        age(&shop, gone.id, 3 * 366).await;
        age(&shop, came_back.id, 4 * 366).await;
        record_transaction(&shop.db, &shop.owner, &earn(came_back.id, "5", ""))
            .await
            .expect("visit");
        assert_eq!(listed(&shop).await, vec![gone.id]);
    }

    #[tokio::test]
    async fn a_kept_client_leaves_the_list_and_the_keep_is_audited() {
        let shop = TestShop::new().await;
        let gone = shop.client("Léa", "Morel").await;
        age(&shop, gone.id, 3 * 366).await;
        keep_client(&shop.db, &shop.owner, gone.id)
            .await
            .expect("kept");
        assert!(listed(&shop).await.is_empty());
        let kept = audit_event::Entity::find()
            .filter(audit_event::Column::Kind.eq(AuditKind::ClientKept.code()))
            .filter(audit_event::Column::ClientId.eq(gone.id))
            .count(&shop.db)
            .await
            .expect("audit");
        assert_eq!(kept, 1);
    }

    #[tokio::test]
    async fn the_owner_erases_a_listed_client_and_the_ledger_stays() {
        let shop = TestShop::new().await;
        let gone = shop.client("Léa", "Morel").await;
        record_transaction(&shop.db, &shop.owner, &earn(gone.id, "12", ""))
            .await
            .expect("earned");
        age(&shop, gone.id, 3 * 366).await;
        let active = shop.client("Hugo", "Petit").await;
        let refused = erase_inactive_client(&shop.db, &shop.owner, active.id).await;
        assert!(matches!(refused, Err(AppError::NotFound)), "{refused:?}");
        erase_inactive_client(&shop.db, &shop.owner, gone.id)
            .await
            .expect("erased");
        let erased = client::Entity::find_by_id(gone.id)
            .one(&shop.db)
            .await
            .expect("read")
            .expect("file kept");
        assert!(erased.erased_at.is_some());
        assert_eq!(erased.last_name, "");
        assert_eq!(erased.points_balance, 12);
        let entries = ledger_entry::Entity::find()
            .filter(ledger_entry::Column::ClientId.eq(gone.id))
            .count(&shop.db)
            .await
            .expect("entries");
        assert_eq!(entries, 1);
        let audited = audit_event::Entity::find()
            .filter(audit_event::Column::Kind.eq(AuditKind::ClientErased.code()))
            .filter(audit_event::Column::Detail.eq(RETENTION_ERASURE))
            .count(&shop.db)
            .await
            .expect("audit");
        assert_eq!(audited, 1);
        assert!(listed(&shop).await.is_empty());
        shop.assert_balances_are_sums().await;
    }

    #[tokio::test]
    async fn staff_neither_list_nor_erase() {
        let shop = TestShop::new().await;
        let gone = shop.client("Léa", "Morel").await;
        age(&shop, gone.id, 3 * 366).await;
        let staff = shop.staff();
        assert!(matches!(
            inactive_clients(&shop.db, &staff, 0).await,
            Err(AppError::Forbidden)
        ));
        assert!(matches!(
            erase_inactive_client(&shop.db, &staff, gone.id).await,
            Err(AppError::Forbidden)
        ));
        assert!(matches!(
            keep_client(&shop.db, &staff, gone.id).await,
            Err(AppError::Forbidden)
        ));
    }

    #[tokio::test]
    async fn the_job_erases_only_after_the_notice_and_only_where_chosen() {
        let shop = TestShop::new().await;
        let overdue = shop.client("Léa", "Morel").await;
        let in_notice = shop.client("Hugo", "Petit").await;
        age(&shop, overdue.id, 3 * 366 + NOTICE_DAYS + 2).await;
        age(&shop, in_notice.id, 3 * 366 + 2).await;
        let now = Utc::now();
        assert_eq!(erase_overdue(&shop.db, now).await.expect("run"), 0);
        let chosen = RetentionSettings {
            years: 3,
            auto_erase: true,
        };
        change_settings(&shop.db, &shop.owner, chosen)
            .await
            .expect("settings");
        let page = inactive_clients(&shop.db, &shop.owner, 0)
            .await
            .expect("list");
        assert!(page.clients.iter().all(|client| client.erased_on.is_some()));
        assert_eq!(erase_overdue(&shop.db, now).await.expect("run"), 1);
        assert_eq!(erase_overdue(&shop.db, now).await.expect("again"), 0);
        assert_eq!(listed(&shop).await, vec![in_notice.id]);
    }

    #[tokio::test]
    async fn a_period_outside_one_to_ten_years_is_refused_and_nothing_changes() {
        let shop = TestShop::new().await;
        for years in [0, 11, -3] {
            let refused = change_settings(
                &shop.db,
                &shop.owner,
                RetentionSettings {
                    years,
                    auto_erase: true,
                },
            )
            .await;
            let problem = refused
                .as_ref()
                .err()
                .and_then(|error| error.field_errors()?.get("years").cloned());
            assert!(
                matches!(problem, Some(FieldProblem::NumberOutOfRange { .. })),
                "{refused:?}"
            );
        }
        assert_eq!(
            settings(&shop.db, shop.owner.shop_id).await.expect("read"),
            RetentionSettings::default()
        );
    }
}
