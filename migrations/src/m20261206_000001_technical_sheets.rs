use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Technical sheets ("fiches techniques"): what a salon writes on a client at a visit — the
/// colour formula, the products, the time of pose, remarks. Its author may correct a sheet the
/// day it was written (`updated_at`); after that it is kept as it was. Sheets go with the
/// client's identity when it is erased.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("technical_sheets")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(big_integer("shop_id"))
                    .col(big_integer("client_id"))
                    .col(big_integer("author_user_id"))
                    .col(text("formula"))
                    .col(text("products"))
                    .col(integer_null("pose_minutes"))
                    .col(text("remarks"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("technical_sheets", "shop_id")
                            .to("shops", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("technical_sheets", "client_id")
                            .to("clients", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("technical_sheets", "author_user_id")
                            .to("users", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        // By client first: on SQLite the shop is checked as `shop_id + 0`, which no index serves.
        manager
            .create_index(
                Index::create()
                    .name("technical_sheets_client")
                    .table("technical_sheets")
                    .col("client_id")
                    .col("id")
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("technical_sheets").to_owned())
            .await
    }
}
