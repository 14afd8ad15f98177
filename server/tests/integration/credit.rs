//! Store credit through the router, on SQLite and on PostgreSQL: credited with a reason, used,
//! refused below zero, a retried request written once, and out of reach of another shop for
//! every endpoint.

use axum::http::StatusCode;
use serde_json::json;
use uuid::Uuid;

use crate::support::{TestApp, body_json, form};

#[tokio::test]
async fn store_credit_is_kept_inside_its_shop_and_never_below_zero() {
    let app = TestApp::new().await;
    let owner = app
        .shop_with_owner("Fleurs Lila", "avoirs@exemple.fr")
        .await;
    let client_id = app.new_client(&owner).await;
    let credit_key = Uuid::new_v4();
    let credit = json!({ "request": {
        "client_id": client_id,
        "action": "Credit",
        "form": { "amount": "12,50", "reason": "Bouquet rendu" },
        "idempotency_key": credit_key,
    } });
    for _ in 0..2 {
        let credited = app
            .post_json("client-credit-record", Some(&owner), credit.clone())
            .await;
        assert_eq!(credited.status(), StatusCode::OK);
        let account = body_json(credited).await;
        assert_eq!(
            account["balance_cents"], 1250,
            "a retry is written once: {account}"
        );
        assert_eq!(account["entries"].as_array().map(Vec::len), Some(1));
    }

    let no_reason = app
        .post_json(
            "client-credit-record",
            Some(&owner),
            json!({ "request": {
                "client_id": client_id,
                "action": "Credit",
                "form": { "amount": "5", "reason": "" },
                "idempotency_key": Uuid::new_v4(),
            } }),
        )
        .await;
    assert_eq!(no_reason.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body_json(no_reason).await["Invalid"][0][0], "reason");

    let too_much = app
        .post_json(
            "client-credit-record",
            Some(&owner),
            json!({ "request": {
                "client_id": client_id,
                "action": "Use",
                "form": { "amount": "13", "reason": "" },
                "idempotency_key": Uuid::new_v4(),
            } }),
        )
        .await;
    assert_eq!(too_much.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let refusal = body_json(too_much).await;
    assert_eq!(
        refusal["Invalid"][0][1]["NotEnoughCredit"]["balance_cents"], 1250,
        "{refusal}"
    );

    let other = app
        .shop_with_owner("Caviste", "autre-avoir@exemple.fr")
        .await;
    let read = app
        .post_form(
            "client-credit",
            Some(&other),
            &form(&[("client_id", client_id.to_string().as_str())]),
        )
        .await;
    assert_eq!(read.status(), StatusCode::NOT_FOUND);
    let used = app
        .post_json(
            "client-credit-record",
            Some(&other),
            json!({ "request": {
                "client_id": client_id,
                "action": "Use",
                "form": { "amount": "1", "reason": "" },
                "idempotency_key": Uuid::new_v4(),
            } }),
        )
        .await;
    assert_eq!(used.status(), StatusCode::NOT_FOUND);
    let listed = app
        .post_form(
            "client-credit",
            Some(&owner),
            &form(&[("client_id", client_id.to_string().as_str())]),
        )
        .await;
    let account = body_json(listed).await;
    let entry_id = account["entries"][0]["id"].as_i64().expect("entry id");
    let reversed = app
        .post_json(
            "client-credit-reverse",
            Some(&other),
            json!({ "request": { "entry_id": entry_id, "reason": "x", "idempotency_key": Uuid::new_v4() } }),
        )
        .await;
    assert_eq!(reversed.status(), StatusCode::NOT_FOUND);
    let journal = app
        .post_json(
            "credit-journal",
            Some(&other),
            json!({ "filter": { "from": "", "to": "", "client_id": client_id, "page": 0 } }),
        )
        .await;
    assert_eq!(journal.status(), StatusCode::NOT_FOUND);

    let reversed = app
        .post_json(
            "client-credit-reverse",
            Some(&owner),
            json!({ "request": { "entry_id": entry_id, "reason": "Erreur de saisie", "idempotency_key": Uuid::new_v4() } }),
        )
        .await;
    assert_eq!(reversed.status(), StatusCode::OK);
    let account = body_json(reversed).await;
    assert_eq!(account["balance_cents"], 0);
    assert_eq!(
        account["entries"][1]["reversed_by"],
        account["entries"][0]["id"]
    );

    let report = app
        .get(&format!("/export/client/{client_id}/json"), Some(&owner))
        .await;
    assert_eq!(report.status(), StatusCode::OK);
    let report = body_json(report).await;
    assert_eq!(report["credit_cents"], 0);
    let kinds: Vec<&str> = report["store_credit"]
        .as_array()
        .expect("store credit in the data report")
        .iter()
        .filter_map(|entry| entry["kind"].as_str())
        .collect();
    assert_eq!(kinds, ["credit", "reversal"]);
    assert_eq!(report["store_credit"][0]["reason"], "Bouquet rendu");

    let journal = app
        .post_json(
            "credit-journal",
            Some(&owner),
            json!({ "filter": { "from": "", "to": "", "client_id": null, "page": 0 } }),
        )
        .await;
    assert_eq!(journal.status(), StatusCode::OK);
    assert_eq!(body_json(journal).await["total"], 2);
}
