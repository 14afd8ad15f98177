//! The downloads through the router: each writes the audit log, so another site must not be
//! able to trigger one, and its audit row names the real client address. The owner's client
//! list and transactions open in Excel in French or as plain data.

use app::entities::audit_event;
use app::model::audit::AuditKind;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use crate::support::{TestApp, body_text};

/// The export of `client_id` with these extra request headers.
async fn export(
    app: &TestApp,
    cookie: &str,
    client_id: i64,
    headers: &[(&str, &str)],
) -> axum::http::Response<Body> {
    download(
        app,
        cookie,
        &format!("/export/client/{client_id}/csv"),
        headers,
    )
    .await
}

/// A download at `path`, as a link on the app's page or in the address bar would ask for it.
async fn download(
    app: &TestApp,
    cookie: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> axum::http::Response<Body> {
    let mut request = Request::get(path)
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
    let client_id = app.new_client(&cookie).await;
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
    let client_id = app.new_client(&cookie).await;
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
    let client_id = app.new_client(&cookie).await;
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

fn header_of(response: &axum::http::Response<Body>, name: header::HeaderName) -> String {
    response
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn the_owner_downloads_clients_and_transactions_for_excel_or_as_data() {
    let app = TestApp::new().await;
    let cookie = app.shop_with_owner("Boulangerie", "a@exemple.fr").await;
    let client_id = app.new_client(&cookie).await;
    let recorded = app
        .post_json(
            "transaction-record",
            Some(&cookie),
            json!({ "request": {
                "client_id": client_id,
                "form": { "points": "12", "amount": "12,50" },
                "idempotency_key": "5f0c7a5e-2d7b-4c59-9a43-3f1f6f0d2a11",
            }}),
        )
        .await;
    assert_eq!(recorded.status(), StatusCode::OK);
    let same_origin = [("sec-fetch-site", "same-origin")];

    let excel = download(&app, &cookie, "/export/clients?format=excel", &same_origin).await;
    assert_eq!(excel.status(), StatusCode::OK);
    assert_eq!(
        header_of(&excel, header::CONTENT_TYPE),
        "text/csv; charset=utf-8"
    );
    assert!(
        header_of(&excel, header::CONTENT_DISPOSITION)
            .starts_with("attachment; filename=\"clients-")
    );
    assert_eq!(header_of(&excel, header::CACHE_CONTROL), "no-store");
    let text = body_text(excel).await;
    assert!(
        text.starts_with("\u{feff}N° client;Civilité;Prénom;Nom;"),
        "{text:.80}"
    );
    assert!(text.contains(";Léa;Morel;lea@exemple.fr;"), "{text}");

    let data =
        body_text(download(&app, &cookie, "/export/clients?format=csv", &same_origin).await).await;
    assert!(
        data.starts_with("id,civility,first_name,last_name,"),
        "{data:.80}"
    );

    let month = body_text(
        download(
            &app,
            &cookie,
            &format!("/export/transactions?format=excel&client={client_id}"),
            &same_origin,
        )
        .await,
    )
    .await;
    assert!(month.contains(";Achat;12;12,50;"), "{month}");

    for (path, status) in [
        (
            "/export/clients?format=xml",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "/export/transactions?du=hier",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "/export/transactions?client=douze",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        ("/export/transactions?client=999999", StatusCode::NOT_FOUND),
    ] {
        let answer = download(&app, &cookie, path, &same_origin).await;
        assert_eq!(answer.status(), status, "{path}");
    }
    let refused = download(
        &app,
        &cookie,
        "/export/clients",
        &[("sec-fetch-site", "cross-site")],
    )
    .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);

    let staff = app.staff_of(&cookie, "vendeuse@exemple.fr").await;
    for path in ["/export/clients", "/export/transactions"] {
        let answer = download(&app, &staff, path, &same_origin).await;
        assert_eq!(answer.status(), StatusCode::FORBIDDEN, "staff, {path}");
    }
    let nobody = app
        .send(
            Request::get("/export/clients")
                .header(header::HOST, "127.0.0.1:3000")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(nobody.status(), StatusCode::UNAUTHORIZED);

    let audited = audit_event::Entity::find()
        .filter(audit_event::Column::Kind.is_in([
            AuditKind::ClientsExported.code(),
            AuditKind::TransactionsExported.code(),
        ]))
        .all(&app.state.db)
        .await
        .expect("audit");
    assert_eq!(
        audited.len(),
        3,
        "each download that was made, and only those"
    );
}
