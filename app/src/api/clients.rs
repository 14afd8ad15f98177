use leptos::prelude::*;

use crate::model::client::{ClientDetail, ClientForm, ClientRow, ClientSearchPage};
use crate::model::error::AppError;

#[server(endpoint = "clients-search")]
pub async fn search_clients(query: String) -> Result<ClientSearchPage, AppError> {
    use super::support::require_user;
    let (state, user) = require_user().await?;
    crate::services::clients::search_clients(&state.db, &user, &query).await
}

#[server(endpoint = "client")]
pub async fn get_client(client_id: i64) -> Result<ClientDetail, AppError> {
    use super::support::require_user;
    let (state, user) = require_user().await?;
    crate::services::clients::get_client(&state.db, &user, client_id).await
}

#[server(endpoint = "client-create", input = server_fn::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn create_client(form: ClientForm) -> Result<ClientRow, AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::clients::create_client(&state.db, &actor, &form).await
}

#[server(endpoint = "client-update", input = server_fn::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn update_client(client_id: i64, form: ClientForm) -> Result<ClientRow, AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::clients::update_client(&state.db, &actor, client_id, &form).await
}

#[server(endpoint = "client-phone-unlink")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn unlink_phone(client_id: i64) -> Result<ClientRow, AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::clients::unlink_phone(&state.db, &actor, client_id).await
}
