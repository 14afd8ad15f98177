//! The REST API through the router, on SQLite and on PostgreSQL: a till with a key finds,
//! enrols and records; a retry is recorded once; keys missing, unknown, revoked, read-only or of
//! another shop are refused; every refusal is the API's JSON, in the caller's language.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};

use crate::support::{TestApp, body_json, body_text};

/// A key made by `owner` on the keys page; answers its secret.
async fn new_key(app: &TestApp, owner: &str, name: &str, scope: &str) -> String {
    let answer = app
        .post_json(
            "api-key-create",
            Some(owner),
            json!({ "form": { "name": name, "scope": scope } }),
        )
        .await;
    assert_eq!(answer.status(), StatusCode::OK);
    let created = body_json(answer).await;
    let secret = created["secret"].as_str().expect("secret").to_owned();
    assert!(secret.starts_with("cpt_"), "{secret}");
    assert!(secret.starts_with(created["key"]["hint"].as_str().expect("hint")));
    secret
}

struct Call<'a> {
    method: &'a str,
    path: String,
    key: Option<&'a str>,
    idempotency: Option<&'a str>,
    body: Option<Value>,
    language: Option<&'a str>,
}

impl<'a> Call<'a> {
    fn new(method: &'a str, path: impl Into<String>, key: &'a str) -> Self {
        Self {
            method,
            path: path.into(),
            key: Some(key),
            idempotency: None,
            body: None,
            language: None,
        }
    }

    fn body(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }

    fn idempotency(mut self, key: &'a str) -> Self {
        self.idempotency = Some(key);
        self
    }

    async fn send(self, app: &TestApp) -> (StatusCode, Value) {
        let mut request = Request::builder().method(self.method).uri(&self.path);
        if let Some(key) = self.key {
            request = request.header(header::AUTHORIZATION, format!("Bearer {key}"));
        }
        if let Some(idempotency) = self.idempotency {
            request = request.header("idempotency-key", idempotency);
        }
        if let Some(language) = self.language {
            request = request.header(header::ACCEPT_LANGUAGE, language);
        }
        let body = match self.body {
            Some(body) => {
                request = request.header(header::CONTENT_TYPE, "application/json");
                Body::from(body.to_string())
            }
            None => Body::empty(),
        };
        let answer = app.send(request.body(body).expect("request")).await;
        let status = answer.status();
        let text = body_text(answer).await;
        let json = serde_json::from_str(&text)
            .unwrap_or_else(|_| panic!("{status}: the API answers JSON, not {text:?}"));
        (status, json)
    }
}

async fn audit_kinds(app: &TestApp, owner: &str) -> Vec<(String, String)> {
    let answer = app
        .post_json(
            "audit-log",
            Some(owner),
            json!({ "filter": { "from": "", "to": "", "kind": "", "page": 0 } }),
        )
        .await;
    assert_eq!(answer.status(), StatusCode::OK);
    body_json(answer).await["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|entry| {
            (
                entry["kind"].as_str().unwrap_or_default().to_owned(),
                entry["source"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_till_enrols_finds_and_records_with_its_key_and_a_retry_is_recorded_once() {
    let app = TestApp::new().await;
    let owner = app.shop_with_owner("Boulangerie", "api@exemple.fr").await;
    let key = new_key(&app, &owner, "Caisse 1", "read_write").await;

    let (status, created) = Call::new("POST", "/api/v1/clients", &key)
        .body(json!({ "first_name": "Léa", "last_name": "Morel", "phone": "06 12 34 56 78" }))
        .send(&app)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().expect("id");
    assert_eq!(created["phone"], "+33612345678");
    assert_eq!(created["points_balance"], 0);
    assert_eq!(created["email"], Value::Null);

    let (status, twice) = Call::new("POST", "/api/v1/clients", &key)
        .body(json!({ "first_name": "Léa", "last_name": "Morel", "phone": "0612345678" }))
        .send(&app)
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(twice["code"], "duplicate_client");
    assert_eq!(twice["existing_client_id"], id);

    let (status, found) = Call::new("GET", "/api/v1/clients?phone=%2B33612345678", &key)
        .send(&app)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(found["id"], id);

    // No programme: the shop types points, as at its till.
    let purchase = |points: i64| {
        Call::new("POST", format!("/api/v1/clients/{id}/purchases"), &key)
            .body(json!({ "points": points, "amount_cents": 1250 }))
    };
    let (status, first) = purchase(10).idempotency("ticket-0042").send(&app).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert_eq!(first["points"], 10);
    assert_eq!(first["amount_cents"], 1250);
    assert_eq!(first["kind"], "earn");
    assert_eq!(first["points_balance"], 10);
    let (status, again) = purchase(10).idempotency("ticket-0042").send(&app).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(again, first, "a retry gets the first answer");
    let (status, other) = purchase(11).idempotency("ticket-0042").send(&app).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(other["code"], "idempotency_conflict");

    let (status, too_many) = Call::new("POST", format!("/api/v1/clients/{id}/redemptions"), &key)
        .body(json!({ "points": 50 }))
        .idempotency("use-1")
        .send(&app)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(too_many["code"], "invalid");
    assert_eq!(too_many["fields"][0]["field"], "points");
    assert_eq!(too_many["fields"][0]["problem"], "not_enough_points");
    let (status, used) = Call::new("POST", format!("/api/v1/clients/{id}/redemptions"), &key)
        .body(json!({ "points": 4 }))
        .idempotency("use-2")
        .send(&app)
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(
        (used["points"].clone(), used["points_balance"].clone()),
        (json!(-4), json!(6))
    );

    let (status, client) = Call::new("GET", format!("/api/v1/clients/{id}"), &key)
        .send(&app)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(client["points_balance"], 6);
    assert_eq!(client["visit_count"], 1);
    let (status, rewards) = Call::new("GET", format!("/api/v1/clients/{id}/rewards"), &key)
        .send(&app)
        .await;
    assert_eq!((status, rewards), (StatusCode::OK, json!([])));

    // The app sees what the API wrote, and who wrote it.
    let kinds = audit_kinds(&app, &owner).await;
    let hint = &key[..12];
    for kind in ["ClientCreated", "ApiClientRead", "TransactionRecorded"] {
        assert!(
            kinds
                .iter()
                .any(|(found, source)| found == kind && source.starts_with(&format!("api {hint}"))),
            "{kind} by the key in {kinds:?}"
        );
    }
    assert!(kinds.iter().any(|(kind, _)| kind == "ApiKeyCreated"));
    let listed = body_json(
        app.post_json("api-keys-list", Some(&owner), json!({}))
            .await,
    )
    .await;
    assert_eq!(listed[0]["name"], "Caisse 1");
    assert!(listed[0]["last_used_at"].is_string(), "{listed}");
    assert!(listed[0].get("secret").is_none() && !listed.to_string().contains(&key));
}

#[tokio::test]
async fn keys_are_refused_when_missing_unknown_revoked_read_only_or_of_another_shop() {
    let app = TestApp::new().await;
    let owner = app.shop_with_owner("Boulangerie", "cles@exemple.fr").await;
    let neighbour = app.shop_with_owner("Fleuriste", "voisin@exemple.fr").await;
    let client_id = app.new_client(&owner).await;
    let writer = new_key(&app, &owner, "Site web", "read_write").await;
    let reader = new_key(&app, &owner, "Statistiques", "read").await;
    let other_shop = new_key(&app, &neighbour, "Caisse voisine", "read_write").await;
    let client = format!("/api/v1/clients/{client_id}");
    let purchases = format!("{client}/purchases");

    let mut anonymous = Call::new("GET", client.clone(), "");
    anonymous.key = None;
    let (status, missing) = anonymous.send(&app).await;
    assert_eq!(
        (status, missing["code"].clone()),
        (StatusCode::UNAUTHORIZED, json!("missing_key"))
    );
    let (status, unknown) = Call::new("GET", client.clone(), "cpt_not-a-key")
        .send(&app)
        .await;
    assert_eq!(
        (status, unknown["code"].clone()),
        (StatusCode::UNAUTHORIZED, json!("unknown_key"))
    );

    let (status, _) = Call::new("GET", client.clone(), &reader).send(&app).await;
    assert_eq!(status, StatusCode::OK, "a read-only key reads");
    let (status, refused) = Call::new("POST", purchases.clone(), &reader)
        .body(json!({ "points": 5 }))
        .idempotency("r-1")
        .send(&app)
        .await;
    assert_eq!(
        (status, refused["code"].clone()),
        (StatusCode::FORBIDDEN, json!("read_only_key"))
    );

    // Another shop's key finds nothing of this shop, and writes nothing to it.
    let (status, _) = Call::new("GET", client.clone(), &other_shop)
        .send(&app)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = Call::new("POST", purchases.clone(), &other_shop)
        .body(json!({ "points": 5 }))
        .idempotency("n-1")
        .send(&app)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = Call::new("GET", "/api/v1/clients?email=lea%40exemple.fr", &other_shop)
        .send(&app)
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "no such client in that shop"
    );

    // Bad requests: each its JSON answer, never a server error.
    let (status, no_key) = Call::new("POST", purchases.clone(), &writer)
        .body(json!({ "points": 5 }))
        .send(&app)
        .await;
    assert_eq!(
        (status, no_key["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("idempotency_key"))
    );
    let (status, malformed) = Call::new("POST", purchases.clone(), &writer)
        .body(json!({ "points": "many" }))
        .idempotency("w-1")
        .send(&app)
        .await;
    assert_eq!(
        (status, malformed["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("malformed"))
    );
    let (status, _) = Call::new("GET", "/api/v1/clients/abc", &writer)
        .send(&app)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, nowhere) = Call::new("GET", "/api/v1/nowhere", &writer)
        .send(&app)
        .await;
    assert_eq!(
        (status, nowhere["code"].clone()),
        (StatusCode::NOT_FOUND, json!("unknown_address"))
    );
    let mut in_french = Call::new("GET", "/api/v1/clients", &writer);
    in_french.language = Some("fr-FR,fr;q=0.9,en;q=0.5");
    let (status, no_contact) = in_french.send(&app).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        no_contact["message"],
        "Indiquez la carte (card), le téléphone (phone) ou l'e-mail (email) du client."
    );
    let (status, invalid) = Call::new("POST", "/api/v1/clients", &writer)
        .body(json!({ "first_name": "", "last_name": "Morel", "email": "pas-un-email" }))
        .send(&app)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = invalid["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter_map(|field| field["field"].as_str())
        .collect();
    assert_eq!(fields, ["first_name", "email"], "{invalid}");

    // Only the owner makes and revokes keys; a revoked key is refused at once.
    let staff = app.staff_of(&owner, "vendeuse@exemple.fr").await;
    let answer = app
        .post_json(
            "api-key-create",
            Some(&staff),
            json!({ "form": { "name": "La mienne", "scope": "read_write" } }),
        )
        .await;
    assert_eq!(answer.status(), StatusCode::FORBIDDEN);
    let listed = body_json(
        app.post_json("api-keys-list", Some(&owner), json!({}))
            .await,
    )
    .await;
    let writer_id = listed
        .as_array()
        .expect("keys")
        .iter()
        .find(|key| key["name"] == "Site web")
        .and_then(|key| key["id"].as_i64())
        .expect("the key");
    let answer = app
        .post_json(
            "api-key-revoke",
            Some(&neighbour),
            json!({ "key_id": writer_id }),
        )
        .await;
    assert_eq!(
        answer.status(),
        StatusCode::NOT_FOUND,
        "another shop's owner"
    );
    let answer = app
        .post_json(
            "api-key-revoke",
            Some(&owner),
            json!({ "key_id": writer_id }),
        )
        .await;
    assert_eq!(answer.status(), StatusCode::OK);
    let (status, revoked) = Call::new("GET", client.clone(), &writer).send(&app).await;
    assert_eq!(
        (status, revoked["code"].clone()),
        (StatusCode::UNAUTHORIZED, json!("unknown_key"))
    );
}

#[tokio::test]
async fn the_openapi_document_and_its_page_are_served_from_this_server_alone() {
    let app = TestApp::new().await;
    let answer = app.get("/api/v1/openapi.json", None).await;
    assert_eq!(answer.status(), StatusCode::OK);
    let document: Value = serde_json::from_str(&body_text(answer).await).expect("json");
    assert!(
        document["openapi"]
            .as_str()
            .expect("version")
            .starts_with("3.1")
    );
    for path in [
        "/api/v1/clients",
        "/api/v1/clients/{client_id}",
        "/api/v1/clients/{client_id}/rewards",
        "/api/v1/clients/{client_id}/purchases",
        "/api/v1/clients/{client_id}/visits",
        "/api/v1/clients/{client_id}/redemptions",
        "/api/v1/rewards/{earned_id}/claim",
    ] {
        assert!(document["paths"][path].is_object(), "{path} documented");
    }
    assert_eq!(
        document["components"]["securitySchemes"]["api_key"]["scheme"],
        "bearer"
    );

    let answer = app.get("/api/v1/docs", None).await;
    assert_eq!(answer.status(), StatusCode::OK);
    let policy = answer
        .headers()
        .get("content-security-policy")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(policy.contains("default-src 'self'"), "{policy}");
    let page = body_text(answer).await;
    assert!(page.contains("POST /api/v1/clients/{client_id}/purchases"));
    assert!(!page.contains("http://") && !page.contains("https://") && !page.contains("<script"));
}
