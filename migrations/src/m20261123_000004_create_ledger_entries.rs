use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Append-only: rows are inserted, never updated or deleted. A modification is a
        // reversal row plus a correction row.
        manager
            .create_table(
                Table::create()
                    .table("ledger_entries")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(big_integer("shop_id"))
                    .col(big_integer("client_id"))
                    .col(string_len("kind", 16))
                    .col(big_integer("points"))
                    .col(big_integer_null("amount_cents"))
                    // Unique: an entry can be reversed once, whatever two tills try at once.
                    .col(big_integer_null("reverses_entry_id").unique_key())
                    .col(big_integer_null("corrects_entry_id"))
                    .col(string_len_null("idempotency_key", 36))
                    .col(big_integer("author_user_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("ledger_entries", "shop_id")
                            .to("shops", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("ledger_entries", "client_id")
                            .to("clients", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("ledger_entries", "reverses_entry_id")
                            .to("ledger_entries", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("ledger_entries", "corrects_entry_id")
                            .to("ledger_entries", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("ledger_entries", "author_user_id")
                            .to("users", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ledger_entries_idempotency")
                    .table("ledger_entries")
                    .col("shop_id")
                    .col("idempotency_key")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ledger_entries_client")
                    .table("ledger_entries")
                    .col("client_id")
                    .col("id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ledger_entries_shop_time")
                    .table("ledger_entries")
                    .col("shop_id")
                    .col("created_at")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("ledger_entries").to_owned())
            .await
    }
}
