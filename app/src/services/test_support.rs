//! Fixtures for service tests: a migrated in-memory database with a shop and its owner.

use super::db::Db;

use super::accounts::auth::create_shop_with_owner;
use super::accounts::passwords::PasswordHasher;
use super::audit::Actor;
use super::db::connect_for_tests;
use std::sync::{Arc, Mutex};

use sea_orm::{ConnectionTrait, DbBackend, Statement};
use uuid::Uuid;

use super::clients::edit::{SharedPhone, create_client};
use crate::model::client::{ClientForm, ClientRow};
use crate::model::ledger::{ModifyRequest, RecordRequest, RedeemRequest, TransactionForm};

pub const OWNER_PASSWORD: &str = "Croissant-2026";

#[derive(Clone)]
pub struct TestShop {
    pub db: Db,
    pub hasher: PasswordHasher,
    pub owner: Actor,
}

impl TestShop {
    pub async fn new() -> Self {
        Self::on(connect_for_tests().await.expect("in-memory database")).await
    }

    /// A shop on a fresh SQLite file with the server's pool, where tasks really run at once
    /// (the in-memory database has a single connection).
    pub async fn on_file() -> Self {
        let path = std::env::temp_dir().join(format!(
            "comptoir-test-{}.db",
            uuid::Uuid::new_v4().simple()
        ));
        let db = super::db::connect(&format!("sqlite://{}?mode=rwc", path.display()))
            .await
            .expect("file database");
        super::db::migrate(&db).await.expect("migrate");
        Self::on(db).await
    }

    /// A shop on a fresh PostgreSQL database when `TEST_DATABASE_URL` is set (`None` otherwise),
    /// named like the integration tests' so the test scripts drop it afterwards.
    pub async fn on_postgres() -> Option<Self> {
        use sea_orm::ConnectionTrait;
        let url = std::env::var("TEST_DATABASE_URL")
            .ok()
            .filter(|url| !url.is_empty())?;
        let admin = sea_orm::Database::connect(&url)
            .await
            .expect("TEST_DATABASE_URL reachable");
        let name = format!("comptoir_test_{}", Uuid::new_v4().simple());
        admin
            .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
            .await
            .expect("create test database");
        let base = url.rsplit_once('/').map_or(url.as_str(), |(base, _)| base);
        let db = super::db::connect(&format!("{base}/{name}"))
            .await
            .expect("test database");
        super::db::migrate(&db).await.expect("migrate");
        Some(Self::on(db).await)
    }

    /// The same shop, its till requests written the other way (batched or alone).
    pub fn with_till_writes(&self, till_writes: super::db::TillWrites) -> Self {
        Self {
            db: self.db.with_till_writes(till_writes),
            ..self.clone()
        }
    }

    async fn on(db: Db) -> Self {
        let hasher = PasswordHasher::with_concurrency(2);
        let owner = create_shop_with_owner(
            &db,
            &hasher,
            "Boulangerie Test",
            "Odile Owner",
            "odile@exemple.fr",
            OWNER_PASSWORD,
        )
        .await
        .expect("shop");
        let owner = Actor::new(owner, "203.0.113.7");
        Self { db, hasher, owner }
    }

    /// A new client of this shop, created by its owner.
    pub async fn client(&self, first_name: &str, last_name: &str) -> ClientRow {
        create_client(
            &self.db,
            &self.owner,
            &client_form(first_name, last_name),
            SharedPhone::Refuse,
        )
        .await
        .expect("client")
    }

    /// The owner's account acting as staff: services check the role, not the account.
    pub fn staff(&self) -> Actor {
        let mut staff = self.owner.clone();
        staff.user.role = crate::model::auth::Role::Staff;
        staff
    }

    /// Every client's balance is the sum of its own ledger entries, and never below zero.
    pub async fn assert_balances_are_sums(&self) {
        assert_balances_are_sums_in(self.db.connection()).await;
    }

    /// A platform support account, acting from the command line.
    pub async fn support(&self) -> Actor {
        let account = super::support::create_support_account(
            &self.db,
            &self.hasher,
            "Sam Support",
            "sam@comptoir.example",
            OWNER_PASSWORD,
        )
        .await
        .expect("support account");
        Actor::new(account, "cli")
    }

    /// The owner of a second shop in the same database.
    pub async fn other_shop(&self) -> Actor {
        let owner = create_shop_with_owner(
            &self.db,
            &self.hasher,
            "Fleuriste Voisin",
            "Victor Voisin",
            "victor@exemple.fr",
            OWNER_PASSWORD,
        )
        .await
        .expect("other shop");
        Actor::new(owner, "198.51.100.4")
    }
}

/// Every client's balances (points, store credit) are the sums of their entries and never below
/// zero, in any database (a restored backup's too).
pub async fn assert_balances_are_sums_in(db: &impl sea_orm::ConnectionTrait) {
    use crate::entities::{client, credit_entry, ledger_entry};
    use sea_orm::EntityTrait;
    let entries = ledger_entry::Entity::find().all(db).await.expect("entries");
    let credit = credit_entry::Entity::find().all(db).await.expect("credit");
    for client in client::Entity::find().all(db).await.expect("clients") {
        let sum: i64 = entries
            .iter()
            .filter(|entry| entry.client_id == client.id)
            .map(|entry| entry.points)
            .sum();
        assert_eq!(client.points_balance, sum, "client {}", client.id);
        assert!(client.points_balance >= 0, "client {}", client.id);
        let credit_sum: i64 = credit
            .iter()
            .filter(|entry| entry.client_id == client.id)
            .map(|entry| entry.amount_cents)
            .sum();
        assert_eq!(
            client.credit_cents, credit_sum,
            "credit of client {}",
            client.id
        );
        assert!(client.credit_cents >= 0, "credit of client {}", client.id);
    }
}

pub fn client_form(first_name: &str, last_name: &str) -> ClientForm {
    ClientForm {
        civility: "mme".into(),
        first_name: first_name.into(),
        last_name: last_name.into(),
        email: format!(
            "{}.{}@exemple.fr",
            first_name.to_lowercase(),
            last_name.to_lowercase()
        )
        .replace(
            |c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '@'),
            "",
        ),
        ..ClientForm::default()
    }
}

/// Points earned at the till, with a fresh idempotency key.
pub fn earn(client_id: i64, points: &str, amount: &str) -> RecordRequest {
    RecordRequest {
        client_id,
        form: TransactionForm {
            points: points.into(),
            amount: amount.into(),
            items: String::new(),
        },
        idempotency_key: Uuid::new_v4(),
    }
}

/// A modification of `transaction_id` to `points`, with a fresh idempotency key.
pub fn change(transaction_id: i64, points: &str) -> ModifyRequest {
    ModifyRequest {
        transaction_id,
        form: TransactionForm {
            points: points.into(),
            amount: String::new(),
            items: String::new(),
        },
        idempotency_key: Uuid::new_v4(),
    }
}

/// Points used at the till, with a fresh idempotency key.
pub fn redeem(client_id: i64, points: &str) -> RedeemRequest {
    RedeemRequest {
        client_id,
        points: points.into(),
        idempotency_key: Uuid::new_v4(),
    }
}

/// The same database seen through a connection that records every statement it runs.
pub fn watched(db: &Db) -> (Db, Arc<Mutex<Vec<Statement>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let mut watched = db.connection().clone();
    let sink = seen.clone();
    watched.set_metric_callback(move |info| {
        sink.lock()
            .expect("statements")
            .push(info.statement.clone());
    });
    (Db::new(watched), seen)
}

/// The statements recorded since the last call.
pub fn taken(seen: &Arc<Mutex<Vec<Statement>>>) -> Vec<Statement> {
    std::mem::take(&mut *seen.lock().expect("statements"))
}

/// SQLite's plan for a statement, one line per step (`SEARCH clients USING …`).
pub async fn query_plan(db: &Db, statement: &Statement) -> Vec<String> {
    db.query_all_raw(Statement {
        sql: format!("EXPLAIN QUERY PLAN {}", statement.sql),
        values: statement.values.clone(),
        db_backend: DbBackend::Sqlite,
    })
    .await
    .expect("plan")
    .iter()
    .map(|step| step.try_get("", "detail").expect("detail"))
    .collect()
}
