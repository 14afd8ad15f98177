//! The programme's terms: the owner publishes a version, never changed after; the latest one is
//! in force. Whether a client accepted it is the client file's (`clients::terms`).

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::entities::programme_terms;
use crate::model::audit::AuditKind;
use crate::model::auth::CurrentUser;
use crate::model::error::{AppError, FieldProblem};
use crate::model::terms::{TermsForm, TermsView};
use crate::services::audit::{self, Actor, AuditRecord};
use crate::services::db::Db;
use crate::services::time::{format_date_time, shop_zone};
use crate::services::{db_error, display_names, owner_only, shop_check, unique_or_db_error};

/// The version in force, if the shop published terms.
pub(crate) async fn latest(
    db: &impl ConnectionTrait,
    shop_id: i64,
) -> Result<Option<programme_terms::Model>, AppError> {
    programme_terms::Entity::find()
        .filter(shop_check(db, programme_terms::Column::ShopId, shop_id))
        .order_by_desc(programme_terms::Column::Version)
        .one(db)
        .await
        .map_err(db_error)
}

async fn shown(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    terms: programme_terms::Model,
) -> Result<TermsView, AppError> {
    let names = display_names(db, [terms.published_by_user_id]).await?;
    Ok(TermsView {
        version: terms.version,
        published_at: format_date_time(terms.published_at, shop_zone(&user.time_zone)),
        published_by: names
            .get(&terms.published_by_user_id)
            .cloned()
            .unwrap_or_default(),
        body: terms.body,
    })
}

/// The terms in force, for anyone of the shop (staff show them to a client).
pub async fn current_terms(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
) -> Result<Option<TermsView>, AppError> {
    match latest(db, user.shop_id).await? {
        Some(terms) => Ok(Some(shown(db, user, terms).await?)),
        None => Ok(None),
    }
}

/// Publishes a new version: clients who accepted an older one are asked again.
pub async fn publish_terms(
    db: &Db,
    actor: &Actor,
    form: &TermsForm,
) -> Result<TermsView, AppError> {
    owner_only(actor)?;
    let body = form.validate()?;
    let txn = db.begin_write().await?;
    let version = latest(&txn, actor.shop_id)
        .await?
        .map_or(1, |terms| terms.version + 1);
    let published = programme_terms::ActiveModel {
        shop_id: Set(actor.shop_id),
        version: Set(version),
        body: Set(body),
        published_at: Set(Utc::now()),
        published_by_user_id: Set(actor.user_id),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|error| {
        // Another owner published this version an instant before.
        unique_or_db_error(error, AppError::invalid("body", FieldProblem::TermsChanged))
    })?;
    audit::write(
        &txn,
        AuditRecord::by(actor, AuditKind::TermsPublished).detail(format!("version {version}")),
    )
    .await?;
    txn.commit().await.map_err(db_error)?;
    shown(db, actor, published).await
}
