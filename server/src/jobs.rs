//! Work the server does by itself, once at start and then every hour: the programme's expiry
//! (rewards past their validity, points due under the programme's rule), the dashboard's
//! closed days, then the erasure of clients past their shop's retention period and notice
//! (only in shops that chose it). Each server of a shared PostgreSQL database runs it; a run finds nothing left to
//! do after another's.

use std::time::Duration;

use app::services::backup::{BackupSchedule, scheduled_backup};
use app::services::campaigns::automatic::plan_automatic;
use app::services::campaigns::send::{SendReport, Sending, send_queued};
use app::services::clients::retention::erase_overdue;
use app::services::dashboard::{RollUpReport, roll_up_closed_days};
use app::services::db::Db;
use app::services::imports::run::resume_imports;
use app::services::ledger::{ExpiryReport, run_expiry};
use app::services::mail::Mailer;
use chrono::Utc;

const EVERY: Duration = Duration::from_secs(60 * 60);

/// Starts the hourly jobs in the background; they live as long as the runtime.
pub fn spawn_hourly_jobs(db: Db) {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(EVERY);
        // A late tick (the machine slept) runs once, not once per missed hour.
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            match run_expiry(&db, Utc::now(), None).await {
                Ok(report) => log_report(&report),
                Err(error) => {
                    tracing::error!(%error, "the expiry job failed; it runs again in an hour")
                }
            }
            match roll_up_closed_days(&db, Utc::now()).await {
                Ok(report) if report == RollUpReport::default() => {}
                Ok(report) => tracing::info!(
                    days = report.days,
                    best_lists = report.best_lists,
                    "dashboard figures written"
                ),
                Err(error) => {
                    tracing::error!(%error, "writing the dashboard's days failed; it runs again in an hour")
                }
            }
            match erase_overdue(&db, Utc::now()).await {
                Ok(0) => {}
                Ok(erased) => {
                    tracing::info!(erased, "clients erased under their shop's retention rule")
                }
                Err(error) => {
                    tracing::error!(%error, "the retention job failed; it runs again in an hour")
                }
            }
        }
    });
}

fn log_report(report: &ExpiryReport) {
    if *report != ExpiryReport::default() {
        tracing::info!(
            rewards_expired = report.rewards_expired,
            clients = report.clients,
            points_expired = report.points_expired,
            "expiry job"
        );
    }
}

/// How often the server looks for client imports whose server stopped: one is taken over within
/// this and the import's hold (a minute).
const IMPORTS_EVERY: Duration = Duration::from_secs(30);

/// Goes on with confirmed client imports nobody is writing (the server stopped mid-way), at
/// start and then every `IMPORTS_EVERY`; each resumes after its last written batch.
pub fn spawn_import_resumer(db: Db) {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(IMPORTS_EVERY);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            match resume_imports(&db).await {
                Ok(0) => {}
                Ok(resumed) => tracing::info!(resumed, "client imports resumed"),
                Err(error) => tracing::error!(%error, "looking for stopped client imports failed"),
            }
        }
    });
}

/// How often the sender looks for queued e-mails.
const MAIL_EVERY: Duration = Duration::from_secs(5);
/// Messages taken per round; the next round follows at once while some are left.
const MAIL_BATCH: u64 = 100;

/// Sends the queued e-mails in the background, oldest first, `per_second` at most (the mail
/// provider's limit), at start and then every `MAIL_EVERY` until the queue is empty. Each server
/// of a shared database may run it: a message is taken by one of them only.
pub fn spawn_mail_sender(db: Db, mailer: Mailer, public_url: String, per_second: u32) {
    let sending = Sending {
        public_url,
        batch: MAIL_BATCH,
        pause: Duration::from_secs(1) / per_second.max(1),
    };
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(MAIL_EVERY);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            loop {
                match send_queued(&db, &mailer, &sending).await {
                    Ok(report) => {
                        log_sending(&report);
                        if report.handled() == 0 {
                            break;
                        }
                    }
                    Err(error) => {
                        tracing::error!(%error, "sending the queued e-mails failed; tried again soon");
                        break;
                    }
                }
            }
        }
    });
}

/// How often the automatic e-mails (welcome, birthday, rewards) are looked for.
const AUTOMATIC_MAIL_EVERY: Duration = Duration::from_secs(5 * 60);

/// Queues what the shops' automatic e-mails have due, at start and then every
/// `AUTOMATIC_MAIL_EVERY`; the sender sends them. Each purpose is queued once, whichever server
/// looks first.
pub fn spawn_mail_planner(db: Db) {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(AUTOMATIC_MAIL_EVERY);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            match plan_automatic(&db, Utc::now()).await {
                Ok(0) => {}
                Ok(queued) => tracing::info!(queued, "automatic e-mails queued"),
                Err(error) => {
                    tracing::error!(%error, "looking for automatic e-mails failed; tried again soon")
                }
            }
        }
    });
}

fn log_sending(report: &SendReport) {
    if *report != SendReport::default() {
        tracing::info!(
            sent = report.sent,
            failed = report.failed,
            unsubscribed = report.unsubscribed,
            skipped = report.skipped,
            interrupted = report.interrupted,
            "campaign e-mails"
        );
    }
}

/// Backs the SQLite database up into the schedule's folder at start and then at its interval,
/// keeping its newest copies. A failure is logged and tried again at the next interval.
pub fn spawn_backups(db: Db, schedule: BackupSchedule) {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(schedule.every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            match scheduled_backup(&db, &schedule).await {
                Ok((copy, removed, took)) => tracing::info!(
                    path = %copy.path.display(),
                    bytes = copy.bytes,
                    clients = copy.clients,
                    ledger_entries = copy.ledger_entries,
                    removed = removed.len(),
                    seconds = took.as_secs_f64(),
                    "backup made"
                ),
                Err(error) => {
                    tracing::error!(%error, "the backup failed; it is tried again at the next interval")
                }
            }
        }
    });
}
