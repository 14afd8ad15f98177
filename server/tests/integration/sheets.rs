//! Technical sheets through the router, on SQLite and on PostgreSQL: written and corrected by
//! the shop's staff, refused empty, and out of reach of another shop for every endpoint.

use axum::http::StatusCode;
use serde_json::json;

use crate::support::{TestApp, body_json, form};

#[tokio::test]
async fn sheets_are_written_corrected_and_kept_inside_their_shop() {
    let app = TestApp::new().await;
    let owner = app.shop_with_owner("Salon Lila", "fiches@exemple.fr").await;
    let client_id = app.new_client(&owner).await;

    let written = app
        .post_json(
            "client-sheet-write",
            Some(&owner),
            json!({ "form": { "client_id": client_id, "formula": "6.3 + 7.43", "products": "", "pose_minutes": "35", "remarks": "" } }),
        )
        .await;
    assert_eq!(written.status(), StatusCode::OK);
    let sheet = body_json(written).await;
    let sheet_id = sheet["id"].as_i64().expect("id");
    assert_eq!(sheet["pose_minutes"], 35);
    assert_eq!(sheet["editable"], true);

    let empty = app
        .post_json(
            "client-sheet-write",
            Some(&owner),
            json!({ "form": { "client_id": client_id, "formula": " ", "products": "", "pose_minutes": "", "remarks": "" } }),
        )
        .await;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let refusal = body_json(empty).await;
    assert_eq!(refusal["Invalid"][0][0], "formula", "{refusal}");

    let corrected = app
        .post_json(
            "client-sheet-correct",
            Some(&owner),
            json!({ "sheet_id": sheet_id, "form": { "client_id": client_id, "formula": "6.34", "products": "", "pose_minutes": "", "remarks": "Sensible" } }),
        )
        .await;
    assert_eq!(corrected.status(), StatusCode::OK);

    let other = app
        .shop_with_owner("Caviste", "autre-fiche@exemple.fr")
        .await;
    let listed = app
        .post_form(
            "client-sheets",
            Some(&other),
            &form(&[("client_id", client_id.to_string().as_str())]),
        )
        .await;
    assert_eq!(listed.status(), StatusCode::NOT_FOUND);
    let written = app
        .post_json(
            "client-sheet-write",
            Some(&other),
            json!({ "form": { "client_id": client_id, "formula": "1.0", "products": "", "pose_minutes": "", "remarks": "" } }),
        )
        .await;
    assert_eq!(written.status(), StatusCode::NOT_FOUND);
    let corrected = app
        .post_json(
            "client-sheet-correct",
            Some(&other),
            json!({ "sheet_id": sheet_id, "form": { "client_id": client_id, "formula": "1.0", "products": "", "pose_minutes": "", "remarks": "" } }),
        )
        .await;
    assert_eq!(corrected.status(), StatusCode::NOT_FOUND);

    let listed = app
        .post_form(
            "client-sheets",
            Some(&owner),
            &form(&[("client_id", client_id.to_string().as_str())]),
        )
        .await;
    assert_eq!(listed.status(), StatusCode::OK);
    let sheets = body_json(listed).await;
    assert_eq!(sheets.as_array().map(Vec::len), Some(1), "{sheets}");
    assert_eq!(sheets[0]["formula"], "6.34");
    assert_eq!(sheets[0]["remarks"], "Sensible");
    assert_eq!(sheets[0]["pose_minutes"], serde_json::Value::Null);
    assert_eq!(sheets[0]["corrected"], true);
}
