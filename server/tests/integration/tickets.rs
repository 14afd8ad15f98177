//! Tickets through the router, on SQLite and on PostgreSQL: written on a purchase once, shown
//! with the client's visits, and out of reach of another shop for every endpoint.

use axum::http::StatusCode;
use serde_json::json;
use uuid::Uuid;

use crate::support::{TestApp, body_json, form};

#[tokio::test]
async fn a_purchase_carries_its_ticket_inside_its_shop() {
    let app = TestApp::new().await;
    let owner = app
        .shop_with_owner("Salon Lila", "tickets@exemple.fr")
        .await;
    let client_id = app.new_client(&owner).await;
    let recorded = app
        .post_json(
            "transaction-record",
            Some(&owner),
            json!({ "request": {
                "client_id": client_id,
                "form": { "points": "10", "amount": "45", "items": "" },
                "idempotency_key": Uuid::new_v4(),
            } }),
        )
        .await;
    assert_eq!(recorded.status(), StatusCode::OK);
    let entry_id = body_json(recorded).await["transaction"]["id"]
        .as_i64()
        .expect("entry id");
    let ticket = json!({ "form": {
        "entry_id": entry_id,
        "reference": "T-001",
        "lines": [{ "kind": "Service", "label": "Coupe", "quantity": "", "price": "25" }],
    } });

    let other = app
        .shop_with_owner("Caviste", "autre-ticket@exemple.fr")
        .await;
    let written = app
        .post_json("ticket-write", Some(&other), ticket.clone())
        .await;
    assert_eq!(written.status(), StatusCode::NOT_FOUND);
    let listed = app
        .post_form(
            "client-visits",
            Some(&other),
            &form(&[("client_id", client_id.to_string().as_str())]),
        )
        .await;
    assert_eq!(listed.status(), StatusCode::NOT_FOUND);

    let written = app
        .post_json("ticket-write", Some(&owner), ticket.clone())
        .await;
    assert_eq!(written.status(), StatusCode::OK);
    let visits = body_json(written).await;
    assert_eq!(
        visits["visits"][0]["ticket"]["reference"], "T-001",
        "{visits}"
    );
    assert_eq!(visits["top_services"][0]["label"], "Coupe");
    let again = app.post_json("ticket-write", Some(&owner), ticket).await;
    assert_eq!(
        again.status(),
        StatusCode::CONFLICT,
        "one ticket per purchase"
    );
}
