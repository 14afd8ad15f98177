//! `comptoir`: serve the app, migrate the database, create shops, load the demo.
#![recursion_limit = "512"]

use std::process::ExitCode;

use app::model::api_keys::{ApiKeyScope, NewApiKey};
use app::model::country::Country;
use app::services::accounts::auth;
use app::services::accounts::passwords::PasswordHasher;
use app::services::config::AppConfig;
use app::services::demo::{DEMO_EMAIL, DEMO_PASSWORD, load_demo};
use app::services::{backup, db};
use axum::serve::ListenerExt;
use clap::{Args, Parser, Subcommand};
use leptos::config::get_configuration;
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(
    name = "comptoir",
    about = "Client and loyalty platform for local shops",
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// `server --demo` is `server serve --demo`.
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(Args, Clone, Default)]
struct ServeArgs {
    /// Load the demo shop, whose owner's password is published, if it is missing. Never on a
    /// production database.
    #[arg(long, env = "COMPTOIR_DEMO")]
    demo: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Start the web server (the default). Migrates the database first; loads the demo shop
    /// only with `--demo`.
    Serve(ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate,
    /// Create a shop and its owner account.
    CreateShop {
        #[arg(long)]
        name: String,
        #[arg(long)]
        owner_name: String,
        #[arg(long)]
        owner_email: String,
        /// Read from COMPTOIR_OWNER_PASSWORD when not given, to keep it out of shell history.
        #[arg(long, env = "COMPTOIR_OWNER_PASSWORD", hide_env_values = true)]
        owner_password: String,
        /// Where the shop is, as an ISO code (FR, BE, CH, LU, DE, IT, ES, MC, AD, NL, PT, GB):
        /// its clients live there unless their file names another country.
        #[arg(long, default_value = "FR", value_parser = parse_country)]
        country: Country,
    },
    /// Create a platform support account: it sees the shops and exports or erases a client
    /// on request, never a shop's till work.
    CreateSupport {
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: String,
        /// Read from COMPTOIR_SUPPORT_PASSWORD when not given, to keep it out of shell history.
        #[arg(long, env = "COMPTOIR_SUPPORT_PASSWORD", hide_env_values = true)]
        password: String,
    },
    /// Make an API key for a shop, as its owner does on the page "Clés API"; prints the secret,
    /// which is shown only this once.
    CreateApiKey {
        /// The e-mail of the shop's owner, whom the key acts as.
        #[arg(long)]
        owner_email: String,
        /// The till or website that uses it.
        #[arg(long)]
        name: String,
        /// Read clients, balances and rewards only.
        #[arg(long)]
        read_only: bool,
    },
    /// Load the demo shop (skipped if it exists).
    Demo,
    /// Run the expiry job now, as the server does every hour: rewards past their validity
    /// expire, and points expire as the programme says. `--at` runs it as of another moment
    /// (to check a setting, or in tests); running it twice writes nothing more.
    Expire {
        /// RFC 3339, e.g. `2027-06-01T09:00:00Z`; now when not given.
        #[arg(long)]
        at: Option<chrono::DateTime<chrono::Utc>>,
        /// Only this shop, by its name; every shop when not given.
        #[arg(long)]
        shop: Option<String>,
    },
    /// Copy the live SQLite database into PATH (a file, or a folder for a dated file) while the
    /// server runs and the tills write, then check the copy. PostgreSQL: see pg_dump.
    Backup { path: std::path::PathBuf },
    /// Put a backup in place of the SQLite database, after checking it (integrity, a Comptoir
    /// database, no migration newer than this version). Stop the server first; the replaced
    /// database is kept beside it.
    Restore { path: std::path::PathBuf },
    /// Write brotli and gzip copies of the built site's files (after `scripts/build-site`), which
    /// the server then sends to browsers that accept them.
    Precompress {
        /// The site folder; by default the one the server serves (`LEPTOS_SITE_ROOT`).
        #[arg(long)]
        site_root: Option<std::path::PathBuf>,
        /// Lighter compression, for debug builds: their WebAssembly is several times larger.
        #[arg(long)]
        fast: bool,
    },
}

#[derive(Debug, thiserror::Error)]
enum CliError {
    #[error("configuration: {0}")]
    Config(#[from] app::services::config::ConfigError),
    #[error("Leptos configuration: {0}")]
    Leptos(String),
    #[error("database: {0}")]
    Database(#[from] sea_orm::DbErr),
    #[error("{0}")]
    App(#[from] app::model::error::AppError),
    #[error("{0}")]
    Start(#[from] server::router::StartError),
    #[error("{0}")]
    Startup(#[from] server::startup::StartupError),
    #[error("network: {0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Backup(#[from] backup::BackupError),
}

fn print_copy(what: &str, copy: &backup::CopySummary) {
    println!(
        "{what} {} ({:.1} MB): {} shop(s), {} client file(s), {} ledger entries; schema {}.",
        copy.path.display(),
        copy.bytes as f64 / 1e6,
        copy.shops,
        copy.clients,
        copy.ledger_entries,
        copy.migration
    );
}

fn parse_country(code: &str) -> Result<Country, String> {
    Country::from_code(&code.trim().to_uppercase()).ok_or_else(|| {
        let known: Vec<&str> = Country::ALL.iter().map(|country| country.code()).collect();
        format!("unknown country; one of {}", known.join(", "))
    })
}

fn print_demo_login() {
    println!("Demo shop: log in with {DEMO_EMAIL} / {DEMO_PASSWORD}");
}

fn leptos_options() -> Result<leptos::config::LeptosOptions, CliError> {
    let mut options = get_configuration(None)
        .map_err(|error| CliError::Leptos(error.to_string()))?
        .leptos_options;
    server::assets::detect_hashed_names(&mut options);
    Ok(options)
}

fn precompress(site_root: Option<std::path::PathBuf>, fast: bool) -> Result<(), CliError> {
    use server::precompress::{Effort, precompress_site};
    let root = match site_root {
        Some(root) => root,
        None => leptos_options()?.site_root.as_ref().into(),
    };
    let effort = if fast { Effort::Fast } else { Effort::Best };
    for file in precompress_site(&root, effort)? {
        println!(
            "{}: {} bytes, brotli {}, gzip {}",
            file.path.display(),
            file.original,
            file.brotli,
            file.gzip
        );
    }
    Ok(())
}

async fn run(cli: Cli) -> Result<(), CliError> {
    // Needs no database.
    if let Some(Command::Precompress { site_root, fast }) = cli.command {
        return precompress(site_root, fast);
    }
    let config = AppConfig::from_env()?;
    // Before anything opens the database it replaces.
    if let Some(Command::Restore { path }) = &cli.command {
        let restored = backup::restore(path, &config.database_url).await?;
        print_copy("Restored", &restored);
        println!("Start the server: it brings the schema up to date.");
        return Ok(());
    }
    let connection = db::connect(&config.database_url).await?;
    db::migrate(&connection).await?;
    let hasher = PasswordHasher::default();
    match cli.command.unwrap_or(Command::Serve(cli.serve)) {
        Command::Migrate => println!("Database migrated."),
        Command::CreateShop {
            name,
            owner_name,
            owner_email,
            owner_password,
            country,
        } => {
            let owner = auth::create_shop_with_owner(
                &connection,
                &hasher,
                &name,
                &owner_name,
                &owner_email,
                &owner_password,
            )
            .await?;
            auth::set_shop_country(&connection, owner.shop_id, country).await?;
            println!(
                "Shop \"{}\" created (id {}, {}); its owner logs in as {}.",
                owner.shop_name,
                owner.shop_id,
                country.code(),
                owner.email
            );
        }
        Command::CreateSupport {
            name,
            email,
            password,
        } => {
            let account = app::services::support::create_support_account(
                &connection,
                &hasher,
                &name,
                &email,
                &password,
            )
            .await?;
            println!(
                "Support account created; it logs in as {} and lands on /support.",
                account.email
            );
        }
        // Answered above, before the database is opened.
        Command::Precompress { .. } => {}
        Command::Demo => {
            if load_demo(&connection, &hasher).await? {
                println!("Demo shop loaded.");
            }
            print_demo_login();
        }
        Command::CreateApiKey {
            owner_email,
            name,
            read_only,
        } => {
            let owner = auth::owner_by_email(&connection, &owner_email).await?;
            let scope = if read_only {
                ApiKeyScope::Read
            } else {
                ApiKeyScope::ReadWrite
            };
            let form = NewApiKey {
                name,
                scope: scope.code().to_owned(),
            };
            let created = app::services::accounts::api_keys::create_key(
                &connection,
                &app::services::audit::Actor::cli(owner),
                &form,
            )
            .await?;
            println!("{}", created.secret);
        }
        Command::Backup { path } => {
            let copy =
                backup::back_up(&connection, &backup::backup_file(&path, chrono::Utc::now()))
                    .await?;
            print_copy("Backed up to", &copy);
        }
        Command::Restore { .. } => {}
        Command::Expire { at, shop } => {
            let only_shop = match shop {
                Some(name) => {
                    Some(app::services::support::shop_id_by_name(&connection, &name).await?)
                }
                None => None,
            };
            let clock = at.unwrap_or_else(chrono::Utc::now);
            let report = app::services::ledger::run_expiry(&connection, clock, only_shop).await?;
            println!(
                "Expiry: {} reward(s) expired; {} point(s) expired on {} client file(s).",
                report.rewards_expired, report.points_expired, report.clients
            );
        }
        Command::Serve(ServeArgs { demo }) => {
            let demo_exists = server::startup::prepare_to_serve(&connection, &hasher, demo).await?;
            let options = leptos_options()?;
            let address = options.site_addr;
            match config.backup.clone() {
                Some(schedule) if backup::sqlite_path(&config.database_url).is_some() => {
                    server::jobs::spawn_backups(connection.clone(), schedule);
                }
                Some(_) => tracing::warn!(
                    "BACKUP_DIR is for a SQLite database; on PostgreSQL use pg_dump (README, Backups)"
                ),
                None => {}
            }
            let (public_url, mail_per_second) = (config.public_url.clone(), config.mail_per_second);
            let state = server::router::build_state(config, connection.clone(), options)?;
            server::jobs::spawn_hourly_jobs(connection.clone());
            server::jobs::spawn_import_resumer(connection.clone());
            server::jobs::spawn_mail_planner(connection.clone());
            server::jobs::spawn_mail_sender(
                connection.clone(),
                state.mailer.clone(),
                public_url,
                mail_per_second,
            );
            // Answers go out at once: a till waits on every one of them.
            let listener = tokio::net::TcpListener::bind(address).await?.tap_io(|tcp| {
                let _ = tcp.set_nodelay(true);
            });
            println!("Comptoir is listening on http://{address}");
            if demo_exists {
                print_demo_login();
            }
            let app = server::router::router(state)
                .into_make_service_with_connect_info::<std::net::SocketAddr>();
            axum::serve(listener, app)
                .with_graceful_shutdown(stop_requested())
                .await?;
            tracing::info!("stopped: requests in flight were answered");
        }
    }
    Ok(())
}

/// Ctrl-C in a terminal, or SIGTERM from systemd or a container runtime: the server stops taking
/// connections and answers the requests in flight (a till's transaction) before it exits.
async fn stop_requested() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                terminate.recv().await;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM; Ctrl-C still stops the server");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
    tracing::info!("stopping: no new connections, answering those in flight");
}

/// A page rendered by the server awaits every component's work inside one future: in a debug
/// build (the one the browser tests run) that outgrows tokio's 2 MiB worker stacks once the app
/// has a few dozen routes. 8 MiB leaves room; a release build uses a fraction of it.
const WORKER_STACK_BYTES: usize = 8 << 20;

fn main() -> ExitCode {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(WORKER_STACK_BYTES)
        .build();
    match runtime {
        Ok(runtime) => runtime.block_on(start()),
        Err(error) => {
            eprintln!("Error: could not start the async runtime: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn start() -> ExitCode {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    // One JSON object per line for a log collector; each line inside a request carries its
    // request id (the span's fields).
    if std::env::var("LOG_FORMAT").is_ok_and(|format| format.trim() == "json") {
        tracing_subscriber::fmt()
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .with_env_filter(filter)
            .init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("comptoir: {error}");
            ExitCode::FAILURE
        }
    }
}
