//! `/api/v1`: the REST API a till or a shop's website uses with a key the owner made
//! (`Authorization: Bearer cpt_…`). Each handler reads its input, calls the same service as the
//! app's pages (no rule is written twice), and answers JSON; the OpenAPI document is generated
//! from these handlers (`openapi.json`) and rendered at `/api/v1/docs` with nothing loaded from
//! another site.

mod clients;
mod docs;
mod errors;
mod limits;

use std::sync::Arc;
use std::time::Instant;

use app::api::request::client_address;
use app::api::state::AppState;
use app::model::api_keys::{ApiRefusal, IDEMPOTENCY_KEY_MAX};
use app::services::accounts::api_keys::{ApiCaller, caller_for_key, note_use};
use app::services::audit::Actor;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRef, FromRequest, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::routing::{get, post};
use axum::{Extension, Json, Router, middleware};
use sha2::{Digest, Sha256};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use uuid::Uuid;

pub use errors::{ApiError, ApiErrorBody, ApiFieldError};
pub use limits::RateLimiter;

/// Where the API lives; its paths below are relative to it.
pub const API_BASE: &str = "/api/v1";

pub fn router() -> Router<AppState> {
    let limiter = Arc::new(RateLimiter::default());
    let api = Router::new()
        .route("/openapi.json", get(openapi_json))
        .route("/docs", get(docs::page))
        .route(
            "/clients",
            get(clients::find_client).post(clients::create_client),
        )
        .route("/clients/{client_id}", get(clients::get_client))
        .route("/clients/{client_id}/rewards", get(clients::client_rewards))
        .route(
            "/clients/{client_id}/purchases",
            post(clients::record_purchase),
        )
        .route("/clients/{client_id}/visits", post(clients::record_visit))
        .route(
            "/clients/{client_id}/redemptions",
            post(clients::use_points),
        )
        .route("/rewards/{earned_id}/claim", post(clients::claim_reward))
        .fallback(unknown_address)
        .layer(middleware::from_fn(errors::localize))
        .layer(Extension(limiter));
    Router::new().nest(API_BASE, api)
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Comptoir API",
        version = "1",
        description = "Find and enrol a shop's clients, record purchases, visits and points used, \
                       claim rewards. Every request carries a key the shop's owner made \
                       (`Authorization: Bearer cpt_…`); a read-only key can only read. Ledger \
                       changes need an `Idempotency-Key` header: a retry with the same key gets \
                       the first answer and is recorded once. Each key may make 100 requests a \
                       second (bursts of 200), then gets 429 with `Retry-After`. Errors are JSON \
                       (`ApiErrorBody`), in French when `Accept-Language` prefers it."
    ),
    servers((url = "/api/v1")),
    paths(
        clients::find_client,
        clients::create_client,
        clients::get_client,
        clients::client_rewards,
        clients::record_purchase,
        clients::record_visit,
        clients::use_points,
        clients::claim_reward,
    ),
    components(schemas(ApiErrorBody, ApiFieldError)),
    modifiers(&BearerKey),
    security(("api_key" = [])),
    tags((name = "clients", description = "The shop's clients and their points"))
)]
pub struct ApiDoc;

struct BearerKey;

impl Modify for BearerKey {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("cpt_…")
                    .description(Some(
                        "A key made by the shop's owner on the page \"Clés API\".",
                    ))
                    .build(),
            ),
        );
    }
}

async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

async fn unknown_address() -> ApiError {
    ApiRefusal::UnknownAddress.into()
}

/// A request made with a live key, within the key's rate: who it acts as.
pub struct ApiRequest {
    pub caller: ApiCaller,
    pub actor: Actor,
}

impl ApiRequest {
    /// Refuses a read-only key's change.
    pub fn can_write(&self) -> Result<(), ApiError> {
        if self.caller.scope.can_write() {
            Ok(())
        } else {
            Err(ApiRefusal::ReadOnlyKey.into())
        }
    }
}

impl<S> FromRequestParts<S> for ApiRequest
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let state = AppState::from_ref(state);
        let secret = bearer_token(&parts.headers).ok_or(ApiRefusal::MissingKey)?;
        let caller = caller_for_key(&state.db, secret)
            .await?
            .ok_or(ApiRefusal::UnknownKey)?;
        if let Some(limiter) = parts.extensions.get::<Arc<RateLimiter>>()
            && let Err(wait) = limiter.take(caller.key_id, Instant::now())
        {
            return Err(ApiRefusal::RateLimited {
                retry_after_seconds: wait.as_secs().max(1),
            }
            .into());
        }
        let now = chrono::Utc::now();
        if caller.use_is_due(now)
            && let Err(error) = note_use(&state.db, &caller, now).await
        {
            // The request goes on: a key's "last used" is a hint, not a guarantee.
            tracing::warn!(?error, key = caller.hint, "key use not written down");
        }
        let address = client_address(parts, state.config.trust_forwarded_for);
        let actor = caller.actor(&address);
        Ok(Self { caller, actor })
    }
}

fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|token| !token.is_empty())
}

/// The ledger key an `Idempotency-Key` header stands for: the same header from the same API key
/// is the same ledger key, so a retry is recorded once; two keys never share one.
pub struct IdempotencyKey(pub Uuid);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let header = parts
            .headers
            .get("idempotency-key")
            .and_then(|value| value.to_str().ok())
            .map(str::trim)
            .filter(|value| !value.is_empty() && value.len() <= IDEMPOTENCY_KEY_MAX)
            .ok_or(ApiRefusal::IdempotencyKey)?;
        // The API key's id is read again by `ApiRequest`; here only its secret's hash matters,
        // which names the key as surely.
        let secret = bearer_token(&parts.headers).ok_or(ApiRefusal::MissingKey)?;
        Ok(Self(ledger_key(secret, header)))
    }
}

fn ledger_key(secret: &str, header: &str) -> Uuid {
    let digest = Sha256::new()
        .chain_update(secret.as_bytes())
        .chain_update([0])
        .chain_update(header.as_bytes())
        .finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}

/// `axum::Json`, refusing an unreadable body with the API's JSON error.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

/// `axum::extract::Path`, refusing an id that is not a number with the API's JSON error.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

/// `axum::extract::Query`, refusing an unreadable query with the API's JSON error.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

impl From<JsonRejection> for ApiError {
    fn from(_: JsonRejection) -> Self {
        ApiRefusal::Malformed.into()
    }
}

impl From<PathRejection> for ApiError {
    fn from(_: PathRejection) -> Self {
        ApiRefusal::Malformed.into()
    }
}

impl From<QueryRejection> for ApiError {
    fn from(_: QueryRejection) -> Self {
        ApiRefusal::Malformed.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_is_one_ledger_key_per_api_key() {
        let first = ledger_key("cpt_one", "sale-42");
        assert_eq!(first, ledger_key("cpt_one", "sale-42"));
        assert_ne!(first, ledger_key("cpt_two", "sale-42"));
        assert_ne!(first, ledger_key("cpt_one", "sale-43"));
        // Not a concatenation: ("ab", "c") and ("a", "bc") differ.
        assert_ne!(ledger_key("ab", "c"), ledger_key("a", "bc"));
    }

    #[test]
    fn only_a_bearer_scheme_gives_a_key() {
        let with = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(AUTHORIZATION, value.parse().unwrap());
            bearer_token(&headers).map(str::to_owned)
        };
        assert_eq!(with("Bearer cpt_abc"), Some("cpt_abc".to_owned()));
        assert_eq!(with("bearer  cpt_abc "), Some("cpt_abc".to_owned()));
        assert_eq!(with("Basic dXNlcg=="), None);
        assert_eq!(with("Bearer "), None);
    }
}
