use leptos::prelude::*;

use crate::model::error::AppError;
use crate::model::retention::{InactivePage, RetentionSettings};

/// The clients past the shop's retention period, and the rule; owners only.
#[server(endpoint = "retention-list", input = server_fn::codec::Json)]
pub async fn inactive_clients(page: u64) -> Result<InactivePage, AppError> {
    use super::support::require_user;
    let (state, user) = require_user().await?;
    crate::services::clients::retention::inactive_clients(&state.db, &user, page).await
}

#[server(endpoint = "retention-settings", input = server_fn::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn change_retention(settings: RetentionSettings) -> Result<RetentionSettings, AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::clients::retention::change_settings(&state.db, &actor, settings).await
}

#[server(endpoint = "retention-keep", input = server_fn::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn keep_inactive_client(client_id: i64) -> Result<(), AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::clients::retention::keep_client(&state.db, &actor, client_id).await
}

#[server(endpoint = "retention-erase", input = server_fn::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn erase_inactive_client(client_id: i64) -> Result<(), AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::clients::retention::erase_inactive_client(&state.db, &actor, client_id).await
}
