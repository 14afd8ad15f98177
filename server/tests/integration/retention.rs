//! The inactive clients (CNIL retention) through the router, on SQLite and on PostgreSQL: only
//! the owner lists, keeps and erases, only in their own shop.

use axum::http::StatusCode;
use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::json;

use crate::support::{TestApp, body_json};

/// Puts the client's file four years back, with no visit since.
async fn four_years_old(app: &TestApp, client_id: i64) {
    use app::entities::client;
    let found = client::Entity::find_by_id(client_id)
        .one(&app.state.db)
        .await
        .expect("read")
        .expect("client");
    let mut older: client::ActiveModel = found.into();
    older.created_at = Set(Utc::now() - Duration::days(4 * 365));
    older.update(&app.state.db).await.expect("backdate");
}

async fn listed(app: &TestApp, cookie: &str) -> Vec<i64> {
    let answer = app
        .post_json("retention-list", Some(cookie), json!({ "page": 0 }))
        .await;
    assert_eq!(answer.status(), StatusCode::OK);
    body_json(answer).await["clients"]
        .as_array()
        .expect("clients")
        .iter()
        .map(|client| client["id"].as_i64().expect("id"))
        .collect()
}

#[tokio::test]
async fn only_the_owner_lists_keeps_and_erases_and_only_in_their_shop() {
    let app = TestApp::new().await;
    let owner = app
        .shop_with_owner("Boulangerie", "patronne@exemple.fr")
        .await;
    let client = app.new_client(&owner).await;
    four_years_old(&app, client).await;
    let staff = app.staff_of(&owner, "vendeuse@exemple.fr").await;
    let neighbour = app.shop_with_owner("Fromagerie", "voisin@exemple.fr").await;

    assert_eq!(listed(&app, &owner).await, vec![client]);
    assert!(listed(&app, &neighbour).await.is_empty());

    for endpoint in ["retention-keep", "retention-erase"] {
        let elsewhere = app
            .post_json(endpoint, Some(&neighbour), json!({ "client_id": client }))
            .await;
        assert_eq!(elsewhere.status(), StatusCode::NOT_FOUND, "{endpoint}");
        let by_staff = app
            .post_json(endpoint, Some(&staff), json!({ "client_id": client }))
            .await;
        assert_eq!(by_staff.status(), StatusCode::FORBIDDEN, "{endpoint}");
    }
    let staff_list = app
        .post_json("retention-list", Some(&staff), json!({ "page": 0 }))
        .await;
    assert_eq!(staff_list.status(), StatusCode::FORBIDDEN);
    assert_eq!(listed(&app, &owner).await, vec![client]);

    let refused = app
        .post_json(
            "retention-settings",
            Some(&owner),
            json!({ "settings": { "years": 0, "auto_erase": true } }),
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let saved = app
        .post_json(
            "retention-settings",
            Some(&owner),
            json!({ "settings": { "years": 5, "auto_erase": false } }),
        )
        .await;
    assert_eq!(saved.status(), StatusCode::OK);
    // Four years is within five: nobody is listed any more, and nobody can be erased as inactive.
    assert!(listed(&app, &owner).await.is_empty());
    let not_inactive = app
        .post_json(
            "retention-erase",
            Some(&owner),
            json!({ "client_id": client }),
        )
        .await;
    assert_eq!(not_inactive.status(), StatusCode::NOT_FOUND);

    app.post_json(
        "retention-settings",
        Some(&owner),
        json!({ "settings": { "years": 3, "auto_erase": false } }),
    )
    .await;
    let erased = app
        .post_json(
            "retention-erase",
            Some(&owner),
            json!({ "client_id": client }),
        )
        .await;
    assert_eq!(erased.status(), StatusCode::OK);
    assert!(listed(&app, &owner).await.is_empty());
}
