use leptos::prelude::*;

use crate::model::cards::{MemberCard, PublicCard};
use crate::model::error::AppError;

/// The client's member card, issued the first time it is shown.
#[server(endpoint = "member-card")]
pub async fn client_member_card(client_id: i64) -> Result<MemberCard, AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::clients::card::member_card(
        &state.db,
        &actor,
        &state.config.public_url,
        client_id,
    )
    .await
}

/// A new card for a client who lost theirs; the old token is refused from now on.
#[server(endpoint = "member-card-replace")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn replace_member_card(client_id: i64) -> Result<MemberCard, AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::clients::card::replace_card(
        &state.db,
        &actor,
        &state.config.public_url,
        client_id,
    )
    .await
}

/// The card's page, for whoever holds the card: no session, the token is the key.
#[server(endpoint = "card-public")]
pub async fn public_member_card(token: String) -> Result<PublicCard, AppError> {
    use super::support::{client_address, state};
    let state = state()?;
    let address = client_address(&state).await;
    crate::services::clients::card::public_card(
        &state.db,
        &state.config.public_url,
        &token,
        &address,
    )
    .await
}
