//! The catalogue of rewards (the owner's) and their issue: a client whose balance reaches a
//! reward's cost earns it, once until it is claimed, revoked or expired. Issue happens inside the
//! ledger's write transaction, so an earn and the reward it brings are saved together.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set,
};

use crate::entities::{earned_reward, reward};
use crate::model::audit::AuditKind;
use crate::model::auth::CurrentUser;
use crate::model::client::WaitingReward;
use crate::model::error::AppError;
use crate::model::error::FieldProblem;
use crate::model::rewards::{
    ClientRewards, EarnedReward, EarnedStatus, ExtendRequest, RevokeRequest, Reward, RewardForm,
    RewardKind,
};
use crate::services::audit::{self, Actor, AuditRecord};
use crate::services::db::Db;
use crate::services::time::{format_date, parse_day, shop_zone, start_of_day, today};
use crate::services::{
    db_error, display_names, is_unique_violation, owner_only, shop_check, shops_check,
    update_in_shop,
};

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
    let row = update_in_shop(&txn, retired, reward::Column::ShopId, actor.shop_id).await?;
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
        .filter(reward::Column::ShopId.is_in(shops.iter().copied()))
        .filter(reward::Column::RetiredAt.is_null())
        .all(txn)
        .await?;
    if rewards.is_empty() {
        return Ok(());
    }
    let clients: HashSet<i64> = reached.iter().map(|reach| reach.client_id).collect();
    let mut held: HashSet<(i64, i64)> = earned_reward::Entity::find()
        .filter(shops_check(txn, earned_reward::Column::ShopId, shops))
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

/// Per client of `client_ids`, the waiting reward to claim first (soonest to expire) and how
/// many wait: what the list card and the till offer. Two indexed queries, whatever the count.
pub async fn waiting_rewards(
    db: &impl ConnectionTrait,
    shop_id: i64,
    client_ids: &[i64],
) -> Result<HashMap<i64, WaitingReward>, AppError> {
    if client_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let now = Utc::now();
    let mut open: Vec<earned_reward::Model> = earned_reward::Entity::find()
        .filter(earned_reward::Column::ClientId.is_in(client_ids.iter().copied()))
        .filter(earned_reward::Column::Status.eq(EarnedStatus::Earned.code()))
        .filter(shop_check(db, earned_reward::Column::ShopId, shop_id))
        .all(db)
        .await
        .map_err(db_error)?;
    open.retain(|earned| earned.valid_until.is_none_or(|until| until >= now));
    if open.is_empty() {
        return Ok(HashMap::new());
    }
    let names: HashMap<i64, String> = reward::Entity::find()
        .filter(reward::Column::ShopId.eq(shop_id))
        .filter(reward::Column::Id.is_in(open.iter().map(|earned| earned.reward_id)))
        .all(db)
        .await
        .map_err(db_error)?
        .into_iter()
        .map(|reward| (reward.id, reward.name))
        .collect();
    // Soonest to expire first, no limit last; then the oldest earned.
    open.sort_by_key(|earned| {
        (
            earned
                .valid_until
                .map_or(i64::MAX, |until| until.timestamp()),
            earned.id,
        )
    });
    let mut waiting: HashMap<i64, WaitingReward> = HashMap::new();
    for earned in open {
        waiting
            .entry(earned.client_id)
            .and_modify(|first| first.waiting += 1)
            .or_insert_with(|| WaitingReward {
                earned_id: earned.id,
                name: names.get(&earned.reward_id).cloned().unwrap_or_default(),
                waiting: 1,
            });
    }
    Ok(waiting)
}

/// The rewards a client earned, and the points that expire next.
pub async fn client_rewards(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    client_id: i64,
) -> Result<ClientRewards, AppError> {
    Ok(ClientRewards {
        earned: earned_rewards(db, user, client_id).await?,
        expiring: super::expiry::next_expiry(db, user, client_id, Utc::now()).await?,
    })
}

/// The rewards a client earned: those waiting first, soonest to expire first, then the others,
/// newest first. One whose validity passed shows as expired even before the hourly job marks it.
async fn earned_rewards(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    client_id: i64,
) -> Result<Vec<EarnedReward>, AppError> {
    let earned = earned_reward::Entity::find()
        .filter(shop_check(db, earned_reward::Column::ShopId, user.shop_id))
        .filter(earned_reward::Column::ClientId.eq(client_id))
        .order_by_desc(earned_reward::Column::EarnedAt)
        .order_by_desc(earned_reward::Column::Id)
        .all(db)
        .await
        .map_err(db_error)?;
    let rewards: HashMap<i64, Reward> = reward::Entity::find()
        .filter(reward::Column::ShopId.eq(user.shop_id))
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
                revoke_reason: row.revoke_reason.clone(),
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

/// An earned reward of the actor's shop that is still open (waiting, or expired), read inside
/// the transaction; one used or revoked no longer changes.
async fn open_earned(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    earned_id: i64,
) -> Result<(earned_reward::Model, String), AppError> {
    let row = earned_reward::Entity::find_by_id(earned_id)
        .filter(earned_reward::Column::ShopId.eq(actor.shop_id))
        .one(txn)
        .await
        .map_err(db_error)?
        .ok_or(AppError::NotFound)?;
    let open = [EarnedStatus::Earned.code(), EarnedStatus::Expired.code()];
    if !open.contains(&row.status.as_str()) {
        return Err(AppError::RewardClosed);
    }
    let name = reward::Entity::find_by_id(row.reward_id)
        .filter(reward::Column::ShopId.eq(actor.shop_id))
        .one(txn)
        .await
        .map_err(db_error)?
        .map(|reward| reward.name)
        .unwrap_or_default();
    Ok((row, name))
}

/// The owner withdraws a reward a client earned and has not used, saying why. Nothing is taken
/// from the balance: its points were never spent.
pub async fn revoke_earned(
    db: &Db,
    actor: &Actor,
    request: &RevokeRequest,
) -> Result<(), AppError> {
    owner_only(actor)?;
    let reason = request.validate()?;
    let txn = db.begin_write().await?;
    let (row, name) = open_earned(&txn, actor, request.earned_id).await?;
    let changed = earned_reward::Entity::update_many()
        .col_expr(
            earned_reward::Column::Status,
            Expr::value(EarnedStatus::Revoked.code()),
        )
        .col_expr(earned_reward::Column::RevokedAt, Expr::value(Utc::now()))
        .col_expr(
            earned_reward::Column::RevokedByUserId,
            Expr::value(actor.user_id),
        )
        .col_expr(
            earned_reward::Column::RevokeReason,
            Expr::value(reason.clone()),
        )
        .filter(earned_reward::Column::ShopId.eq(actor.shop_id))
        .filter(earned_reward::Column::Id.eq(row.id))
        .filter(earned_reward::Column::Status.eq(row.status.clone()))
        .exec(&txn)
        .await
        .map_err(db_error)?;
    if changed.rows_affected != 1 {
        // Claimed at a till meanwhile.
        return Err(AppError::RewardClosed);
    }
    audit::write(
        &txn,
        AuditRecord::by(actor, AuditKind::RewardRevoked)
            .client(row.client_id)
            .detail(format!("{name}: {reason}")),
    )
    .await?;
    txn.commit().await.map_err(db_error)
}

/// The owner gives an open reward, expired or not, a new last day (in the shop's calendar,
/// today or later); an expired one can be claimed again.
pub async fn extend_earned(
    db: &Db,
    actor: &Actor,
    request: &ExtendRequest,
) -> Result<(), AppError> {
    owner_only(actor)?;
    let zone = shop_zone(&actor.time_zone);
    let last_day = parse_day("valid_until", &request.valid_until)?
        .ok_or_else(|| AppError::invalid("valid_until", FieldProblem::Required))?;
    if last_day < today(zone) {
        return Err(AppError::invalid("valid_until", FieldProblem::DateInPast));
    }
    let until = last_day
        .succ_opt()
        .map(|next| start_of_day(next, zone) - Duration::seconds(1))
        .ok_or_else(|| AppError::invalid("valid_until", FieldProblem::InvalidDate))?;
    let txn = db.begin_write().await?;
    let (row, name) = open_earned(&txn, actor, request.earned_id).await?;
    let changed = earned_reward::Entity::update_many()
        .col_expr(
            earned_reward::Column::Status,
            Expr::value(EarnedStatus::Earned.code()),
        )
        .col_expr(earned_reward::Column::ValidUntil, Expr::value(until))
        .filter(earned_reward::Column::ShopId.eq(actor.shop_id))
        .filter(earned_reward::Column::Id.eq(row.id))
        .filter(earned_reward::Column::Status.eq(row.status.clone()))
        .exec(&txn)
        .await;
    match changed {
        Ok(changed) if changed.rows_affected == 1 => {}
        Ok(_) => return Err(AppError::RewardClosed),
        // The client earned the same reward again since this one expired.
        Err(error) if is_unique_violation(&error) => return Err(AppError::RewardAlreadyWaiting),
        Err(error) => return Err(db_error(error)),
    }
    audit::write(
        &txn,
        AuditRecord::by(actor, AuditKind::RewardExtended)
            .client(row.client_id)
            .detail(format!("{name} → {last_day}")),
    )
    .await?;
    txn.commit().await.map_err(db_error)
}
