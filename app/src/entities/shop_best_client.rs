use sea_orm::entity::prelude::*;

/// One of the best clients of a period's closed days, kept by the hourly job.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "shop_best_clients")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub shop_id: i64,
    /// `PeriodChoice`'s code.
    #[sea_orm(primary_key, auto_increment = false)]
    pub period: String,
    /// The last closed day counted.
    #[sea_orm(primary_key, auto_increment = false)]
    pub through_day: Date,
    /// 0 for the best.
    #[sea_orm(primary_key, auto_increment = false)]
    pub rank: i64,
    pub client_id: i64,
    pub visits: i64,
    pub spent_cents: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
