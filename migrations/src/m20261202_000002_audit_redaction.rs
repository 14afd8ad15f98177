//! The audit log stays append-only but may be redacted: an erasure blanks the `detail` of the
//! erased client's rows (tag names, consent answers…), keeping who did what and when. Any other
//! change of a row, and every delete, is still refused by the database.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// True when the update only empties `detail`: every other column keeps its value.
const REDACTION_ONLY: &str = "NEW.detail = '' \
     AND NEW.id = OLD.id \
     AND NEW.shop_id IS NOT DISTINCT FROM OLD.shop_id \
     AND NEW.user_id IS NOT DISTINCT FROM OLD.user_id \
     AND NEW.occurred_at = OLD.occurred_at \
     AND NEW.kind = OLD.kind \
     AND NEW.source = OLD.source \
     AND NEW.client_id IS NOT DISTINCT FROM OLD.client_id \
     AND NEW.entry_id IS NOT DISTINCT FROM OLD.entry_id";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let statements = match manager.get_database_backend() {
            DbBackend::Postgres => vec![
                "DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events".to_owned(),
                format!(
                    "CREATE OR REPLACE FUNCTION comptoir_audit_redaction_only() RETURNS trigger \
                     LANGUAGE plpgsql AS $$ BEGIN \
                     IF {REDACTION_ONLY} THEN RETURN NEW; END IF; \
                     RAISE EXCEPTION 'audit_events is append-only'; END $$"
                ),
                "CREATE TRIGGER audit_events_redaction_only BEFORE UPDATE ON audit_events \
                 FOR EACH ROW EXECUTE FUNCTION comptoir_audit_redaction_only()"
                    .to_owned(),
                "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events \
                 FOR EACH ROW EXECUTE FUNCTION comptoir_refuse_change()"
                    .to_owned(),
            ],
            // SQLite has no IS DISTINCT FROM; its IS compares NULLs the same way.
            _ => vec![
                "DROP TRIGGER IF EXISTS audit_events_no_update".to_owned(),
                format!(
                    "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events \
                     WHEN NOT ({}) \
                     BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
                    REDACTION_ONLY.replace("IS NOT DISTINCT FROM", "IS")
                ),
            ],
        };
        run_together(manager, &statements).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let statements = match manager.get_database_backend() {
            DbBackend::Postgres => vec![
                "DROP TRIGGER IF EXISTS audit_events_no_delete ON audit_events",
                "DROP TRIGGER IF EXISTS audit_events_redaction_only ON audit_events",
                "DROP FUNCTION IF EXISTS comptoir_audit_redaction_only()",
                "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events \
                 FOR EACH ROW EXECUTE FUNCTION comptoir_refuse_change()",
            ],
            _ => vec![
                "DROP TRIGGER IF EXISTS audit_events_no_update",
                "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events \
                 BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
            ],
        };
        run_together(manager, &statements).await
    }
}

/// One call, so one connection: on an SQLite pool, a trigger dropped on one connection could
/// still be in another connection's schema when it creates the new one.
async fn run_together(
    manager: &SchemaManager<'_>,
    statements: &[impl AsRef<str>],
) -> Result<(), DbErr> {
    let batch = statements
        .iter()
        .map(AsRef::as_ref)
        .collect::<Vec<_>>()
        .join(";\n");
    manager.get_connection().execute_unprepared(&batch).await?;
    Ok(())
}
