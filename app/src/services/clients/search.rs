//! The client list and its type-ahead search: prefix terms, filters by tag and group, sorts.

use sea_orm::sea_query::{NullOrdering, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, Order, QueryFilter,
    QueryOrder, QuerySelect, Select, Statement, Value,
};

use super::labels;
use super::lookup::{active_clients, count_at_most, to_row};
use crate::entities::{client, client_label};
use crate::model::auth::CurrentUser;
use crate::model::cards::{CardScan, card_in};
use crate::model::client::{
    ClientQuery, ClientRow, ClientSearchPage, ClientSort, SEARCH_COUNT_CAP, SEARCH_PAGE_SIZE,
};
use crate::model::error::AppError;
use crate::model::labels::LabelKind;
pub use crate::model::search::search_prefixes;
use crate::services::db::Db;
use crate::services::programme::rewards::waiting_rewards;
use crate::services::text::prefix_upper_bound;
use crate::services::time::shop_zone;
use crate::services::{db_error, shop_check};

#[derive(Debug, FromQueryResult)]
struct MatchedId {
    client_id: i64,
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
    if let Some(typed) = card_in(&query.text) {
        let (scan, client) = super::card::scan(db, user.shop_id, &typed.token).await?;
        // Typed by hand, a word that is no card of the shop is searched like any other.
        if scan != CardScan::Unknown || typed.scanned {
            let rows: Vec<client::Model> = client.into_iter().collect();
            let total = rows.len() as u64;
            return Ok(ClientSearchPage {
                card: Some(scan),
                ..page_of(db, user, rows, total, false).await?
            });
        }
    }
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
        let total = count_at_most(db, find, SEARCH_COUNT_CAP + 1).await?;
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
                client::Entity::find()
                    .filter(shop_check(db, client::Column::ShopId, user.shop_id))
                    .filter(client::Column::Id.is_in(ids)),
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
    page_of(db, user, rows, total, capped).await
}

/// The rows found, with their labels and first reward waiting.
async fn page_of(
    db: &Db,
    user: &CurrentUser,
    rows: Vec<client::Model>,
    total: u64,
    capped: bool,
) -> Result<ClientSearchPage, AppError> {
    Ok(ClientSearchPage {
        rows: listed_rows(db, user, &rows).await?,
        total: total.min(SEARCH_COUNT_CAP),
        capped,
        card: None,
    })
}

/// Clients as a list shows them: with their labels and first reward waiting.
pub(super) async fn listed_rows(
    db: &Db,
    user: &CurrentUser,
    rows: &[client::Model],
) -> Result<Vec<ClientRow>, AppError> {
    let zone = shop_zone(&user.time_zone);
    let ids: Vec<i64> = rows.iter().map(|model| model.id).collect();
    let mut labels = labels::labels_of(db, user.shop_id, &ids).await?;
    let mut waiting = waiting_rewards(db, user.shop_id, &ids).await?;
    Ok(rows
        .iter()
        .map(|model| ClientRow {
            labels: labels.remove(&model.id).unwrap_or_default(),
            waiting_reward: waiting.remove(&model.id),
            ..to_row(model, zone)
        })
        .collect())
}
