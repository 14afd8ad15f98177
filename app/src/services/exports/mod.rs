//! The shop's downloads: every client with balance, tags, groups and consents, and the ledger's
//! entries over a period. The owner's only, each written in the audit log. Read in batches by
//! id, so a large shop's file never holds the whole table in one query.

mod clients;
#[cfg(test)]
mod tests;
mod transactions;

pub use clients::clients_csv;
pub use transactions::transactions_csv;

use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};

use crate::model::error::AppError;
use crate::services::db_error;

/// Rows read per query.
const BATCH: u64 = 1000;

/// The rows of `query` after id `after`, by id, `size` of them: a page that stays right while
/// the till keeps writing, and costs the same at the end of the table as at its start.
async fn next_batch<E: EntityTrait>(
    db: &impl ConnectionTrait,
    query: Select<E>,
    id: E::Column,
    after: i64,
    size: u64,
) -> Result<Vec<E::Model>, AppError> {
    query
        .filter(id.gt(after))
        .order_by_asc(id)
        .limit(size)
        .all(db)
        .await
        .map_err(db_error)
}

/// A finished download: its bytes, its file name, how many rows it holds.
#[derive(Debug)]
pub struct Download {
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub rows: u64,
}
