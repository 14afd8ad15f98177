//! A client's page: the file, its tags and groups, figures and consents.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::lookup::{file_ids, find_by_contact, find_in_shop, form_of, to_row};
use super::{file, labels};
use crate::entities::client;
use crate::model::audit::AuditKind;
use crate::model::auth::CurrentUser;
use crate::model::client::ClientRow;
use crate::model::client_file::ClientDetail;
use crate::model::error::AppError;
use crate::services::audit::{self, Actor, AuditRecord};
use crate::services::db::Db;
use crate::services::db_error;
use crate::services::programme::rewards::waiting_rewards;
use crate::services::time::{format_date_time, shop_zone};

pub async fn get_client(
    db: &Db,
    user: &CurrentUser,
    client_id: i64,
) -> Result<ClientDetail, AppError> {
    let zone = shop_zone(&user.time_zone);
    let model = match find_in_shop(db, user.shop_id, client_id).await {
        // A merged file answers with the file it joined: old links lead to the client.
        Err(AppError::NotFound) => {
            let merged_into = client::Entity::find_by_id(client_id)
                .filter(client::Column::ShopId.eq(user.shop_id))
                .one(db)
                .await
                .map_err(db_error)?
                .and_then(|merged| merged.merged_into_id)
                .ok_or(AppError::NotFound)?;
            find_in_shop(db, user.shop_id, merged_into).await?
        }
        found => found?,
    };
    let labels = labels::labels_of(db, user.shop_id, &[model.id]).await?;
    let ids = file_ids(db, user.shop_id, model.id).await?;
    Ok(ClientDetail {
        row: ClientRow {
            labels: labels.get(&model.id).cloned().unwrap_or_default(),
            waiting_reward: waiting_rewards(db, user.shop_id, &[model.id])
                .await?
                .remove(&model.id),
            ..to_row(&model, zone)
        },
        form: form_of(&model),
        stats: file::stats(db, &model, &ids, zone).await?,
        consents: file::consents(db, user.shop_id, &ids, zone).await?,
        created_at: format_date_time(model.created_at, zone),
    })
}

/// How a till or a website names the client it asks the REST API about.
#[derive(Debug, Clone)]
pub enum ClientKey {
    Id(i64),
    /// An e-mail address or a phone number, in any usual format.
    Contact(String),
    /// A member card's token, or its address as its QR code holds it.
    Card(String),
}

/// A client's file read by a till or a website: written down in the audit log with the key
/// that read it (the actor's source), since a lookup by phone discloses who is a client.
pub async fn read_for_api(
    db: &Db,
    actor: &Actor,
    key: &ClientKey,
) -> Result<client::Model, AppError> {
    let model = match key {
        ClientKey::Id(id) => find_in_shop(db, actor.shop_id, *id).await?,
        ClientKey::Contact(contact) => find_by_contact(db, actor.shop_id, contact).await?,
        ClientKey::Card(token) => super::card::client_of_card(db, actor.shop_id, token).await?,
    };
    // SQLite's writers take turns: the trace waits for its own, like every other write.
    let txn = db.begin_write().await?;
    audit::write(
        &txn,
        AuditRecord::by(actor, AuditKind::ApiClientRead).client(model.id),
    )
    .await?;
    txn.commit().await.map_err(db_error)?;
    Ok(model)
}
