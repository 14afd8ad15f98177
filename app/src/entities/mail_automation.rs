use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mail_automations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub shop_id: i64,
    /// `MailKind`'s code, one of the automatic ones.
    pub kind: String,
    pub enabled: bool,
    pub subject: String,
    pub body: String,
    /// Who last changed it: the author an unsubscribe from its e-mails is written under.
    pub changed_by_user_id: i64,
    pub changed_at: DateTimeUtc,
    /// When it was last switched on: only what happens after is written about.
    pub enabled_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
