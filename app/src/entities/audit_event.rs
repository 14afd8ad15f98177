use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub shop_id: Option<i64>,
    pub user_id: Option<i64>,
    pub occurred_at: DateTimeUtc,
    pub kind: String,
    pub source: String,
    pub client_id: Option<i64>,
    pub entry_id: Option<i64>,
    pub detail: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
