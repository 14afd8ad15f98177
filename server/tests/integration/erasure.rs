//! An erasure through the router, on SQLite and on PostgreSQL: afterwards no text column of any
//! table, read from the database's own schema, holds anything about the erased client.

use axum::http::StatusCode;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use serde_json::json;

use crate::support::{PASSWORD, TestApp, body_json};

/// `(table, column)` of every column of every table, from the schema: each is read as text, so
/// a date or a number that gives the client away is found too.
async fn every_column(db: &DatabaseConnection) -> Vec<(String, String)> {
    let backend = db.get_database_backend();
    match backend {
        DbBackend::Postgres => db
            .query_all_raw(Statement::from_string(
                backend,
                "SELECT table_name::text AS table_name, column_name::text AS column_name \
                 FROM information_schema.columns \
                 WHERE table_schema = current_schema()",
            ))
            .await
            .expect("columns")
            .iter()
            .map(|row| {
                (
                    row.try_get::<String>("", "table_name").expect("table"),
                    row.try_get::<String>("", "column_name").expect("column"),
                )
            })
            .collect(),
        _ => {
            let tables: Vec<String> = db
                .query_all_raw(Statement::from_string(
                    backend,
                    "SELECT name FROM sqlite_master WHERE type = 'table'",
                ))
                .await
                .expect("tables")
                .iter()
                .map(|row| row.try_get::<String>("", "name").expect("name"))
                .collect();
            let mut columns = Vec::new();
            for table in tables {
                // SQLite keeps any value in any column: every column is read.
                for row in db
                    .query_all_raw(Statement::from_string(
                        backend,
                        format!("PRAGMA table_info(\"{table}\")"),
                    ))
                    .await
                    .expect("table info")
                {
                    columns.push((
                        table.clone(),
                        row.try_get::<String>("", "name").expect("column"),
                    ));
                }
            }
            columns
        }
    }
}

/// The `(table, column)` pairs where `needle` (lower case) is found.
async fn places_holding(db: &DatabaseConnection, needle: &str) -> Vec<(String, String)> {
    let backend = db.get_database_backend();
    let mut found = Vec::new();
    for (table, column) in every_column(db).await {
        let count = db
            .query_one_raw(Statement::from_sql_and_values(
                backend,
                format!(
                    "SELECT COUNT(*) AS found FROM \"{table}\" \
                     WHERE lower(CAST(\"{column}\" AS TEXT)) LIKE {}",
                    if backend == DbBackend::Postgres {
                        "$1"
                    } else {
                        "?"
                    }
                ),
                [format!("%{needle}%").into()],
            ))
            .await
            .expect("scan")
            .expect("row")
            .try_get::<i64>("", "found")
            .expect("count");
        if count > 0 {
            found.push((table, column));
        }
    }
    found
}

#[tokio::test]
async fn after_an_erasure_no_table_holds_the_client_on_either_engine() {
    println!("database: {}", crate::support::database_kind());
    let app = TestApp::new().await;
    let owner = app.shop_with_owner("Boulangerie", "a@exemple.fr").await;
    let created = app
        .post_json(
            "client-create",
            Some(&owner),
            json!({ "form": {
                "civility": "mme", "first_name": "Ombeline", "last_name": "Quarteronde",
                "email": "ombeline.quarteronde@exemple.fr", "phone": "06 41 52 63 74",
                "address": "3 ruelle Brindacier", "postal_code": "29870", "city": "Plouzivel",
                "birth_date": "1979-05-17", "note": "Aime le Frangipanier"
            } }),
        )
        .await;
    assert_eq!(created.status(), StatusCode::OK);
    let client_id = body_json(created).await["id"].as_i64().expect("id");
    for (endpoint, body) in [
        (
            "client-note-add",
            json!({ "form": { "client_id": client_id, "body": "Allergie Noisetrine" } }),
        ),
        (
            "client-consents",
            json!({ "update": { "client_id": client_id, "email": true, "sms": true, "source": "Verbal" } }),
        ),
        (
            "client-tag-add",
            json!({ "client_id": client_id, "name": "Régime Sarrazinette" }),
        ),
    ] {
        let answer = app.post_json(endpoint, Some(&owner), body).await;
        assert_eq!(answer.status(), StatusCode::OK, "{endpoint}");
    }
    let group = body_json(
        app.post_json(
            "group-create",
            Some(&owner),
            json!({ "name": "Cercle Pimprenelle" }),
        )
        .await,
    )
    .await;
    let grouped = app
        .post_json(
            "client-groups",
            Some(&owner),
            json!({ "client_id": client_id, "group_ids": [group["id"]] }),
        )
        .await;
    assert_eq!(grouped.status(), StatusCode::OK);
    let earned = app
        .post_json(
            "transaction-record",
            Some(&owner),
            json!({ "request": {
                "client_id": client_id,
                "form": { "points": "5", "amount": "12,30" },
                "idempotency_key": "7b0d7c1e-2f7e-4a55-9d43-4f6f1b0c9e21",
            } }),
        )
        .await;
    assert_eq!(earned.status(), StatusCode::OK);

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
            json!({ "filter": "", "page": 0 }),
        )
        .await,
    )
    .await;
    let shop_id = shops["shops"][0]["id"].as_i64().expect("shop id");
    let erased = app
        .post_json(
            "support-erase",
            Some(&support),
            json!({ "request": { "shop_id": shop_id, "client_id": client_id, "reason": "ClientRequest" } }),
        )
        .await;
    assert_eq!(erased.status(), StatusCode::OK);

    let db = &app.state.db;
    assert!(!every_column(db).await.is_empty());
    for erased_value in [
        "ombeline",
        "quarteronde",
        "41 52 63 74",
        "641526374",
        "brindacier",
        "plouzivel",
        "1979-05-17",
        "frangipanier",
        "noisetrine",
        "sarrazinette",
        "pimprenelle",
    ] {
        let left = places_holding(db, erased_value).await;
        assert!(left.is_empty(), "{erased_value} is still in {left:?}");
    }
    // The amount and the fact of the erasure stay.
    let journal = body_json(
        app.post_json(
            "journal",
            Some(&owner),
            json!({ "filter": { "from": "", "to": "", "client_id": null, "page": 0 } }),
        )
        .await,
    )
    .await;
    assert_eq!(journal["entries"][0]["points"], 5);
    let audit = body_json(
        app.post_json(
            "audit-log",
            Some(&owner),
            json!({ "filter": { "kind": "client_erased", "from": "", "to": "", "page": 0 } }),
        )
        .await,
    )
    .await;
    assert_eq!(audit["entries"][0]["detail"], "client_request");
}
