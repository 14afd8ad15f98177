use leptos::prelude::*;

use crate::model::error::AppError;
use crate::model::ledger::RecordOutcome;
use crate::model::rewards::{
    ClaimRequest, ClientRewards, ExtendRequest, RevokeRequest, Reward, RewardForm,
};

/// The shop's catalogue; every member of the team reads it.
#[server(endpoint = "rewards")]
pub async fn reward_catalogue() -> Result<Vec<Reward>, AppError> {
    use super::support::require_user;
    let (state, user) = require_user().await?;
    crate::services::programme::rewards::catalogue(&state.db, &user).await
}

#[server(endpoint = "reward-add", input = server_fn::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn add_reward(form: RewardForm) -> Result<Reward, AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::programme::rewards::add_reward(&state.db, &actor, &form).await
}

#[server(endpoint = "reward-retire", input = server_fn::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn retire_reward(reward_id: i64) -> Result<Reward, AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::programme::rewards::retire_reward(&state.db, &actor, reward_id).await
}

#[server(endpoint = "client-rewards")]
pub async fn rewards_of_client(client_id: i64) -> Result<ClientRewards, AppError> {
    use super::support::require_user;
    let (state, user) = require_user().await?;
    crate::services::programme::rewards::client_rewards(&state.db, &user, client_id).await
}

#[server(endpoint = "reward-claim", input = server_fn::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn claim_reward(request: ClaimRequest) -> Result<RecordOutcome, AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::ledger::claim_reward(&state.db, &actor, &request).await
}

#[server(endpoint = "reward-revoke", input = server_fn::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn revoke_reward(request: RevokeRequest) -> Result<(), AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::programme::rewards::revoke_earned(&state.db, &actor, &request).await
}

#[server(endpoint = "reward-extend", input = server_fn::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn extend_reward(request: ExtendRequest) -> Result<(), AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::programme::rewards::extend_earned(&state.db, &actor, &request).await
}
