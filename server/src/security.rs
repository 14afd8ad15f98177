//! Browser-facing protections applied to every response: cross-site request refusal and the
//! security headers, with a fresh script nonce for each page.

use std::sync::Arc;

use app::model::error::AppError;
use axum::extract::{Request, State};
use axum::http::header::{
    CONTENT_SECURITY_POLICY, CONTENT_TYPE, HOST, ORIGIN, REFERER, REFERRER_POLICY,
    STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The nonce of this request's inline scripts, handed to Leptos through the request extensions.
#[derive(Clone)]
pub struct CspNonce(pub Arc<str>);

impl CspNonce {
    fn new() -> Self {
        use base64::Engine as _;
        use rand::RngCore as _;
        let mut bytes = [0u8; 16];
        rand::rng().fill_bytes(&mut bytes);
        Self(
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .encode(bytes)
                .into(),
        )
    }
}

/// What the security layer needs to know about where the app is served.
#[derive(Clone)]
pub struct SecuritySettings {
    /// `scheme://host[:port]` of `PUBLIC_URL`.
    pub public_origin: String,
    pub https: bool,
}

impl SecuritySettings {
    pub fn from_public_url(public_url: &str) -> Self {
        let https = public_url.starts_with("https://");
        let after_scheme = public_url
            .split_once("://")
            .map_or(public_url, |(_, rest)| rest);
        let authority = after_scheme.split('/').next().unwrap_or(after_scheme);
        let scheme = if https { "https" } else { "http" };
        Self {
            public_origin: format!("{scheme}://{authority}").to_ascii_lowercase(),
            https,
        }
    }
}

/// The policy for every response. Scripts run only from this origin or with this request's
/// nonce (the hydration script and the resource data Leptos inlines); `'wasm-unsafe-eval'` lets
/// the browser compile the app's WebAssembly and nothing else.
pub fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
         manifest-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

/// Refuses cross-site state-changing requests, then adds the security headers to the answer.
pub async fn protect(
    State(settings): State<Arc<SecuritySettings>>,
    mut request: Request,
    next: Next,
) -> Response {
    if !is_safe_method(request.method()) && is_cross_site(request.headers(), &settings) {
        tracing::warn!(
            method = %request.method(),
            path = request.uri().path(),
            origin = ?request.headers().get(ORIGIN),
            "cross-site request refused"
        );
        return forbidden();
    }
    let nonce = CspNonce::new();
    request.extensions_mut().insert(nonce.clone());
    let mut response = next.run(request).await;
    add_headers(response.headers_mut(), &nonce, settings.https);
    response
}

/// For the few GET routes that change state (a data report download writes the audit log): a
/// link on another site must not trigger them, so they are refused cross-site like a POST, and
/// also on a foreign `Referer` (our own pages send none: `Referrer-Policy: no-referrer`).
pub async fn refuse_cross_site_read(
    State(settings): State<Arc<SecuritySettings>>,
    request: Request,
    next: Next,
) -> Response {
    let headers = request.headers();
    if is_cross_site(headers, &settings) || has_foreign_referer(headers, &settings) {
        tracing::warn!(
            path = request.uri().path(),
            origin = ?headers.get(ORIGIN),
            "cross-site request refused"
        );
        return forbidden();
    }
    next.run(request).await
}

/// A `Referer` whose origin is not ours; none at all is fine (our pages never send one).
fn has_foreign_referer(headers: &HeaderMap, settings: &SecuritySettings) -> bool {
    let Some(referer) = headers.get(REFERER) else {
        return false;
    };
    let Some((scheme, rest)) = referer.to_str().ok().and_then(|url| url.split_once("://")) else {
        return true;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    !is_own_origin(&format!("{scheme}://{authority}"), headers, settings)
}

fn is_safe_method(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// A browser says where a request comes from with `Sec-Fetch-Site` (every current browser) or
/// `Origin`. A request carrying neither is not from a browser page, so it cannot ride on a
/// user's cookies from another site.
fn is_cross_site(headers: &HeaderMap, settings: &SecuritySettings) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return !matches!(site.as_bytes(), b"same-origin" | b"none");
    }
    match headers.get(ORIGIN).and_then(|origin| origin.to_str().ok()) {
        Some(origin) => !is_own_origin(origin, headers, settings),
        None => false,
    }
}

/// Our origin is `PUBLIC_URL`'s, or the host the request was sent to with `PUBLIC_URL`'s
/// scheme (so `localhost` and `127.0.0.1` both work on a developer's machine).
fn is_own_origin(origin: &str, headers: &HeaderMap, settings: &SecuritySettings) -> bool {
    let origin = origin.to_ascii_lowercase();
    if origin == settings.public_origin {
        return true;
    }
    let host = headers
        .get(HOST)
        .and_then(|host| host.to_str().ok())
        .map(str::to_ascii_lowercase);
    let scheme = if settings.https { "https" } else { "http" };
    match (origin.split_once("://"), host) {
        (Some((origin_scheme, authority)), Some(host)) => {
            origin_scheme == scheme && authority == host
        }
        _ => false,
    }
}

fn forbidden() -> Response {
    let body = serde_json::to_string(&AppError::Forbidden).unwrap_or_default();
    (
        StatusCode::FORBIDDEN,
        [(CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response()
}

fn add_headers(headers: &mut HeaderMap, nonce: &CspNonce, https: bool) {
    if let Ok(policy) = HeaderValue::from_str(&content_security_policy(&nonce.0)) {
        headers.insert(CONTENT_SECURITY_POLICY, policy);
    }
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // Reset links carry their token in the URL: it must never leave in a Referer.
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if https {
        headers.insert(
            STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
}

/// Hands the request's nonce to Leptos, which puts it on the scripts it writes into the page.
pub fn provide_request_nonce() {
    use leptos::prelude::{provide_context, use_context};
    let nonce = use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<CspNonce>().cloned());
    if let Some(CspNonce(value)) = nonce {
        provide_context(leptos::nonce::Nonce::from_value(value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> SecuritySettings {
        SecuritySettings::from_public_url("https://Boutique.example.fr/")
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn the_public_origin_is_scheme_and_authority() {
        assert_eq!(settings().public_origin, "https://boutique.example.fr");
        assert!(settings().https);
        let local = SecuritySettings::from_public_url("http://127.0.0.1:3000");
        assert_eq!(local.public_origin, "http://127.0.0.1:3000");
        assert!(!local.https);
    }

    #[test]
    fn fetch_metadata_decides_when_present() {
        let settings = settings();
        assert!(!is_cross_site(
            &headers(&[("sec-fetch-site", "same-origin")]),
            &settings
        ));
        assert!(!is_cross_site(
            &headers(&[("sec-fetch-site", "none")]),
            &settings
        ));
        assert!(is_cross_site(
            &headers(&[("sec-fetch-site", "cross-site")]),
            &settings
        ));
        assert!(is_cross_site(
            &headers(&[("sec-fetch-site", "same-site")]),
            &settings
        ));
        // An own Origin does not rescue a request the browser calls cross-site.
        assert!(is_cross_site(
            &headers(&[
                ("sec-fetch-site", "cross-site"),
                ("origin", "https://boutique.example.fr")
            ]),
            &settings
        ));
    }

    #[test]
    fn origin_must_be_ours_without_fetch_metadata() {
        let settings = settings();
        assert!(!is_cross_site(
            &headers(&[("origin", "https://boutique.example.fr")]),
            &settings
        ));
        let local = SecuritySettings::from_public_url("http://127.0.0.1:3000");
        assert!(!is_cross_site(
            &headers(&[
                ("origin", "http://localhost:3000"),
                ("host", "localhost:3000")
            ]),
            &local
        ));
        assert!(is_cross_site(
            &headers(&[
                ("origin", "https://evil.example"),
                ("host", "boutique.example.fr")
            ]),
            &settings
        ));
        assert!(is_cross_site(&headers(&[("origin", "null")]), &settings));
        assert!(
            is_cross_site(
                &headers(&[("origin", "http://shop.example"), ("host", "shop.example")]),
                &settings
            ),
            "plain http to an https deployment"
        );
        assert!(!is_cross_site(&headers(&[]), &settings));
    }

    #[test]
    fn the_policy_names_the_nonce_and_locks_the_rest() {
        let policy = content_security_policy("abc");
        for directive in [
            "script-src 'self' 'nonce-abc' 'wasm-unsafe-eval'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ] {
            assert!(
                policy.contains(directive),
                "{directive} missing from {policy}"
            );
        }
        assert!(!policy.contains("unsafe-inline"));
    }
}
