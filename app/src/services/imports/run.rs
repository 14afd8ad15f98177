//! Writing a confirmed import: batches of rows, each in one write transaction with the count of
//! rows done, so a crash loses at most the batch under way and a restart goes on after the last
//! one committed. A server holds the import while it works (`held_until`, renewed each batch);
//! another takes it over when the hold lapses, and a batch whose count moved meanwhile is
//! rolled back rather than written twice.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QuerySelect, Set,
};

use super::rows::CheckedRow;
use super::{Holder, Matcher, Placed, check_rows, data_rows, existing_clients, find_import};
use crate::entities::{
    client, client_import, client_import_refusal, consent_change, terms_acceptance,
};
use crate::model::audit::AuditKind;
use crate::model::client::ValidClient;
use crate::model::client_file::{ConsentChannel, ConsentSource};
use crate::model::error::{AppError, FieldErrors};
use crate::model::imports::{ImportField, ImportStatus};
use crate::model::terms::AcceptanceSource;
use crate::services::accounts::auth::account_user;
use crate::services::audit::{self, Actor, AuditRecord};
use crate::services::clients::edit::{apply, as_saved, replace_search_terms, search_terms};
use crate::services::db::Db;
use crate::services::ledger::write_opening_balances;
use crate::services::programme::terms::latest as latest_terms;
use crate::services::time::{shop_zone, today};
use crate::services::{db_error, shop_check};

/// Rows per write transaction: small enough that a till waiting for the write turn hardly
/// notices, large enough that 50,000 rows take well under a minute.
pub const BATCH_ROWS: usize = 250;
/// How long a server holds an import between two batches before another may take it over.
const HOLD: chrono::Duration = chrono::Duration::seconds(60);
/// The audit trace's source for work an import does after the owner confirmed it.
const IMPORT_SOURCE: &str = "import";

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunEnd {
    Finished,
    /// Another server holds the import, or it is not running.
    NotHeld,
    /// Stopped after the batches asked (tests: a crash between two batches).
    Paused,
}

/// Writes a running import to its end. Safe to call from several servers at once.
pub async fn run_import(db: &Db, shop_id: i64, import_id: i64) -> Result<RunEnd, AppError> {
    run_batches(db, shop_id, import_id, None).await
}

/// Starts `run_import` in the background; its failure is logged, and a later resume (the
/// next start, or `resume_imports`) goes on from the last batch written.
pub fn spawn_import(db: Db, shop_id: i64, import_id: i64) {
    tokio::spawn(async move {
        match run_import(&db, shop_id, import_id).await {
            Ok(end) => tracing::info!(import_id, ?end, "client import run ended"),
            Err(error) => {
                tracing::error!(import_id, %error, "client import stopped; it resumes later")
            }
        }
    });
}

/// The running imports nobody holds (their server stopped): each is started again here.
pub async fn resume_imports(db: &Db) -> Result<usize, AppError> {
    let now = Utc::now();
    // Across shops on purpose: the server looks for any shop's stopped import.
    let waiting: Vec<(i64, i64)> = client_import::Entity::find()
        .select_only()
        .column(client_import::Column::ShopId)
        .column(client_import::Column::Id)
        .filter(client_import::Column::Status.eq(ImportStatus::Running.code()))
        .filter(not_held(now))
        .into_tuple()
        .all(db)
        .await
        .map_err(db_error)?;
    for &(shop_id, import_id) in &waiting {
        spawn_import(db.clone(), shop_id, import_id);
    }
    Ok(waiting.len())
}

fn not_held(now: DateTime<Utc>) -> Condition {
    Condition::any()
        .add(client_import::Column::HeldUntil.is_null())
        .add(client_import::Column::HeldUntil.lt(now))
}

/// Takes the import for this server until `now + HOLD`, if it runs and nobody holds it.
async fn take_hold(db: &Db, shop_id: i64, import_id: i64) -> Result<bool, AppError> {
    let now = Utc::now();
    let taken = client_import::Entity::update_many()
        .col_expr(client_import::Column::HeldUntil, Expr::value(now + HOLD))
        .filter(client_import::Column::Id.eq(import_id))
        .filter(shop_check(db, client_import::Column::ShopId, shop_id))
        .filter(client_import::Column::Status.eq(ImportStatus::Running.code()))
        .filter(not_held(now))
        .exec(db)
        .await
        .map_err(db_error)?;
    Ok(taken.rows_affected == 1)
}

pub(crate) async fn run_batches(
    db: &Db,
    shop_id: i64,
    import_id: i64,
    max_batches: Option<usize>,
) -> Result<RunEnd, AppError> {
    if !take_hold(db, shop_id, import_id).await? {
        return Ok(RunEnd::NotHeld);
    }
    let import = find_import(db, shop_id, import_id).await?;
    let author = account_user(db, shop_id, import.author_user_id).await?;
    let actor = Actor::new(author, IMPORT_SOURCE);
    let mapping = ImportField::read_mapping(&import.mapping);
    let rows = data_rows(&import);
    let today = today(shop_zone(&actor.time_zone));
    let mut done = usize::try_from(import.rows_done).unwrap_or_default();
    let mut batches = 0;
    while done < rows.len() {
        if max_batches.is_some_and(|max| batches >= max) {
            return Ok(RunEnd::Paused);
        }
        let end = (done + BATCH_ROWS).min(rows.len());
        let Some(batch) = rows.get(done..end) else {
            break;
        };
        let checked = check_rows(batch, &mapping, today, actor.country);
        let txn = db.begin_write().await?;
        let counts = write_batch(&txn, &actor, import_id, batch, checked).await?;
        if !count_batch(&txn, shop_id, import_id, done, end, &counts).await? {
            // Another server wrote this batch meanwhile: dropping `txn` rolls ours back.
            return Ok(RunEnd::NotHeld);
        }
        txn.commit().await.map_err(db_error)?;
        done = end;
        batches += 1;
        // The tills' requests go first between two batches.
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    finish(db, &actor, &import).await?;
    Ok(RunEnd::Finished)
}

/// What the rows of one batch became.
#[derive(Debug, Default, Clone, Copy)]
struct BatchCounts {
    created: i64,
    merged: i64,
    skipped: i64,
    refused: i64,
}

async fn write_batch(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    import_id: i64,
    batch: &[(u64, Vec<String>)],
    checked: Vec<Result<CheckedRow, FieldErrors>>,
) -> Result<BatchCounts, AppError> {
    let shop_id = actor.shop_id;
    let mut counts = BatchCounts::default();
    let mut refusals = Vec::new();
    let mut valid: Vec<CheckedRow> = Vec::new();
    for ((line, _), row) in batch.iter().zip(checked) {
        match row {
            Ok(row) => valid.push(row),
            Err(problems) => {
                counts.refused += 1;
                refusals.push(client_import_refusal::ActiveModel {
                    shop_id: Set(shop_id),
                    import_id: Set(import_id),
                    line: Set(i64::try_from(*line).unwrap_or(i64::MAX)),
                    reasons: Set(serde_json::to_string(&problems).unwrap_or_default()),
                    ..Default::default()
                });
            }
        }
    }
    if !refusals.is_empty() {
        client_import_refusal::Entity::insert_many(refusals)
            .exec_without_returning(txn)
            .await
            .map_err(db_error)?;
    }
    let clients: Vec<&ValidClient> = valid.iter().map(|row| &row.client).collect();
    let mut matcher = Matcher::new(existing_clients(txn, shop_id, &clients).await?);
    // Each valid row's holder, and whether it made it.
    let placed: Vec<(usize, bool)> = valid
        .iter()
        .map(|row| match matcher.place(&row.client) {
            Placed::New(holder) => (holder, true),
            Placed::With(holder) => (holder, false),
        })
        .collect();
    let created = create_clients(txn, actor, &valid, &placed).await?;
    counts.created = i64::try_from(created.len()).unwrap_or_default();
    // Every holder as a stored client: the shop's, and those just made.
    let mut files: HashMap<usize, client::Model> = HashMap::new();
    for (holder, found) in matcher.holders.into_iter().enumerate() {
        match found {
            Holder::Existing(client) => {
                files.insert(holder, *client);
            }
            Holder::New { .. } => {
                if let Some(client) = created.get(&holder) {
                    files.insert(holder, client.clone());
                }
            }
        }
    }
    // Rows joining a file fill what it lacks.
    let mut completed: HashSet<usize> = HashSet::new();
    let mut brought: HashSet<usize> = HashSet::new();
    for ((row_index, row), (holder, made)) in valid.iter().enumerate().zip(&placed) {
        if *made {
            continue;
        }
        if let Some(file) = files.get_mut(holder)
            && fill(file, &row.client)
        {
            completed.insert(*holder);
            brought.insert(row_index);
        }
    }
    for holder in &completed {
        if let Some(file) = files.get(holder) {
            save_completed(txn, shop_id, file).await?;
        }
    }
    // Opening balances: the first row of each file that brings points.
    let mut with_points: HashMap<i64, usize> = HashMap::new();
    let mut balances = Vec::new();
    for (row_index, (row, (holder, _))) in valid.iter().zip(&placed).enumerate() {
        let Some(file) = files.get(holder) else {
            continue;
        };
        if row.opening_points > 0 && !with_points.contains_key(&file.id) {
            with_points.insert(file.id, row_index);
            balances.push((file.id, row.opening_points));
        }
    }
    if !balances.is_empty() {
        let written = write_opening_balances(txn, actor, &balances)
            .await
            .map_err(db_error)?;
        brought.extend(
            written
                .iter()
                .filter_map(|client_id| with_points.get(client_id)),
        );
    }
    brought.extend(write_consents(txn, actor, &valid, &placed, &files).await?);
    brought.extend(write_terms_accepted(txn, actor, &valid, &placed, &files).await?);
    for (row_index, (_, made)) in placed.iter().enumerate() {
        if !made {
            if brought.contains(&row_index) {
                counts.merged += 1;
            } else {
                counts.skipped += 1;
            }
        }
    }
    Ok(counts)
}

/// Inserts the batch's new clients and their search terms; the stored clients by holder.
async fn create_clients(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    valid: &[CheckedRow],
    placed: &[(usize, bool)],
) -> Result<HashMap<usize, client::Model>, AppError> {
    let now = Utc::now();
    let made: Vec<(usize, &ValidClient)> = valid
        .iter()
        .zip(placed)
        .filter(|(_, (_, made))| *made)
        .map(|(row, (holder, _))| (*holder, &row.client))
        .collect();
    if made.is_empty() {
        return Ok(HashMap::new());
    }
    let models = made.iter().map(|(_, valid)| {
        let mut model = client::ActiveModel {
            shop_id: Set(actor.shop_id),
            points_balance: Set(0),
            visit_count: Set(0),
            last_visit_at: Set(None),
            first_visit_at: Set(None),
            created_at: Set(now),
            merged_into_id: Set(None),
            erased_at: Set(None),
            kept_at: Set(None),
            ..Default::default()
        };
        apply(&mut model, valid);
        model
    });
    let inserted = client::Entity::insert_many(models)
        .exec_with_returning(txn)
        .await
        .map_err(db_error)?;
    // RETURNING comes in any order: a new client is known by its contacts, which no other
    // new client of the batch shares (it would have joined the first).
    let mut by_contact: HashMap<(String, Option<String>), client::Model> = inserted
        .into_iter()
        .map(|client| ((client.email.clone(), client.phone.clone()), client))
        .collect();
    let mut created = HashMap::new();
    let mut terms = Vec::new();
    for (holder, valid) in made {
        let client = by_contact
            .remove(&(valid.email.clone(), valid.phone.clone()))
            .ok_or_else(|| {
                tracing::error!("an imported client did not come back from its insert");
                AppError::Internal
            })?;
        terms.extend(search_terms(valid).into_iter().map(|term| {
            crate::entities::client_search_term::ActiveModel {
                shop_id: Set(actor.shop_id),
                term: Set(term),
                client_id: Set(client.id),
            }
        }));
        created.insert(holder, client);
    }
    for chunk in terms.chunks(2000) {
        crate::entities::client_search_term::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(txn)
            .await
            .map_err(db_error)?;
    }
    Ok(created)
}

/// Fills the fields `file` lacks from `row`; whether anything changed. What the file holds
/// already is never replaced: the shop's own data wins over an old list.
fn fill(file: &mut client::Model, row: &ValidClient) -> bool {
    let mut changed = false;
    let mut take = |slot: &mut Option<String>, value: &Option<String>| {
        if slot.is_none() && value.is_some() {
            slot.clone_from(value);
            changed = true;
        }
    };
    take(&mut file.phone, &row.phone);
    take(&mut file.address, &row.address);
    take(&mut file.postal_code, &row.postal_code);
    take(&mut file.city, &row.city);
    take(&mut file.note, &row.note);
    if file.email.is_empty() && !row.email.is_empty() {
        file.email.clone_from(&row.email);
        changed = true;
    }
    if file.birth_date.is_none() && row.birth_date.is_some() {
        file.birth_date = row.birth_date;
        changed = true;
    }
    changed
}

async fn save_completed(
    txn: &impl ConnectionTrait,
    shop_id: i64,
    file: &client::Model,
) -> Result<(), AppError> {
    let completed = as_saved(file);
    let mut changed = file.clone().into_active_model();
    apply(&mut changed, &completed);
    crate::services::update_in_shop(txn, changed, client::Column::ShopId, shop_id).await?;
    replace_search_terms(txn, shop_id, file.id, &completed).await
}

/// The consents rows give with their day, for files that have none recorded on that channel;
/// the rows that brought one.
async fn write_consents(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    valid: &[CheckedRow],
    placed: &[(usize, bool)],
    files: &HashMap<usize, client::Model>,
) -> Result<Vec<usize>, AppError> {
    let given: Vec<(usize, i64, ConsentChannel, DateTime<Utc>)> = valid
        .iter()
        .zip(placed)
        .enumerate()
        .flat_map(|(row_index, (row, (holder, _)))| {
            let client_id = files.get(holder).map(|file| file.id);
            row.consents
                .iter()
                .filter_map(move |(channel, day)| Some((row_index, client_id?, *channel, *day)))
        })
        .collect();
    if given.is_empty() {
        return Ok(Vec::new());
    }
    let client_ids: HashSet<i64> = given.iter().map(|(_, id, _, _)| *id).collect();
    let mut recorded: HashSet<(i64, String)> = consent_change::Entity::find()
        .select_only()
        .column(consent_change::Column::ClientId)
        .column(consent_change::Column::Channel)
        .filter(shop_check(
            txn,
            consent_change::Column::ShopId,
            actor.shop_id,
        ))
        .filter(consent_change::Column::ClientId.is_in(client_ids))
        .into_tuple::<(i64, String)>()
        .all(txn)
        .await
        .map_err(db_error)?
        .into_iter()
        .collect();
    let mut rows = Vec::new();
    let mut brought = Vec::new();
    for (row_index, client_id, channel, day) in given {
        if !recorded.insert((client_id, channel.code().to_owned())) {
            continue;
        }
        brought.push(row_index);
        rows.push(consent_change::ActiveModel {
            shop_id: Set(actor.shop_id),
            client_id: Set(client_id),
            channel: Set(channel.code().to_owned()),
            granted: Set(true),
            source: Set(ConsentSource::Import.code().to_owned()),
            author_user_id: Set(actor.user_id),
            changed_at: Set(day),
            ..Default::default()
        });
    }
    if !rows.is_empty() {
        consent_change::Entity::insert_many(rows)
            .exec_without_returning(txn)
            .await
            .map_err(db_error)?;
    }
    Ok(brought)
}

/// The acceptances of the programme's terms rows give with their day, recorded against the
/// version in force for files that have not accepted it; the rows that brought one. With no
/// terms published, there is nothing to accept.
async fn write_terms_accepted(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    valid: &[CheckedRow],
    placed: &[(usize, bool)],
    files: &HashMap<usize, client::Model>,
) -> Result<Vec<usize>, AppError> {
    let given: Vec<(usize, i64, DateTime<Utc>)> = valid
        .iter()
        .zip(placed)
        .enumerate()
        .filter_map(|(row_index, (row, (holder, _)))| {
            Some((row_index, files.get(holder)?.id, row.terms_accepted?))
        })
        .collect();
    if given.is_empty() {
        return Ok(Vec::new());
    }
    let Some(terms) = latest_terms(txn, actor.shop_id).await? else {
        return Ok(Vec::new());
    };
    let client_ids: HashSet<i64> = given.iter().map(|(_, id, _)| *id).collect();
    let mut recorded: HashSet<i64> = terms_acceptance::Entity::find()
        .select_only()
        .column(terms_acceptance::Column::ClientId)
        .filter(shop_check(
            txn,
            terms_acceptance::Column::ShopId,
            actor.shop_id,
        ))
        .filter(terms_acceptance::Column::ClientId.is_in(client_ids))
        .filter(terms_acceptance::Column::Version.eq(terms.version))
        .into_tuple::<i64>()
        .all(txn)
        .await
        .map_err(db_error)?
        .into_iter()
        .collect();
    let mut rows = Vec::new();
    let mut brought = Vec::new();
    for (row_index, client_id, day) in given {
        if !recorded.insert(client_id) {
            continue;
        }
        brought.push(row_index);
        rows.push(terms_acceptance::ActiveModel {
            shop_id: Set(actor.shop_id),
            client_id: Set(client_id),
            version: Set(terms.version),
            source: Set(AcceptanceSource::Import.code().to_owned()),
            accepted_at: Set(day),
            author_user_id: Set(actor.user_id),
            ..Default::default()
        });
    }
    if !rows.is_empty() {
        terms_acceptance::Entity::insert_many(rows)
            .exec_without_returning(txn)
            .await
            .map_err(db_error)?;
    }
    Ok(brought)
}

/// Moves the import's count from `done` to `end` with the batch's figures, in the batch's
/// transaction; false when the count had moved (another server wrote the batch).
async fn count_batch(
    txn: &impl ConnectionTrait,
    shop_id: i64,
    import_id: i64,
    done: usize,
    end: usize,
    counts: &BatchCounts,
) -> Result<bool, AppError> {
    let as_count = |value: usize| i64::try_from(value).unwrap_or(i64::MAX);
    let plus = |column: client_import::Column, value: i64| Expr::col(column).add(value);
    let moved = client_import::Entity::update_many()
        .col_expr(client_import::Column::RowsDone, Expr::value(as_count(end)))
        .col_expr(
            client_import::Column::CreatedCount,
            plus(client_import::Column::CreatedCount, counts.created),
        )
        .col_expr(
            client_import::Column::MergedCount,
            plus(client_import::Column::MergedCount, counts.merged),
        )
        .col_expr(
            client_import::Column::SkippedCount,
            plus(client_import::Column::SkippedCount, counts.skipped),
        )
        .col_expr(
            client_import::Column::RefusedCount,
            plus(client_import::Column::RefusedCount, counts.refused),
        )
        .col_expr(
            client_import::Column::HeldUntil,
            Expr::value(Utc::now() + HOLD),
        )
        .filter(client_import::Column::Id.eq(import_id))
        .filter(shop_check(txn, client_import::Column::ShopId, shop_id))
        .filter(client_import::Column::Status.eq(ImportStatus::Running.code()))
        .filter(client_import::Column::RowsDone.eq(as_count(done)))
        .exec(txn)
        .await
        .map_err(db_error)?;
    Ok(moved.rows_affected == 1)
}

/// Marks the import done once every row is written, and writes it in the audit log.
async fn finish(db: &Db, actor: &Actor, import: &client_import::Model) -> Result<(), AppError> {
    let txn = db.begin_write().await?;
    let finished = client_import::Entity::update_many()
        .col_expr(
            client_import::Column::Status,
            Expr::value(ImportStatus::Done.code()),
        )
        .col_expr(client_import::Column::FinishedAt, Expr::value(Utc::now()))
        .col_expr(
            client_import::Column::HeldUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(client_import::Column::Id.eq(import.id))
        .filter(shop_check(
            &txn,
            client_import::Column::ShopId,
            actor.shop_id,
        ))
        .filter(client_import::Column::Status.eq(ImportStatus::Running.code()))
        .filter(client_import::Column::RowsDone.eq(import.rows_total))
        .exec_with_returning(&txn)
        .await
        .map_err(db_error)?;
    if let Some(done) = finished.first() {
        audit::write(
            &txn,
            AuditRecord::by(actor, AuditKind::ClientsImported).detail(format!(
                "{}: created={} merged={} skipped={} refused={}",
                done.file_name,
                done.created_count,
                done.merged_count,
                done.skipped_count,
                done.refused_count
            )),
        )
        .await?;
    }
    txn.commit().await.map_err(db_error)
}
