use leptos::prelude::*;

use crate::model::auth::CurrentUser;
use crate::model::error::AppError;

/// Who is signed in, or `None`.
#[server(endpoint = "session")]
pub async fn signed_in_user() -> Result<Option<CurrentUser>, AppError> {
    use super::support::{optional_user, state};
    let state = state()?;
    optional_user(&state).await
}

/// `remember` is the checkbox: present ("on") when ticked.
#[server(endpoint = "login")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn login(
    email: String,
    password: String,
    remember: Option<String>,
) -> Result<CurrentUser, AppError> {
    use super::support::{client_address, session_token, set_session_cookie, state};
    use crate::services::accounts::auth;
    let state = state()?;
    let source = client_address(&state).await;
    let credentials = auth::Credentials {
        email: &email,
        password: &password,
        remember: remember.is_some(),
    };
    let previous = session_token().await;
    let session = auth::login_replacing(
        &state.db,
        &state.hasher,
        credentials,
        &source,
        previous.as_deref(),
    )
    .await?;
    set_session_cookie(
        &session.token,
        session.max_age.map(|age| age.num_seconds()),
        state.config.secure_cookies(),
    );
    Ok(session.user)
}

#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use super::support::{client_address, session_token, set_session_cookie, state};
    let state = state()?;
    if let Some(token) = session_token().await {
        let source = client_address(&state).await;
        crate::services::accounts::auth::logout(&state.db, &token, &source).await?;
    }
    set_session_cookie("", Some(0), state.config.secure_cookies());
    Ok(())
}

/// Always answers the same, whether or not the address has an account.
#[server(endpoint = "password-reset-request")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    use super::support::{client_address, state};
    let state = state()?;
    let source = client_address(&state).await;
    crate::services::accounts::auth::ask_for_reset_link(
        &state.db,
        &state.mailer,
        &state.config.public_url,
        &email,
        &source,
    )
    .await
}

#[server(endpoint = "password-reset")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn reset_password(
    token: String,
    password: String,
    confirmation: String,
) -> Result<(), AppError> {
    use super::support::{client_address, state};
    use crate::services::accounts::auth::{ResetContext, reset_password};
    let state = state()?;
    let source = client_address(&state).await;
    let context = ResetContext {
        mailer: &state.mailer,
        public_url: &state.config.public_url,
        source: &source,
    };
    reset_password(
        &state.db,
        &state.hasher,
        context,
        &token,
        &password,
        &confirmation,
    )
    .await
}

/// The signed-in user's own password; every other session of the account ends.
#[server(endpoint = "password-change")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn change_password(
    current: String,
    password: String,
    confirmation: String,
) -> Result<(), AppError> {
    use super::support::{require_account_actor, session_token};
    use crate::services::accounts::auth::{PasswordChange, ResetContext};
    let (state, actor) = require_account_actor().await?;
    let token = session_token().await.ok_or(AppError::Unauthenticated)?;
    let context = ResetContext {
        mailer: &state.mailer,
        public_url: &state.config.public_url,
        source: &actor.source,
    };
    let change = PasswordChange {
        current: &current,
        password: &password,
        confirmation: &confirmation,
    };
    crate::services::accounts::auth::change_password(
        &state.db,
        &state.hasher,
        context,
        &actor,
        &token,
        change,
    )
    .await
}
