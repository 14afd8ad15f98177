//! `bench`: fills one shop with 100,000 generated French clients and another with 900,000, then
//! prints search latency percentiles for type-ahead queries beside the same SQL run directly, and
//! the rate of recording points. With `--dashboard`, fills one shop with 100,000 clients and
//! 2,000,000 ledger entries over two years instead, and times the owner's dashboard; with
//! `--exports`, the owner's downloads on the same history. With `--import`, the owner's import
//! of a 50,000-row client list (`--rows`) into the shop of `--small` clients: upload, preview,
//! the run, and the same file again. With `--campaign`, an e-mail campaign to the shop of
//! `--small` clients, two in three of whom agreed: preview, queueing, and the sender's own work.
//! With `--device`, a till device's first copy of the shop of `--small` clients (at most 20,000
//! kept): the sync's answers, the bytes stored, the heap the page's index takes, and the
//! search of that copy (the same Rust the browser runs as WebAssembly).
//!
//! cargo run --release -p server --bin bench -- [--database-url URL] [--small N] [--large N]
//! cargo run --release -p server --bin bench -- --shops 1000 [--per-shop N]   (neighbours first)
//! cargo run --release -p server --bin bench -- --dashboard [--database-url URL] [--entries N]
//! cargo run --release -p server --bin bench -- --exports [--database-url URL] [--entries N]
//! cargo run --release -p server --bin bench -- --import [--rows N] [--small N]
//! cargo run --release -p server --bin bench -- --campaign [--small N] [--database-url URL]
//! cargo run --release -p server --bin bench -- --device [--small N]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use app::model::auth::CurrentUser;
use app::model::client::ClientSort;
use app::model::ledger::{RecordRequest, TransactionForm};
use app::services::accounts::auth;
use app::services::accounts::passwords::PasswordHasher;
use app::services::audit::Actor;
use app::services::clients::search::{
    first_page_ids, search_clients, search_prefixes, search_statements,
};
use app::services::db::Db;
use app::services::{db, ledger};
use clap::Parser;
use sea_orm::{ConnectionTrait, Statement, Value};
use server::measure::{
    after_bulk_load, fill_clients, fill_history, fill_neighbour_shops, next_client_id, summary,
};

#[derive(Parser)]
struct Options {
    /// Database to fill; by default a new SQLite file in a temporary folder.
    #[arg(long)]
    database_url: Option<String>,
    #[arg(long, default_value_t = 100_000)]
    small: u64,
    #[arg(long, default_value_t = 900_000)]
    large: u64,
    /// Timed runs of each query.
    #[arg(long, default_value_t = 300)]
    runs: usize,
    /// Transactions recorded for the rate figure.
    #[arg(long, default_value_t = 3000)]
    transactions: u64,
    /// Times the dashboard instead of the search, on `--small` clients and `--entries` entries.
    #[arg(long)]
    dashboard: bool,
    /// Times the owner's downloads (the client list, a month and a year of transactions) on the
    /// same history as `--dashboard`.
    #[arg(long)]
    exports: bool,
    #[arg(long, default_value_t = 2_000_000)]
    entries: u64,
    /// The days the entries are spread over, ending now.
    #[arg(long, default_value_t = 730)]
    days: i64,
    /// Shops in the database in all: past the two timed ones, neighbours of `--per-shop`
    /// clients each, filled first, as on a platform's shared database (SCALING.md).
    #[arg(long, default_value_t = 2)]
    shops: u64,
    #[arg(long, default_value_t = 1000)]
    per_shop: u64,
    /// Times the import of a client list of `--rows` rows into the shop of `--small` clients.
    #[arg(long)]
    import: bool,
    #[arg(long, default_value_t = 50_000)]
    rows: usize,
    /// Times an e-mail campaign to the shop of `--small` clients.
    #[arg(long)]
    campaign: bool,
    /// Messages the sender hands to an outbox folder for the campaign's sending figure.
    #[arg(long, default_value_t = 2_000)]
    sent: u64,
    /// Times a till device's copy of the shop of `--small` clients and its search.
    #[arg(long)]
    device: bool,
}

/// The heap in use, for the device index's memory figure.
struct CountingAllocator;

static HEAP_IN_USE: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        HEAP_IN_USE.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller's layout is passed on unchanged.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        HEAP_IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: `ptr` was allocated by `System` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

const QUERIES: &[&str] = &["du", "dupo", "06 1", "lyon", "hélène", "69003"];

type BenchResult<T> = Result<T, Box<dyn std::error::Error>>;

/// The statements the service runs, executed directly: term rows, their clients, the count.
async fn direct_sql(db: &Db, shop_id: i64, query: &str) -> BenchResult<usize> {
    let backend = db.get_database_backend();
    let statements = search_statements(
        backend,
        shop_id,
        &search_prefixes(query),
        &[],
        ClientSort::Name,
    );
    let term_rows: Vec<i64> = db
        .query_all_raw(statements.page_terms)
        .await?
        .iter()
        .map(|row| row.try_get_by_index::<i64>(0))
        .collect::<Result<_, _>>()?;
    let ids = first_page_ids(term_rows);
    if !ids.is_empty() {
        let placeholders: Vec<String> = (1..=ids.len()).map(|n| format!("${n}")).collect();
        let rows_sql = format!(
            "SELECT * FROM clients WHERE id IN ({}) ORDER BY last_name, first_name",
            placeholders.join(", ")
        );
        let values: Vec<Value> = ids.iter().map(|id| Value::from(*id)).collect();
        db.query_all_raw(Statement::from_sql_and_values(backend, rows_sql, values))
            .await?;
    }
    db.query_one_raw(statements.count).await?;
    Ok(ids.len())
}

async fn measure_search(db: &Db, owner: &CurrentUser, runs: usize) -> BenchResult<()> {
    println!(
        "\n  {:<10} {:>7} {:>9} {:>9} {:>9}   {:>9} {:>9} {:>9}   {:>6}",
        "query", "found", "p50 ms", "p95 ms", "p99 ms", "sql p50", "sql p95", "sql p99", "ratio"
    );
    for query in QUERIES {
        // Warm the caches once, as a till that has been open a while.
        let page = search_clients(db, owner, query).await?;
        let mut service = Vec::with_capacity(runs);
        let mut direct = Vec::with_capacity(runs);
        for _ in 0..runs {
            let started = Instant::now();
            search_clients(db, owner, query).await?;
            service.push(started.elapsed());
            let started = Instant::now();
            direct_sql(db, owner.shop_id, query).await?;
            direct.push(started.elapsed());
        }
        let (p50, p95, p99) = summary(service);
        let (d50, d95, d99) = summary(direct);
        let found = if page.capped {
            format!("{}+", page.total)
        } else {
            page.total.to_string()
        };
        println!(
            "  {:<10} {:>7} {:>9.3} {:>9.3} {:>9.3}   {:>9.3} {:>9.3} {:>9.3}   {:>5.2}x",
            format!("\"{query}\""),
            found,
            p50,
            p95,
            p99,
            d50,
            d95,
            d99,
            p99 / d99
        );
    }
    Ok(())
}

/// A till device's first copy of the shop, as `TillDevice` takes it in, then its search.
async fn measure_device(db: &Db, owner: &CurrentUser, runs: usize) -> BenchResult<()> {
    use app::model::offline::{DEVICE_RESULTS, DeviceClient, DeviceClients};
    use app::services::clients::changes::client_changes;
    let started = Instant::now();
    let mut since = None;
    let mut answers = 0;
    let mut answer_bytes = 0;
    let mut stored: Vec<String> = Vec::new();
    let partial = loop {
        let changes = client_changes(db, owner, since).await?;
        answers += 1;
        answer_bytes += serde_json::to_vec(&changes)?.len();
        for client in &changes.clients {
            stored.push(serde_json::to_string(client)?);
        }
        since = Some(changes.next);
        if !changes.more {
            break changes.partial;
        }
    };
    let synced = started.elapsed();
    let stored_bytes: usize = stored.iter().map(String::len).sum();
    println!(
        "\nFirst sync: {} clients in {answers} answers, {:.0} ms on the server, {:.1} MB of JSON \
         answers; stored: {:.1} MB of JSON values{}",
        stored.len(),
        synced.as_secs_f64() * 1000.0,
        answer_bytes as f64 / 1e6,
        stored_bytes as f64 / 1e6,
        if partial {
            " (the shop has more: partial)"
        } else {
            ""
        }
    );
    let heap_before = HEAP_IN_USE.load(Ordering::Relaxed);
    let started = Instant::now();
    let device = DeviceClients::new(
        stored
            .iter()
            .filter_map(|text| serde_json::from_str::<DeviceClient>(text).ok()),
    );
    let loaded = started.elapsed();
    let heap = HEAP_IN_USE
        .load(Ordering::Relaxed)
        .saturating_sub(heap_before);
    println!(
        "Loaded from storage and indexed: {} clients in {:.0} ms, {:.1} MB of heap",
        device.len(),
        loaded.as_secs_f64() * 1000.0,
        heap as f64 / 1e6
    );
    println!(
        "\n  {:<12} {:>7} {:>9} {:>9} {:>9}",
        "query", "found", "p50 ms", "p95 ms", "p99 ms"
    );
    for query in QUERIES.iter().chain(&["martin", "06 12 34", "paris 75"]) {
        let found = device.search(query, DEVICE_RESULTS).len();
        let mut samples = Vec::with_capacity(runs);
        for _ in 0..runs {
            let started = Instant::now();
            std::hint::black_box(device.search(query, DEVICE_RESULTS));
            samples.push(started.elapsed());
        }
        let (p50, p95, p99) = summary(samples);
        println!(
            "  {:<12} {:>7} {:>9.3} {:>9.3} {:>9.3}",
            format!("\"{query}\""),
            found,
            p50,
            p95,
            p99
        );
    }
    Ok(())
}

/// Records points for the first thousand clients of `owner`'s shop, starting at `first_client_id`.
async fn measure_recording(
    db: &Db,
    owner: &CurrentUser,
    first_client_id: i64,
    count: u64,
) -> BenchResult<()> {
    let actor = Actor::cli(owner.clone());
    let started = Instant::now();
    for index in 0..count {
        let request = RecordRequest {
            client_id: first_client_id + (index as i64 * 7919) % 1000,
            form: TransactionForm {
                points: "5".into(),
                amount: "12,50".into(),
                items: String::new(),
            },
            idempotency_key: uuid::Uuid::new_v4(),
        };
        ledger::record_transaction(db, &actor, &request).await?;
    }
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "\n  recorded {count} transactions one after another: {:.0} transactions/s",
        count as f64 / elapsed
    );
    Ok(())
}

/// Times the dashboard for each period: once the hourly job has written the closed days (its first
/// run over the whole history is timed too), as the owner opens it.
async fn measure_dashboard(db: &Db, owner: &CurrentUser, runs: usize) -> BenchResult<()> {
    use app::model::dashboard::{DashboardQuery, PeriodChoice};
    use app::services::dashboard::{dashboard, roll_up_closed_days};

    // A dashboard is opened far less often than a search is typed: fewer runs give the same
    // percentiles in less time.
    let runs = runs.min(100);
    let started = Instant::now();
    let report = roll_up_closed_days(db, chrono::Utc::now()).await?;
    println!(
        "\n  the hourly job wrote {} closed days and {} lists of best clients in {:.1} s",
        report.days,
        report.best_lists,
        started.elapsed().as_secs_f64()
    );
    let yesterday = chrono::Utc::now().date_naive() - chrono::Duration::days(1);
    let period = |period| DashboardQuery {
        period,
        ..DashboardQuery::default()
    };
    let queries = [
        ("7 days", period(PeriodChoice::Week)),
        ("30 days", period(PeriodChoice::Month)),
        ("12 months", period(PeriodChoice::Year)),
        (
            "dates, 30 days to yesterday",
            DashboardQuery {
                period: PeriodChoice::Dates,
                from: (yesterday - chrono::Duration::days(29)).to_string(),
                to: yesterday.to_string(),
            },
        ),
        (
            "dates, 90 days to yesterday",
            DashboardQuery {
                period: PeriodChoice::Dates,
                from: (yesterday - chrono::Duration::days(89)).to_string(),
                to: yesterday.to_string(),
            },
        ),
    ];
    println!(
        "\n  {:<28} {:>8} {:>8} {:>9} {:>9} {:>9}",
        "period", "visits", "active", "p50 ms", "p95 ms", "p99 ms"
    );
    for (name, query) in queries.iter().chain(queries.iter()) {
        let figures = dashboard(db, owner, query, chrono::Utc::now()).await?;
        let mut samples = Vec::with_capacity(runs);
        for _ in 0..runs {
            let started = Instant::now();
            dashboard(db, owner, query, chrono::Utc::now()).await?;
            samples.push(started.elapsed());
        }
        let (p50, p95, p99) = summary(samples);
        println!(
            "  {name:<28} {:>8} {:>8} {p50:>9.3} {p95:>9.3} {p99:>9.3}",
            figures.totals.visits, figures.active_clients
        );
    }
    Ok(())
}

/// Times each download three times, as the owner clicks it: the whole file built in memory.
async fn measure_exports(db: &Db, owner: &CurrentUser) -> BenchResult<()> {
    use app::model::exports::ExportFormat;
    use app::model::ledger::JournalFilter;
    use app::services::exports::{clients_csv, transactions_csv};

    let actor = Actor::new(owner.clone(), "bench");
    let today = chrono::Utc::now().date_naive();
    let since = |days: i64| JournalFilter {
        from: (today - chrono::Duration::days(days)).to_string(),
        to: today.to_string(),
        ..JournalFilter::default()
    };
    println!(
        "\n  {:<34} {:>9} {:>9} {:>9} {:>9}",
        "download", "rows", "MB", "best s", "worst s"
    );
    for format in [ExportFormat::Spreadsheet, ExportFormat::Data] {
        for what in ["clients", "transactions, 30 days", "transactions, 365 days"] {
            let mut times = Vec::new();
            let mut last = None;
            for _ in 0..3 {
                let started = Instant::now();
                let download = match what {
                    "clients" => clients_csv(db, &actor, format).await?,
                    "transactions, 30 days" => {
                        transactions_csv(db, &actor, format, &since(29)).await?
                    }
                    _ => transactions_csv(db, &actor, format, &since(364)).await?,
                };
                times.push(started.elapsed().as_secs_f64());
                last = Some(download);
            }
            let (rows, bytes) =
                last.map_or((0, 0), |download| (download.rows, download.bytes.len()));
            times.sort_by(f64::total_cmp);
            println!(
                "  {:<34} {rows:>9} {:>9.1} {:>9.2} {:>9.2}",
                format!("{what} ({})", format.code()),
                bytes as f64 / 1e6,
                times[0],
                times[times.len() - 1]
            );
        }
    }
    Ok(())
}

/// A list as a shop brings it from another system: mostly new people, some already in the
/// shop (their e-mail), some twice in the file, some invalid; points on most rows, a dated
/// e-mail consent on a third. Windows-1252 as Excel saves it.
async fn client_list(db: &Db, shop_id: i64, rows: usize) -> BenchResult<Vec<u8>> {
    let known: Vec<String> = db
        .query_all_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            "SELECT email FROM clients WHERE shop_id = $1 AND email <> '' ORDER BY id LIMIT 5000",
            [Value::from(shop_id)],
        ))
        .await?
        .iter()
        .filter_map(|row| row.try_get_by_index::<String>(0).ok())
        .collect();
    let mut text = String::from(
        "Nom;Prénom;Téléphone;E-mail;Date de naissance;Points;Consentement e-mail\r\n",
    );
    for row in 0..rows {
        let (email, name) = match row % 100 {
            0..=4 if !known.is_empty() => (known[row % known.len()].clone(), "Connu"),
            // The same person as ten rows before, a "Nouveau" row.
            5..=7 if row >= 10 => (format!("reprise{}@exemple.fr", row - 10), "Double"),
            _ => (format!("reprise{row}@exemple.fr"), "Nouveau"),
        };
        let phone = format!("6{:08}", row);
        let birth = format!(
            "{:02}/{:02}/{}",
            row % 28 + 1,
            row % 12 + 1,
            1950 + row % 50
        );
        let birth = if row % 100 == 99 {
            "31/02/1990".to_owned()
        } else {
            birth
        };
        let consent = if row % 3 == 0 { "05/06/2024" } else { "" };
        text.push_str(&format!(
            "{name}{row};Client;{phone};{email};{birth};{};{consent}\r\n",
            row % 500
        ));
    }
    Ok(encoding_rs::WINDOWS_1252.encode(&text).0.into_owned())
}

async fn measure_import(db: &Db, owner: &CurrentUser, rows: usize) -> BenchResult<()> {
    use app::services::imports::{import_view, run::run_import, start_import, upload};

    let file = client_list(db, owner.shop_id, rows).await?;
    println!(
        "\nImport of a {rows}-row client list ({:.1} MB, Windows-1252) into \"{}\":",
        file.len() as f64 / 1e6,
        owner.shop_name
    );
    for round in ["first time", "same file again"] {
        let started = Instant::now();
        let import_id = upload(db, owner, "clients.csv", &file)
            .await
            .map_err(|refusal| format!("upload refused: {refusal:?}"))?;
        let uploaded = started.elapsed().as_secs_f64();
        let started = Instant::now();
        let preview = import_view(db, owner, import_id).await?;
        let previewed = started.elapsed().as_secs_f64();
        let started = Instant::now();
        start_import(db, owner, import_id).await?;
        run_import(db, owner.shop_id, import_id).await?;
        let ran = started.elapsed().as_secs_f64();
        let done = import_view(db, owner, import_id).await?.summary;
        println!(
            "  {round:<16} upload {uploaded:>5.2} s, preview {previewed:>5.2} s ({} new, {} known, {} invalid), run {ran:>6.2} s = {:>6.0} rows/s: {} created, {} completed, {} unchanged, {} refused",
            preview.counts.new,
            preview.counts.duplicate,
            preview.counts.invalid,
            rows as f64 / ran,
            done.created,
            done.merged,
            done.skipped,
            done.refused
        );
    }
    Ok(())
}

/// Gives two clients in three an e-mail consent, and takes it back from one in seven of those
/// later, as a shop's history of answers looks.
async fn fill_consents(db: &Db, owner: &CurrentUser) -> BenchResult<()> {
    for (granted, rule) in [
        ("TRUE", "id % 3 <> 0"),
        ("FALSE", "id % 3 <> 0 AND id % 7 = 0"),
    ] {
        db.execute_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            format!(
                "INSERT INTO consent_changes \
                   (shop_id, client_id, channel, granted, source, author_user_id, changed_at) \
                 SELECT shop_id, id, 'email', {granted}, 'form', $1, created_at FROM clients \
                 WHERE shop_id = $2 AND {rule} ORDER BY id"
            ),
            [Value::from(owner.user_id), Value::from(owner.shop_id)],
        ))
        .await?;
    }
    Ok(())
}

async fn measure_campaign(
    db: &Db,
    owner: &CurrentUser,
    clients: u64,
    sent: u64,
) -> BenchResult<()> {
    use app::model::campaigns::{CampaignForm, SegmentForm};
    use app::services::campaigns::send::{Sending, send_queued};
    use app::services::campaigns::{preview, send_campaign};
    use app::services::config::AppConfig;
    use app::services::mail::Mailer;

    fill_consents(db, owner).await?;
    let actor = Actor::new(owner.clone(), "bench");
    let form = CampaignForm {
        subject: "Nouveautés pour {prenom}".to_owned(),
        body: "Bonjour {prenom}, vous avez {points} points chez {boutique}.".to_owned(),
        segment: SegmentForm {
            kind: "all".to_owned(),
            label_id: None,
            days: String::new(),
        },
    };
    println!(
        "\nE-mail campaign to \"{}\" ({clients} clients):",
        owner.shop_name
    );
    let mut previews = Vec::new();
    let mut recipients = 0;
    for _ in 0..3 {
        let started = Instant::now();
        recipients = preview(db, &actor, &form).await?.recipients;
        previews.push(started.elapsed());
    }
    let (median, _, worst) = summary(previews);
    println!("  preview: {recipients} recipients, median {median:.0} ms, worst {worst:.0} ms");
    let started = Instant::now();
    send_campaign(db, &actor, &form).await?;
    println!(
        "  queueing {recipients} messages: {:.2} s",
        started.elapsed().as_secs_f64()
    );
    let outbox = std::env::temp_dir().join(format!("comptoir-bench-outbox-{}", std::process::id()));
    let mailer = Mailer::from_config(&AppConfig::for_tests("sqlite::memory:", outbox.clone()))?;
    let sending = Sending {
        public_url: "https://comptoir.example".to_owned(),
        batch: sent,
        pause: std::time::Duration::ZERO,
    };
    let started = Instant::now();
    let report = send_queued(db, &mailer, &sending).await?;
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "  sender, own work (an outbox folder, no pause): {} sent in {elapsed:.2} s = {:.0} messages/s",
        report.sent,
        report.handled() as f64 / elapsed
    );
    std::fs::remove_dir_all(&outbox).ok();
    Ok(())
}

#[tokio::main]
async fn main() -> BenchResult<()> {
    let options = Options::parse();
    let folder = std::env::temp_dir().join(format!("comptoir-bench-{}", std::process::id()));
    std::fs::create_dir_all(&folder)?;
    let url = options
        .database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}?mode=rwc", folder.join("bench.db").display()));
    println!("Comptoir search benchmark on {url}");
    let connection = db::connect(&url).await?;
    db::migrate(&connection).await?;
    let hasher = PasswordHasher::default();
    let suffix = uuid::Uuid::new_v4().simple().to_string();
    let small = auth::create_shop_with_owner(
        &connection,
        &hasher,
        "Petite boutique",
        "Bench",
        &format!("small-{suffix}@bench.localhost"),
        "Bench-Mark-2026",
    )
    .await?;
    let large = auth::create_shop_with_owner(
        &connection,
        &hasher,
        "Grande enseigne",
        "Bench",
        &format!("large-{suffix}@bench.localhost"),
        "Bench-Mark-2026",
    )
    .await?;
    let mut first_id = next_client_id(&connection).await?;
    let neighbours = options.shops.saturating_sub(2);
    if neighbours > 0 {
        first_id =
            fill_neighbour_shops(&connection, &small, neighbours, options.per_shop, first_id)
                .await?;
    }
    fill_clients(&connection, &small, first_id, options.small).await?;
    if options.import {
        after_bulk_load(&connection).await?;
        return measure_import(&connection, &small, options.rows).await;
    }
    if options.device {
        after_bulk_load(&connection).await?;
        return measure_device(&connection, &small, options.runs).await;
    }
    if options.campaign {
        after_bulk_load(&connection).await?;
        return measure_campaign(&connection, &small, options.small, options.sent).await;
    }
    if options.dashboard || options.exports {
        fill_history(
            &connection,
            &small,
            first_id,
            options.small,
            options.entries,
            options.days,
        )
        .await?;
        after_bulk_load(&connection).await?;
        if options.exports {
            return measure_exports(&connection, &small).await;
        }
        return measure_dashboard(&connection, &small, options.runs).await;
    }
    fill_clients(
        &connection,
        &large,
        first_id + options.small as i64,
        options.large,
    )
    .await?;
    after_bulk_load(&connection).await?;
    for (owner, count) in [(&small, options.small), (&large, options.large)] {
        println!(
            "\nShop \"{}\" ({count} clients), {} runs per query:",
            owner.shop_name, options.runs
        );
        measure_search(&connection, owner, options.runs).await?;
    }
    measure_recording(&connection, &small, first_id, options.transactions).await?;
    Ok(())
}
