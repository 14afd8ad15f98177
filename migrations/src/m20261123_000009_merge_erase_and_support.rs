use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // A client merged into another keeps its row, so its ledger entries keep their client;
        // the surviving file reads them through this link.
        manager
            .alter_table(
                Table::alter()
                    .table("clients")
                    .add_column(big_integer_null("merged_into_id"))
                    .to_owned(),
            )
            .await?;
        // Erased on request (GDPR): identity gone, ledger amounts kept.
        manager
            .alter_table(
                Table::alter()
                    .table("clients")
                    .add_column(timestamp_with_time_zone_null("erased_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("clients_merged_into")
                    .table("clients")
                    .col("merged_into_id")
                    .to_owned(),
            )
            .await?;
        // The platform's own "shop", home of the support accounts; never listed as a shop.
        manager
            .alter_table(
                Table::alter()
                    .table("shops")
                    .add_column(boolean("is_platform").default(false))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("shops")
                    .drop_column("is_platform")
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("clients_merged_into")
                    .table("clients")
                    .to_owned(),
            )
            .await?;
        for column in ["erased_at", "merged_into_id"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("clients")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
