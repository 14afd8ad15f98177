use leptos::prelude::*;

use crate::model::error::AppError;
use crate::model::programme::{ProgrammeForm, ProgrammeStep, ProgrammeView};

/// The shop's live programme; every member of the team reads it (the till follows it).
#[server(endpoint = "programme")]
pub async fn current_programme() -> Result<Option<ProgrammeView>, AppError> {
    use super::support::require_user;
    let (state, user) = require_user().await?;
    crate::services::programme::current(&state.db, &user).await
}

#[server(endpoint = "programme-start", input = server_fn::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn start_programme(form: ProgrammeForm) -> Result<ProgrammeView, AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::programme::start(&state.db, &actor, &form).await
}

#[server(endpoint = "programme-change", input = server_fn::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn change_programme(form: ProgrammeForm) -> Result<ProgrammeView, AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::programme::change(&state.db, &actor, &form).await
}

/// The programme after the step; none once it is ended.
#[server(endpoint = "programme-step", input = server_fn::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn step_programme(step: ProgrammeStep) -> Result<Option<ProgrammeView>, AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::programme::step(&state.db, &actor, step).await
}
