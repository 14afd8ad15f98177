//! The points ledger: append-only entries, a cached balance changed in the same database
//! transaction, idempotency keys made on the device, and modifications as reversal + correction.
//!
//! Every entry is decided by one rule (`rules::decide`) and written through one path (`write`),
//! whether the till request goes through the batching writer (`batch`) or alone.

mod batch;
mod claim;
mod credit;
mod expire;
mod gift_cards;
mod modify;
mod opening;
mod rules;
mod tickets;
mod till;
mod views;
mod write;

#[cfg(test)]
mod tests;

pub use claim::claim_reward;
pub use credit::{client_credit, credit_journal, record_credit, reverse_credit};
pub(crate) use credit::{credit_entries_of, transfer_credit};
pub use expire::{ExpiryReport, run_expiry};
pub use gift_cards::{
    cancel_gift_card, client_gift_cards, find_gift_card, recent_gift_cards, sell_gift_card,
    spend_gift_card,
};
pub use modify::modify_transaction;
pub(crate) use modify::transfer_points;
pub(crate) use opening::write_opening_balances;
pub(crate) use tickets::best_sellers;
pub use tickets::{client_visits, write_ticket};
pub use till::{points_by_contact, record_transaction, redeem_points};
pub(crate) use views::views;
pub(crate) use views::{JournalScope, views as transaction_views};
pub use views::{client_history, journal};

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set,
};

use super::{db_error, shop_check};
use crate::entities::{client, ledger_entry};
use crate::model::auth::CurrentUser;
use crate::model::error::AppError;
use crate::model::ledger::{EntryKind, TransactionValues};

async fn find_by_key(
    db: &impl ConnectionTrait,
    shop_id: i64,
    key: &str,
) -> Result<Option<ledger_entry::Model>, AppError> {
    ledger_entry::Entity::find()
        .filter(ledger_entry::Column::ShopId.eq(shop_id))
        .filter(ledger_entry::Column::IdempotencyKey.eq(key))
        .one(db)
        .await
        .map_err(db_error)
}

/// One ledger row to append.
struct NewEntry {
    client_id: i64,
    kind: EntryKind,
    values: TransactionValues,
    reverses_entry_id: Option<i64>,
    corrects_entry_id: Option<i64>,
    idempotency_key: Option<String>,
}

async fn append(
    txn: &impl ConnectionTrait,
    user: &CurrentUser,
    entry: NewEntry,
    now: chrono::DateTime<Utc>,
) -> Result<ledger_entry::Model, DbErr> {
    entry_row(user, entry, now).insert(txn).await
}

fn entry_row(
    user: &CurrentUser,
    entry: NewEntry,
    now: chrono::DateTime<Utc>,
) -> ledger_entry::ActiveModel {
    entry_row_by(user.shop_id, user.user_id, entry, now)
}

/// The row of an entry of `shop_id` written by `author_user_id` (a job writes in the name of
/// the shop's founder, who set the rule).
fn entry_row_by(
    shop_id: i64,
    author_user_id: i64,
    entry: NewEntry,
    now: chrono::DateTime<Utc>,
) -> ledger_entry::ActiveModel {
    ledger_entry::ActiveModel {
        shop_id: Set(shop_id),
        client_id: Set(entry.client_id),
        kind: Set(entry.kind.code().to_owned()),
        points: Set(entry.values.points),
        amount_cents: Set(entry.values.amount_cents),
        reverses_entry_id: Set(entry.reverses_entry_id),
        corrects_entry_id: Set(entry.corrects_entry_id),
        idempotency_key: Set(entry.idempotency_key),
        author_user_id: Set(author_user_id),
        created_at: Set(now),
        ..Default::default()
    }
}

/// The file that holds a client's balances and history now: the one it was merged into, if it
/// was.
pub(super) async fn current_file(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    client_id: i64,
) -> Result<i64, AppError> {
    let file = client::Entity::find_by_id(client_id)
        .filter(shop_check(db, client::Column::ShopId, user.shop_id))
        .one(db)
        .await
        .map_err(db_error)?
        .ok_or(AppError::NotFound)?;
    Ok(file.merged_into_id.unwrap_or(file.id))
}
