//! The team page's server functions through the whole router: invitations that tell nothing
//! about other shops, their hourly limit, and the shop's founder out of other owners' reach.

use crate::support::{TestApp, body_json, form, link_token, mails_to, wait_for_mails};
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

#[tokio::test]
async fn a_second_owner_cannot_demote_or_disable_the_founder() {
    let app = TestApp::new().await;
    let founder = app
        .shop_with_owner("Boulangerie", "fondatrice@exemple.fr")
        .await;
    let founder_id = body_json(app.post_form("session", Some(&founder), "").await).await["user_id"]
        .as_i64()
        .expect("founder id");
    assert_eq!(
        invite(&app, &founder, "associe@exemple.fr", "owner")
            .await
            .status(),
        StatusCode::OK
    );
    let token = link_token(&wait_for_mails(&app, "associe@exemple.fr", 1).await[0]);
    let chosen = app
        .post_form(
            "password-reset",
            None,
            &form(&[
                ("token", &token),
                ("password", "Associe-2027!"),
                ("confirmation", "Associe-2027!"),
            ]),
        )
        .await;
    assert_eq!(chosen.status(), StatusCode::OK);
    let partner = app.login("associe@exemple.fr", "Associe-2027!").await;

    for (endpoint, body) in [
        (
            "team-role",
            json!({ "member_id": founder_id, "role": "Staff" }),
        ),
        (
            "team-access",
            json!({ "member_id": founder_id, "active": false }),
        ),
    ] {
        let refused = app.post_json(endpoint, Some(&partner), body).await;
        assert_eq!(
            refused.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{endpoint}"
        );
        assert_eq!(
            body_json(refused).await,
            json!({ "Invalid": [["member", "FounderAccount"]] }),
            "{endpoint}"
        );
    }
    // The founder is still an owner who can sign in.
    let team = body_json(app.post_form("team", Some(&founder), "").await).await;
    let listed = team
        .as_array()
        .and_then(|members| members.iter().find(|member| member["id"] == founder_id))
        .cloned()
        .expect("founder listed");
    assert_eq!(listed["role"], "Owner");
    assert_eq!(listed["active"], true);
}
