//! Till requests: points earned with a purchase, points used, and either by the client's e-mail
//! or phone. Each carries an idempotency key made on the device, so a retry is recorded once.

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

use super::batch;
use super::find_by_key;
use super::rules::Refusal;
use super::views::{just_written, outcome};
use super::write::{TillDecision, TillEntry, write_till_entries};
use crate::entities::ledger_entry;
use crate::model::auth::CurrentUser;
use crate::model::error::{AppError, FieldErrors, FieldProblem};
use crate::model::ledger::{
    ContactPointsRequest, EntryKind, PointsAction, RecordOutcome, RecordRequest, RedeemRequest,
    TransactionForm, TransactionValues, validate_points_to_use,
};
use crate::model::programme::{Earning, EarningRule};
use crate::services::audit::Actor;
use crate::services::clients::lookup::find_by_contact;
use crate::services::db::{Db, TillWrites};
use crate::services::programme::earning_now;
use crate::services::programme::rewards::waiting_rewards;
use crate::services::time::{shop_zone, start_of_day, today};
use crate::services::{db_error, is_unique_violation};

/// Records points earned at the till. Recorded once per idempotency key, however often the
/// device retries.
pub async fn record_transaction(
    db: &Db,
    user: &Actor,
    request: &RecordRequest,
) -> Result<RecordOutcome, AppError> {
    let earning = earning_now(db, user).await?;
    let values = earning.values(&request.form)?;
    let key = request.idempotency_key.to_string();
    let request = TillEntry {
        kind: EntryKind::Earn,
        client_id: request.client_id,
        values,
        key,
        one_visit_a_day_since: one_visit_a_day_since(earning, user),
    };
    record_entry(db, user, request).await
}

/// Uses points from the client's balance, never below zero, even with two tills at once: the
/// balance check and the change are one conditional update.
pub async fn redeem_points(
    db: &Db,
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
        one_visit_a_day_since: None,
    };
    record_entry(db, user, request).await
}

/// The start of the shop's day, when the programme counts one visit a day.
fn one_visit_a_day_since(earning: Earning, user: &CurrentUser) -> Option<DateTime<Utc>> {
    match earning {
        Earning::Rule(EarningRule::PerVisit {
            once_per_day: true, ..
        }) => {
            let zone = shop_zone(&user.time_zone);
            Some(start_of_day(today(zone), zone))
        }
        _ => None,
    }
}

/// Adds or uses points for the client with this e-mail or phone, without opening the file.
/// Both the contact and the points are checked before anything is written, so the till sees
/// every mistake at once.
pub async fn points_by_contact(
    db: &Db,
    user: &Actor,
    request: &ContactPointsRequest,
) -> Result<RecordOutcome, AppError> {
    let earning = match request.action {
        PointsAction::Add => Some(earning_now(db, user).await?),
        PointsAction::Use => None,
    };
    let values = match earning {
        Some(earning) => earning.values(&TransactionForm {
            points: request.points.clone(),
            amount: request.amount.clone(),
            items: request.items.clone(),
        }),
        None => validate_points_to_use(&request.points).map(|points| TransactionValues {
            points: -points,
            amount_cents: None,
        }),
    };
    let client = find_by_contact(db, user.shop_id, &request.contact).await;
    let (values, client) = match (values, client) {
        (Ok(values), Ok(client)) => (values, client),
        (values, client) => {
            let mut errors = FieldErrors::default();
            for failure in [values.err(), client.err()].into_iter().flatten() {
                match failure {
                    AppError::Invalid(found) => errors.0.extend(found.0),
                    other => return Err(other),
                }
            }
            return Err(AppError::Invalid(errors));
        }
    };
    let kind = match request.action {
        PointsAction::Add => EntryKind::Earn,
        PointsAction::Use => EntryKind::Redeem,
    };
    let request = TillEntry {
        kind,
        client_id: client.id,
        values,
        key: request.idempotency_key.to_string(),
        one_visit_a_day_since: earning.and_then(|earning| one_visit_a_day_since(earning, user)),
    };
    record_entry(db, user, request).await
}

/// Records a till request through the database's writer: the batching one, or a transaction of
/// its own. A replay (its key is in the ledger already) is answered as the first time.
async fn record_entry(
    db: &Db,
    user: &Actor,
    request: TillEntry,
) -> Result<RecordOutcome, AppError> {
    let decision = match db.till_writes() {
        TillWrites::Batched => match batch::record(db, user, &request).await {
            Some(decision) => decision,
            None => write_alone(db, user, &request).await?,
        },
        TillWrites::Direct => write_alone(db, user, &request).await?,
    };
    let outcome = match decision {
        TillDecision::Written(written) => {
            let (entry, client) = *written;
            just_written(user, entry, &client)
        }
        TillDecision::Replayed => answer_again(db, user, &request)
            .await?
            .ok_or(AppError::Internal)?,
        TillDecision::Refused(Refusal::NoSuchAccount) => return Err(AppError::NotFound),
        TillDecision::Refused(Refusal::AlreadyVisited) => {
            return Err(AppError::AlreadyVisitedToday);
        }
        TillDecision::Refused(Refusal::NotEnoughPoints { balance }) => {
            return Err(AppError::invalid(
                "points",
                FieldProblem::NotEnoughPoints { balance },
            ));
        }
    };
    with_waiting_reward(db, user, outcome).await
}

/// The outcome with the client's reward to claim first, so the till offers it at once (one
/// indexed read, outside the write transaction).
pub(super) async fn with_waiting_reward(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    mut outcome: RecordOutcome,
) -> Result<RecordOutcome, AppError> {
    let client_id = outcome.client.id;
    outcome.client.waiting_reward = waiting_rewards(db, user.shop_id, &[client_id])
        .await?
        .remove(&client_id);
    Ok(outcome)
}

/// Writes one till request in a transaction of its own, through the same write path as a batch.
async fn write_alone(db: &Db, user: &Actor, request: &TillEntry) -> Result<TillDecision, AppError> {
    let txn = db.begin_write().await?;
    match write_till_entries(&txn, &[(user, request)]).await {
        Ok(mut decisions) => {
            let decision = decisions.pop().ok_or(AppError::Internal)?;
            if matches!(decision, TillDecision::Written(_)) {
                txn.commit().await.map_err(db_error)?;
            }
            Ok(decision)
        }
        // Another server wrote the same key between our read and our insert: a replay.
        Err(error) if is_unique_violation(&error) => Ok(TillDecision::Replayed),
        Err(error) => Err(db_error(error)),
    }
}

async fn answer_again(
    db: &impl ConnectionTrait,
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

/// A replayed request gets the first answer; the same key with other content is refused.
async fn replay(
    db: &impl ConnectionTrait,
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
pub(super) async fn earlier_answer(
    db: &impl ConnectionTrait,
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
