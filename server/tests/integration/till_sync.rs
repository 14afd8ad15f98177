//! The offline till through the router, on SQLite and on PostgreSQL: a device's sync answers its
//! own shop's clients only, to a signed-in member; the till's page, which the service worker
//! keeps, is rendered with no one's data.

use axum::http::StatusCode;
use serde_json::json;

use crate::support::{TestApp, body_json, body_text};

#[tokio::test]
async fn a_device_syncs_its_own_shops_clients_only() {
    let app = TestApp::new().await;
    let owner = app
        .shop_with_owner("Boulangerie Morel", "caisse@exemple.fr")
        .await;
    let client_id = app.new_client(&owner).await;

    let anonymous = app
        .post_json("client-changes", None, json!({ "since": null }))
        .await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);

    let first = app
        .post_json("client-changes", Some(&owner), json!({ "since": null }))
        .await;
    assert_eq!(first.status(), StatusCode::OK);
    let first = body_json(first).await;
    assert_eq!(first["clients"][0]["row"]["id"], client_id, "{first}");
    assert_eq!(first["clients"][0]["row"]["last_name"], "Morel");
    assert!(
        first["clients"][0].get("note").is_none() && !first.to_string().contains("\"note\""),
        "a device never gets notes: {first}"
    );
    assert_eq!(first["more"], false);

    // The cursor comes back as it went.
    let again = app
        .post_json(
            "client-changes",
            Some(&owner),
            json!({ "since": first["next"] }),
        )
        .await;
    assert_eq!(again.status(), StatusCode::OK);

    let other = app
        .shop_with_owner("Caviste", "autre-caisse@exemple.fr")
        .await;
    let theirs = app
        .post_json("client-changes", Some(&other), json!({ "since": null }))
        .await;
    let theirs = body_json(theirs).await;
    assert_eq!(theirs["clients"], json!([]), "{theirs}");
}

#[tokio::test]
async fn the_till_page_holds_no_ones_data() {
    let app = TestApp::new().await;
    let owner = app
        .shop_with_owner("Fournil Dupuis", "page-caisse@exemple.fr")
        .await;
    app.new_client(&owner).await;
    for cookie in [None, Some(owner.as_str())] {
        let page = app.get("/caisse", cookie).await;
        assert_eq!(page.status(), StatusCode::OK);
        let html = body_text(page).await;
        assert!(html.contains("Caisse"), "{html}");
        assert!(
            !html.contains("Morel"),
            "a client's name in the till's page: {html}"
        );
    }
    // The copy the worker keeps is fetched without the session: not even the shop is named.
    let kept = body_text(app.get("/caisse", None).await).await;
    assert!(!kept.contains("Dupuis"), "{kept}");
    let worker = body_text(app.get("/sw.js", None).await).await;
    assert!(worker.contains("const TILL_PAGE = \"/caisse\""));
}
