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
            // A local file's connection cannot drop like a network one: no ping before each
            // use, which would cost every query a second trip to the connection's thread.
            options
                .max_connections(8)
                .test_before_acquire(false)
                .map_sqlx_sqlite_opts(|sqlite| {
                    sqlite
                        .journal_mode(SqliteJournalMode::Wal)
                        .synchronous(SqliteSynchronous::Normal)
                        .busy_timeout(Duration::from_secs(5))
                        .foreign_keys(true)
                        .create_if_missing(true)
                        // Deleted rows (an erased client's) are overwritten, not left in free pages.
                        .pragma("secure_delete", "ON")
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

/// A connection of its own to the same SQLite database, for a task that writes all the time and
/// should never queue behind readers for a pooled one. It never checkpoints the log on its own
/// (its owner does, see `recorder::LogKeeper`). An in-memory database lives in its one
/// connection, so that one is shared.
pub(crate) async fn dedicated_sqlite_connection(
    db: &DatabaseConnection,
) -> Result<DatabaseConnection, DbErr> {
    use sea_orm::SqlxSqliteConnector;
    use sea_orm::sqlx::sqlite::SqlitePoolOptions;
    let pool = db.get_sqlite_connection_pool();
    if pool.options().get_max_connections() <= 1 {
        return Ok(db.clone());
    }
    let own = SqlitePoolOptions::new()
        .max_connections(1)
        .min_connections(1)
        .test_before_acquire(false)
        .idle_timeout(None)
        .max_lifetime(None)
        .connect_with(
            (*pool.connect_options())
                .clone()
                .pragma("wal_autocheckpoint", "0")
                // Once restarted, a log that grew under load gives its disk space back.
                .pragma("journal_size_limit", (64 * 1024 * 1024).to_string()),
        )
        .await
        .map_err(|error| DbErr::Conn(sea_orm::RuntimeErr::SqlxError(error.into())))?;
    Ok(SqlxSqliteConnector::from_sqlx_sqlite_pool(own))
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
