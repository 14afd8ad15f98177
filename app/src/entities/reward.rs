use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rewards")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub shop_id: i64,
    pub name: String,
    /// `RewardKind`'s code.
    pub kind: String,
    /// Cents off, or a percentage, as the kind says.
    pub value: Option<i64>,
    pub cost: i64,
    pub validity_days: Option<i64>,
    pub created_at: DateTimeUtc,
    /// Set once retired: no longer earned, kept for the rewards already earned.
    pub retired_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
