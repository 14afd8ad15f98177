//! The server as an administrator runs it: `server backup` and `server restore` on SQLite
//! files, and logs a collector can read.

use std::process::{Command, Output};

fn run(database_url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_server"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "warn")
        .env("COMPTOIR_OWNER_PASSWORD", crate::support::PASSWORD)
        .env_remove("BACKUP_DIR")
        .output()
        .expect("the server binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn a_shop_backed_up_from_the_command_line_restores_in_place_of_a_lost_database() {
    let folder = std::env::temp_dir().join(format!("comptoir-cli-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&folder).expect("folder");
    let live = folder.join("comptoir.db");
    let live_url = format!("sqlite://{}?mode=rwc", live.display());
    let created = run(
        &live_url,
        &[
            "create-shop",
            "--name",
            "Boulangerie Sauvée",
            "--owner-name",
            "Sam",
            "--owner-email",
            "sam@exemple.fr",
        ],
    );
    assert!(created.status.success(), "{created:?}");

    let backups = folder.join("backups");
    std::fs::create_dir_all(&backups).expect("backups");
    let backed_up = run(&live_url, &["backup", &backups.display().to_string()]);
    assert!(backed_up.status.success(), "{backed_up:?}");
    assert!(
        stdout(&backed_up).contains("1 shop(s)"),
        "{}",
        stdout(&backed_up)
    );
    let copy = std::fs::read_dir(&backups)
        .expect("listed")
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .find(|path| path.extension().is_some_and(|extension| extension == "db"))
        .expect("a dated copy");

    // The database is lost (a bad disk, a wrong command): the copy takes its place.
    std::fs::write(&live, b"not a database any more").expect("damage");
    let restored = run(&live_url, &["restore", &copy.display().to_string()]);
    assert!(restored.status.success(), "{restored:?}");
    assert!(
        stdout(&restored).contains("Restored"),
        "{}",
        stdout(&restored)
    );
    let again = run(
        &live_url,
        &[
            "create-shop",
            "--name",
            "Autre",
            "--owner-name",
            "Sam",
            "--owner-email",
            "sam@exemple.fr",
        ],
    );
    assert!(
        !again.status.success(),
        "the restored database still has Sam's account"
    );

    // A damaged file is refused, and nothing is replaced.
    let damaged = folder.join("damaged.db");
    std::fs::write(&damaged, vec![0u8; 4096]).expect("damaged");
    let refused = run(&live_url, &["restore", &damaged.display().to_string()]);
    assert!(!refused.status.success());
    let message = String::from_utf8_lossy(&refused.stderr);
    assert!(
        message.contains("not a sound Comptoir database"),
        "{message}"
    );
    let _ = std::fs::remove_dir_all(folder);
}

#[test]
fn with_log_format_json_every_log_line_is_a_json_object() {
    let folder = std::env::temp_dir().join(format!("comptoir-logs-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&folder).expect("folder");
    let url = format!("sqlite://{}?mode=rwc", folder.join("logs.db").display());
    let output = Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("migrate")
        .env("DATABASE_URL", &url)
        .env("LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .output()
        .expect("the server binary runs");
    assert!(output.status.success(), "{output:?}");
    let text = stdout(&output);
    let logs: Vec<serde_json::Value> = text
        .lines()
        .filter(|line| line.starts_with('{'))
        .map(|line| serde_json::from_str(line).expect("a JSON log line"))
        .collect();
    assert!(!logs.is_empty(), "{text}");
    for log in &logs {
        assert!(
            log["level"].is_string() && log["timestamp"].is_string(),
            "{log}"
        );
    }
    // What the command says to the person, as plain text beside them.
    assert!(text.contains("Database migrated."));
    let _ = std::fs::remove_dir_all(folder);
}
