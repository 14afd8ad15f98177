//! The audit log: who did what, when and from where. Append-only (the database refuses updates
//! and deletes); never holds a password or a token.

use std::ops::Deref;

use chrono::{DateTime, Duration, Utc};
use sea_orm::DbErr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};

use super::time::{format_date_time, parse_day, shop_zone, start_of_day};
use super::{db_error, display_names, existing_page_offset, owner_only};
use crate::entities::audit_event;
use crate::model::audit::{AUDIT_PAGE_SIZE, AuditEntryView, AuditFilter, AuditKind, AuditPage};
use crate::model::auth::CurrentUser;
use crate::model::error::{AppError, FieldProblem};

/// Longest `source` and `detail` kept; longer values are cut, never refused.
const SOURCE_MAX: usize = 80;
const DETAIL_MAX: usize = 400;

/// A signed-in user acting through one request: what every change is written down with.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user: CurrentUser,
    /// The client's address, or `cli` for the command line.
    pub source: String,
}

impl Actor {
    pub fn new(user: CurrentUser, source: impl Into<String>) -> Self {
        Self {
            user,
            source: source.into(),
        }
    }

    /// The command line and the demo loader act as the shop's owner, from `cli`.
    pub fn cli(user: CurrentUser) -> Self {
        Self::new(user, "cli")
    }
}

impl Deref for Actor {
    type Target = CurrentUser;

    fn deref(&self) -> &CurrentUser {
        &self.user
    }
}

/// One event to write.
pub struct AuditRecord<'a> {
    pub kind: AuditKind,
    pub shop_id: Option<i64>,
    pub user_id: Option<i64>,
    pub source: &'a str,
    pub client_id: Option<i64>,
    pub entry_id: Option<i64>,
    pub detail: String,
}

impl<'a> AuditRecord<'a> {
    /// An event done by `actor` in its shop.
    pub fn by(actor: &'a Actor, kind: AuditKind) -> Self {
        Self {
            kind,
            shop_id: Some(actor.shop_id),
            user_id: Some(actor.user_id),
            source: &actor.source,
            client_id: None,
            entry_id: None,
            detail: String::new(),
        }
    }

    pub fn client(mut self, client_id: i64) -> Self {
        self.client_id = Some(client_id);
        self
    }

    pub fn entry(mut self, entry_id: i64) -> Self {
        self.entry_id = Some(entry_id);
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = detail.into();
        self
    }
}

/// At most `max_chars`, control characters replaced: what was typed is kept readable and never
/// breaks the insert (PostgreSQL refuses NUL in text).
fn cut(text: &str, max_chars: usize) -> String {
    text.chars()
        .take(max_chars)
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect()
}

/// Writes the event on `db`, which may be the transaction of the change it records, so the
/// change and its trace are saved together or not at all.
pub async fn write(db: &impl ConnectionTrait, record: AuditRecord<'_>) -> Result<(), AppError> {
    row(record).insert(db).await.map_err(db_error)?;
    Ok(())
}

/// Writes several events in one statement (the ledger's write path, inside its transaction,
/// whose caller decides what a failure means).
pub(crate) async fn write_many(
    db: &impl ConnectionTrait,
    records: Vec<AuditRecord<'_>>,
) -> Result<(), DbErr> {
    if records.is_empty() {
        return Ok(());
    }
    audit_event::Entity::insert_many(records.into_iter().map(row))
        .exec_without_returning(db)
        .await?;
    Ok(())
}

fn row(record: AuditRecord<'_>) -> audit_event::ActiveModel {
    audit_event::ActiveModel {
        shop_id: Set(record.shop_id),
        user_id: Set(record.user_id),
        occurred_at: Set(Utc::now()),
        kind: Set(record.kind.code().to_owned()),
        source: Set(cut(record.source, SOURCE_MAX)),
        client_id: Set(record.client_id),
        entry_id: Set(record.entry_id),
        detail: Set(cut(&record.detail, DETAIL_MAX)),
        ..Default::default()
    }
}

fn kind_filter(code: &str) -> Result<Option<AuditKind>, AppError> {
    match code.trim() {
        "" => Ok(None),
        code => AuditKind::from_code(code)
            .map(Some)
            .ok_or_else(|| AppError::invalid("kind", FieldProblem::InvalidChoice)),
    }
}

/// The shop's audit log, newest first; the owner's page only.
pub async fn list(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    filter: &AuditFilter,
) -> Result<AuditPage, AppError> {
    owner_only(user)?;
    let zone = shop_zone(&user.time_zone);
    let mut condition = Condition::all().add(audit_event::Column::ShopId.eq(user.shop_id));
    if let Some(kind) = kind_filter(&filter.kind)? {
        condition = condition.add(audit_event::Column::Kind.eq(kind.code()));
    }
    if let Some(from) = parse_day("from", &filter.from)? {
        condition = condition.add(audit_event::Column::OccurredAt.gte(start_of_day(from, zone)));
    }
    if let Some(to) = parse_day("to", &filter.to)? {
        let end: DateTime<Utc> = start_of_day(to + Duration::days(1), zone);
        condition = condition.add(audit_event::Column::OccurredAt.lt(end));
    }
    let query = audit_event::Entity::find()
        .filter(condition)
        .order_by_desc(audit_event::Column::Id);
    let total = query.clone().count(db).await.map_err(db_error)?;
    let events = query
        .offset(existing_page_offset(filter.page, AUDIT_PAGE_SIZE, total)?)
        .limit(AUDIT_PAGE_SIZE)
        .all(db)
        .await
        .map_err(db_error)?;
    let names = display_names(db, events.iter().filter_map(|event| event.user_id)).await?;
    let entries = events
        .into_iter()
        .filter_map(|event| {
            Some(AuditEntryView {
                id: event.id,
                occurred_at: format_date_time(event.occurred_at, zone),
                kind: AuditKind::from_code(&event.kind)?,
                user_name: event
                    .user_id
                    .and_then(|id| names.get(&id).cloned())
                    .unwrap_or_default(),
                source: event.source,
                client_id: event.client_id,
                entry_id: event.entry_id,
                detail: event.detail,
            })
        })
        .collect();
    Ok(AuditPage {
        entries,
        total,
        page: filter.page,
    })
}
