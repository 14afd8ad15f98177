//! The `List-Unsubscribe` address of every campaign e-mail (RFC 8058). A mail program posts
//! `List-Unsubscribe=One-Click` to it and gets 200; the unsubscribe page's button posts to it too
//! and is sent back to the page, which then says it is done; a person who opens the address is
//! sent to the page, where nothing changes until they confirm. No session: the token is the key.

use std::collections::HashMap;

use app::api::request::ClientAddress;
use app::api::state::AppState;
use app::model::error::AppError;
use app::model::routes;
use app::services::campaigns::unsubscribe::unsubscribe;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

/// The body a mail program posts (RFC 8058, section 3.1).
const ONE_CLICK_BODY: &str = "List-Unsubscribe=One-Click";

/// The token of the address, if it has a token's shape: it goes back into a `Location` header.
fn token(query: &HashMap<String, String>) -> Option<&str> {
    query
        .get(routes::TOKEN_KEY)
        .map(String::as_str)
        .filter(|token| routes::read_unsubscribe_token(token).is_some())
        .filter(|token| {
            token
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
}

fn page(token: &str) -> Response {
    Redirect::to(&format!(
        "{}?{}={token}",
        routes::UNSUBSCRIBE,
        routes::TOKEN_KEY
    ))
    .into_response()
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        "Lien de désabonnement inconnu / unknown unsubscribe link",
    )
        .into_response()
}

/// A GET: the page, which asks before changing anything (a link scanner must not unsubscribe).
pub async fn show_page(Query(query): Query<HashMap<String, String>>) -> Response {
    match token(&query) {
        Some(token) => page(token),
        None => not_found(),
    }
}

pub async fn one_click(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    Query(query): Query<HashMap<String, String>>,
    body: String,
) -> Response {
    let Some(token) = token(&query) else {
        return not_found();
    };
    match unsubscribe(&state.db, token, &address).await {
        Ok(_) if body.trim() == ONE_CLICK_BODY => (StatusCode::OK, "OK").into_response(),
        Ok(_) => page(token).into_response(),
        Err(AppError::NotFound) => not_found(),
        Err(error) => {
            tracing::error!(%error, "unsubscribing failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Réessayez plus tard / try again later",
            )
                .into_response()
        }
    }
}
