use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Member cards: a random token per card, printed as a QR code whose address names the shop
/// (`/carte/{shop}-{token}`), so every look-up stays inside one shop. A client has at most one
/// card not replaced (a partial unique index, which both engines have); a lost card is replaced
/// (`replaced_at`) and its token is then refused at the till, which can say so. Cards go with
/// the client when the client's identity is erased.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("member_cards")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(big_integer("shop_id"))
                    .col(big_integer("client_id"))
                    .col(string_len("token", 32))
                    .col(timestamp_with_time_zone("issued_at"))
                    .col(big_integer("issued_by_user_id"))
                    .col(timestamp_with_time_zone_null("replaced_at"))
                    .col(big_integer_null("replaced_by_user_id"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("member_cards", "shop_id")
                            .to("shops", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("member_cards", "client_id")
                            .to("clients", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("member_cards", "issued_by_user_id")
                            .to("users", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("member_cards_token")
                    .table("member_cards")
                    .col("token")
                    .col("shop_id")
                    .unique()
                    .to_owned(),
            )
            .await?;
        // By client first: on SQLite the shop is checked as `shop_id + 0`, which no index serves.
        manager
            .create_index(
                Index::create()
                    .name("member_cards_client")
                    .table("member_cards")
                    .col("client_id")
                    .col("id")
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX member_cards_current ON member_cards (shop_id, client_id) \
                 WHERE replaced_at IS NULL",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("member_cards").to_owned())
            .await
    }
}
