//! The catalogue of rewards (the owner's) and their issue: a client whose balance reaches a
//! reward's cost earns it, once until it is claimed, revoked or expired. Issue happens inside the
//! ledger's write transaction, so an earn and the reward it brings are saved together.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set,
};

use crate::entities::{earned_reward, reward};
use crate::model::audit::AuditKind;
use crate::model::auth::CurrentUser;
use crate::model::error::AppError;
use crate::model::rewards::{EarnedReward, EarnedStatus, Reward, RewardForm, RewardKind};
use crate::services::audit::{self, Actor, AuditRecord};
use crate::services::db::Db;
use crate::services::time::{format_date, shop_zone};
use crate::services::{db_error, display_names, owner_only};

pub(crate) fn reward_view(row: &reward::Model) -> Reward {
    Reward {
        id: row.id,
        name: row.name.clone(),
        kind: RewardKind::from_code(&row.kind).unwrap_or_else(|| {
            tracing::error!(reward_id = row.id, kind = row.kind, "unknown reward kind");
            RewardKind::FreeText
        }),
        value: row.value,
        cost: row.cost,
        validity_days: row.validity_days,
        active: row.retired_at.is_none(),
    }
}

/// The shop's catalogue, cheapest first; retired rewards last.
pub async fn catalogue(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
) -> Result<Vec<Reward>, AppError> {
    let mut rewards: Vec<Reward> = reward::Entity::find()
        .filter(reward::Column::ShopId.eq(user.shop_id))
        .order_by_asc(reward::Column::Cost)
        .order_by_asc(reward::Column::Id)
        .all(db)
        .await
        .map_err(db_error)?
        .iter()
        .map(reward_view)
        .collect();
    rewards.sort_by_key(|reward| !reward.active);
    Ok(rewards)
}

/// Adds a reward to the catalogue. It is never edited afterwards: one earned keeps what it was.
pub async fn add_reward(db: &Db, actor: &Actor, form: &RewardForm) -> Result<Reward, AppError> {
    owner_only(actor)?;
    let settings = form.validate()?;
    let txn = db.begin_write().await?;
    let row = reward::ActiveModel {
        shop_id: Set(actor.shop_id),
        name: Set(settings.name.clone()),
        kind: Set(settings.kind.code().to_owned()),
        value: Set(settings.value),
        cost: Set(settings.cost),
        validity_days: Set(settings.validity_days),
        created_at: Set(Utc::now()),
        retired_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(db_error)?;
    audit::write(
        &txn,
        AuditRecord::by(actor, AuditKind::RewardAdded)
            .detail(format!("{} ({} points)", settings.name, settings.cost)),
    )
    .await?;
    txn.commit().await.map_err(db_error)?;
    Ok(reward_view(&row))
}

/// Retires a reward: no longer earned; those already earned can still be claimed.
pub async fn retire_reward(db: &Db, actor: &Actor, reward_id: i64) -> Result<Reward, AppError> {
    owner_only(actor)?;
    let txn = db.begin_write().await?;
    let row = reward::Entity::find_by_id(reward_id)
        .filter(reward::Column::ShopId.eq(actor.shop_id))
        .one(&txn)
        .await
        .map_err(db_error)?
        .ok_or(AppError::NotFound)?;
    if row.retired_at.is_some() {
        return Ok(reward_view(&row));
    }
    let name = row.name.clone();
    let mut retired: reward::ActiveModel = row.into();
    retired.retired_at = Set(Some(Utc::now()));
    let row = retired.update(&txn).await.map_err(db_error)?;
    audit::write(
        &txn,
        AuditRecord::by(actor, AuditKind::RewardRetired).detail(name),
    )
    .await?;
    txn.commit().await.map_err(db_error)?;
    Ok(reward_view(&row))
}

/// A client's balance after an earn written in the current transaction.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Reached {
    pub shop_id: i64,
    pub client_id: i64,
    pub balance: i64,
    pub entry_id: i64,
}

/// Issues, inside the ledger's write transaction, every active reward whose cost the clients'
/// balances now reach and that they do not hold unclaimed already. Two queries when the shops
/// have rewards (the catalogues, the clients' unclaimed rewards), one when they have none.
pub(crate) async fn issue_reached(
    txn: &impl ConnectionTrait,
    reached: &[Reached],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    if reached.is_empty() {
        return Ok(());
    }
    let shops: HashSet<i64> = reached.iter().map(|reach| reach.shop_id).collect();
    let rewards = reward::Entity::find()
        .filter(reward::Column::ShopId.is_in(shops))
        .filter(reward::Column::RetiredAt.is_null())
        .all(txn)
        .await?;
    if rewards.is_empty() {
        return Ok(());
    }
    let clients: HashSet<i64> = reached.iter().map(|reach| reach.client_id).collect();
    let mut held: HashSet<(i64, i64)> = earned_reward::Entity::find()
        .filter(earned_reward::Column::ClientId.is_in(clients))
        .filter(earned_reward::Column::Status.eq(EarnedStatus::Earned.code()))
        .all(txn)
        .await?
        .into_iter()
        .map(|earned| (earned.client_id, earned.reward_id))
        .collect();
    let mut by_shop: HashMap<i64, Vec<&reward::Model>> = HashMap::new();
    for reward in &rewards {
        by_shop.entry(reward.shop_id).or_default().push(reward);
    }
    let mut issued = Vec::new();
    for reach in reached {
        for reward in by_shop.get(&reach.shop_id).into_iter().flatten() {
            // `held` also stops a second earn of the same batch issuing it again.
            if reach.balance >= reward.cost && held.insert((reach.client_id, reward.id)) {
                issued.push(earned_reward::ActiveModel {
                    shop_id: Set(reach.shop_id),
                    client_id: Set(reach.client_id),
                    reward_id: Set(reward.id),
                    status: Set(EarnedStatus::Earned.code().to_owned()),
                    earned_at: Set(now),
                    valid_until: Set(reward.validity_days.map(|days| now + Duration::days(days))),
                    earning_entry_id: Set(Some(reach.entry_id)),
                    ..Default::default()
                });
            }
        }
    }
    if !issued.is_empty() {
        earned_reward::Entity::insert_many(issued)
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

/// The rewards a client earned: those waiting first, soonest to expire first, then the others,
/// newest first. One whose validity passed shows as expired even before the hourly job marks it.
pub async fn client_rewards(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    client_id: i64,
) -> Result<Vec<EarnedReward>, AppError> {
    let earned = earned_reward::Entity::find()
        .filter(earned_reward::Column::ShopId.eq(user.shop_id))
        .filter(earned_reward::Column::ClientId.eq(client_id))
        .order_by_desc(earned_reward::Column::EarnedAt)
        .order_by_desc(earned_reward::Column::Id)
        .all(db)
        .await
        .map_err(db_error)?;
    let rewards: HashMap<i64, Reward> = reward::Entity::find()
        .filter(reward::Column::Id.is_in(earned.iter().map(|row| row.reward_id)))
        .all(db)
        .await
        .map_err(db_error)?
        .iter()
        .map(|row| (row.id, reward_view(row)))
        .collect();
    let names = display_names(db, earned.iter().filter_map(|row| row.claimed_by_user_id)).await?;
    let zone = shop_zone(&user.time_zone);
    let now = Utc::now();
    let mut views: Vec<(Option<DateTime<Utc>>, EarnedReward)> = earned
        .into_iter()
        .filter_map(|row| {
            let reward = rewards.get(&row.reward_id)?.clone();
            let mut status = EarnedStatus::from_code(&row.status).unwrap_or_else(|| {
                tracing::error!(earned_id = row.id, status = row.status, "unknown status");
                EarnedStatus::Revoked
            });
            if status == EarnedStatus::Earned && row.valid_until.is_some_and(|until| until < now) {
                status = EarnedStatus::Expired;
            }
            let view = EarnedReward {
                id: row.id,
                reward,
                status,
                earned_on: format_date(row.earned_at, zone),
                valid_until: row.valid_until.map(|until| format_date(until, zone)),
                claimed_on: row.claimed_at.map(|at| format_date(at, zone)),
                claimed_by: row
                    .claimed_by_user_id
                    .and_then(|id| names.get(&id).cloned()),
            };
            Some((row.valid_until, view))
        })
        .collect();
    // Stable: among the waiting ones, soonest to expire first (no limit last).
    views.sort_by_key(|(until, view)| {
        (
            view.status != EarnedStatus::Earned,
            if view.status == EarnedStatus::Earned {
                until.map_or(i64::MAX, |until| until.timestamp())
            } else {
                0
            },
        )
    });
    Ok(views.into_iter().map(|(_, view)| view).collect())
}
