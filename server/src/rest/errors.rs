//! The REST API's refusals: a status, a stable code, a message in the caller's language
//! (`Accept-Language`, French or English) and the fields at fault, in one JSON shape.

use app::components::errors::{api_refusal_text_in, error_text_in, problem_text_in};
use app::i18n::Locale;
use app::model::api_keys::ApiRefusal;
use app::model::error::AppError;
use axum::body::Body;
use axum::extract::Request;
use axum::http::header::{CONTENT_TYPE, RETRY_AFTER, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// Every error answer of `/api/v1`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ApiErrorBody {
    /// Stable, for programs: `not_found`, `invalid`, `unknown_key`, `read_only_key`,
    /// `rate_limited`, `idempotency_conflict`, `duplicate_client`…
    pub code: String,
    /// For people, in the language `Accept-Language` asks (French or English).
    pub message: String,
    /// The fields at fault, when the request's content was refused.
    pub fields: Vec<ApiFieldError>,
    /// The client who already has this e-mail or phone (`duplicate_client`).
    pub existing_client_id: Option<i64>,
    /// When to retry (`rate_limited`), also in the `Retry-After` header.
    pub retry_after_seconds: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ApiFieldError {
    pub field: String,
    /// Stable: `required`, `invalid_email`, `not_enough_points`…
    pub problem: String,
    pub message: String,
}

/// An answer that is not a success: a service's error or the API's own refusal.
#[derive(Debug, Clone)]
pub enum ApiError {
    App(AppError),
    Refused(ApiRefusal),
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        Self::App(error)
    }
}

impl From<ApiRefusal> for ApiError {
    fn from(refusal: ApiRefusal) -> Self {
        Self::Refused(refusal)
    }
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        let code = match self {
            Self::App(error) => error.status_code(),
            Self::Refused(refusal) => match refusal {
                ApiRefusal::MissingKey | ApiRefusal::UnknownKey => 401,
                ApiRefusal::ReadOnlyKey => 403,
                ApiRefusal::RateLimited { .. } => 429,
                ApiRefusal::IdempotencyKey | ApiRefusal::Malformed => 400,
                ApiRefusal::ContactMissing => 422,
                ApiRefusal::UnknownAddress => 404,
            },
        };
        StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    pub fn body(&self, locale: Locale) -> ApiErrorBody {
        let mut body = ApiErrorBody {
            code: String::new(),
            message: String::new(),
            fields: Vec::new(),
            existing_client_id: None,
            retry_after_seconds: None,
        };
        match self {
            Self::App(error) => {
                body.code = variant_code(error);
                body.message = error_text_in(locale, error);
                if let AppError::Invalid(errors) = error {
                    body.fields = errors
                        .0
                        .iter()
                        .map(|(field, problem)| ApiFieldError {
                            field: field.clone(),
                            problem: variant_code(problem),
                            message: problem_text_in(locale, problem),
                        })
                        .collect();
                }
                if let AppError::DuplicateClient { existing, .. } = error {
                    body.existing_client_id = Some(existing.id);
                }
            }
            Self::Refused(refusal) => {
                body.code = variant_code(refusal);
                body.message = api_refusal_text_in(locale, refusal);
                if let ApiRefusal::RateLimited {
                    retry_after_seconds,
                } = refusal
                {
                    body.retry_after_seconds = Some(*retry_after_seconds);
                }
            }
        }
        body
    }
}

/// The status and headers now; the body once [`localize`] knows the caller's language.
impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status == StatusCode::INTERNAL_SERVER_ERROR {
            tracing::error!(error = ?self, "API request failed");
        }
        let mut response = status.into_response();
        let headers = response.headers_mut();
        match &self {
            Self::Refused(ApiRefusal::MissingKey | ApiRefusal::UnknownKey) => {
                headers.insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            Self::Refused(ApiRefusal::RateLimited {
                retry_after_seconds,
            }) => {
                headers.insert(RETRY_AFTER, HeaderValue::from(*retry_after_seconds));
            }
            _ => {}
        }
        response.extensions_mut().insert(self);
        response
    }
}

/// Writes the body of every error answer in the request's language.
pub async fn localize(request: Request, next: Next) -> Response {
    let locale = locale_of(request.headers());
    let mut response = next.run(request).await;
    let Some(error) = response.extensions_mut().remove::<ApiError>() else {
        return response;
    };
    let (mut parts, _) = response.into_parts();
    match serde_json::to_vec(&error.body(locale)) {
        Ok(json) => {
            parts
                .headers
                .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            Response::from_parts(parts, Body::from(json))
        }
        Err(_) => Response::from_parts(parts, Body::empty()),
    }
}

/// French when the caller prefers it to English, else English: the API's users are developers
/// first, the shop's staff second.
pub fn locale_of(headers: &HeaderMap) -> Locale {
    let Some(accepted) = headers
        .get(axum::http::header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok())
    else {
        return Locale::en;
    };
    let mut best: Option<(f32, Locale)> = None;
    for item in accepted.split(',') {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let weight = parts
            .find_map(|part| part.trim().strip_prefix("q="))
            .and_then(|q| q.parse::<f32>().ok())
            .unwrap_or(1.0);
        let locale = match tag.split('-').next() {
            Some("fr") => Locale::fr,
            Some("en") => Locale::en,
            _ => continue,
        };
        if best.is_none_or(|(best_weight, _)| weight > best_weight) {
            best = Some((weight, locale));
        }
    }
    best.map_or(Locale::en, |(_, locale)| locale)
}

/// A stable code from an enum's variant name: `NotEnoughPoints { .. }` → `not_enough_points`.
fn variant_code(value: &impl Serialize) -> String {
    let name = match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        Ok(serde_json::Value::Object(map)) => map.keys().next().cloned().unwrap_or_default(),
        _ => String::new(),
    };
    let mut code = String::with_capacity(name.len() + 4);
    for (index, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if index > 0 {
                code.push('_');
            }
            code.push(c.to_ascii_lowercase());
        } else {
            code.push(c);
        }
    }
    code
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::model::error::FieldProblem;

    #[test]
    fn codes_come_from_the_variants() {
        assert_eq!(variant_code(&AppError::NotFound), "not_found");
        assert_eq!(
            variant_code(&FieldProblem::NotEnoughPoints { balance: 3 }),
            "not_enough_points"
        );
        assert_eq!(
            variant_code(&ApiRefusal::RateLimited {
                retry_after_seconds: 1
            }),
            "rate_limited"
        );
    }

    #[test]
    fn french_only_when_preferred_to_english() {
        let with = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(
                axum::http::header::ACCEPT_LANGUAGE,
                HeaderValue::from_static(value),
            );
            locale_of(&headers)
        };
        assert_eq!(locale_of(&HeaderMap::new()), Locale::en);
        assert_eq!(with("fr-FR,fr;q=0.9,en;q=0.8"), Locale::fr);
        assert_eq!(with("de, en;q=0.5, fr;q=0.4"), Locale::en);
        assert_eq!(with("en;q=0.2, fr-BE;q=0.7"), Locale::fr);
    }
}
