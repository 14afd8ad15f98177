//! The client page's timeline is paged: a page past the last one is refused (422) before any row
//! is read, and the first page of an empty timeline is an empty page.

use axum::http::StatusCode;
use serde_json::json;

use crate::support::{TestApp, body_json};

fn activity(client_id: i64, filter: &str, page: u64) -> String {
    format!("client_id={client_id}&filter={filter}&page={page}")
}

#[tokio::test]
async fn a_timeline_page_past_the_last_is_refused() {
    let app = TestApp::new().await;
    let cookie = app.shop_with_owner("Boulangerie", "a@exemple.fr").await;
    let client_id = app.new_client(&cookie).await;

    // No note yet: page 0 is an empty page, page 1 does not exist.
    let empty = app
        .post_form(
            "client-activity",
            Some(&cookie),
            &activity(client_id, "Notes", 0),
        )
        .await;
    assert_eq!(empty.status(), StatusCode::OK);
    let empty = body_json(empty).await;
    assert_eq!(
        (empty["total"].clone(), empty["items"].clone()),
        (json!(0), json!([]))
    );
    let past = app
        .post_form(
            "client-activity",
            Some(&cookie),
            &activity(client_id, "Notes", 1),
        )
        .await;
    assert_eq!(past.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // The whole timeline holds the file's creation: one page (0), and page 1 is past it.
    let first = app
        .post_form(
            "client-activity",
            Some(&cookie),
            &activity(client_id, "All", 0),
        )
        .await;
    assert_eq!(first.status(), StatusCode::OK);
    let total = body_json(first).await["total"].as_u64().expect("total");
    assert!((1..=20).contains(&total), "{total}");
    for page in [1, 2, 999_999] {
        let answer = app
            .post_form(
                "client-activity",
                Some(&cookie),
                &activity(client_id, "All", page),
            )
            .await;
        assert_eq!(
            answer.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "page {page}"
        );
        assert_eq!(
            body_json(answer).await,
            json!({ "Invalid": [["page", "InvalidChoice"]] })
        );
    }
}
