//! E-mail campaigns through the router and a real SMTP listener, on SQLite and on PostgreSQL:
//! the owner previews, tests and sends; only the clients who agree when the message leaves get
//! it; the `List-Unsubscribe` one-click post works with no session and withdraws the consent.

use std::time::Duration;

use app::services::campaigns::send::{Sending, send_queued};
use app::services::config::{SmtpConfig, SmtpSecurity};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};

use crate::support::smtp::{ReceivedMail, decoded_body};
use crate::support::{TestApp, body_json, body_text, form};

async fn client(app: &TestApp, owner: &str, first_name: &str) -> i64 {
    let email = format!("{}@exemple.fr", first_name.to_lowercase());
    let created = app
        .post_json(
            "client-create",
            Some(owner),
            json!({ "form": {
                "civility": "mme", "first_name": first_name, "last_name": "Client",
                "email": email, "phone": "", "address": "", "postal_code": "",
                "city": "", "birth_date": "", "note": ""
            } }),
        )
        .await;
    assert_eq!(created.status(), StatusCode::OK);
    body_json(created).await["id"].as_i64().expect("id")
}

async fn consent(app: &TestApp, owner: &str, client_id: i64, email: bool) {
    let answer = app
        .post_json(
            "client-consents",
            Some(owner),
            json!({ "update": { "client_id": client_id, "email": email, "sms": false, "source": "Till" } }),
        )
        .await;
    assert_eq!(answer.status(), StatusCode::OK);
}

fn campaign() -> Value {
    json!({ "form": {
        "subject": "Les tulipes sont là, {prenom}",
        "body": "Bonjour {prenom}, vos {points} points vous attendent chez {boutique}.",
        "segment": { "kind": "all", "label_id": null, "days": "" }
    } })
}

/// The next message the listener got, within 10 s.
async fn next_mail(inbox: &mut tokio::sync::mpsc::UnboundedReceiver<ReceivedMail>) -> ReceivedMail {
    tokio::time::timeout(Duration::from_secs(10), inbox.recv())
        .await
        .expect("a message within 10 s")
        .expect("message")
}

/// A header's value, its folded lines joined.
fn header_value(data: &str, name: &str) -> Option<String> {
    let head = data.split_once("\n\n").map_or(data, |(head, _)| head);
    let unfolded = head.replace("\n ", " ").replace("\n\t", " ");
    unfolded.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.eq_ignore_ascii_case(name)
            .then(|| value.trim().to_owned())
    })
}

#[tokio::test]
async fn the_owner_writes_to_consenting_clients_and_a_client_unsubscribes_in_one_click() {
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
    let owner = app
        .shop_with_owner("Fleurs de Léa", "fleurs@exemple.fr")
        .await;
    let ana = client(&app, &owner, "Ana").await;
    let bruno = client(&app, &owner, "Bruno").await; // never asked
    let chloe = client(&app, &owner, "Chloe").await;
    consent(&app, &owner, ana, true).await;
    consent(&app, &owner, chloe, true).await;
    let elsewhere = app
        .shop_with_owner("Autre boutique", "autre@exemple.fr")
        .await;
    let stranger = client(&app, &elsewhere, "Zoe").await;
    consent(&app, &elsewhere, stranger, true).await;

    let shown = app
        .post_json("campaign-preview", Some(&owner), campaign())
        .await;
    assert_eq!(shown.status(), StatusCode::OK);
    let shown = body_json(shown).await;
    assert_eq!(shown["recipients"], 2);
    assert_eq!(shown["subject"], "Les tulipes sont là, Ana");

    let tested = app
        .post_json("campaign-test", Some(&owner), campaign())
        .await;
    assert_eq!(tested.status(), StatusCode::OK);
    let test = next_mail(&mut inbox).await;
    assert_eq!(test.recipients, vec!["fleurs@exemple.fr".to_owned()]);
    assert!(decoded_body(&test.data).contains("Message de test"));

    let staff = app.staff_of(&owner, "vendeuse@exemple.fr").await;
    let refused = app
        .post_json("campaign-send", Some(&staff), campaign())
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let sent = app
        .post_json("campaign-send", Some(&owner), campaign())
        .await;
    assert_eq!(sent.status(), StatusCode::OK);
    let campaign_id = body_json(sent).await.as_i64().expect("campaign id");
    // Chloé changes her mind before her message leaves.
    consent(&app, &owner, chloe, false).await;

    let sending = Sending {
        public_url: "http://boutique.localhost".to_owned(),
        batch: 10,
        pause: Duration::ZERO,
    };
    let report = send_queued(&app.state.db, &app.state.mailer, &sending)
        .await
        .expect("send");
    assert_eq!((report.sent, report.unsubscribed), (1, 1));
    let mail = next_mail(&mut inbox).await;
    assert_eq!(mail.recipients, vec!["ana@exemple.fr".to_owned()]);
    let body = decoded_body(&mail.data);
    assert!(
        body.contains("Bonjour Ana, vos 0 points vous attendent chez Fleurs de Léa."),
        "{body}"
    );
    assert!(
        body.contains("http://boutique.localhost/desabonnement?jeton="),
        "{body}"
    );
    assert_eq!(
        header_value(&mail.data, "List-Unsubscribe-Post").as_deref(),
        Some("List-Unsubscribe=One-Click")
    );
    let link = header_value(&mail.data, "List-Unsubscribe").expect("List-Unsubscribe");
    let path = link
        .trim_matches(|c| c == '<' || c == '>')
        .strip_prefix("http://boutique.localhost")
        .expect("the shop's address")
        .to_owned();
    // Nobody else: Bruno never agreed, Chloé withdrew, the other shop's client is not this shop's.
    assert!(
        tokio::time::timeout(Duration::from_millis(300), inbox.recv())
            .await
            .is_err(),
        "one campaign message only"
    );
    let again = send_queued(&app.state.db, &app.state.mailer, &sending)
        .await
        .expect("send");
    assert_eq!(again.handled(), 0, "nothing is sent twice");

    let detail = app
        .post_json(
            "campaign-detail",
            Some(&owner),
            json!({ "campaign_id": campaign_id, "page": 0 }),
        )
        .await;
    assert_eq!(detail.status(), StatusCode::OK);
    let detail = body_json(detail).await;
    let lines: Vec<(i64, String)> = detail["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|line| {
            (
                line["client_id"].as_i64().unwrap_or_default(),
                line["status"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        vec![(ana, "Sent".to_owned()), (chloe, "Unsubscribed".to_owned())]
    );
    assert!(!lines.iter().any(|(id, _)| *id == bruno));
    // The campaign's page, rendered by the server.
    let page = app
        .get(&format!("/campagnes/{campaign_id}"), Some(&owner))
        .await;
    assert_eq!(page.status(), StatusCode::OK);
    let page = body_text(page).await;
    assert!(page.contains("Les tulipes sont là, {prenom}"), "{page}");
    assert!(page.contains("Envoyé"), "{page}");
    for (path, shown) in [
        ("/campagnes", "Les tulipes sont là, {prenom}"),
        ("/e-mails-automatiques", "Aucun e-mail automatique"),
    ] {
        let page = app.get(path, Some(&owner)).await;
        assert_eq!(page.status(), StatusCode::OK, "{path}");
        assert!(body_text(page).await.contains(shown), "{path}");
    }
    let foreign = app
        .post_json(
            "campaign-detail",
            Some(&elsewhere),
            json!({ "campaign_id": campaign_id, "page": 0 }),
        )
        .await;
    assert_eq!(foreign.status(), StatusCode::NOT_FOUND);

    // Opening the address asks first; the mail program's post unsubscribes, with no session.
    let opened = app
        .send(Request::get(&path).body(Body::empty()).expect("request"))
        .await;
    assert_eq!(opened.status(), StatusCode::SEE_OTHER);
    let page = opened.headers()[header::LOCATION]
        .to_str()
        .expect("location")
        .to_owned();
    assert!(page.starts_with("/desabonnement?jeton="), "{page}");
    let asked = app.get(&page, None).await;
    assert_eq!(asked.status(), StatusCode::OK);
    let asked = body_text(asked).await;
    assert!(asked.contains("Fleurs de Léa"), "the page names the shop");
    assert!(
        asked.contains("a•••@exemple.fr"),
        "and the address, half hidden"
    );

    let one_click = app
        .send(
            Request::post(&path)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from("List-Unsubscribe=One-Click"))
                .expect("request"),
        )
        .await;
    assert_eq!(one_click.status(), StatusCode::OK);
    let after = app
        .post_json("campaign-preview", Some(&owner), campaign())
        .await;
    assert_eq!(body_json(after).await["recipients"], 0);
    let client_file = app
        .post_form(
            "client",
            Some(&owner),
            &form(&[("client_id", &ana.to_string())]),
        )
        .await;
    assert_eq!(client_file.status(), StatusCode::OK);
    let client_file = body_json(client_file).await;
    let email_consent = client_file["consents"]
        .as_array()
        .and_then(|consents| {
            consents
                .iter()
                .find(|consent| consent["channel"] == "Email")
        })
        .expect("e-mail consent")
        .clone();
    assert_eq!(email_consent["latest"]["granted"], false);
    assert_eq!(email_consent["latest"]["source"], "Unsubscribe");

    let unknown = app
        .send(
            Request::post("/desabonnement/un-clic?jeton=1-inconnu")
                .body(Body::from("List-Unsubscribe=One-Click"))
                .expect("request"),
        )
        .await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}
