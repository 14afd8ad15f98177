//! `load`: runs the server in this process and measures it over real HTTP connections, as tills
//! use it: points recorded by many tills at once (transactions per second and latency), then
//! client searches while a flood of wrong-password logins hits the login form.
//!
//! Figures depend on the machine, so the recording phase is followed by a floor measured in the
//! same run on the same database: the same rows (entries, audit traces, balance changes) written
//! by bare batched statements, with no HTTP, session or rule in between. The ratio of the two
//! compares across machines. A second recording phase sends a steady 2,000 transactions per
//! second from the same tills: with every till sending again the moment it is answered, the
//! first phase's latency is the tills' own queue (64 tills / throughput, by Little's law), while
//! the steady phase shows what a till waits at the rate the target names.
//!
//! cargo run --release -p server --bin load -- [--database-url URL] [--tills 64] [--seconds 10] [--rate 2000]
//!     [--per-euro] [--api]

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use app::entities::{audit_event, client, ledger_entry};
use app::model::api_keys::{ApiKeyScope, NewApiKey};
use app::model::audit::AuditKind;
use app::model::auth::CurrentUser;
use app::model::ledger::EntryKind;
use app::model::programme::{ProgrammeForm, ProgrammeKind};
use app::model::rewards::RewardForm;
use app::services::accounts::api_keys::create_key;
use app::services::accounts::auth;
use app::services::accounts::passwords::PasswordHasher;
use app::services::audit::Actor;
use app::services::config::AppConfig;
use app::services::db;
use app::services::db::Db;
use axum::http::StatusCode;
use axum::serve::ListenerExt;
use chrono::Utc;
use clap::Parser;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;
use server::http_client::HttpClient;
use server::measure::{after_bulk_load, fill_clients, next_client_id, summary};
use tokio::sync::Barrier;

#[derive(Parser)]
struct Options {
    /// Database to use; by default a new SQLite file in a temporary folder.
    #[arg(long)]
    database_url: Option<String>,
    /// Tills recording points at the same time, each on its own connection and session.
    #[arg(long, default_value_t = 64)]
    tills: usize,
    /// Length of each phase.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Clients in the shop.
    #[arg(long, default_value_t = 20_000)]
    clients: u64,
    /// Concurrent wrong-password logins during the search phase.
    #[arg(long, default_value_t = 50)]
    login_flood: usize,
    /// Transactions per second sent by all the tills together in the steady phase.
    #[arg(long, default_value_t = 2_000.0)]
    rate: f64,
    /// Tills searching during the login flood.
    #[arg(long, default_value_t = 4)]
    searchers: usize,
    /// Records under a points-per-euro programme, the server computing each purchase's points,
    /// with a reward of 50 points in the catalogue, issued as balances reach it; instead of
    /// points typed at the till.
    #[arg(long)]
    per_euro: bool,
    /// Records through the REST API (`POST /api/v1/clients/{id}/purchases`), each till with an
    /// API key of its own, instead of the app's server function with a session.
    #[arg(long)]
    api: bool,
}

const PASSWORD: &str = "Charge-Test-2026";
const SEARCHES: &[&str] = &["du", "dupo", "06 1", "lyon", "hélène", "69003", "ma", "be"];

type LoadResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

struct Phase {
    latencies: Vec<Duration>,
    errors: u64,
}

fn report(name: &str, phase: Phase, elapsed: Duration) {
    let count = phase.latencies.len();
    let (p50, p95, p99) = summary(phase.latencies);
    println!(
        "  {name}: {count} in {:.1} s = {:.0}/s; p50 {p50:.2} ms, p95 {p95:.2} ms, p99 {p99:.2} ms; {} errors",
        elapsed.as_secs_f64(),
        count as f64 / elapsed.as_secs_f64(),
        phase.errors
    );
}

/// Every worker's samples together.
async fn gather(workers: Vec<tokio::task::JoinHandle<Phase>>) -> LoadResult<Phase> {
    let mut all = Phase {
        latencies: Vec::new(),
        errors: 0,
    };
    for worker in workers {
        let phase = worker.await?;
        all.latencies.extend(phase.latencies);
        all.errors += phase.errors;
    }
    Ok(all)
}

async fn start_server(database_url: &str) -> LoadResult<SocketAddr> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    let mut config = AppConfig::for_tests(
        database_url,
        std::env::temp_dir().join("comptoir-load-outbox"),
    );
    config.public_url = format!("http://{address}");
    // The flood plays many clients behind a proxy, so per-address throttling does not simply
    // turn it away before any hashing: the hashing is what must not starve the rest.
    config.trust_forwarded_for = true;
    let connection = db::connect(database_url).await?;
    let options = leptos::config::get_configuration(None)?.leptos_options;
    let state = server::router::build_state(config, connection, options)?;
    let app = server::router::router(state).into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, app).await {
            eprintln!("server stopped: {error}");
        }
    });
    Ok(address)
}

/// How the tills send: each as fast as its answers come back (the server's capacity), or all
/// together at a steady rate, as a shop's tills do (the latency a till sees at that rate).
#[derive(Clone, Copy)]
enum Pace {
    Flat,
    Steady { per_second: f64 },
}

/// `tills` tills record points for random clients until the time is up; the transactions per
/// second and how many were recorded. At a steady pace each till has its own schedule, and a
/// transaction's latency counts from when it was due, so a slow answer also delays the next
/// transaction's figure instead of hiding it.
async fn record_points(
    address: SocketAddr,
    email: &str,
    api_keys: &[String],
    client_ids: Arc<Vec<i64>>,
    tills: usize,
    seconds: u64,
    pace: Pace,
) -> LoadResult<(f64, usize)> {
    let mut sessions = Vec::with_capacity(tills);
    for index in 0..tills {
        let mut till = HttpClient::connect(address).await?;
        match api_keys.get(index) {
            Some(key) => till.api_key = Some(key.clone()),
            None => till.login(email, PASSWORD).await?,
        }
        sessions.push(till);
    }
    let interval = match pace {
        Pace::Flat => None,
        Pace::Steady { per_second } => Some(Duration::from_secs_f64(tills as f64 / per_second)),
    };
    let barrier = Arc::new(Barrier::new(tills + 1));
    let mut workers = Vec::with_capacity(tills);
    for (index, mut till) in sessions.into_iter().enumerate() {
        let barrier = barrier.clone();
        let client_ids = client_ids.clone();
        workers.push(tokio::spawn(async move {
            let mut phase = Phase {
                latencies: Vec::new(),
                errors: 0,
            };
            barrier.wait().await;
            let start = Instant::now();
            let end = start + Duration::from_secs(seconds);
            // Tills spread over one interval, so they do not all fire at once.
            let mut due = interval.map(|every| start + every.mul_f64(index as f64 / tills as f64));
            let mut step = index;
            while Instant::now() < end {
                if let Some(due) = due {
                    tokio::time::sleep_until(due.into()).await;
                }
                step = step.wrapping_mul(7919).wrapping_add(104_729);
                let client_id = client_ids[step % client_ids.len()];
                let points = 1 + step % 40;
                let key = uuid::Uuid::new_v4();
                let started = due.unwrap_or_else(Instant::now);
                let answer = if till.api_key.is_some() {
                    let path = format!("/api/v1/clients/{client_id}/purchases");
                    let purchase = json!({ "points": points, "amount_cents": 840 });
                    till.call_api(&path, &key.to_string(), &purchase).await
                } else {
                    let request = json!({ "request": {
                        "client_id": client_id,
                        "form": { "points": points.to_string(), "amount": "8,40" },
                        "idempotency_key": key,
                    }});
                    till.call_json("transaction-record", &request).await
                };
                match answer {
                    Ok(answer) if answer.status.is_success() => {
                        phase.latencies.push(started.elapsed())
                    }
                    _ => phase.errors += 1,
                }
                if let (Some(due), Some(every)) = (due.as_mut(), interval) {
                    *due += every;
                }
            }
            phase
        }));
    }
    barrier.wait().await;
    let started = Instant::now();
    let all = gather(workers).await?;
    let recorded = all.latencies.len();
    let elapsed = started.elapsed();
    let through = if api_keys.is_empty() {
        ""
    } else {
        " through the REST API, each with its key,"
    };
    let name = match pace {
        Pace::Flat => {
            format!("points recorded by {tills} tills{through} at once, each as fast as it can")
        }
        Pace::Steady { per_second } => {
            format!(
                "points recorded by {tills} tills{through} at a steady {per_second:.0}/s in all"
            )
        }
    };
    report(&name, all, elapsed);
    Ok((recorded as f64 / elapsed.as_secs_f64(), recorded))
}

/// Rows per batch in the floor: the till writer's largest batch.
const FLOOR_BATCH: usize = 64;

/// Writes `count` earn entries with their audit traces and balance changes, 64 a transaction,
/// with bare statements: what the database alone can do on this machine. Transactions per second.
async fn recording_floor(
    db: &Db,
    owner: &CurrentUser,
    client_ids: &[i64],
    count: usize,
) -> LoadResult<f64> {
    let started = Instant::now();
    let mut written = 0;
    let mut step = 0usize;
    while written < count {
        let batch = FLOOR_BATCH.min(count - written);
        let now = Utc::now();
        let mut entries = Vec::with_capacity(batch);
        let mut traces = Vec::with_capacity(batch);
        let mut clients = Vec::with_capacity(batch);
        for _ in 0..batch {
            step = step.wrapping_mul(7919).wrapping_add(104_729);
            let client_id = client_ids[step % client_ids.len()];
            clients.push(client_id);
            entries.push(ledger_entry::ActiveModel {
                shop_id: Set(owner.shop_id),
                client_id: Set(client_id),
                kind: Set(EntryKind::Earn.code().to_owned()),
                points: Set(1 + (step % 40) as i64),
                amount_cents: Set(Some(840)),
                idempotency_key: Set(Some(uuid::Uuid::new_v4().to_string())),
                author_user_id: Set(owner.user_id),
                created_at: Set(now),
                ..Default::default()
            });
            traces.push(audit_event::ActiveModel {
                shop_id: Set(Some(owner.shop_id)),
                user_id: Set(Some(owner.user_id)),
                occurred_at: Set(now),
                kind: Set(AuditKind::TransactionRecorded.code().to_owned()),
                source: Set("127.0.0.1".to_owned()),
                client_id: Set(Some(client_id)),
                entry_id: Set(None),
                detail: Set("+1 points".to_owned()),
                ..Default::default()
            });
        }
        let txn = db.begin_write().await?;
        client::Entity::update_many()
            .col_expr(
                client::Column::PointsBalance,
                Expr::col(client::Column::PointsBalance).add(1),
            )
            .col_expr(
                client::Column::VisitCount,
                Expr::col(client::Column::VisitCount).add(1),
            )
            .col_expr(client::Column::LastVisitAt, Expr::value(now))
            .filter(client::Column::Id.is_in(clients))
            .exec(&txn)
            .await?;
        ledger_entry::Entity::insert_many(entries)
            .exec_without_returning(&txn)
            .await?;
        audit_event::Entity::insert_many(traces)
            .exec_without_returning(&txn)
            .await?;
        txn.commit().await?;
        written += batch;
    }
    let per_second = count as f64 / started.elapsed().as_secs_f64();
    println!(
        "  floor: the same {count} entries by bare batched statements on the same database = {per_second:.0}/s"
    );
    Ok(per_second)
}

/// Searches from `searchers` tills while `flood` connections send wrong passwords.
async fn search_under_login_flood(
    address: SocketAddr,
    email: &str,
    searchers: usize,
    flood: usize,
    seconds: u64,
) -> LoadResult<()> {
    let stop = Arc::new(AtomicBool::new(false));
    let refused = Arc::new(AtomicU64::new(0));
    let mut attackers = Vec::with_capacity(flood);
    for index in 0..flood {
        let stop = stop.clone();
        let refused = refused.clone();
        let mut attacker = HttpClient::connect(address).await?;
        attackers.push(tokio::spawn(async move {
            let mut attempt = 0u64;
            while !stop.load(Ordering::Relaxed) {
                attempt += 1;
                // Another address and account each time: no throttle kicks in, every try hashes.
                attacker.forwarded_for = Some(format!(
                    "10.{}.{}.{}",
                    index,
                    (attempt / 250) % 250,
                    attempt % 250
                ));
                let guess = format!("intrus-{index}-{attempt}@exemple.fr");
                match attacker
                    .call_form("login", &[("email", &guess), ("password", "Devine-1234")])
                    .await
                {
                    Ok(answer) if answer.status == StatusCode::UNAUTHORIZED => {
                        refused.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok(_) => {}
                    Err(_) => break,
                }
            }
        }));
    }
    let mut tills = Vec::with_capacity(searchers);
    for _ in 0..searchers {
        let mut till = HttpClient::connect(address).await?;
        till.login(email, PASSWORD).await?;
        tills.push(till);
    }
    // Let the flood fill the hashing queue first.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let flood_started = Instant::now();
    let refused_before = refused.load(Ordering::Relaxed);
    let mut workers = Vec::with_capacity(searchers);
    for (index, mut till) in tills.into_iter().enumerate() {
        workers.push(tokio::spawn(async move {
            let mut phase = Phase {
                latencies: Vec::new(),
                errors: 0,
            };
            let end = Instant::now() + Duration::from_secs(seconds);
            let mut step = index;
            while Instant::now() < end {
                step += 1;
                let query = SEARCHES[step % SEARCHES.len()];
                let started = Instant::now();
                match till.call_form("clients-search", &[("query", query)]).await {
                    Ok(answer) if answer.status == StatusCode::OK => {
                        phase.latencies.push(started.elapsed())
                    }
                    _ => phase.errors += 1,
                }
                // A person types: a search every 50 ms per till at most.
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            phase
        }));
    }
    let all = gather(workers).await?;
    let elapsed = flood_started.elapsed();
    stop.store(true, Ordering::Relaxed);
    let logins = refused.load(Ordering::Relaxed) - refused_before;
    report(
        &format!("searches by {searchers} tills during a flood of {flood} wrong-password logins"),
        all,
        elapsed,
    );
    println!(
        "  the flood meanwhile: {logins} wrong-password logins refused = {:.0}/s",
        logins as f64 / elapsed.as_secs_f64()
    );
    for attacker in attackers {
        attacker.abort();
    }
    Ok(())
}

#[tokio::main]
async fn main() -> LoadResult<()> {
    let options = Options::parse();
    let folder = std::env::temp_dir().join(format!("comptoir-load-{}", std::process::id()));
    std::fs::create_dir_all(&folder)?;
    let url = options
        .database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}?mode=rwc", folder.join("load.db").display()));
    println!("Comptoir load test on {url}");
    let connection = db::connect(&url).await?;
    db::migrate(&connection).await?;
    let email = format!("charge-{}@bench.localhost", uuid::Uuid::new_v4().simple());
    let owner = auth::create_shop_with_owner(
        &connection,
        &PasswordHasher::default(),
        "Boutique en charge",
        "Charge",
        &email,
        PASSWORD,
    )
    .await?;
    if options.per_euro {
        let programme = ProgrammeForm {
            name: "Un point par euro".into(),
            kind: ProgrammeKind::PerEuro,
            ..ProgrammeForm::default()
        };
        let owner = Actor::cli(owner.clone());
        app::services::programme::start(&connection, &owner, &programme).await?;
        let reward = RewardForm {
            name: "Un café offert".into(),
            cost: "50".into(),
            ..RewardForm::default()
        };
        app::services::programme::rewards::add_reward(&connection, &owner, &reward).await?;
        println!("  under a programme of 1 point per started euro, a reward at 50 points");
    }
    let first_id = next_client_id(&connection).await?;
    fill_clients(&connection, &owner, first_id, options.clients).await?;
    after_bulk_load(&connection).await?;
    let client_ids: Arc<Vec<i64>> =
        Arc::new((first_id..first_id + options.clients as i64).collect());

    let mut api_keys = Vec::new();
    if options.api {
        let owner = Actor::cli(owner.clone());
        for till in 0..options.tills {
            let form = NewApiKey {
                name: format!("Caisse {}", till + 1),
                scope: ApiKeyScope::ReadWrite.code().to_owned(),
            };
            api_keys.push(create_key(&connection, &owner, &form).await?.secret);
        }
    }
    let address = start_server(&url).await?;
    println!("  server on http://{address}, {} clients", options.clients);
    let (per_second, recorded) = record_points(
        address,
        &email,
        &api_keys,
        client_ids.clone(),
        options.tills,
        options.seconds,
        Pace::Flat,
    )
    .await?;
    let floor = recording_floor(&connection, &owner, &client_ids, recorded.max(1)).await?;
    println!(
        "  recording reaches {:.0} % of the floor",
        100.0 * per_second / floor
    );
    record_points(
        address,
        &email,
        &api_keys,
        client_ids.clone(),
        options.tills,
        options.seconds,
        Pace::Steady {
            per_second: options.rate,
        },
    )
    .await?;
    if options.per_euro {
        use sea_orm::PaginatorTrait;
        let issued = app::entities::earned_reward::Entity::find()
            .count(&connection)
            .await?;
        println!("  rewards issued while recording: {issued}");
    }
    search_under_login_flood(
        address,
        &email,
        options.searchers,
        options.login_flood,
        options.seconds,
    )
    .await?;
    Ok(())
}
