use sea_orm::entity::prelude::*;

/// A closed day's figures for the dashboard, written once by the hourly job.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "shop_days")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub shop_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub day: Date,
    pub visits: i64,
    pub paid_visits: i64,
    pub spent_cents: i64,
    pub points_issued: i64,
    pub points_used: i64,
    pub points_expired: i64,
    pub new_clients: i64,
    pub rewards_earned: i64,
    pub rewards_claimed: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
