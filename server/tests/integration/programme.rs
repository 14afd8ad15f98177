//! The loyalty programme's server functions through the whole router: the owner's alone, each
//! shop's own, its rule applied by the server whatever the till sends, bad settings and
//! purchases named field by field with nothing saved.

use crate::support::{TestApp, body_json, body_text};
use axum::http::StatusCode;
use serde_json::{Value, json};

fn settings(kind: &str, overrides: &[(&str, Value)]) -> Value {
    let mut form = json!({
        "name": "Fidélité", "kind": kind, "points_per_euro": "1", "rounding": "StartedEuro",
        "minimum": "", "points_per_visit": "1", "once_per_day": true, "card_stamps": "10",
        "per_item": false, "starts_on": "", "ends_on": ""
    });
    for (field, value) in overrides {
        form[*field] = value.clone();
    }
    json!({ "form": form })
}

async fn programme(app: &TestApp, cookie: &str) -> Value {
    let answer = app.post_form("programme", Some(cookie), "").await;
    assert_eq!(answer.status(), StatusCode::OK);
    body_json(answer).await
}

async fn purchase(
    app: &TestApp,
    cookie: &str,
    client_id: i64,
    amount: &str,
) -> (StatusCode, Value) {
    let answer = app
        .post_json(
            "transaction-record",
            Some(cookie),
            json!({ "request": {
                "client_id": client_id,
                "form": { "points": "9999", "amount": amount },
                "idempotency_key": uuid::Uuid::new_v4()
            } }),
        )
        .await;
    let status = answer.status();
    let text = body_text(answer).await;
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_programme_is_the_owners_and_each_shop_keeps_its_own() {
    let app = TestApp::new().await;
    let owner = app
        .shop_with_owner("Boulangerie", "programme@exemple.fr")
        .await;
    let neighbour = app.shop_with_owner("Fleuriste", "voisin@exemple.fr").await;
    let staff = app.staff_of(&owner, "caisse@exemple.fr").await;

    let refused = app
        .post_json("programme-start", Some(&staff), settings("PerEuro", &[]))
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(programme(&app, &owner).await, Value::Null);

    let started = app
        .post_json("programme-start", Some(&owner), settings("PerEuro", &[]))
        .await;
    assert_eq!(started.status(), StatusCode::OK);
    let started = body_json(started).await;
    assert_eq!(started["state"], "Running");
    assert_eq!(
        programme(&app, &staff).await["id"],
        started["id"],
        "the till reads its shop's programme"
    );
    assert_eq!(programme(&app, &neighbour).await, Value::Null);

    for step in ["Suspend", "End"] {
        let elsewhere = app
            .post_json("programme-step", Some(&neighbour), json!({ "step": step }))
            .await;
        assert_eq!(elsewhere.status(), StatusCode::NOT_FOUND, "{step}");
        let by_staff = app
            .post_json("programme-step", Some(&staff), json!({ "step": step }))
            .await;
        assert_eq!(by_staff.status(), StatusCode::FORBIDDEN, "{step}");
    }
    let changed_elsewhere = app
        .post_json(
            "programme-change",
            Some(&neighbour),
            settings("PerEuro", &[("points_per_euro", json!("50"))]),
        )
        .await;
    assert_eq!(changed_elsewhere.status(), StatusCode::NOT_FOUND);
    assert_eq!(programme(&app, &owner).await, started, "nothing changed");

    let twice = app
        .post_json("programme-start", Some(&owner), settings("PerVisit", &[]))
        .await;
    assert_eq!(twice.status(), StatusCode::CONFLICT);
    assert_eq!(body_json(twice).await, json!("ProgrammeExists"));
}

#[tokio::test]
async fn a_purchase_earns_by_the_rule_and_bad_input_is_named_field_by_field() {
    let app = TestApp::new().await;
    let owner = app.shop_with_owner("Boulangerie", "regle@exemple.fr").await;
    let client_id = app.new_client(&owner).await;

    for (field, value, problem) in [
        (
            "points_per_euro",
            json!("0"),
            json!({ "NumberOutOfRange": { "min": 1, "max": 100 } }),
        ),
        ("name", json!(""), json!("Required")),
        ("starts_on", json!("2027-01-10"), Value::Null),
    ] {
        let mut overrides = vec![(field, value)];
        if field == "starts_on" {
            overrides.push(("ends_on", json!("2027-01-01")));
        }
        let answer = app
            .post_json(
                "programme-start",
                Some(&owner),
                settings("PerEuro", &overrides),
            )
            .await;
        assert_eq!(answer.status(), StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        let expected = if problem.is_null() {
            json!({ "Invalid": [["ends_on", "EndBeforeStart"]] })
        } else {
            json!({ "Invalid": [[field, problem]] })
        };
        assert_eq!(body_json(answer).await, expected);
    }
    for stamps in ["0", "1", "1000"] {
        let answer = app
            .post_json(
                "programme-start",
                Some(&owner),
                settings("StampCard", &[("card_stamps", json!(stamps))]),
            )
            .await;
        assert_eq!(
            answer.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{stamps}"
        );
    }
    assert_eq!(
        programme(&app, &owner).await,
        Value::Null,
        "nothing saved half"
    );

    let started = app
        .post_json(
            "programme-start",
            Some(&owner),
            settings("PerEuro", &[("points_per_euro", json!("2"))]),
        )
        .await;
    assert_eq!(started.status(), StatusCode::OK);
    let (status, outcome) = purchase(&app, &owner, client_id, "12,40").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        outcome["transaction"]["points"], 26,
        "13 started euros × 2, the typed points ignored"
    );
    for amount in ["0", "-3", "100000,01", "", "douze"] {
        let (status, answer) = purchase(&app, &owner, client_id, amount).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{amount}");
        assert_eq!(answer["Invalid"][0][0], "amount", "{amount}");
    }
    let (_, again) = purchase(&app, &owner, client_id, "1").await;
    assert_eq!(
        again["client"]["points_balance"], 28,
        "only the good purchases counted"
    );
}

async fn earned_rewards(app: &TestApp, cookie: &str, client_id: i64) -> Value {
    let answer = app
        .post_form(
            "client-rewards",
            Some(cookie),
            &format!("client_id={client_id}"),
        )
        .await;
    assert_eq!(answer.status(), StatusCode::OK);
    body_json(answer).await["earned"].clone()
}

async fn claim(app: &TestApp, cookie: &str, earned_id: &Value) -> (StatusCode, Value) {
    let answer = app
        .post_json(
            "reward-claim",
            Some(cookie),
            json!({ "request": { "earned_id": earned_id, "idempotency_key": uuid::Uuid::new_v4() } }),
        )
        .await;
    let status = answer.status();
    (status, body_json(answer).await)
}

#[tokio::test]
async fn rewards_are_the_shops_own_and_an_earned_one_is_claimed_once() {
    let app = TestApp::new().await;
    let owner = app
        .shop_with_owner("Boulangerie", "recompense@exemple.fr")
        .await;
    let neighbour = app.shop_with_owner("Fleuriste", "voisine@exemple.fr").await;
    let staff = app.staff_of(&owner, "equipe@exemple.fr").await;
    let reward = |cost: &str| {
        json!({ "form": {
            "name": "Un café offert", "kind": "FreeProduct", "value": "", "cost": cost,
            "validity_days": "30"
        } })
    };

    let refused = app
        .post_json("reward-add", Some(&staff), reward("10"))
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let zero = app.post_json("reward-add", Some(&owner), reward("0")).await;
    assert_eq!(zero.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body_json(zero).await,
        json!({ "Invalid": [["cost", { "NumberOutOfRange": { "min": 1, "max": 100000 } }]] })
    );
    let added = app
        .post_json("reward-add", Some(&owner), reward("10"))
        .await;
    assert_eq!(added.status(), StatusCode::OK);
    let reward_id = body_json(added).await["id"].clone();

    let client_id = app.new_client(&owner).await;
    let (status, saved) = purchase(&app, &owner, client_id, "").await;
    assert_eq!(status, StatusCode::OK, "9999 points typed by hand");
    assert_eq!(
        saved["client"]["waiting_reward"]["name"], "Un café offert",
        "the till offers it at once"
    );
    let earned = earned_rewards(&app, &owner, client_id).await;
    assert_eq!(earned.as_array().map(Vec::len), Some(1));
    assert_eq!(earned[0]["status"], "Earned");
    let earned_id = earned[0]["id"].clone();

    assert_eq!(
        earned_rewards(&app, &neighbour, client_id).await,
        json!([]),
        "another shop sees none"
    );
    assert_eq!(
        claim(&app, &neighbour, &earned_id).await.0,
        StatusCode::NOT_FOUND
    );
    let retired_elsewhere = app
        .post_json(
            "reward-retire",
            Some(&neighbour),
            json!({ "reward_id": reward_id }),
        )
        .await;
    assert_eq!(retired_elsewhere.status(), StatusCode::NOT_FOUND);

    let (status, claimed) = claim(&app, &staff, &earned_id).await;
    assert_eq!(status, StatusCode::OK, "staff claim at the till");
    assert_eq!(claimed["client"]["points_balance"], 9989);
    let (status, again) = claim(&app, &owner, &earned_id).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(again, json!("RewardNotClaimable"));
    assert_eq!(
        earned_rewards(&app, &owner, client_id).await[0]["status"],
        "Claimed"
    );
}

async fn owner_step(
    app: &TestApp,
    cookie: &str,
    endpoint: &str,
    request: Value,
) -> (StatusCode, Value) {
    let answer = app
        .post_json(endpoint, Some(cookie), json!({ "request": request }))
        .await;
    let status = answer.status();
    let text = body_text(answer).await;
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_owner_revokes_and_extends_the_shops_earned_rewards_only() {
    let app = TestApp::new().await;
    let owner = app
        .shop_with_owner("Boulangerie", "revoque@exemple.fr")
        .await;
    let neighbour = app.shop_with_owner("Fleuriste", "voisin@exemple.fr").await;
    let staff = app.staff_of(&owner, "caisse@exemple.fr").await;
    let added = app
        .post_json(
            "reward-add",
            Some(&owner),
            json!({ "form": {
                "name": "Un café offert", "kind": "FreeProduct", "value": "", "cost": "10",
                "validity_days": "30"
            } }),
        )
        .await;
    assert_eq!(added.status(), StatusCode::OK);
    let client_id = app.new_client(&owner).await;
    assert_eq!(
        purchase(&app, &owner, client_id, "").await.0,
        StatusCode::OK
    );
    let earned_id = earned_rewards(&app, &owner, client_id).await[0]["id"].clone();
    let revoke = |reason: &str| json!({ "earned_id": earned_id, "reason": reason });
    let day = |days: i64| (chrono::Utc::now() + chrono::Duration::days(days)).date_naive();
    let extend =
        |days: i64| json!({ "earned_id": earned_id, "valid_until": day(days).to_string() });

    assert_eq!(
        owner_step(&app, &staff, "reward-revoke", revoke("Erreur"))
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        owner_step(&app, &neighbour, "reward-revoke", revoke("Erreur"))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        owner_step(&app, &neighbour, "reward-extend", extend(10))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        owner_step(&app, &staff, "reward-extend", extend(10))
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        owner_step(&app, &owner, "reward-revoke", revoke("")).await,
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({ "Invalid": [["reason", "Required"]] })
        )
    );
    assert_eq!(
        owner_step(&app, &owner, "reward-extend", extend(-2)).await,
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({ "Invalid": [["valid_until", "DateInPast"]] })
        )
    );
    let waiting = earned_rewards(&app, &owner, client_id).await;
    assert_eq!(
        waiting[0]["status"], "Earned",
        "nothing changed by refusals"
    );

    assert_eq!(
        owner_step(&app, &owner, "reward-extend", extend(60))
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        earned_rewards(&app, &owner, client_id).await[0]["valid_until"],
        day(60).format("%d/%m/%Y").to_string()
    );
    assert_eq!(
        owner_step(&app, &owner, "reward-revoke", revoke("Achat remboursé"))
            .await
            .0,
        StatusCode::OK
    );
    let revoked = earned_rewards(&app, &owner, client_id).await;
    assert_eq!(revoked[0]["status"], "Revoked");
    assert_eq!(revoked[0]["revoke_reason"], "Achat remboursé");
    assert_eq!(
        claim(&app, &owner, &earned_id).await,
        (StatusCode::CONFLICT, json!("RewardNotClaimable"))
    );
    assert_eq!(
        owner_step(&app, &owner, "reward-extend", extend(10)).await,
        (StatusCode::CONFLICT, json!("RewardClosed"))
    );
}
