use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "clients")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub shop_id: i64,
    pub civility: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    /// ISO 3166 code (`FR`, `BE`): the postal code and the phone follow this country's rules.
    pub country: String,
    pub birth_date: Option<Date>,
    pub note: Option<String>,
    pub points_balance: i64,
    /// Store credit in euro cents, the sum of the client's credit entries.
    pub credit_cents: i64,
    pub visit_count: i64,
    pub last_visit_at: Option<DateTimeUtc>,
    /// The first purchase's moment, for the dashboard's returning clients.
    pub first_visit_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Set once this file was merged into another: that one holds the client now.
    pub merged_into_id: Option<i64>,
    /// Set once the client's identity was erased on request.
    pub erased_at: Option<DateTimeUtc>,
    /// When the owner last chose to keep this client past the shop's retention period: the
    /// period counts from the latest of this, the last visit and the file's creation.
    pub kept_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
