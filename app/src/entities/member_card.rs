use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "member_cards")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub shop_id: i64,
    pub client_id: i64,
    /// What the card's QR code and printed text carry (`model::cards`).
    pub token: String,
    pub issued_at: DateTimeUtc,
    pub issued_by_user_id: i64,
    /// Set when a new card replaced this one; its token is then refused.
    pub replaced_at: Option<DateTimeUtc>,
    pub replaced_by_user_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
