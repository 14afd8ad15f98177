//! The points ledger: append-only entries, a cached balance changed in the same database
//! transaction, idempotency keys made on the device, and modifications as reversal + correction.

use std::collections::HashMap;

use chrono::{Duration, Utc};
use chrono_tz::Tz;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, DbErr, EntityTrait, ExprTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use super::audit::{self, Actor, AuditRecord};
use super::clients::{find_by_contact, find_in_shop, name_of, to_row};
use super::db::begin_write;
use super::recorder;
use super::time::{format_date_time, parse_day, shop_zone, start_of_day};
use super::{db_error, display_names, is_unique_violation, page_offset};
use crate::entities::{client, ledger_entry};
use crate::model::audit::AuditKind;
use crate::model::auth::{CurrentUser, Role};
use crate::model::error::{AppError, FieldErrors, FieldProblem};
use crate::model::ledger::{
    ContactPointsRequest, EntryKind, JOURNAL_PAGE_SIZE, JournalFilter, JournalPage, ModifyRequest,
    PointsAction, RecordOutcome, RecordRequest, RedeemRequest, TransactionForm, TransactionValues,
    TransactionView, validate_points_to_use,
};

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
    txn: &DatabaseTransaction,
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
    ledger_entry::ActiveModel {
        shop_id: Set(user.shop_id),
        client_id: Set(entry.client_id),
        kind: Set(entry.kind.code().to_owned()),
        points: Set(entry.values.points),
        amount_cents: Set(entry.values.amount_cents),
        reverses_entry_id: Set(entry.reverses_entry_id),
        corrects_entry_id: Set(entry.corrects_entry_id),
        idempotency_key: Set(entry.idempotency_key),
        author_user_id: Set(user.user_id),
        created_at: Set(now),
        ..Default::default()
    }
}

/// Moves every point of `from` to `to_id` with a pair of transfer entries, inside the caller's
/// transaction; the merge that calls it writes the audit entry.
pub(crate) async fn transfer_points(
    txn: &DatabaseTransaction,
    user: &CurrentUser,
    from: &client::Model,
    to_id: i64,
) -> Result<(), AppError> {
    let points = from.points_balance;
    if points == 0 {
        return Ok(());
    }
    let now = Utc::now();
    for (client_id, points) in [(from.id, -points), (to_id, points)] {
        let entry = NewEntry {
            client_id,
            kind: EntryKind::Transfer,
            values: TransactionValues {
                points,
                amount_cents: None,
            },
            reverses_entry_id: None,
            corrects_entry_id: None,
            idempotency_key: None,
        };
        append(txn, user, entry, now).await.map_err(db_error)?;
        client::Entity::update_many()
            .col_expr(
                client::Column::PointsBalance,
                Expr::col(client::Column::PointsBalance).add(points),
            )
            .filter(client::Column::Id.eq(client_id))
            .exec(txn)
            .await
            .map_err(db_error)?;
    }
    Ok(())
}

/// A replayed request gets the first answer; the same key with other content is refused.
async fn replay(
    db: &DatabaseConnection,
    user: &CurrentUser,
    existing: ledger_entry::Model,
    expected_kind: EntryKind,
    expected_target: i64,
    values: TransactionValues,
) -> Result<RecordOutcome, AppError> {
    let same_amount = existing.amount_cents == values.amount_cents;
    let same = match expected_kind {
        // A modification writes a correction, or for a use of points a new use with the points
        // as a negative number; either replaces `expected_target`.
        EntryKind::Correction => {
            existing.corrects_entry_id == Some(expected_target)
                && existing.points.abs() == values.points
                && same_amount
        }
        _ => {
            existing.kind == expected_kind.code()
                && existing.corrects_entry_id.is_none()
                && existing.client_id == expected_target
                && existing.points == values.points
                && same_amount
        }
    };
    if !same {
        return Err(AppError::IdempotencyConflict);
    }
    outcome(db, user, existing).await
}

/// The answer already given to a request with `key`, if there was one.
async fn earlier_answer(
    db: &DatabaseConnection,
    user: &CurrentUser,
    key: &str,
    kind: EntryKind,
    target: i64,
    values: TransactionValues,
) -> Result<Option<RecordOutcome>, AppError> {
    match find_by_key(db, user.shop_id, key).await? {
        Some(existing) => replay(db, user, existing, kind, target, values)
            .await
            .map(Some),
        None => Ok(None),
    }
}

async fn outcome(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    entry: ledger_entry::Model,
) -> Result<RecordOutcome, AppError> {
    let zone = shop_zone(&user.time_zone);
    let client = find_in_shop(db, user.shop_id, entry.client_id).await?;
    let transaction = views(db, zone, vec![entry])
        .await?
        .pop()
        .ok_or(AppError::Internal)?;
    Ok(RecordOutcome {
        transaction,
        client: to_row(&client, zone),
    })
}

/// Records points earned at the till. Recorded once per idempotency key, however often the
/// device retries.
pub async fn record_transaction(
    db: &DatabaseConnection,
    user: &Actor,
    request: &RecordRequest,
) -> Result<RecordOutcome, AppError> {
    let values = request.form.validate()?;
    let key = request.idempotency_key.to_string();
    let request = TillEntry {
        kind: EntryKind::Earn,
        client_id: request.client_id,
        values,
        key,
    };
    record_entry(db, user, request).await
}

/// Uses points from the client's balance, never below zero, even with two tills at once: the
/// balance check and the change are one conditional update.
pub async fn redeem_points(
    db: &DatabaseConnection,
    user: &Actor,
    request: &RedeemRequest,
) -> Result<RecordOutcome, AppError> {
    let points = validate_points_to_use(&request.points)?;
    let values = TransactionValues {
        points: -points,
        amount_cents: None,
    };
    let key = request.idempotency_key.to_string();
    let request = TillEntry {
        kind: EntryKind::Redeem,
        client_id: request.client_id,
        values,
        key,
    };
    record_entry(db, user, request).await
}

/// Adds or uses points for the client with this e-mail or phone, without opening the file.
/// Both the contact and the points are checked before anything is written, so the till sees
/// every mistake at once.
pub async fn points_by_contact(
    db: &DatabaseConnection,
    user: &Actor,
    request: &ContactPointsRequest,
) -> Result<RecordOutcome, AppError> {
    let points = match request.action {
        PointsAction::Add => TransactionForm {
            points: request.points.clone(),
            amount: String::new(),
        }
        .validate()
        .map(|values| values.points),
        PointsAction::Use => validate_points_to_use(&request.points),
    };
    let client = find_by_contact(db, user.shop_id, &request.contact).await;
    let (points, client) = match (points, client) {
        (Ok(points), Ok(client)) => (points, client),
        (points, client) => {
            let mut errors = FieldErrors::default();
            for failure in [points.err(), client.err()].into_iter().flatten() {
                match failure {
                    AppError::Invalid(found) => errors.0.extend(found.0),
                    other => return Err(other),
                }
            }
            return Err(AppError::Invalid(errors));
        }
    };
    let (kind, points) = match request.action {
        PointsAction::Add => (EntryKind::Earn, points),
        PointsAction::Use => (EntryKind::Redeem, -points),
    };
    let values = TransactionValues {
        points,
        amount_cents: None,
    };
    let request = TillEntry {
        kind,
        client_id: client.id,
        values,
        key: request.idempotency_key.to_string(),
    };
    record_entry(db, user, request).await
}

/// The change of a client's balance (and, for a purchase, its visits) that an entry makes:
/// conditional on the shop and on an active file, and for a use on the balance staying at zero
/// or above.
fn balance_change(
    user: &CurrentUser,
    kind: EntryKind,
    client_id: i64,
    values: TransactionValues,
    now: chrono::DateTime<Utc>,
) -> sea_orm::UpdateMany<client::Entity> {
    let mut change = client::Entity::update_many()
        .col_expr(
            client::Column::PointsBalance,
            Expr::col(client::Column::PointsBalance).add(values.points),
        )
        .filter(client::Column::Id.eq(client_id))
        .filter(client::Column::ShopId.eq(user.shop_id))
        .filter(client::Column::MergedIntoId.is_null())
        .filter(client::Column::ErasedAt.is_null());
    if values.points < 0 {
        change = change.filter(
            Expr::col(client::Column::PointsBalance)
                .add(values.points)
                .gte(0),
        );
    }
    if kind == EntryKind::Earn {
        change = change
            .col_expr(
                client::Column::VisitCount,
                Expr::col(client::Column::VisitCount).add(1),
            )
            .col_expr(client::Column::LastVisitAt, Expr::value(now));
    }
    change
}

/// One till request to record: an earn or a use of points, with its idempotency key.
#[derive(Debug, Clone)]
pub(crate) struct TillEntry {
    pub kind: EntryKind,
    pub client_id: i64,
    pub values: TransactionValues,
    pub key: String,
}

/// The first step of writing a till request: its balance change, the client row after it, or
/// `None` when it matched no row (another shop's client, a merged file, not enough points).
async fn change_balance(
    txn: &DatabaseTransaction,
    user: &CurrentUser,
    request: &TillEntry,
    now: chrono::DateTime<Utc>,
) -> Result<Option<client::Model>, DbErr> {
    Ok(
        balance_change(user, request.kind, request.client_id, request.values, now)
            .exec_with_returning(txn)
            .await?
            .pop(),
    )
}

/// The second step: the ledger row of a till request.
pub(crate) fn till_entry_row(
    user: &CurrentUser,
    request: &TillEntry,
    now: chrono::DateTime<Utc>,
) -> ledger_entry::ActiveModel {
    let entry = NewEntry {
        client_id: request.client_id,
        kind: request.kind,
        values: request.values,
        reverses_entry_id: None,
        corrects_entry_id: None,
        idempotency_key: Some(request.key.clone()),
    };
    entry_row(user, entry, now)
}

/// The third step: the audit trace of the written entry.
pub(crate) fn till_entry_audit<'a>(
    user: &'a Actor,
    request: &TillEntry,
    entry_id: i64,
) -> AuditRecord<'a> {
    AuditRecord::by(user, AuditKind::TransactionRecorded)
        .client(request.client_id)
        .entry(entry_id)
        .detail(format!("{:+} points", request.values.points))
}

/// Writes `request` inside `txn`: the balance change, the entry and its audit trace. `Ok(None)`
/// when the balance change matched no row: nothing was written then. An error leaves the
/// transaction to be rolled back.
async fn write_till_entry(
    txn: &DatabaseTransaction,
    user: &Actor,
    request: &TillEntry,
) -> Result<Option<(ledger_entry::Model, client::Model)>, DbErr> {
    let now = Utc::now();
    let Some(client) = change_balance(txn, user, request, now).await? else {
        return Ok(None);
    };
    let entry = till_entry_row(user, request, now).insert(txn).await?;
    audit::write(txn, till_entry_audit(user, request, entry.id))
        .await
        .map_err(|_| DbErr::Custom("audit entry not written".into()))?;
    Ok(Some((entry, client)))
}

/// The answer to a till request that was just written.
pub(crate) fn recorded(
    user: &CurrentUser,
    entry: ledger_entry::Model,
    client: &client::Model,
) -> RecordOutcome {
    let zone = shop_zone(&user.time_zone);
    RecordOutcome {
        transaction: to_view(
            entry,
            name_of(client),
            user.display_name.clone(),
            None,
            zone,
        ),
        client: to_row(client, zone),
    }
}

/// Appends one entry to a client's account and changes its balance (and, for a purchase, its
/// visits) in the same database transaction. On SQLite the request first goes to the batching
/// writer (`recorder`); whatever it does not write comes here. A replay is found by the key's
/// unique index when the entry is inserted, not by a read before: a new request, the common case,
/// costs no extra query, and the client row comes back from the update itself.
async fn record_entry(
    db: &DatabaseConnection,
    user: &Actor,
    request: TillEntry,
) -> Result<RecordOutcome, AppError> {
    if let Some((entry, client)) = recorder::record(db, user, &request).await {
        return Ok(recorded(user, entry, &client));
    }
    let (txn, turn) = begin_write(db).await?;
    let written = match write_till_entry(&txn, user, &request).await {
        Ok(written) => written,
        Err(error) if is_unique_violation(&error) => {
            // This key was recorded before (a retry, or a concurrent one that won): nothing of
            // this attempt is kept, and the request is answered as it was the first time.
            drop((txn, turn));
            return answer_again(db, user, &request)
                .await?
                .ok_or(AppError::Internal);
        }
        Err(error) => return Err(db_error(error)),
    };
    let Some((entry, client)) = written else {
        drop((txn, turn));
        // A replay of a use whose points are spent since is still answered as the first time.
        if let Some(answer) = answer_again(db, user, &request).await? {
            return Ok(answer);
        }
        let client = find_in_shop(db, user.shop_id, request.client_id).await?;
        return Err(AppError::invalid(
            "points",
            FieldProblem::NotEnoughPoints {
                balance: client.points_balance,
            },
        ));
    };
    txn.commit().await.map_err(db_error)?;
    drop(turn);
    Ok(recorded(user, entry, &client))
}

async fn answer_again(
    db: &DatabaseConnection,
    user: &CurrentUser,
    request: &TillEntry,
) -> Result<Option<RecordOutcome>, AppError> {
    earlier_answer(
        db,
        user,
        &request.key,
        request.kind,
        request.client_id,
        request.values,
    )
    .await
}

/// Modifies a transaction without rewriting history: a reversal cancels it and a correction
/// carries the new values. An entry can be reversed only once.
pub async fn modify_transaction(
    db: &DatabaseConnection,
    user: &Actor,
    request: &ModifyRequest,
) -> Result<RecordOutcome, AppError> {
    // Staff do till work; correcting the ledger is the owner's.
    if user.role != Role::Owner {
        return Err(AppError::Forbidden);
    }
    let values = request.form.validate()?;
    let key = request.idempotency_key.to_string();
    if let Some(answer) = earlier_answer(
        db,
        user,
        &key,
        EntryKind::Correction,
        request.transaction_id,
        values,
    )
    .await?
    {
        return Ok(answer);
    }
    let (txn, turn) = begin_write(db).await?;
    let original = ledger_entry::Entity::find_by_id(request.transaction_id)
        .filter(ledger_entry::Column::ShopId.eq(user.shop_id))
        .one(&txn)
        .await
        .map_err(db_error)?
        .ok_or(AppError::NotFound)?;
    if original.kind == EntryKind::Reversal.code() {
        return Err(AppError::AlreadyModified);
    }
    // Points moved by a merge follow the files, not a sale: there is nothing to correct.
    if original.kind == EntryKind::Transfer.code() {
        return Err(AppError::Forbidden);
    }
    // The entry may belong to a file since merged: its reversal and correction go to the
    // surviving file, which holds the balance now.
    let account_id = client::Entity::find_by_id(original.client_id)
        .one(&txn)
        .await
        .map_err(db_error)?
        .and_then(|owner| owner.merged_into_id)
        .unwrap_or(original.client_id);
    let already_reversed = ledger_entry::Entity::find()
        .filter(ledger_entry::Column::ReversesEntryId.eq(original.id))
        .count(&txn)
        .await
        .map_err(db_error)?;
    if already_reversed > 0 {
        return Err(AppError::AlreadyModified);
    }
    // A use of points is replaced by another use: its points stay negative, it has no amount.
    let uses_points = original.kind == EntryKind::Redeem.code();
    if uses_points && values.amount_cents.is_some() {
        return Err(AppError::invalid("amount", FieldProblem::InvalidAmount));
    }
    let (kind, values) = if uses_points {
        let used = TransactionValues {
            points: -values.points,
            amount_cents: None,
        };
        (EntryKind::Redeem, used)
    } else {
        (EntryKind::Correction, values)
    };
    let now = Utc::now();
    let reversal = NewEntry {
        client_id: account_id,
        kind: EntryKind::Reversal,
        values: TransactionValues {
            points: -original.points,
            amount_cents: original.amount_cents.map(|cents| -cents),
        },
        reverses_entry_id: Some(original.id),
        corrects_entry_id: None,
        idempotency_key: None,
    };
    let reversal = append(&txn, user, reversal, now).await;
    match reversal {
        Ok(_) => {}
        // Another till reversed it between our check and our insert.
        Err(error) if is_unique_violation(&error) => return Err(AppError::AlreadyModified),
        Err(error) => return Err(db_error(error)),
    }
    let correction = NewEntry {
        client_id: account_id,
        kind,
        values,
        reverses_entry_id: None,
        corrects_entry_id: Some(original.id),
        idempotency_key: Some(key.clone()),
    };
    let correction = append(&txn, user, correction, now).await;
    let correction = match correction {
        Ok(entry) => entry,
        Err(error) if is_unique_violation(&error) => {
            drop((txn, turn));
            return earlier_answer(
                db,
                user,
                &key,
                EntryKind::Correction,
                request.transaction_id,
                request.form.validate()?,
            )
            .await?
            .ok_or(AppError::Internal);
        }
        Err(error) => return Err(db_error(error)),
    };
    let delta = values.points - original.points;
    // Conditional: the points may already be spent, and the balance never goes below zero.
    let updated = client::Entity::update_many()
        .col_expr(
            client::Column::PointsBalance,
            Expr::col(client::Column::PointsBalance).add(delta),
        )
        .filter(client::Column::Id.eq(account_id))
        .filter(Expr::col(client::Column::PointsBalance).add(delta).gte(0))
        .exec(&txn)
        .await
        .map_err(db_error)?;
    if updated.rows_affected != 1 {
        return Err(AppError::InsufficientBalance);
    }
    audit::write(
        &txn,
        AuditRecord::by(user, AuditKind::TransactionModified)
            .client(account_id)
            .entry(original.id)
            .detail(format!("{} → {} points", original.points, values.points)),
    )
    .await?;
    txn.commit().await.map_err(db_error)?;
    drop(turn);
    fresh_outcome(db, user, correction).await
}

fn to_view(
    entry: ledger_entry::Model,
    client_name: String,
    author_name: String,
    reversed_by: Option<i64>,
    zone: Tz,
) -> TransactionView {
    TransactionView {
        id: entry.id,
        client_id: entry.client_id,
        client_name,
        kind: EntryKind::from_code(&entry.kind).unwrap_or(EntryKind::Earn),
        points: entry.points,
        amount_cents: entry.amount_cents,
        author_name,
        recorded_at: format_date_time(entry.created_at, zone),
        refers_to: entry.reverses_entry_id.or(entry.corrects_entry_id),
        reversed_by,
    }
}

/// The answer to a request that just wrote `entry`: nobody reversed it yet and its author is the
/// user, so only the client is read.
async fn fresh_outcome(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    entry: ledger_entry::Model,
) -> Result<RecordOutcome, AppError> {
    let zone = shop_zone(&user.time_zone);
    let client = find_in_shop(db, user.shop_id, entry.client_id).await?;
    let client_name = name_of(&client);
    Ok(RecordOutcome {
        transaction: to_view(entry, client_name, user.display_name.clone(), None, zone),
        client: to_row(&client, zone),
    })
}

/// Turns entries into what the pages show: client and author names, who reversed what.
pub(crate) async fn views(
    db: &impl ConnectionTrait,
    zone: Tz,
    entries: Vec<ledger_entry::Model>,
) -> Result<Vec<TransactionView>, AppError> {
    let entry_ids: Vec<i64> = entries.iter().map(|entry| entry.id).collect();
    let reversals: HashMap<i64, i64> = ledger_entry::Entity::find()
        .filter(ledger_entry::Column::ReversesEntryId.is_in(entry_ids))
        .all(db)
        .await
        .map_err(db_error)?
        .into_iter()
        .filter_map(|reversal| {
            reversal
                .reverses_entry_id
                .map(|original| (original, reversal.id))
        })
        .collect();
    let authors = display_names(db, entries.iter().map(|entry| entry.author_user_id)).await?;
    let client_ids: Vec<i64> = entries.iter().map(|entry| entry.client_id).collect();
    let clients: HashMap<i64, String> = client::Entity::find()
        .filter(client::Column::Id.is_in(client_ids))
        .all(db)
        .await
        .map_err(db_error)?
        .into_iter()
        .map(|client| (client.id, name_of(&client)))
        .collect();
    Ok(entries
        .into_iter()
        .map(|entry| {
            let client_name = clients.get(&entry.client_id).cloned().unwrap_or_default();
            let author_name = authors
                .get(&entry.author_user_id)
                .cloned()
                .unwrap_or_default();
            let reversed_by = reversals.get(&entry.id).copied();
            to_view(entry, client_name, author_name, reversed_by, zone)
        })
        .collect())
}

/// A client's whole history, newest first.
pub async fn client_history(
    db: &DatabaseConnection,
    user: &CurrentUser,
    client_id: i64,
) -> Result<Vec<TransactionView>, AppError> {
    find_in_shop(db, user.shop_id, client_id).await?;
    let entries = ledger_entry::Entity::find()
        .filter(ledger_entry::Column::ClientId.eq(client_id))
        .order_by_desc(ledger_entry::Column::Id)
        .all(db)
        .await
        .map_err(db_error)?;
    views(db, shop_zone(&user.time_zone), entries).await
}

/// The shop's journal: every entry, newest first, filtered by days (inclusive, in the shop's
/// time zone) and client.
pub async fn journal(
    db: &DatabaseConnection,
    user: &CurrentUser,
    filter: &JournalFilter,
) -> Result<JournalPage, AppError> {
    if user.role != Role::Owner {
        return Err(AppError::Forbidden);
    }
    let zone = shop_zone(&user.time_zone);
    let mut condition = Condition::all().add(ledger_entry::Column::ShopId.eq(user.shop_id));
    if let Some(from) = parse_day("from", &filter.from)? {
        condition = condition.add(ledger_entry::Column::CreatedAt.gte(start_of_day(from, zone)));
    }
    if let Some(to) = parse_day("to", &filter.to)? {
        condition = condition
            .add(ledger_entry::Column::CreatedAt.lt(start_of_day(to + Duration::days(1), zone)));
    }
    if let Some(client_id) = filter.client_id {
        find_in_shop(db, user.shop_id, client_id).await?;
        condition = condition.add(ledger_entry::Column::ClientId.eq(client_id));
    }
    let query = ledger_entry::Entity::find()
        .filter(condition)
        .order_by_desc(ledger_entry::Column::Id);
    let total = query.clone().count(db).await.map_err(db_error)?;
    let entries = query
        .offset(page_offset(filter.page, JOURNAL_PAGE_SIZE)?)
        .limit(JOURNAL_PAGE_SIZE)
        .all(db)
        .await
        .map_err(db_error)?;
    Ok(JournalPage {
        entries: views(db, zone, entries).await?,
        total,
        page: filter.page,
    })
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;
    use crate::model::client::ClientForm;
    use crate::model::ledger::MAX_POINTS;
    use crate::services::clients::{SharedPhone, create_client};
    use crate::services::test_support::{TestShop, change, client_form, earn, redeem};

    async fn ledger_sum(shop: &TestShop, client_id: i64) -> i64 {
        ledger_entry::Entity::find()
            .filter(ledger_entry::Column::ClientId.eq(client_id))
            .all(&shop.db)
            .await
            .expect("entries")
            .iter()
            .map(|entry| entry.points)
            .sum()
    }

    #[tokio::test]
    async fn recording_points_updates_balance_and_last_visit_at_once() {
        let shop = TestShop::new().await;
        let client = shop.client("Léa", "Morel").await;
        let outcome = record_transaction(&shop.db, &shop.owner, &earn(client.id, "12", "12,50"))
            .await
            .expect("recorded");
        assert_eq!(outcome.client.points_balance, 12);
        assert!(outcome.client.last_visit.is_some());
        assert_eq!(outcome.transaction.amount_cents, Some(1250));
        assert_eq!(outcome.transaction.author_name, shop.owner.display_name);
        assert_eq!(ledger_sum(&shop, client.id).await, 12);
    }

    #[tokio::test]
    async fn a_replayed_request_is_recorded_once() {
        let shop = TestShop::new().await;
        let client = shop.client("Léa", "Morel").await;
        let request = earn(client.id, "5", "");
        let first = record_transaction(&shop.db, &shop.owner, &request)
            .await
            .expect("first");
        let second = record_transaction(&shop.db, &shop.owner, &request)
            .await
            .expect("replay");
        assert_eq!(first.transaction.id, second.transaction.id);
        assert_eq!(second.client.points_balance, 5);
        assert_eq!(ledger_sum(&shop, client.id).await, 5);
    }

    #[tokio::test]
    async fn a_key_reused_with_other_points_is_refused() {
        let shop = TestShop::new().await;
        let client = shop.client("Léa", "Morel").await;
        let request = earn(client.id, "5", "");
        record_transaction(&shop.db, &shop.owner, &request)
            .await
            .expect("first");
        let tampered = RecordRequest {
            form: TransactionForm {
                points: "50".into(),
                amount: String::new(),
            },
            ..request
        };
        assert_eq!(
            record_transaction(&shop.db, &shop.owner, &tampered).await,
            Err(AppError::IdempotencyConflict)
        );
        assert_eq!(ledger_sum(&shop, client.id).await, 5);
    }

    #[tokio::test]
    async fn a_modification_is_a_reversal_plus_a_correction() {
        let shop = TestShop::new().await;
        let client = shop.client("Léa", "Morel").await;
        let recorded = record_transaction(&shop.db, &shop.owner, &earn(client.id, "12", ""))
            .await
            .expect("recorded");
        let corrected = modify_transaction(
            &shop.db,
            &shop.owner,
            &change(recorded.transaction.id, "21"),
        )
        .await
        .expect("modified");
        assert_eq!(corrected.client.points_balance, 21);
        assert_eq!(corrected.transaction.kind, EntryKind::Correction);
        assert_eq!(
            corrected.transaction.refers_to,
            Some(recorded.transaction.id)
        );
        let history = client_history(&shop.db, &shop.owner, client.id)
            .await
            .expect("history");
        let kinds: Vec<(EntryKind, i64)> = history
            .iter()
            .map(|entry| (entry.kind, entry.points))
            .collect();
        assert_eq!(
            kinds,
            vec![
                (EntryKind::Correction, 21),
                (EntryKind::Reversal, -12),
                (EntryKind::Earn, 12)
            ]
        );
        assert!(!history[2].can_be_modified());
        assert!(history[0].can_be_modified());
        assert_eq!(ledger_sum(&shop, client.id).await, 21);
    }

    #[tokio::test]
    async fn a_transaction_is_reversed_only_once() {
        let shop = TestShop::new().await;
        let client = shop.client("Léa", "Morel").await;
        let recorded = record_transaction(&shop.db, &shop.owner, &earn(client.id, "12", ""))
            .await
            .expect("recorded");
        modify_transaction(
            &shop.db,
            &shop.owner,
            &change(recorded.transaction.id, "10"),
        )
        .await
        .expect("first change");
        assert_eq!(
            modify_transaction(&shop.db, &shop.owner, &change(recorded.transaction.id, "8")).await,
            Err(AppError::AlreadyModified)
        );
        assert_eq!(ledger_sum(&shop, client.id).await, 10);
    }

    #[tokio::test]
    async fn a_replayed_modification_is_applied_once() {
        let shop = TestShop::new().await;
        let client = shop.client("Léa", "Morel").await;
        let recorded = record_transaction(&shop.db, &shop.owner, &earn(client.id, "12", ""))
            .await
            .expect("recorded");
        let request = change(recorded.transaction.id, "3");
        let first = modify_transaction(&shop.db, &shop.owner, &request)
            .await
            .expect("first");
        let again = modify_transaction(&shop.db, &shop.owner, &request)
            .await
            .expect("replay");
        assert_eq!(first.transaction.id, again.transaction.id);
        assert_eq!(ledger_sum(&shop, client.id).await, 3);
    }

    #[tokio::test]
    async fn a_correction_never_takes_the_balance_below_zero() {
        let shop = TestShop::new().await;
        let client = shop.client("Léa", "Morel").await;
        let recorded = record_transaction(&shop.db, &shop.owner, &earn(client.id, "10", ""))
            .await
            .expect("recorded");
        // 6 of the 10 points are already used.
        redeem_points(&shop.db, &shop.owner, &redeem(client.id, "6"))
            .await
            .expect("used");
        assert_eq!(
            modify_transaction(&shop.db, &shop.owner, &change(recorded.transaction.id, "0")).await,
            Err(AppError::InsufficientBalance)
        );
        let history = client_history(&shop.db, &shop.owner, client.id)
            .await
            .expect("history");
        assert_eq!(
            history.len(),
            2,
            "nothing written when the change is refused"
        );
    }

    #[tokio::test]
    async fn using_points_never_takes_the_balance_below_zero() {
        let shop = TestShop::new().await;
        let client = shop.client("Léa", "Morel").await;
        record_transaction(&shop.db, &shop.owner, &earn(client.id, "10", "8"))
            .await
            .expect("earned");
        let used = redeem_points(&shop.db, &shop.owner, &redeem(client.id, "4"))
            .await
            .expect("used");
        assert_eq!(used.client.points_balance, 6);
        assert_eq!(used.transaction.kind, EntryKind::Redeem);
        assert_eq!(used.transaction.points, -4);
        assert_eq!(
            redeem_points(&shop.db, &shop.owner, &redeem(client.id, "7")).await,
            Err(AppError::invalid(
                "points",
                FieldProblem::NotEnoughPoints { balance: 6 }
            ))
        );
        assert_eq!(
            redeem_points(&shop.db, &shop.owner, &redeem(client.id, "0")).await,
            Err(AppError::invalid("points", FieldProblem::AtLeastOnePoint))
        );
        assert_eq!(ledger_sum(&shop, client.id).await, 6);
        let file = find_in_shop(&shop.db, shop.owner.shop_id, client.id)
            .await
            .expect("client");
        assert_eq!(file.visit_count, 1, "using points is not a visit");
        // Replayed, the use counts once.
        let request = redeem(client.id, "6");
        let first = redeem_points(&shop.db, &shop.owner, &request)
            .await
            .expect("first");
        let again = redeem_points(&shop.db, &shop.owner, &request)
            .await
            .expect("replay");
        assert_eq!(first.transaction.id, again.transaction.id);
        assert_eq!(ledger_sum(&shop, client.id).await, 0);
    }

    #[tokio::test]
    async fn two_tills_using_the_same_points_at_once_leave_no_negative_balance() {
        for _ in 0..10 {
            let shop = TestShop::on_file().await;
            let client = shop.client("Léa", "Morel").await;
            record_transaction(&shop.db, &shop.owner, &earn(client.id, "10", ""))
                .await
                .expect("earned");
            let till = |shop: TestShop| async move {
                redeem_points(&shop.db, &shop.owner, &redeem(client.id, "8")).await
            };
            let (first, second) = tokio::join!(
                tokio::spawn(till(shop.clone())),
                tokio::spawn(till(shop.clone()))
            );
            let answers = [first.expect("first till"), second.expect("second till")];
            let used = answers.iter().filter(|answer| answer.is_ok()).count();
            assert_eq!(used, 1, "{answers:?}");
            assert!(answers.iter().any(|answer| *answer
                == Err(AppError::invalid(
                    "points",
                    FieldProblem::NotEnoughPoints { balance: 2 }
                ))));
            assert_eq!(ledger_sum(&shop, client.id).await, 2);
        }
    }

    #[tokio::test]
    async fn a_use_of_points_is_modified_into_another_use() {
        let shop = TestShop::new().await;
        let client = shop.client("Léa", "Morel").await;
        record_transaction(&shop.db, &shop.owner, &earn(client.id, "10", ""))
            .await
            .expect("earned");
        let used = redeem_points(&shop.db, &shop.owner, &redeem(client.id, "4"))
            .await
            .expect("used");
        let request = change(used.transaction.id, "6");
        let modified = modify_transaction(&shop.db, &shop.owner, &request)
            .await
            .expect("modified");
        assert_eq!(modified.transaction.kind, EntryKind::Redeem);
        assert_eq!(modified.transaction.points, -6);
        assert_eq!(modified.transaction.refers_to, Some(used.transaction.id));
        assert_eq!(modified.client.points_balance, 4);
        let replayed = modify_transaction(&shop.db, &shop.owner, &request)
            .await
            .expect("replayed");
        assert_eq!(replayed.transaction.id, modified.transaction.id);
        // A use has no amount.
        let mut with_amount = change(modified.transaction.id, "6");
        with_amount.form.amount = "5".into();
        assert_eq!(
            modify_transaction(&shop.db, &shop.owner, &with_amount).await,
            Err(AppError::invalid("amount", FieldProblem::InvalidAmount))
        );
        assert_eq!(ledger_sum(&shop, client.id).await, 4);
    }

    #[tokio::test]
    async fn points_go_by_email_or_phone_without_opening_the_file() {
        let shop = TestShop::new().await;
        let form = ClientForm {
            phone: "06 12 34 56 78".into(),
            email: "lea.morel@exemple.fr".into(),
            ..client_form("Léa", "Morel")
        };
        let client = create_client(&shop.db, &shop.owner, &form, SharedPhone::Refuse)
            .await
            .expect("client");
        let by_contact = |contact: &str, points: &str, action| ContactPointsRequest {
            contact: contact.into(),
            points: points.into(),
            action,
            idempotency_key: Uuid::new_v4(),
        };
        let added = points_by_contact(
            &shop.db,
            &shop.owner,
            &by_contact("+33 6 12 34 56 78", "12", PointsAction::Add),
        )
        .await
        .expect("added by phone");
        assert_eq!(added.client.id, client.id);
        assert_eq!(added.client.points_balance, 12);
        let used = points_by_contact(
            &shop.db,
            &shop.owner,
            &by_contact(" LEA.MOREL@exemple.fr ", "5", PointsAction::Use),
        )
        .await
        .expect("used by e-mail");
        assert_eq!(used.client.points_balance, 7);

        let refused = |contact: &str, points: &str| {
            let request = by_contact(contact, points, PointsAction::Use);
            let shop = shop.clone();
            async move { points_by_contact(&shop.db, &shop.owner, &request).await }
        };
        let fields = |answer: Result<RecordOutcome, AppError>| match answer {
            Err(AppError::Invalid(errors)) => errors.0,
            other => panic!("expected field errors, got {other:?}"),
        };
        assert_eq!(
            fields(refused("07 00 00 00 00", "1").await),
            [("contact".to_owned(), FieldProblem::NoClientWithContact)]
        );
        assert_eq!(
            fields(refused("lea.morel@exemple.fr", "8").await),
            [(
                "points".to_owned(),
                FieldProblem::NotEnoughPoints { balance: 7 }
            )]
        );
        // Both mistakes at once are both reported.
        assert_eq!(
            fields(refused("pas un contact", "-1").await),
            [
                (
                    "points".to_owned(),
                    FieldProblem::PointsOutOfRange { max: MAX_POINTS }
                ),
                ("contact".to_owned(), FieldProblem::InvalidContact)
            ]
        );
        // A phone on two files (a family's, confirmed at creation): the till must pick by name.
        create_client(
            &shop.db,
            &shop.owner,
            &ClientForm {
                phone: "0612345678".into(),
                ..client_form("Paul", "Morel")
            },
            SharedPhone::Allow,
        )
        .await
        .expect("second client");
        assert_eq!(
            fields(refused("06 12 34 56 78", "1").await),
            [(
                "contact".to_owned(),
                FieldProblem::SeveralClientsWithContact { count: 2 }
            )]
        );
        assert_eq!(ledger_sum(&shop, client.id).await, 7);
    }

    #[tokio::test]
    async fn another_shop_cannot_touch_the_ledger() {
        let shop = TestShop::new().await;
        let other = shop.other_shop().await;
        let client = shop.client("Léa", "Morel").await;
        let recorded = record_transaction(&shop.db, &shop.owner, &earn(client.id, "10", ""))
            .await
            .expect("recorded");
        assert_eq!(
            record_transaction(&shop.db, &other, &earn(client.id, "10", "")).await,
            Err(AppError::NotFound)
        );
        assert_eq!(
            modify_transaction(&shop.db, &other, &change(recorded.transaction.id, "1")).await,
            Err(AppError::NotFound)
        );
        assert_eq!(
            client_history(&shop.db, &other, client.id).await,
            Err(AppError::NotFound)
        );
        let journal_of_other = journal(&shop.db, &other, &JournalFilter::default())
            .await
            .expect("journal");
        assert_eq!(journal_of_other.total, 0);
        let filtered = JournalFilter {
            client_id: Some(client.id),
            ..Default::default()
        };
        assert_eq!(
            journal(&shop.db, &other, &filtered).await,
            Err(AppError::NotFound)
        );
        assert_eq!(ledger_sum(&shop, client.id).await, 10);
    }

    #[tokio::test]
    async fn the_journal_lists_newest_first_and_filters() {
        let shop = TestShop::new().await;
        let lea = shop.client("Léa", "Morel").await;
        let paul = shop.client("Paul", "Roux").await;
        record_transaction(&shop.db, &shop.owner, &earn(lea.id, "1", ""))
            .await
            .expect("recorded");
        record_transaction(&shop.db, &shop.owner, &earn(paul.id, "2", ""))
            .await
            .expect("recorded");
        let all = journal(&shop.db, &shop.owner, &JournalFilter::default())
            .await
            .expect("journal");
        assert_eq!(
            all.entries
                .iter()
                .map(|entry| entry.points)
                .collect::<Vec<_>>(),
            vec![2, 1]
        );
        let only_lea = journal(
            &shop.db,
            &shop.owner,
            &JournalFilter {
                client_id: Some(lea.id),
                ..Default::default()
            },
        )
        .await
        .expect("journal");
        assert_eq!(only_lea.total, 1);
        let today = crate::services::time::today(shop_zone(&shop.owner.time_zone))
            .format("%Y-%m-%d")
            .to_string();
        let tomorrow = (crate::services::time::today(shop_zone(&shop.owner.time_zone))
            + Duration::days(1))
        .format("%Y-%m-%d")
        .to_string();
        let today_only = JournalFilter {
            from: today.clone(),
            to: today,
            ..Default::default()
        };
        assert_eq!(
            journal(&shop.db, &shop.owner, &today_only)
                .await
                .expect("journal")
                .total,
            2
        );
        let future = JournalFilter {
            from: tomorrow,
            ..Default::default()
        };
        assert_eq!(
            journal(&shop.db, &shop.owner, &future)
                .await
                .expect("journal")
                .total,
            0
        );
        let bad = JournalFilter {
            from: "23/11".into(),
            ..Default::default()
        };
        assert_eq!(
            journal(&shop.db, &shop.owner, &bad).await,
            Err(AppError::invalid(
                "from",
                crate::model::error::FieldProblem::InvalidDate
            ))
        );
    }
}
