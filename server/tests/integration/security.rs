//! Cross-site requests and security headers, through the whole router.

use crate::support::{TestApp, body_text, form};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::json;

/// A server function called the way a page on another site would: with the victim's cookie.
async fn post_from(
    app: &TestApp,
    endpoint: &str,
    cookie: &str,
    origin_headers: &[(&str, &str)],
    body: serde_json::Value,
) -> StatusCode {
    let mut request = Request::post(format!("/api/{endpoint}"))
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT, "application/json")
        .header(header::HOST, "127.0.0.1:3000")
        .header(header::COOKIE, cookie);
    for (name, value) in origin_headers {
        request = request.header(*name, *value);
    }
    app.send(request.body(Body::from(body.to_string())).expect("request"))
        .await
        .status()
}

fn new_client(last_name: &str) -> serde_json::Value {
    json!({ "form": {
        "civility": "mme", "first_name": "Lucie", "last_name": last_name,
        "email": format!("{}@exemple.fr", last_name.to_lowercase()), "phone": "",
        "address": "", "postal_code": "", "city": "", "birth_date": "", "note": ""
    }})
}

async fn clients_named(app: &TestApp, cookie: &str, query: &str) -> usize {
    let response = app
        .post_form("clients-search", Some(cookie), &form(&[("query", query)]))
        .await;
    let page = crate::support::body_json(response).await;
    page["rows"].as_array().map_or(0, Vec::len)
}

#[tokio::test]
async fn a_cross_site_request_is_refused_and_changes_nothing() {
    let app = TestApp::new().await;
    let cookie = app.shop_with_owner("Boulangerie", "csrf@exemple.fr").await;

    for headers in [
        vec![("sec-fetch-site", "cross-site")],
        vec![("sec-fetch-site", "same-site")],
        vec![("origin", "https://evil.example")],
        vec![("origin", "null")],
    ] {
        let status = post_from(
            &app,
            "client-create",
            &cookie,
            &headers,
            new_client("Pirate"),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{headers:?}");
    }
    assert_eq!(clients_named(&app, &cookie, "Pirate").await, 0);

    // The same call from the app's own pages goes through.
    for (headers, last_name) in [
        (
            vec![
                ("sec-fetch-site", "same-origin"),
                ("origin", "http://127.0.0.1:3000"),
            ],
            "Maison",
        ),
        (vec![("origin", "http://127.0.0.1:3000")], "Maisonneuve"),
    ] {
        let status = post_from(
            &app,
            "client-create",
            &cookie,
            &headers,
            new_client(last_name),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{headers:?}");
    }
    assert_eq!(clients_named(&app, &cookie, "Maison").await, 2);
}

#[tokio::test]
async fn a_cross_site_login_form_is_refused() {
    let app = TestApp::new().await;
    app.shop_with_owner("Boulangerie", "login-csrf@exemple.fr")
        .await;
    let request = Request::post("/api/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "cross-site")
        .body(Body::from(form(&[
            ("email", "login-csrf@exemple.fr"),
            ("password", crate::support::PASSWORD),
        ])))
        .expect("request");
    let response = app.send(request).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(crate::support::set_cookie_header(&response).is_none());
}

#[tokio::test]
async fn no_server_function_answers_a_get() {
    let app = TestApp::new().await;
    let cookie = app.shop_with_owner("Boulangerie", "get@exemple.fr").await;
    // Every server function the app registers, so a new one is checked without a list to keep.
    let endpoints: Vec<_> = leptos::server_fn::axum::server_fn_paths().collect();
    assert!(endpoints.len() >= 20, "{endpoints:?}");
    for (path, method) in endpoints {
        assert_eq!(method, Method::POST, "{path} must not answer GET");
        let request = Request::builder()
            .method(Method::GET)
            .uri(format!("{path}?first_name=Get&last_name=Get"))
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .expect("request");
        let status = app.send(request).await.status();
        assert!(
            status == StatusCode::METHOD_NOT_ALLOWED || status == StatusCode::NOT_FOUND,
            "GET {path} answered {status}"
        );
    }
    // Logout by GET did nothing: the session still works.
    assert_eq!(clients_named(&app, &cookie, "Get").await, 0);
    let still_signed_in = app.get("/clients", Some(&cookie)).await;
    assert_eq!(still_signed_in.status(), StatusCode::OK);
}

#[tokio::test]
async fn pages_carry_a_nonce_policy_that_matches_their_scripts() {
    let app = TestApp::new().await;
    let response = app.get("/connexion", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    let policy = headers
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|value| value.to_str().ok())
        .expect("a Content-Security-Policy")
        .to_owned();
    for directive in [
        "'wasm-unsafe-eval'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ] {
        assert!(policy.contains(directive), "{directive} missing: {policy}");
    }
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(headers[header::REFERRER_POLICY], "no-referrer");
    assert!(
        headers.get(header::STRICT_TRANSPORT_SECURITY).is_none(),
        "no HSTS over plain http"
    );

    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in the policy");
    let html = body_text(response).await;
    // An empty `<script></script>` runs nothing, so the browser does not check it.
    let scripts = html.matches("<script").count() - html.matches("<script></script>").count();
    assert!(scripts > 0, "the page has its hydration script");
    assert_eq!(
        html.matches(&format!("nonce=\"{nonce}\"")).count(),
        scripts,
        "every script carries this response's nonce"
    );

    let again = app.get("/connexion", None).await;
    let other = again.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert_ne!(policy, other, "a new nonce for each response");
}

#[tokio::test]
async fn https_deployments_get_strict_transport_security() {
    let app =
        TestApp::with_config(|config| config.public_url = "https://boutique.example.fr".into())
            .await;
    let response = app.get("/connexion", None).await;
    let hsts = response
        .headers()
        .get(header::STRICT_TRANSPORT_SECURITY)
        .expect("HSTS over https");
    assert!(hsts.to_str().expect("ascii").starts_with("max-age="));
}
