use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Notes staff write on a client's page, with their author and time.
        manager
            .create_table(
                Table::create()
                    .table("client_notes")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(big_integer("shop_id"))
                    .col(big_integer("client_id"))
                    .col(big_integer("author_user_id"))
                    .col(text("body"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("client_notes", "shop_id")
                            .to("shops", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("client_notes", "client_id")
                            .to("clients", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("client_notes", "author_user_id")
                            .to("users", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("client_notes_client")
                    .table("client_notes")
                    .col("client_id")
                    .col("id")
                    .to_owned(),
            )
            .await?;
        // Every opt-in and opt-out, e-mail or SMS: the latest row per channel is the client's
        // consent now, the others are the proof of what was asked and when.
        manager
            .create_table(
                Table::create()
                    .table("consent_changes")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(big_integer("shop_id"))
                    .col(big_integer("client_id"))
                    .col(string_len("channel", 8))
                    .col(boolean("granted"))
                    .col(string_len("source", 8))
                    .col(big_integer("author_user_id"))
                    .col(timestamp_with_time_zone("changed_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("consent_changes", "shop_id")
                            .to("shops", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("consent_changes", "client_id")
                            .to("clients", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("consent_changes", "author_user_id")
                            .to("users", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("consent_changes_client")
                    .table("consent_changes")
                    .col("client_id")
                    .col("id")
                    .to_owned(),
            )
            .await?;
        // A client's page reads the edits of that client from the audit log.
        manager
            .create_index(
                Index::create()
                    .name("audit_events_client")
                    .table("audit_events")
                    .col("client_id")
                    .col("id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("audit_events_client")
                    .table("audit_events")
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table("consent_changes").to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("client_notes").to_owned())
            .await
    }
}
