//! Opening the database (SQLite file by default, PostgreSQL for several servers) and migrating it.

use std::time::Duration;

use migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DatabaseTransaction, DbErr,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

use super::db_error;
use crate::model::error::AppError;

/// Connects with the settings each engine needs; SQLite gets WAL and a busy timeout so readers
/// never block the till and concurrent writers wait instead of failing.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url.to_owned());
    options.sqlx_logging(false);
    if url.starts_with("sqlite:") {
        if url.contains(":memory:") {
            // One connection keeps the in-memory database alive and avoids shared-cache locks.
            options
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None);
        } else {
            options.max_connections(8).map_sqlx_sqlite_opts(|sqlite| {
                sqlite
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .busy_timeout(Duration::from_secs(5))
                    .foreign_keys(true)
                    .create_if_missing(true)
            });
        }
    } else {
        options
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(5));
    }
    Database::connect(options).await
}

/// Begins a transaction that reads then writes. SQLite takes the write lock at `BEGIN`: a deferred transaction that upgrades later fails at
/// once with SQLITE_BUSY instead of waiting. PostgreSQL ignores the option. On SQLite, writers
/// of this process also queue for their turn here (FIFO, no sleeping), since SQLite's own busy
/// handler polls with growing sleeps and collapses under many tills at once. The turn is held
/// until it is dropped, after the commit.
pub(crate) async fn begin_write(
    db: &DatabaseConnection,
) -> Result<
    (
        DatabaseTransaction,
        Option<tokio::sync::OwnedMutexGuard<()>>,
    ),
    AppError,
> {
    static SQLITE_WRITER: std::sync::LazyLock<std::sync::Arc<tokio::sync::Mutex<()>>> =
        std::sync::LazyLock::new(Default::default);
    let turn = match db.get_database_backend() {
        sea_orm::DbBackend::Sqlite => Some(SQLITE_WRITER.clone().lock_owned().await),
        _ => None,
    };
    let txn = db
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        })
        .await
        .map_err(db_error)?;
    Ok((txn, turn))
}

pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// A fresh, migrated in-memory database: what every service test starts from.
pub async fn connect_for_tests() -> Result<DatabaseConnection, DbErr> {
    let db = connect("sqlite::memory:").await?;
    migrate(&db).await?;
    Ok(db)
}
