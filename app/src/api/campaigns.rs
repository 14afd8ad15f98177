use leptos::prelude::*;

use crate::model::campaigns::{
    AutomaticMailLog, AutomationForm, AutomationView, CampaignDetail, CampaignForm, CampaignList,
    CampaignPreview, UnsubscribeView,
};
use crate::model::error::AppError;

/// The campaigns sent and the labels a new one can go to; owners only.
#[server(endpoint = "campaigns-list", input = server_fn::codec::Json)]
pub async fn list_campaigns() -> Result<CampaignList, AppError> {
    use super::support::require_user;
    let (state, user) = require_user().await?;
    crate::services::campaigns::campaign_list(&state.db, &user).await
}

/// The text as the segment's first client will read it, and how many will get it.
#[server(endpoint = "campaign-preview", input = server_fn::codec::Json)]
pub async fn preview_campaign(form: CampaignForm) -> Result<CampaignPreview, AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::campaigns::preview(&state.db, &actor, &form).await
}

/// Sends the campaign to the owner alone; answers the address it went to.
#[server(endpoint = "campaign-test", input = server_fn::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn test_campaign(form: CampaignForm) -> Result<String, AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::campaigns::send_test(&state.db, &state.mailer, &actor, &form).await
}

/// Queues the campaign for its segment; answers the campaign's id.
#[server(endpoint = "campaign-send", input = server_fn::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn send_campaign(form: CampaignForm) -> Result<i64, AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::campaigns::send_campaign(&state.db, &actor, &form).await
}

#[server(endpoint = "campaign-detail", input = server_fn::codec::Json)]
pub async fn read_campaign(campaign_id: i64, page: u64) -> Result<CampaignDetail, AppError> {
    use super::support::require_user;
    let (state, user) = require_user().await?;
    crate::services::campaigns::campaign_detail(&state.db, &user, campaign_id, page).await
}

/// What an unsubscribe link leads to; no session needed, the token is the key.
#[server(endpoint = "unsubscribe-view", input = server_fn::codec::Json)]
pub async fn read_unsubscribe_link(token: String) -> Result<UnsubscribeView, AppError> {
    use super::support::state;
    let state = state()?;
    crate::services::campaigns::unsubscribe::unsubscribe_view(&state.db, &token).await
}

/// Switches an automatic e-mail on or off, with its text; owners only.
#[server(endpoint = "automatic-mail-save", input = server_fn::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn save_automatic_mail(form: AutomationForm) -> Result<AutomationView, AppError> {
    use super::support::require_actor;
    let (state, actor) = require_actor().await?;
    crate::services::campaigns::automatic::save_automation(&state.db, &actor, &form).await
}

#[server(endpoint = "automatic-mails", input = server_fn::codec::Json)]
pub async fn automatic_mails(page: u64) -> Result<AutomaticMailLog, AppError> {
    use super::support::require_user;
    let (state, user) = require_user().await?;
    crate::services::campaigns::automatic_messages(&state.db, &user, page).await
}
