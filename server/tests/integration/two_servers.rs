//! Two server processes on one database, as a host runs several stateless app servers: a session
//! opened on one works on the other, a logout on one ends it on both, and a transaction replayed
//! to the other server is recorded once.

use std::net::{SocketAddr, TcpListener};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use serde_json::json;
use server::http_client::HttpClient;

const OWNER_EMAIL: &str = "deux@exemple.fr";

/// A running `server` process, stopped when dropped.
struct ServerProcess {
    child: Child,
    address: SocketAddr,
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_address() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("address")
}

fn server_command(database_url: &str, outbox: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
    command
        .env("DATABASE_URL", database_url)
        .env("MAIL_OUTBOX_DIR", outbox)
        .env("RUST_LOG", "warn")
        .env_remove("SMTP_HOST")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    command
}

async fn start(database_url: &str, outbox: &std::path::Path) -> ServerProcess {
    let address = free_address();
    let child = server_command(database_url, outbox)
        .arg("serve")
        .env("LEPTOS_SITE_ADDR", address.to_string())
        .spawn()
        .expect("server starts");
    let server = ServerProcess { child, address };
    let deadline = Instant::now() + Duration::from_secs(60);
    while HttpClient::connect(address).await.is_err() {
        assert!(
            Instant::now() < deadline,
            "server on {address} never listened"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    server
}

#[tokio::test]
async fn two_servers_share_sessions_and_record_a_replayed_transaction_once() {
    println!("database: {}", crate::support::database_kind());
    let database_url = crate::support::fresh_database_url().await;
    let outbox = std::env::temp_dir().join(format!("comptoir-outbox-{}", uuid::Uuid::new_v4()));
    let created = server_command(&database_url, &outbox)
        .args([
            "create-shop",
            "--name",
            "Deux Comptoirs",
            "--owner-name",
            "Dora",
        ])
        .args(["--owner-email", OWNER_EMAIL])
        .env("COMPTOIR_OWNER_PASSWORD", crate::support::PASSWORD)
        .status()
        .expect("create-shop runs");
    assert!(created.success());

    let first = start(&database_url, &outbox).await;
    let second = start(&database_url, &outbox).await;

    let mut on_first = HttpClient::connect(first.address).await.expect("connect");
    on_first
        .login(OWNER_EMAIL, crate::support::PASSWORD)
        .await
        .expect("login on the first server");
    let mut on_second = HttpClient::connect(second.address).await.expect("connect");
    on_second.cookie = on_first.cookie.clone();

    // The session opened on the first server works on the second.
    let created = on_second
        .call_json(
            "client-create",
            &json!({ "form": {
                "civility": "mme", "first_name": "Sacha", "last_name": "Partage",
                "email": "sacha@exemple.fr", "phone": "", "address": "",
                "postal_code": "", "city": "", "birth_date": "", "note": ""
            }}),
        )
        .await
        .expect("create on the second server");
    assert_eq!(created.status, StatusCode::OK);
    let client_id = created.json()["id"].as_i64().expect("client id");

    // The till sends a transaction to one server, gets no answer, retries on the other.
    let request = json!({ "request": {
        "client_id": client_id,
        "form": { "points": "15", "amount": "" },
        "idempotency_key": uuid::Uuid::new_v4(),
    }});
    let sent = on_first
        .call_json("transaction-record", &request)
        .await
        .expect("record");
    let replayed = on_second
        .call_json("transaction-record", &request)
        .await
        .expect("replay");
    assert_eq!(sent.status, StatusCode::OK);
    assert_eq!(replayed.status, StatusCode::OK);
    assert_eq!(
        sent.json()["transaction"]["id"],
        replayed.json()["transaction"]["id"],
        "the replay gets the first answer"
    );
    // A till that retries on the other server while the first attempt is still running.
    let simultaneous = json!({ "request": {
        "client_id": client_id,
        "form": { "points": "5", "amount": "" },
        "idempotency_key": uuid::Uuid::new_v4(),
    }});
    let (left, right) = tokio::join!(
        on_first.call_json("transaction-record", &simultaneous),
        on_second.call_json("transaction-record", &simultaneous)
    );
    let (left, right) = (left.expect("first"), right.expect("second"));
    assert_eq!(
        (left.status, right.status),
        (StatusCode::OK, StatusCode::OK)
    );
    assert_eq!(
        left.json()["transaction"]["id"],
        right.json()["transaction"]["id"]
    );

    let history = on_second
        .call_form("client-history", &[("client_id", &client_id.to_string())])
        .await
        .expect("history");
    let entries = history.json();
    assert_eq!(entries.as_array().map(Vec::len), Some(2), "{entries}");
    let file = on_first
        .call_form("client", &[("client_id", &client_id.to_string())])
        .await
        .expect("client file");
    assert_eq!(file.json()["row"]["points_balance"], 20);

    // Logging out on the second server ends the session on the first one too.
    let logout = on_second.call_form("logout", &[]).await.expect("logout");
    assert_eq!(logout.status, StatusCode::OK);
    let after = on_first
        .call_form("clients-search", &[("query", "Sacha")])
        .await
        .expect("search");
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
}
