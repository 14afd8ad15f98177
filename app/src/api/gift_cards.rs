use leptos::prelude::*;

use crate::model::error::AppError;
use crate::model::gift_cards::{
    GiftCardLine, GiftCardSaleRequest, GiftCardSpendRequest, GiftCardView,
};

/// Sells a gift card at the till, once per key.
#[server(endpoint = "gift-card-sell", input = server_fn::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn sell_gift_card(request: GiftCardSaleRequest) -> Result<GiftCardView, AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::ledger::sell_gift_card(&state.db, &actor, &request).await
}

/// The shop's card with this code, typed or scanned.
#[server(endpoint = "gift-card")]
pub async fn find_gift_card(code: String) -> Result<GiftCardView, AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::ledger::find_gift_card(&state.db, &actor, &code).await
}

/// Spends part or all of what is left on a card, once per key.
#[server(endpoint = "gift-card-spend", input = server_fn::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn spend_gift_card(request: GiftCardSpendRequest) -> Result<GiftCardView, AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::ledger::spend_gift_card(&state.db, &actor, &request).await
}

/// The owner cancels a card, with the reason.
#[server(endpoint = "gift-card-cancel", input = server_fn::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn cancel_gift_card(code: String, reason: String) -> Result<GiftCardView, AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::ledger::cancel_gift_card(&state.db, &actor, &code, &reason).await
}

/// The shop's latest cards.
#[server(endpoint = "gift-cards-recent")]
pub async fn recent_gift_cards() -> Result<Vec<GiftCardLine>, AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::ledger::recent_gift_cards(&state.db, &actor).await
}

/// The cards a client bought and received.
#[server(endpoint = "client-gift-cards")]
pub async fn client_gift_cards(client_id: i64) -> Result<Vec<GiftCardLine>, AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::ledger::client_gift_cards(&state.db, &actor, client_id).await
}
