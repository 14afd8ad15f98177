use leptos::prelude::*;

use crate::model::client_file::{
    ActivityFilter, ActivityPage, ConsentStatus, ConsentUpdate, NoteForm,
};
use crate::model::error::AppError;

#[server(endpoint = "client-activity")]
pub async fn client_activity(
    client_id: i64,
    filter: ActivityFilter,
    page: u64,
) -> Result<ActivityPage, AppError> {
    use super::support::require_user;
    let (state, user) = require_user().await?;
    crate::services::clients::file::activity(&state.db, &user, client_id, filter, page).await
}

#[server(endpoint = "client-note-add", input = server_fn::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn add_note(form: NoteForm) -> Result<(), AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::clients::file::add_note(&state.db, &actor, &form).await
}

#[server(endpoint = "client-consents", input = server_fn::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn update_consents(update: ConsentUpdate) -> Result<Vec<ConsentStatus>, AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::clients::file::update_consents(&state.db, &actor, &update).await
}
