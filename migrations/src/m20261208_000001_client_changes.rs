use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A till device keeps the shop's clients and asks for those changed since it last looked: every
/// change of a client (its file, balance, credit, tags, card) moves `updated_at`, read in this
/// index's order.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("idx_clients_shop_updated")
                    .table("clients")
                    .col("shop_id")
                    .col("updated_at")
                    .col("id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_clients_shop_updated")
                    .table("clients")
                    .to_owned(),
            )
            .await
    }
}
