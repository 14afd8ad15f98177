//! Every server function tried with bad input: oversize fields, control characters, invalid
//! e-mail, phone, postal code and dates, negative or huge points, wrong types, missing fields.
//! The answer is always a clear client error (a field message where there is a field), never a
//! server error, and what was saved before is still there afterwards.

use crate::support::{TestApp, body_json, body_text, form};
use axum::http::StatusCode;
use serde_json::{Value, json};

const HUGE: usize = 10_000;

fn client(overrides: &[(&str, Value)]) -> Value {
    let mut form = json!({
        "civility": "mme", "first_name": "Odette", "last_name": "Solide",
        "email": "odette@exemple.fr", "phone": "06 12 34 56 78", "address": "3 rue du Four",
        "postal_code": "69003", "city": "Lyon", "birth_date": "1980-02-29", "note": "Aime le seigle"
    });
    for (field, value) in overrides {
        form[*field] = value.clone();
    }
    form
}

/// The names of the fields a 422 answer complains about.
async fn refused_fields(response: axum::http::Response<axum::body::Body>) -> Vec<String> {
    let status = response.status();
    let text = body_text(response).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    let answer: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    answer["Invalid"]
        .as_array()
        .unwrap_or_else(|| panic!("field errors expected: {text}"))
        .iter()
        .filter_map(|pair| pair[0].as_str().map(str::to_owned))
        .collect()
}

fn assert_client_error(status: StatusCode, what: &str) {
    assert!(
        status.is_client_error(),
        "{what}: answered {status}, a client error was expected"
    );
}

#[tokio::test]
async fn client_forms_name_each_bad_field_and_keep_the_saved_client() {
    let app = TestApp::new().await;
    let cookie = app
        .shop_with_owner("Boulangerie", "formes@exemple.fr")
        .await;
    let created = app
        .post_json(
            "client-create",
            Some(&cookie),
            json!({ "form": client(&[]) }),
        )
        .await;
    assert_eq!(created.status(), StatusCode::OK);
    let saved = body_json(created).await;
    let client_id = saved["id"].as_i64().expect("id");

    let long = "x".repeat(HUGE);
    let cases: Vec<(&str, Value)> = vec![
        ("first_name", json!("")),
        ("first_name", json!(long)),
        ("first_name", json!("Odette\u{0007}")),
        ("last_name", json!("So\u{0000}lide")),
        ("last_name", json!("   ")),
        ("email", json!("pas-une-adresse")),
        ("email", json!("a@b")),
        ("email", json!(format!("{long}@exemple.fr"))),
        ("phone", json!("12")),
        ("phone", json!("06 12 34 56 78 90 12")),
        ("phone", json!("+33 6 12\u{001b}34 56 78")),
        ("postal_code", json!("7500")),
        ("postal_code", json!("ABCDE")),
        ("postal_code", json!("750011")),
        ("postal_code", json!("L-1234")),
        ("country", json!("XX")),
        ("country", json!("France")),
        ("city", json!(long)),
        ("city", json!("Lyon\u{0008}")),
        ("address", json!(long)),
        ("birth_date", json!("2999-01-01")),
        ("birth_date", json!("1980-02-30")),
        ("birth_date", json!("hier")),
        ("civility", json!("majesté")),
        ("note", json!(long)),
        ("note", json!("ok\u{0000}")),
    ];
    for (field, value) in &cases {
        let form = client(&[(*field, value.clone())]);
        let what = format!("{field} = {:.40}", value.to_string());
        let created = app
            .post_json(
                "client-create",
                Some(&cookie),
                json!({ "form": form.clone() }),
            )
            .await;
        assert_eq!(
            refused_fields(created).await,
            vec![field.to_string()],
            "create, {what}"
        );
        let updated = app
            .post_json(
                "client-update",
                Some(&cookie),
                json!({ "client_id": client_id, "form": form }),
            )
            .await;
        assert_eq!(
            refused_fields(updated).await,
            vec![field.to_string()],
            "update, {what}"
        );
    }

    // Wrong types and missing fields.
    for body in [
        json!({}),
        json!({ "form": 5 }),
        json!({ "form": { "first_name": "Sans le reste" } }),
        json!({ "form": client(&[("first_name", json!(42))]) }),
        json!({ "form": client(&[("birth_date", json!(["1980"]))]) }),
    ] {
        for endpoint in ["client-create", "client-update"] {
            let answer = app.post_json(endpoint, Some(&cookie), body.clone()).await;
            assert_client_error(answer.status(), &format!("{endpoint} {body:.60}"));
        }
    }
    for body in [
        json!({ "client_id": "un", "form": client(&[]) }),
        json!({ "client_id": 1e300, "form": client(&[]) }),
        json!({ "form": client(&[]) }),
    ] {
        let answer = app
            .post_json("client-update", Some(&cookie), body.clone())
            .await;
        assert_client_error(answer.status(), &format!("client-update {body:.60}"));
    }

    let now = app
        .post_form(
            "client",
            Some(&cookie),
            &form(&[("client_id", &client_id.to_string())]),
        )
        .await;
    assert_eq!(
        body_json(now).await["row"],
        saved,
        "the saved client is untouched"
    );
}

#[tokio::test]
async fn points_and_amounts_out_of_range_are_refused_and_the_balance_stays() {
    let app = TestApp::new().await;
    let cookie = app
        .shop_with_owner("Boulangerie", "points@exemple.fr")
        .await;
    let created = app
        .post_json(
            "client-create",
            Some(&cookie),
            json!({ "form": client(&[]) }),
        )
        .await;
    let client_id = body_json(created).await["id"].as_i64().expect("id");
    let record = |points: &str, amount: &str| {
        json!({ "request": {
            "client_id": client_id,
            "form": { "points": points, "amount": amount },
            "idempotency_key": uuid::Uuid::new_v4(),
        }})
    };
    let first = app
        .post_json("transaction-record", Some(&cookie), record("10", "12,50"))
        .await;
    assert_eq!(first.status(), StatusCode::OK);
    let transaction_id = body_json(first).await["transaction"]["id"]
        .as_i64()
        .expect("transaction id");

    for (points, amount, field) in [
        ("-5", "", "points"),
        ("1000000", "", "points"),
        ("99999999999999999999999", "", "points"),
        ("1.5", "", "points"),
        ("1e3", "", "points"),
        ("", "", "points"),
        ("dix", "", "points"),
        ("5\u{0000}", "", "points"),
        ("5", "abc", "amount"),
        ("5", "-3", "amount"),
        ("5", "99999999999999", "amount"),
        ("5", "1,234", "amount"),
    ] {
        let answer = app
            .post_json("transaction-record", Some(&cookie), record(points, amount))
            .await;
        let fields = refused_fields(answer).await;
        assert!(
            fields.contains(&field.to_string()),
            "{points:?}/{amount:?}: {fields:?}"
        );
        let modify = json!({ "request": {
            "transaction_id": transaction_id,
            "form": { "points": points, "amount": amount },
            "idempotency_key": uuid::Uuid::new_v4(),
        }});
        let answer = app
            .post_json("transaction-modify", Some(&cookie), modify)
            .await;
        assert_eq!(
            answer.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "modify {points:?}/{amount:?}"
        );
    }
    for body in [
        json!({ "request": { "client_id": client_id, "form": { "points": "5", "amount": "" }, "idempotency_key": "pas-une-clé" } }),
        json!({ "request": { "client_id": client_id, "form": { "points": 5, "amount": "" }, "idempotency_key": uuid::Uuid::new_v4() } }),
        json!({ "request": { "client_id": client_id, "form": { "points": "5", "amount": "" } } }),
        json!({ "request": { "client_id": -1, "form": { "points": "5", "amount": "" }, "idempotency_key": uuid::Uuid::new_v4() } }),
        json!({ "request": null }),
        json!([]),
    ] {
        for endpoint in ["transaction-record", "transaction-modify"] {
            let answer = app.post_json(endpoint, Some(&cookie), body.clone()).await;
            assert_client_error(answer.status(), &format!("{endpoint} {body}"));
        }
    }
    let file = app
        .post_form(
            "client",
            Some(&cookie),
            &form(&[("client_id", &client_id.to_string())]),
        )
        .await;
    let file = body_json(file).await;
    assert_eq!(
        file["row"]["points_balance"], 10,
        "only the good transaction counted"
    );
    assert_eq!(file["stats"]["visits"], 1);
}

#[tokio::test]
async fn accounts_lists_and_filters_refuse_bad_input_without_a_server_error() {
    let app = TestApp::new().await;
    let cookie = app
        .shop_with_owner("Boulangerie", "comptes@exemple.fr")
        .await;
    let long = "y".repeat(HUGE);
    let form_cases: Vec<(&str, Vec<(&str, String)>)> = vec![
        (
            "login",
            vec![("email", long.clone()), ("password", "x".into())],
        ),
        (
            "login",
            vec![
                ("email", "comptes@exemple.fr".into()),
                ("password", long.clone()),
            ],
        ),
        ("login", vec![("email", "".into()), ("password", "".into())]),
        (
            "login",
            vec![
                ("email", "a\u{0000}@exemple.fr".into()),
                ("password", "Mauvais-1".into()),
            ],
        ),
        ("login", vec![]),
        (
            "password-reset-request",
            vec![("email", "pas-une-adresse".into())],
        ),
        ("password-reset-request", vec![("email", long.clone())]),
        ("password-reset-request", vec![]),
        (
            "password-reset",
            vec![
                ("token", "faux".into()),
                ("password", "Pain-Complet-42".into()),
                ("confirmation", "Pain-Complet-42".into()),
            ],
        ),
        (
            "password-reset",
            vec![
                ("token", long.clone()),
                ("password", long.clone()),
                ("confirmation", long.clone()),
            ],
        ),
        ("password-reset", vec![("token", "faux".into())]),
        ("clients-search", vec![("query", long.clone())]),
        (
            "clients-search",
            vec![("query", "\u{0000}\u{0007}%_*".into())],
        ),
        ("client", vec![("client_id", "abc".into())]),
        ("client", vec![("client_id", "99999999999999999999".into())]),
        ("client-history", vec![("client_id", "-1".into())]),
        ("client-history", vec![]),
        (
            "client-activity",
            vec![
                ("client_id", "1".into()),
                ("filter", "Tout".into()),
                ("page", "0".into()),
            ],
        ),
        (
            "client-activity",
            vec![
                ("client_id", "1".into()),
                ("filter", "All".into()),
                ("page", "-1".into()),
            ],
        ),
        (
            "client-activity",
            vec![
                ("client_id", "1".into()),
                ("filter", "All".into()),
                ("page", u64::MAX.to_string()),
            ],
        ),
        ("client-activity", vec![("client_id", "1".into())]),
    ];
    for (endpoint, pairs) in &form_cases {
        let pairs: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(key, value)| (*key, value.as_str()))
            .collect();
        let answer = app.post_form(endpoint, Some(&cookie), &form(&pairs)).await;
        let status = answer.status();
        let what = format!("{endpoint} {:.80}", format!("{pairs:?}"));
        // A search with odd characters is a search: it may answer 200 with no result.
        if status != StatusCode::OK || *endpoint != "clients-search" {
            assert_client_error(status, &what);
            let text = body_text(answer).await;
            assert!(
                serde_json::from_str::<Value>(&text).is_ok(),
                "{what}: readable error, got {text:.200}"
            );
        }
    }
    let change_cases = [
        vec![
            ("current", ""),
            ("password", "Seigle-2027!"),
            ("confirmation", "Seigle-2027!"),
        ],
        vec![
            ("current", crate::support::PASSWORD),
            ("password", "court"),
            ("confirmation", "court"),
        ],
        vec![
            ("current", crate::support::PASSWORD),
            ("password", "Seigle-2027!"),
            ("confirmation", "Seigle-2028!"),
        ],
    ];
    for (pairs, field) in change_cases
        .iter()
        .zip(["current", "password", "confirmation"])
    {
        let answer = app
            .post_form("password-change", Some(&cookie), &form(pairs))
            .await;
        assert_eq!(refused_fields(answer).await, vec![field.to_owned()]);
    }
    for (endpoint, body) in [
        (
            "journal",
            json!({ "filter": { "from": "2026-13-45", "to": "", "client_id": null, "page": 0 } }),
        ),
        (
            "journal",
            json!({ "filter": { "from": "", "to": "", "client_id": null, "page": -1 } }),
        ),
        (
            "journal",
            json!({ "filter": { "from": "", "to": "", "client_id": 424242, "page": 0 } }),
        ),
        ("journal", json!({ "filter": "tout" })),
        (
            "journal",
            json!({ "filter": { "from": "", "to": "", "client_id": null, "page": u64::MAX } }),
        ),
        (
            "audit-log",
            json!({ "filter": { "kind": "", "from": "", "to": "", "page": u64::MAX } }),
        ),
        (
            "audit-log",
            json!({ "filter": { "kind": "login_succeeded", "from": "hier", "to": "", "page": 0 } }),
        ),
        (
            "audit-log",
            json!({ "filter": { "kind": long, "from": "", "to": "", "page": 0 } }),
        ),
        ("audit-log", json!({})),
        (
            "client-note-add",
            json!({ "form": { "client_id": 1, "body": "" } }),
        ),
        (
            "client-note-add",
            json!({ "form": { "client_id": 1, "body": "x".repeat(2_001) } }),
        ),
        (
            "client-note-add",
            json!({ "form": { "client_id": 1, "body": "bip\u{0}" } }),
        ),
        ("client-note-add", json!({ "form": { "client_id": 1 } })),
        (
            "client-consents",
            json!({ "update": { "client_id": 1, "email": true, "sms": false, "source": "fax" } }),
        ),
        (
            "client-consents",
            json!({ "update": { "client_id": 1, "email": "oui", "sms": false, "source": "Till" } }),
        ),
        ("client-consents", json!({ "update": { "client_id": 1 } })),
        (
            "team-invite",
            json!({ "form": { "email": "pas-une-adresse", "display_name": "", "role": "patron" } }),
        ),
        (
            "team-invite",
            json!({ "form": { "email": "a@b.fr", "display_name": "x\u{0}", "role": "staff" } }),
        ),
        ("team-role", json!({ "member_id": 1, "role": "Boss" })),
        ("team-access", json!({ "member_id": "un", "active": true })),
        (
            "team-access",
            json!({ "member_id": 999_999, "active": false }),
        ),
        (
            "points-by-contact",
            json!({ "request": { "contact": "a\u{0}@b.fr", "points": "1", "action": "Add", "idempotency_key": "3d7b8c0f-4e5a-4f6b-9c2d-3e4f5a6b7c83" } }),
        ),
        (
            "points-by-contact",
            json!({ "request": { "contact": "x".repeat(5_000), "points": "1", "action": "Use", "idempotency_key": "4e8c9d1a-5f6b-4a7c-8d3e-4f5a6b7c8d94" } }),
        ),
        (
            "points-by-contact",
            json!({ "request": { "contact": "0612345678", "points": "1", "action": "Give", "idempotency_key": "5f9d0e2b-6a7c-4b8d-9e4f-5a6b7c8d9ea5" } }),
        ),
        (
            "transaction-redeem",
            json!({ "request": { "client_id": 1, "points": "-3", "idempotency_key": "6a0e1f3c-7b8d-4c9e-8f5a-6b7c8d9eafb6" } }),
        ),
        (
            "transaction-redeem",
            json!({ "request": { "client_id": 1, "points": "99999999999999999999", "idempotency_key": "7b1f2a4d-8c9e-4daf-9a6b-7c8d9eafb0c7" } }),
        ),
        ("client-tag-add", json!({ "client_id": 1, "name": "" })),
        (
            "client-tag-add",
            json!({ "client_id": 1, "name": "x".repeat(41) }),
        ),
        ("client-tag-add", json!({ "client_id": 1, "name": "★★" })),
        (
            "client-tag-add",
            json!({ "client_id": 1, "name": "v\u{0}ip" }),
        ),
        (
            "client-tag-add",
            json!({ "client_id": "un", "name": "VIP" }),
        ),
        (
            "client-tag-remove",
            json!({ "client_id": 1, "tag_id": 999_999 }),
        ),
        (
            "client-groups",
            json!({ "client_id": 1, "group_ids": [999_999] }),
        ),
        (
            "client-groups",
            json!({ "client_id": 1, "group_ids": "tous" }),
        ),
        ("group-create", json!({ "name": "" })),
        ("group-create", json!({ "name": long })),
        ("group-create", json!({ "name": "a\u{7}b" })),
        ("group-create", json!({})),
        ("group-delete", json!({ "group_id": 999_999 })),
        ("client-merge", json!({ "kept_id": 1, "merged_id": 1 })),
        (
            "client-merge",
            json!({ "kept_id": 1, "merged_id": 999_999 }),
        ),
        ("client-merge", json!({ "kept_id": "un", "merged_id": 2 })),
        (
            "clients-list",
            json!({ "query": { "text": "", "tag": 999_999, "group": null, "sort": "Name" } }),
        ),
        (
            "clients-list",
            json!({ "query": { "text": "", "tag": null, "group": 999_999, "sort": "Name" } }),
        ),
        (
            "clients-list",
            json!({ "query": { "text": "", "tag": null, "group": null, "sort": "Age" } }),
        ),
        ("support-shops", json!({ "filter": "", "page": 0 })),
        (
            "support-erase",
            json!({ "request": { "shop_id": 1, "client_id": 1, "reason": "" } }),
        ),
    ] {
        let answer = app.post_json(endpoint, Some(&cookie), body.clone()).await;
        assert_client_error(answer.status(), &format!("{endpoint} {body:.80}"));
    }
    // The account still works after all that.
    app.login("comptes@exemple.fr", crate::support::PASSWORD)
        .await;
}
