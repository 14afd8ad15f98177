use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A campaign's segment reads a shop's e-mail answers in one pass (the consent rule in
/// `services::campaigns::consent`); without this index that read crossed every shop's answers.
/// A message leaving, or a client's page, reads one client's answers by shop and client: with
/// the client's column second, SQLite picks this index for each of them without statistics to
/// guide it (a `(shop_id, channel)` index alone drew a client's page to read the whole shop). The
/// files merged into a client are read with its shop too: on `clients_merged_into` alone, SQLite
/// preferred scanning the shop's clients on a covering index.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("consent_changes_shop_client")
                    .table("consent_changes")
                    .col("shop_id")
                    .col("client_id")
                    .col("channel")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("clients_shop_merged_into")
                    .table("clients")
                    .col("shop_id")
                    .col("merged_into_id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("consent_changes_shop_client")
                    .table("consent_changes")
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("clients_shop_merged_into")
                    .table("clients")
                    .to_owned(),
            )
            .await
    }
}
