use leptos::prelude::*;

use crate::model::error::AppError;
use crate::model::tickets::{ClientVisits, TicketForm};

/// The client's latest purchases with their tickets, and their favourites.
#[server(endpoint = "client-visits")]
pub async fn visits_of_client(client_id: i64) -> Result<ClientVisits, AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::ledger::client_visits(&state.db, &actor, client_id).await
}

/// Writes a purchase's ticket (once).
#[server(endpoint = "ticket-write", input = server_fn::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn write_ticket(form: TicketForm) -> Result<ClientVisits, AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::ledger::write_ticket(&state.db, &actor, &form).await
}
