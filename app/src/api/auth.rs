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
    use super::support::{session_token, set_session_cookie, state};
    use crate::services::auth;
    let state = state()?;
    let session = auth::login(
        &state.db,
        &state.hasher,
        &email,
        &password,
        remember.is_some(),
    )
    .await?;
    // A new id at each login: a session fixed before it is worth nothing after.
    if let Some(previous) = session_token().await {
        auth::logout(&state.db, &previous).await?;
    }
    set_session_cookie(
        &session.token,
        session.max_age.map(|age| age.num_seconds()),
        state.config.secure_cookies(),
    );
    Ok(session.user)
}

#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use super::support::{session_token, set_session_cookie, state};
    let state = state()?;
    if let Some(token) = session_token().await {
        crate::services::auth::logout(&state.db, &token).await?;
    }
    set_session_cookie("", Some(0), state.config.secure_cookies());
    Ok(())
}

/// Always answers the same, whether or not the address has an account.
#[server(endpoint = "password-reset-request")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    use super::support::state;
    let state = state()?;
    let email = email.trim().to_owned();
    if !crate::model::client::is_valid_email(&email) {
        return Err(AppError::invalid(
            "email",
            crate::model::error::FieldProblem::InvalidEmail,
        ));
    }
    // Sent in the background: how long the answer takes says nothing about the address.
    tokio::spawn(async move {
        if let Err(error) = crate::services::auth::request_password_reset(
            &state.db,
            &state.mailer,
            &state.config.public_url,
            &email,
        )
        .await
        {
            tracing::error!(%error, "password reset request failed");
        }
    });
    Ok(())
}

#[server(endpoint = "password-reset")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn reset_password(
    token: String,
    password: String,
    confirmation: String,
) -> Result<(), AppError> {
    use super::support::state;
    let state = state()?;
    crate::services::auth::reset_password(
        &state.db,
        &state.hasher,
        &token,
        &password,
        &confirmation,
    )
    .await
}
