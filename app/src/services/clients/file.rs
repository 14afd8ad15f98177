//! A client's page beyond the contact details: figures from the ledger, consents with their
//! history, notes, and the activity timeline that merges them with transactions and edits.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};

use super::labels::parse_labelled_detail;
use super::lookup::{file_ids, find_in_shop, name_of};
use crate::entities::{audit_event, client, client_note, consent_change, ledger_entry};
use crate::model::audit::AuditKind;
use crate::model::auth::CurrentUser;
use crate::model::client_file::{
    ACTIVITY_PAGE_SIZE, ActivityEvent, ActivityFilter, ActivityItem, ActivityPage, ClientStats,
    ConsentAnswer, ConsentChannel, ConsentSource, ConsentStatus, ConsentUpdate, FileEvent,
    NoteForm,
};
use crate::model::error::{AppError, FieldProblem};
use crate::model::ledger::EntryKind;
use crate::services::audit::{self, Actor, AuditRecord};
use crate::services::db::Db;
use crate::services::ledger::views;
use crate::services::time::{format_date, format_date_time, shop_zone};
use crate::services::{db_error, display_names, existing_page_offset, shop_check};

#[derive(Debug, FromQueryResult)]
struct Spending {
    baskets: i64,
    spent: Option<i64>,
}

/// Visits, first and last visit, and spending. A modified transaction counts with its
/// corrected amount: entries that were reversed are left out, reversals themselves too.
/// `file_ids` are the client's and those of the files merged into it (`clients::file_ids`).
pub async fn stats(
    db: &impl ConnectionTrait,
    client: &client::Model,
    file_ids: &[i64],
    zone: Tz,
) -> Result<ClientStats, AppError> {
    let reversed = Query::select()
        .expr(Expr::val(1))
        .from_as(ledger_entry::Entity, Alias::new("later"))
        .and_where(
            Expr::col((Alias::new("later"), ledger_entry::Column::ShopId))
                .equals((ledger_entry::Entity, ledger_entry::Column::ShopId)),
        )
        .and_where(
            Expr::col((Alias::new("later"), ledger_entry::Column::ReversesEntryId))
                .equals((ledger_entry::Entity, ledger_entry::Column::Id)),
        )
        .to_owned();
    let spending = ledger_entry::Entity::find()
        .select_only()
        .column_as(
            Expr::col(ledger_entry::Column::AmountCents).count(),
            "baskets",
        )
        // PostgreSQL sums bigints into a numeric; both engines read a bigint back.
        .column_as(
            Expr::col(ledger_entry::Column::AmountCents)
                .sum()
                .cast_as(Alias::new("BIGINT")),
            "spent",
        )
        .filter(shop_check(db, ledger_entry::Column::ShopId, client.shop_id))
        .filter(ledger_entry::Column::ClientId.is_in(file_ids.iter().copied()))
        .filter(
            ledger_entry::Column::Kind
                .is_in([EntryKind::Earn.code(), EntryKind::Correction.code()]),
        )
        .filter(Expr::exists(reversed).not())
        .into_model::<Spending>()
        .one(db)
        .await
        .map_err(db_error)?
        .unwrap_or(Spending {
            baskets: 0,
            spent: None,
        });
    let first_visit = ledger_entry::Entity::find()
        .filter(shop_check(db, ledger_entry::Column::ShopId, client.shop_id))
        .filter(ledger_entry::Column::ClientId.is_in(file_ids.iter().copied()))
        .filter(ledger_entry::Column::Kind.eq(EntryKind::Earn.code()))
        .order_by_asc(ledger_entry::Column::Id)
        .one(db)
        .await
        .map_err(db_error)?;
    let total_spent_cents = spending.spent.unwrap_or(0);
    Ok(ClientStats {
        visits: client.visit_count,
        first_visit: first_visit.map(|entry| format_date(entry.created_at, zone)),
        last_visit: client.last_visit_at.map(|at| format_date(at, zone)),
        total_spent_cents,
        average_basket_cents: (spending.baskets > 0)
            .then(|| (total_spent_cents as f64 / spending.baskets as f64).round() as i64),
    })
}

/// The latest answer on the channel among these files of one client.
async fn latest_consent(
    db: &impl ConnectionTrait,
    shop_id: i64,
    file_ids: &[i64],
    channel: ConsentChannel,
) -> Result<Option<consent_change::Model>, AppError> {
    consent_change::Entity::find()
        .filter(consent_change::Column::ShopId.eq(shop_id))
        .filter(consent_change::Column::ClientId.is_in(file_ids.iter().copied()))
        .filter(consent_change::Column::Channel.eq(channel.code()))
        .order_by_desc(consent_change::Column::Id)
        .one(db)
        .await
        .map_err(db_error)
}

/// Each channel's latest answer, or none if the client was never asked.
pub async fn consents(
    db: &impl ConnectionTrait,
    shop_id: i64,
    file_ids: &[i64],
    zone: Tz,
) -> Result<Vec<ConsentStatus>, AppError> {
    let mut latest = Vec::with_capacity(ConsentChannel::ALL.len());
    for channel in ConsentChannel::ALL {
        latest.push((
            *channel,
            latest_consent(db, shop_id, file_ids, *channel).await?,
        ));
    }
    let names = display_names(
        db,
        latest
            .iter()
            .filter_map(|(_, change)| change.as_ref().map(|change| change.author_user_id)),
    )
    .await?;
    let statuses = latest
        .into_iter()
        .map(|(channel, change)| ConsentStatus {
            channel,
            latest: change.map(|change| ConsentAnswer {
                granted: change.granted,
                source: ConsentSource::from_code(&change.source).unwrap_or(ConsentSource::Till),
                changed_at: format_date_time(change.changed_at, zone),
                author_name: names
                    .get(&change.author_user_id)
                    .cloned()
                    .unwrap_or_default(),
            }),
        })
        .collect();
    Ok(statuses)
}

pub async fn add_note(db: &Db, actor: &Actor, form: &NoteForm) -> Result<(), AppError> {
    let body = form.validate()?;
    let txn = db.begin_write().await?;
    find_in_shop(&txn, actor.shop_id, form.client_id).await?;
    let note = client_note::ActiveModel {
        shop_id: Set(actor.shop_id),
        client_id: Set(form.client_id),
        author_user_id: Set(actor.user_id),
        body: Set(body),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(db_error)?;
    audit::write(
        &txn,
        AuditRecord::by(actor, AuditKind::NoteAdded)
            .client(form.client_id)
            .detail(format!("note {}", note.id)),
    )
    .await?;
    txn.commit().await.map_err(db_error)
}

/// Records the consents the client gives or withdraws. A channel whose answer did not change
/// keeps its history as it was: nothing is written for it.
pub async fn update_consents(
    db: &Db,
    actor: &Actor,
    update: &ConsentUpdate,
) -> Result<Vec<ConsentStatus>, AppError> {
    if !update.source.chosen_by_staff() {
        return Err(AppError::invalid("source", FieldProblem::InvalidChoice));
    }
    let zone = shop_zone(&actor.time_zone);
    let txn = db.begin_write().await?;
    find_in_shop(&txn, actor.shop_id, update.client_id).await?;
    let ids = file_ids(&txn, actor.shop_id, update.client_id).await?;
    for channel in ConsentChannel::ALL {
        let granted = update.granted(*channel);
        let latest = latest_consent(&txn, actor.shop_id, &ids, *channel).await?;
        if latest.is_some_and(|latest| latest.granted == granted) {
            continue;
        }
        consent_change::ActiveModel {
            shop_id: Set(actor.shop_id),
            client_id: Set(update.client_id),
            channel: Set(channel.code().to_owned()),
            granted: Set(granted),
            source: Set(update.source.code().to_owned()),
            author_user_id: Set(actor.user_id),
            changed_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(db_error)?;
        audit::write(
            &txn,
            AuditRecord::by(actor, AuditKind::ConsentChanged)
                .client(update.client_id)
                .detail(format!(
                    "{} {} ({})",
                    channel.code(),
                    if granted { "granted" } else { "withdrawn" },
                    update.source.code()
                )),
        )
        .await?;
    }
    let statuses = consents(&txn, actor.shop_id, &ids, zone).await?;
    txn.commit().await.map_err(db_error)?;
    Ok(statuses)
}

/// One event of the timeline before its author's name is known.
struct Dated {
    at: DateTime<Utc>,
    /// Breaks ties between events of the same instant, newest first within each source.
    order: (u8, i64),
    author_user_id: Option<i64>,
    event: ActivityEvent,
}

/// The name of a file merged into this one, from the id its audit entry keeps.
async fn merged_file_name(
    db: &impl ConnectionTrait,
    shop_id: i64,
    detail: &str,
) -> Result<String, AppError> {
    let Ok(merged_id) = detail.parse::<i64>() else {
        return Ok(String::new());
    };
    Ok(client::Entity::find_by_id(merged_id)
        .filter(client::Column::ShopId.eq(shop_id))
        .one(db)
        .await
        .map_err(db_error)?
        .map(|merged| name_of(&merged))
        .unwrap_or_default())
}

/// What an audit event about the client shows in the timeline.
fn file_event(edit: &audit_event::Model) -> Option<FileEvent> {
    let kind = AuditKind::from_code(&edit.kind)?;
    Some(match kind {
        AuditKind::ClientCreated => FileEvent::Created,
        AuditKind::ClientLabelled | AuditKind::ClientUnlabelled => {
            let (label_kind, name) = parse_labelled_detail(&edit.detail)?;
            FileEvent::Labelled {
                kind: label_kind,
                name,
                added: kind == AuditKind::ClientLabelled,
            }
        }
        // The name is read by the caller, from the merged file.
        AuditKind::ClientsMerged => FileEvent::Merged {
            from: String::new(),
        },
        _ => FileEvent::Edited {
            fields: edit
                .detail
                .split(", ")
                .filter(|field| !field.is_empty())
                .map(str::to_owned)
                .collect(),
        },
    })
}

/// The client's activity, newest first: transactions with their corrections, notes, consent
/// changes and edits of the file. Each source is read newest first up to the end of the asked
/// page, and the sources are merged here.
pub async fn activity(
    db: &Db,
    user: &CurrentUser,
    client_id: i64,
    filter: ActivityFilter,
    page: u64,
) -> Result<ActivityPage, AppError> {
    let zone = shop_zone(&user.time_zone);
    find_in_shop(db, user.shop_id, client_id).await?;
    let ids = file_ids(db, user.shop_id, client_id).await?;
    let transactions = filter.shows(ActivityFilter::Transactions).then(|| {
        ledger_entry::Entity::find()
            .filter(shop_check(db, ledger_entry::Column::ShopId, user.shop_id))
            .filter(ledger_entry::Column::ClientId.is_in(ids.clone()))
            .order_by_desc(ledger_entry::Column::Id)
    });
    let notes = filter.shows(ActivityFilter::Notes).then(|| {
        client_note::Entity::find()
            .filter(client_note::Column::ShopId.eq(user.shop_id))
            .filter(client_note::Column::ClientId.is_in(ids.clone()))
            .order_by_desc(client_note::Column::Id)
    });
    let consent_changes = filter.shows(ActivityFilter::Consents).then(|| {
        consent_change::Entity::find()
            .filter(consent_change::Column::ShopId.eq(user.shop_id))
            .filter(consent_change::Column::ClientId.is_in(ids.clone()))
            .order_by_desc(consent_change::Column::Id)
    });
    let edits = filter.shows(ActivityFilter::Edits).then(|| {
        audit_event::Entity::find()
            .filter(audit_event::Column::ClientId.is_in(ids.clone()))
            .filter(audit_event::Column::ShopId.eq(user.shop_id))
            .filter(audit_event::Column::Kind.is_in([
                AuditKind::ClientCreated.code(),
                AuditKind::ClientUpdated.code(),
                AuditKind::ClientLabelled.code(),
                AuditKind::ClientUnlabelled.code(),
                AuditKind::ClientsMerged.code(),
            ]))
            .order_by_desc(audit_event::Column::Id)
    });
    // Counted first, so a page past the last one is refused before any row is read.
    let mut total = 0;
    if let Some(query) = &transactions {
        total += query.clone().count(db).await.map_err(db_error)?;
    }
    if let Some(query) = &notes {
        total += query.clone().count(db).await.map_err(db_error)?;
    }
    if let Some(query) = &consent_changes {
        total += query.clone().count(db).await.map_err(db_error)?;
    }
    if let Some(query) = &edits {
        total += query.clone().count(db).await.map_err(db_error)?;
    }
    let offset = existing_page_offset(page, ACTIVITY_PAGE_SIZE, total)?;
    let wanted = offset + ACTIVITY_PAGE_SIZE;
    let mut events: Vec<Dated> = Vec::new();

    if let Some(query) = transactions {
        let entries = query.limit(wanted).all(db).await.map_err(db_error)?;
        let times: Vec<DateTime<Utc>> = entries.iter().map(|entry| entry.created_at).collect();
        for (at, view) in times.into_iter().zip(views(db, zone, entries).await?) {
            events.push(Dated {
                at,
                order: (0, view.id),
                // The view already names its author.
                author_user_id: None,
                event: ActivityEvent::Transaction(view),
            });
        }
    }

    if let Some(query) = notes {
        for note in query.limit(wanted).all(db).await.map_err(db_error)? {
            events.push(Dated {
                at: note.created_at,
                order: (1, note.id),
                author_user_id: Some(note.author_user_id),
                event: ActivityEvent::File(FileEvent::Note { body: note.body }),
            });
        }
    }

    if let Some(query) = consent_changes {
        for change in query.limit(wanted).all(db).await.map_err(db_error)? {
            let (Some(channel), Some(source)) = (
                ConsentChannel::from_code(&change.channel),
                ConsentSource::from_code(&change.source),
            ) else {
                continue;
            };
            events.push(Dated {
                at: change.changed_at,
                order: (2, change.id),
                author_user_id: Some(change.author_user_id),
                event: ActivityEvent::File(FileEvent::Consent {
                    channel,
                    granted: change.granted,
                    source,
                }),
            });
        }
    }

    if let Some(query) = edits {
        for edit in query.limit(wanted).all(db).await.map_err(db_error)? {
            let Some(mut event) = file_event(&edit) else {
                continue;
            };
            if let FileEvent::Merged { from } = &mut event {
                *from = merged_file_name(db, user.shop_id, &edit.detail).await?;
            }
            events.push(Dated {
                at: edit.occurred_at,
                order: (3, edit.id),
                author_user_id: edit.user_id,
                event: ActivityEvent::File(event),
            });
        }
    }

    events.sort_by_key(|event| std::cmp::Reverse((event.at, event.order)));
    let shown: Vec<Dated> = events
        .into_iter()
        .skip(offset as usize)
        .take(ACTIVITY_PAGE_SIZE as usize)
        .collect();
    let names = display_names(db, shown.iter().filter_map(|item| item.author_user_id)).await?;
    let items = shown
        .into_iter()
        .map(|item| ActivityItem {
            at: format_date_time(item.at, zone),
            author_name: match &item.event {
                ActivityEvent::Transaction(view) => view.author_name.clone(),
                ActivityEvent::File(_) => item
                    .author_user_id
                    .and_then(|id| names.get(&id).cloned())
                    .unwrap_or_default(),
            },
            event: item.event,
        })
        .collect();
    Ok(ActivityPage { items, total, page })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::client::ClientForm;
    use crate::services::clients::{detail::get_client, edit::update_client};
    use crate::services::ledger::{modify_transaction, record_transaction};
    use crate::services::test_support::{TestShop, change, client_form, earn};

    fn note(client_id: i64, body: &str) -> NoteForm {
        NoteForm {
            client_id,
            body: body.to_owned(),
        }
    }

    fn consents_now(
        email: bool,
        sms: bool,
        client_id: i64,
        source: ConsentSource,
    ) -> ConsentUpdate {
        ConsentUpdate {
            client_id,
            email,
            sms,
            source,
        }
    }

    fn kinds(page: &ActivityPage) -> Vec<&'static str> {
        page.items
            .iter()
            .map(|item| match &item.event {
                ActivityEvent::Transaction(view) => view.kind.code(),
                ActivityEvent::File(FileEvent::Note { .. }) => "note",
                ActivityEvent::File(FileEvent::Consent { .. }) => "consent",
                ActivityEvent::File(FileEvent::Created) => "created",
                ActivityEvent::File(FileEvent::Edited { .. }) => "edited",
                ActivityEvent::File(FileEvent::Labelled { .. }) => "labelled",
                ActivityEvent::File(FileEvent::Merged { .. }) => "merged",
            })
            .collect()
    }

    #[tokio::test]
    async fn figures_count_corrected_amounts_once() {
        let shop = TestShop::new().await;
        let client = shop.client("Léa", "Morel").await;
        let before = get_client(&shop.db, &shop.owner, client.id)
            .await
            .expect("file");
        assert_eq!(before.stats, ClientStats::default());

        let first = record_transaction(&shop.db, &shop.owner, &earn(client.id, "10", "10,00"))
            .await
            .expect("first");
        record_transaction(&shop.db, &shop.owner, &earn(client.id, "5", "20,00"))
            .await
            .expect("second");
        // Points only, no amount: a visit, but no basket.
        record_transaction(&shop.db, &shop.owner, &earn(client.id, "1", ""))
            .await
            .expect("third");
        // The first basket was 10 €, corrected to 40 €: counted once, at 40 €.
        let mut corrected = change(first.transaction.id, "40");
        corrected.form.amount = "40".into();
        modify_transaction(&shop.db, &shop.owner, &corrected)
            .await
            .expect("modified");

        let stats = get_client(&shop.db, &shop.owner, client.id)
            .await
            .expect("file")
            .stats;
        assert_eq!(stats.visits, 3);
        assert_eq!(stats.total_spent_cents, 6000);
        assert_eq!(stats.average_basket_cents, Some(3000));
        assert!(stats.first_visit.is_some());
        assert_eq!(stats.first_visit, stats.last_visit, "all on the same day");
    }

    #[tokio::test]
    async fn the_timeline_merges_every_kind_newest_first_and_filters() {
        let shop = TestShop::new().await;
        let client = shop.client("Léa", "Morel").await;
        let recorded = record_transaction(&shop.db, &shop.owner, &earn(client.id, "8", ""))
            .await
            .expect("recorded");
        add_note(
            &shop.db,
            &shop.owner,
            &note(client.id, "Allergique aux noix"),
        )
        .await
        .expect("note");
        update_consents(
            &shop.db,
            &shop.owner,
            &consents_now(true, false, client.id, ConsentSource::Till),
        )
        .await
        .expect("consents");
        let edited = ClientForm {
            city: "Lyon".into(),
            ..client_form("Léa", "Morel")
        };
        update_client(&shop.db, &shop.owner, client.id, &edited)
            .await
            .expect("edited");
        modify_transaction(&shop.db, &shop.owner, &change(recorded.transaction.id, "9"))
            .await
            .expect("modified");

        let everything = activity(&shop.db, &shop.owner, client.id, ActivityFilter::All, 0)
            .await
            .expect("activity");
        assert_eq!(
            kinds(&everything),
            [
                "correction",
                "reversal",
                "edited",
                "consent",
                "consent",
                "note",
                "earn",
                "created"
            ]
        );
        assert_eq!(everything.total, 8);
        assert!(
            everything
                .items
                .iter()
                .all(|item| item.author_name == shop.owner.display_name)
        );
        let edit = everything.items.iter().find_map(|item| match &item.event {
            ActivityEvent::File(FileEvent::Edited { fields }) => Some(fields.clone()),
            _ => None,
        });
        assert_eq!(edit, Some(vec!["city".to_owned()]));

        let notes = activity(&shop.db, &shop.owner, client.id, ActivityFilter::Notes, 0)
            .await
            .expect("notes");
        assert_eq!(notes.total, 1);
        assert_eq!(
            notes.items[0].event,
            ActivityEvent::File(FileEvent::Note {
                body: "Allergique aux noix".into()
            })
        );
        let transactions = activity(
            &shop.db,
            &shop.owner,
            client.id,
            ActivityFilter::Transactions,
            0,
        )
        .await
        .expect("transactions");
        assert_eq!(kinds(&transactions), ["correction", "reversal", "earn"]);
    }

    #[tokio::test]
    async fn the_timeline_pages_without_gaps_or_repeats() {
        let shop = TestShop::new().await;
        let client = shop.client("Léa", "Morel").await;
        // 1 creation + 25 transactions + 20 notes = 46 events: three pages.
        for round in 0..25 {
            record_transaction(&shop.db, &shop.owner, &earn(client.id, "1", ""))
                .await
                .expect("recorded");
            if round < 20 {
                add_note(
                    &shop.db,
                    &shop.owner,
                    &note(client.id, &format!("note {round}")),
                )
                .await
                .expect("note");
            }
        }
        let mut seen = Vec::new();
        for page in 0..3 {
            let found = activity(&shop.db, &shop.owner, client.id, ActivityFilter::All, page)
                .await
                .expect("page");
            assert_eq!(found.total, 46);
            seen.extend(found.items);
        }
        assert_eq!(seen.len(), 46);
        let notes: Vec<String> = seen
            .iter()
            .filter_map(|item| match &item.event {
                ActivityEvent::File(FileEvent::Note { body }) => Some(body.clone()),
                _ => None,
            })
            .collect();
        let expected: Vec<String> = (0..20).rev().map(|round| format!("note {round}")).collect();
        assert_eq!(notes, expected, "every note once, newest first");
        // 46 events make pages 0 to 2: page 3 is refused before any row is read.
        assert_eq!(
            activity(&shop.db, &shop.owner, client.id, ActivityFilter::All, 3).await,
            Err(AppError::invalid(
                "page",
                crate::model::error::FieldProblem::InvalidChoice
            ))
        );
    }

    #[tokio::test]
    async fn consents_keep_their_history_and_only_changes_are_written() {
        let shop = TestShop::new().await;
        let client = shop.client("Léa", "Morel").await;
        let never = get_client(&shop.db, &shop.owner, client.id)
            .await
            .expect("file")
            .consents;
        assert!(never.iter().all(|status| status.latest.is_none()));

        let given = update_consents(
            &shop.db,
            &shop.owner,
            &consents_now(true, true, client.id, ConsentSource::Form),
        )
        .await
        .expect("given");
        assert!(given.iter().all(ConsentStatus::granted));
        // The client stops the SMS at the till; e-mail stays as it was given.
        let changed = update_consents(
            &shop.db,
            &shop.owner,
            &consents_now(true, false, client.id, ConsentSource::Verbal),
        )
        .await
        .expect("changed");
        let email = &changed[0];
        let sms = &changed[1];
        assert_eq!(email.channel, ConsentChannel::Email);
        assert_eq!(
            email
                .latest
                .as_ref()
                .map(|answer| (answer.granted, answer.source)),
            Some((true, ConsentSource::Form))
        );
        assert_eq!(
            sms.latest
                .as_ref()
                .map(|answer| (answer.granted, answer.source)),
            Some((false, ConsentSource::Verbal))
        );
        let history = activity(
            &shop.db,
            &shop.owner,
            client.id,
            ActivityFilter::Consents,
            0,
        )
        .await
        .expect("history");
        assert_eq!(
            history.total, 3,
            "granted e-mail, granted SMS, withdrawn SMS"
        );
    }

    #[tokio::test]
    async fn another_shop_cannot_read_or_write_the_file() {
        let shop = TestShop::new().await;
        let stranger = shop.other_shop().await;
        let client = shop.client("Léa", "Morel").await;
        assert_eq!(
            add_note(&shop.db, &stranger, &note(client.id, "Coucou")).await,
            Err(AppError::NotFound)
        );
        assert_eq!(
            update_consents(
                &shop.db,
                &stranger,
                &consents_now(true, true, client.id, ConsentSource::Till)
            )
            .await,
            Err(AppError::NotFound)
        );
        assert_eq!(
            activity(&shop.db, &stranger, client.id, ActivityFilter::All, 0).await,
            Err(AppError::NotFound)
        );
        let own = activity(&shop.db, &shop.owner, client.id, ActivityFilter::All, 0)
            .await
            .expect("own");
        assert_eq!(kinds(&own), ["created"]);
    }

    #[tokio::test]
    async fn an_invalid_note_saves_nothing() {
        let shop = TestShop::new().await;
        let client = shop.client("Léa", "Morel").await;
        assert!(matches!(
            add_note(&shop.db, &shop.owner, &note(client.id, "  ")).await,
            Err(AppError::Invalid(_))
        ));
        let notes = activity(&shop.db, &shop.owner, client.id, ActivityFilter::Notes, 0)
            .await
            .expect("notes");
        assert_eq!(notes.total, 0);
    }
}
