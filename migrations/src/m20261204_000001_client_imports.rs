use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A client list the owner uploads: the file as read (UTF-8), the columns' fields, and how far
/// its rows went. A batch of rows and the row count after it commit together, so an import
/// that stopped (a crash, a restart) goes on from the last batch and never writes a row twice.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("client_imports")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(big_integer("shop_id"))
                    .col(big_integer("author_user_id"))
                    .col(string_len("file_name", 200))
                    .col(text("content"))
                    .col(string_len("delimiter", 1))
                    .col(text("mapping"))
                    .col(string_len("status", 16))
                    .col(big_integer("rows_total"))
                    .col(big_integer("rows_done"))
                    .col(big_integer("created_count"))
                    .col(big_integer("merged_count"))
                    .col(big_integer("skipped_count"))
                    .col(big_integer("refused_count"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("started_at"))
                    .col(timestamp_with_time_zone_null("finished_at"))
                    // A server working on the import holds it until then, renewed each batch.
                    .col(timestamp_with_time_zone_null("held_until"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("client_imports", "shop_id")
                            .to("shops", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("client_imports_shop")
                    .table("client_imports")
                    .col("shop_id")
                    .col("id")
                    .to_owned(),
            )
            .await?;
        // The rows an import refused and why, for the owner's download.
        manager
            .create_table(
                Table::create()
                    .table("client_import_refusals")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(big_integer("shop_id"))
                    .col(big_integer("import_id"))
                    .col(big_integer("line"))
                    .col(text("reasons"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("client_import_refusals", "import_id")
                            .to("client_imports", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("client_import_refusals_import")
                    .table("client_import_refusals")
                    .col("import_id")
                    .col("line")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("client_import_refusals").to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("client_imports").to_owned())
            .await
    }
}
