//! The client data report as a download: `GET /export/client/{id}/{json|csv}`, for the signed-in
//! user of the client's shop or for the platform support. A plain link, so it works without
//! JavaScript and saves as a file.

use std::net::SocketAddr;

use app::model::auth::Role;
use app::model::error::AppError;
use app::services::audit::Actor;
use app::services::auth::{SESSION_COOKIE, user_for_session};
use app::services::clients::report::client_report;
use app::services::state::AppState;
use app::services::support::acting_for_client;
use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;

fn error_response(error: AppError) -> Response {
    let status =
        StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, axum::Json(error)).into_response()
}

pub async fn client_export(
    State(state): State<AppState>,
    jar: CookieJar,
    Path((client_id, format)): Path<(i64, String)>,
    request: Request,
) -> Response {
    // The TCP peer, when the server runs with connect info (always, outside router tests).
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(address)| address.ip().to_string());
    let answer = async {
        let token = jar
            .get(SESSION_COOKIE)
            .map(|cookie| cookie.value().to_owned())
            .ok_or(AppError::Unauthenticated)?;
        let user = user_for_session(&state.db, &token)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let (content_type, extension) = match format.as_str() {
            "json" => ("application/json; charset=utf-8", "json"),
            "csv" => ("text/csv; charset=utf-8", "csv"),
            _ => return Err(AppError::NotFound),
        };
        let source = peer.unwrap_or_else(|| "unknown".to_owned());
        let mut actor = Actor::new(user, source);
        // Support downloads a client's report for the shop that asked, in that shop's name.
        if actor.role == Role::Support {
            actor = acting_for_client(&state.db, &actor, client_id).await?;
        }
        let report = client_report(&state.db, &actor, client_id).await?;
        let body = match extension {
            "json" => serde_json::to_string_pretty(&report).map_err(|_| AppError::Internal)?,
            _ => report.to_csv(),
        };
        Ok((content_type, extension, body))
    }
    .await;
    match answer {
        Err(error) => error_response(error),
        Ok((content_type, extension, body)) => {
            let mut response = body.into_response();
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
            let disposition = format!("attachment; filename=\"client-{client_id}.{extension}\"");
            if let Ok(value) = HeaderValue::from_str(&disposition) {
                headers.insert(header::CONTENT_DISPOSITION, value);
            }
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
    }
}
