use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outgoing_mails")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub shop_id: i64,
    /// `MailKind`'s code: a campaign's message, or one the app sends by itself.
    pub kind: String,
    /// The campaign, for a campaign's message.
    pub campaign_id: Option<i64>,
    pub client_id: i64,
    /// The reward an automatic e-mail is about (earned, about to expire).
    pub earned_reward_id: Option<i64>,
    /// What the message is for (`campaign:12:client:5`): one message per purpose.
    pub dedupe_key: String,
    /// `MailStatus`'s code.
    pub status: String,
    pub queued_at: DateTimeUtc,
    /// When a sender took it to hand it to the mail server.
    pub claimed_at: Option<DateTimeUtc>,
    /// When it was sent, failed or set aside.
    pub finished_at: Option<DateTimeUtc>,
    /// The SHA-256 of the unsubscribe link's secret, made when the message is taken.
    pub unsubscribe_hash: Option<String>,
    pub error: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
