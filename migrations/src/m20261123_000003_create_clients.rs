use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("clients")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(big_integer("shop_id"))
                    .col(string_len("civility", 8))
                    .col(string_len("first_name", 100))
                    .col(string_len("last_name", 100))
                    .col(string_len("email", 254))
                    // E.164, e.g. +33612345678.
                    .col(string_len_null("phone", 20))
                    .col(string_len_null("address", 200))
                    // Text, never a number: 01000 keeps its leading zero.
                    .col(string_len_null("postal_code", 5))
                    .col(string_len_null("city", 100))
                    .col(date_null("birth_date"))
                    .col(text_null("note"))
                    // A cache of the ledger's sum, changed in the same transaction as the ledger.
                    .col(
                        big_integer("points_balance")
                            .default(0)
                            .check(Expr::col("points_balance").gte(0)),
                    )
                    .col(big_integer("visit_count").default(0))
                    .col(timestamp_with_time_zone_null("last_visit_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("clients", "shop_id")
                            .to("shops", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("clients_shop_name")
                    .table("clients")
                    .col("shop_id")
                    .col("last_name")
                    .col("first_name")
                    .to_owned(),
            )
            .await?;
        // One row per normalised word of a client (names, city, postal code, e-mail, phone
        // digits): a type-ahead query is a prefix range on (shop_id, term), fast on both engines.
        // Terms are ASCII; PostgreSQL must compare them byte-wise for prefix ranges to hold.
        let mut term = string_len("term", 254);
        if manager.get_database_backend() == sea_orm::DbBackend::Postgres {
            term.extra("COLLATE \"C\"");
        }
        manager
            .create_table(
                Table::create()
                    .table("client_search_terms")
                    .if_not_exists()
                    .col(big_integer("shop_id"))
                    .col(term)
                    .col(big_integer("client_id"))
                    .primary_key(Index::create().col("shop_id").col("term").col("client_id"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("client_search_terms", "client_id")
                            .to("clients", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("client_search_terms_client")
                    .table("client_search_terms")
                    .col("client_id")
                    .col("term")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("client_search_terms").to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("clients").to_owned())
            .await
    }
}
