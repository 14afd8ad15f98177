use leptos::prelude::*;

use crate::model::client::{ClientForm, ClientQuery, ClientRow, ClientSearchPage, EnrolForm};
use crate::model::client_file::ClientDetail;
use crate::model::error::AppError;
use crate::model::offline::{ClientChanges, SyncCursor};

#[server(endpoint = "clients-search")]
pub async fn search_clients(query: String) -> Result<ClientSearchPage, AppError> {
    use super::support::require_user;
    let (state, user) = require_user().await?;
    crate::services::clients::search::search_clients(&state.db, &user, &query).await
}

/// The clients list with its filters and order.
#[server(endpoint = "clients-list", input = server_fn::codec::Json)]
pub async fn list_clients(query: ClientQuery) -> Result<ClientSearchPage, AppError> {
    use super::support::require_user;
    let (state, user) = require_user().await?;
    crate::services::clients::search::list_clients(&state.db, &user, &query).await
}

/// The shop's clients changed since a till device's cursor, for its offline copy.
#[server(endpoint = "client-changes", input = server_fn::codec::Json)]
pub async fn changed_clients(since: Option<SyncCursor>) -> Result<ClientChanges, AppError> {
    use super::support::require_user;
    let (state, user) = require_user().await?;
    crate::services::clients::changes::client_changes(&state.db, &user, since).await
}

#[server(endpoint = "client")]
pub async fn get_client(client_id: i64) -> Result<ClientDetail, AppError> {
    use super::support::require_user;
    let (state, user) = require_user().await?;
    crate::services::clients::detail::get_client(&state.db, &user, client_id).await
}

#[server(endpoint = "client-create", input = server_fn::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn create_client(
    form: ClientForm,
    share_phone: Option<bool>,
) -> Result<ClientRow, AppError> {
    // `share_phone` is set once the page showed the client who has this phone and the user
    // confirmed they are not the same person.
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    let shared_phone = shared_phone(share_phone);
    crate::services::clients::edit::create_client(&state.db, &actor, &form, shared_phone).await
}

#[server(endpoint = "client-enrol", input = server_fn::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn enrol_client(
    form: EnrolForm,
    share_phone: Option<bool>,
) -> Result<ClientRow, AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    let shared_phone = shared_phone(share_phone);
    crate::services::clients::edit::enrol_client(&state.db, &actor, &form, shared_phone).await
}

#[cfg(feature = "ssr")]
fn shared_phone(confirmed: Option<bool>) -> crate::services::clients::edit::SharedPhone {
    use crate::services::clients::edit::SharedPhone;
    if confirmed == Some(true) {
        SharedPhone::Allow
    } else {
        SharedPhone::Refuse
    }
}

#[server(endpoint = "client-update", input = server_fn::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn update_client(client_id: i64, form: ClientForm) -> Result<ClientRow, AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::clients::edit::update_client(&state.db, &actor, client_id, &form).await
}

#[server(endpoint = "client-phone-unlink")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn unlink_phone(client_id: i64) -> Result<ClientRow, AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::clients::edit::unlink_phone(&state.db, &actor, client_id).await
}

/// The owner joins `merged_id` into `kept_id`; returns the kept client.
#[server(endpoint = "client-merge", input = server_fn::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn merge_clients(kept_id: i64, merged_id: i64) -> Result<ClientRow, AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::clients::merge::merge_clients(&state.db, &actor, kept_id, merged_id).await
}
