//! `crash`: the crash-safety test. Runs the server binary, has tills send idempotent
//! transactions, kills the server with SIGKILL at a random moment, restarts it and has the
//! tills retry what got no answer, as a real till does. At the end, every acknowledged
//! transaction must be in the ledger exactly once, balances must equal their entries, and the
//! database must pass its integrity check.
//!
//! cargo build --release -p server --bins && target/release/crash [--cycles 20] [--database-url URL]

use std::collections::HashMap;
use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use app::entities::{client, ledger_entry};
use axum::http::StatusCode;
use clap::Parser;
use rand::Rng;
use sea_orm::{ConnectionTrait, EntityTrait, Statement};
use serde_json::json;
use server::http_client::HttpClient;
use tokio::sync::Mutex;

#[derive(Parser)]
struct Options {
    /// Kill-and-restart cycles.
    #[arg(long, default_value_t = 20)]
    cycles: usize,
    /// The server binary; by default the one next to this program.
    #[arg(long)]
    server: Option<PathBuf>,
    /// By default a new SQLite file in a temporary folder.
    #[arg(long)]
    database_url: Option<String>,
    /// Tills sending transactions at the same time.
    #[arg(long, default_value_t = 8)]
    tills: usize,
}

type CrashResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

const EMAIL: &str = "crash@exemple.fr";
const PASSWORD: &str = "Plantage-2026";
const CLIENTS: usize = 6;

/// A transaction as a till keeps it until the server has answered.
#[derive(Clone)]
struct Pending {
    key: uuid::Uuid,
    client_id: i64,
    points: i64,
}

#[derive(Default)]
struct Ledger {
    /// key → points, for every transaction the server acknowledged.
    acknowledged: HashMap<uuid::Uuid, (i64, i64)>,
    /// Sent, no answer: the till sends them again after the restart.
    unanswered: Vec<Pending>,
    retried: u64,
    /// Anything but an answer or a dropped connection: each one fails the test.
    unexpected: Vec<String>,
}

fn free_address() -> CrashResult<SocketAddr> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?)
}

fn command(server: &PathBuf, database_url: &str, outbox: &PathBuf) -> Command {
    let mut command = Command::new(server);
    command
        .env("DATABASE_URL", database_url)
        .env("MAIL_OUTBOX_DIR", outbox)
        .env("RUST_LOG", "error")
        .env_remove("SMTP_HOST")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

async fn start(
    server: &PathBuf,
    database_url: &str,
    outbox: &PathBuf,
) -> CrashResult<(Child, SocketAddr)> {
    let address = free_address()?;
    let child = command(server, database_url, outbox)
        .arg("serve")
        .env("LEPTOS_SITE_ADDR", address.to_string())
        .spawn()?;
    let deadline = Instant::now() + Duration::from_secs(60);
    while HttpClient::connect(address).await.is_err() {
        if Instant::now() > deadline {
            return Err(format!("the server never listened on {address}").into());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok((child, address))
}

async fn send(till: &mut HttpClient, pending: &Pending) -> Option<StatusCode> {
    let request = json!({ "request": {
        "client_id": pending.client_id,
        "form": { "points": pending.points.to_string(), "amount": "" },
        "idempotency_key": pending.key,
    }});
    till.call_json("transaction-record", &request)
        .await
        .ok()
        .map(|answer| answer.status)
}

/// Sends again everything that got no answer before the crash, with the same keys.
async fn retry_unanswered(
    address: SocketAddr,
    cookie: &str,
    ledger: &Mutex<Ledger>,
) -> CrashResult<()> {
    let mut till = HttpClient::connect(address).await?;
    till.cookie = Some(cookie.to_owned());
    let unanswered = std::mem::take(&mut ledger.lock().await.unanswered);
    for pending in unanswered {
        match send(&mut till, &pending).await {
            Some(StatusCode::OK) => {
                let mut ledger = ledger.lock().await;
                ledger.retried += 1;
                ledger
                    .acknowledged
                    .insert(pending.key, (pending.client_id, pending.points));
            }
            other => return Err(format!("retry refused after restart: {other:?}").into()),
        }
    }
    Ok(())
}

async fn till_loop(
    address: SocketAddr,
    cookie: String,
    client_ids: Arc<Vec<i64>>,
    ledger: Arc<Mutex<Ledger>>,
) {
    let mut till = match HttpClient::connect(address).await {
        Ok(till) => till,
        Err(error) => {
            ledger
                .lock()
                .await
                .unexpected
                .push(format!("connect: {error}"));
            return;
        }
    };
    till.cookie = Some(cookie);
    loop {
        let pending = {
            let mut random = rand::rng();
            Pending {
                key: uuid::Uuid::new_v4(),
                client_id: client_ids[random.random_range(0..client_ids.len())],
                points: random.random_range(1..50),
            }
        };
        match send(&mut till, &pending).await {
            Some(StatusCode::OK) => {
                ledger
                    .lock()
                    .await
                    .acknowledged
                    .insert(pending.key, (pending.client_id, pending.points));
            }
            Some(status) => {
                ledger
                    .lock()
                    .await
                    .unexpected
                    .push(format!("answer {status}"));
                return;
            }
            None => {
                // The server died under this request: it may or may not be saved.
                ledger.lock().await.unanswered.push(pending);
                return;
            }
        }
    }
}

async fn check(database_url: &str, ledger: &Ledger) -> CrashResult<bool> {
    let db = app::services::db::connect(database_url).await?;
    let integrity = match db.get_database_backend() {
        sea_orm::DbBackend::Sqlite => db
            .query_one_raw(Statement::from_string(
                sea_orm::DbBackend::Sqlite,
                "PRAGMA integrity_check",
            ))
            .await?
            .map(|row| row.try_get_by_index::<String>(0))
            .transpose()?
            .unwrap_or_default(),
        _ => postgres_index_check(&db).await,
    };
    let entries = ledger_entry::Entity::find().all(&db).await?;
    let mut per_key: HashMap<String, usize> = HashMap::new();
    for entry in &entries {
        if let Some(key) = &entry.idempotency_key {
            *per_key.entry(key.clone()).or_default() += 1;
        }
    }
    let missing = ledger
        .acknowledged
        .keys()
        .filter(|key| per_key.get(&key.to_string()).copied() != Some(1))
        .count();
    let duplicated = per_key.values().filter(|count| **count > 1).count();
    let mut wrong_balances = 0;
    for client in client::Entity::find().all(&db).await? {
        let sum: i64 = entries
            .iter()
            .filter(|entry| entry.client_id == client.id)
            .map(|entry| entry.points)
            .sum();
        if sum != client.points_balance {
            wrong_balances += 1;
        }
    }
    println!("  acknowledged transactions: {}", ledger.acknowledged.len());
    println!("  of which retried after a crash: {}", ledger.retried);
    println!("  ledger entries: {}", entries.len());
    println!("  acknowledged but missing or not exactly once: {missing}");
    println!("  keys recorded more than once: {duplicated}");
    println!("  balances not equal to their entries: {wrong_balances}");
    println!("  unexpected answers: {}", ledger.unexpected.len());
    for problem in ledger.unexpected.iter().take(5) {
        println!("    {problem}");
    }
    println!("  integrity check: {integrity}");
    Ok(!ledger.acknowledged.is_empty()
        && ledger.unexpected.is_empty()
        && missing == 0
        && duplicated == 0
        && wrong_balances == 0
        && integrity.starts_with("ok"))
}

/// PostgreSQL survives a killed client by design; what could break is an index, so every B-tree
/// index of the schema is verified with `amcheck`.
async fn postgres_index_check(db: &sea_orm::DatabaseConnection) -> String {
    let backend = sea_orm::DbBackend::Postgres;
    if let Err(error) = db
        .execute_unprepared("CREATE EXTENSION IF NOT EXISTS amcheck")
        .await
    {
        return format!("not run: amcheck unavailable ({error})");
    }
    let indexes = match db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
             JOIN pg_am a ON a.oid = c.relam \
             WHERE a.amname = 'btree' AND c.relnamespace = 'public'::regnamespace",
        ))
        .await
    {
        Ok(rows) => rows,
        Err(error) => return format!("not run: {error}"),
    };
    let mut checked = 0;
    for row in indexes {
        let Ok(name) = row.try_get_by_index::<String>(0) else {
            continue;
        };
        let check = format!("SELECT bt_index_check('\"{name}\"'::regclass, true)");
        if let Err(error) = db.execute_unprepared(&check).await {
            return format!("index {name} damaged: {error}");
        }
        checked += 1;
    }
    format!("ok (amcheck: {checked} B-tree indexes)")
}

#[tokio::main]
async fn main() -> CrashResult<std::process::ExitCode> {
    let options = Options::parse();
    let server = match options.server {
        Some(path) => path,
        None => std::env::current_exe()?.with_file_name("server"),
    };
    let folder = std::env::temp_dir().join(format!("comptoir-crash-{}", std::process::id()));
    std::fs::create_dir_all(&folder)?;
    let outbox = folder.join("outbox");
    let database_url = options
        .database_url
        .unwrap_or_else(|| format!("sqlite://{}?mode=rwc", folder.join("crash.db").display()));
    println!(
        "Crash test: {} cycles of SIGKILL on {} ({database_url})",
        options.cycles,
        server.display()
    );
    let created = command(&server, &database_url, &outbox)
        .args([
            "create-shop",
            "--name",
            "Crash",
            "--owner-name",
            "Casse",
            "--owner-email",
            EMAIL,
        ])
        .env("COMPTOIR_OWNER_PASSWORD", PASSWORD)
        .status()?;
    if !created.success() {
        return Err("create-shop failed".into());
    }

    let (mut child, mut address) = start(&server, &database_url, &outbox).await?;
    let mut owner = HttpClient::connect(address).await?;
    owner.login(EMAIL, PASSWORD).await?;
    let cookie = owner.cookie.clone().ok_or("no session")?;
    let mut client_ids = Vec::new();
    for index in 0..CLIENTS {
        let answer = owner
            .call_json(
                "client-create",
                &json!({ "form": {
                    "civility": "mme", "first_name": "Crash", "last_name": format!("Client{}", (b'a' + index as u8) as char),
                    "email": format!("crash{index}@exemple.fr"), "phone": "", "address": "",
                    "postal_code": "", "city": "", "birth_date": "", "note": ""
                }}),
            )
            .await?;
        client_ids.push(answer.json()["id"].as_i64().ok_or("client id")?);
    }
    let client_ids = Arc::new(client_ids);
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let started = Instant::now();
    for cycle in 1..=options.cycles {
        let tills: Vec<_> = (0..options.tills)
            .map(|_| {
                tokio::spawn(till_loop(
                    address,
                    cookie.clone(),
                    client_ids.clone(),
                    ledger.clone(),
                ))
            })
            .collect();
        let lifetime = Duration::from_millis(rand::rng().random_range(150..1500));
        tokio::time::sleep(lifetime).await;
        child.kill()?; // SIGKILL: no shutdown, no flush.
        child.wait()?;
        for till in tills {
            let _ = till.await;
        }
        (child, address) = start(&server, &database_url, &outbox).await?;
        retry_unanswered(address, &cookie, &ledger).await?;
        let acknowledged = ledger.lock().await.acknowledged.len();
        println!(
            "  cycle {cycle:>3}: killed after {:>4} ms, {acknowledged} acknowledged so far",
            lifetime.as_millis()
        );
    }
    child.kill()?;
    child.wait()?;
    let ledger = ledger.lock().await;
    println!("Done in {:.1} s:", started.elapsed().as_secs_f64());
    let sound = check(&database_url, &ledger).await?;
    println!(
        "{}",
        if sound {
            "Crash test passed."
        } else {
            "Crash test FAILED."
        }
    );
    Ok(if sound {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    })
}
