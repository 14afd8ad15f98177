//! Who sends a request and from where, read from the request itself: one extractor for the
//! server functions and for the plain axum routes (the data report download), so both find the
//! session the same way and both honour `TRUST_X_FORWARDED_FOR`.

use std::convert::Infallible;
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;

use crate::api::state::AppState;
use crate::model::error::AppError;
use crate::services::accounts::auth::{SESSION_COOKIE, user_for_session};
use crate::services::audit::Actor;

/// The session cookie's token, if the request carries one.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    CookieJar::from_headers(headers)
        .get(SESSION_COOKIE)
        .map(|cookie| cookie.value().to_owned())
}

/// The client's address: the TCP peer, or behind a trusted reverse proxy the address it
/// appended last to `X-Forwarded-For` (earlier entries are whatever the client claimed).
pub fn client_address(parts: &Parts, trust_forwarded_for: bool) -> String {
    if trust_forwarded_for
        && let Some(forwarded) = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .rfind(|address| !address.is_empty())
    {
        return forwarded.to_owned();
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(
            || "unknown".to_owned(),
            |ConnectInfo(peer)| peer.ip().to_string(),
        )
}

/// The client's address as an extractor.
pub struct ClientAddress(pub String);

impl<S> FromRequestParts<S> for ClientAddress
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Infallible> {
        let state = AppState::from_ref(state);
        Ok(Self(client_address(
            parts,
            state.config.trust_forwarded_for,
        )))
    }
}

/// A signed-in account (shop member or support) acting through this request, with the client's
/// address its changes are written down with.
pub struct RequestActor(pub Actor);

/// Why there is no actor: no session (401) or the database failing (500), answered as the
/// `AppError` JSON every endpoint uses.
#[derive(Debug)]
pub struct NoActor(pub AppError);

impl IntoResponse for NoActor {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.0.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, axum::Json(self.0)).into_response()
    }
}

impl<S> FromRequestParts<S> for RequestActor
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = NoActor;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, NoActor> {
        let state = AppState::from_ref(state);
        let token = session_token(&parts.headers).ok_or(NoActor(AppError::Unauthenticated))?;
        let user = user_for_session(&state.db, &token)
            .await
            .map_err(NoActor)?
            .ok_or(NoActor(AppError::Unauthenticated))?;
        let source = client_address(parts, state.config.trust_forwarded_for);
        Ok(Self(Actor::new(user, source)))
    }
}
