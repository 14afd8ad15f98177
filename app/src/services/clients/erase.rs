//! Erasing a client's identity: what support does when a client or the shop asks, and what the
//! shop's retention rule does to a client gone for years (CNIL). Names, contact details, notes,
//! technical sheets, member cards, acceptances of the terms, consents, tags and groups are
//! removed (from the files merged into it too), a tag or group nobody else carries goes with
//! them, and the audit rows about the client lose their detail (tag names, consent answers). The ledger keeps its entries and amounts, so the shop's figures
//! stay right; the audit log says who erased which file and why — as a code, never as free text.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set};

use super::lookup::{active_clients, file_ids};
use crate::entities::{
    audit_event, client, client_label, client_note, client_search_term, consent_change, gift_card,
    label, member_card, technical_sheet, terms_acceptance,
};
use crate::model::audit::AuditKind;
use crate::model::client::Civility;
use crate::model::error::AppError;
use crate::services::audit::{self, AuditRecord};
use crate::services::{db_error, shop_check, update_in_shop};

/// Deletes a shop's rows of these files of one client from `E`'s table.
async fn delete_of_files<E: EntityTrait>(
    txn: &impl ConnectionTrait,
    shop_column: E::Column,
    client_column: E::Column,
    shop_id: i64,
    file_ids: &[i64],
) -> Result<(), AppError> {
    E::delete_many()
        .filter(shop_check(txn, shop_column, shop_id))
        .filter(client_column.is_in(file_ids.iter().copied()))
        .exec(txn)
        .await
        .map_err(db_error)?;
    Ok(())
}

/// Erases the shop's active client `client_id` inside `txn` (the caller commits), writing
/// `record` (its kind and detail; the client is set here) beside the change.
pub(crate) async fn erase_in_transaction(
    txn: &impl ConnectionTrait,
    shop_id: i64,
    client_id: i64,
    record: AuditRecord<'_>,
) -> Result<(), AppError> {
    let erased = active_clients(shop_id)
        .filter(client::Column::Id.eq(client_id))
        .one(txn)
        .await
        .map_err(db_error)?
        .ok_or(AppError::NotFound)?;
    let now = Utc::now();
    let ids = file_ids(txn, shop_id, erased.id).await?;
    for file_id in &ids {
        let file = client::Entity::find_by_id(*file_id)
            .filter(client::Column::ShopId.eq(shop_id))
            .one(txn)
            .await
            .map_err(db_error)?
            .ok_or(AppError::NotFound)?;
        let mut anonymous: client::ActiveModel = file.into();
        anonymous.civility = Set(Civility::Unspecified.code().to_owned());
        anonymous.first_name = Set(String::new());
        anonymous.last_name = Set(String::new());
        anonymous.email = Set(String::new());
        anonymous.phone = Set(None);
        anonymous.address = Set(None);
        anonymous.postal_code = Set(None);
        anonymous.city = Set(None);
        anonymous.birth_date = Set(None);
        anonymous.note = Set(None);
        anonymous.erased_at = Set(Some(now));
        anonymous.updated_at = Set(now);
        update_in_shop(txn, anonymous, client::Column::ShopId, shop_id).await?;
    }
    client_search_term::Entity::delete_many()
        .filter(shop_check(txn, client_search_term::Column::ShopId, shop_id))
        .filter(client_search_term::Column::ClientId.is_in(ids.clone()))
        .exec(txn)
        .await
        .map_err(db_error)?;
    client_note::Entity::delete_many()
        .filter(client_note::Column::ShopId.eq(shop_id))
        .filter(client_note::Column::ClientId.is_in(ids.clone()))
        .exec(txn)
        .await
        .map_err(db_error)?;
    consent_change::Entity::delete_many()
        .filter(consent_change::Column::ShopId.eq(shop_id))
        .filter(consent_change::Column::ClientId.is_in(ids.clone()))
        .exec(txn)
        .await
        .map_err(db_error)?;
    // A card must not lead to an erased client; sheets and acceptances are the client's data.
    delete_of_files::<member_card::Entity>(
        txn,
        member_card::Column::ShopId,
        member_card::Column::ClientId,
        shop_id,
        &ids,
    )
    .await?;
    delete_of_files::<technical_sheet::Entity>(
        txn,
        technical_sheet::Column::ShopId,
        technical_sheet::Column::ClientId,
        shop_id,
        &ids,
    )
    .await?;
    delete_of_files::<terms_acceptance::Entity>(
        txn,
        terms_acceptance::Column::ShopId,
        terms_acceptance::Column::ClientId,
        shop_id,
        &ids,
    )
    .await?;
    // A gift card for the client keeps its amount and its code, not the name written on it.
    gift_card::Entity::update_many()
        .col_expr(gift_card::Column::BeneficiaryName, Expr::value(""))
        .filter(shop_check(txn, gift_card::Column::ShopId, shop_id))
        .filter(gift_card::Column::BeneficiaryClientId.is_in(ids.clone()))
        .exec(txn)
        .await
        .map_err(db_error)?;
    let label_ids: Vec<i64> = client_label::Entity::find()
        .select_only()
        .column(client_label::Column::LabelId)
        .filter(client_label::Column::ShopId.eq(shop_id))
        .filter(client_label::Column::ClientId.is_in(ids.clone()))
        .distinct()
        .into_tuple()
        .all(txn)
        .await
        .map_err(db_error)?;
    client_label::Entity::delete_many()
        .filter(client_label::Column::ShopId.eq(shop_id))
        .filter(client_label::Column::ClientId.is_in(ids.clone()))
        .exec(txn)
        .await
        .map_err(db_error)?;
    forget_labels_nobody_carries(txn, shop_id, label_ids).await?;
    // The database lets an audit row be blanked, never rewritten (see the migration).
    audit_event::Entity::update_many()
        .col_expr(audit_event::Column::Detail, Expr::value(""))
        .filter(shop_check(txn, audit_event::Column::ShopId, shop_id))
        .filter(audit_event::Column::ClientId.is_in(ids))
        .filter(audit_event::Column::Detail.ne(""))
        .exec(txn)
        .await
        .map_err(db_error)?;
    audit::write(txn, record.client(erased.id)).await
}

/// A tag or group that only the erased client carried says something about that client (a tag
/// like "Allergie arachides"): it goes, and so does its name in the audit log of the group's
/// creation. Labels other clients carry stay, as the shop's own words.
async fn forget_labels_nobody_carries(
    db: &impl ConnectionTrait,
    shop_id: i64,
    label_ids: Vec<i64>,
) -> Result<(), AppError> {
    if label_ids.is_empty() {
        return Ok(());
    }
    let still_carried: Vec<i64> = client_label::Entity::find()
        .select_only()
        .column(client_label::Column::LabelId)
        .filter(client_label::Column::ShopId.eq(shop_id))
        .filter(client_label::Column::LabelId.is_in(label_ids.clone()))
        .distinct()
        .into_tuple()
        .all(db)
        .await
        .map_err(db_error)?;
    let forgotten = label::Entity::find()
        .filter(label::Column::ShopId.eq(shop_id))
        .filter(label::Column::Id.is_in(label_ids))
        .filter(label::Column::Id.is_not_in(still_carried))
        .all(db)
        .await
        .map_err(db_error)?;
    for label in forgotten {
        label::Entity::delete_by_id(label.id)
            .filter(label::Column::ShopId.eq(shop_id))
            .exec(db)
            .await
            .map_err(db_error)?;
        audit_event::Entity::update_many()
            .col_expr(audit_event::Column::Detail, Expr::value(""))
            .filter(audit_event::Column::ShopId.eq(shop_id))
            .filter(audit_event::Column::Kind.is_in([
                AuditKind::GroupCreated.code(),
                AuditKind::GroupDeleted.code(),
            ]))
            .filter(audit_event::Column::Detail.eq(label.name.as_str()))
            .exec(db)
            .await
            .map_err(db_error)?;
    }
    Ok(())
}
