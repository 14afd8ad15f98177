//! What the benchmark and the load command share: bulk-generated clients and percentiles.

use std::time::{Duration, Instant};

use app::entities::{client, client_search_term, shop};
use app::model::auth::CurrentUser;
use app::services::clients::edit::search_terms;
use app::services::demo::generated_client;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, Set, Statement,
    TransactionTrait,
};

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
    let started = Instant::now();
    insert_clients(db, owner, first_id, count).await?;
    println!(
        "  filled {} clients for shop \"{}\" in {:.1} s",
        count,
        owner.shop_name,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `shops` more shops of `per_shop` generated clients each, with ids from `first_id` on: the
/// neighbours a shop has on a platform's database. Returns the next free client id.
pub async fn fill_neighbour_shops(
    db: &DatabaseConnection,
    like: &CurrentUser,
    shops: u64,
    per_shop: u64,
    first_id: i64,
) -> Result<i64, MeasureError> {
    let started = Instant::now();
    let mut next_id = first_id;
    for number in 1..=shops {
        let created = shop::ActiveModel {
            name: Set(format!("Voisin {number}")),
            time_zone: Set(like.time_zone.clone()),
            country: Set(like.country.code().to_owned()),
            created_at: Set(Utc::now()),
            is_platform: Set(false),
            founder_user_id: Set(None),
            ..Default::default()
        }
        .insert(db)
        .await?;
        let neighbour = CurrentUser {
            shop_id: created.id,
            shop_name: created.name,
            ..like.clone()
        };
        insert_clients(db, &neighbour, next_id, per_shop).await?;
        next_id += per_shop as i64;
    }
    println!(
        "  filled {shops} neighbour shops of {per_shop} clients each in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(next_id)
}

async fn insert_clients(
    db: &DatabaseConnection,
    owner: &CurrentUser,
    first_id: i64,
    count: u64,
) -> Result<(), MeasureError> {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23)
        .ok_or(MeasureError::Generated("date".into()))?;
    let now = Utc::now();
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
                .validate(today, owner.country)
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
                country: Set(valid.country.code().to_owned()),
                birth_date: Set(None),
                note: Set(None),
                points_balance: Set(0),
                credit_cents: Set(0),
                visit_count: Set(0),
                last_visit_at: Set(None),
                first_visit_at: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                merged_into_id: Set(None),
                erased_at: Set(None),
                kept_at: Set(None),
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

/// Fills `owner`'s shop, whose clients are `first_id..first_id + clients`, with `entries` ledger
/// entries over the `days` days before `now`: clients arrive one after another over the period,
/// and each entry goes to a client already arrived, a purchase (points and an amount) or, one
/// time in twelve when the balance allows, a use of 10 points. The clients' balances, visits,
/// last visit and creation then follow their entries, as the ledger would have left them.
pub async fn fill_history(
    db: &DatabaseConnection,
    owner: &CurrentUser,
    first_id: i64,
    clients: u64,
    entries: u64,
    days: i64,
) -> Result<(), MeasureError> {
    use app::entities::ledger_entry;
    use app::model::ledger::EntryKind;
    use rand::{Rng, SeedableRng};

    let started = Instant::now();
    let now = Utc::now();
    let span = chrono::Duration::days(days).num_seconds() as f64;
    let mut random = rand::rngs::StdRng::seed_from_u64(2026);
    let mut balances = vec![0_i64; clients as usize];
    let mut done = 0;
    while done < entries {
        // Two thousand rows of ten columns stay under SQLite's limit on bound values.
        let batch = (BATCH * 2).min(entries - done);
        let txn = db.begin().await?;
        let mut rows = Vec::with_capacity(batch as usize);
        for offset in 0..batch {
            let progress = (done + offset) as f64 / entries as f64;
            let at = now - chrono::Duration::seconds((span * (1.0 - progress)) as i64);
            let arrived = ((clients as f64 * progress) as u64).clamp(1, clients);
            let index = random.random_range(0..arrived) as usize;
            let (kind, points, amount_cents) =
                if balances[index] >= 10 && random.random_ratio(1, 12) {
                    (EntryKind::Redeem, -10, None)
                } else {
                    let cents = random.random_range(150..4_000_i64);
                    (EntryKind::Earn, cents / 100, Some(cents))
                };
            balances[index] += points;
            rows.push(ledger_entry::ActiveModel {
                shop_id: Set(owner.shop_id),
                client_id: Set(first_id + index as i64),
                kind: Set(kind.code().to_owned()),
                points: Set(points),
                amount_cents: Set(amount_cents),
                reverses_entry_id: Set(None),
                corrects_entry_id: Set(None),
                idempotency_key: Set(None),
                author_user_id: Set(owner.user_id),
                created_at: Set(at),
                ..Default::default()
            });
        }
        ledger_entry::Entity::insert_many(rows)
            .exec_without_returning(&txn)
            .await?;
        txn.commit().await?;
        done += batch;
    }
    let earn = EntryKind::Earn.code();
    let of_client = "FROM ledger_entries e WHERE e.client_id = clients.id";
    db.execute_raw(Statement::from_string(
        db.get_database_backend(),
        format!(
            "UPDATE clients SET \
             points_balance = (SELECT COALESCE(SUM(e.points), 0) {of_client}), \
             visit_count = (SELECT COUNT(*) {of_client} AND e.kind = '{earn}'), \
             last_visit_at = (SELECT MAX(e.created_at) {of_client} AND e.kind = '{earn}'), \
             first_visit_at = (SELECT MIN(e.created_at) {of_client} AND e.kind = '{earn}'), \
             created_at = COALESCE((SELECT MIN(e.created_at) {of_client}), created_at) \
             WHERE shop_id = {}",
            owner.shop_id
        ),
    ))
    .await?;
    println!(
        "  filled {entries} ledger entries over {days} days for shop \"{}\" in {:.1} s",
        owner.shop_name,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
