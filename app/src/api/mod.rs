//! Server functions: thin wrappers that authenticate, call a service and map its error.
//! Every endpoint has a stable name so URLs survive rebuilds.

pub mod api_keys;
pub mod audit;
pub mod auth;
pub mod campaigns;
pub mod cards;
pub mod client_file;
pub mod clients;
pub mod credit;
pub mod dashboard;
pub mod gift_cards;
pub mod imports;
pub mod labels;
pub mod ledger;
pub mod platform;
pub mod programme;
#[cfg(feature = "ssr")]
pub mod request;
pub mod retention;
pub mod rewards;
pub mod sheets;
#[cfg(feature = "ssr")]
pub mod state;
pub mod team;
pub mod terms;
pub mod tickets;

#[cfg(feature = "ssr")]
pub(crate) mod support {
    use axum::http::{HeaderValue, header::SET_COOKIE};
    use leptos::prelude::*;
    use leptos_axum::ResponseOptions;

    use super::request::{ClientAddress, NoActor, RequestActor};
    use crate::api::state::AppState;
    use crate::model::auth::CurrentUser;
    use crate::model::error::AppError;
    use crate::services::audit::Actor;

    pub use crate::services::accounts::auth::SESSION_COOKIE;

    pub fn state() -> Result<AppState, AppError> {
        use_context::<AppState>().ok_or_else(|| {
            tracing::error!("AppState missing from the server function context");
            AppError::Internal
        })
    }

    pub async fn session_token() -> Option<String> {
        let headers = leptos_axum::extract::<axum::http::HeaderMap>().await.ok()?;
        super::request::session_token(&headers)
    }

    pub async fn optional_user(state: &AppState) -> Result<Option<CurrentUser>, AppError> {
        match session_token().await {
            Some(token) => {
                crate::services::accounts::auth::user_for_session(&state.db, &token).await
            }
            None => Ok(None),
        }
    }

    /// Any signed-in account, or `Unauthenticated` (with its 401 status).
    pub async fn require_account() -> Result<(AppState, CurrentUser), AppError> {
        let state = state()?;
        match optional_user(&state).await? {
            Some(user) => Ok((state, user)),
            None => Err(AppError::Unauthenticated),
        }
    }

    /// A signed-in member of a shop: support accounts never do a shop's work.
    pub async fn require_user() -> Result<(AppState, CurrentUser), AppError> {
        let (state, user) = require_account().await?;
        if user.role.in_shop() {
            Ok((state, user))
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// A shop member with where the request comes from, for changes and their audit trail.
    pub async fn require_actor() -> Result<(AppState, Actor), AppError> {
        let (state, actor) = require_account_actor().await?;
        if actor.role.in_shop() {
            Ok((state, actor))
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Any signed-in account acting, e.g. changing its own password: the same extractor as the
    /// data report download.
    pub async fn require_account_actor() -> Result<(AppState, Actor), AppError> {
        let state = state()?;
        match leptos_axum::extract_with_state::<Result<RequestActor, NoActor>, AppState>(&state)
            .await
        {
            Ok(Ok(RequestActor(actor))) => Ok((state, actor)),
            Ok(Err(NoActor(error))) => Err(error),
            Err(error) => {
                tracing::error!(%error, "request parts missing from the server function context");
                Err(AppError::Internal)
            }
        }
    }

    /// The client's address (see `request::client_address`).
    pub async fn client_address(state: &AppState) -> String {
        match leptos_axum::extract_with_state::<ClientAddress, AppState>(state).await {
            Ok(ClientAddress(address)) => address,
            Err(_) => "unknown".to_owned(),
        }
    }

    /// The session cookie: HttpOnly, SameSite=Lax, Secure over https; without `max_age` it ends
    /// with the browser.
    pub fn set_session_cookie(value: &str, max_age_seconds: Option<i64>, secure: bool) {
        let mut cookie = format!("{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax");
        if let Some(seconds) = max_age_seconds {
            cookie.push_str(&format!("; Max-Age={seconds}"));
        }
        if secure {
            cookie.push_str("; Secure");
        }
        if let (Some(response), Ok(header)) = (
            use_context::<ResponseOptions>(),
            HeaderValue::from_str(&cookie),
        ) {
            response.append_header(SET_COOKIE, header);
        }
    }
}
