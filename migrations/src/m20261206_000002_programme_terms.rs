use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The programme's terms ("règlement"), written by the owner: each publication is a new
/// version, never changed after. A client's acceptance names the version, when, how (till,
/// form, import) and who recorded it; a newer version is asked again at the next visit.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("programme_terms")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(big_integer("shop_id"))
                    .col(integer("version"))
                    .col(text("body"))
                    .col(timestamp_with_time_zone("published_at"))
                    .col(big_integer("published_by_user_id"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("programme_terms", "shop_id")
                            .to("shops", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("programme_terms", "published_by_user_id")
                            .to("users", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        // Two owners publishing at once cannot both make version N.
        manager
            .create_index(
                Index::create()
                    .name("programme_terms_version")
                    .table("programme_terms")
                    .col("shop_id")
                    .col("version")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("terms_acceptances")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(big_integer("shop_id"))
                    .col(big_integer("client_id"))
                    .col(integer("version"))
                    .col(string_len("source", 16))
                    .col(timestamp_with_time_zone("accepted_at"))
                    .col(big_integer("author_user_id"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("terms_acceptances", "shop_id")
                            .to("shops", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("terms_acceptances", "client_id")
                            .to("clients", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("terms_acceptances", "author_user_id")
                            .to("users", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        // By client first: on SQLite the shop is checked as `shop_id + 0`, which no index serves.
        manager
            .create_index(
                Index::create()
                    .name("terms_acceptances_client")
                    .table("terms_acceptances")
                    .col("client_id")
                    .col("id")
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("terms_acceptances").to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("programme_terms").to_owned())
            .await
    }
}
