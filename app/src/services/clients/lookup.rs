//! Finding a client's file: by id in the shop, by e-mail or phone, the rows the pages show. A
//! leaf: it depends on no other domain module, so every other one may use it.

use chrono::Utc;
use chrono_tz::Tz;
use sea_orm::sea_query::{Expr, PostgresQueryBuilder, SqliteQueryBuilder};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, QueryTrait, Select, Statement,
};

use crate::entities::client;
use crate::model::client::{Civility, ClientForm, ClientRow, display_name};
use crate::model::country::Country;
use crate::model::error::{AppError, FieldProblem};
use crate::model::phone::{display_phone, normalize_phone};
use crate::services::time::format_date;
use crate::services::{db_error, shop_check};

pub(crate) fn to_row(model: &client::Model, zone: Tz) -> ClientRow {
    ClientRow {
        id: model.id,
        civility: Civility::from_code(&model.civility).unwrap_or(Civility::Unspecified),
        first_name: model.first_name.clone(),
        last_name: model.last_name.clone(),
        email: model.email.clone(),
        phone: model.phone.as_deref().map(display_phone),
        postal_code: model.postal_code.clone(),
        city: model.city.clone(),
        country: Country::from_stored(&model.country),
        points_balance: model.points_balance,
        credit_cents: model.credit_cents,
        last_visit: model.last_visit_at.map(|moment| format_date(moment, zone)),
        labels: Vec::new(),
        waiting_reward: None,
    }
}

/// A stored client as the edit form shows it: every field text, the phone in its shown form.
pub(crate) fn form_of(model: &client::Model) -> ClientForm {
    ClientForm {
        civility: model.civility.clone(),
        first_name: model.first_name.clone(),
        last_name: model.last_name.clone(),
        email: model.email.clone(),
        phone: model
            .phone
            .as_deref()
            .map(display_phone)
            .unwrap_or_default(),
        address: model.address.clone().unwrap_or_default(),
        postal_code: model.postal_code.clone().unwrap_or_default(),
        city: model.city.clone().unwrap_or_default(),
        country: model.country.clone(),
        birth_date: model
            .birth_date
            .map(|date| date.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        note: model.note.clone().unwrap_or_default(),
    }
}

/// The client's name as pages show it, from the stored row.
pub(crate) fn name_of(model: &client::Model) -> String {
    let phone = model.phone.as_deref().map(display_phone);
    display_name(
        &model.first_name,
        &model.last_name,
        &model.email,
        phone.as_deref(),
    )
}

/// The shop's clients that are still files of their own: not merged into another, not erased.
pub(crate) fn active_clients(shop_id: i64) -> Select<client::Entity> {
    client::Entity::find()
        .filter(client::Column::ShopId.eq(shop_id))
        .filter(client::Column::MergedIntoId.is_null())
        .filter(client::Column::ErasedAt.is_null())
}

/// Marks the clients changed now, so till devices take their new tags or card
/// (`changes::client_changes`); a change of their file or balance sets it itself.
pub(crate) async fn touch(
    db: &impl ConnectionTrait,
    shop_id: i64,
    client_ids: impl IntoIterator<Item = i64>,
) -> Result<(), AppError> {
    client::Entity::update_many()
        .col_expr(client::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(client::Column::ShopId.eq(shop_id))
        .filter(client::Column::Id.is_in(client_ids))
        .exec(db)
        .await
        .map_err(db_error)?;
    Ok(())
}

/// How many clients `find` finds, counting no further than `cap`: the index stops there.
pub(crate) async fn count_at_most(
    db: &impl ConnectionTrait,
    find: Select<client::Entity>,
    cap: u64,
) -> Result<u64, AppError> {
    #[derive(Debug, FromQueryResult)]
    struct Count {
        total: i64,
    }
    let counted = find
        .select_only()
        .column(client::Column::Id)
        .limit(cap)
        .into_query();
    let backend = db.get_database_backend();
    let (sql, values) = match backend {
        DbBackend::Postgres => counted.build(PostgresQueryBuilder),
        _ => counted.build(SqliteQueryBuilder),
    };
    let count = Statement::from_sql_and_values(
        backend,
        format!("SELECT COUNT(*) AS total FROM ({sql}) AS capped"),
        values,
    );
    let total = Count::find_by_statement(count)
        .one(db)
        .await
        .map_err(db_error)?
        .map_or(0, |count| count.total);
    Ok(u64::try_from(total).unwrap_or(0))
}

/// A client of the user's shop; any other shop's client is "not found", never "forbidden", so
/// ids reveal nothing. A merged or erased file is not found either.
pub(crate) async fn find_in_shop(
    db: &impl ConnectionTrait,
    shop_id: i64,
    client_id: i64,
) -> Result<client::Model, AppError> {
    active_clients(shop_id)
        .filter(client::Column::Id.eq(client_id))
        .one(db)
        .await
        .map_err(db_error)?
        .ok_or(AppError::NotFound)
}

/// The client's own id and those of the files merged into it: their ledger entries, notes and
/// consents are the client's history too.
pub(crate) async fn file_ids(
    db: &impl ConnectionTrait,
    shop_id: i64,
    client_id: i64,
) -> Result<Vec<i64>, AppError> {
    let mut ids: Vec<i64> = client::Entity::find()
        .select_only()
        .column(client::Column::Id)
        .filter(shop_check(db, client::Column::ShopId, shop_id))
        .filter(client::Column::MergedIntoId.eq(client_id))
        .into_tuple()
        .all(db)
        .await
        .map_err(db_error)?;
    ids.push(client_id);
    Ok(ids)
}

/// Longest contact the till may type: an e-mail address at most.
const MAX_CONTACT_CHARS: usize = 254;

/// The one client of the shop with this e-mail address or phone number, typed in any usual
/// format. Several clients sharing it is an answer too: the till must then find them by name.
pub(crate) async fn find_by_contact(
    db: &impl ConnectionTrait,
    shop_id: i64,
    contact: &str,
) -> Result<client::Model, AppError> {
    let contact = contact.trim();
    let invalid = |problem| Err(AppError::invalid("contact", problem));
    if contact.is_empty() {
        return invalid(FieldProblem::Required);
    }
    if contact.chars().count() > MAX_CONTACT_CHARS || contact.chars().any(char::is_control) {
        return invalid(FieldProblem::InvalidContact);
    }
    let same_contact = if contact.contains('@') {
        client::Column::Email.eq(contact.to_lowercase())
    } else {
        match normalize_phone(contact) {
            Ok(phone) => client::Column::Phone.eq(phone),
            Err(_) => return invalid(FieldProblem::InvalidContact),
        }
    };
    let sharing = active_clients(shop_id).filter(same_contact);
    let mut found = sharing
        .clone()
        .order_by_asc(client::Column::Id)
        .limit(2)
        .all(db)
        .await
        .map_err(db_error)?;
    match found.len() {
        0 => invalid(FieldProblem::NoClientWithContact),
        1 => Ok(found.remove(0)),
        _ => invalid(FieldProblem::SeveralClientsWithContact {
            count: sharing.count(db).await.map_err(db_error)?,
        }),
    }
}
