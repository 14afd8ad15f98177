use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("shops")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(string_len("name", 200))
                    .col(string_len("time_zone", 64).default("Europe/Paris"))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("users")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(big_integer("shop_id"))
                    // Stored lower-cased: one account per address across all shops.
                    .col(string_len_uniq("email", 254))
                    .col(string_len("display_name", 200))
                    .col(string("password_hash"))
                    .col(string_len("role", 16))
                    .col(boolean("is_active").default(true))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("users", "shop_id")
                            .to("shops", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("users_shop")
                    .table("users")
                    .col("shop_id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("users").to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("shops").to_owned())
            .await
    }
}
