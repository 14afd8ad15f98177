//! The database schema, one migration per change, run on SQLite and PostgreSQL alike.

pub use sea_orm_migration::prelude::*;

/// Makes `table` append-only: the database itself refuses to change or delete a row (and, on
/// PostgreSQL, to truncate the table). `comptoir_refuse_change()` is the ledger's own, made by
/// `m20261123_000005`.
pub(crate) async fn make_append_only(
    manager: &SchemaManager<'_>,
    table: &str,
) -> Result<(), DbErr> {
    let statements = match manager.get_database_backend() {
        sea_orm_migration::sea_orm::DbBackend::Postgres => vec![
            format!(
                "CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} \
                 FOR EACH ROW EXECUTE FUNCTION comptoir_refuse_change()"
            ),
            format!(
                "CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} \
                 FOR EACH STATEMENT EXECUTE FUNCTION comptoir_refuse_change()"
            ),
        ],
        _ => ["UPDATE", "DELETE"]
            .iter()
            .map(|action| {
                format!(
                    "CREATE TRIGGER {table}_no_{verb} BEFORE {action} ON {table} \
                     BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END",
                    verb = action.to_lowercase()
                )
            })
            .collect(),
    };
    for statement in statements {
        manager
            .get_connection()
            .execute_unprepared(&statement)
            .await?;
    }
    Ok(())
}

mod m20261123_000001_create_shops_and_users;
mod m20261123_000002_create_sessions_and_reset_tokens;
mod m20261123_000003_create_clients;
mod m20261123_000004_create_ledger_entries;
mod m20261123_000005_create_login_failures_and_audit_events;
mod m20261123_000006_create_client_notes_and_consents;
mod m20261123_000007_index_client_contacts;
mod m20261123_000008_create_labels;
mod m20261123_000009_merge_erase_and_support;
mod m20261202_000001_shop_founder;
mod m20261202_000002_audit_redaction;
mod m20261202_000003_invitations;
mod m20261202_000004_programmes;
mod m20261202_000005_rewards;
mod m20261203_000001_expiry;
mod m20261203_000002_dashboard;
mod m20261203_000003_countries;
mod m20261203_000004_rewards_by_shop;
mod m20261203_000005_retention;
mod m20261204_000001_client_imports;
mod m20261204_000002_api_keys;
mod m20261204_000003_mail_campaigns;
mod m20261205_000001_consent_by_shop;
mod m20261205_000002_member_cards;
mod m20261206_000001_technical_sheets;
mod m20261206_000002_programme_terms;
mod m20261207_000001_store_credit;
mod m20261207_000002_gift_cards;
mod m20261207_000003_tickets;
mod m20261208_000001_client_changes;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_create_shops_and_users::Migration),
            Box::new(m20261123_000002_create_sessions_and_reset_tokens::Migration),
            Box::new(m20261123_000003_create_clients::Migration),
            Box::new(m20261123_000004_create_ledger_entries::Migration),
            Box::new(m20261123_000005_create_login_failures_and_audit_events::Migration),
            Box::new(m20261123_000006_create_client_notes_and_consents::Migration),
            Box::new(m20261123_000007_index_client_contacts::Migration),
            Box::new(m20261123_000008_create_labels::Migration),
            Box::new(m20261123_000009_merge_erase_and_support::Migration),
            Box::new(m20261202_000001_shop_founder::Migration),
            Box::new(m20261202_000002_audit_redaction::Migration),
            Box::new(m20261202_000003_invitations::Migration),
            Box::new(m20261202_000004_programmes::Migration),
            Box::new(m20261202_000005_rewards::Migration),
            Box::new(m20261203_000001_expiry::Migration),
            Box::new(m20261203_000002_dashboard::Migration),
            Box::new(m20261203_000003_countries::Migration),
            Box::new(m20261203_000004_rewards_by_shop::Migration),
            Box::new(m20261203_000005_retention::Migration),
            Box::new(m20261204_000001_client_imports::Migration),
            Box::new(m20261204_000002_api_keys::Migration),
            Box::new(m20261204_000003_mail_campaigns::Migration),
            Box::new(m20261205_000001_consent_by_shop::Migration),
            Box::new(m20261205_000002_member_cards::Migration),
            Box::new(m20261206_000001_technical_sheets::Migration),
            Box::new(m20261206_000002_programme_terms::Migration),
            Box::new(m20261207_000001_store_credit::Migration),
            Box::new(m20261207_000002_gift_cards::Migration),
            Box::new(m20261207_000003_tickets::Migration),
            Box::new(m20261208_000001_client_changes::Migration),
        ]
    }
}
