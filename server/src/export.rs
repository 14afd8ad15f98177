//! Downloads, as plain links that work without JavaScript and save as a file: a client's data
//! report (`GET /export/client/{id}/{json|csv}`, for the client's shop or the platform support),
//! and the owner's client list and transactions (`GET /export/clients?format=excel|csv`,
//! `GET /export/transactions?format=…&du=…&au=…&client=…`).

use app::api::request::RequestActor;
use app::api::state::AppState;
use app::model::auth::Role;
use app::model::error::AppError;
use app::model::exports::ExportFormat;
use app::model::ledger::JournalFilter;
use app::services::clients::report::client_report;
use app::services::exports::{Download, clients_csv, transactions_csv};
use app::services::support::acting_for_client;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

pub(crate) fn error_response(error: AppError) -> Response {
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

/// The list downloads' address: a format, and for transactions the journal's filter.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ExportQuery {
    format: Option<String>,
    du: Option<String>,
    au: Option<String>,
    client: Option<String>,
}

impl ExportQuery {
    /// An unknown format is refused rather than guessed: the link names one of two.
    fn format(&self) -> Result<ExportFormat, AppError> {
        match self.format.as_deref() {
            None => Ok(ExportFormat::default()),
            Some(code) => ExportFormat::from_code(code).ok_or(AppError::invalid(
                "format",
                app::model::error::FieldProblem::InvalidChoice,
            )),
        }
    }
}

pub(crate) fn download_response(answer: Result<Download, AppError>) -> Response {
    match answer {
        Err(error) => error_response(error),
        Ok(download) => {
            let mut response = download.bytes.into_response();
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            );
            // The name holds only digits, letters and `-`: it needs no quoting rules.
            let disposition = format!("attachment; filename=\"{}\"", download.file_name);
            if let Ok(value) = HeaderValue::from_str(&disposition) {
                headers.insert(header::CONTENT_DISPOSITION, value);
            }
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
    }
}

/// The owner's client list; written in the audit log, so refused cross-site like a POST.
pub async fn clients_export(
    State(state): State<AppState>,
    RequestActor(actor): RequestActor,
    Query(query): Query<ExportQuery>,
) -> Response {
    let answer = async { clients_csv(&state.db, &actor, query.format()?).await }.await;
    download_response(answer)
}

/// The owner's transactions over the journal's filter.
pub async fn transactions_export(
    State(state): State<AppState>,
    RequestActor(actor): RequestActor,
    Query(query): Query<ExportQuery>,
) -> Response {
    let answer = async {
        let format = query.format()?;
        let client_id = match query.client.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(id) => Some(id.parse::<i64>().map_err(|_| {
                AppError::invalid("client", app::model::error::FieldProblem::InvalidChoice)
            })?),
        };
        let filter = JournalFilter {
            from: query.du.clone().unwrap_or_default(),
            to: query.au.clone().unwrap_or_default(),
            client_id,
            page: 0,
        };
        transactions_csv(&state.db, &actor, format, &filter).await
    }
    .await;
    download_response(answer)
}
