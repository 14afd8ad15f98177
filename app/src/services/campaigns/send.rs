//! The sender: queued messages, oldest first across every shop, each taken (`sending`) in its
//! own statement before the mail server sees it and finished after, so two servers never send
//! one message and a restart never sends one twice: a message left `sending` by a server that
//! stopped is marked failed once `SENDING_HOLD` has passed, not sent again. The client's consent
//! is read when the message is taken, not when the campaign was queued.

use std::time::Duration as Pause;

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::consent::client_consents;
use super::values_for;
use crate::entities::{
    client, earned_reward, mail_automation, mail_campaign, outgoing_mail, reward, shop,
};
use crate::model::campaigns::{MailKind, MailStatus, fill};
use crate::model::error::AppError;
use crate::model::rewards::EarnedStatus;
use crate::model::routes;
use crate::services::accounts::tokens::{hash_secret, new_secret};
use crate::services::db::Db;
use crate::services::db_error;
use crate::services::mail::{MailText, Mailer, OutgoingMail, texts};
use crate::services::shop_check;
use crate::services::time::{format_date, shop_zone};

/// How long a taken message may wait for its mail server's answer before it counts as lost.
pub const SENDING_HOLD: Duration = Duration::minutes(10);
/// The longest error kept on a failed message.
const ERROR_MAX_CHARS: usize = 300;

/// What one round of the sender did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SendReport {
    pub sent: usize,
    pub failed: usize,
    pub unsubscribed: usize,
    pub skipped: usize,
    /// Messages a stopped server had taken, now marked failed.
    pub interrupted: usize,
}

impl SendReport {
    pub fn handled(&self) -> usize {
        self.sent + self.failed + self.unsubscribed + self.skipped
    }
}

/// How fast the sender goes: at most `batch` messages a round, `pause` between two (the mail
/// server's rate), and the address the unsubscribe links open.
#[derive(Debug, Clone)]
pub struct Sending {
    pub public_url: String,
    pub batch: u64,
    pub pause: Pause,
}

/// Sends up to `batch` queued messages, oldest first, after marking the lost ones failed.
pub async fn send_queued(
    db: &Db,
    mailer: &Mailer,
    sending: &Sending,
) -> Result<SendReport, AppError> {
    let now = Utc::now();
    let mut report = SendReport {
        interrupted: fail_interrupted(db, now).await?,
        ..SendReport::default()
    };
    // Across shops on purpose: the sender serves every shop's queue (SCALING.md).
    let queued: Vec<(i64, i64)> = outgoing_mail::Entity::find()
        .select_only()
        .column(outgoing_mail::Column::ShopId)
        .column(outgoing_mail::Column::Id)
        .filter(outgoing_mail::Column::Status.eq(MailStatus::Queued.code()))
        .order_by_asc(outgoing_mail::Column::Id)
        .limit(sending.batch)
        .into_tuple()
        .all(db)
        .await
        .map_err(db_error)?;
    for (index, (shop_id, mail_id)) in queued.into_iter().enumerate() {
        if index > 0 && !sending.pause.is_zero() {
            tokio::time::sleep(sending.pause).await;
        }
        let secret = new_secret();
        if !take(db, shop_id, mail_id, &hash_secret(&secret)).await? {
            continue; // another server took it
        }
        let (status, error) = deliver(db, mailer, sending, shop_id, mail_id, &secret).await?;
        finish(db, shop_id, mail_id, status, error).await?;
        match status {
            MailStatus::Sent => report.sent += 1,
            MailStatus::Unsubscribed => report.unsubscribed += 1,
            MailStatus::Skipped => report.skipped += 1,
            _ => report.failed += 1,
        }
    }
    Ok(report)
}

/// Marks `sending` messages taken longer ago than `SENDING_HOLD` as failed: their server
/// stopped mid-way, and whether the mail server got them is unknown, so they are not sent again.
async fn fail_interrupted(db: &Db, now: DateTime<Utc>) -> Result<usize, AppError> {
    let lost = outgoing_mail::Entity::update_many()
        .col_expr(
            outgoing_mail::Column::Status,
            Expr::value(MailStatus::Failed.code()),
        )
        .col_expr(outgoing_mail::Column::FinishedAt, Expr::value(now))
        .col_expr(
            outgoing_mail::Column::Error,
            Expr::value("interrupted: the server stopped while sending; not sent again"),
        )
        .filter(outgoing_mail::Column::Status.eq(MailStatus::Sending.code()))
        .filter(outgoing_mail::Column::ClaimedAt.lt(now - SENDING_HOLD))
        .exec(db)
        .await
        .map_err(db_error)?;
    Ok(usize::try_from(lost.rows_affected).unwrap_or(usize::MAX))
}

/// Takes a queued message for this server, with its unsubscribe secret's hash.
async fn take(db: &Db, shop_id: i64, mail_id: i64, hash: &str) -> Result<bool, AppError> {
    let taken = outgoing_mail::Entity::update_many()
        .col_expr(
            outgoing_mail::Column::Status,
            Expr::value(MailStatus::Sending.code()),
        )
        .col_expr(outgoing_mail::Column::ClaimedAt, Expr::value(Utc::now()))
        .col_expr(outgoing_mail::Column::UnsubscribeHash, Expr::value(hash))
        .filter(outgoing_mail::Column::Id.eq(mail_id))
        .filter(shop_check(db, outgoing_mail::Column::ShopId, shop_id))
        .filter(outgoing_mail::Column::Status.eq(MailStatus::Queued.code()))
        .exec(db)
        .await
        .map_err(db_error)?;
    Ok(taken.rows_affected == 1)
}

async fn finish(
    db: &Db,
    shop_id: i64,
    mail_id: i64,
    status: MailStatus,
    error: Option<String>,
) -> Result<(), AppError> {
    outgoing_mail::Entity::update_many()
        .col_expr(outgoing_mail::Column::Status, Expr::value(status.code()))
        .col_expr(outgoing_mail::Column::FinishedAt, Expr::value(Utc::now()))
        .col_expr(outgoing_mail::Column::Error, Expr::value(error))
        .filter(outgoing_mail::Column::Id.eq(mail_id))
        .filter(shop_check(db, outgoing_mail::Column::ShopId, shop_id))
        .filter(outgoing_mail::Column::Status.eq(MailStatus::Sending.code()))
        .exec(db)
        .await
        .map_err(db_error)?;
    Ok(())
}

/// The subject and text a message is written from: its campaign's, or the shop's automatic
/// e-mail's while it is switched on.
async fn template_of(
    db: &Db,
    message: &outgoing_mail::Model,
) -> Result<Option<(String, String)>, AppError> {
    let shop_id = message.shop_id;
    let kind = MailKind::from_code(&message.kind);
    Ok(match (kind, message.campaign_id) {
        (Some(MailKind::Campaign), Some(campaign_id)) => {
            mail_campaign::Entity::find_by_id(campaign_id)
                .filter(shop_check(db, mail_campaign::Column::ShopId, shop_id))
                .one(db)
                .await
                .map_err(db_error)?
                .map(|campaign| (campaign.subject, campaign.body))
        }
        (Some(kind), None) if kind.is_automatic() => mail_automation::Entity::find()
            .filter(mail_automation::Column::ShopId.eq(shop_id))
            .filter(mail_automation::Column::Kind.eq(kind.code()))
            .filter(mail_automation::Column::Enabled.eq(true))
            .one(db)
            .await
            .map_err(db_error)?
            .map(|automation| (automation.subject, automation.body)),
        _ => None,
    })
}

/// The name and last moment of an earned reward still waiting to be claimed.
async fn waiting_reward(
    db: &Db,
    shop_id: i64,
    earned_id: i64,
) -> Result<Option<(String, Option<DateTime<Utc>>)>, AppError> {
    let Some(earned) = earned_reward::Entity::find_by_id(earned_id)
        .filter(shop_check(db, earned_reward::Column::ShopId, shop_id))
        .filter(earned_reward::Column::Status.eq(EarnedStatus::Earned.code()))
        .one(db)
        .await
        .map_err(db_error)?
    else {
        return Ok(None);
    };
    let name = reward::Entity::find_by_id(earned.reward_id)
        .filter(shop_check(db, reward::Column::ShopId, shop_id))
        .one(db)
        .await
        .map_err(db_error)?
        .map(|reward| reward.name);
    Ok(name.map(|name| (name, earned.valid_until)))
}

/// Reads the message's text, client and consent now, and hands it to the mail server.
async fn deliver(
    db: &Db,
    mailer: &Mailer,
    sending: &Sending,
    shop_id: i64,
    mail_id: i64,
    secret: &str,
) -> Result<(MailStatus, Option<String>), AppError> {
    let Some(message) = outgoing_mail::Entity::find_by_id(mail_id)
        .filter(shop_check(db, outgoing_mail::Column::ShopId, shop_id))
        .one(db)
        .await
        .map_err(db_error)?
    else {
        return Ok((MailStatus::Skipped, None));
    };
    let template = template_of(db, &message).await?;
    let recipient = client::Entity::find_by_id(message.client_id)
        .filter(shop_check(db, client::Column::ShopId, shop_id))
        .one(db)
        .await
        .map_err(db_error)?;
    let shop = shop::Entity::find_by_id(shop_id)
        .one(db)
        .await
        .map_err(db_error)?;
    let (Some((subject, body)), Some(recipient), Some(shop)) = (template, recipient, shop) else {
        return Ok((MailStatus::Skipped, None));
    };
    let live = recipient.merged_into_id.is_none()
        && recipient.erased_at.is_none()
        && !recipient.email.is_empty();
    if !live {
        return Ok((MailStatus::Skipped, None));
    }
    // Liveness and the address are checked just above: only the answers remain to read.
    if !client_consents(db, shop_id, recipient.id).await? {
        return Ok((MailStatus::Unsubscribed, None));
    }
    let mut values = values_for(&recipient, &shop.name);
    if let Some(earned_id) = message.earned_reward_id {
        // A reward claimed, revoked or expired since is no longer worth an e-mail.
        let Some((reward, valid_until)) = waiting_reward(db, shop_id, earned_id).await? else {
            return Ok((MailStatus::Skipped, None));
        };
        values.reward = reward;
        values.valid_until = valid_until
            .map(|at| format_date(at, shop_zone(&shop.time_zone)))
            .unwrap_or_else(|| "aucune".to_owned());
    }
    let link = routes::unsubscribe_link(&sending.public_url, shop_id, secret);
    let text = MailText {
        subject: fill(&subject, &values),
        body: format!(
            "{}{}",
            fill(&body, &values),
            texts::campaign_footer(&shop.name, &link)
        ),
    };
    let one_click = routes::one_click_unsubscribe_link(&sending.public_url, shop_id, secret);
    let sent = mailer
        .send(OutgoingMail {
            to: &recipient.email,
            text,
            from_name: Some(&shop.name),
            list_unsubscribe: Some(&one_click),
        })
        .await;
    Ok(match sent {
        Ok(()) => (MailStatus::Sent, None),
        Err(error) => {
            tracing::warn!(%error, mail_id, shop_id, "a campaign e-mail was not sent");
            let error: String = error.to_string().chars().take(ERROR_MAX_CHARS).collect();
            (MailStatus::Failed, Some(error))
        }
    })
}
