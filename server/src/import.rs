//! The client import's plain HTTP side: the upload form posts its file here (it works before the
//! page is interactive, and a file of megabytes never goes through a server function), and the
//! refused rows download as a spreadsheet.

use app::api::request::RequestActor;
use app::api::state::AppState;
use app::i18n::Locale;
use app::model::imports::{UPLOAD_FILE_FIELD, UploadProblem};
use app::model::routes;
use app::pages::imports::reason_text_in;
use app::services::imports::{UploadRefusal, refusals_csv, upload};
use axum::extract::multipart::MultipartError;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use crate::export::{download_response, error_response};

/// The upload page again, saying why the file was not taken.
fn refused(problem: UploadProblem) -> Response {
    Redirect::to(&format!("{}?erreur={}", routes::IMPORTS, problem.code())).into_response()
}

/// A body cut short by the size limit is a file too large; anything else is no usable form.
fn unreadable(error: &MultipartError) -> Response {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        refused(UploadProblem::TooLarge)
    } else {
        refused(UploadProblem::NoFile)
    }
}

/// Keeps the posted file as a draft import and opens its page (303), or goes back to the form
/// with the reason.
pub async fn upload_file(
    State(state): State<AppState>,
    RequestActor(actor): RequestActor,
    mut form: Multipart,
) -> Response {
    let mut sent: Option<(String, Vec<u8>)> = None;
    loop {
        match form.next_field().await {
            Ok(None) => break,
            Ok(Some(field)) => {
                if field.name() != Some(UPLOAD_FILE_FIELD) {
                    continue;
                }
                let name = field.file_name().unwrap_or_default().to_owned();
                match field.bytes().await {
                    Ok(bytes) => sent = Some((name, bytes.to_vec())),
                    Err(error) => return unreadable(&error),
                }
            }
            Err(error) => return unreadable(&error),
        }
    }
    let Some((name, bytes)) = sent.filter(|(name, bytes)| !(name.is_empty() && bytes.is_empty()))
    else {
        return refused(UploadProblem::NoFile);
    };
    match upload(&state.db, &actor, &name, &bytes).await {
        Ok(import_id) => Redirect::to(&routes::import_page(import_id)).into_response(),
        Err(UploadRefusal::File(problem)) => refused(problem),
        Err(UploadRefusal::App(error)) => error_response(error),
    }
}

/// The page's language, as its cookie holds it: the download speaks it too.
fn chosen_locale(headers: &HeaderMap) -> Locale {
    let english = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|cookies| cookies.split(';'))
        .any(|cookie| cookie.trim() == "i18n_pref_locale=en");
    if english { Locale::en } else { Locale::fr }
}

/// The rows an import refused, each with its line and reasons, then its cells as in the file.
pub async fn refusals_download(
    State(state): State<AppState>,
    RequestActor(actor): RequestActor,
    Path(import_id): Path<i64>,
    headers: HeaderMap,
) -> Response {
    let locale = chosen_locale(&headers);
    let answer = refusals_csv(&state.db, &actor, import_id, |field, problem| {
        reason_text_in(locale, field, problem)
    })
    .await;
    download_response(answer)
}
