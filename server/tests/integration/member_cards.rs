//! Member cards through the router, on SQLite and on PostgreSQL: the card is the shop's own
//! (another shop's ids and tokens are refused), its page opens with no session and shows the
//! first name and the points only, and the REST API finds a client by card.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;

use crate::support::{TestApp, body_json, body_text, form};

async fn card_of(app: &TestApp, cookie: &str, client_id: i64) -> (StatusCode, serde_json::Value) {
    let answer = app
        .post_form(
            "member-card",
            Some(cookie),
            &form(&[("client_id", client_id.to_string().as_str())]),
        )
        .await;
    let status = answer.status();
    (status, body_json(answer).await)
}

#[tokio::test]
async fn a_card_is_the_shops_own_opens_with_no_session_and_finds_its_client_through_the_api() {
    let app = TestApp::new().await;
    let owner = app.shop_with_owner("Fleuriste", "cartes@exemple.fr").await;
    let client_id = app.new_client(&owner).await;
    let (status, card) = card_of(&app, &owner, client_id).await;
    assert_eq!(status, StatusCode::OK, "{card}");
    let token = card["token"].as_str().expect("token").to_owned();
    let link = card["link"].as_str().expect("link").to_owned();
    let segment = link.rsplit('/').next().expect("segment").to_owned();
    assert_eq!(
        segment,
        format!("{}-{token}", segment.split('-').next().expect("shop"))
    );
    assert!(card["qr_svg"].as_str().expect("svg").starts_with("<svg"));

    // Another shop can neither read nor replace this client's card, nor find it by its token.
    let other = app
        .shop_with_owner("Caviste", "autre-carte@exemple.fr")
        .await;
    let (status, _) = card_of(&app, &other, client_id).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let replaced = app
        .post_form(
            "member-card-replace",
            Some(&other),
            &form(&[("client_id", client_id.to_string().as_str())]),
        )
        .await;
    assert_eq!(replaced.status(), StatusCode::NOT_FOUND);
    let searched = body_json(
        app.post_json(
            "clients-list",
            Some(&other),
            json!({ "query": { "text": link } }),
        )
        .await,
    )
    .await;
    assert_eq!(searched["card"], "Unknown", "{searched}");
    assert_eq!(searched["rows"], json!([]));
    let searched = body_json(
        app.post_json(
            "clients-list",
            Some(&owner),
            json!({ "query": { "text": token } }),
        )
        .await,
    )
    .await;
    assert_eq!(searched["card"], "Found", "{searched}");
    assert_eq!(searched["rows"][0]["id"], client_id);

    // The card's page, with no session: the shop, the first name, the points; no last name.
    let page = app.get(&format!("/carte/{segment}"), None).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = body_text(page).await;
    assert!(html.contains("Fleuriste"), "{html}");
    let public = body_json(
        app.post_form("card-public", None, &form(&[("token", &segment)]))
            .await,
    )
    .await;
    assert_eq!(public["shop_name"], "Fleuriste");
    assert_eq!(public["points"], 0);
    assert!(public.get("last_name").is_none() && public.get("email").is_none());
    let unknown = app
        .post_form(
            "card-public",
            None,
            &form(&[("token", "0000000000aaaaaaaaaa")]),
        )
        .await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);

    // A till's key finds the client by the card's address, as a scanner reads it.
    let created = body_json(
        app.post_json(
            "api-key-create",
            Some(&owner),
            json!({ "form": { "name": "Caisse", "scope": "read" } }),
        )
        .await,
    )
    .await;
    let key = created["secret"].as_str().expect("secret").to_owned();
    let find = |card: String| {
        Request::get(format!("/api/v1/clients?card={card}"))
            .header(header::AUTHORIZATION, format!("Bearer {key}"))
            .body(Body::empty())
            .expect("request")
    };
    let found = app
        .send(find(link.replace(':', "%3A").replace('/', "%2F")))
        .await;
    assert_eq!(found.status(), StatusCode::OK);
    assert_eq!(body_json(found).await["id"], client_id);
    let replaced = app
        .post_form(
            "member-card-replace",
            Some(&owner),
            &form(&[("client_id", client_id.to_string().as_str())]),
        )
        .await;
    assert_eq!(replaced.status(), StatusCode::OK);
    let refused = app.send(find(token)).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let refused = body_json(refused).await;
    assert_eq!(refused["fields"][0]["field"], "card");
    assert_eq!(refused["fields"][0]["problem"], "card_replaced");
}
