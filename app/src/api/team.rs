use leptos::prelude::*;

use crate::model::auth::Role;
use crate::model::error::AppError;
use crate::model::team::{InvitationSent, InviteForm, TeamMember};

#[server(endpoint = "team")]
pub async fn team_members() -> Result<Vec<TeamMember>, AppError> {
    use super::support::require_user;
    let (state, user) = require_user().await?;
    crate::services::accounts::team::members(&state.db, &user).await
}

#[server(endpoint = "team-invite", input = server_fn::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn invite_member(form: InviteForm) -> Result<InvitationSent, AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::accounts::team::invite(
        &state.db,
        &state.mailer,
        &state.config.public_url,
        &actor,
        &form,
    )
    .await
}

#[server(endpoint = "team-role", input = server_fn::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn change_role(member_id: i64, role: Role) -> Result<TeamMember, AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::accounts::team::change_role(&state.db, &actor, member_id, role).await
}

#[server(endpoint = "team-access", input = server_fn::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn set_access(member_id: i64, active: bool) -> Result<TeamMember, AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::accounts::team::set_active(&state.db, &actor, member_id, active).await
}

#[server(endpoint = "team-invitation-cancel", input = server_fn::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn cancel_invitation(invitation_id: i64) -> Result<(), AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::accounts::team::cancel_invitation(&state.db, &actor, invitation_id).await
}
