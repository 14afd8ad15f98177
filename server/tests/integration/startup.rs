//! The start-up decision of `server serve` (the demo shop only when asked for), and the health
//! check a proxy asks once it runs.

use app::entities::shop;
use app::services::accounts::passwords::PasswordHasher;
use app::services::demo::DEMO_EMAIL;
use sea_orm::{EntityTrait, PaginatorTrait};
use server::startup::prepare_to_serve;

use crate::support::fresh_database;

#[tokio::test]
async fn serving_a_fresh_database_without_demo_creates_no_shop() {
    let db = fresh_database().await;
    let hasher = PasswordHasher::default();
    let demo_login_works = prepare_to_serve(&db, &hasher, false)
        .await
        .expect("prepared");
    assert!(!demo_login_works);
    assert_eq!(shop::Entity::find().count(&db).await.expect("shops"), 0);
}

#[tokio::test]
async fn serving_with_demo_loads_it_once_and_it_stays_without_the_flag() {
    let db = fresh_database().await;
    let hasher = PasswordHasher::default();
    assert!(prepare_to_serve(&db, &hasher, true).await.expect("demo"));
    assert!(prepare_to_serve(&db, &hasher, true).await.expect("again"));
    assert_eq!(shop::Entity::find().count(&db).await.expect("shops"), 1);
    // A later start without the flag keeps the data and still shows the demo login.
    assert!(prepare_to_serve(&db, &hasher, false).await.expect("plain"));
    let owner = app::entities::user::Entity::find()
        .all(&db)
        .await
        .expect("users");
    assert!(owner.iter().any(|user| user.email == DEMO_EMAIL));
}

/// `/healthz` for a proxy or a monitor: ok on a current schema, 503 with the reason once the
/// database holds a migration this version does not know (a newer version ran on it).
#[tokio::test]
async fn the_health_check_says_whether_the_database_answers_with_this_schema() {
    use axum::http::StatusCode;
    use sea_orm::ConnectionTrait;

    let app = crate::support::TestApp::new().await;
    let answer = app.get("/healthz", None).await;
    assert_eq!(answer.status(), StatusCode::OK);
    let body = crate::support::body_json(answer).await;
    assert_eq!(body["status"], "ok");
    assert_eq!(body["migrations"], "current");

    app.state
        .db
        .connection()
        .execute_unprepared(
            "INSERT INTO seaql_migrations (version, applied_at) VALUES ('m20991231_000001_future', 0)",
        )
        .await
        .expect("a newer version's migration");
    let answer = app.get("/healthz", None).await;
    assert_eq!(answer.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body = crate::support::body_json(answer).await;
    assert_eq!(
        body["migrations"]["unknown"][0], "m20991231_000001_future",
        "{body}"
    );
}

/// Every answer names its request, for finding it in the logs; a proxy's own id is kept.
#[tokio::test]
async fn every_answer_carries_its_request_id() {
    use axum::body::Body;
    use axum::http::{Request, header};

    let app = crate::support::TestApp::new().await;
    let answer = app.get("/healthz", None).await;
    let id = answer
        .headers()
        .get("x-request-id")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(id.len(), 36, "a UUID: {id}");
    let from_proxy = app
        .send(
            Request::get("/healthz")
                .header(header::HOST, "127.0.0.1:3000")
                .header("x-request-id", "proxy-7f3a")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(
        from_proxy
            .headers()
            .get("x-request-id")
            .and_then(|value| value.to_str().ok()),
        Some("proxy-7f3a")
    );
}
