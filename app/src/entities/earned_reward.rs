use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "earned_rewards")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub shop_id: i64,
    pub client_id: i64,
    pub reward_id: i64,
    /// `EarnedStatus`'s code.
    pub status: String,
    pub earned_at: DateTimeUtc,
    pub valid_until: Option<DateTimeUtc>,
    /// The ledger entry whose points reached the reward's cost.
    pub earning_entry_id: Option<i64>,
    pub claimed_at: Option<DateTimeUtc>,
    pub claimed_by_user_id: Option<i64>,
    /// The ledger entry that took the reward's cost.
    pub claim_entry_id: Option<i64>,
    pub revoked_at: Option<DateTimeUtc>,
    pub revoked_by_user_id: Option<i64>,
    pub revoke_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
