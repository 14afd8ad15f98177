use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mail_campaigns")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub shop_id: i64,
    pub author_user_id: i64,
    pub subject: String,
    /// The text as written, with its `{fields}`: each message fills them when it leaves.
    pub body: String,
    /// The `Segment`'s code: `all`, `label:12`, `lapsed:90`.
    pub segment: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
