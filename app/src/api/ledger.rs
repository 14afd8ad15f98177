use leptos::prelude::*;

use crate::model::error::AppError;
use crate::model::ledger::{
    ContactPointsRequest, JournalFilter, JournalPage, ModifyRequest, RecordOutcome, RecordRequest,
    RedeemRequest, TransactionView,
};

#[server(endpoint = "transaction-record", input = server_fn::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn record_transaction(request: RecordRequest) -> Result<RecordOutcome, AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::ledger::record_transaction(&state.db, &actor, &request).await
}

#[server(endpoint = "transaction-redeem", input = server_fn::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn redeem_points(request: RedeemRequest) -> Result<RecordOutcome, AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::ledger::redeem_points(&state.db, &actor, &request).await
}

#[server(endpoint = "points-by-contact", input = server_fn::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn points_by_contact(request: ContactPointsRequest) -> Result<RecordOutcome, AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::ledger::points_by_contact(&state.db, &actor, &request).await
}

#[server(endpoint = "transaction-modify", input = server_fn::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn modify_transaction(request: ModifyRequest) -> Result<RecordOutcome, AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::ledger::modify_transaction(&state.db, &actor, &request).await
}

#[server(endpoint = "client-history")]
pub async fn client_history(client_id: i64) -> Result<Vec<TransactionView>, AppError> {
    use super::support::require_user;
    let (state, user) = require_user().await?;
    crate::services::ledger::client_history(&state.db, &user, client_id).await
}

#[server(endpoint = "journal", input = server_fn::codec::Json)]
pub async fn journal(filter: JournalFilter) -> Result<JournalPage, AppError> {
    use super::support::require_user;
    let (state, user) = require_user().await?;
    crate::services::ledger::journal(&state.db, &user, &filter).await
}
