use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// E-mails to clients who agreed. A campaign is what the owner wrote and to whom (the segment,
/// as its code); each message is one row of `outgoing_mails` — a campaign's, or one the app
/// sends by itself (`kind`) — queued, then worked through in the background: claimed
/// (`sending`) before the SMTP exchange and finished after it, so a restart never sends one
/// twice. `dedupe_key` names what the message is for (`campaign:12:client:5`,
/// `birthday:2026:client:5`), so queueing it again adds nothing. The unsubscribe link's token is
/// kept as its SHA-256 only. `mail_automations` holds the e-mails the app sends by itself once
/// the owner switches them on (welcome, birthday, reward earned, reward about to expire).
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // A consent's source may now be `unsubscribe`, longer than the 8 characters the first
        // sources needed. SQLite does not hold text to its declared length.
        if manager.get_database_backend() == sea_orm::DbBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared(
                    "ALTER TABLE consent_changes ALTER COLUMN source TYPE varchar(16)",
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table("mail_campaigns")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(big_integer("shop_id"))
                    .col(big_integer("author_user_id"))
                    .col(string_len("subject", 200))
                    .col(text("body"))
                    .col(string_len("segment", 40))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("mail_campaigns", "shop_id")
                            .to("shops", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("mail_campaigns", "author_user_id")
                            .to("users", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("mail_campaigns_shop")
                    .table("mail_campaigns")
                    .col("shop_id")
                    .col("id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("outgoing_mails")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(big_integer("shop_id"))
                    .col(string_len("kind", 24))
                    .col(big_integer_null("campaign_id"))
                    .col(big_integer("client_id"))
                    .col(big_integer_null("earned_reward_id"))
                    .col(string_len("dedupe_key", 80))
                    .col(string_len("status", 16))
                    .col(timestamp_with_time_zone("queued_at"))
                    .col(timestamp_with_time_zone_null("claimed_at"))
                    .col(timestamp_with_time_zone_null("finished_at"))
                    .col(string_len_null("unsubscribe_hash", 64))
                    .col(string_len_null("error", 300))
                    .foreign_key(
                        ForeignKey::create()
                            .from("outgoing_mails", "shop_id")
                            .to("shops", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("outgoing_mails", "campaign_id")
                            .to("mail_campaigns", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("outgoing_mails", "client_id")
                            .to("clients", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        // One message for each purpose, however often the queueing is tried.
        manager
            .create_index(
                Index::create()
                    .name("outgoing_mails_dedupe")
                    .table("outgoing_mails")
                    .col("shop_id")
                    .col("dedupe_key")
                    .unique()
                    .to_owned(),
            )
            .await?;
        // A campaign's messages, for its page.
        manager
            .create_index(
                Index::create()
                    .name("outgoing_mails_campaign")
                    .table("outgoing_mails")
                    .col("shop_id")
                    .col("campaign_id")
                    .col("id")
                    .to_owned(),
            )
            .await?;
        // The sender's "oldest queued first" across every shop.
        manager
            .create_index(
                Index::create()
                    .name("outgoing_mails_status")
                    .table("outgoing_mails")
                    .col("status")
                    .col("id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("outgoing_mails_unsubscribe")
                    .table("outgoing_mails")
                    .col("unsubscribe_hash")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("mail_automations")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(big_integer("shop_id"))
                    .col(string_len("kind", 24))
                    .col(boolean("enabled"))
                    .col(string_len("subject", 200))
                    .col(text("body"))
                    .col(big_integer("changed_by_user_id"))
                    .col(timestamp_with_time_zone("changed_at"))
                    .col(timestamp_with_time_zone_null("enabled_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("mail_automations", "shop_id")
                            .to("shops", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("mail_automations", "changed_by_user_id")
                            .to("users", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("mail_automations_kind")
                    .table("mail_automations")
                    .col("shop_id")
                    .col("kind")
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("mail_automations").to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("outgoing_mails").to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("mail_campaigns").to_owned())
            .await
    }
}
