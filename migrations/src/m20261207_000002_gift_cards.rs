use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Gift cards ("cartes-cadeaux"): an amount sold at the till under a printed code, spent in one
/// or several times. The card holds what is left (changed in the same transaction as an
/// append-only entry) and whether the owner cancelled it.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("gift_cards")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(big_integer("shop_id"))
                    .col(string_len("code", 12))
                    .col(big_integer("initial_cents"))
                    .col(big_integer("balance_cents"))
                    .col(big_integer_null("buyer_client_id"))
                    .col(big_integer_null("beneficiary_client_id"))
                    .col(text("beneficiary_name"))
                    .col(date("valid_until"))
                    .col(string_len("idempotency_key", 36))
                    .col(big_integer("sold_by_user_id"))
                    .col(timestamp_with_time_zone("sold_at"))
                    .col(timestamp_with_time_zone_null("cancelled_at"))
                    .col(text_null("cancel_reason"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("gift_cards", "shop_id")
                            .to("shops", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("gift_cards", "buyer_client_id")
                            .to("clients", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("gift_cards", "beneficiary_client_id")
                            .to("clients", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("gift_cards", "sold_by_user_id")
                            .to("users", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            ("gift_cards_code", ["shop_id", "code"]),
            ("gift_cards_idempotency", ["shop_id", "idempotency_key"]),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table("gift_cards")
                        .col(columns[0])
                        .col(columns[1])
                        .unique()
                        .to_owned(),
                )
                .await?;
        }
        for (name, column) in [
            ("gift_cards_buyer", "buyer_client_id"),
            ("gift_cards_beneficiary", "beneficiary_client_id"),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table("gift_cards")
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table("gift_card_entries")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(big_integer("shop_id"))
                    .col(big_integer("gift_card_id"))
                    .col(string_len("kind", 16))
                    .col(big_integer("amount_cents"))
                    .col(string_len_null("idempotency_key", 36))
                    .col(big_integer("author_user_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("gift_card_entries", "shop_id")
                            .to("shops", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("gift_card_entries", "gift_card_id")
                            .to("gift_cards", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("gift_card_entries", "author_user_id")
                            .to("users", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("gift_card_entries_idempotency")
                    .table("gift_card_entries")
                    .col("shop_id")
                    .col("idempotency_key")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("gift_card_entries_card")
                    .table("gift_card_entries")
                    .col("gift_card_id")
                    .col("id")
                    .to_owned(),
            )
            .await?;
        crate::make_append_only(manager, "gift_card_entries").await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["gift_card_entries", "gift_cards"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
