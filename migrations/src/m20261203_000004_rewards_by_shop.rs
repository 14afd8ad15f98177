use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Each till batch reads the rewards of its shops: without this index, those of every shop on
/// the database (SCALING.md, "A shop among a thousand").
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("rewards_shop")
                    .table("rewards")
                    .col("shop_id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("rewards_shop")
                    .table("rewards")
                    .to_owned(),
            )
            .await
    }
}
