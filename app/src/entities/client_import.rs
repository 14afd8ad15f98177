use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "client_imports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub shop_id: i64,
    pub author_user_id: i64,
    pub file_name: String,
    /// The file as read, in UTF-8 (a Windows-1252 file is converted on upload).
    pub content: String,
    pub delimiter: String,
    /// Each column's `ImportField` code, separated by commas.
    pub mapping: String,
    /// `ImportStatus`'s code.
    pub status: String,
    pub rows_total: i64,
    /// Rows written so far, in file order: the next batch starts after them.
    pub rows_done: i64,
    pub created_count: i64,
    pub merged_count: i64,
    pub skipped_count: i64,
    pub refused_count: i64,
    pub created_at: DateTimeUtc,
    pub started_at: Option<DateTimeUtc>,
    pub finished_at: Option<DateTimeUtc>,
    pub held_until: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
