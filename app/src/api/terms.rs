use leptos::prelude::*;

use crate::model::error::AppError;
use crate::model::terms::{AcceptanceRequest, ClientTerms, TermsForm, TermsView};

/// The programme's terms in force, if the shop published some.
#[server(endpoint = "terms-current")]
pub async fn current_terms() -> Result<Option<TermsView>, AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::programme::terms::current_terms(&state.db, &actor).await
}

/// A new version of the terms (the owner's); clients are asked again at their next visit.
#[server(endpoint = "terms-publish", input = server_fn::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn publish_terms(form: TermsForm) -> Result<TermsView, AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::programme::terms::publish_terms(&state.db, &actor, &form).await
}

#[server(endpoint = "client-terms")]
pub async fn terms_of_client(client_id: i64) -> Result<ClientTerms, AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::clients::terms::client_terms(&state.db, &actor, client_id).await
}

#[server(endpoint = "client-terms-accept", input = server_fn::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn accept_terms(request: AcceptanceRequest) -> Result<ClientTerms, AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::clients::terms::accept_terms(&state.db, &actor, &request).await
}
