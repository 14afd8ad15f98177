use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "credit_entries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub shop_id: i64,
    pub client_id: i64,
    pub kind: String,
    /// Signed: a credit adds, a use takes away.
    pub amount_cents: i64,
    pub reason: String,
    pub reverses_entry_id: Option<i64>,
    pub idempotency_key: Option<String>,
    pub author_user_id: i64,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
