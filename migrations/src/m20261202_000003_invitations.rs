use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // A pending invitation, listed on the team page whether or not its address could get an
        // account here (one already signing in to another shop cannot): the list must not tell.
        manager
            .create_table(
                Table::create()
                    .table("invitations")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(big_integer("shop_id"))
                    .col(string_len("email", 254))
                    .col(string_len("display_name", 120))
                    .col(string_len("role", 16))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("invitations", "shop_id")
                            .to("shops", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("invitations_shop_email")
                    .table("invitations")
                    .col("shop_id")
                    .col("email")
                    .unique()
                    .to_owned(),
            )
            .await?;
        // Invitations sent before this change are the accounts still waiting for a password.
        manager
            .get_connection()
            .execute_unprepared(
                "INSERT INTO invitations (shop_id, email, display_name, role, created_at) \
                 SELECT shop_id, email, display_name, role, created_at FROM users \
                 WHERE password_hash = '!invited'",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("invitations").to_owned())
            .await
    }
}
