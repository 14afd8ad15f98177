//! The owner's client imports. The file itself is sent by a plain form post to
//! `routes::IMPORT_UPLOAD` (the server's `import.rs`); these read and drive what it became.

use leptos::prelude::*;

use crate::model::error::AppError;
use crate::model::imports::{ImportField, ImportListItem, ImportView};

#[server(endpoint = "import-list", input = server_fn::codec::Json)]
pub async fn client_imports() -> Result<Vec<ImportListItem>, AppError> {
    use super::support::require_user;
    let (state, user) = require_user().await?;
    crate::services::imports::imports(&state.db, &user).await
}

/// An import: its preview while a draft, its progress while it runs, its figures when done.
#[server(endpoint = "import-view", input = server_fn::codec::Json)]
pub async fn client_import(import_id: i64) -> Result<ImportView, AppError> {
    use super::support::require_user;
    let (state, user) = require_user().await?;
    crate::services::imports::import_view(&state.db, &user, import_id).await
}

#[server(endpoint = "import-mapping", input = server_fn::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn change_import_mapping(
    import_id: i64,
    mapping: Vec<ImportField>,
) -> Result<ImportView, AppError> {
    use super::support::require_user;
    let (state, user) = require_user().await?;
    crate::services::imports::change_mapping(&state.db, &user, import_id, mapping).await
}

/// The owner confirms; the server writes the rows in the background.
#[server(endpoint = "import-start", input = server_fn::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn start_client_import(import_id: i64) -> Result<(), AppError> {
    use super::support::require_user;
    let (state, user) = require_user().await?;
    crate::services::imports::start_import(&state.db, &user, import_id).await?;
    crate::services::imports::run::spawn_import(state.db.clone(), user.shop_id, import_id);
    Ok(())
}
