use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The programme's points expiry (`PointsExpiry` as JSON); null: points never expire.
        manager
            .alter_table(
                Table::alter()
                    .table("programmes")
                    .add_column(string_len_null("points_expiry", 200))
                    .to_owned(),
            )
            .await?;
        // The hourly job looks for waiting rewards past their validity.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE INDEX earned_rewards_open_until ON earned_rewards (valid_until) \
                 WHERE status = 'earned'",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP INDEX earned_rewards_open_until")
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("programmes")
                    .drop_column("points_expiry")
                    .to_owned(),
            )
            .await
    }
}
