//! Importing a client list through the router, on SQLite and on PostgreSQL: the file posted
//! as a browser's form does, the reasons a file is refused, the run in the background, the
//! refused rows' download, and nobody but the shop's owner near any of it.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;

use crate::support::{TestApp, body_json, body_text};

const BOUNDARY: &str = "comptoir-test-boundary";

/// A client list as Excel saves it in France: Windows-1252, `;`, a date, a phone without its
/// zero, an invalid row.
const LIST: &[u8] = b"Nom;Pr\xe9nom;T\xe9l\xe9phone;E-mail;Date de naissance;Points\r\n\
Morel;L\xe9a;612345678;lea@exemple.fr;12/03/1985;120\r\n\
Durand;Paul;;paul@exemple.fr;;\r\n\
Petit;Anne;;anne@exemple.fr;31/02/1990;\r\n";

fn multipart(file_name: &str, content: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"fichier\"; filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

async fn post_file(
    app: &TestApp,
    cookie: &str,
    file_name: &str,
    content: &[u8],
) -> (StatusCode, String) {
    let request = Request::post("/import-clients/envoi")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header(header::COOKIE, cookie)
        .body(Body::from(multipart(file_name, content)))
        .expect("request");
    let answer = app.send(request).await;
    let location = answer
        .headers()
        .get(header::LOCATION)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (answer.status(), location)
}

async fn view(app: &TestApp, cookie: &str, import_id: i64) -> (StatusCode, serde_json::Value) {
    let answer = app
        .post_json(
            "import-view",
            Some(cookie),
            json!({ "import_id": import_id }),
        )
        .await;
    let status = answer.status();
    (status, body_json(answer).await)
}

#[tokio::test]
async fn an_owner_uploads_checks_and_imports_a_list_and_downloads_the_refused_rows() {
    let app = TestApp::new().await;
    let owner = app
        .shop_with_owner("Boulangerie", "patronne@exemple.fr")
        .await;
    let (status, location) = post_file(&app, &owner, "clients.csv", LIST).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let import_id: i64 = location
        .strip_prefix("/import-clients/")
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("opens the import's page, not {location}"));

    let (status, draft) = view(&app, &owner, import_id).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(draft["status"], "Draft");
    assert_eq!(draft["headers"][1], "Prénom");
    assert_eq!(
        draft["counts"],
        json!({ "new": 2, "duplicate": 0, "invalid": 1 })
    );

    let started = app
        .post_json(
            "import-start",
            Some(&owner),
            json!({ "import_id": import_id }),
        )
        .await;
    assert_eq!(started.status(), StatusCode::OK);
    let mut done = serde_json::Value::Null;
    for _ in 0..200 {
        let (_, now) = view(&app, &owner, import_id).await;
        if now["status"] == "Done" {
            done = now;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(done["summary"]["created"], 2, "{done}");
    assert_eq!(done["summary"]["refused"], 1, "{done}");

    let download = app
        .get(
            &format!("/import-clients/{import_id}/refus.csv"),
            Some(&owner),
        )
        .await;
    assert_eq!(download.status(), StatusCode::OK);
    let text = body_text(download).await;
    assert!(text.contains("4;Date de naissance : "), "{text}");
    assert!(text.contains("Petit;Anne"), "{text}");

    let listed = app.post_json("import-list", Some(&owner), json!({})).await;
    assert_eq!(body_json(listed).await[0]["summary"]["created"], 2);
}

#[tokio::test]
async fn files_that_are_no_client_list_go_back_to_the_form_with_the_reason() {
    let app = TestApp::new().await;
    let owner = app
        .shop_with_owner("Boulangerie", "patronne@exemple.fr")
        .await;
    let refused = |code: &str| {
        (
            StatusCode::SEE_OTHER,
            format!("/import-clients?erreur={code}"),
        )
    };
    assert_eq!(
        post_file(&app, &owner, "vide.csv", b"").await,
        refused("vide")
    );
    assert_eq!(
        post_file(&app, &owner, "entete.csv", b"Nom;Prenom\r\n").await,
        refused("vide")
    );
    assert_eq!(
        post_file(&app, &owner, "clients.xlsx", b"PK\x03\x04\x14\x00\x06\x00").await,
        refused("pas-csv")
    );
    assert_eq!(
        post_file(&app, &owner, "", b"").await,
        refused("aucun-fichier")
    );
    let huge = vec![b'a'; app::model::imports::MAX_IMPORT_BYTES + 200 * 1024];
    assert_eq!(
        post_file(&app, &owner, "enorme.csv", &huge).await,
        refused("trop-gros")
    );
    let listed = app.post_json("import-list", Some(&owner), json!({})).await;
    assert_eq!(body_json(listed).await, json!([]), "nothing was kept");
}

#[tokio::test]
async fn only_the_owner_imports_and_only_into_their_shop() {
    let app = TestApp::new().await;
    let owner = app
        .shop_with_owner("Boulangerie", "patronne@exemple.fr")
        .await;
    let staff = app.staff_of(&owner, "vendeuse@exemple.fr").await;
    let neighbour = app.shop_with_owner("Fromagerie", "voisin@exemple.fr").await;
    let (_, location) = post_file(&app, &owner, "clients.csv", LIST).await;
    let import_id: i64 = location
        .rsplit('/')
        .next()
        .and_then(|id| id.parse().ok())
        .expect("import id");

    let (status, _) = post_file(&app, &staff, "clients.csv", LIST).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(view(&app, &staff, import_id).await.0, StatusCode::FORBIDDEN);
    assert_eq!(
        view(&app, &neighbour, import_id).await.0,
        StatusCode::NOT_FOUND
    );
    for (endpoint, body) in [
        ("import-start", json!({ "import_id": import_id })),
        (
            "import-mapping",
            json!({ "import_id": import_id, "mapping": ["Ignore"] }),
        ),
    ] {
        let answer = app.post_json(endpoint, Some(&neighbour), body).await;
        assert_eq!(answer.status(), StatusCode::NOT_FOUND, "{endpoint}");
    }
    let download = app
        .get(
            &format!("/import-clients/{import_id}/refus.csv"),
            Some(&neighbour),
        )
        .await;
    assert_eq!(download.status(), StatusCode::NOT_FOUND);
    assert_eq!(view(&app, &owner, import_id).await.1["status"], "Draft");
}
