use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Keys a shop's owner makes for a till or a website to use `/api/v1`. The secret is shown once
/// and kept only as its SHA-256; the hint (its first characters) names it in lists and logs.
/// A key acts as the owner who made it, read-only or read and write, until revoked.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("api_keys")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(big_integer("shop_id"))
                    .col(big_integer("created_by_user_id"))
                    .col(string_len("name", 60))
                    .col(string_len("hint", 16))
                    .col(string_len_uniq("token_hash", 64))
                    .col(boolean("can_write"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("last_used_at"))
                    .col(timestamp_with_time_zone_null("revoked_at"))
                    .col(big_integer_null("revoked_by_user_id"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("api_keys", "shop_id")
                            .to("shops", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("api_keys", "created_by_user_id")
                            .to("users", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("api_keys_shop")
                    .table("api_keys")
                    .col("shop_id")
                    .col("id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("api_keys").to_owned())
            .await
    }
}
