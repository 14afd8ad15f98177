//! Tags, groups, the list's filters and sorts, merging two files, and the platform support,
//! through the router as the pages call them.

use crate::support::{PASSWORD, TestApp, body_json};
use axum::http::StatusCode;
use serde_json::{Value, json};

async fn enrol(app: &TestApp, cookie: &str, first_name: &str, phone: &str) -> i64 {
    let response = app
        .post_json(
            "client-enrol",
            Some(cookie),
            json!({ "form": { "phone": phone, "first_name": first_name } }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK, "enrol {first_name}");
    body_json(response).await["id"].as_i64().expect("id")
}

async fn earn(app: &TestApp, cookie: &str, client_id: i64, points: &str, key: &str) {
    let request = json!({ "request": {
        "client_id": client_id,
        "form": { "points": points, "amount": "" },
        "idempotency_key": key,
    }});
    let response = app
        .post_json("transaction-record", Some(cookie), request)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

async fn list(app: &TestApp, cookie: &str, query: Value) -> Vec<String> {
    let response = app
        .post_json("clients-list", Some(cookie), json!({ "query": query }))
        .await;
    assert_eq!(response.status(), StatusCode::OK, "{query}");
    body_json(response).await["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|row| row["first_name"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn tags_and_groups_filter_the_list_and_sorts_follow_points_and_visits() {
    println!("database: {}", crate::support::database_kind());
    let app = TestApp::new().await;
    let cookie = app
        .shop_with_owner("Boulangerie", "listes@exemple.fr")
        .await;
    let anne = enrol(&app, &cookie, "Anne", "06 11 11 11 11").await;
    let bruno = enrol(&app, &cookie, "Bruno", "06 22 22 22 22").await;
    let chloe = enrol(&app, &cookie, "Chloé", "06 33 33 33 33").await;
    earn(
        &app,
        &cookie,
        bruno,
        "30",
        "0a9e3c5e-1f1a-4b6e-8f00-000000000001",
    )
    .await;
    earn(
        &app,
        &cookie,
        anne,
        "5",
        "0a9e3c5e-1f1a-4b6e-8f00-000000000002",
    )
    .await;

    for (client_id, typed) in [(anne, "VIP"), (chloe, "vip ")] {
        let response = app
            .post_json(
                "client-tag-add",
                Some(&cookie),
                json!({ "client_id": client_id, "name": typed }),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(body_json(response).await[0]["name"], "VIP");
    }
    let group = body_json(
        app.post_json("group-create", Some(&cookie), json!({ "name": "Comité" }))
            .await,
    )
    .await;
    let group_id = group["id"].as_i64().expect("group id");
    let grouped = app
        .post_json(
            "client-groups",
            Some(&cookie),
            json!({ "client_id": bruno, "group_ids": [group_id] }),
        )
        .await;
    assert_eq!(grouped.status(), StatusCode::OK);
    let labels = body_json(app.post_form("labels", Some(&cookie), "").await).await;
    assert_eq!(labels["tags"].as_array().map(Vec::len), Some(1));
    assert_eq!(labels["tags"][0]["clients"], 2);
    let tag_id = labels["tags"][0]["label"]["id"].as_i64().expect("tag id");

    let query = |tag: Option<i64>, group: Option<i64>, sort: &str, text: &str| json!({ "text": text, "tag": tag, "group": group, "sort": sort });
    assert_eq!(
        list(&app, &cookie, query(Some(tag_id), None, "Name", "")).await,
        vec!["Anne", "Chloé"]
    );
    assert_eq!(
        list(&app, &cookie, query(None, Some(group_id), "Name", "")).await,
        vec!["Bruno"]
    );
    assert_eq!(
        list(&app, &cookie, query(None, None, "Points", "")).await,
        vec!["Bruno", "Anne", "Chloé"]
    );
    // Anne came last: most recent first, never-seen clients at the end.
    assert_eq!(
        list(&app, &cookie, query(None, None, "LastVisit", "")).await,
        vec!["Anne", "Bruno", "Chloé"]
    );
    // Filters and sorts apply to a search too.
    assert_eq!(
        list(&app, &cookie, query(Some(tag_id), None, "Points", "06")).await,
        vec!["Anne", "Chloé"]
    );
    assert_eq!(
        list(
            &app,
            &cookie,
            query(Some(tag_id), Some(group_id), "Name", "")
        )
        .await,
        Vec::<String>::new()
    );
}

#[tokio::test]
async fn the_owner_merges_two_files_and_the_old_one_leads_to_the_kept_one() {
    let app = TestApp::new().await;
    let cookie = app
        .shop_with_owner("Boulangerie", "fusion@exemple.fr")
        .await;
    let kept = enrol(&app, &cookie, "Marie", "06 44 44 44 44").await;
    let merged = enrol(&app, &cookie, "Marie", "07 55 55 55 55").await;
    earn(
        &app,
        &cookie,
        kept,
        "4",
        "1b8f4d6f-2a2b-4c7f-9a11-000000000001",
    )
    .await;
    earn(
        &app,
        &cookie,
        merged,
        "6",
        "1b8f4d6f-2a2b-4c7f-9a11-000000000002",
    )
    .await;
    let response = app
        .post_json(
            "client-merge",
            Some(&cookie),
            json!({ "kept_id": kept, "merged_id": merged }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(body_json(response).await["points_balance"], 10);
    let old = body_json(
        app.post_form("client", Some(&cookie), &format!("client_id={merged}"))
            .await,
    )
    .await;
    assert_eq!(old["row"]["id"], kept);
    assert_eq!(old["stats"]["visits"], 2);
    let search = body_json(
        app.post_form("clients-search", Some(&cookie), "query=07 55")
            .await,
    )
    .await;
    assert_eq!(search["total"], 0);
    let audit = body_json(
        app.post_json(
            "audit-log",
            Some(&cookie),
            json!({ "filter": { "kind": "clients_merged", "from": "", "to": "", "page": 0 } }),
        )
        .await,
    )
    .await;
    assert_eq!(audit["total"], 1);
}

#[tokio::test]
async fn support_sees_shops_exports_and_erases_but_does_no_shop_work() {
    let app = TestApp::new().await;
    let owner = app
        .shop_with_owner("Boulangerie", "patron@exemple.fr")
        .await;
    let client_id = enrol(&app, &owner, "Hélène", "06 66 66 66 66").await;
    earn(
        &app,
        &owner,
        client_id,
        "8",
        "2c9a5e7a-3b3c-4d8a-8b22-000000000001",
    )
    .await;
    app::services::support::create_support_account(
        &app.state.db,
        &app.state.hasher,
        "Sam",
        "sam@comptoir.example",
        PASSWORD,
    )
    .await
    .expect("support account");
    let support = app.login("sam@comptoir.example", PASSWORD).await;

    let shops = body_json(
        app.post_json(
            "support-shops",
            Some(&support),
            json!({ "filter": "boul", "page": 0 }),
        )
        .await,
    )
    .await;
    assert_eq!(shops["total"], 1);
    let shop_id = shops["shops"][0]["id"].as_i64().expect("shop id");
    assert_eq!(shops["shops"][0]["clients"], 1);
    // No till work and no shop page data for support; no support page for a shop.
    for (endpoint, body) in [
        ("clients-search", "query=".to_owned()),
        ("client", format!("client_id={client_id}")),
        ("labels", String::new()),
    ] {
        assert_eq!(
            app.post_form(endpoint, Some(&support), &body)
                .await
                .status(),
            StatusCode::FORBIDDEN,
            "{endpoint}"
        );
    }
    assert_eq!(
        app.post_json(
            "support-shops",
            Some(&owner),
            json!({ "filter": "", "page": 0 })
        )
        .await
        .status(),
        StatusCode::FORBIDDEN
    );

    let found = body_json(
        app.post_json(
            "support-clients",
            Some(&support),
            json!({ "shop_id": shop_id, "text": "06 66" }),
        )
        .await,
    )
    .await;
    assert_eq!(found["rows"][0]["id"], client_id);
    let report = app
        .get(&format!("/export/client/{client_id}/json"), Some(&support))
        .await;
    assert_eq!(report.status(), StatusCode::OK);
    assert_eq!(body_json(report).await["client"]["first_name"], "Hélène");

    let erased = app
        .post_json(
            "support-erase",
            Some(&support),
            json!({ "request": { "shop_id": shop_id, "client_id": client_id, "reason": "ClientRequest" } }),
        )
        .await;
    assert_eq!(erased.status(), StatusCode::OK);
    assert_eq!(
        app.post_form("client", Some(&owner), &format!("client_id={client_id}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    // The shop's journal keeps the amounts without a name; its audit log says who erased.
    let journal = body_json(
        app.post_json(
            "journal",
            Some(&owner),
            json!({ "filter": { "from": "", "to": "", "client_id": null, "page": 0 } }),
        )
        .await,
    )
    .await;
    assert_eq!(journal["entries"][0]["points"], 8);
    assert_eq!(journal["entries"][0]["client_name"], "");
    let audit = body_json(
        app.post_json(
            "audit-log",
            Some(&owner),
            json!({ "filter": { "kind": "client_erased", "from": "", "to": "", "page": 0 } }),
        )
        .await,
    )
    .await;
    assert_eq!(audit["entries"][0]["user_name"], "Sam");
}

/// A border shop's clients from Belgium and Luxembourg, through the router as the form sends
/// them: each country's postal codes and phones, found by search, named on their page and in
/// their data export.
#[tokio::test]
async fn a_border_shop_keeps_clients_from_abroad() {
    use crate::support::body_text;
    let app = TestApp::new().await;
    let cookie = app
        .shop_with_owner("Boulangerie de la Frontière", "frontiere@exemple.fr")
        .await;
    let create = |first_name: &str, country: &str, postal_code: &str, city: &str, phone: &str| {
        json!({ "form": {
            "civility": "nc", "first_name": first_name, "last_name": "Voisin",
            "email": "", "phone": phone, "address": "", "postal_code": postal_code,
            "city": city, "country": country, "birth_date": "", "note": ""
        } })
    };
    let mut ids = Vec::new();
    for (first_name, country, postal_code, city, phone) in [
        ("Lotte", "BE", "1000", "Bruxelles", "0470 12 34 56"),
        ("Jos", "LU", "l-1234", "Esch-sur-Alzette", "621 123 456"),
        ("Noé", "CH", "1201", "Genève", "079 123 45 67"),
    ] {
        let response = app
            .post_json(
                "client-create",
                Some(&cookie),
                create(first_name, country, postal_code, city, phone),
            )
            .await;
        let status = response.status();
        let row = body_json(response).await;
        assert_eq!(status, StatusCode::OK, "{first_name}: {row}");
        ids.push(row["id"].as_i64().expect("id"));
    }

    for (query, expected) in [
        ("0470 12 34", "Lotte"),
        ("+41 79 123", "Noé"),
        ("1234", "Jos"),
        ("L-1234", "Jos"),
        ("1201", "Noé"),
    ] {
        assert_eq!(
            list(&app, &cookie, json!({ "text": query })).await,
            vec![expected.to_owned()],
            "{query}"
        );
    }

    // A French postal code for a Belgian client is refused, and the saved file is unchanged.
    let refused = app
        .post_json(
            "client-update",
            Some(&cookie),
            json!({ "client_id": ids[0], "form": create("Lotte", "BE", "59000", "Lille", "") }),
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let page = body_text(
        app.get(&format!("/clients/{}", ids[0]), Some(&cookie))
            .await,
    )
    .await;
    assert!(
        page.contains("1000 Bruxelles, Belgique"),
        "the file names the country"
    );
    assert!(page.contains("+32 470 12 34 56"), "the phone in its groups");
    let list_page = body_text(app.get("/clients", Some(&cookie)).await).await;
    assert!(list_page.contains("L-1234 Esch-sur-Alzette, Luxembourg"));

    let export = body_text(
        app.get(&format!("/export/client/{}/csv", ids[2]), Some(&cookie))
            .await,
    )
    .await;
    assert!(export.contains(",country,CH"), "{export}");
}
