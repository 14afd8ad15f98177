//! What the benchmark and the load command share: bulk-generated clients and percentiles.

use std::time::{Duration, Instant};

use app::entities::{client, client_search_term};
use app::model::auth::CurrentUser;
use app::services::clients::edit::search_terms;
use app::services::demo::generated_client;
use chrono::Utc;
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, Set, Statement, TransactionTrait};

#[derive(Debug, thiserror::Error)]
pub enum MeasureError {
    #[error("database: {0}")]
    Database(#[from] sea_orm::DbErr),
    #[error("generated client refused: {0}")]
    Generated(String),
}

const BATCH: u64 = 1000;

/// The first id free for bulk-inserted clients (they are inserted with their ids).
pub async fn next_client_id(db: &DatabaseConnection) -> Result<i64, MeasureError> {
    let max = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT COALESCE(MAX(id), 0) FROM clients",
        ))
        .await?
        .map(|row| row.try_get_by_index::<i64>(0))
        .transpose()?
        .unwrap_or(0);
    Ok(max + 1)
}

/// Moves PostgreSQL's id sequence past bulk-inserted ids and refreshes planner statistics.
pub async fn after_bulk_load(db: &DatabaseConnection) -> Result<(), MeasureError> {
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        db.execute_unprepared(
            "SELECT setval(pg_get_serial_sequence('clients', 'id'), (SELECT MAX(id) FROM clients))",
        )
        .await?;
        // After a bulk load, index-only scans visit the heap until VACUUM sets the visibility map.
        db.execute_unprepared("VACUUM ANALYZE").await?;
    } else {
        db.execute_unprepared("ANALYZE").await?;
    }
    Ok(())
}

/// Inserts `count` generated French clients with their search terms, a thousand at a time.
pub async fn fill_clients(
    db: &DatabaseConnection,
    owner: &CurrentUser,
    first_id: i64,
    count: u64,
) -> Result<(), MeasureError> {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23)
        .ok_or(MeasureError::Generated("date".into()))?;
    let now = Utc::now();
    let started = Instant::now();
    let mut done = 0;
    while done < count {
        let batch = BATCH.min(count - done);
        let txn = db.begin().await?;
        let mut clients = Vec::with_capacity(batch as usize);
        let mut terms = Vec::new();
        for offset in 0..batch {
            let index = first_id as u64 + done + offset;
            let id = first_id + (done + offset) as i64;
            let valid = generated_client(index)
                .validate(today)
                .map_err(|error| MeasureError::Generated(format!("{error:?}")))?;
            for term in search_terms(&valid) {
                terms.push(client_search_term::ActiveModel {
                    shop_id: Set(owner.shop_id),
                    term: Set(term),
                    client_id: Set(id),
                });
            }
            clients.push(client::ActiveModel {
                id: Set(id),
                shop_id: Set(owner.shop_id),
                civility: Set(valid.civility.code().to_owned()),
                first_name: Set(valid.first_name),
                last_name: Set(valid.last_name),
                email: Set(valid.email),
                phone: Set(valid.phone),
                address: Set(valid.address),
                postal_code: Set(valid.postal_code),
                city: Set(valid.city),
                birth_date: Set(None),
                note: Set(None),
                points_balance: Set(0),
                visit_count: Set(0),
                last_visit_at: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                merged_into_id: Set(None),
                erased_at: Set(None),
            });
        }
        client::Entity::insert_many(clients)
            .exec_without_returning(&txn)
            .await?;
        for chunk in terms.chunks(2000) {
            client_search_term::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(&txn)
                .await?;
        }
        txn.commit().await?;
        done += batch;
    }
    println!(
        "  filled {} clients for shop \"{}\" in {:.1} s",
        count,
        owner.shop_name,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The value below which `fraction` of the sorted samples fall, in milliseconds.
pub fn percentile_ms(sorted: &[Duration], fraction: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let index = ((sorted.len() as f64 - 1.0) * fraction).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

/// p50, p95 and p99 of the samples, in milliseconds.
pub fn summary(mut samples: Vec<Duration>) -> (f64, f64, f64) {
    samples.sort();
    (
        percentile_ms(&samples, 0.50),
        percentile_ms(&samples, 0.95),
        percentile_ms(&samples, 0.99),
    )
}
