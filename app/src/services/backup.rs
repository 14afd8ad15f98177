//! Backups of a SQLite database: a consistent copy taken while the tills write (`VACUUM INTO`
//! reads one snapshot; in WAL mode writers go on meanwhile), checked before it is kept, and
//! restored only after the same checks. PostgreSQL has its own tools (`pg_dump`, `pg_restore`;
//! see the README's Backups section).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};

use super::db::{Db, schema_status};

/// Copies are named `comptoir-20261203-141500.db`: sorted by name, they are sorted by time.
const PREFIX: &str = "comptoir-";
const SUFFIX: &str = ".db";

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("backups are for SQLite; on PostgreSQL use pg_dump and pg_restore (README, Backups)")]
    NotSqlite,
    #[error("{0} already exists; a backup never overwrites a file")]
    Exists(PathBuf),
    #[error("{0} does not exist")]
    Missing(PathBuf),
    #[error("{path} is not a sound Comptoir database: {problem}")]
    Unsound { path: PathBuf, problem: String },
    #[error(
        "{path} was made by a newer Comptoir (migration {version} is unknown here); upgrade first"
    )]
    Newer { path: PathBuf, version: String },
    #[error("database: {0}")]
    Database(#[from] sea_orm::DbErr),
    #[error("file: {0}")]
    File(#[from] std::io::Error),
}

/// What a checked copy holds, for the person who made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopySummary {
    pub path: PathBuf,
    pub bytes: u64,
    pub shops: i64,
    pub clients: i64,
    pub ledger_entries: i64,
    /// The last migration the copy has; a restore brings it up to date on the next start.
    pub migration: String,
}

/// The file behind a SQLite database URL (`sqlite://comptoir.db?mode=rwc` → `comptoir.db`), or
/// `None` for another engine or an in-memory database.
pub fn sqlite_path(database_url: &str) -> Option<PathBuf> {
    let rest = database_url
        .strip_prefix("sqlite://")
        .or_else(|| database_url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && !path.contains(":memory:")).then(|| PathBuf::from(path))
}

/// Where a backup asked for `target` goes: the file itself, or a new dated file when `target`
/// is a folder.
pub fn backup_file(target: &Path, now: DateTime<Utc>) -> PathBuf {
    if target.is_dir() {
        target.join(format!("{PREFIX}{}{SUFFIX}", now.format("%Y%m%d-%H%M%S")))
    } else {
        target.to_owned()
    }
}

/// Copies the live database into `file` (which must not exist), checks the copy, and says what
/// it holds. The copy is written beside its final name and renamed once sound, so a crash never
/// leaves a half copy under a backup's name.
pub async fn back_up(db: &Db, file: &Path) -> Result<CopySummary, BackupError> {
    if db.connection().get_database_backend() != DbBackend::Sqlite {
        return Err(BackupError::NotSqlite);
    }
    if file.exists() {
        return Err(BackupError::Exists(file.to_owned()));
    }
    let partial = file.with_extension("partial");
    if partial.exists() {
        std::fs::remove_file(&partial)?;
    }
    let quoted = partial.to_string_lossy().replace('\'', "''");
    db.connection()
        .execute_unprepared(&format!("VACUUM INTO '{quoted}'"))
        .await?;
    let summary = match check(&partial).await {
        Ok(summary) => summary,
        Err(error) => {
            let _ = std::fs::remove_file(&partial);
            return Err(error);
        }
    };
    std::fs::rename(&partial, file)?;
    Ok(CopySummary {
        path: file.to_owned(),
        ..summary
    })
}

async fn count(db: &impl ConnectionTrait, sql: &str) -> Result<i64, BackupError> {
    let row = db
        .query_one_raw(Statement::from_string(DbBackend::Sqlite, sql.to_owned()))
        .await?;
    Ok(row
        .map(|row| row.try_get_by_index::<i64>(0))
        .transpose()?
        .unwrap_or(0))
}

/// Opens `path` read-only and checks it: SQLite's integrity check passes, it is a Comptoir
/// database, and every migration it has is known to this version.
pub async fn check(path: &Path) -> Result<CopySummary, BackupError> {
    if !path.is_file() {
        return Err(BackupError::Missing(path.to_owned()));
    }
    let unsound = |problem: String| BackupError::Unsound {
        path: path.to_owned(),
        problem,
    };
    let copy = Database::connect(format!("sqlite://{}?mode=ro", path.display()))
        .await
        .map_err(|error| unsound(error.to_string()))?;
    let integrity = copy
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "PRAGMA integrity_check",
        ))
        .await
        .map_err(|error| unsound(error.to_string()))?
        .map(|row| row.try_get_by_index::<String>(0))
        .transpose()?
        .unwrap_or_default();
    if integrity != "ok" {
        return Err(unsound(integrity));
    }
    let schema = schema_status(&copy)
        .await
        .map_err(|_| unsound("no migrations table".into()))?;
    if let Some(version) = schema.unknown.first() {
        return Err(BackupError::Newer {
            path: path.to_owned(),
            version: version.clone(),
        });
    }
    let migration = Migrator::migrations()
        .iter()
        .map(|migration| migration.name().to_owned())
        .rfind(|name| !schema.pending.contains(name))
        .unwrap_or_default();
    let summary = CopySummary {
        path: path.to_owned(),
        bytes: std::fs::metadata(path)?.len(),
        shops: count(&copy, "SELECT COUNT(*) FROM shops WHERE is_platform = 0").await?,
        clients: count(&copy, "SELECT COUNT(*) FROM clients").await?,
        ledger_entries: count(&copy, "SELECT COUNT(*) FROM ledger_entries").await?,
        migration,
    };
    copy.close().await?;
    Ok(summary)
}

/// Puts the backup `source` in place of the database at `database_url`, after checking it. The
/// database it replaces is kept beside it (`comptoir.db.before-restore-20261203-141500`). The
/// server must be stopped: a running one would keep writing to the replaced file.
pub async fn restore(source: &Path, database_url: &str) -> Result<CopySummary, BackupError> {
    let target = sqlite_path(database_url).ok_or(BackupError::NotSqlite)?;
    let summary = check(source).await?;
    let staged = target.with_extension("restoring");
    std::fs::copy(source, &staged)?;
    std::fs::File::open(&staged)?.sync_all()?;
    if target.exists() {
        let kept = PathBuf::from(format!(
            "{}.before-restore-{}",
            target.display(),
            Utc::now().format("%Y%m%d-%H%M%S")
        ));
        std::fs::rename(&target, &kept)?;
    }
    // The replaced database's write-ahead log belongs to it, not to the backup.
    for extension in ["-wal", "-shm"] {
        let companion = PathBuf::from(format!("{}{extension}", target.display()));
        if companion.exists() {
            std::fs::remove_file(companion)?;
        }
    }
    std::fs::rename(&staged, &target)?;
    Ok(CopySummary {
        path: target,
        ..summary
    })
}

/// Removes the oldest backups in `folder` beyond the `keep` newest; only files named as this
/// module names them are touched. Answers the files removed.
pub fn prune(folder: &Path, keep: usize) -> Result<Vec<PathBuf>, BackupError> {
    let mut copies: Vec<PathBuf> = std::fs::read_dir(folder)?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with(PREFIX) && name.ends_with(SUFFIX))
        })
        .collect();
    copies.sort();
    let excess = copies.len().saturating_sub(keep);
    let removed: Vec<PathBuf> = copies.into_iter().take(excess).collect();
    for path in &removed {
        std::fs::remove_file(path)?;
    }
    Ok(removed)
}

/// The scheduled backups the server makes by itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupSchedule {
    pub folder: PathBuf,
    pub every: Duration,
    pub keep: usize,
}

/// One scheduled backup: a dated copy in the folder, then the oldest beyond `keep` removed.
pub async fn scheduled_backup(
    db: &Db,
    schedule: &BackupSchedule,
) -> Result<(CopySummary, Vec<PathBuf>, Duration), BackupError> {
    let started = Instant::now();
    std::fs::create_dir_all(&schedule.folder)?;
    let summary = back_up(db, &backup_file(&schedule.folder, Utc::now())).await?;
    let removed = prune(&schedule.folder, schedule.keep)?;
    Ok((summary, removed, started.elapsed()))
}

#[cfg(test)]
mod tests;
