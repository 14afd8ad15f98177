use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Store credit ("cagnotte", "avoirs"): a money balance per client beside the points, kept like
/// them — a cached balance on the client changed in the same transaction as an append-only entry
/// (author, time, reason, the device's idempotency key), corrections by reversal.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("clients")
                    .add_column(big_integer("credit_cents").default(0))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("credit_entries")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(big_integer("shop_id"))
                    .col(big_integer("client_id"))
                    .col(string_len("kind", 16))
                    .col(big_integer("amount_cents"))
                    .col(text("reason"))
                    .col(big_integer_null("reverses_entry_id"))
                    .col(string_len_null("idempotency_key", 36))
                    .col(big_integer("author_user_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("credit_entries", "shop_id")
                            .to("shops", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("credit_entries", "client_id")
                            .to("clients", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("credit_entries", "reverses_entry_id")
                            .to("credit_entries", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("credit_entries", "author_user_id")
                            .to("users", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        // A retry of the same tap finds its first answer; two retries at once write one entry.
        manager
            .create_index(
                Index::create()
                    .name("credit_entries_idempotency")
                    .table("credit_entries")
                    .col("shop_id")
                    .col("idempotency_key")
                    .unique()
                    .to_owned(),
            )
            .await?;
        // An entry is reversed once, whatever two owners do at the same second.
        manager
            .create_index(
                Index::create()
                    .name("credit_entries_reversal")
                    .table("credit_entries")
                    .col("shop_id")
                    .col("reverses_entry_id")
                    .unique()
                    .to_owned(),
            )
            .await?;
        // By client first: on SQLite the shop is checked as `shop_id + 0`, which no index serves.
        manager
            .create_index(
                Index::create()
                    .name("credit_entries_client")
                    .table("credit_entries")
                    .col("client_id")
                    .col("id")
                    .to_owned(),
            )
            .await?;
        crate::make_append_only(manager, "credit_entries").await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("credit_entries").to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("clients")
                    .drop_column("credit_cents")
                    .to_owned(),
            )
            .await
    }
}
