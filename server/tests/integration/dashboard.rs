//! The dashboard through the whole router: the owner's alone, each shop's own figures, typed
//! dates checked field by field.

use crate::support::{TestApp, body_text};
use axum::http::StatusCode;
use serde_json::{Value, json};

async fn dashboard(app: &TestApp, cookie: &str, query: Value) -> (StatusCode, Value) {
    let answer = app
        .post_json("dashboard", Some(cookie), json!({ "query": query }))
        .await;
    let status = answer.status();
    let text = body_text(answer).await;
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

fn last_week() -> Value {
    json!({ "period": "Week", "from": "", "to": "" })
}

#[tokio::test]
async fn the_dashboard_is_the_owners_and_shows_the_shops_own_figures() {
    let app = TestApp::new().await;
    let owner = app
        .shop_with_owner("Boulangerie", "tableau@exemple.fr")
        .await;
    let neighbour = app.shop_with_owner("Fleuriste", "voisin@exemple.fr").await;
    let staff = app.staff_of(&owner, "caisse@exemple.fr").await;

    let client_id = app.new_client(&owner).await;
    let recorded = app
        .post_json(
            "transaction-record",
            Some(&staff),
            json!({ "request": {
                "client_id": client_id,
                "form": { "points": "5", "amount": "12,50" },
                "idempotency_key": uuid::Uuid::new_v4()
            } }),
        )
        .await;
    assert_eq!(recorded.status(), StatusCode::OK);

    let (status, figures) = dashboard(&app, &owner, last_week()).await;
    assert_eq!(status, StatusCode::OK, "{figures}");
    assert_eq!(figures["totals"]["visits"], 1);
    assert_eq!(figures["totals"]["spent_cents"], 1250);
    assert_eq!(figures["totals"]["new_clients"], 1);
    assert_eq!(figures["active_clients"], 1);
    assert_eq!(figures["best_clients"][0]["name"], "Léa Morel");
    assert_eq!(figures["steps"].as_array().map(Vec::len), Some(7));

    let (status, theirs) = dashboard(&app, &neighbour, last_week()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(theirs["totals"]["visits"], 0);
    assert_eq!(theirs["best_clients"], json!([]));

    // A period in the past is counted from its own entries, on both engines.
    let day = |days_ago: i64| (chrono::Utc::now() - chrono::Duration::days(days_ago)).date_naive();
    let past = json!({ "period": "Dates", "from": day(3).to_string(), "to": day(2).to_string() });
    let (status, before) = dashboard(&app, &owner, past).await;
    assert_eq!(status, StatusCode::OK, "{before}");
    assert_eq!(before["active_clients"], 0);
    assert_eq!(before["totals"]["visits"], 0);

    let (status, _) = dashboard(&app, &staff, last_week()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let backwards = json!({ "period": "Dates", "from": "2026-11-30", "to": "2026-11-01" });
    let (status, refused) = dashboard(&app, &owner, backwards).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.to_string().contains("EndBeforeStart"), "{refused}");
    let unreadable = json!({ "period": "Dates", "from": "hier", "to": "" });
    let (status, refused) = dashboard(&app, &owner, unreadable).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.to_string().contains("InvalidDate"), "{refused}");
}
