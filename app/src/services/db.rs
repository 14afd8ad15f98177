//! Opening the database (SQLite file by default, PostgreSQL for several servers) and migrating it.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, ExecResult, QueryResult, SqliteTransactionMode, Statement, TransactionOptions,
    TransactionTrait,
};
use tokio::sync::{Mutex, OwnedMutexGuard};

use super::db_error;
use crate::model::error::AppError;

/// Connects with the settings each engine needs; SQLite gets WAL and a busy timeout so readers
/// never block the till and concurrent writers wait instead of failing.
pub async fn connect(url: &str) -> Result<Db, DbErr> {
    Ok(Db::new(open(url).await?))
}

/// The connection [`connect`] wraps, for a caller that sets it up further first (the tests
/// observe every statement it runs).
pub async fn open(url: &str) -> Result<DatabaseConnection, DbErr> {
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

/// How till requests are written: gathered into batches by one writer task (SQLite's default,
/// where writers take turns anyway), or each in a transaction of its own (PostgreSQL's default,
/// where row locks let writers run side by side). Both go through the ledger's one write path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TillWrites {
    Batched,
    Direct,
}

/// The database handle every request reaches through the app state: the connection pool, the
/// SQLite writers' turn, and what the services attach to this database (the ledger's batching
/// writer). Clones share all of it; nothing is kept in process-wide statics, so two databases in
/// one process (tests, benchmarks) never wait for each other.
#[derive(Clone)]
pub struct Db {
    inner: Arc<Inner>,
}

struct Inner {
    connection: DatabaseConnection,
    /// SQLite has one writer at a time: this process's writers queue here, in order.
    writer_turn: Option<Arc<Mutex<()>>>,
    till_writes: TillWrites,
    attached: std::sync::Mutex<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>,
}

impl Db {
    /// Wraps an open connection, with the engine's defaults.
    pub fn new(connection: DatabaseConnection) -> Self {
        let sqlite = connection.get_database_backend() == DbBackend::Sqlite;
        let till_writes = if sqlite {
            TillWrites::Batched
        } else {
            TillWrites::Direct
        };
        Self {
            inner: Arc::new(Inner {
                writer_turn: sqlite.then(Default::default),
                till_writes,
                connection,
                attached: Default::default(),
            }),
        }
    }

    /// The same database with till requests written the other way (tests run both).
    pub fn with_till_writes(&self, till_writes: TillWrites) -> Self {
        Self {
            inner: Arc::new(Inner {
                connection: self.inner.connection.clone(),
                writer_turn: self.inner.writer_turn.clone(),
                till_writes,
                attached: Default::default(),
            }),
        }
    }

    pub fn connection(&self) -> &DatabaseConnection {
        &self.inner.connection
    }

    pub fn till_writes(&self) -> TillWrites {
        self.inner.till_writes
    }

    /// The one `T` attached to this handle and its clones, made on first use. Lets a service
    /// keep per-database state (the ledger's writer task) without this module knowing its type.
    pub(crate) fn attached<T: Default + Send + Sync + 'static>(&self) -> Arc<T> {
        let mut attached = self
            .inner
            .attached
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let value = attached
            .entry(TypeId::of::<T>())
            .or_insert_with(|| Arc::new(T::default()))
            .clone();
        drop(attached);
        // The entry was made for `T` under `T`'s own id.
        value
            .downcast::<T>()
            .unwrap_or_else(|_| Arc::new(T::default()))
    }

    /// Begins a transaction that reads then writes. SQLite takes the write lock at `BEGIN`: a
    /// deferred transaction that upgrades later fails at once with SQLITE_BUSY instead of
    /// waiting. PostgreSQL ignores the option. On SQLite, writers of this process also queue for
    /// their turn here (FIFO, no sleeping), since SQLite's own busy handler polls with growing
    /// sleeps and collapses under many tills at once.
    pub async fn begin_write(&self) -> Result<WriteTxn, AppError> {
        self.begin_write_on(&self.inner.connection)
            .await
            .map_err(db_error)
    }

    /// The same, on another connection to this database (the batching writer's own).
    pub(crate) async fn begin_write_on(
        &self,
        connection: &DatabaseConnection,
    ) -> Result<WriteTxn, DbErr> {
        let turn = match &self.inner.writer_turn {
            Some(turn) => Some(turn.clone().lock_owned().await),
            None => None,
        };
        let txn = connection
            .begin_with_options(TransactionOptions {
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                ..Default::default()
            })
            .await?;
        Ok(WriteTxn { txn, turn })
    }
}

impl std::ops::Deref for Db {
    type Target = DatabaseConnection;

    fn deref(&self) -> &DatabaseConnection {
        &self.inner.connection
    }
}

/// A write transaction holding this process's writer turn (on SQLite): committing it, or
/// dropping it (a rollback), gives the turn to the next writer. Fields drop in order: the
/// transaction ends before the turn is released.
pub struct WriteTxn {
    txn: DatabaseTransaction,
    turn: Option<OwnedMutexGuard<()>>,
}

impl WriteTxn {
    pub async fn commit(self) -> Result<(), DbErr> {
        let Self { txn, turn } = self;
        let committed = txn.commit().await;
        drop(turn);
        committed
    }
}

impl std::ops::Deref for WriteTxn {
    type Target = DatabaseTransaction;

    fn deref(&self) -> &DatabaseTransaction {
        &self.txn
    }
}

/// Queries run on the pool, so `&Db` goes wherever SeaORM takes a connection.
#[async_trait::async_trait]
impl ConnectionTrait for Db {
    fn get_database_backend(&self) -> DbBackend {
        self.inner.connection.get_database_backend()
    }

    async fn execute_raw(&self, statement: Statement) -> Result<ExecResult, DbErr> {
        self.inner.connection.execute_raw(statement).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.inner.connection.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, statement: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.inner.connection.query_one_raw(statement).await
    }

    async fn query_all_raw(&self, statement: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.inner.connection.query_all_raw(statement).await
    }
}

/// Queries run in the transaction, so `&WriteTxn` goes wherever SeaORM takes a connection.
#[async_trait::async_trait]
impl ConnectionTrait for WriteTxn {
    fn get_database_backend(&self) -> DbBackend {
        self.txn.get_database_backend()
    }

    async fn execute_raw(&self, statement: Statement) -> Result<ExecResult, DbErr> {
        self.txn.execute_raw(statement).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.txn.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, statement: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.txn.query_one_raw(statement).await
    }

    async fn query_all_raw(&self, statement: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.txn.query_all_raw(statement).await
    }
}

/// A connection of its own to the same SQLite database, for a task that writes all the time and
/// should never queue behind readers for a pooled one. It never checkpoints the log on its own
/// (its owner does, see `ledger::batch::LogKeeper`). An in-memory database lives in its one
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
                // No size limit on the log either: with one, the first commit after the log
                // restarts cuts the file down to it, and after a burst that took 120 ms inside
                // a batch of tills (measured). The writer gives the space back once idle.
                .pragma("wal_autocheckpoint", "0"),
        )
        .await
        .map_err(|error| DbErr::Conn(sea_orm::RuntimeErr::SqlxError(error.into())))?;
    Ok(SqlxSqliteConnector::from_sqlx_sqlite_pool(own))
}

pub async fn migrate(db: &Db) -> Result<(), DbErr> {
    Migrator::up(db.connection(), None).await
}

/// Where the database's schema stands against this version's migrations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaStatus {
    /// Migrations of this version not applied yet (a start applies them).
    pub pending: Vec<String>,
    /// Migrations the database has that this version does not know: a newer version ran on it.
    pub unknown: Vec<String>,
}

impl SchemaStatus {
    pub fn is_current(&self) -> bool {
        self.pending.is_empty() && self.unknown.is_empty()
    }
}

/// Reads the applied migrations without writing anything (a health check runs it often).
pub async fn schema_status(db: &impl ConnectionTrait) -> Result<SchemaStatus, DbErr> {
    let applied: Vec<String> = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT version FROM seaql_migrations",
        ))
        .await?
        .into_iter()
        .map(|row| row.try_get_by_index::<String>(0))
        .collect::<Result<_, _>>()?;
    let known: Vec<String> = Migrator::migrations()
        .iter()
        .map(|migration| migration.name().to_owned())
        .collect();
    Ok(SchemaStatus {
        pending: known
            .iter()
            .filter(|name| !applied.contains(name))
            .cloned()
            .collect(),
        unknown: applied
            .into_iter()
            .filter(|name| !known.contains(name))
            .collect(),
    })
}

/// A fresh, migrated in-memory database: what every service test starts from.
pub async fn connect_for_tests() -> Result<Db, DbErr> {
    let db = connect("sqlite::memory:").await?;
    migrate(&db).await?;
    Ok(db)
}
