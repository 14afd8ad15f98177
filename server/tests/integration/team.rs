//! The team page's server functions through the whole router: invitations that tell nothing
//! about other shops, and their hourly limit.

use crate::support::{TestApp, body_json, mails_to};
use axum::http::StatusCode;
use serde_json::json;

async fn invite(
    app: &TestApp,
    owner: &str,
    email: &str,
    role: &str,
) -> axum::http::Response<axum::body::Body> {
    app.post_json(
        "team-invite",
        Some(owner),
        json!({ "form": { "email": email, "display_name": "Nouvelle Recrue", "role": role } }),
    )
    .await
}

#[tokio::test]
async fn an_invitation_answers_the_same_whether_the_address_is_used_by_another_shop() {
    let app = TestApp::new().await;
    let owner = app
        .shop_with_owner("Boulangerie", "patronne@exemple.fr")
        .await;
    app.shop_with_owner("Fleuriste", "fleuriste@exemple.fr")
        .await;

    let elsewhere = invite(&app, &owner, "fleuriste@exemple.fr", "staff").await;
    let fresh = invite(&app, &owner, "recrue@exemple.fr", "staff").await;
    assert_eq!(elsewhere.status(), StatusCode::OK);
    assert_eq!(fresh.status(), StatusCode::OK);
    assert_eq!(
        body_json(elsewhere).await,
        json!({ "email": "fleuriste@exemple.fr" })
    );
    assert_eq!(
        body_json(fresh).await,
        json!({ "email": "recrue@exemple.fr" })
    );

    let note = mails_to(&app, "fleuriste@exemple.fr");
    assert_eq!(note.len(), 1);
    assert!(
        !note[0].contains("jeton="),
        "no link for a taken address: {}",
        note[0]
    );
    // Their own shop and account are untouched.
    app.login("fleuriste@exemple.fr", crate::support::PASSWORD)
        .await;

    let again = invite(&app, &owner, "recrue@exemple.fr", "owner").await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body_json(again).await,
        json!({ "Invalid": [["email", "DuplicateEmail"]] }),
        "an address of the owner's own team is named"
    );
}

#[tokio::test]
async fn invitations_stop_at_the_hourly_limit_with_a_wait() {
    let app = TestApp::new().await;
    let owner = app
        .shop_with_owner("Boulangerie", "limite@exemple.fr")
        .await;
    for index in 0..20 {
        let sent = invite(&app, &owner, &format!("recrue{index}@exemple.fr"), "staff").await;
        assert_eq!(sent.status(), StatusCode::OK, "invitation {index}");
    }
    let refused = invite(&app, &owner, "de-trop@exemple.fr", "staff").await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait = body_json(refused).await["TooManyInvitations"]["retry_after_seconds"]
        .as_u64()
        .expect("a wait");
    assert!((3500..=3600).contains(&wait), "{wait} s");
    assert!(mails_to(&app, "de-trop@exemple.fr").is_empty());
}
