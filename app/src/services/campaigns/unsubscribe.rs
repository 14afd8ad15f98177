//! The link at the foot of every campaign e-mail, and its `List-Unsubscribe` twin (RFC 8058):
//! used with no session, it withdraws the client's e-mail consent, kept with source
//! "unsubscribe" like any other answer and written in the audit log.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use super::may_email;
use crate::entities::{
    client, consent_change, mail_automation, mail_campaign, outgoing_mail, shop,
};
use crate::model::audit::AuditKind;
use crate::model::campaigns::{UnsubscribeView, mask_email};
use crate::model::client_file::{ConsentChannel, ConsentSource};
use crate::model::error::AppError;
use crate::model::routes::read_unsubscribe_token;
use crate::services::accounts::tokens::hash_secret;
use crate::services::audit::{self, AuditRecord};
use crate::services::db::Db;
use crate::services::{db_error, shop_check};

/// The message a token was sent with, and the client file that holds its recipient now.
struct Reached {
    shop: shop::Model,
    message: outgoing_mail::Model,
    client: client::Model,
}

async fn reached(db: &impl ConnectionTrait, token: &str) -> Result<Reached, AppError> {
    let (shop_id, secret) = read_unsubscribe_token(token).ok_or(AppError::NotFound)?;
    let message = outgoing_mail::Entity::find()
        .filter(shop_check(db, outgoing_mail::Column::ShopId, shop_id))
        .filter(outgoing_mail::Column::UnsubscribeHash.eq(hash_secret(secret)))
        .one(db)
        .await
        .map_err(db_error)?
        .ok_or(AppError::NotFound)?;
    let shop = shop::Entity::find_by_id(shop_id)
        .one(db)
        .await
        .map_err(db_error)?
        .ok_or(AppError::NotFound)?;
    let mut client_id = message.client_id;
    // A file merged since the message left: the client is the file it went into (a merge
    // moves a file's merged ones along, so one step is the rule; a few more cost nothing).
    for _ in 0..MERGE_STEPS {
        let client = client::Entity::find_by_id(client_id)
            .filter(shop_check(db, client::Column::ShopId, shop_id))
            .one(db)
            .await
            .map_err(db_error)?
            .ok_or(AppError::NotFound)?;
        match client.merged_into_id {
            Some(survivor) if survivor != client.id => client_id = survivor,
            _ => {
                return Ok(Reached {
                    shop,
                    message,
                    client,
                });
            }
        }
    }
    Err(AppError::NotFound)
}

/// Merges followed from a message's recipient to the file that holds the client now.
const MERGE_STEPS: usize = 8;

/// Consent answers name a team member; an unsubscribe is the client's own, written under the
/// member who sent the message (the campaign's author, or who last set the automatic e-mail),
/// with its source saying who really gave it.
async fn sender_of(
    db: &impl ConnectionTrait,
    message: &outgoing_mail::Model,
) -> Result<i64, AppError> {
    let shop_id = message.shop_id;
    let sender = match message.campaign_id {
        Some(campaign_id) => mail_campaign::Entity::find_by_id(campaign_id)
            .filter(shop_check(db, mail_campaign::Column::ShopId, shop_id))
            .one(db)
            .await
            .map_err(db_error)?
            .map(|campaign| campaign.author_user_id),
        None => mail_automation::Entity::find()
            .filter(mail_automation::Column::ShopId.eq(shop_id))
            .filter(mail_automation::Column::Kind.eq(&message.kind))
            .one(db)
            .await
            .map_err(db_error)?
            .map(|automation| automation.changed_by_user_id),
    };
    sender.ok_or(AppError::NotFound)
}

async fn view_of(
    db: &impl ConnectionTrait,
    reached: &Reached,
) -> Result<UnsubscribeView, AppError> {
    let subscribed = reached.client.erased_at.is_none()
        && may_email(db, reached.shop.id, reached.client.id).await?;
    Ok(UnsubscribeView {
        shop_name: reached.shop.name.clone(),
        masked_email: mask_email(&reached.client.email),
        subscribed,
    })
}

/// What the page shows before the client confirms; an unknown token is "not found".
pub async fn unsubscribe_view(db: &Db, token: &str) -> Result<UnsubscribeView, AppError> {
    let reached = reached(db, token).await?;
    view_of(db, &reached).await
}

/// Withdraws the client's e-mail consent; a client who withdrew it already is left as is.
/// `address` is the caller's, for the audit log.
pub async fn unsubscribe(db: &Db, token: &str, address: &str) -> Result<UnsubscribeView, AppError> {
    let txn = db.begin_write().await?;
    let reached = reached(&txn, token).await?;
    let before = view_of(&txn, &reached).await?;
    if !before.subscribed {
        return Ok(before);
    }
    let author_user_id = sender_of(&txn, &reached.message).await?;
    consent_change::ActiveModel {
        shop_id: Set(reached.shop.id),
        client_id: Set(reached.client.id),
        channel: Set(ConsentChannel::Email.code().to_owned()),
        granted: Set(false),
        source: Set(ConsentSource::Unsubscribe.code().to_owned()),
        author_user_id: Set(author_user_id),
        changed_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(db_error)?;
    let source = format!("unsubscribe link {address}");
    audit::write(
        &txn,
        AuditRecord {
            kind: AuditKind::ConsentChanged,
            shop_id: Some(reached.shop.id),
            user_id: None,
            source: &source,
            client_id: Some(reached.client.id),
            entry_id: None,
            detail: format!(
                "email withdrawn (unsubscribe, message {})",
                reached.message.id
            ),
        },
    )
    .await?;
    let after = view_of(&txn, &reached).await?;
    txn.commit().await.map_err(db_error)?;
    Ok(after)
}
