use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// How long a shop keeps a client who no longer comes (CNIL: three years after the last contact
/// by default), whether it erases them itself once the notice has passed, and when the owner
/// last chose to keep a client (the clock starts again from there).
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one change at a time.
        manager
            .alter_table(
                Table::alter()
                    .table("shops")
                    .add_column(integer("retention_years").default(3))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("shops")
                    .add_column(boolean("retention_auto_erase").default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("clients")
                    .add_column(timestamp_with_time_zone_null("kept_at"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, column) in [
            ("clients", "kept_at"),
            ("shops", "retention_auto_erase"),
            ("shops", "retention_years"),
        ] {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
