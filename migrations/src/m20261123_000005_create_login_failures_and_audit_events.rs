use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Tables whose rows, once written, are never changed nor deleted by the app; the database
/// refuses it too, so neither a bug nor a stray SQL session can rewrite history.
const APPEND_ONLY: [&str; 2] = ["ledger_entries", "audit_events"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Failed logins, kept in the database so throttling holds across app servers. `key` is
        // `account:<e-mail>` or `address:<ip>`.
        manager
            .create_table(
                Table::create()
                    .table("login_failures")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(string_len("key", 320))
                    .col(timestamp_with_time_zone("failed_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("login_failures_key_time")
                    .table("login_failures")
                    .col("key")
                    .col("failed_at")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("login_failures_time")
                    .table("login_failures")
                    .col("failed_at")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("audit_events")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(big_integer_null("shop_id"))
                    .col(big_integer_null("user_id"))
                    .col(timestamp_with_time_zone("occurred_at"))
                    .col(string_len("kind", 40))
                    .col(string_len("source", 80))
                    .col(big_integer_null("client_id"))
                    .col(big_integer_null("entry_id"))
                    .col(string_len("detail", 400))
                    .foreign_key(
                        ForeignKey::create()
                            .from("audit_events", "shop_id")
                            .to("shops", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("audit_events", "user_id")
                            .to("users", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("audit_events_shop_time")
                    .table("audit_events")
                    .col("shop_id")
                    .col("occurred_at")
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        for table in APPEND_ONLY {
            let statements = match manager.get_database_backend() {
                DbBackend::Postgres => vec![
                    "CREATE OR REPLACE FUNCTION comptoir_refuse_change() RETURNS trigger \
                     LANGUAGE plpgsql AS $$ BEGIN \
                     RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"
                        .to_owned(),
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
                db.execute_unprepared(&statement).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for table in APPEND_ONLY {
            match manager.get_database_backend() {
                DbBackend::Postgres => {
                    for trigger in ["append_only", "no_truncate"] {
                        db.execute_unprepared(&format!(
                            "DROP TRIGGER IF EXISTS {table}_{trigger} ON {table}"
                        ))
                        .await?;
                    }
                }
                _ => {
                    for verb in ["update", "delete"] {
                        db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {table}_no_{verb}"))
                            .await?;
                    }
                }
            }
        }
        if manager.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared("DROP FUNCTION IF EXISTS comptoir_refuse_change()")
                .await?;
        }
        manager
            .drop_table(Table::drop().table("audit_events").to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("login_failures").to_owned())
            .await
    }
}
