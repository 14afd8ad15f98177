//! Gift cards through the router, on SQLite and on PostgreSQL: sold once per key, spent never
//! below zero, cancelled by the owner, and out of reach of another shop for every endpoint.

use axum::http::StatusCode;
use serde_json::json;
use uuid::Uuid;

use crate::support::{TestApp, body_json, form};

#[tokio::test]
async fn gift_cards_are_sold_spent_and_kept_inside_their_shop() {
    let app = TestApp::new().await;
    let owner = app
        .shop_with_owner("Fleurs Lila", "cadeaux@exemple.fr")
        .await;
    let buyer_id = app.new_client(&owner).await;
    let sale = json!({ "request": {
        "form": {
            "amount": "40",
            "buyer_client_id": buyer_id,
            "beneficiary_client_id": null,
            "beneficiary_name": "Chloé",
            "valid_until": "",
        },
        "idempotency_key": Uuid::new_v4(),
    } });
    let sold = app
        .post_json("gift-card-sell", Some(&owner), sale.clone())
        .await;
    assert_eq!(sold.status(), StatusCode::OK);
    let card = body_json(sold).await;
    let code = card["code"].as_str().expect("code").to_owned();
    let again = body_json(app.post_json("gift-card-sell", Some(&owner), sale).await).await;
    assert_eq!(
        again["code"],
        code.as_str(),
        "a retried sale sells one card"
    );

    let too_much = app
        .post_json(
            "gift-card-spend",
            Some(&owner),
            json!({ "request": { "code": code, "amount": "45", "idempotency_key": Uuid::new_v4() } }),
        )
        .await;
    assert_eq!(too_much.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let refusal = body_json(too_much).await;
    assert_eq!(
        refusal["Invalid"][0][1]["NotEnoughOnGiftCard"]["balance_cents"], 4000,
        "{refusal}"
    );

    let other = app
        .shop_with_owner("Caviste", "autre-cadeau@exemple.fr")
        .await;
    let found = app
        .post_form("gift-card", Some(&other), &form(&[("code", code.as_str())]))
        .await;
    assert_eq!(found.status(), StatusCode::NOT_FOUND);
    let spent = app
        .post_json(
            "gift-card-spend",
            Some(&other),
            json!({ "request": { "code": code, "amount": "5", "idempotency_key": Uuid::new_v4() } }),
        )
        .await;
    assert_eq!(spent.status(), StatusCode::NOT_FOUND);
    let cancelled = app
        .post_json(
            "gift-card-cancel",
            Some(&other),
            json!({ "code": code, "reason": "x" }),
        )
        .await;
    assert_eq!(cancelled.status(), StatusCode::NOT_FOUND);
    let listed = app
        .post_form(
            "client-gift-cards",
            Some(&other),
            &form(&[("client_id", buyer_id.to_string().as_str())]),
        )
        .await;
    assert_eq!(listed.status(), StatusCode::NOT_FOUND);
    let sold_for_theirs = app
        .post_json(
            "gift-card-sell",
            Some(&other),
            json!({ "request": {
                "form": { "amount": "10", "buyer_client_id": buyer_id, "beneficiary_client_id": null, "beneficiary_name": "x", "valid_until": "" },
                "idempotency_key": Uuid::new_v4(),
            } }),
        )
        .await;
    assert_eq!(sold_for_theirs.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let recent = body_json(
        app.post_form("gift-cards-recent", Some(&other), &form(&[]))
            .await,
    )
    .await;
    assert_eq!(recent.as_array().map(Vec::len), Some(0), "{recent}");

    let spent = app
        .post_json(
            "gift-card-spend",
            Some(&owner),
            json!({ "request": { "code": code, "amount": "15", "idempotency_key": Uuid::new_v4() } }),
        )
        .await;
    assert_eq!(spent.status(), StatusCode::OK);
    assert_eq!(body_json(spent).await["balance_cents"], 2500);
    let cancelled = app
        .post_json(
            "gift-card-cancel",
            Some(&owner),
            json!({ "code": code, "reason": "Carte perdue" }),
        )
        .await;
    assert_eq!(cancelled.status(), StatusCode::OK);
    let card = body_json(cancelled).await;
    assert_eq!(card["state"], "Cancelled");
    let listed = body_json(
        app.post_form(
            "client-gift-cards",
            Some(&owner),
            &form(&[("client_id", buyer_id.to_string().as_str())]),
        )
        .await,
    )
    .await;
    assert_eq!(listed[0]["bought"], true, "{listed}");
}
