//! Server-only rules, each module taking a `&Db` and testable without Leptos.

pub mod accounts;
pub mod audit;
pub mod backup;
pub mod campaigns;
pub mod clients;
pub mod config;
pub mod csv_file;
pub mod dashboard;
pub mod db;
pub mod demo;
pub mod exports;
pub mod imports;
pub mod ledger;
pub mod mail;
pub mod programme;
pub mod qr;
pub mod shop_scope;
pub mod support;
pub mod text;
pub mod time;

#[cfg(test)]
mod ledger_invariants;
#[cfg(test)]
pub(crate) mod test_support;

use std::collections::HashMap;

use sea_orm::sea_query::{Expr, ExprTrait, IntoColumnRef};
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter, SqlErr};

use crate::entities::user;
use crate::model::auth::{CurrentUser, Role};
use crate::model::error::AppError;

/// The first row of `page`; a page number no list can reach is bad input, not an overflow.
pub(crate) fn page_offset(page: u64, page_size: u64) -> Result<u64, AppError> {
    const LAST_PAGE: u64 = 1_000_000;
    if page > LAST_PAGE {
        return Err(AppError::invalid(
            "page",
            crate::model::error::FieldProblem::InvalidChoice,
        ));
    }
    Ok(page * page_size)
}

/// The first row of `page` of a list of `total` rows. A page past the last one is bad input,
/// refused before any row is loaded; page 0 exists even when the list is empty.
pub(crate) fn existing_page_offset(page: u64, page_size: u64, total: u64) -> Result<u64, AppError> {
    let offset = page_offset(page, page_size)?;
    if page > 0 && offset >= total {
        return Err(AppError::invalid(
            "page",
            crate::model::error::FieldProblem::InvalidChoice,
        ));
    }
    Ok(offset)
}

/// A database failure is the server's fault: log the cause, show the user a generic message.
pub(crate) fn db_error(error: sea_orm::DbErr) -> AppError {
    tracing::error!(%error, "database error");
    AppError::Internal
}

/// `shop_column = shop_id` as the check of rows found by another key (their ids, a client's).
/// On SQLite it is written `shop_id + 0`, which no index serves: with no statistics, SQLite would
/// read `shop_id = ?` through a `(shop_id, …)` index and go through every row of the shop to find
/// a handful. PostgreSQL plans it well as it is, and Citus needs it as it is to send the
/// statement to the shop's server alone (SCALING.md).
pub(crate) fn shop_check(
    db: &impl ConnectionTrait,
    shop_column: impl IntoColumnRef,
    shop_id: i64,
) -> Expr {
    shop_operand(db, shop_column).eq(shop_id)
}

/// `shop_check` for the rows of several shops (a till batch holds the requests of several).
pub(crate) fn shops_check(
    db: &impl ConnectionTrait,
    shop_column: impl IntoColumnRef,
    shop_ids: impl IntoIterator<Item = i64>,
) -> Expr {
    shop_operand(db, shop_column).is_in(shop_ids)
}

fn shop_operand(db: &impl ConnectionTrait, shop_column: impl IntoColumnRef) -> Expr {
    match db.get_database_backend() {
        DbBackend::Sqlite => Expr::col(shop_column).add(0),
        _ => Expr::col(shop_column),
    }
}

/// Writes a changed row found by its id and its shop (`shop_column = shop_id`), not its id alone:
/// every statement names the shop it works in (SCALING.md, `shop_scope`).
pub(crate) async fn update_in_shop<A>(
    db: &impl ConnectionTrait,
    changed: A,
    shop_column: <A::Entity as EntityTrait>::Column,
    shop_id: i64,
) -> Result<<A::Entity as EntityTrait>::Model, AppError>
where
    A: sea_orm::ActiveModelTrait + sea_orm::ActiveModelBehavior + Send,
    <A::Entity as EntityTrait>::Model: sea_orm::IntoActiveModel<A>,
{
    <A::Entity as EntityTrait>::update(changed)
        .validate()
        .map_err(db_error)?
        .filter(shop_column.eq(shop_id))
        .exec(db)
        .await
        .map_err(db_error)
}

/// The display names of these accounts, read in one query, for pages that show who did what.
pub(crate) async fn display_names(
    db: &impl ConnectionTrait,
    user_ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, String>, AppError> {
    let mut ids: Vec<i64> = user_ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(db)
        .await
        .map_err(db_error)?
        .into_iter()
        .map(|account| (account.id, account.display_name))
        .collect())
}

/// Another request inserted the same unique row first.
pub(crate) fn is_unique_violation(error: &DbErr) -> bool {
    matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

/// `conflict` when another request inserted the same unique row first, else a database error.
pub(crate) fn unique_or_db_error(error: DbErr, conflict: AppError) -> AppError {
    if is_unique_violation(&error) {
        conflict
    } else {
        db_error(error)
    }
}

/// The team, the groups and corrections are the owner's.
pub(crate) fn owner_only(user: &CurrentUser) -> Result<(), AppError> {
    if user.role == Role::Owner {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_pages_that_hold_rows_exist_and_page_zero_always_does() {
        assert_eq!(existing_page_offset(0, 20, 0), Ok(0));
        assert_eq!(existing_page_offset(1, 20, 21), Ok(20));
        let past = Err(AppError::invalid(
            "page",
            crate::model::error::FieldProblem::InvalidChoice,
        ));
        assert_eq!(existing_page_offset(1, 20, 20), past);
        assert_eq!(existing_page_offset(1, 20, 0), past);
        assert_eq!(existing_page_offset(u64::MAX, 20, u64::MAX), past);
    }
}
