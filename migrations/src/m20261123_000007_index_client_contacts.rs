use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The till finds a client by exact e-mail or phone (to add or use points without opening the
/// file, and to offer an existing client instead of a duplicate).
const INDEXES: [(&str, &str); 2] = [
    ("clients_shop_email", "email"),
    ("clients_shop_phone", "phone"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, column) in INDEXES {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table("clients")
                        .col("shop_id")
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, _) in INDEXES {
            manager
                .drop_index(Index::drop().name(name).table("clients").to_owned())
                .await?;
        }
        Ok(())
    }
}
