use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The shop's catalogue. A reward that was earned is never edited, only retired.
        manager
            .create_table(
                Table::create()
                    .table("rewards")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(big_integer("shop_id"))
                    .col(string_len("name", 80))
                    .col(string_len("kind", 16))
                    .col(big_integer_null("value"))
                    .col(big_integer("cost"))
                    .col(big_integer_null("validity_days"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("retired_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("rewards", "shop_id")
                            .to("shops", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        // The rewards clients earned, each with its status and dates.
        manager
            .create_table(
                Table::create()
                    .table("earned_rewards")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(big_integer("shop_id"))
                    .col(big_integer("client_id"))
                    .col(big_integer("reward_id"))
                    .col(string_len("status", 16))
                    .col(timestamp_with_time_zone("earned_at"))
                    .col(timestamp_with_time_zone_null("valid_until"))
                    .col(big_integer_null("earning_entry_id"))
                    .col(timestamp_with_time_zone_null("claimed_at"))
                    .col(big_integer_null("claimed_by_user_id"))
                    .col(big_integer_null("claim_entry_id"))
                    .col(timestamp_with_time_zone_null("revoked_at"))
                    .col(big_integer_null("revoked_by_user_id"))
                    .col(string_len_null("revoke_reason", 400))
                    .foreign_key(
                        ForeignKey::create()
                            .from("earned_rewards", "client_id")
                            .to("clients", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("earned_rewards", "reward_id")
                            .to("rewards", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("earned_rewards_client")
                    .table("earned_rewards")
                    .col("client_id")
                    .col("status")
                    .to_owned(),
            )
            .await?;
        // A client holds at most one unclaimed reward of each kind of the catalogue: two tills
        // crossing the same threshold at the same second issue it once.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX earned_rewards_one_open ON earned_rewards (client_id, reward_id) \
                 WHERE status = 'earned'",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("earned_rewards").to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("rewards").to_owned())
            .await
    }
}
