use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A purchase's ticket: its reference, and lines of services and products. A line keeps its
/// client and its moment, so a client's favourites and the dashboard's best sellers of a period
/// are read from the lines alone; `label_key` is the label folded (case, accents) so "Coupe" and
/// "coupe" count together.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("tickets")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(big_integer("shop_id"))
                    .col(big_integer("ledger_entry_id"))
                    .col(big_integer("client_id"))
                    .col(text("reference"))
                    .col(big_integer("author_user_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("tickets", "shop_id")
                            .to("shops", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("tickets", "ledger_entry_id")
                            .to("ledger_entries", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("tickets", "client_id")
                            .to("clients", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("tickets", "author_user_id")
                            .to("users", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        // One ticket per purchase, whatever two tills do at once.
        manager
            .create_index(
                Index::create()
                    .name("tickets_entry")
                    .table("tickets")
                    .col("shop_id")
                    .col("ledger_entry_id")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("ticket_lines")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(big_integer("shop_id"))
                    .col(big_integer("ticket_id"))
                    .col(big_integer("client_id"))
                    .col(string_len("kind", 16))
                    .col(text("label"))
                    .col(text("label_key"))
                    .col(integer("quantity"))
                    .col(big_integer_null("unit_cents"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("ticket_lines", "shop_id")
                            .to("shops", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("ticket_lines", "ticket_id")
                            .to("tickets", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("ticket_lines", "client_id")
                            .to("clients", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            ("ticket_lines_ticket", vec!["ticket_id"]),
            ("ticket_lines_client", vec!["client_id"]),
            // The dashboard's best sellers of a period.
            ("ticket_lines_shop_time", vec!["shop_id", "created_at"]),
        ] {
            let mut index = Index::create();
            index.name(name).table("ticket_lines");
            for column in columns {
                index.col(column);
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["ticket_lines", "tickets"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
