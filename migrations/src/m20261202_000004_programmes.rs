use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // A shop's loyalty programmes: at most one live (not ended) at a time, the ended ones
        // kept for the record. The rule is the model's `EarningRule` as JSON: always read and
        // checked whole, by the code that knows its kinds.
        manager
            .create_table(
                Table::create()
                    .table("programmes")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(big_integer("shop_id"))
                    .col(string_len("name", 80))
                    .col(string_len("kind", 16))
                    .col(text("rule"))
                    .col(date("starts_on"))
                    .col(date_null("ends_on"))
                    .col(timestamp_with_time_zone_null("suspended_at"))
                    .col(timestamp_with_time_zone_null("ended_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("programmes", "shop_id")
                            .to("shops", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        // One live programme per shop, whatever two owners click at the same second. A partial
        // index, written the same on SQLite and PostgreSQL.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX programmes_one_live ON programmes (shop_id) \
                 WHERE ended_at IS NULL",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("programmes").to_owned())
            .await
    }
}
