//! The client data report download through the router: it writes the audit log, so another
//! site must not be able to trigger it, and its audit row names the real client address.

use app::entities::audit_event;
use app::model::audit::AuditKind;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use crate::support::{TestApp, body_json};

async fn client(app: &TestApp, cookie: &str) -> i64 {
    let response = app
        .post_json(
            "client-create",
            Some(cookie),
            json!({ "form": {
                "civility": "mme", "first_name": "Hélène", "last_name": "Dupont",
                "email": "helene@exemple.fr", "phone": "", "address": "", "postal_code": "",
                "city": "", "birth_date": "", "note": ""
            } }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    body_json(response).await["id"].as_i64().expect("client id")
}

/// The export of `client_id` with these extra request headers.
async fn export(
    app: &TestApp,
    cookie: &str,
    client_id: i64,
    headers: &[(&str, &str)],
) -> axum::http::Response<Body> {
    let mut request = Request::get(format!("/export/client/{client_id}/csv"))
        .header(header::COOKIE, cookie)
        .header(header::HOST, "127.0.0.1:3000");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    app.send(request.body(Body::empty()).expect("request"))
        .await
}

async fn exports_audited(app: &TestApp) -> Vec<audit_event::Model> {
    audit_event::Entity::find()
        .filter(audit_event::Column::Kind.eq(AuditKind::DataExported.code()))
        .all(&app.state.db)
        .await
        .expect("audit")
}

#[tokio::test]
async fn a_cross_site_export_is_refused_and_leaves_no_audit_row() {
    let app = TestApp::new().await;
    let cookie = app.shop_with_owner("Boulangerie", "a@exemple.fr").await;
    let client_id = client(&app, &cookie).await;
    for headers in [
        vec![("sec-fetch-site", "cross-site")],
        vec![("sec-fetch-site", "same-site")],
        vec![("origin", "https://ailleurs.example")],
        vec![("referer", "https://ailleurs.example/piege.html")],
        // A browser's fetch metadata says same-origin, but the page it came from is foreign.
        vec![
            ("sec-fetch-site", "same-origin"),
            ("referer", "https://ailleurs.example/piege.html"),
        ],
    ] {
        let answer = export(&app, &cookie, client_id, &headers).await;
        assert_eq!(answer.status(), StatusCode::FORBIDDEN, "{headers:?}");
    }
    assert!(exports_audited(&app).await.is_empty());

    // From the app's own page, or typed in the address bar, it works and is audited.
    for headers in [
        vec![("sec-fetch-site", "same-origin")],
        vec![("sec-fetch-site", "none")],
        vec![("referer", "http://127.0.0.1:3000/clients/1")],
        vec![],
    ] {
        let answer = export(&app, &cookie, client_id, &headers).await;
        assert_eq!(answer.status(), StatusCode::OK, "{headers:?}");
    }
    assert_eq!(exports_audited(&app).await.len(), 4);
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_export_audit_row_names_the_forwarded_address() {
    let app = TestApp::with_config(|config| config.trust_forwarded_for = true).await;
    let cookie = app.shop_with_owner("Boulangerie", "a@exemple.fr").await;
    let client_id = client(&app, &cookie).await;
    let answer = export(
        &app,
        &cookie,
        client_id,
        &[
            ("sec-fetch-site", "same-origin"),
            ("x-forwarded-for", "10.9.8.7, 203.0.113.42"),
        ],
    )
    .await;
    assert_eq!(answer.status(), StatusCode::OK);
    let audited = exports_audited(&app).await;
    assert_eq!(audited.len(), 1);
    assert_eq!(audited[0].source, "203.0.113.42");
}

#[tokio::test]
async fn without_a_trusted_proxy_a_forwarded_address_is_not_believed() {
    let app = TestApp::new().await;
    let cookie = app.shop_with_owner("Boulangerie", "a@exemple.fr").await;
    let client_id = client(&app, &cookie).await;
    let answer = export(
        &app,
        &cookie,
        client_id,
        &[("x-forwarded-for", "203.0.113.42")],
    )
    .await;
    assert_eq!(answer.status(), StatusCode::OK);
    assert_ne!(exports_audited(&app).await[0].source, "203.0.113.42");
}
