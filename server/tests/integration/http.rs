//! The server through its axum router, as the browser calls it: accounts, sessions, clients,
//! transactions, shop isolation and the password reset e-mail.

use crate::support::{
    PASSWORD, TestApp, body_json, body_text, form, session_cookie, set_cookie_header,
};
use axum::http::{StatusCode, header};
use serde_json::json;

fn client_json(first_name: &str, last_name: &str) -> serde_json::Value {
    json!({
        "civility": "mme",
        "first_name": first_name,
        "last_name": last_name,
        "email": format!("{}@exemple.fr", first_name.to_lowercase()),
        "phone": "06 12 34 56 78",
        "address": "",
        "postal_code": "69003",
        "city": "Lyon",
        "birth_date": "",
        "note": ""
    })
}

async fn create_client(app: &TestApp, cookie: &str, first_name: &str) -> i64 {
    let response = app
        .post_json(
            "client-create",
            Some(cookie),
            json!({ "form": client_json(first_name, "Dupont") }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    body_json(response).await["id"].as_i64().expect("client id")
}

async fn record(
    app: &TestApp,
    cookie: &str,
    client_id: i64,
    points: &str,
    key: &str,
) -> axum::http::Response<axum::body::Body> {
    let request = json!({ "request": {
        "client_id": client_id,
        "form": { "points": points, "amount": "" },
        "idempotency_key": key,
    }});
    app.post_json("transaction-record", Some(cookie), request)
        .await
}

#[tokio::test]
async fn login_opens_an_http_only_lax_session_that_ends_with_the_browser() {
    println!("database: {}", crate::support::database_kind());
    let app = TestApp::new().await;
    app.shop_with_owner("Boulangerie A", "a@exemple.fr").await;
    let response = app
        .post_form(
            "login",
            None,
            &form(&[("email", "A@Exemple.fr"), ("password", PASSWORD)]),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = set_cookie_header(&response).expect("cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("Max-Age"),
        "a session cookie unless remembered: {cookie}"
    );
    assert!(!cookie.contains("Secure"), "plain http in tests: {cookie}");
    let user = body_json(response).await;
    assert_eq!(user["shop_name"], "Boulangerie A");
}

#[tokio::test]
async fn remember_me_keeps_the_session_thirty_days_and_https_makes_it_secure() {
    let app =
        TestApp::with_config(|config| config.public_url = "https://comptoir.example".into()).await;
    app.shop_with_owner("Boulangerie A", "a@exemple.fr").await;
    let response = app
        .post_form(
            "login",
            None,
            &form(&[
                ("email", "a@exemple.fr"),
                ("password", PASSWORD),
                ("remember", "on"),
            ]),
        )
        .await;
    let cookie = set_cookie_header(&response).expect("cookie");
    assert!(
        cookie.contains(&format!("Max-Age={}", 30 * 24 * 3600)),
        "{cookie}"
    );
    assert!(cookie.contains("Secure"), "{cookie}");
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_address_get_the_same_answer() {
    let app = TestApp::new().await;
    app.shop_with_owner("Boulangerie A", "a@exemple.fr").await;
    let wrong_password = app
        .post_form(
            "login",
            None,
            &form(&[("email", "a@exemple.fr"), ("password", "Wrong-2026")]),
        )
        .await;
    let unknown = app
        .post_form(
            "login",
            None,
            &form(&[("email", "nobody@exemple.fr"), ("password", PASSWORD)]),
        )
        .await;
    assert_eq!(wrong_password.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    assert!(session_cookie(&wrong_password).is_none());
    assert_eq!(body_text(wrong_password).await, body_text(unknown).await);
}

#[tokio::test]
async fn logout_ends_the_session_on_the_server() {
    let app = TestApp::new().await;
    let cookie = app.shop_with_owner("Boulangerie A", "a@exemple.fr").await;
    assert_eq!(
        app.post_form("clients-search", Some(&cookie), "query=")
            .await
            .status(),
        StatusCode::OK
    );
    let response = app.post_form("logout", Some(&cookie), "").await;
    assert_eq!(response.status(), StatusCode::OK);
    // The old cookie, replayed, no longer opens anything.
    let after = app
        .post_form("clients-search", Some(&cookie), "query=")
        .await;
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(body_json(after).await, json!("Unauthenticated"));
}

#[tokio::test]
async fn a_new_login_renews_the_session_id() {
    let app = TestApp::new().await;
    let first = app.shop_with_owner("Boulangerie A", "a@exemple.fr").await;
    let response = app
        .post_form(
            "login",
            Some(&first),
            &form(&[("email", "a@exemple.fr"), ("password", PASSWORD)]),
        )
        .await;
    let second = session_cookie(&response).expect("new cookie");
    assert_ne!(first, second);
    assert_eq!(
        app.post_form("clients-search", Some(&first), "query=")
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.post_form("clients-search", Some(&second), "query=")
            .await
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn every_call_needs_a_session() {
    let app = TestApp::new().await;
    for (endpoint, body) in [
        ("clients-search", "query=du"),
        ("client", "client_id=1"),
        ("client-history", "client_id=1"),
        ("client-activity", "client_id=1&filter=All&page=0"),
    ] {
        assert_eq!(
            app.post_form(endpoint, None, body).await.status(),
            StatusCode::UNAUTHORIZED,
            "{endpoint}"
        );
    }
    let response = app
        .post_json(
            "client-create",
            None,
            json!({ "form": client_json("Léa", "Morel") }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_shop_gets_not_found_for_every_call_naming_another_shops_client_or_transaction() {
    let app = TestApp::new().await;
    let shop_a = app.shop_with_owner("Boulangerie A", "a@exemple.fr").await;
    let shop_b = app.shop_with_owner("Fleuriste B", "b@exemple.fr").await;
    let client_id = create_client(&app, &shop_a, "Hélène").await;
    let recorded = record(
        &app,
        &shop_a,
        client_id,
        "10",
        "7f1c3a52-5a7c-4b7e-9a55-2f5d6c1e8b01",
    )
    .await;
    assert_eq!(recorded.status(), StatusCode::OK);
    let transaction_id = body_json(recorded).await["transaction"]["id"]
        .as_i64()
        .expect("transaction id");
    let mut hugo = client_json("Hugo", "Martin");
    hugo["phone"] = json!("");
    let other = app
        .post_json("client-create", Some(&shop_a), json!({ "form": hugo }))
        .await;
    let other_id = body_json(other).await["id"].as_i64().expect("client id");
    let tagged = app
        .post_json(
            "client-tag-add",
            Some(&shop_a),
            json!({ "client_id": client_id, "name": "VIP" }),
        )
        .await;
    let tag_id = body_json(tagged).await[0]["id"].as_i64().expect("tag id");
    let group = app
        .post_json("group-create", Some(&shop_a), json!({ "name": "Fidèles" }))
        .await;
    let group_id = body_json(group).await["id"].as_i64().expect("group id");

    let calls = vec![
        ("client", app.post_form("client", Some(&shop_b), &format!("client_id={client_id}")).await),
        ("client-history", app.post_form("client-history", Some(&shop_b), &format!("client_id={client_id}")).await),
        (
            "client-update",
            app.post_json("client-update", Some(&shop_b), json!({ "client_id": client_id, "form": client_json("Pirate", "B") }))
                .await,
        ),
        ("transaction-record", record(&app, &shop_b, client_id, "99", "0b5e8a8e-0f38-4a39-8f0e-5d4b7b8a7c11").await),
        (
            "transaction-modify",
            app.post_json(
                "transaction-modify",
                Some(&shop_b),
                json!({ "request": { "transaction_id": transaction_id, "form": { "points": "0", "amount": "" }, "idempotency_key": "3c0f2f59-71b4-4c35-a1c6-0c55f0e1d7a2" } }),
            )
            .await,
        ),
        (
            "journal",
            app.post_json("journal", Some(&shop_b), json!({ "filter": { "from": "", "to": "", "client_id": client_id, "page": 0 } }))
                .await,
        ),
        (
            "client-activity",
            app.post_form("client-activity", Some(&shop_b), &format!("client_id={client_id}&filter=All&page=0")).await,
        ),
        (
            "transaction-redeem",
            app.post_json(
                "transaction-redeem",
                Some(&shop_b),
                json!({ "request": { "client_id": client_id, "points": "1", "idempotency_key": "4d3c2b1a-0f9e-4d8c-b7a6-958473625140" } }),
            )
            .await,
        ),
        (
            "client-phone-unlink",
            app.post_form("client-phone-unlink", Some(&shop_b), &format!("client_id={client_id}")).await,
        ),
        (
            "client-note-add",
            app.post_json("client-note-add", Some(&shop_b), json!({ "form": { "client_id": client_id, "body": "Vu" } })).await,
        ),
        (
            "client-consents",
            app.post_json(
                "client-consents",
                Some(&shop_b),
                json!({ "update": { "client_id": client_id, "email": true, "sms": true, "source": "Till" } }),
            )
            .await,
        ),
        (
            "client-tag-add",
            app.post_json("client-tag-add", Some(&shop_b), json!({ "client_id": client_id, "name": "VIP" })).await,
        ),
        (
            "client-tag-remove",
            app.post_json("client-tag-remove", Some(&shop_b), json!({ "client_id": client_id, "tag_id": tag_id })).await,
        ),
        (
            "client-groups",
            app.post_json("client-groups", Some(&shop_b), json!({ "client_id": client_id, "group_ids": [] })).await,
        ),
        ("group-delete", app.post_json("group-delete", Some(&shop_b), json!({ "group_id": group_id })).await),
        (
            "client-merge",
            app.post_json("client-merge", Some(&shop_b), json!({ "kept_id": client_id, "merged_id": other_id })).await,
        ),
    ];
    for (endpoint, response) in calls {
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{endpoint}");
        assert_eq!(body_json(response).await, json!("NotFound"), "{endpoint}");
    }
    // Shop B's search and journal show nothing of shop A.
    let search = body_json(
        app.post_form("clients-search", Some(&shop_b), "query=helene")
            .await,
    )
    .await;
    assert_eq!(search["total"], 0);
    // And shop A's data is untouched.
    let detail = body_json(
        app.post_form("client", Some(&shop_a), &format!("client_id={client_id}"))
            .await,
    )
    .await;
    assert_eq!(detail["row"]["first_name"], "Hélène");
    assert_eq!(detail["row"]["points_balance"], 10);
}

#[tokio::test]
async fn notes_and_consents_join_the_client_timeline_with_their_author() {
    let app = TestApp::new().await;
    let cookie = app.shop_with_owner("Boulangerie A", "a@exemple.fr").await;
    let client_id = create_client(&app, &cookie, "Léa").await;
    let note = app
        .post_json(
            "client-note-add",
            Some(&cookie),
            json!({ "form": { "client_id": client_id, "body": "  Sans gluten  " } }),
        )
        .await;
    assert_eq!(note.status(), StatusCode::OK);
    let consents = app
        .post_json(
            "client-consents",
            Some(&cookie),
            json!({ "update": { "client_id": client_id, "email": true, "sms": false, "source": "Form" } }),
        )
        .await;
    assert_eq!(consents.status(), StatusCode::OK);
    let consents = body_json(consents).await;
    assert_eq!(consents[0]["channel"], "Email");
    assert_eq!(consents[0]["latest"]["granted"], true);
    assert_eq!(consents[1]["latest"]["granted"], false);

    let timeline = body_json(
        app.post_form(
            "client-activity",
            Some(&cookie),
            &format!("client_id={client_id}&filter=All&page=0"),
        )
        .await,
    )
    .await;
    assert_eq!(timeline["total"], 4, "created, note, two consents");
    let items = timeline["items"].as_array().cloned().unwrap_or_default();
    assert!(items.iter().all(|item| item["author_name"] == "Owner"));
    assert!(
        items
            .iter()
            .any(|item| item["event"] == json!({ "File": { "Note": { "body": "Sans gluten" } } }))
    );
    let notes = body_json(
        app.post_form(
            "client-activity",
            Some(&cookie),
            &format!("client_id={client_id}&filter=Notes&page=0"),
        )
        .await,
    )
    .await;
    assert_eq!(notes["total"], 1);
    let file = body_json(
        app.post_form("client", Some(&cookie), &format!("client_id={client_id}"))
            .await,
    )
    .await;
    assert_eq!(file["consents"][0]["latest"]["source"], "Form");
}

#[tokio::test]
async fn the_till_adds_and_uses_points_by_phone_and_never_below_zero() {
    let app = TestApp::new().await;
    let cookie = app.shop_with_owner("Boulangerie A", "a@exemple.fr").await;
    let mut client = client_json("Léa", "Morel");
    client["phone"] = json!("06 12 34 56 78");
    let created = app
        .post_json("client-create", Some(&cookie), json!({ "form": client }))
        .await;
    assert_eq!(created.status(), StatusCode::OK);
    let by_phone = |points: &str, action: &str, key: &str| {
        json!({ "request": {
            "contact": "0612345678",
            "points": points,
            "action": action,
            "idempotency_key": key,
        }})
    };
    let added = app
        .post_json(
            "points-by-contact",
            Some(&cookie),
            by_phone("10", "Add", "0a4e5f7c-1b2d-4c3e-8f9a-0b1c2d3e4f50"),
        )
        .await;
    assert_eq!(added.status(), StatusCode::OK);
    assert_eq!(body_json(added).await["client"]["points_balance"], 10);
    let used = app
        .post_json(
            "points-by-contact",
            Some(&cookie),
            by_phone("4", "Use", "1b5f6a8d-2c3e-4d4f-9a0b-1c2d3e4f5a61"),
        )
        .await;
    assert_eq!(body_json(used).await["client"]["points_balance"], 6);
    let too_many = app
        .post_json(
            "points-by-contact",
            Some(&cookie),
            by_phone("7", "Use", "2c6a7b9e-3d4f-4e5a-8b1c-2d3e4f5a6b72"),
        )
        .await;
    assert_eq!(too_many.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body_json(too_many).await,
        json!({ "Invalid": [["points", { "NotEnoughPoints": { "balance": 6 } }]] })
    );
}

#[tokio::test]
async fn a_phone_enrols_a_client_and_a_known_phone_offers_the_existing_one() {
    let app = TestApp::new().await;
    let cookie = app.shop_with_owner("Boulangerie A", "a@exemple.fr").await;
    let enrol = |share_phone: Option<bool>| json!({ "form": { "phone": "06 98 76 54 32", "first_name": "" }, "share_phone": share_phone });
    let enrolled = app
        .post_json("client-enrol", Some(&cookie), enrol(None))
        .await;
    assert_eq!(enrolled.status(), StatusCode::OK);
    let enrolled = body_json(enrolled).await;
    assert_eq!(enrolled["email"], "");
    let offered = app
        .post_json("client-enrol", Some(&cookie), enrol(None))
        .await;
    assert_eq!(offered.status(), StatusCode::CONFLICT);
    let offered = body_json(offered).await;
    assert_eq!(offered["DuplicateClient"]["by"], "Phone");
    assert_eq!(offered["DuplicateClient"]["existing"]["id"], enrolled["id"]);
    let shared = app
        .post_json("client-enrol", Some(&cookie), enrol(Some(true)))
        .await;
    assert_eq!(shared.status(), StatusCode::OK);
    // Neither e-mail nor phone: the form says one is needed.
    let mut nothing = client_json("Léa", "Morel");
    nothing["email"] = json!("");
    nothing["phone"] = json!("");
    let refused = app
        .post_json("client-create", Some(&cookie), json!({ "form": nothing }))
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body_json(refused).await,
        json!({ "Invalid": [["email", "EmailOrPhone"]] })
    );
}

#[tokio::test]
async fn the_client_data_report_downloads_as_json_and_csv_for_the_shop_only() {
    let app = TestApp::new().await;
    let shop_a = app.shop_with_owner("Boulangerie A", "a@exemple.fr").await;
    let shop_b = app.shop_with_owner("Fleuriste B", "b@exemple.fr").await;
    let client_id = create_client(&app, &shop_a, "Hélène").await;
    record(
        &app,
        &shop_a,
        client_id,
        "7",
        "8c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
    )
    .await;
    let json_path = format!("/export/client/{client_id}/json");
    let response = app.get(&json_path, Some(&shop_a)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()[header::CONTENT_DISPOSITION],
        format!("attachment; filename=\"client-{client_id}.json\"").as_str()
    );
    let report = body_json(response).await;
    assert_eq!(report["client"]["first_name"], "Hélène");
    assert_eq!(report["transactions"][0]["points"], 7);
    let csv = app
        .get(&format!("/export/client/{client_id}/csv"), Some(&shop_a))
        .await;
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(
        csv.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap_or_default()
            .starts_with("text/csv")
    );
    assert!(body_text(csv).await.contains("client,"));
    assert_eq!(
        app.get(&json_path, Some(&shop_b)).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&json_path, None).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.get(&format!("/export/client/{client_id}/xml"), Some(&shop_a))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_replayed_transaction_is_recorded_once() {
    let app = TestApp::new().await;
    let cookie = app.shop_with_owner("Boulangerie A", "a@exemple.fr").await;
    let client_id = create_client(&app, &cookie, "Léa").await;
    let key = "5a8f1d0e-6c1b-4f5e-8a3e-2b9d7c6e5f40";
    let first = body_json(record(&app, &cookie, client_id, "7", key).await).await;
    let replay = body_json(record(&app, &cookie, client_id, "7", key).await).await;
    assert_eq!(first["transaction"]["id"], replay["transaction"]["id"]);
    assert_eq!(replay["client"]["points_balance"], 7);
    let conflicting = record(&app, &cookie, client_id, "70", key).await;
    assert_eq!(conflicting.status(), StatusCode::CONFLICT);
    let history = body_json(
        app.post_form(
            "client-history",
            Some(&cookie),
            &format!("client_id={client_id}"),
        )
        .await,
    )
    .await;
    assert_eq!(history.as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn bad_input_gets_field_messages_never_a_server_error() {
    let app = TestApp::new().await;
    let cookie = app.shop_with_owner("Boulangerie A", "a@exemple.fr").await;
    let mut bad = client_json("", "Dupont");
    bad["email"] = json!("pas-une-adresse");
    bad["phone"] = json!("12");
    bad["postal_code"] = json!("7500");
    bad["note"] = json!("x".repeat(5000));
    let response = app
        .post_json("client-create", Some(&cookie), json!({ "form": bad }))
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problems = body_json(response).await["Invalid"].clone();
    let fields: Vec<&str> = problems
        .as_array()
        .expect("field list")
        .iter()
        .filter_map(|pair| pair[0].as_str())
        .collect();
    assert_eq!(
        fields,
        vec!["first_name", "email", "phone", "postal_code", "note"]
    );

    let client_id = create_client(&app, &cookie, "Léa").await;
    for points in ["-5", "1000000", "abc", ""] {
        let response = record(
            &app,
            &cookie,
            client_id,
            points,
            &uuid::Uuid::new_v4().to_string(),
        )
        .await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{points}"
        );
    }
    // Wrong types and missing fields are refused as bad requests, not crashes.
    let response = app
        .post_json(
            "transaction-record",
            Some(&cookie),
            json!({ "request": { "client_id": "x" } }),
        )
        .await;
    assert!(response.status().is_client_error(), "{}", response.status());
    let response = app
        .post_form("client", Some(&cookie), "client_id=abc")
        .await;
    assert!(response.status().is_client_error(), "{}", response.status());
}

#[tokio::test]
async fn the_password_reset_email_arrives_by_smtp_and_its_link_works_once() {
    let (port, mut inbox) = crate::support::smtp::start().await;
    let app = TestApp::with_config(|config| {
        config.smtp = Some(app::services::config::SmtpConfig {
            host: "127.0.0.1".into(),
            port,
            security: app::services::config::SmtpSecurity::None,
            username: None,
            password: None,
        });
    })
    .await;
    app.shop_with_owner("Boulangerie A", "a@exemple.fr").await;

    // An unknown address gets the same answer and no e-mail.
    let unknown = app
        .post_form("password-reset-request", None, "email=inconnu%40exemple.fr")
        .await;
    let known = app
        .post_form("password-reset-request", None, "email=a%40exemple.fr")
        .await;
    assert_eq!(unknown.status(), StatusCode::OK);
    assert_eq!(known.status(), StatusCode::OK);
    assert_eq!(body_text(unknown).await, body_text(known).await);

    let mail = tokio::time::timeout(std::time::Duration::from_secs(10), inbox.recv())
        .await
        .expect("e-mail within 10 s")
        .expect("e-mail");
    assert_eq!(mail.recipients, vec!["a@exemple.fr".to_owned()]);
    assert!(mail.data.contains("Subject: "), "{}", mail.data);
    let body = crate::support::smtp::decoded_body(&mail.data);
    let link = body
        .split_whitespace()
        .find(|word| word.starts_with("http://127.0.0.1:3000/reinitialiser-mot-de-passe?jeton="))
        .unwrap_or_else(|| panic!("reset link in: {body}"));
    let token = link
        .rsplit_once("jeton=")
        .map(|(_, token)| token)
        .expect("token");
    assert!(
        inbox.try_recv().is_err(),
        "only the known address got an e-mail"
    );

    let page = app
        .get(link.trim_start_matches("http://127.0.0.1:3000"), None)
        .await;
    assert_eq!(page.status(), StatusCode::OK);

    let new_password = "Pain-Complet-42";
    let weak = app
        .post_form(
            "password-reset",
            None,
            &form(&[
                ("token", token),
                ("password", "faible"),
                ("confirmation", "faible"),
            ]),
        )
        .await;
    assert_eq!(weak.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let reset = app
        .post_form(
            "password-reset",
            None,
            &form(&[
                ("token", token),
                ("password", new_password),
                ("confirmation", new_password),
            ]),
        )
        .await;
    assert_eq!(reset.status(), StatusCode::OK);
    let notice = tokio::time::timeout(std::time::Duration::from_secs(10), inbox.recv())
        .await
        .expect("a password-changed notice within 10 s")
        .expect("e-mail");
    assert_eq!(notice.recipients, vec!["a@exemple.fr".to_owned()]);
    assert!(crate::support::smtp::decoded_body(&notice.data).contains("vient d'être modifié"));
    app.login("a@exemple.fr", new_password).await;
    let old = app
        .post_form(
            "login",
            None,
            &form(&[("email", "a@exemple.fr"), ("password", PASSWORD)]),
        )
        .await;
    assert_eq!(old.status(), StatusCode::UNAUTHORIZED);
    let again = app
        .post_form(
            "password-reset",
            None,
            &form(&[
                ("token", token),
                ("password", "Autre-Pain-43"),
                ("confirmation", "Autre-Pain-43"),
            ]),
        )
        .await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body_json(again).await, json!("ResetLinkInvalid"));
}

#[tokio::test]
async fn signed_in_pages_send_strangers_to_the_login_page() {
    let app = TestApp::new().await;
    let response = app.get("/clients", None).await;
    assert!(response.status().is_redirection(), "{}", response.status());
    assert_eq!(
        response
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok()),
        Some("/connexion")
    );
    let login = app.get("/connexion", None).await;
    assert_eq!(login.status(), StatusCode::OK);
    let html = body_text(login).await;
    assert!(
        html.contains("Connexion") && html.contains("Mot de passe oublié ?"),
        "{html}"
    );
}

#[tokio::test]
async fn the_clients_page_renders_for_a_signed_in_user_in_english_too() {
    let app = TestApp::new().await;
    let cookie = app.shop_with_owner("Boulangerie A", "a@exemple.fr").await;
    let french = body_text(app.get("/clients", Some(&cookie)).await).await;
    assert!(
        french.contains("Rechercher un client") && french.contains("Boulangerie A"),
        "{french}"
    );
    let english = body_text(
        app.get("/clients", Some(&format!("{cookie}; i18n_pref_locale=en")))
            .await,
    )
    .await;
    assert!(english.contains("Search for a client"), "{english}");
}
