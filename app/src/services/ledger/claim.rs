//! Claiming an earned reward at the till: its cost taken from the balance by a ledger entry,
//! once, even from two tills at the same second (the status changes only from "earned", in the
//! same transaction as the entry).

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::credit::credit_reward;
use super::rules::{Account, Refusal, decide};
use super::till::with_waiting_reward;
use super::views::{just_written, outcome};
use super::write::{change_balances, read_accounts};
use super::{NewEntry, append, find_by_key};
use crate::entities::{earned_reward, reward};
use crate::model::audit::AuditKind;
use crate::model::error::{AppError, FieldProblem};
use crate::model::ledger::{EntryKind, RecordOutcome, TransactionValues};
use crate::model::rewards::{ClaimRequest, EarnedStatus, RewardKind};
use crate::services::audit::{self, Actor, AuditRecord};
use crate::services::db::Db;
use crate::services::{db_error, is_unique_violation};

pub async fn claim_reward(
    db: &Db,
    user: &Actor,
    request: &ClaimRequest,
) -> Result<RecordOutcome, AppError> {
    let key = request.idempotency_key.to_string();
    let txn = db.begin_write().await?;
    let earned = earned_reward::Entity::find_by_id(request.earned_id)
        .filter(earned_reward::Column::ShopId.eq(user.shop_id))
        .one(&txn)
        .await
        .map_err(db_error)?
        .ok_or(AppError::NotFound)?;
    // A retry of a claim that went through gets the first answer.
    if find_by_key(&txn, user.shop_id, &key).await?.is_some() {
        drop(txn);
        return answer_again(db, user, request).await;
    }
    let now = Utc::now();
    let open = earned.status == EarnedStatus::Earned.code()
        && earned.valid_until.is_none_or(|until| until >= now);
    if !open {
        return Err(AppError::RewardNotClaimable);
    }
    let reward = reward::Entity::find_by_id(earned.reward_id)
        .filter(reward::Column::ShopId.eq(user.shop_id))
        .one(&txn)
        .await
        .map_err(db_error)?
        .ok_or(AppError::Internal)?;
    let cost = reward.cost;
    let mut account = read_accounts(&txn, [(user.shop_id, earned.client_id)])
        .await
        .map_err(db_error)?
        .get(&earned.client_id)
        .map(Account::from);
    let change = match decide(account.as_mut(), user.shop_id, EntryKind::Redeem, -cost) {
        Ok(change) => change,
        Err(Refusal::NoSuchAccount) => return Err(AppError::NotFound),
        Err(Refusal::NotEnoughPoints { balance }) => {
            return Err(AppError::invalid(
                "points",
                FieldProblem::NotEnoughPoints { balance },
            ));
        }
        Err(Refusal::AlreadyVisited) => return Err(AppError::Internal),
    };
    let entry = NewEntry {
        client_id: earned.client_id,
        kind: EntryKind::Redeem,
        values: TransactionValues {
            points: -cost,
            amount_cents: None,
        },
        reverses_entry_id: None,
        corrects_entry_id: None,
        idempotency_key: Some(key),
    };
    let entry = match append(&txn, user, entry, now).await {
        Ok(entry) => entry,
        // The same key written by another server meanwhile: that claim answers.
        Err(error) if is_unique_violation(&error) => {
            drop(txn);
            return answer_again(db, user, request).await;
        }
        Err(error) => return Err(db_error(error)),
    };
    // A "crédit fidélité" puts its amount on the store credit, in the same transaction
    // (before the points change, whose returned row then shows both balances).
    if let (Some(RewardKind::StoreCredit), Some(cents)) =
        (RewardKind::from_code(&reward.kind), reward.value)
    {
        credit_reward(&txn, user, earned.client_id, cents, &reward.name).await?;
    }
    let changes = HashMap::from([((user.shop_id, earned.client_id), change)]);
    let client = change_balances(&txn, &changes, now)
        .await
        .map_err(db_error)?
        .remove(&earned.client_id)
        .ok_or(AppError::Internal)?;
    let claimed = earned_reward::Entity::update_many()
        .col_expr(
            earned_reward::Column::Status,
            Expr::value(EarnedStatus::Claimed.code()),
        )
        .col_expr(earned_reward::Column::ClaimedAt, Expr::value(now))
        .col_expr(
            earned_reward::Column::ClaimedByUserId,
            Expr::value(user.user_id),
        )
        .col_expr(earned_reward::Column::ClaimEntryId, Expr::value(entry.id))
        .filter(earned_reward::Column::ShopId.eq(user.shop_id))
        .filter(earned_reward::Column::Id.eq(earned.id))
        .filter(earned_reward::Column::Status.eq(EarnedStatus::Earned.code()))
        .exec(&txn)
        .await
        .map_err(db_error)?;
    if claimed.rows_affected != 1 {
        // Another till claimed it first: nothing of this one is kept.
        return Err(AppError::RewardNotClaimable);
    }
    audit::write(
        &txn,
        AuditRecord::by(user, AuditKind::RewardClaimed)
            .client(earned.client_id)
            .entry(entry.id)
            .detail(format!("{cost} points")),
    )
    .await?;
    txn.commit().await.map_err(db_error)?;
    with_waiting_reward(db, user, just_written(user, entry, &client)).await
}

/// The answer to a claim whose key is already in the ledger: the first answer when that entry
/// claimed this reward, a conflict when the key was used for something else.
async fn answer_again(
    db: &Db,
    user: &Actor,
    request: &ClaimRequest,
) -> Result<RecordOutcome, AppError> {
    let key = request.idempotency_key.to_string();
    let existing = find_by_key(db.connection(), user.shop_id, &key)
        .await?
        .ok_or(AppError::Internal)?;
    let claimed_by_it = earned_reward::Entity::find_by_id(request.earned_id)
        .filter(earned_reward::Column::ShopId.eq(user.shop_id))
        .filter(earned_reward::Column::ClaimEntryId.eq(existing.id))
        .one(db.connection())
        .await
        .map_err(db_error)?
        .is_some();
    if !claimed_by_it {
        return Err(AppError::IdempotencyConflict);
    }
    let answer = outcome(db, user, existing).await?;
    with_waiting_reward(db, user, answer).await
}
