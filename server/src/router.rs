//! The HTTP router: Leptos pages and server functions, static files, and the shared state.

use std::sync::Arc;

use app::api::state::AppState;
use app::model::error::AppError;
use app::model::routes;
use app::services::accounts::passwords::PasswordHasher;
use app::services::config::AppConfig;
use app::services::db::Db;
use app::services::mail::Mailer;
use app::{App, shell};
use axum::Router;
use axum::body::Body;
use axum::http::StatusCode;
use axum::middleware;
use axum::response::Response;
use leptos::config::LeptosOptions;
use leptos_axum::{LeptosRoutes, generate_route_list};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::ServeDir;
use tower_http::trace::TraceLayer;

use crate::assets::{apply_cache_policy, service_worker};
use crate::security::{SecuritySettings, protect, provide_request_nonce, refuse_cross_site_read};

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("mail settings: {0}")]
    Mail(#[from] app::services::mail::MailError),
}

pub fn build_state(
    config: AppConfig,
    db: Db,
    leptos_options: LeptosOptions,
) -> Result<AppState, StartError> {
    let mailer = Mailer::from_config(&config)?;
    Ok(AppState {
        leptos_options,
        db,
        config: Arc::new(config),
        hasher: PasswordHasher::default(),
        mailer,
    })
}

/// The largest upload read: the largest file an import takes, and the form around it.
const UPLOAD_BODY_LIMIT: usize = app::model::imports::MAX_IMPORT_BYTES + 64 * 1024;

pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    let security = Arc::new(SecuritySettings::from_public_url(&state.config.public_url));
    Router::new()
        .route(
            "/export/client/{client_id}/{format}",
            axum::routing::get(crate::export::client_export).route_layer(
                middleware::from_fn_with_state(security.clone(), refuse_cross_site_read),
            ),
        )
        .route(
            routes::EXPORT_CLIENTS,
            axum::routing::get(crate::export::clients_export).route_layer(
                middleware::from_fn_with_state(security.clone(), refuse_cross_site_read),
            ),
        )
        .route(
            routes::EXPORT_TRANSACTIONS,
            axum::routing::get(crate::export::transactions_export).route_layer(
                middleware::from_fn_with_state(security.clone(), refuse_cross_site_read),
            ),
        )
        .route(
            routes::IMPORT_UPLOAD,
            axum::routing::post(crate::import::upload_file)
                .layer(axum::extract::DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route(
            "/import-clients/{import_id}/refus.csv",
            axum::routing::get(crate::import::refusals_download).route_layer(
                middleware::from_fn_with_state(security.clone(), refuse_cross_site_read),
            ),
        )
        .route(
            routes::ONE_CLICK_UNSUBSCRIBE,
            axum::routing::get(crate::unsubscribe::show_page).post(crate::unsubscribe::one_click),
        )
        .merge(crate::rest::router())
        .route("/sw.js", axum::routing::get(service_worker))
        .route("/healthz", axum::routing::get(crate::health::health))
        // The built files, with their brotli and gzip copies (`server precompress`) for browsers
        // that take them, and answers to conditional requests.
        .nest_service(
            options.site_pkg_dir_route_base().trim_end_matches('/'),
            ServeDir::new(
                std::path::Path::new(options.site_root.as_ref())
                    .join(options.site_pkg_dir.as_ref()),
            )
            .precompressed_br()
            .precompressed_gzip(),
        )
        .leptos_routes_with_context(&state, routes, provide_request_nonce, move || {
            shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(provide_request_nonce, shell))
        .layer(middleware::map_response(status_from_app_error))
        .layer(middleware::from_fn(apply_cache_policy))
        .layer(middleware::from_fn_with_state(security, protect))
        // Outermost: every request gets an id (the proxy's `X-Request-Id` if it sent one), its
        // log lines carry it, and the answer names it, so a complaint can be found in the logs.
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

/// The span of one request: its id, method and path (never the query: it may hold a search;
/// nor a member card's address, whose token is the key to the card).
fn request_span(request: &axum::http::Request<Body>) -> tracing::Span {
    let path = request.uri().path();
    let card_page = format!("{}/", app::model::cards::CARD_PATH);
    let path = if path.starts_with(&card_page) {
        "/carte/…"
    } else {
        path
    };
    let id = request
        .headers()
        .get("x-request-id")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    tracing::info_span!(
        "request",
        request_id = %id,
        method = %request.method(),
        path = %path,
    )
}

/// Largest error body read back; an `AppError` with every field problem stays far below.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// Server functions answer every error with 500; this gives each `AppError` its own status
/// (401, 404, 409, 422…), so bad input is never reported as a server fault.
async fn status_from_app_error(response: Response) -> Response {
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key("serverfnerror")
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_ERROR_BODY).await {
        Ok(bytes) => bytes,
        Err(_) => return Response::from_parts(parts, Body::empty()),
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status =
            StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    }
    Response::from_parts(parts, Body::from(bytes))
}
