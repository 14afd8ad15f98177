use leptos::prelude::*;

use crate::model::error::AppError;
use crate::model::sheets::{SheetForm, TechnicalSheet};

/// The client's technical sheets, newest first.
#[server(endpoint = "client-sheets")]
pub async fn client_sheets(client_id: i64) -> Result<Vec<TechnicalSheet>, AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::clients::sheets::client_sheets(&state.db, &actor, client_id).await
}

#[server(endpoint = "client-sheet-write", input = server_fn::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn write_sheet(form: SheetForm) -> Result<TechnicalSheet, AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::clients::sheets::write_sheet(&state.db, &actor, &form).await
}

/// Its author corrects a sheet the day it was written; after that it is kept.
#[server(endpoint = "client-sheet-correct", input = server_fn::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn correct_sheet(sheet_id: i64, form: SheetForm) -> Result<TechnicalSheet, AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::clients::sheets::correct_sheet(&state.db, &actor, sheet_id, &form).await
}
