//! What browsers and the service worker may keep: nothing of pages and server functions, the
//! built files for a year under names that change with their content, compressed.

use std::path::{Path, PathBuf};

use crate::support::{TestApp, body_json, body_text};
use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::json;

const WASM: &str = "comptoir.AbCdEfGhIjKlMnOpQrStUv.wasm";

fn cache_control(response: &Response<Body>) -> &str {
    response
        .headers()
        .get(header::CACHE_CONTROL)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("")
}

/// A built site of a few files: a "WebAssembly" file compressible like the real one.
fn scratch_site() -> (PathBuf, Vec<u8>) {
    let root = std::env::temp_dir().join(format!("comptoir-site-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(root.join("pkg")).expect("site folder");
    let mut wasm = b"\0asm\x01\0\0\0".to_vec();
    for index in 0..20_000u32 {
        wasm.extend_from_slice(format!("func_{}_{};", index % 97, index % 13).as_bytes());
    }
    std::fs::write(root.join("pkg").join(WASM), &wasm).expect("wasm");
    std::fs::write(root.join("pkg/comptoir.wasm"), &wasm).expect("unhashed wasm");
    std::fs::write(root.join("manifest.webmanifest"), r#"{"name":"Comptoir"}"#).expect("manifest");
    (root, wasm)
}

async fn get_file(app: &TestApp, path: &str, accept_encoding: Option<&str>) -> Response<Body> {
    let mut request = Request::get(path);
    if let Some(encodings) = accept_encoding {
        request = request.header(header::ACCEPT_ENCODING, encodings);
    }
    app.send(request.body(Body::empty()).expect("request"))
        .await
}

async fn body_bytes(response: Response<Body>) -> Vec<u8> {
    response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes()
        .to_vec()
}

#[tokio::test]
async fn pages_and_server_function_answers_are_never_stored() {
    let (site, _) = scratch_site();
    let app = TestApp::with_site_root(&site).await;
    let cookie = app
        .shop_with_owner("Boulangerie Cache", "cache@exemple.fr")
        .await;
    let client = json!({
        "civility": "mme", "first_name": "Hortense", "last_name": "Privée",
        "email": "hortense@exemple.fr", "phone": "06 12 34 56 78", "address": "",
        "postal_code": "69003", "city": "Lyon", "birth_date": "", "note": ""
    });
    let created = app
        .post_json("client-create", Some(&cookie), json!({ "form": client }))
        .await;
    assert_eq!(created.status(), StatusCode::OK);
    assert_eq!(
        cache_control(&created),
        "no-store",
        "a server function's answer"
    );
    let id = body_json(created).await["id"].as_i64().expect("client id");

    let page = app.get(&format!("/clients/{id}"), Some(&cookie)).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(cache_control(&page), "no-store", "the client's page");
    assert!(body_text(page).await.contains("Hortense"));

    for path in [
        "/clients",
        "/journal",
        "/audit",
        "/equipe",
        "/connexion",
        "/page-inconnue",
    ] {
        let page = app.get(path, Some(&cookie)).await;
        assert_eq!(
            cache_control(&page),
            "no-store",
            "{path} ({})",
            page.status()
        );
    }
    let session = app.post_json("session", Some(&cookie), json!({})).await;
    assert_eq!(session.status(), StatusCode::OK);
    assert_eq!(cache_control(&session), "no-store", "who is signed in");

    let wasm = get_file(&app, &format!("/pkg/{WASM}"), None).await;
    assert_eq!(wasm.status(), StatusCode::OK);
    assert_eq!(cache_control(&wasm), "public, max-age=31536000, immutable");
    let manifest = get_file(&app, "/manifest.webmanifest", None).await;
    assert_eq!(manifest.status(), StatusCode::OK);
    assert_eq!(cache_control(&manifest), "no-cache");
    let worker = get_file(&app, "/sw.js", None).await;
    assert_eq!(worker.status(), StatusCode::OK);
    assert_eq!(
        cache_control(&worker),
        "no-cache",
        "the worker is checked at every load"
    );
    let script = body_text(worker).await;
    assert!(script.contains("\"/pkg/comptoir.wasm\""), "{script}");
    assert!(!script.contains("__PRECACHE__"));
    remove(&site);
}

#[tokio::test]
async fn the_wasm_goes_out_brotli_compressed_and_is_kept_a_year() {
    let (site, wasm) = scratch_site();
    let compressed =
        server::precompress::precompress_site(&site, server::precompress::Effort::Fast)
            .expect("precompress");
    assert!(compressed.iter().any(|file| file.path.ends_with(WASM)));
    let app = TestApp::with_site_root(&site).await;

    let brotli = get_file(
        &app,
        &format!("/pkg/{WASM}"),
        Some("gzip, deflate, br, zstd"),
    )
    .await;
    assert_eq!(brotli.status(), StatusCode::OK);
    assert_eq!(brotli.headers()[header::CONTENT_ENCODING], "br");
    assert_eq!(brotli.headers()[header::CONTENT_TYPE], "application/wasm");
    assert_eq!(
        cache_control(&brotli),
        "public, max-age=31536000, immutable"
    );
    let sent = body_bytes(brotli).await;
    assert!(
        sent.len() < wasm.len() / 10,
        "{} bytes for {}",
        sent.len(),
        wasm.len()
    );
    let mut decoded = Vec::new();
    brotli::BrotliDecompress(&mut sent.as_slice(), &mut decoded).expect("brotli");
    assert_eq!(decoded, wasm);

    let gzip = get_file(&app, &format!("/pkg/{WASM}"), Some("gzip")).await;
    assert_eq!(gzip.headers()[header::CONTENT_ENCODING], "gzip");
    let plain = get_file(&app, &format!("/pkg/{WASM}"), None).await;
    assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
    assert_eq!(body_bytes(plain).await, wasm);

    let unhashed = get_file(&app, "/pkg/comptoir.wasm", Some("br")).await;
    assert_eq!(unhashed.headers()[header::CONTENT_ENCODING], "br");
    assert_eq!(
        cache_control(&unhashed),
        "no-cache",
        "its name stays when it changes"
    );
    let missing = get_file(
        &app,
        "/pkg/comptoir.ZZZZZZZZZZZZZZZZZZZZZZ.wasm",
        Some("br"),
    )
    .await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(cache_control(&missing), "no-store");
    remove(&site);
}

fn remove(site: &Path) {
    std::fs::remove_dir_all(site).ok();
}
