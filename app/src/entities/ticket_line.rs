use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ticket_lines")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub shop_id: i64,
    pub ticket_id: i64,
    pub client_id: i64,
    /// `LineKind`'s code.
    pub kind: String,
    pub label: String,
    /// The label folded for counting: case and accents removed.
    pub label_key: String,
    pub quantity: i32,
    pub unit_cents: Option<i64>,
    /// The purchase's moment.
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
