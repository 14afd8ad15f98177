use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The account that created the shop: no other owner may demote or disable it. Null only
        // for the platform's home, which support accounts share.
        manager
            .alter_table(
                Table::alter()
                    .table("shops")
                    .add_column(big_integer_null("founder_user_id"))
                    .to_owned(),
            )
            .await?;
        // Shops created before this change: their earliest owner founded them.
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE shops SET founder_user_id = (\
                     SELECT u.id FROM users u \
                     WHERE u.shop_id = shops.id AND u.role = 'owner' \
                     ORDER BY u.created_at, u.id LIMIT 1)",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("shops")
                    .drop_column("founder_user_id")
                    .to_owned(),
            )
            .await
    }
}
