use leptos::prelude::*;

use crate::model::credit::{
    CreditAccount, CreditJournalPage, CreditRequest, CreditReversalRequest,
};
use crate::model::error::AppError;
use crate::model::ledger::JournalFilter;

/// The client's store credit: balance and latest entries.
#[server(endpoint = "client-credit")]
pub async fn client_credit(client_id: i64) -> Result<CreditAccount, AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::ledger::client_credit(&state.db, &actor, client_id).await
}

/// Puts money on the client's account (an "avoir") or uses it, once per key.
#[server(endpoint = "client-credit-record", input = server_fn::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn record_credit(request: CreditRequest) -> Result<CreditAccount, AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::ledger::record_credit(&state.db, &actor, &request).await
}

/// The owner cancels a credit entry with a reversal.
#[server(endpoint = "client-credit-reverse", input = server_fn::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn reverse_credit(request: CreditReversalRequest) -> Result<CreditAccount, AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::ledger::reverse_credit(&state.db, &actor, &request).await
}

/// The shop's store credit entries in the journal's range (the owner's, as the journal).
#[server(endpoint = "credit-journal", input = server_fn::codec::Json)]
pub async fn credit_journal(filter: JournalFilter) -> Result<CreditJournalPage, AppError> {
    use super::support::require_user;
    let (state, user) = require_user().await?;
    crate::services::ledger::credit_journal(&state.db, &user, &filter).await
}
