//! `GET /healthz`, for the reverse proxy and monitors: 200 when the database answers and its
//! schema is this version's, 503 otherwise, with the reason. Reads only; no session needed.

use app::api::state::AppState;
use app::services::db::schema_status;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

pub async fn health(State(state): State<AppState>) -> Response {
    let (status, body) = match schema_status(state.db.connection()).await {
        Err(error) => {
            tracing::error!(%error, "health check: the database does not answer");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                json!({ "status": "unavailable", "database": "unreachable" }),
            )
        }
        Ok(schema) if !schema.is_current() => (
            StatusCode::SERVICE_UNAVAILABLE,
            json!({
                "status": "unavailable",
                "database": "ok",
                "migrations": { "pending": schema.pending, "unknown": schema.unknown },
            }),
        ),
        Ok(_) => (
            StatusCode::OK,
            json!({ "status": "ok", "database": "ok", "migrations": "current" }),
        ),
    };
    let mut response = (status, axum::Json(body)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
