use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A shop's country, and each client's: a border shop's clients live on both sides of the
/// border, and their postal codes and phone numbers follow their own country's rules.
const TABLES: [&str; 2] = ["shops", "clients"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(string_len("country", 2).default("FR"))
                        .to_owned(),
                )
                .await?;
        }
        // The longest written codes are eight characters (`SW1A 1AA`, `1000-001`). SQLite
        // keeps text of any length and cannot alter a column's type.
        if manager.get_database_backend() != sea_orm::DatabaseBackend::Sqlite {
            manager
                .alter_table(
                    Table::alter()
                        .table("clients")
                        .modify_column(string_len_null("postal_code", 10))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .drop_column("country")
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
