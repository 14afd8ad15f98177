//! The programme's terms through the router, on SQLite and on PostgreSQL: the owner publishes,
//! staff record a client's acceptance, another shop reaches neither.

use axum::http::StatusCode;
use serde_json::json;

use crate::support::{TestApp, body_json, form};

#[tokio::test]
async fn terms_are_published_by_the_owner_and_accepted_inside_their_shop() {
    let app = TestApp::new().await;
    let owner = app
        .shop_with_owner("Salon Lila", "reglement@exemple.fr")
        .await;
    let client_id = app.new_client(&owner).await;
    let client = form(&[("client_id", client_id.to_string().as_str())]);

    let published = app
        .post_json(
            "terms-publish",
            Some(&owner),
            json!({ "form": { "body": "Article 1 : un point par euro." } }),
        )
        .await;
    assert_eq!(published.status(), StatusCode::OK);
    assert_eq!(body_json(published).await["version"], 1);
    let empty = app
        .post_json(
            "terms-publish",
            Some(&owner),
            json!({ "form": { "body": "  " } }),
        )
        .await;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let standing = body_json(app.post_form("client-terms", Some(&owner), &client).await).await;
    assert_eq!(standing["current_version"], 1, "{standing}");
    assert_eq!(standing["accepted"], serde_json::Value::Null);

    let other = app
        .shop_with_owner("Caviste", "autre-reglement@exemple.fr")
        .await;
    let theirs = body_json(
        app.post_form("terms-current", Some(&other), &form(&[]))
            .await,
    )
    .await;
    assert_eq!(
        theirs,
        serde_json::Value::Null,
        "another shop has no terms: {theirs}"
    );
    assert_eq!(
        app.post_form("client-terms", Some(&other), &client)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let accept = json!({ "request": { "client_id": client_id, "version": 1, "source": "Till" } });
    assert_eq!(
        app.post_json("client-terms-accept", Some(&other), accept.clone())
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    let accepted = app
        .post_json("client-terms-accept", Some(&owner), accept)
        .await;
    assert_eq!(accepted.status(), StatusCode::OK);
    let accepted = body_json(accepted).await;
    assert_eq!(accepted["accepted"]["version"], 1, "{accepted}");
    assert_eq!(accepted["accepted"]["source"], "Till");
}
