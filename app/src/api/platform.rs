//! The platform support's server functions; every one refuses a shop account.

use leptos::prelude::*;

use crate::model::client::ClientSearchPage;
use crate::model::error::AppError;
use crate::model::support::{ErasureRequest, ShopPage};

#[server(endpoint = "support-shops", input = server_fn::codec::Json)]
pub async fn support_shops(filter: String, page: u64) -> Result<ShopPage, AppError> {
    use super::support::require_account;
    let (state, user) = require_account().await?;
    crate::services::support::shops(&state.db, &user, &filter, page).await
}

#[server(endpoint = "support-clients", input = server_fn::codec::Json)]
pub async fn support_clients(shop_id: i64, text: String) -> Result<ClientSearchPage, AppError> {
    use super::support::require_account_actor;
    let (state, support) = require_account_actor().await?;
    crate::services::support::shop_clients(&state.db, &support, shop_id, &text).await
}

#[server(endpoint = "support-erase", input = server_fn::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn support_erase(request: ErasureRequest) -> Result<(), AppError> {
    use super::support::require_account_actor;
    let (state, support) = require_account_actor().await?;
    crate::services::support::erase_client(&state.db, &support, &request).await
}
