//! Login throttling, password changes that end other sessions, and the audit log, through the
//! whole router.

use crate::support::{PASSWORD, TestApp, body_json, form};
use app::services::config::{SmtpConfig, SmtpSecurity};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use sea_orm::ConnectionTrait;
use serde_json::json;

/// A login from `address`, as seen behind a trusted proxy.
async fn login_from(
    app: &TestApp,
    address: &str,
    email: &str,
    password: &str,
) -> axum::http::Response<Body> {
    let request = Request::post("/api/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .header("x-forwarded-for", address)
        .body(Body::from(form(&[
            ("email", email),
            ("password", password),
        ])))
        .expect("request");
    app.send(request).await
}

fn retry_after(answer: &serde_json::Value) -> u64 {
    answer["TooManyAttempts"]["retry_after_seconds"]
        .as_u64()
        .unwrap_or_else(|| panic!("a wait in {answer}"))
}

#[tokio::test]
async fn five_wrong_passwords_make_the_account_wait_even_with_the_right_one() {
    let app = TestApp::with_config(|config| config.trust_forwarded_for = true).await;
    app.shop_with_owner("Boulangerie", "lent@exemple.fr").await;
    for _ in 0..5 {
        let wrong = login_from(&app, "192.0.2.1", "lent@exemple.fr", "Mauvais-Pass-1").await;
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    }
    // From another address too: the account itself is throttled.
    let blocked = login_from(&app, "192.0.2.99", "lent@exemple.fr", PASSWORD).await;
    assert_eq!(blocked.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait = retry_after(&body_json(blocked).await);
    assert!((1..=600).contains(&wait), "{wait} s");

    // An unknown address is throttled the same way, so throttling tells nothing either.
    for _ in 0..5 {
        login_from(&app, "192.0.2.2", "personne@exemple.fr", "Mauvais-Pass-1").await;
    }
    let unknown = login_from(&app, "192.0.2.3", "personne@exemple.fr", "Mauvais-Pass-1").await;
    assert_eq!(unknown.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn guesses_sent_all_at_once_get_no_more_tries_than_one_by_one() {
    use tower::ServiceExt;
    let app = TestApp::with_config(|config| config.trust_forwarded_for = true).await;
    app.shop_with_owner("Boulangerie", "rafale@exemple.fr")
        .await;
    let mut guesses = tokio::task::JoinSet::new();
    for index in 0..12 {
        let router = app.router.clone();
        let request = Request::post("/api/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("x-forwarded-for", format!("203.0.113.{index}"))
            .body(Body::from(form(&[
                ("email", "rafale@exemple.fr"),
                ("password", "Mauvais-Pass-1"),
            ])))
            .expect("request");
        guesses.spawn(async move { router.oneshot(request).await.map(|answer| answer.status()) });
    }
    let answers: Vec<StatusCode> = guesses
        .join_all()
        .await
        .into_iter()
        .map(|answer| answer.expect("router answers"))
        .collect();
    let checked = answers
        .iter()
        .filter(|status| **status == StatusCode::UNAUTHORIZED)
        .count();
    let turned_away = answers
        .iter()
        .filter(|status| **status == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert!(checked <= 5, "{checked} passwords checked: {answers:?}");
    assert_eq!(checked + turned_away, 12, "{answers:?}");
}

#[tokio::test]
async fn one_address_trying_many_accounts_is_stopped_and_others_are_not() {
    let app = TestApp::with_config(|config| config.trust_forwarded_for = true).await;
    app.shop_with_owner("Boulangerie", "cible@exemple.fr").await;
    for attempt in 0..30 {
        let guess = format!("essai{attempt}@exemple.fr");
        let wrong = login_from(&app, "198.51.100.7", &guess, "Mauvais-Pass-1").await;
        assert_eq!(
            wrong.status(),
            StatusCode::UNAUTHORIZED,
            "attempt {attempt}"
        );
    }
    let stopped = login_from(&app, "198.51.100.7", "cible@exemple.fr", PASSWORD).await;
    assert_eq!(stopped.status(), StatusCode::TOO_MANY_REQUESTS);
    let elsewhere = login_from(&app, "198.51.100.8", "cible@exemple.fr", PASSWORD).await;
    assert_eq!(
        elsewhere.status(),
        StatusCode::OK,
        "the owner at their shop is not locked out"
    );
}

#[tokio::test]
async fn changing_the_password_ends_the_other_sessions_and_sends_a_notice() {
    let (port, mut inbox) = crate::support::smtp::start().await;
    let app = TestApp::with_config(|config| {
        config.smtp = Some(SmtpConfig {
            host: "127.0.0.1".into(),
            port,
            security: SmtpSecurity::None,
            username: None,
            password: None,
        });
    })
    .await;
    let here = app
        .shop_with_owner("Boulangerie", "change@exemple.fr")
        .await;
    let elsewhere = app.login("change@exemple.fr", PASSWORD).await;

    let wrong = app
        .post_form(
            "password-change",
            Some(&here),
            &form(&[
                ("current", "Pas-Le-Bon-1"),
                ("password", "Seigle-2027!"),
                ("confirmation", "Seigle-2027!"),
            ]),
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body_json(wrong).await,
        json!({ "Invalid": [["current", "WrongPassword"]] })
    );

    let changed = app
        .post_form(
            "password-change",
            Some(&here),
            &form(&[
                ("current", PASSWORD),
                ("password", "Seigle-2027!"),
                ("confirmation", "Seigle-2027!"),
            ]),
        )
        .await;
    assert_eq!(changed.status(), StatusCode::OK);
    let search = |cookie: String| {
        let app = &app;
        async move {
            app.post_form("clients-search", Some(&cookie), &form(&[("query", "x")]))
                .await
                .status()
        }
    };
    assert_eq!(
        search(here.clone()).await,
        StatusCode::OK,
        "this session stays"
    );
    assert_eq!(
        search(elsewhere).await,
        StatusCode::UNAUTHORIZED,
        "the other one ended"
    );
    app.login("change@exemple.fr", "Seigle-2027!").await;

    let mail = tokio::time::timeout(std::time::Duration::from_secs(10), inbox.recv())
        .await
        .expect("a notice within 10 s")
        .expect("e-mail");
    assert_eq!(mail.recipients, vec!["change@exemple.fr".to_owned()]);
    let body = crate::support::smtp::decoded_body(&mail.data);
    assert!(body.contains("vient d'être modifié"), "{body}");
    assert!(body.contains("autres sessions ont été fermées"), "{body}");
}

async fn audit_kinds(app: &TestApp, cookie: &str, kind: &str) -> Vec<serde_json::Value> {
    let answer = app
        .post_json(
            "audit-log",
            Some(cookie),
            json!({ "filter": { "kind": kind, "from": "", "to": "", "page": 0 } }),
        )
        .await;
    assert_eq!(answer.status(), StatusCode::OK);
    body_json(answer).await["entries"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[tokio::test]
async fn the_owner_reads_who_did_what_and_nobody_can_rewrite_it() {
    let app = TestApp::new().await;
    let owner = app.shop_with_owner("Boulangerie", "audit@exemple.fr").await;
    let refused = app
        .post_form(
            "login",
            None,
            &form(&[("email", "audit@exemple.fr"), ("password", "Faux-Pass-99")]),
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    let created = app
        .post_json(
            "client-create",
            Some(&owner),
            json!({ "form": {
                "civility": "mme", "first_name": "Inès", "last_name": "Trace",
                "email": "ines@exemple.fr", "phone": "", "address": "",
                "postal_code": "", "city": "", "birth_date": "", "note": ""
            }}),
        )
        .await;
    let client_id = body_json(created).await["id"].as_i64().expect("client id");
    let recorded = app
        .post_json(
            "transaction-record",
            Some(&owner),
            json!({ "request": {
                "client_id": client_id,
                "form": { "points": "7", "amount": "" },
                "idempotency_key": uuid::Uuid::new_v4(),
            }}),
        )
        .await;
    assert_eq!(recorded.status(), StatusCode::OK);

    let everything = audit_kinds(&app, &owner, "").await;
    let kinds: Vec<&str> = everything
        .iter()
        .filter_map(|entry| entry["kind"].as_str())
        .collect();
    assert_eq!(
        kinds,
        [
            "TransactionRecorded",
            "ClientCreated",
            "LoginFailed",
            "LoginSucceeded"
        ],
        "newest first"
    );
    let transaction = &everything[0];
    assert_eq!(transaction["user_name"], "Owner");
    assert_eq!(transaction["client_id"], client_id);
    assert_eq!(
        transaction["source"], "unknown",
        "no peer address through oneshot"
    );
    let failures = audit_kinds(&app, &owner, "login_failed").await;
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0]["detail"], "audit@exemple.fr");
    let text = serde_json::to_string(&everything).expect("json");
    assert!(
        !text.contains("Faux-Pass-99") && !text.contains(PASSWORD),
        "no password in the log"
    );

    let bad_kind = app
        .post_json(
            "audit-log",
            Some(&owner),
            json!({ "filter": { "kind": "nonsense", "from": "", "to": "", "page": 0 } }),
        )
        .await;
    assert_eq!(bad_kind.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Append-only, in the database itself.
    for statement in [
        "UPDATE audit_events SET detail = 'effacé'",
        "DELETE FROM audit_events",
        "DELETE FROM ledger_entries",
    ] {
        let attempt = app.state.db.execute_unprepared(statement).await;
        assert!(attempt.is_err(), "{statement} must be refused");
    }
    assert_eq!(audit_kinds(&app, &owner, "").await.len(), 4);
}

#[tokio::test]
async fn staff_cannot_read_the_audit_log() {
    let app = TestApp::new().await;
    let owner = app
        .shop_with_owner("Boulangerie", "patron@exemple.fr")
        .await;
    let staff = app.staff_of(&owner, "vendeuse@exemple.fr").await;
    let answer = app
        .post_json(
            "audit-log",
            Some(&staff),
            json!({ "filter": { "kind": "", "from": "", "to": "", "page": 0 } }),
        )
        .await;
    assert_eq!(answer.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn reset_links_are_limited_per_address_typed_known_or_not() {
    let app = TestApp::new().await;
    app.shop_with_owner("Boulangerie", "oubli@exemple.fr").await;
    for email in ["oubli@exemple.fr", "inconnu@exemple.fr"] {
        for _ in 0..3 {
            let asked = app
                .post_form("password-reset-request", None, &form(&[("email", email)]))
                .await;
            assert_eq!(asked.status(), StatusCode::OK, "{email}");
        }
        let fourth = app
            .post_form("password-reset-request", None, &form(&[("email", email)]))
            .await;
        assert_eq!(fourth.status(), StatusCode::TOO_MANY_REQUESTS, "{email}");
        assert!(retry_after(&body_json(fourth).await) > 0);
    }
}

/// The secret of a link mailed to `email` that is none of `known`, waiting up to 10 s for it
/// (reset links are sent in the background).
async fn new_link(app: &TestApp, email: &str, known: &[&str]) -> String {
    for _ in 0..100 {
        let fresh = crate::support::mails_to(app, email)
            .iter()
            .filter(|mail| mail.contains("jeton="))
            .map(|mail| crate::support::link_token(mail))
            .find(|token| !known.contains(&token.as_str()));
        if let Some(token) = fresh {
            return token;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("a new link for {email} within 10 s");
}

#[tokio::test]
async fn a_used_link_or_a_changed_password_voids_the_account_s_other_links() {
    let app = TestApp::new().await;
    let email = "liens@exemple.fr";
    app.shop_with_owner("Boulangerie", email).await;
    let ask = || async {
        app.post_form("password-reset-request", None, &form(&[("email", email)]))
            .await
    };
    let reset = |token: String, password: &'static str| {
        let app = &app;
        async move {
            app.post_form(
                "password-reset",
                None,
                &form(&[
                    ("token", &token),
                    ("password", password),
                    ("confirmation", password),
                ]),
            )
            .await
        }
    };
    assert_eq!(ask().await.status(), StatusCode::OK);
    let older = new_link(&app, email, &[]).await;
    assert_eq!(ask().await.status(), StatusCode::OK);
    let newer = new_link(&app, email, &[&older]).await;
    assert_eq!(
        reset(newer.clone(), "Seigle-2027!").await.status(),
        StatusCode::OK
    );
    let refused = reset(older.clone(), "Froment-2028!").await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body_json(refused).await, json!("ResetLinkInvalid"));

    assert_eq!(ask().await.status(), StatusCode::OK);
    let pending = new_link(&app, email, &[&older, &newer]).await;
    let signed_in = app.login(email, "Seigle-2027!").await;
    let changed = app
        .post_form(
            "password-change",
            Some(&signed_in),
            &form(&[
                ("current", "Seigle-2027!"),
                ("password", "Epeautre-2029!"),
                ("confirmation", "Epeautre-2029!"),
            ]),
        )
        .await;
    assert_eq!(changed.status(), StatusCode::OK);
    let refused = reset(pending, "Froment-2028!").await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    app.login(email, "Epeautre-2029!").await;
}
