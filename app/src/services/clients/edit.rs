//! Creating and editing a client's file: the full form, quick enrolment, a shared phone, the
//! search terms kept beside each file, and every change in the audit log.

use std::collections::BTreeSet;

use chrono::Utc;
use chrono_tz::Tz;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, Set,
};

use super::lookup::{active_clients, find_in_shop, to_row};
use crate::entities::{client, client_search_term};
use crate::model::audit::AuditKind;
use crate::model::client::{
    Civility, ClientForm, ClientRow, EnrolForm, SharedContact, ValidClient,
};
use crate::model::country::Country;
use crate::model::error::{AppError, ExistingClient};
use crate::model::search::{self as terms, Searched};
use crate::services::audit::{self, Actor, AuditRecord};
use crate::services::db::Db;
use crate::services::time::{shop_zone, today};
use crate::services::{db_error, shop_check, update_in_shop};

/// Every word a search may start with for this client (`model::search`'s rule).
pub fn search_terms(client: &ValidClient) -> BTreeSet<String> {
    terms::search_terms(Searched {
        first_name: &client.first_name,
        last_name: &client.last_name,
        email: &client.email,
        phone: client.phone.as_deref(),
        postal_code: client.postal_code.as_deref(),
        city: client.city.as_deref(),
    })
}

pub(crate) async fn replace_search_terms(
    db: &impl ConnectionTrait,
    shop_id: i64,
    client_id: i64,
    client: &ValidClient,
) -> Result<(), AppError> {
    client_search_term::Entity::delete_many()
        .filter(shop_check(db, client_search_term::Column::ShopId, shop_id))
        .filter(client_search_term::Column::ClientId.eq(client_id))
        .exec(db)
        .await
        .map_err(db_error)?;
    let rows = search_terms(client)
        .into_iter()
        .map(|term| client_search_term::ActiveModel {
            shop_id: Set(shop_id),
            term: Set(term),
            client_id: Set(client_id),
        });
    client_search_term::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await
        .map_err(db_error)?;
    Ok(())
}

pub(crate) fn apply(model: &mut client::ActiveModel, client: &ValidClient) {
    model.civility = Set(client.civility.code().to_owned());
    model.first_name = Set(client.first_name.clone());
    model.last_name = Set(client.last_name.clone());
    model.email = Set(client.email.clone());
    model.phone = Set(client.phone.clone());
    model.address = Set(client.address.clone());
    model.postal_code = Set(client.postal_code.clone());
    model.city = Set(client.city.clone());
    model.country = Set(client.country.code().to_owned());
    model.birth_date = Set(client.birth_date);
    model.note = Set(client.note.clone());
    model.updated_at = Set(Utc::now());
}

/// The names of the fields an edit changes: the audit log says what changed, not to what.
fn changed_fields(before: &client::Model, after: &ValidClient) -> Vec<&'static str> {
    let checks = [
        ("civility", before.civility != after.civility.code()),
        ("first_name", before.first_name != after.first_name),
        ("last_name", before.last_name != after.last_name),
        ("email", before.email != after.email),
        ("phone", before.phone != after.phone),
        ("address", before.address != after.address),
        ("postal_code", before.postal_code != after.postal_code),
        ("city", before.city != after.city),
        ("country", before.country != after.country.code()),
        ("birth_date", before.birth_date != after.birth_date),
        ("note", before.note != after.note),
    ];
    checks
        .into_iter()
        .filter_map(|(name, changed)| changed.then_some(name))
        .collect()
}

/// Whether a new client may have the phone number of an existing one: a family's landline,
/// once the till has seen the existing client and confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SharedPhone {
    Refuse,
    Allow,
}

pub async fn create_client(
    db: &Db,
    user: &Actor,
    form: &ClientForm,
    shared_phone: SharedPhone,
) -> Result<ClientRow, AppError> {
    let valid = form.validate(today(shop_zone(&user.time_zone)), user.country)?;
    insert_client(db, user, &valid, shared_phone).await
}

/// Enrols a client at the till with a phone number (and maybe a first name); the file is
/// completed later.
pub async fn enrol_client(
    db: &Db,
    user: &Actor,
    form: &EnrolForm,
    shared_phone: SharedPhone,
) -> Result<ClientRow, AppError> {
    let valid = form.validate(user.country)?;
    insert_client(db, user, &valid, shared_phone).await
}

async fn insert_client(
    db: &Db,
    user: &Actor,
    valid: &ValidClient,
    shared_phone: SharedPhone,
) -> Result<ClientRow, AppError> {
    let zone = shop_zone(&user.time_zone);
    let txn = db.begin_write().await?;
    refuse_duplicate(&txn, user.shop_id, None, valid, shared_phone, zone).await?;
    let mut model = client::ActiveModel {
        shop_id: Set(user.shop_id),
        points_balance: Set(0),
        visit_count: Set(0),
        last_visit_at: Set(None),
        created_at: Set(Utc::now()),
        ..Default::default()
    };
    apply(&mut model, valid);
    let created = model.insert(&txn).await.map_err(db_error)?;
    replace_search_terms(&txn, user.shop_id, created.id, valid).await?;
    audit::write(
        &txn,
        AuditRecord::by(user, AuditKind::ClientCreated).client(created.id),
    )
    .await?;
    txn.commit().await.map_err(db_error)?;
    Ok(to_row(&created, zone))
}

/// Refuses a second file for the same person: another client of the shop (other than
/// `except`) with this e-mail, or with this phone unless sharing it was confirmed. The error
/// carries that client, so the page can offer it instead.
async fn refuse_duplicate(
    db: &impl ConnectionTrait,
    shop_id: i64,
    except: Option<i64>,
    client: &ValidClient,
    shared_phone: SharedPhone,
    zone: Tz,
) -> Result<(), AppError> {
    let mut checks = Vec::new();
    if !client.email.is_empty() {
        checks.push((
            SharedContact::Email,
            client::Column::Email.eq(client.email.clone()),
        ));
    }
    if let (Some(phone), SharedPhone::Refuse) = (&client.phone, shared_phone) {
        checks.push((
            SharedContact::Phone,
            client::Column::Phone.eq(phone.clone()),
        ));
    }
    for (by, same_contact) in checks {
        let mut query = active_clients(shop_id).filter(same_contact);
        if let Some(except) = except {
            query = query.filter(client::Column::Id.ne(except));
        }
        let existing = query
            .order_by_asc(client::Column::Id)
            .one(db)
            .await
            .map_err(db_error)?;
        if let Some(existing) = existing {
            let row = to_row(&existing, zone);
            return Err(AppError::DuplicateClient {
                existing: ExistingClient {
                    id: row.id,
                    name: row.full_name(),
                    points_balance: row.points_balance,
                },
                by,
            });
        }
    }
    Ok(())
}

pub async fn update_client(
    db: &Db,
    user: &Actor,
    client_id: i64,
    form: &ClientForm,
) -> Result<ClientRow, AppError> {
    let zone = shop_zone(&user.time_zone);
    let valid = form.validate(today(zone), user.country)?;
    let txn = db.begin_write().await?;
    let existing = find_in_shop(&txn, user.shop_id, client_id).await?;
    // A phone may be shared on edit (the file is already there); an e-mail may not.
    refuse_duplicate(
        &txn,
        user.shop_id,
        Some(client_id),
        &valid,
        SharedPhone::Allow,
        zone,
    )
    .await?;
    let updated = save_edit(&txn, user, existing, &valid).await?;
    txn.commit().await.map_err(db_error)?;
    Ok(to_row(&updated, zone))
}

/// Removes a phone number the client no longer has: search and the till stop finding the
/// client by it, and the number is free for whoever has it now.
pub async fn unlink_phone(db: &Db, user: &Actor, client_id: i64) -> Result<ClientRow, AppError> {
    let zone = shop_zone(&user.time_zone);
    let txn = db.begin_write().await?;
    let existing = find_in_shop(&txn, user.shop_id, client_id).await?;
    if existing.phone.is_none() {
        return Ok(to_row(&existing, zone));
    }
    let without_phone = ValidClient {
        phone: None,
        ..as_saved(&existing)
    };
    let updated = save_edit(&txn, user, existing, &without_phone).await?;
    txn.commit().await.map_err(db_error)?;
    Ok(to_row(&updated, zone))
}

/// A stored client as the rules see it, to change one field and save it again.
pub(crate) fn as_saved(model: &client::Model) -> ValidClient {
    ValidClient {
        civility: Civility::from_code(&model.civility).unwrap_or(Civility::Unspecified),
        first_name: model.first_name.clone(),
        last_name: model.last_name.clone(),
        email: model.email.clone(),
        phone: model.phone.clone(),
        address: model.address.clone(),
        postal_code: model.postal_code.clone(),
        city: model.city.clone(),
        country: Country::from_stored(&model.country),
        birth_date: model.birth_date,
        note: model.note.clone(),
    }
}

/// Saves an edited client with its search terms and the names of the changed fields in the
/// audit log, inside the caller's transaction.
pub(crate) async fn save_edit(
    txn: &DatabaseTransaction,
    user: &Actor,
    existing: client::Model,
    edited: &ValidClient,
) -> Result<client::Model, AppError> {
    let client_id = existing.id;
    let changed = changed_fields(&existing, edited).join(", ");
    let mut model: client::ActiveModel = existing.into();
    apply(&mut model, edited);
    let updated = update_in_shop(txn, model, client::Column::ShopId, user.shop_id).await?;
    replace_search_terms(txn, user.shop_id, client_id, edited).await?;
    audit::write(
        txn,
        AuditRecord::by(user, AuditKind::ClientUpdated)
            .client(client_id)
            .detail(changed),
    )
    .await?;
    Ok(updated)
}
