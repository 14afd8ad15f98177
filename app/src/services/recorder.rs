//! Till requests on SQLite, written in batches. SQLite has one writer at a time; when many tills
//! record at once, each waiting for its own `BEGIN … COMMIT` turn costs more than the writing. One
//! writer task per database takes every request waiting and writes them in one transaction.
//!
//! The batch only writes the plain case. Whatever it does not write (a replayed key, a client not
//! found, not enough points, any error) goes back to the caller, which records it on its own with
//! the usual answers; a failed batch is rolled back whole, so nothing is written twice.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, Instant};

use sea_orm::sea_query::{CaseStatement, Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, QueryFilter,
    QuerySelect, Statement,
};
use tokio::sync::{mpsc, oneshot};

use chrono::Utc;

use super::audit::{self, Actor};
use super::db::{begin_write, dedicated_sqlite_connection};
use super::ledger::{TillEntry, till_entry_audit, till_entry_row};
use crate::entities::{client, ledger_entry};
use crate::model::ledger::EntryKind;

/// Most requests in one transaction: a batch stays short enough that the first till waits little.
const MAX_BATCH: usize = 64;

/// A writer with nothing to do for this long stops; the next request starts a new one.
const IDLE: Duration = Duration::from_secs(5);

type Written = Option<(ledger_entry::Model, client::Model)>;

struct Job {
    user: Actor,
    request: TillEntry,
    answer: oneshot::Sender<Written>,
}

struct Writer {
    generation: u64,
    jobs: mpsc::UnboundedSender<Job>,
}

/// The running writers, one per database, by the address of its pool (shared by every clone of
/// the connection).
static WRITERS: LazyLock<Mutex<HashMap<usize, Writer>>> = LazyLock::new(Default::default);

/// Tells a writer that stopped from the one that replaced it for the same database.
static NEXT_GENERATION: AtomicU64 = AtomicU64::new(0);

fn pool_id(db: &DatabaseConnection) -> usize {
    std::ptr::from_ref(db.get_sqlite_connection_pool().options()) as usize
}

/// Sends the request to the database's writer, starting one if needed. `None`: not written,
/// the caller records it alone (always so on PostgreSQL, whose writers do not queue).
pub(crate) async fn record(db: &DatabaseConnection, user: &Actor, request: &TillEntry) -> Written {
    if db.get_database_backend() != DbBackend::Sqlite {
        return None;
    }
    let (answer, written) = oneshot::channel();
    let job = Job {
        user: user.clone(),
        request: request.clone(),
        answer,
    };
    {
        let id = pool_id(db);
        let mut writers = WRITERS.lock().ok()?;
        let running = writers.get(&id).filter(|writer| !writer.jobs.is_closed());
        let job = match running {
            Some(writer) => match writer.jobs.send(job) {
                Ok(()) => None,
                Err(mpsc::error::SendError(job)) => Some(job),
            },
            None => Some(job),
        };
        if let Some(job) = job {
            let generation = NEXT_GENERATION.fetch_add(1, Ordering::Relaxed);
            let (jobs, queue) = mpsc::unbounded_channel();
            jobs.send(job).ok()?;
            writers.insert(id, Writer { generation, jobs });
            tokio::spawn(run(db.clone(), id, generation, queue));
        }
    }
    // A writer that stopped before taking the job drops it: the caller then records it alone.
    written.await.ok().flatten()
}

async fn run(
    db: DatabaseConnection,
    id: usize,
    generation: u64,
    mut queue: mpsc::UnboundedReceiver<Job>,
) {
    let mut log = LogKeeper::new(db.clone());
    // Every till's session check borrows the shared pool: the writer, always busy under load,
    // keeps a connection of its own instead of queueing behind them.
    let db = dedicated_sqlite_connection(&db).await.unwrap_or(db);
    loop {
        let first = match tokio::time::timeout(QUIET, queue.recv()).await {
            Ok(Some(job)) => job,
            Ok(None) => return,
            Err(_quiet) => {
                log.when_quiet(&db).await;
                match tokio::time::timeout(IDLE, queue.recv()).await {
                    Ok(Some(job)) => job,
                    Ok(None) => return,
                    Err(_idle) => {
                        if let Ok(mut writers) = WRITERS.lock()
                            && writers
                                .get(&id)
                                .is_some_and(|writer| writer.generation == generation)
                        {
                            writers.remove(&id);
                        }
                        return;
                    }
                }
            }
        };
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        write_batch(&db, batch).await;
        log.after_batch(&db).await;
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

    /// Copies what is left of the log; the next write then starts it again from the beginning.
    async fn restart(&mut self, writer: &DatabaseConnection) {
        if checkpoint(writer).await.is_some() {
            self.unsaved = false;
        }
    }
}

/// A passive checkpoint: copies what it can without waiting for anyone. The pages in the log.
async fn checkpoint(db: &DatabaseConnection) -> Option<i64> {
    let row = db
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "PRAGMA wal_checkpoint(PASSIVE)",
        ))
        .await
        .ok()??;
    row.try_get_by_index(1).ok()
}

/// What the batch changes on one client.
#[derive(Default)]
struct Change {
    points: i64,
    visits: i64,
}

/// One `UPDATE … RETURNING` for every client of the batch; `None` if it did not change exactly
/// those clients.
async fn apply(
    txn: &sea_orm::DatabaseTransaction,
    changes: &HashMap<i64, Change>,
    now: chrono::DateTime<Utc>,
) -> Option<HashMap<i64, client::Model>> {
    if changes.is_empty() {
        return Some(HashMap::new());
    }
    let by_client = |value: fn(&Change) -> i64| {
        changes
            .iter()
            .fold(CaseStatement::new(), |case, (client_id, change)| {
                case.case(Expr::col(client::Column::Id).eq(*client_id), value(change))
            })
            .finally(0)
    };
    let visited: Vec<i64> = changes
        .iter()
        .filter(|(_, change)| change.visits > 0)
        .map(|(client_id, _)| *client_id)
        .collect();
    let mut update = client::Entity::update_many()
        .col_expr(
            client::Column::PointsBalance,
            Expr::col(client::Column::PointsBalance).add(by_client(|change| change.points)),
        )
        .col_expr(
            client::Column::VisitCount,
            Expr::col(client::Column::VisitCount).add(by_client(|change| change.visits)),
        )
        .filter(client::Column::Id.is_in(changes.keys().copied()));
    if !visited.is_empty() {
        update = update.col_expr(
            client::Column::LastVisitAt,
            CaseStatement::new()
                .case(
                    Expr::col(client::Column::Id).is_in(visited),
                    Expr::value(now),
                )
                .finally(Expr::col(client::Column::LastVisitAt))
                .into(),
        );
    }
    let updated = update.exec_with_returning(txn).await.ok()?;
    (updated.len() == changes.len()).then(|| {
        updated
            .into_iter()
            .map(|client| (client.id, client))
            .collect()
    })
}

/// Writes the batch in one transaction and answers every job: written, or not (to be recorded
/// alone). Any failure rolls the whole batch back and answers "not written" to all.
async fn write_batch(db: &DatabaseConnection, batch: Vec<Job>) {
    let Ok((txn, turn)) = begin_write(db).await else {
        return;
    };
    // Keys already in the ledger, or twice in this batch, are replays: answered by the caller.
    let keys: Vec<String> = batch.iter().map(|job| job.request.key.clone()).collect();
    let shops: HashSet<i64> = batch.iter().map(|job| job.user.shop_id).collect();
    let known: HashSet<(i64, String)> = match ledger_entry::Entity::find()
        .select_only()
        .column(ledger_entry::Column::ShopId)
        .column(ledger_entry::Column::IdempotencyKey)
        .filter(ledger_entry::Column::ShopId.is_in(shops))
        .filter(ledger_entry::Column::IdempotencyKey.is_in(keys))
        .into_tuple::<(i64, String)>()
        .all(&txn)
        .await
    {
        Ok(rows) => rows.into_iter().collect(),
        Err(_) => return,
    };
    let mut seen: HashSet<(i64, String)> = HashSet::new();
    let mut answers = Vec::with_capacity(batch.len());
    let mut candidates = Vec::with_capacity(batch.len());
    for job in batch {
        let shop_key = (job.user.shop_id, job.request.key.clone());
        if known.contains(&shop_key) || !seen.insert(shop_key) {
            answers.push((job.answer, None));
        } else {
            candidates.push(job);
        }
    }
    // The clients as they are now: this task holds SQLite's only write lock, so the batch's
    // rules are applied here, in the order the tills asked, then written in one update.
    let client_ids: HashSet<i64> = candidates.iter().map(|job| job.request.client_id).collect();
    let Ok(clients) = client::Entity::find()
        .filter(client::Column::Id.is_in(client_ids))
        .filter(client::Column::MergedIntoId.is_null())
        .filter(client::Column::ErasedAt.is_null())
        .all(&txn)
        .await
    else {
        return;
    };
    let mut balances: HashMap<i64, (i64, i64)> = clients
        .iter()
        .map(|client| (client.id, (client.shop_id, client.points_balance)))
        .collect();
    let mut changes: HashMap<i64, Change> = HashMap::new();
    let mut accepted = Vec::with_capacity(candidates.len());
    for job in candidates {
        let request = &job.request;
        let allowed = match balances.get_mut(&request.client_id) {
            Some((shop_id, balance))
                if *shop_id == job.user.shop_id && *balance + request.values.points >= 0 =>
            {
                *balance += request.values.points;
                true
            }
            // Another shop's client, a merged or erased file, not enough points: the caller
            // gives the answer.
            _ => false,
        };
        if allowed {
            let change = changes.entry(request.client_id).or_default();
            change.points += request.values.points;
            change.visits += i64::from(request.kind == EntryKind::Earn);
            accepted.push(job);
        } else {
            answers.push((job.answer, None));
        }
    }
    let now = Utc::now();
    let Some(updated) = apply(&txn, &changes, now).await else {
        return;
    };
    let mut with_clients = Vec::with_capacity(accepted.len());
    for job in accepted {
        let Some(client) = updated.get(&job.request.client_id).cloned() else {
            return;
        };
        with_clients.push((job, client));
    }
    let accepted = with_clients;
    if !accepted.is_empty() {
        // One statement for every entry, one for every audit trace; RETURNING comes in any
        // order, so entries are matched back by their (shop, key).
        let rows = accepted
            .iter()
            .map(|(job, _)| till_entry_row(&job.user, &job.request, now));
        let Ok(entries) = ledger_entry::Entity::insert_many(rows)
            .exec_with_returning(&txn)
            .await
        else {
            return;
        };
        let mut by_key: HashMap<(i64, String), ledger_entry::Model> = entries
            .into_iter()
            .filter_map(|entry| Some(((entry.shop_id, entry.idempotency_key.clone()?), entry)))
            .collect();
        let mut traces = Vec::with_capacity(accepted.len());
        let mut written = Vec::with_capacity(accepted.len());
        for (job, client) in &accepted {
            let Some(entry) = by_key.remove(&(job.user.shop_id, job.request.key.clone())) else {
                return;
            };
            traces.push(till_entry_audit(&job.user, &job.request, entry.id));
            written.push((entry, client.clone()));
        }
        if audit::write_many(&txn, traces).await.is_err() {
            return;
        }
        for ((job, _), done) in accepted.into_iter().zip(written) {
            answers.push((job.answer, Some(done)));
        }
    }
    if txn.commit().await.is_err() {
        return;
    }
    drop(turn);
    for (answer, written) in answers {
        let _ = answer.send(written);
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use sea_orm::{EntityTrait, PaginatorTrait};

    use crate::entities::{client, ledger_entry};
    use crate::services::ledger::{record_transaction, redeem_points};
    use crate::services::test_support::{TestShop, earn, redeem};

    use super::{QUIET, checkpoint};

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
}
