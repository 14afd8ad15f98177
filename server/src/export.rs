//! The client data report as a download: `GET /export/client/{id}/{json|csv}`, for the signed-in
//! user of the client's shop or for the platform support. A plain link, so it works without
//! JavaScript and saves as a file.

use app::api::request::RequestActor;
use app::api::state::AppState;
use app::model::auth::Role;
use app::model::error::AppError;
use app::services::clients::report::client_report;
use app::services::support::acting_for_client;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

fn error_response(error: AppError) -> Response {
    let status =
        StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, axum::Json(error)).into_response()
}

/// Writes the export in the audit log, so the router refuses it cross-site like a POST (see
/// `security::refuse_cross_site_read`).
pub async fn client_export(
    State(state): State<AppState>,
    RequestActor(actor): RequestActor,
    Path((client_id, format)): Path<(i64, String)>,
) -> Response {
    let answer = async {
        let (content_type, extension) = match format.as_str() {
            "json" => ("application/json; charset=utf-8", "json"),
            "csv" => ("text/csv; charset=utf-8", "csv"),
            _ => return Err(AppError::NotFound),
        };
        // Support downloads a client's report for the shop that asked, in that shop's name.
        let actor = if actor.role == Role::Support {
            acting_for_client(&state.db, &actor, client_id).await?
        } else {
            actor
        };
        let report = client_report(&state.db, &actor, client_id).await?;
        let body = match extension {
            "json" => serde_json::to_string_pretty(&report).map_err(|_| AppError::Internal)?,
            _ => report.to_csv()?,
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
