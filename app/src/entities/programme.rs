use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "programmes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub shop_id: i64,
    pub name: String,
    /// `ProgrammeKind`'s code, the same as the rule's.
    pub kind: String,
    /// The `EarningRule`, as JSON.
    pub rule: String,
    pub starts_on: Date,
    pub ends_on: Option<Date>,
    pub suspended_at: Option<DateTimeUtc>,
    /// Set once the programme is ended; it is then kept for the record only.
    pub ended_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    /// The `PointsExpiry`, as JSON; none: points never expire.
    pub points_expiry: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
