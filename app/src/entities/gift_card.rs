use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "gift_cards")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub shop_id: i64,
    /// Twelve characters of Crockford's base 32, without the printed prefix and dashes.
    pub code: String,
    pub initial_cents: i64,
    /// What is left to spend; the sum of the card's entries.
    pub balance_cents: i64,
    pub buyer_client_id: Option<i64>,
    pub beneficiary_client_id: Option<i64>,
    pub beneficiary_name: String,
    pub valid_until: Date,
    pub idempotency_key: String,
    pub sold_by_user_id: i64,
    pub sold_at: DateTimeUtc,
    pub cancelled_at: Option<DateTimeUtc>,
    pub cancel_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
