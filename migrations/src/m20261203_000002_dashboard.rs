use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The day figures the dashboard adds up: one row per shop and closed day, written once by the
/// hourly job (a closed day's entries, clients and rewards never change: the ledger only appends).
const FIGURES: [&str; 9] = [
    "visits",
    "paid_visits",
    "spent_cents",
    "points_issued",
    "points_used",
    "points_expired",
    "new_clients",
    "rewards_earned",
    "rewards_claimed",
];

/// Ranges the dashboard counts without reading the ledger: clients created, rewards earned,
/// claimed and falling due in a period.
const INDEXES: [(&str, &str, &str); 4] = [
    ("clients_shop_created", "clients", "created_at"),
    ("earned_rewards_shop_earned", "earned_rewards", "earned_at"),
    (
        "earned_rewards_shop_claimed",
        "earned_rewards",
        "claimed_at",
    ),
    ("earned_rewards_shop_until", "earned_rewards", "valid_until"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut table = Table::create();
        table
            .table("shop_days")
            .col(big_integer("shop_id"))
            .col(date("day"))
            .primary_key(Index::create().col("shop_id").col("day"))
            .foreign_key(
                ForeignKey::create()
                    .from("shop_days", "shop_id")
                    .to("shops", "id"),
            );
        for figure in FIGURES {
            table.col(big_integer(figure).default(0));
        }
        manager.create_table(table.to_owned()).await?;
        // The best clients of the closed days of the last 30 days and 12 months, as of a day,
        // kept by the same job: adding up a year of entries per client takes seconds.
        manager
            .create_table(
                Table::create()
                    .table("shop_best_clients")
                    .col(big_integer("shop_id"))
                    .col(string_len("period", 8))
                    .col(date("through_day"))
                    .col(big_integer("rank"))
                    .col(big_integer("client_id"))
                    .col(big_integer("visits"))
                    .col(big_integer("spent_cents"))
                    .primary_key(
                        Index::create()
                            .col("shop_id")
                            .col("period")
                            .col("through_day")
                            .col("rank"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("shop_best_clients", "shop_id")
                            .to("shops", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, table, column) in INDEXES {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(table)
                        .col("shop_id")
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        // A client's first purchase: in a period in the past, a client came back when the
        // period holds two purchases or the first one came before it.
        manager
            .alter_table(
                Table::alter()
                    .table("clients")
                    .add_column(timestamp_with_time_zone_null("first_visit_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE clients SET first_visit_at = (SELECT MIN(e.created_at) \
                 FROM ledger_entries e WHERE e.client_id = clients.id AND e.kind = 'earn')",
            )
            .await?;
        // Clients seen since a day, and how many came twice, counted from the index alone. It
        // replaces the list's index on the last visit, its first two columns: with both, SQLite
        // chose the narrower one for a short period and read every client row it found.
        manager
            .drop_index(
                Index::drop()
                    .name("clients_shop_last_visit")
                    .table("clients")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("clients_shop_seen")
                    .table("clients")
                    .col("shop_id")
                    .col("last_visit_at")
                    .col("visit_count")
                    .col("merged_into_id")
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("clients_shop_seen")
                    .table("clients")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("clients_shop_last_visit")
                    .table("clients")
                    .col("shop_id")
                    .col("last_visit_at")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("clients")
                    .drop_column("first_visit_at")
                    .to_owned(),
            )
            .await?;
        for (name, table, _) in INDEXES {
            manager
                .drop_index(Index::drop().name(name).table(table).to_owned())
                .await?;
        }
        manager
            .drop_table(Table::drop().table("shop_best_clients").to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("shop_days").to_owned())
            .await
    }
}
