//! What the pages show of the ledger: transactions with client and author names, a client's
//! history and the shop's journal.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::entities::{client, credit_entry, ledger_entry};
use crate::model::auth::CurrentUser;
use crate::model::error::AppError;
use crate::model::ledger::{
    EntryKind, JOURNAL_PAGE_SIZE, JournalFilter, JournalPage, RecordOutcome, TransactionView,
};
use crate::services::clients::lookup::{find_in_shop, name_of, to_row};
use crate::services::time::{format_date_time, parse_day, shop_zone, start_of_day};
use crate::services::{
    db_error, display_names, existing_page_offset, owner_only, shop_check, shops_check,
};

pub(super) async fn outcome(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    entry: ledger_entry::Model,
) -> Result<RecordOutcome, AppError> {
    let zone = shop_zone(&user.time_zone);
    let client = find_in_shop(db, user.shop_id, entry.client_id).await?;
    let transaction = views(db, zone, vec![entry])
        .await?
        .pop()
        .ok_or(AppError::Internal)?;
    Ok(RecordOutcome {
        transaction,
        client: to_row(&client, zone),
    })
}

pub(super) fn to_view(
    entry: ledger_entry::Model,
    client_name: String,
    author_name: String,
    reversed_by: Option<i64>,
    zone: Tz,
) -> TransactionView {
    TransactionView {
        id: entry.id,
        client_id: entry.client_id,
        client_name,
        kind: EntryKind::from_code(&entry.kind).unwrap_or_else(|| {
            // The database's CHECK allows only known kinds: this is a schema out of step.
            tracing::error!(entry = entry.id, kind = %entry.kind, "unknown ledger entry kind");
            EntryKind::Correction
        }),
        points: entry.points,
        amount_cents: entry.amount_cents,
        author_name,
        recorded_at: format_date_time(entry.created_at, zone),
        refers_to: entry.reverses_entry_id.or(entry.corrects_entry_id),
        reversed_by,
    }
}

/// The answer to an entry this user just wrote, with the client's row as the write left it.
pub(super) fn just_written(
    user: &CurrentUser,
    entry: ledger_entry::Model,
    client: &client::Model,
) -> RecordOutcome {
    let zone = shop_zone(&user.time_zone);
    RecordOutcome {
        transaction: to_view(
            entry,
            name_of(client),
            user.display_name.clone(),
            None,
            zone,
        ),
        client: to_row(client, zone),
    }
}

/// Turns entries into what the pages show: client and author names, who reversed what. Their
/// reversals and clients are read in the entries' own shop (one, from every caller).
pub(crate) async fn views(
    db: &impl ConnectionTrait,
    zone: Tz,
    entries: Vec<ledger_entry::Model>,
) -> Result<Vec<TransactionView>, AppError> {
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    let shops: HashSet<i64> = entries.iter().map(|entry| entry.shop_id).collect();
    let entry_ids: Vec<i64> = entries.iter().map(|entry| entry.id).collect();
    let reversals: HashMap<i64, i64> = ledger_entry::Entity::find()
        .filter(ledger_entry::Column::ShopId.is_in(shops.iter().copied()))
        .filter(ledger_entry::Column::ReversesEntryId.is_in(entry_ids))
        .all(db)
        .await
        .map_err(db_error)?
        .into_iter()
        .filter_map(|reversal| {
            reversal
                .reverses_entry_id
                .map(|original| (original, reversal.id))
        })
        .collect();
    let authors = display_names(db, entries.iter().map(|entry| entry.author_user_id)).await?;
    let client_ids: Vec<i64> = entries.iter().map(|entry| entry.client_id).collect();
    let clients: HashMap<i64, String> = client::Entity::find()
        .filter(shops_check(db, client::Column::ShopId, shops))
        .filter(client::Column::Id.is_in(client_ids))
        .all(db)
        .await
        .map_err(db_error)?
        .into_iter()
        .map(|client| (client.id, name_of(&client)))
        .collect();
    Ok(entries
        .into_iter()
        .map(|entry| {
            let client_name = clients.get(&entry.client_id).cloned().unwrap_or_default();
            let author_name = authors
                .get(&entry.author_user_id)
                .cloned()
                .unwrap_or_default();
            let reversed_by = reversals.get(&entry.id).copied();
            to_view(entry, client_name, author_name, reversed_by, zone)
        })
        .collect())
}

/// A client's whole history, newest first.
pub async fn client_history(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    client_id: i64,
) -> Result<Vec<TransactionView>, AppError> {
    find_in_shop(db, user.shop_id, client_id).await?;
    let entries = ledger_entry::Entity::find()
        .filter(shop_check(db, ledger_entry::Column::ShopId, user.shop_id))
        .filter(ledger_entry::Column::ClientId.eq(client_id))
        .order_by_desc(ledger_entry::Column::Id)
        .all(db)
        .await
        .map_err(db_error)?;
    views(db, shop_zone(&user.time_zone), entries).await
}

/// What a journal filter keeps, read and checked: the shop, its days as moments (inclusive, in
/// the shop's time zone), its client. A day that does not read or a client of another shop is
/// refused.
pub(crate) struct JournalScope {
    shop_id: i64,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    client_id: Option<i64>,
}

impl JournalScope {
    pub(crate) async fn read(
        db: &impl ConnectionTrait,
        user: &CurrentUser,
        filter: &JournalFilter,
    ) -> Result<Self, AppError> {
        let zone = shop_zone(&user.time_zone);
        let from = parse_day("from", &filter.from)?.map(|day| start_of_day(day, zone));
        let to =
            parse_day("to", &filter.to)?.map(|day| start_of_day(day + Duration::days(1), zone));
        if let Some(client_id) = filter.client_id {
            find_in_shop(db, user.shop_id, client_id).await?;
        }
        Ok(Self {
            shop_id: user.shop_id,
            from,
            to,
            client_id: filter.client_id,
        })
    }

    /// The entries in scope; after `resume` (a moment and an id), only those that come later in
    /// time order. The lower bound moves to that moment, so each page starts with an index seek
    /// instead of reading again every entry before it.
    pub(crate) fn condition(&self, resume: Option<(DateTime<Utc>, i64)>) -> Condition {
        let mut condition = Condition::all().add(ledger_entry::Column::ShopId.eq(self.shop_id));
        match resume {
            Some((moment, id)) => {
                condition = condition
                    .add(ledger_entry::Column::CreatedAt.gte(moment))
                    .add(
                        Condition::any()
                            .add(ledger_entry::Column::CreatedAt.ne(moment))
                            .add(ledger_entry::Column::Id.gt(id)),
                    );
            }
            None => {
                if let Some(from) = self.from {
                    condition = condition.add(ledger_entry::Column::CreatedAt.gte(from));
                }
            }
        }
        if let Some(to) = self.to {
            condition = condition.add(ledger_entry::Column::CreatedAt.lt(to));
        }
        if let Some(client_id) = self.client_id {
            condition = condition.add(ledger_entry::Column::ClientId.eq(client_id));
        }
        condition
    }

    /// The store credit entries in scope: the same shop, days and client.
    pub(crate) fn credit_condition(&self) -> Condition {
        let mut condition = Condition::all().add(credit_entry::Column::ShopId.eq(self.shop_id));
        if let Some(from) = self.from {
            condition = condition.add(credit_entry::Column::CreatedAt.gte(from));
        }
        if let Some(to) = self.to {
            condition = condition.add(credit_entry::Column::CreatedAt.lt(to));
        }
        if let Some(client_id) = self.client_id {
            condition = condition.add(credit_entry::Column::ClientId.eq(client_id));
        }
        condition
    }
}

/// The shop's journal: every entry, newest first, filtered by days (inclusive, in the shop's
/// time zone) and client.
pub async fn journal(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    filter: &JournalFilter,
) -> Result<JournalPage, AppError> {
    owner_only(user)?;
    let zone = shop_zone(&user.time_zone);
    let query = ledger_entry::Entity::find()
        .filter(JournalScope::read(db, user, filter).await?.condition(None))
        .order_by_desc(ledger_entry::Column::Id);
    let total = query.clone().count(db).await.map_err(db_error)?;
    let entries = query
        .offset(existing_page_offset(filter.page, JOURNAL_PAGE_SIZE, total)?)
        .limit(JOURNAL_PAGE_SIZE)
        .all(db)
        .await
        .map_err(db_error)?;
    Ok(JournalPage {
        entries: views(db, zone, entries).await?,
        total,
        page: filter.page,
    })
}
