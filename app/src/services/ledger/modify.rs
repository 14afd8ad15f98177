//! Changing what is written without rewriting history: a modification is a reversal plus a
//! correction, and a merge moves points with a pair of transfer entries.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};

use super::rules::{Account, Refusal, decide};
use super::till::earlier_answer;
use super::views::just_written;
use super::write::{change_balances, read_accounts};
use super::{NewEntry, append};
use crate::entities::{client, ledger_entry};
use crate::model::audit::AuditKind;
use crate::model::auth::CurrentUser;
use crate::model::error::{AppError, FieldProblem};
use crate::model::ledger::{EntryKind, ModifyRequest, RecordOutcome, TransactionValues};
use crate::services::audit::{self, Actor, AuditRecord};
use crate::services::db::Db;
use crate::services::{db_error, is_unique_violation, owner_only};

/// Moves every point of `from` to `to_id` with a pair of transfer entries, inside the caller's
/// transaction; the merge that calls it writes the audit entry.
pub(crate) async fn transfer_points(
    txn: &impl ConnectionTrait,
    user: &CurrentUser,
    from: &client::Model,
    to_id: i64,
) -> Result<(), AppError> {
    let points = from.points_balance;
    if points == 0 {
        return Ok(());
    }
    let accounts = [(user.shop_id, from.id), (user.shop_id, to_id)];
    let mut held: HashMap<i64, Account> = read_accounts(txn, accounts)
        .await
        .map_err(db_error)?
        .iter()
        .map(|(id, client)| (*id, Account::from(client)))
        .collect();
    let now = Utc::now();
    let mut changes = HashMap::new();
    for (client_id, points) in [(from.id, -points), (to_id, points)] {
        let change = decide(
            held.get_mut(&client_id),
            user.shop_id,
            EntryKind::Transfer,
            points,
        )
        .map_err(|refusal| {
            tracing::warn!(?refusal, client_id, "transfer of points refused");
            AppError::NotFound
        })?;
        changes.insert((user.shop_id, client_id), change);
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
    }
    change_balances(txn, &changes, now)
        .await
        .map_err(db_error)?;
    Ok(())
}

/// Modifies a transaction without rewriting history: a reversal cancels it and a correction
/// carries the new values. An entry can be reversed only once, its account must still be an
/// active file of the shop, and the balance never goes below zero: all decided before anything
/// is written.
pub async fn modify_transaction(
    db: &Db,
    user: &Actor,
    request: &ModifyRequest,
) -> Result<RecordOutcome, AppError> {
    // Staff do till work; correcting the ledger is the owner's.
    owner_only(user)?;
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
    let txn = db.begin_write().await?;
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
        .filter(client::Column::ShopId.eq(user.shop_id))
        .one(&txn)
        .await
        .map_err(db_error)?
        .and_then(|owner| owner.merged_into_id)
        .unwrap_or(original.client_id);
    let already_reversed = ledger_entry::Entity::find()
        .filter(ledger_entry::Column::ShopId.eq(user.shop_id))
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
    let mut account = read_accounts(&txn, [(user.shop_id, account_id)])
        .await
        .map_err(db_error)?
        .get(&account_id)
        .map(Account::from);
    // The points may already be spent, and the balance never goes below zero; an erased file's
    // transactions are history only.
    let change = match decide(
        account.as_mut(),
        user.shop_id,
        kind,
        values.points - original.points,
    ) {
        Ok(change) => change,
        Err(Refusal::NoSuchAccount) => return Err(AppError::NotFound),
        Err(Refusal::NotEnoughPoints { .. }) => return Err(AppError::InsufficientBalance),
        Err(Refusal::AlreadyVisited) => return Err(AppError::AlreadyVisitedToday),
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
    match append(&txn, user, reversal, now).await {
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
    let correction = match append(&txn, user, correction, now).await {
        Ok(entry) => entry,
        Err(error) if is_unique_violation(&error) => {
            drop(txn);
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
    let changes = HashMap::from([((user.shop_id, account_id), change)]);
    let client = change_balances(&txn, &changes, now)
        .await
        .map_err(db_error)?
        .remove(&account_id)
        .ok_or(AppError::Internal)?;
    audit::write(
        &txn,
        AuditRecord::by(user, AuditKind::TransactionModified)
            .client(account_id)
            .entry(original.id)
            .detail(format!("{} → {} points", original.points, values.points)),
    )
    .await?;
    txn.commit().await.map_err(db_error)?;
    Ok(just_written(user, correction, &client))
}
