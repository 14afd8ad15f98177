//! Backups on a real SQLite file with the server's pool, tills writing meanwhile.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use sea_orm::{ConnectionTrait, Database, EntityTrait};

use super::*;
use crate::entities::{client, ledger_entry};
use crate::services::ledger::record_transaction;
use crate::services::test_support::{TestShop, assert_balances_are_sums_in, earn};

fn scratch_folder() -> PathBuf {
    let folder = std::env::temp_dir().join(format!(
        "comptoir-backups-{}",
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::create_dir_all(&folder).expect("folder");
    folder
}

fn url_of(path: &Path) -> String {
    format!("sqlite://{}?mode=rwc", path.display())
}

#[test]
fn the_database_file_is_read_from_its_url() {
    assert_eq!(
        sqlite_path("sqlite://comptoir.db?mode=rwc"),
        Some(PathBuf::from("comptoir.db"))
    );
    assert_eq!(
        sqlite_path("sqlite:///var/lib/comptoir/shop.db"),
        Some(PathBuf::from("/var/lib/comptoir/shop.db"))
    );
    assert_eq!(sqlite_path("sqlite::memory:"), None);
    assert_eq!(sqlite_path("postgres://root@127.0.0.1/test"), None);
}

#[tokio::test]
async fn a_backup_taken_while_tills_write_holds_every_acknowledged_transaction_and_restores() {
    let shop = TestShop::on_file().await;
    let mut client_ids = Vec::new();
    for index in 0..4 {
        client_ids.push(shop.client("Till", &format!("Client{index}")).await.id);
    }
    let stop = Arc::new(AtomicBool::new(false));
    let acknowledged = Arc::new(std::sync::Mutex::new(Vec::<i64>::new()));
    let mut tills = Vec::new();
    for client_id in client_ids.clone() {
        let (shop, stop, acknowledged) = (shop.clone(), stop.clone(), acknowledged.clone());
        tills.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let outcome = record_transaction(&shop.db, &shop.owner, &earn(client_id, "1", ""))
                    .await
                    .expect("recorded");
                if let Ok(mut ids) = acknowledged.lock() {
                    ids.push(outcome.transaction.id);
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before: Vec<i64> = acknowledged
        .lock()
        .map(|ids| ids.clone())
        .unwrap_or_default();
    let folder = scratch_folder();
    let copy = back_up(&shop.db, &backup_file(&folder, Utc::now()))
        .await
        .expect("backup");
    tokio::time::sleep(Duration::from_millis(100)).await;
    stop.store(true, Ordering::Relaxed);
    for till in tills {
        till.await.expect("till");
    }
    assert!(!before.is_empty(), "the tills wrote before the backup");
    let all = acknowledged.lock().map(|ids| ids.len()).unwrap_or_default();
    assert!(
        all > before.len(),
        "the tills went on writing during the backup"
    );
    assert!(copy.path.starts_with(&folder));
    assert_eq!(copy.shops, 1);
    assert_eq!(copy.clients, 4);

    // Every transaction acknowledged before the backup began is in it, balances equal to sums.
    let restored_file = folder.join("restored.db");
    let restored = restore(&copy.path, &url_of(&restored_file))
        .await
        .expect("restore");
    assert_eq!(restored.ledger_entries, copy.ledger_entries);
    let db = Database::connect(url_of(&restored_file))
        .await
        .expect("restored");
    let entries = ledger_entry::Entity::find()
        .all(&db)
        .await
        .expect("entries");
    let ids: std::collections::HashSet<i64> = entries.iter().map(|entry| entry.id).collect();
    for id in &before {
        assert!(ids.contains(id), "acknowledged entry {id} is in the backup");
    }
    assert_balances_are_sums_in(&db).await;
    let _ = std::fs::remove_dir_all(folder);
}

#[tokio::test]
async fn a_backup_never_overwrites_and_a_restore_keeps_the_replaced_database() {
    let shop = TestShop::on_file().await;
    shop.client("Léa", "Morel").await;
    let folder = scratch_folder();
    let file = folder.join("copy.db");
    back_up(&shop.db, &file).await.expect("backup");
    assert!(matches!(
        back_up(&shop.db, &file).await,
        Err(BackupError::Exists(_))
    ));

    // Restoring over an existing database keeps it aside, under a dated name.
    let live = folder.join("live.db");
    std::fs::write(&live, b"the database before").expect("live");
    restore(&file, &url_of(&live)).await.expect("restore");
    let kept: Vec<_> = std::fs::read_dir(&folder)
        .expect("folder")
        .filter_map(|entry| entry.ok())
        .filter(|entry| {
            entry
                .file_name()
                .to_string_lossy()
                .starts_with("live.db.before-restore-")
        })
        .collect();
    assert_eq!(kept.len(), 1);
    assert_eq!(
        std::fs::read(kept[0].path()).expect("kept"),
        b"the database before"
    );
    assert_eq!(check(&live).await.expect("sound").clients, 1);
    let _ = std::fs::remove_dir_all(folder);
}

#[tokio::test]
async fn a_damaged_foreign_or_newer_file_is_never_restored() {
    let shop = TestShop::on_file().await;
    let folder = scratch_folder();
    let live = folder.join("live.db");
    let target = url_of(&live);

    let missing = folder.join("nothing.db");
    assert!(matches!(
        restore(&missing, &target).await,
        Err(BackupError::Missing(_))
    ));
    let garbage = folder.join("garbage.db");
    std::fs::write(&garbage, vec![7u8; 8192]).expect("garbage");
    assert!(matches!(
        restore(&garbage, &target).await,
        Err(BackupError::Unsound { .. })
    ));
    // A SQLite file that is no Comptoir database.
    let other = folder.join("other.db");
    let db = Database::connect(url_of(&other)).await.expect("other");
    db.execute_unprepared("CREATE TABLE notes (body TEXT)")
        .await
        .expect("table");
    db.close().await.expect("close");
    assert!(matches!(
        restore(&other, &target).await,
        Err(BackupError::Unsound { .. })
    ));
    // A copy made by a later version, with a migration this one does not know.
    let newer = folder.join("newer.db");
    back_up(&shop.db, &newer).await.expect("backup");
    let db = Database::connect(url_of(&newer)).await.expect("newer");
    db.execute_unprepared(
        "INSERT INTO seaql_migrations (version, applied_at) VALUES ('m20991231_000001_future', 0)",
    )
    .await
    .expect("future migration");
    db.close().await.expect("close");
    assert!(matches!(
        restore(&newer, &target).await,
        Err(BackupError::Newer { .. })
    ));
    assert!(!live.exists(), "nothing was put in place");
    assert!(matches!(
        restore(&newer, "postgres://root@127.0.0.1/test").await,
        Err(BackupError::NotSqlite)
    ));
    let _ = std::fs::remove_dir_all(folder);
}

#[tokio::test]
async fn scheduled_backups_keep_the_newest_copies_and_nothing_else_is_touched() {
    let shop = TestShop::on_file().await;
    let folder = scratch_folder();
    for stamp in ["20261130-030000", "20261201-030000", "20261202-030000"] {
        std::fs::write(folder.join(format!("comptoir-{stamp}.db")), b"old").expect("old copy");
    }
    std::fs::write(folder.join("notes.txt"), b"mine").expect("other file");
    let schedule = BackupSchedule {
        folder: folder.clone(),
        every: Duration::from_secs(3600),
        keep: 2,
    };
    let (copy, removed, _) = scheduled_backup(&shop.db, &schedule)
        .await
        .expect("scheduled backup");
    let names = |paths: &[PathBuf]| -> Vec<String> {
        paths
            .iter()
            .filter_map(|path| {
                path.file_name()
                    .map(|name| name.to_string_lossy().into_owned())
            })
            .collect()
    };
    assert_eq!(
        names(&removed),
        vec![
            "comptoir-20261130-030000.db".to_owned(),
            "comptoir-20261201-030000.db".to_owned()
        ]
    );
    assert!(copy.path.exists());
    assert!(folder.join("comptoir-20261202-030000.db").exists());
    assert!(folder.join("notes.txt").exists());
    let _ = std::fs::remove_dir_all(folder);
}

/// PostgreSQL's own tools, as the README gives them: a dump of a live shop restores into a new
/// database with every transaction.
#[tokio::test]
async fn pg_dump_and_pg_restore_bring_back_a_shop() {
    let Some(shop) = TestShop::on_postgres().await else {
        eprintln!("skipped: TEST_DATABASE_URL is not set (the PostgreSQL backup test)");
        return;
    };
    if std::process::Command::new("pg_dump")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: pg_dump is not installed");
        return;
    }
    let lea = shop.client("Léa", "Morel").await;
    for _ in 0..3 {
        record_transaction(&shop.db, &shop.owner, &earn(lea.id, "5", ""))
            .await
            .expect("recorded");
    }
    let url = std::env::var("TEST_DATABASE_URL").unwrap_or_default();
    let base = url.rsplit_once('/').map_or(url.as_str(), |(base, _)| base);
    let source = shop_database_url(&shop).await;
    let folder = scratch_folder();
    let dump = folder.join("shop.dump");
    let status = std::process::Command::new("pg_dump")
        .args(["--format=custom", "--file"])
        .arg(&dump)
        .arg(&source)
        .status()
        .expect("pg_dump runs");
    assert!(status.success(), "pg_dump");
    let name = format!("comptoir_test_{}", uuid::Uuid::new_v4().simple());
    let admin = Database::connect(&url).await.expect("admin");
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await
        .expect("new database");
    let target = format!("{base}/{name}");
    let status = std::process::Command::new("pg_restore")
        .args(["--no-owner", "--dbname"])
        .arg(&target)
        .arg(&dump)
        .status()
        .expect("pg_restore runs");
    assert!(status.success(), "pg_restore");
    let restored = Database::connect(&target).await.expect("restored");
    let entries = ledger_entry::Entity::find()
        .all(&restored)
        .await
        .expect("entries");
    assert_eq!(entries.len(), 3);
    let client = client::Entity::find_by_id(lea.id)
        .one(&restored)
        .await
        .expect("read")
        .expect("Léa");
    assert_eq!(client.points_balance, 15);
    let _ = std::fs::remove_dir_all(folder);
}

/// The URL of the shop's own test database (`TestShop::on_postgres` makes one per test).
async fn shop_database_url(shop: &TestShop) -> String {
    let row = shop
        .db
        .connection()
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT current_database()",
        ))
        .await
        .expect("query")
        .expect("row");
    let name: String = row.try_get_by_index(0).expect("name");
    let url = std::env::var("TEST_DATABASE_URL").unwrap_or_default();
    let base = url.rsplit_once('/').map_or(url.as_str(), |(base, _)| base);
    format!("{base}/{name}")
}
