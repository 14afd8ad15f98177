use leptos::prelude::*;

use crate::model::api_keys::{ApiKeyView, CreatedApiKey, NewApiKey};
use crate::model::error::AppError;

/// The shop's API keys, never their secrets; owners only.
#[server(endpoint = "api-keys-list", input = server_fn::codec::Json)]
pub async fn list_api_keys() -> Result<Vec<ApiKeyView>, AppError> {
    use super::support::require_user;
    let (state, user) = require_user().await?;
    crate::services::accounts::api_keys::list_keys(&state.db, &user).await
}

/// A new key: the answer holds its secret, shown this once.
#[server(endpoint = "api-key-create", input = server_fn::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn create_api_key(form: NewApiKey) -> Result<CreatedApiKey, AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::accounts::api_keys::create_key(&state.db, &actor, &form).await
}

#[server(endpoint = "api-key-revoke", input = server_fn::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn revoke_api_key(key_id: i64) -> Result<(), AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::accounts::api_keys::revoke_key(&state.db, &actor, key_id).await
}
