use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The clients list sorts by points and by last visit as fast as by name.
const SORT_INDEXES: [(&str, &str); 2] = [
    ("clients_shop_points", "points_balance"),
    ("clients_shop_last_visit", "last_visit_at"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Tags anyone adds on a client's page and groups the owner creates: one table, told apart
        // by `kind`. `key` is the normalised name, unique per shop and kind, so typing `vip`
        // finds `VIP` and the list never holds near-duplicates.
        manager
            .create_table(
                Table::create()
                    .table("labels")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(big_integer("shop_id"))
                    .col(string_len("kind", 8))
                    .col(string_len("name", 40))
                    .col(string_len("key", 40))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("labels", "shop_id")
                            .to("shops", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("labels_shop_kind_key")
                    .table("labels")
                    .col("shop_id")
                    .col("kind")
                    .col("key")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("client_labels")
                    .if_not_exists()
                    .col(big_integer("client_id"))
                    .col(big_integer("label_id"))
                    .col(big_integer("shop_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .primary_key(Index::create().col("client_id").col("label_id"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("client_labels", "client_id")
                            .to("clients", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("client_labels", "label_id")
                            .to("labels", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        // The list filtered by a tag or a group reads its clients from here.
        manager
            .create_index(
                Index::create()
                    .name("client_labels_label")
                    .table("client_labels")
                    .col("label_id")
                    .col("client_id")
                    .to_owned(),
            )
            .await?;
        for (name, column) in SORT_INDEXES {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table("clients")
                        .col("shop_id")
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, _) in SORT_INDEXES {
            manager
                .drop_index(Index::drop().name(name).table("clients").to_owned())
                .await?;
        }
        manager
            .drop_table(Table::drop().table("client_labels").to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("labels").to_owned())
            .await
    }
}
