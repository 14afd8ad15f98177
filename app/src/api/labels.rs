use leptos::prelude::*;

use crate::model::error::AppError;
use crate::model::labels::{Label, ShopLabels};

#[server(endpoint = "labels")]
pub async fn list_labels() -> Result<ShopLabels, AppError> {
    use super::support::require_user;
    let (state, user) = require_user().await?;
    crate::services::clients::labels::shop_labels(&state.db, &user).await
}

/// Returns the client's labels after the change.
#[server(endpoint = "client-tag-add", input = server_fn::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn tag_client(client_id: i64, name: String) -> Result<Vec<Label>, AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::clients::labels::tag_client(&state.db, &actor, client_id, &name).await
}

#[server(endpoint = "client-tag-remove", input = server_fn::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn untag_client(client_id: i64, tag_id: i64) -> Result<Vec<Label>, AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::clients::labels::untag_client(&state.db, &actor, client_id, tag_id).await
}

#[server(endpoint = "client-groups", input = server_fn::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn set_client_groups(
    client_id: i64,
    group_ids: Vec<i64>,
) -> Result<Vec<Label>, AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::clients::labels::set_client_groups(&state.db, &actor, client_id, &group_ids)
        .await
}

#[server(endpoint = "group-create", input = server_fn::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn create_group(name: String) -> Result<Label, AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::clients::labels::create_group(&state.db, &actor, &name).await
}

#[server(endpoint = "group-delete", input = server_fn::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn delete_group(group_id: i64) -> Result<(), AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::clients::labels::delete_group(&state.db, &actor, group_id).await
}
