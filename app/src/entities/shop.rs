use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "shops")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    pub time_zone: String,
    /// ISO 3166 code (`FR`): where the shop is, the country a new client lives in by default.
    pub country: String,
    pub created_at: DateTimeUtc,
    /// The platform's own home for support accounts, not a shop.
    pub is_platform: bool,
    /// The account that created the shop; no other owner may demote or disable it.
    pub founder_user_id: Option<i64>,
    /// Years a client with no visit is kept before being listed for erasure (CNIL: 3).
    pub retention_years: i32,
    /// Whether a listed client is erased by the server once the notice has passed.
    pub retention_auto_erase: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
