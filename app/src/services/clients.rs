//! The shop's client list: create, edit, read and type-ahead search. There is no delete.

use std::collections::BTreeSet;

use chrono::Utc;
use chrono_tz::Tz;
use sea_orm::sea_query::{NullOrdering, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbBackend, EntityTrait,
    FromQueryResult, Order, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
    Select, Set, Statement, Value,
};

use super::audit::{self, Actor, AuditRecord};
use super::db::Db;
use super::text::{normalize, prefix_upper_bound, words};
use super::time::{format_date, format_date_time, shop_zone, today};
use super::{client_file, db_error, labels};
use crate::entities::{client, client_label, client_search_term};
use crate::model::audit::AuditKind;
use crate::model::auth::CurrentUser;
use crate::model::client::{
    Civility, ClientDetail, ClientForm, ClientQuery, ClientRow, ClientSearchPage, ClientSort,
    EnrolForm, SEARCH_COUNT_CAP, SEARCH_PAGE_SIZE, SharedContact, ValidClient, display_name,
};
use crate::model::error::{AppError, FieldProblem};
use crate::model::labels::LabelKind;
use crate::model::phone::{display_phone, national_digits, normalize_phone, phone_query_digits};

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
        points_balance: model.points_balance,
        last_visit: model.last_visit_at.map(|moment| format_date(moment, zone)),
        labels: Vec::new(),
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
    client_id: i64,
) -> Result<Vec<i64>, AppError> {
    let mut ids: Vec<i64> = client::Entity::find()
        .select_only()
        .column(client::Column::Id)
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

/// Every word a search may start with for this client.
pub fn search_terms(client: &ValidClient) -> BTreeSet<String> {
    let mut terms = BTreeSet::new();
    for text in [
        Some(&client.first_name),
        Some(&client.last_name),
        client.city.as_ref(),
    ]
    .into_iter()
    .flatten()
    {
        let normalized = normalize(text);
        terms.extend(
            normalized
                .split(' ')
                .filter(|w| !w.is_empty())
                .map(str::to_owned),
        );
        // "Le Gall" is also found as "legall".
        if normalized.contains(' ') {
            terms.insert(normalized.replace(' ', ""));
        }
    }
    terms.extend(words(&client.email));
    terms.insert(client.email.clone());
    if let Some(postal_code) = &client.postal_code {
        terms.insert(postal_code.clone());
    }
    if let Some(phone) = &client.phone {
        // National digits make "starts with 06" work; foreign numbers keep their + form.
        terms.insert(national_digits(phone).unwrap_or_else(|| phone.clone()));
    }
    terms.retain(|term| !term.is_empty() && term.len() <= 254);
    terms
}

pub(crate) async fn replace_search_terms(
    db: &impl ConnectionTrait,
    shop_id: i64,
    client_id: i64,
    client: &ValidClient,
) -> Result<(), AppError> {
    client_search_term::Entity::delete_many()
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

fn apply(model: &mut client::ActiveModel, client: &ValidClient) {
    model.civility = Set(client.civility.code().to_owned());
    model.first_name = Set(client.first_name.clone());
    model.last_name = Set(client.last_name.clone());
    model.email = Set(client.email.clone());
    model.phone = Set(client.phone.clone());
    model.address = Set(client.address.clone());
    model.postal_code = Set(client.postal_code.clone());
    model.city = Set(client.city.clone());
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
    let valid = form.validate(today(shop_zone(&user.time_zone)))?;
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
    let valid = form.validate()?;
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
            return Err(AppError::DuplicateClient {
                existing: Box::new(to_row(&existing, zone)),
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
    let valid = form.validate(today(zone))?;
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
    let updated = model.update(txn).await.map_err(db_error)?;
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
    let labels = labels::labels_of(db, &[model.id]).await?;
    let ids = file_ids(db, model.id).await?;
    Ok(ClientDetail {
        row: ClientRow {
            labels: labels.get(&model.id).cloned().unwrap_or_default(),
            ..to_row(&model, zone)
        },
        form: form_of(&model),
        stats: client_file::stats(db, &model, &ids, zone).await?,
        consents: client_file::consents(db, &ids, zone).await?,
        created_at: format_date_time(model.created_at, zone),
    })
}

#[derive(Debug, FromQueryResult)]
struct MatchedId {
    client_id: i64,
}

#[derive(Debug, FromQueryResult)]
struct Count {
    total: i64,
}

#[derive(Debug, FromQueryResult)]
struct MatchCount {
    total: i64,
    scanned: i64,
}

/// A client may have several terms starting with the same prefix. Term rows are fetched with a
/// margin and de-duplicated here: `SELECT DISTINCT … LIMIT` would make PostgreSQL visit every
/// match of a short prefix before stopping.
const TERM_ROWS_PER_CLIENT: u64 = 4;

/// The SQL that finds term rows of clients having, for each searched prefix, a term starting
/// with it, and each of the labels; the first prefix drives an index range scan, the rest is
/// checked per candidate.
fn matching_terms_sql(
    shop_id: i64,
    prefixes: &[String],
    label_ids: &[i64],
    limit: u64,
) -> (String, Vec<Value>) {
    let mut values: Vec<Value> = vec![shop_id.into()];
    let mut sql =
        String::from("SELECT t.client_id FROM client_search_terms t WHERE t.shop_id = $1");
    for (index, prefix) in prefixes.iter().enumerate() {
        let lower = values.len() + 1;
        let upper = lower + 1;
        values.push(prefix.clone().into());
        values.push(prefix_upper_bound(prefix).into());
        if index == 0 {
            sql.push_str(&format!(" AND t.term >= ${lower} AND t.term < ${upper}"));
        } else {
            sql.push_str(&format!(
                " AND EXISTS (SELECT 1 FROM client_search_terms o WHERE o.client_id = t.client_id \
                 AND o.term >= ${lower} AND o.term < ${upper})"
            ));
        }
    }
    for label_id in label_ids {
        values.push((*label_id).into());
        sql.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM client_labels l WHERE l.client_id = t.client_id \
             AND l.label_id = ${})",
            values.len()
        ));
    }
    sql.push_str(&format!(" LIMIT {limit}"));
    (sql, values)
}

/// The two statements behind a search: the term rows of the first page, and the capped count.
pub struct SearchStatements {
    pub page_terms: Statement,
    pub count: Statement,
    /// Term rows the count looks at; reaching it means "more than we counted".
    pub count_limit: u64,
}

/// `label_ids` keeps clients carrying every one of them. Sorted by name, the page is the first
/// clients found; sorted otherwise, it is the best of every client counted.
pub fn search_statements(
    backend: DbBackend,
    shop_id: i64,
    prefixes: &[String],
    label_ids: &[i64],
    sort: ClientSort,
) -> SearchStatements {
    // The count reads at most one row per client it may report: when it stops there the page says
    // "more than N", which stays true even if some clients matched through several words.
    let count_limit = SEARCH_COUNT_CAP + 1;
    let page_limit = match sort {
        ClientSort::Name => SEARCH_PAGE_SIZE * TERM_ROWS_PER_CLIENT,
        ClientSort::Points | ClientSort::LastVisit => count_limit,
    };
    let (sql, values) = matching_terms_sql(shop_id, prefixes, label_ids, page_limit);
    let page_terms = Statement::from_sql_and_values(backend, sql, values);
    let (sql, values) = matching_terms_sql(shop_id, prefixes, label_ids, count_limit);
    let count = Statement::from_sql_and_values(
        backend,
        format!(
            "SELECT COUNT(DISTINCT client_id) AS total, COUNT(*) AS scanned FROM ({sql}) AS matches"
        ),
        values,
    );
    SearchStatements {
        page_terms,
        count,
        count_limit,
    }
}

/// Distinct client ids in the order the terms were found, at most `limit`.
pub fn distinct_ids(term_rows: impl IntoIterator<Item = i64>, limit: usize) -> Vec<i64> {
    let mut seen = std::collections::HashSet::new();
    term_rows
        .into_iter()
        .filter(|id| seen.insert(*id))
        .take(limit)
        .collect()
}

/// The first page of distinct client ids, in the order the terms were found.
pub fn first_page_ids(term_rows: impl IntoIterator<Item = i64>) -> Vec<i64> {
    distinct_ids(term_rows, SEARCH_PAGE_SIZE as usize)
}

/// What the search box's text asks for: one phone/postal-code prefix, or word prefixes with the
/// longest (most selective) first.
pub fn search_prefixes(query: &str) -> Vec<String> {
    if let Some(digits) = phone_query_digits(query) {
        return vec![digits];
    }
    let mut prefixes = words(query);
    prefixes.sort_by_key(|prefix| std::cmp::Reverse(prefix.len()));
    prefixes
}

fn in_order(find: Select<client::Entity>, sort: ClientSort) -> Select<client::Entity> {
    let find = match sort {
        ClientSort::Name => find,
        ClientSort::Points => find.order_by_desc(client::Column::PointsBalance),
        ClientSort::LastVisit => {
            find.order_by_with_nulls(client::Column::LastVisitAt, Order::Desc, NullOrdering::Last)
        }
    };
    find.order_by_asc(client::Column::LastName)
        .order_by_asc(client::Column::FirstName)
        .order_by_asc(client::Column::Id)
}

fn with_label(find: Select<client::Entity>, label_id: i64) -> Select<client::Entity> {
    find.filter(
        client::Column::Id.in_subquery(
            Query::select()
                .column(client_label::Column::ClientId)
                .from(client_label::Entity)
                .and_where(client_label::Column::LabelId.eq(label_id))
                .to_owned(),
        ),
    )
}

/// The type-ahead search of the till: text only, by name.
pub async fn search_clients(
    db: &Db,
    user: &CurrentUser,
    text: &str,
) -> Result<ClientSearchPage, AppError> {
    let query = ClientQuery {
        text: text.to_owned(),
        ..ClientQuery::default()
    };
    list_clients(db, user, &query).await
}

/// The clients list: searched, filtered by tag and group, sorted; 50 rows with their labels
/// and a count that stops at 1,000.
pub async fn list_clients(
    db: &Db,
    user: &CurrentUser,
    query: &ClientQuery,
) -> Result<ClientSearchPage, AppError> {
    labels::check_filter(db, user, LabelKind::Tag, query.tag).await?;
    labels::check_filter(db, user, LabelKind::Group, query.group).await?;
    let label_ids: Vec<i64> = [query.tag, query.group].into_iter().flatten().collect();
    let zone = shop_zone(&user.time_zone);
    let backend = db.get_database_backend();
    let prefixes = search_prefixes(&query.text);
    let (rows, total, capped) = if prefixes.is_empty() {
        let mut find = active_clients(user.shop_id);
        for label_id in &label_ids {
            find = with_label(find, *label_id);
        }
        let rows = in_order(find.clone(), query.sort)
            .limit(SEARCH_PAGE_SIZE)
            .all(db)
            .await
            .map_err(db_error)?;
        let counted = find
            .select_only()
            .column(client::Column::Id)
            .limit(SEARCH_COUNT_CAP + 1)
            .into_query();
        let (sql, values) = match backend {
            DbBackend::Postgres => counted.build(sea_orm::sea_query::PostgresQueryBuilder),
            _ => counted.build(sea_orm::sea_query::SqliteQueryBuilder),
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
        let total = u64::try_from(total).unwrap_or(0);
        (rows, total, total > SEARCH_COUNT_CAP)
    } else {
        let statements =
            search_statements(backend, user.shop_id, &prefixes, &label_ids, query.sort);
        let term_rows = MatchedId::find_by_statement(statements.page_terms)
            .all(db)
            .await
            .map_err(db_error)?;
        let term_rows = term_rows.into_iter().map(|matched| matched.client_id);
        let ids = match query.sort {
            ClientSort::Name => first_page_ids(term_rows),
            ClientSort::Points | ClientSort::LastVisit => distinct_ids(term_rows, usize::MAX),
        };
        let rows = if ids.is_empty() {
            Vec::new()
        } else {
            in_order(
                client::Entity::find().filter(client::Column::Id.is_in(ids)),
                query.sort,
            )
            .limit(SEARCH_PAGE_SIZE)
            .all(db)
            .await
            .map_err(db_error)?
        };
        let counted = MatchCount::find_by_statement(statements.count)
            .one(db)
            .await
            .map_err(db_error)?;
        let (total, scanned) = counted.map_or((0, 0), |counted| {
            (
                u64::try_from(counted.total).unwrap_or(0),
                u64::try_from(counted.scanned).unwrap_or(0),
            )
        });
        (
            rows,
            total,
            total > SEARCH_COUNT_CAP || scanned >= statements.count_limit,
        )
    };
    let ids: Vec<i64> = rows.iter().map(|model| model.id).collect();
    let mut labels = labels::labels_of(db, &ids).await?;
    Ok(ClientSearchPage {
        rows: rows
            .iter()
            .map(|model| ClientRow {
                labels: labels.remove(&model.id).unwrap_or_default(),
                ..to_row(model, zone)
            })
            .collect(),
        total: total.min(SEARCH_COUNT_CAP),
        capped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::audit_event;
    use crate::services::test_support::{TestShop, client_form};

    #[tokio::test]
    async fn a_new_client_appears_in_the_list_with_zero_points() {
        let shop = TestShop::new().await;
        let row = shop.client("Hélène", "Dupont").await;
        assert_eq!(row.points_balance, 0);
        assert_eq!(row.last_visit, None);
        let page = search_clients(&shop.db, &shop.owner, "")
            .await
            .expect("search");
        assert_eq!(page.total, 1);
        assert_eq!(page.rows, vec![row]);
    }

    #[tokio::test]
    async fn search_ignores_case_and_accents_both_ways() {
        let shop = TestShop::new().await;
        shop.client("Hélène", "Dupont").await;
        shop.client("Œdipe", "Cœurdelion").await;
        for (query, expected) in [
            ("helene", "Hélène"),
            ("HÉLÈ", "Hélène"),
            ("oedi", "Œdipe"),
            ("coeur", "Œdipe"),
            ("dup hel", "Hélène"),
        ] {
            let page = search_clients(&shop.db, &shop.owner, query)
                .await
                .expect("search");
            assert_eq!(
                page.rows
                    .iter()
                    .map(|row| row.first_name.as_str())
                    .collect::<Vec<_>>(),
                vec![expected],
                "{query}"
            );
        }
    }

    #[tokio::test]
    async fn search_finds_phone_by_digits_in_any_format() {
        let shop = TestShop::new().await;
        let mut form = client_form("Jean-Pierre", "Martin");
        form.phone = "06 12 34 56 78".into();
        create_client(&shop.db, &shop.owner, &form, SharedPhone::Refuse)
            .await
            .expect("created");
        let mut other = client_form("Anne", "Petit");
        other.phone = "07 98 76 54 32".into();
        create_client(&shop.db, &shop.owner, &other, SharedPhone::Refuse)
            .await
            .expect("created");
        for query in [
            "06",
            "06 12",
            "+33 6 12",
            "06.12",
            "0612345678",
            "+33612345678",
        ] {
            let page = search_clients(&shop.db, &shop.owner, query)
                .await
                .expect("search");
            assert_eq!(page.rows.len(), 1, "{query}");
            assert_eq!(page.rows[0].phone.as_deref(), Some("06 12 34 56 78"));
        }
        assert_eq!(
            search_clients(&shop.db, &shop.owner, "06 13")
                .await
                .expect("search")
                .total,
            0
        );
    }

    #[tokio::test]
    async fn search_matches_city_postal_code_email_and_hyphenated_names() {
        let shop = TestShop::new().await;
        let mut form = client_form("Jean-Pierre", "L'Hôte");
        form.city = "Lyon".into();
        form.postal_code = "69003".into();
        form.email = "jp.lhote@exemple.fr".into();
        create_client(&shop.db, &shop.owner, &form, SharedPhone::Refuse)
            .await
            .expect("created");
        for query in [
            "lyon",
            "6900",
            "69003",
            "jp.lhote",
            "exemple",
            "pierre",
            "jean pierre",
            "hote",
            "lhote",
        ] {
            assert_eq!(
                search_clients(&shop.db, &shop.owner, query)
                    .await
                    .expect("search")
                    .total,
                1,
                "{query}"
            );
        }
        assert_eq!(
            search_clients(&shop.db, &shop.owner, "paris")
                .await
                .expect("search")
                .total,
            0
        );
    }

    #[tokio::test]
    async fn a_second_file_for_the_same_email_or_phone_offers_the_first() {
        let shop = TestShop::new().await;
        let with_phone = |first_name: &str, phone: &str| ClientForm {
            phone: phone.into(),
            ..client_form(first_name, "Morel")
        };
        let lea = create_client(
            &shop.db,
            &shop.owner,
            &with_phone("Lea", "06 12 34 56 78"),
            SharedPhone::Refuse,
        )
        .await
        .expect("first");
        let duplicate = |answer: Result<ClientRow, AppError>| match answer {
            Err(AppError::DuplicateClient { existing, by }) => Some((existing.id, by)),
            _ => None,
        };
        // Same e-mail (same name, so same address in this fixture), no phone.
        let again = create_client(
            &shop.db,
            &shop.owner,
            &client_form("Lea", "Morel"),
            SharedPhone::Allow,
        )
        .await;
        assert_eq!(duplicate(again), Some((lea.id, SharedContact::Email)));
        // Same phone, another person: offered first, created once confirmed.
        let paul = with_phone("Paul", "+33 6 12 34 56 78");
        let offered = create_client(&shop.db, &shop.owner, &paul, SharedPhone::Refuse).await;
        assert_eq!(duplicate(offered), Some((lea.id, SharedContact::Phone)));
        let paul = create_client(&shop.db, &shop.owner, &paul, SharedPhone::Allow)
            .await
            .expect("confirmed");
        // At the till, a known phone offers the file too.
        let enrol = |phone: &str| EnrolForm {
            phone: phone.into(),
            first_name: String::new(),
        };
        let offered = enrol_client(
            &shop.db,
            &shop.owner,
            &enrol("0612345678"),
            SharedPhone::Refuse,
        )
        .await;
        assert_eq!(duplicate(offered), Some((lea.id, SharedContact::Phone)));
        // A new phone enrols a file named by its number until it is completed.
        let enrolled = enrol_client(
            &shop.db,
            &shop.owner,
            &enrol("07 11 22 33 44"),
            SharedPhone::Refuse,
        )
        .await
        .expect("enrolled");
        assert_eq!(enrolled.full_name(), "07 11 22 33 44");
        assert_eq!(enrolled.email, "");
        let found = search_clients(&shop.db, &shop.owner, "0711")
            .await
            .expect("search");
        assert_eq!(found.total, 1);
        // An edit may not take another client's e-mail.
        let taking_email = ClientForm {
            email: lea.email.clone(),
            ..with_phone("Paul", "06 12 34 56 78")
        };
        let refused = update_client(&shop.db, &shop.owner, paul.id, &taking_email).await;
        assert_eq!(duplicate(refused), Some((lea.id, SharedContact::Email)));
    }

    #[tokio::test]
    async fn an_unlinked_phone_no_longer_finds_the_client() {
        let shop = TestShop::new().await;
        let form = ClientForm {
            phone: "06 12 34 56 78".into(),
            city: "Lyon".into(),
            ..client_form("Marie", "Curie")
        };
        let row = create_client(&shop.db, &shop.owner, &form, SharedPhone::Refuse)
            .await
            .expect("created");
        let search_total = |query: &'static str| {
            let shop = shop.clone();
            async move {
                search_clients(&shop.db, &shop.owner, query)
                    .await
                    .expect("search")
                    .total
            }
        };
        assert_eq!(search_total("0612").await, 1);
        let unlinked = unlink_phone(&shop.db, &shop.owner, row.id)
            .await
            .expect("unlinked");
        assert_eq!(unlinked.phone, None);
        assert_eq!(search_total("0612").await, 0);
        assert_eq!(search_total("lyon").await, 1, "the rest is kept");
        assert_eq!(
            find_by_contact(&shop.db, shop.owner.shop_id, "0612345678").await,
            Err(AppError::invalid(
                "contact",
                FieldProblem::NoClientWithContact
            ))
        );
        let edits = audit_event::Entity::find()
            .filter(audit_event::Column::ClientId.eq(row.id))
            .filter(audit_event::Column::Kind.eq(AuditKind::ClientUpdated.code()))
            .all(&shop.db)
            .await
            .expect("audit");
        assert_eq!(
            edits
                .iter()
                .map(|edit| edit.detail.as_str())
                .collect::<Vec<_>>(),
            ["phone"]
        );
        // Unlinking again changes nothing and writes nothing.
        unlink_phone(&shop.db, &shop.owner, row.id)
            .await
            .expect("again");
        let stranger = shop.other_shop().await;
        assert_eq!(
            unlink_phone(&shop.db, &stranger, row.id).await,
            Err(AppError::NotFound)
        );
    }

    #[tokio::test]
    async fn edits_replace_what_search_finds() {
        let shop = TestShop::new().await;
        let row = shop.client("Marie", "Curie").await;
        let mut form = client_form("Marie", "Sklodowska");
        form.note = "Préfère le pain de seigle".into();
        update_client(&shop.db, &shop.owner, row.id, &form)
            .await
            .expect("updated");
        assert_eq!(
            search_clients(&shop.db, &shop.owner, "curie")
                .await
                .expect("search")
                .total,
            0
        );
        assert_eq!(
            search_clients(&shop.db, &shop.owner, "sklo")
                .await
                .expect("search")
                .total,
            1
        );
        let detail = get_client(&shop.db, &shop.owner, row.id)
            .await
            .expect("detail");
        assert_eq!(detail.form.note, "Préfère le pain de seigle");
    }

    #[tokio::test]
    async fn invalid_forms_save_nothing() {
        let shop = TestShop::new().await;
        let row = shop.client("Marie", "Curie").await;
        let mut bad = client_form("Marie", "Curie");
        bad.email = "nope".into();
        let error = update_client(&shop.db, &shop.owner, row.id, &bad)
            .await
            .expect_err("invalid");
        assert_eq!(
            error.field_errors().and_then(|e| e.get("email")),
            Some(&FieldProblem::InvalidEmail)
        );
        let detail = get_client(&shop.db, &shop.owner, row.id)
            .await
            .expect("detail");
        assert_eq!(detail.row.email, row.email);
        assert!(
            create_client(&shop.db, &shop.owner, &bad, SharedPhone::Refuse)
                .await
                .is_err()
        );
        assert_eq!(
            search_clients(&shop.db, &shop.owner, "")
                .await
                .expect("search")
                .total,
            1
        );
    }

    #[tokio::test]
    async fn another_shops_clients_are_invisible() {
        let shop = TestShop::new().await;
        let other = shop.other_shop().await;
        let row = shop.client("Marie", "Curie").await;
        assert_eq!(
            get_client(&shop.db, &other, row.id).await,
            Err(AppError::NotFound)
        );
        assert_eq!(
            update_client(&shop.db, &other, row.id, &client_form("X", "Y")).await,
            Err(AppError::NotFound)
        );
        assert_eq!(
            search_clients(&shop.db, &other, "curie")
                .await
                .expect("search")
                .total,
            0
        );
        assert_eq!(
            search_clients(&shop.db, &other, "")
                .await
                .expect("search")
                .total,
            0
        );
    }

    #[tokio::test]
    async fn a_client_matching_through_several_words_is_listed_once() {
        let shop = TestShop::new().await;
        let mut form = client_form("Marie", "Martin");
        form.city = "Marseille".into();
        form.email = "marie.martin@marseille.fr".into();
        create_client(&shop.db, &shop.owner, &form, SharedPhone::Refuse)
            .await
            .expect("created");
        shop.client("Marc", "Petit").await;
        let page = search_clients(&shop.db, &shop.owner, "mar")
            .await
            .expect("search");
        assert_eq!(page.total, 2);
        assert!(!page.capped);
        assert_eq!(
            page.rows
                .iter()
                .map(ClientRow::full_name)
                .collect::<Vec<_>>(),
            vec!["Marie Martin".to_owned(), "Marc Petit".to_owned()]
        );
    }

    #[test]
    fn the_first_page_keeps_each_client_once_in_order() {
        assert_eq!(first_page_ids([7, 3, 7, 9, 3]), vec![7, 3, 9]);
        let many = first_page_ids((0..500).flat_map(|id| [id, id]));
        assert_eq!(many.len() as u64, SEARCH_PAGE_SIZE);
    }

    #[tokio::test]
    async fn counts_stop_at_the_cap() {
        let shop = TestShop::new().await;
        for index in 0..(SEARCH_COUNT_CAP + 5) {
            let row = client::ActiveModel {
                shop_id: Set(shop.owner.shop_id),
                civility: Set("nc".into()),
                first_name: Set(format!("Client{index}")),
                last_name: Set("Durand".into()),
                email: Set(format!("c{index}@exemple.fr")),
                points_balance: Set(0),
                visit_count: Set(0),
                created_at: Set(Utc::now()),
                updated_at: Set(Utc::now()),
                ..Default::default()
            }
            .insert(&shop.db)
            .await
            .expect("insert");
            client_search_term::ActiveModel {
                shop_id: Set(shop.owner.shop_id),
                term: Set("durand".into()),
                client_id: Set(row.id),
            }
            .insert(&shop.db)
            .await
            .expect("term");
        }
        let page = search_clients(&shop.db, &shop.owner, "dur")
            .await
            .expect("search");
        assert_eq!(page.rows.len() as u64, SEARCH_PAGE_SIZE);
        assert_eq!((page.total, page.capped), (SEARCH_COUNT_CAP, true));
    }
}
