use leptos::prelude::*;

use crate::model::dashboard::{Dashboard, DashboardQuery};
use crate::model::error::AppError;

/// The owner's figures for a period, in the shop's calendar.
#[server(endpoint = "dashboard", input = server_fn::codec::Json)]
pub async fn shop_dashboard(query: DashboardQuery) -> Result<Dashboard, AppError> {
    use super::support::require_user;
    let (state, user) = require_user().await?;
    crate::services::dashboard::dashboard(&state.db, &user, &query, chrono::Utc::now()).await
}
