//! Till requests on SQLite, written in batches. SQLite has one writer at a time; when many tills
//! record at once, each waiting for its own `BEGIN … COMMIT` turn costs more than the writing. One
//! writer task per database takes every request waiting and writes them in one transaction,
//! through the ledger's one write path (`write::write_till_entries`), which decides each request.
//!
//! A batch that fails (a database error) is rolled back whole and every request in it is told so:
//! its caller then writes it alone, so one bad request never fails the others.

use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use tokio::sync::{mpsc, oneshot};

use super::write::{TillDecision, TillEntry, write_till_entries};
use crate::services::audit::Actor;
use crate::services::db::{Db, dedicated_sqlite_connection};

/// Most requests in one transaction: a batch stays short enough that the first till waits little.
const MAX_BATCH: usize = 64;

/// A writer with nothing to do for this long stops; the next request starts a new one.
const IDLE: Duration = if cfg!(test) {
    Duration::from_millis(500)
} else {
    Duration::from_secs(5)
};

/// The batch's answer to one request; `None` when the batch failed and wrote nothing.
type Answer = Option<TillDecision>;

struct Job {
    user: Actor,
    request: TillEntry,
    answer: oneshot::Sender<Answer>,
}

/// The database's writer task, attached to its `Db` handle; a new one starts after it stops.
#[derive(Default)]
pub(super) struct TillQueue {
    running: std::sync::Mutex<Option<mpsc::UnboundedSender<Job>>>,
}

/// Sends the request to the database's writer, starting one if needed. `None`: the batch could
/// not be written (logged), and the caller writes the request alone.
pub(super) async fn record(db: &Db, user: &Actor, request: &TillEntry) -> Answer {
    let (answer, decided) = oneshot::channel();
    let job = Job {
        user: user.clone(),
        request: request.clone(),
        answer,
    };
    let queue = db.attached::<TillQueue>();
    {
        let mut running = queue
            .running
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let job = match running.as_ref() {
            Some(jobs) => jobs.send(job).err().map(|mpsc::error::SendError(job)| job),
            None => Some(job),
        };
        // No writer, or the one there has stopped: start another with this first job.
        if let Some(job) = job {
            let (jobs, incoming) = mpsc::unbounded_channel();
            let _ = jobs.send(job);
            *running = Some(jobs);
            tokio::spawn(run(db.clone(), incoming));
        }
    }
    match decided.await {
        Ok(answer) => answer,
        Err(_) => {
            tracing::warn!("the till writer stopped before answering; writing the request alone");
            None
        }
    }
}

async fn run(db: Db, mut incoming: mpsc::UnboundedReceiver<Job>) {
    let sqlite = db.get_database_backend() == DbBackend::Sqlite;
    // Every till's session check borrows the shared pool: the writer, always busy under load,
    // keeps a connection of its own instead of queueing behind them. PostgreSQL's pool is
    // large and its writers do not queue: the writer borrows from it like any request.
    let own = match sqlite {
        true => match dedicated_sqlite_connection(db.connection()).await {
            Ok(own) => own,
            Err(error) => {
                tracing::warn!(%error, "no connection of its own for the till writer; sharing the pool");
                db.connection().clone()
            }
        },
        false => db.connection().clone(),
    };
    let mut log = sqlite.then(|| LogKeeper::new(db.connection().clone()));
    loop {
        let first = match tokio::time::timeout(QUIET, incoming.recv()).await {
            Ok(Some(job)) => job,
            Ok(None) => return,
            Err(_quiet) => {
                if let Some(log) = log.as_mut() {
                    log.when_quiet(&own).await;
                }
                match tokio::time::timeout(IDLE, incoming.recv()).await {
                    Ok(Some(job)) => job,
                    Ok(None) => return,
                    Err(_idle) => {
                        if let Some(log) = log.as_mut() {
                            log.give_space_back(&own).await;
                        }
                        // Jobs sent from now on fail to arrive and go back to their senders,
                        // who start a new writer; any already queued are answered first.
                        incoming.close();
                        let mut left = Vec::new();
                        while let Ok(job) = incoming.try_recv() {
                            left.push(job);
                        }
                        if left.is_empty() {
                            return;
                        }
                        write_batch(&db, &own, left).await;
                        return;
                    }
                }
            }
        };
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match incoming.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        write_batch(&db, &own, batch).await;
        if let Some(log) = log.as_mut() {
            log.after_batch(&own).await;
        }
    }
}

/// How often a checkpoint beside the writer copies the log back into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);

/// No till request for this long: the writer has time to restart the log.
const QUIET: Duration = Duration::from_millis(100);

/// Log pages (4 KiB each, so about 400 MB) past which the writer restarts the log even while
/// tills keep it busy: some 3 s of 64 tills at full speed on a 2-core machine. Restarting every
/// 1.5 s put its 10 ms into their p99.
const RESTART_LOG_PAGES: i64 = 100_000;

/// Keeps SQLite's write-ahead log short without making tills wait.
///
/// SQLite copies the log back into the database inside the commit that crosses its mark, fsync
/// included, and every till of that batch waits (measured at 64 tills: p99 20 ms with it, 13 ms
/// without). The writer's own connection never does. A passive checkpoint on a shared connection
/// runs beside the writer instead and keeps the database file current; but the log only starts
/// again from its beginning when a write finds all of it copied, which never happens while the
/// writer adds pages during every checkpoint beside it. So the writer copies the last pages
/// itself (about 10 ms here) when the tills pause, or when the log has grown too long.
struct LogKeeper {
    shared: DatabaseConnection,
    last: Instant,
    beside: Option<tokio::task::JoinHandle<Option<i64>>>,
    unsaved: bool,
}

impl LogKeeper {
    fn new(shared: DatabaseConnection) -> Self {
        Self {
            shared,
            last: Instant::now(),
            beside: None,
            unsaved: false,
        }
    }

    async fn after_batch(&mut self, writer: &DatabaseConnection) {
        self.unsaved = true;
        if let Some(beside) = self.beside.take_if(|beside| beside.is_finished())
            && beside.await.ok().flatten() > Some(RESTART_LOG_PAGES)
        {
            self.restart(writer).await;
        }
        if self.beside.is_none() && self.last.elapsed() >= CHECKPOINT_EVERY {
            self.last = Instant::now();
            let shared = self.shared.clone();
            self.beside = Some(tokio::spawn(async move { checkpoint(&shared).await }));
        }
    }

    async fn when_quiet(&mut self, writer: &DatabaseConnection) {
        if self.unsaved {
            self.restart(writer).await;
        }
    }

    /// The tills have stopped: the log, grown by the busy hours, is copied and cut to nothing, so
    /// the disk space comes back. Never while tills record: cutting a long file is slow.
    async fn give_space_back(&mut self, writer: &DatabaseConnection) {
        let cut = writer
            .execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
            .await;
        match cut {
            Ok(_) => self.unsaved = false,
            Err(error) => tracing::warn!(%error, "could not cut the SQLite log down"),
        }
    }

    /// Copies what is left of the log; the next write then starts it again from the beginning.
    async fn restart(&mut self, writer: &DatabaseConnection) {
        if checkpoint(writer).await.is_some() {
            self.unsaved = false;
        }
    }
}

/// A passive checkpoint: copies what it can without waiting for anyone. The pages in the log.
async fn checkpoint(db: &impl ConnectionTrait) -> Option<i64> {
    let pages = async {
        let row = db
            .query_one_raw(Statement::from_string(
                DbBackend::Sqlite,
                "PRAGMA wal_checkpoint(PASSIVE)",
            ))
            .await?
            .ok_or_else(|| sea_orm::DbErr::Custom("no checkpoint row".into()))?;
        row.try_get_by_index::<i64>(1)
            .map_err(|error| sea_orm::DbErr::Custom(error.to_string()))
    };
    match pages.await {
        Ok(pages) => Some(pages),
        Err(error) => {
            tracing::warn!(%error, "checkpoint of the SQLite log failed");
            None
        }
    }
}

/// Writes the batch in one transaction and answers every job with its decision; on any failure
/// the whole batch is rolled back and every job is answered "not written".
async fn write_batch(db: &Db, own: &DatabaseConnection, batch: Vec<Job>) {
    let requests: Vec<(&Actor, &TillEntry)> =
        batch.iter().map(|job| (&job.user, &job.request)).collect();
    let written = async {
        let txn = db.begin_write_on(own).await?;
        let decisions = write_till_entries(&txn, &requests).await?;
        txn.commit().await?;
        Ok::<_, sea_orm::DbErr>(decisions)
    }
    .await;
    drop(requests);
    match written {
        Ok(decisions) => {
            for (job, decision) in batch.into_iter().zip(decisions) {
                let _ = job.answer.send(Some(decision));
            }
        }
        Err(error) => {
            tracing::warn!(%error, requests = batch.len(), "till batch rolled back; each request is written alone");
            for job in batch {
                let _ = job.answer.send(None);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait, Statement};

    use crate::entities::{client, ledger_entry};
    use crate::services::ledger::{record_transaction, redeem_points};
    use crate::services::test_support::{TestShop, earn, redeem};

    use super::{IDLE, QUIET, checkpoint};

    /// Many tills at once on a real file: every request is answered, replays once, uses never
    /// below zero, and each balance is the sum of its entries.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn tills_recording_at_once_are_batched_without_losing_or_doubling() {
        let shop = TestShop::on_file().await;
        let mut clients = Vec::new();
        for index in 0..8 {
            clients.push(shop.client("Till", &format!("Client{index}")).await.id);
        }
        let mut tasks = Vec::new();
        for index in 0..200usize {
            let shop = shop.clone();
            let client_id = clients[index % clients.len()];
            tasks.push(tokio::spawn(async move {
                let request = earn(client_id, "3", "");
                let first = record_transaction(&shop.db, &shop.owner, &request).await;
                // The same request again, as a till retrying: the same answer, nothing more.
                let again = record_transaction(&shop.db, &shop.owner, &request).await;
                let used = redeem_points(&shop.db, &shop.owner, &redeem(client_id, "2")).await;
                (first, again, used.is_ok())
            }));
        }
        let mut uses = HashMap::new();
        for task in tasks {
            let (first, again, used) = task.await.expect("task");
            let first = first.expect("recorded");
            let again = again.expect("replayed");
            assert_eq!(first.transaction.id, again.transaction.id);
            if used {
                *uses.entry(first.client.id).or_insert(0) += 1;
            }
        }
        let entries = ledger_entry::Entity::find()
            .all(&shop.db)
            .await
            .expect("entries");
        assert_eq!(
            entries.iter().filter(|entry| entry.points == 3).count(),
            200,
            "one entry per earn, none for the replays"
        );
        shop.assert_balances_are_sums().await;
        for client in client::Entity::find().all(&shop.db).await.expect("clients") {
            assert_eq!(client.visit_count, 25);
            let used = entries
                .iter()
                .filter(|entry| entry.client_id == client.id && entry.points == -2)
                .count();
            assert_eq!(used, uses.get(&client.id).copied().unwrap_or(0));
        }
        let audited = crate::entities::audit_event::Entity::find()
            .count(&shop.db)
            .await
            .expect("audit");
        assert!(audited >= 200, "every write audited: {audited}");
    }

    /// The writer's connection never copies SQLite's log back into the database; once the tills
    /// pause, it is copied and the next write starts it again from its beginning.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_log_starts_again_once_the_tills_pause() {
        let shop = TestShop::on_file().await;
        let client_id = shop.client("Journal", "Court").await.id;
        for _ in 0..60 {
            record_transaction(&shop.db, &shop.owner, &earn(client_id, "1", ""))
                .await
                .expect("recorded");
        }
        tokio::time::sleep(QUIET * 4).await;
        record_transaction(&shop.db, &shop.owner, &earn(client_id, "1", ""))
            .await
            .expect("recorded");
        let pages_in_log = checkpoint(&shop.db).await.expect("checkpoint");
        assert!(
            pages_in_log < 40,
            "only the last write is in the log, not the 60 before: {pages_in_log} pages"
        );
        shop.assert_balances_are_sums().await;
    }

    /// A log grown by the busy hours keeps its size while tills record (cutting it would make
    /// them wait); once they stop, the writer cuts it to nothing.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_log_gives_its_disk_space_back_once_the_tills_stop() {
        let shop = TestShop::on_file().await;
        let client_id = shop.client("Journal", "Vide").await.id;
        for _ in 0..60 {
            record_transaction(&shop.db, &shop.owner, &earn(client_id, "1", ""))
                .await
                .expect("recorded");
        }
        let file: String = shop
            .db
            .query_one_raw(Statement::from_string(
                DbBackend::Sqlite,
                "SELECT file FROM pragma_database_list WHERE name = 'main'",
            ))
            .await
            .expect("database list")
            .and_then(|row| row.try_get_by_index(0).ok())
            .expect("a file database");
        let log = std::path::PathBuf::from(format!("{file}-wal"));
        let size = || std::fs::metadata(&log).map(|meta| meta.len()).unwrap_or(0);
        assert!(size() > 0, "the writes went to the log");
        tokio::time::sleep(QUIET + IDLE * 2).await;
        assert_eq!(size(), 0, "the idle writer cut the log down");
        shop.assert_balances_are_sums().await;
    }
}
