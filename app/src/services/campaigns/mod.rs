//! E-mails to the clients who agreed (seeds 002–004). The owner writes to a segment, previews
//! the text with a client's values, tries it on their own address, then sends: each recipient
//! gets a row of `outgoing_mails`, worked through in the background by `send`, which reads the
//! client's consent again when the message leaves. `unsubscribe` is the link in every message,
//! used without a session.

pub mod automatic;
mod consent;
pub mod send;
pub mod unsubscribe;

#[cfg(test)]
mod tests;

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use super::audit::{self, Actor, AuditRecord};
use super::clients::lookup::{active_clients, name_of};
use super::db::Db;
use super::mail::{MailText, Mailer, OutgoingMail};
use super::time::{format_date_time, shop_zone};
use super::{db_error, display_names, existing_page_offset, owner_only};
use crate::entities::{client, client_label, label, mail_campaign, outgoing_mail};
use crate::model::audit::AuditKind;
use crate::model::auth::CurrentUser;
use crate::model::campaigns::{
    AutomaticMailLog, CAMPAIGN_PAGE_SIZE, CampaignDetail, CampaignForm, CampaignList,
    CampaignPreview, CampaignSummary, CampaignText, MailCounts, MailKind, MailLine, MailStatus,
    MailValues, Segment, SegmentLabel, fill,
};
use crate::model::error::{AppError, FieldProblem};
use crate::model::labels::LabelKind;

/// Recipients written per statement when a campaign is queued.
const QUEUED_PER_INSERT: usize = 1_000;
/// Campaigns the list shows, newest first.
const LISTED_CAMPAIGNS: u64 = 100;

/// What a campaign's message to one client is for: it is queued once.
fn campaign_dedupe_key(campaign_id: i64, client_id: i64) -> String {
    format!("campaign:{campaign_id}:client:{client_id}")
}

/// The shop's live clients with an address; whether they agreed is `consent`'s to say.
pub(crate) fn with_address(shop_id: i64) -> sea_orm::Select<client::Entity> {
    active_clients(shop_id).filter(client::Column::Email.ne(""))
}

/// The segment's clients who may get an e-mail now, by id.
async fn recipients(
    db: &impl ConnectionTrait,
    shop_id: i64,
    segment: Segment,
    now: DateTime<Utc>,
) -> Result<Vec<i64>, AppError> {
    let mut query = with_address(shop_id)
        .select_only()
        .column(client::Column::Id);
    match segment {
        Segment::AllConsenting => {}
        Segment::Label(label_id) => {
            query = query.filter(
                client::Column::Id.in_subquery(
                    Query::select()
                        .column(client_label::Column::ClientId)
                        .from(client_label::Entity)
                        .and_where(client_label::Column::ShopId.eq(shop_id))
                        .and_where(client_label::Column::LabelId.eq(label_id))
                        .to_owned(),
                ),
            );
        }
        Segment::Lapsed(days) => {
            let since = now - Duration::days(days);
            query = query.filter(
                Condition::any()
                    .add(client::Column::LastVisitAt.lt(since))
                    .add(
                        Condition::all()
                            .add(client::Column::LastVisitAt.is_null())
                            .add(client::Column::CreatedAt.lt(since)),
                    ),
            );
        }
    }
    let ids: Vec<i64> = query
        .order_by_asc(client::Column::Id)
        .into_tuple()
        .all(db)
        .await
        .map_err(db_error)?;
    if ids.is_empty() {
        return Ok(ids);
    }
    let consenting = consent::consenting_in_shop(db, shop_id).await?;
    Ok(ids
        .into_iter()
        .filter(|&id| consenting.allows(id))
        .collect())
}

/// Whether this client may get an e-mail now: the same rule as the segments'.
pub(crate) async fn may_email(
    db: &impl ConnectionTrait,
    shop_id: i64,
    client_id: i64,
) -> Result<bool, AppError> {
    let found: Option<i64> = with_address(shop_id)
        .select_only()
        .column(client::Column::Id)
        .filter(client::Column::Id.eq(client_id))
        .into_tuple()
        .one(db)
        .await
        .map_err(db_error)?;
    Ok(found.is_some() && consent::client_consents(db, shop_id, client_id).await?)
}

/// The text's values for one client.
pub(crate) fn values_for(client: &client::Model, shop_name: &str) -> MailValues {
    MailValues {
        first_name: client.first_name.clone(),
        last_name: client.last_name.clone(),
        points: client.points_balance,
        shop: shop_name.to_owned(),
        ..MailValues::default()
    }
}

/// The form read, its label checked to be one of the shop's.
async fn read_form(
    db: &impl ConnectionTrait,
    shop_id: i64,
    form: &CampaignForm,
) -> Result<CampaignText, AppError> {
    let text = form.validate()?;
    if let Segment::Label(label_id) = text.segment {
        label::Entity::find_by_id(label_id)
            .filter(label::Column::ShopId.eq(shop_id))
            .one(db)
            .await
            .map_err(db_error)?
            .ok_or_else(|| AppError::invalid("label", FieldProblem::InvalidChoice))?;
    }
    Ok(text)
}

/// The campaigns sent, newest first, and the tags and groups a new one can go to; owners only.
pub async fn campaign_list(db: &Db, user: &CurrentUser) -> Result<CampaignList, AppError> {
    owner_only(user)?;
    let rows = mail_campaign::Entity::find()
        .filter(mail_campaign::Column::ShopId.eq(user.shop_id))
        .order_by_desc(mail_campaign::Column::Id)
        .limit(LISTED_CAMPAIGNS)
        .all(db)
        .await
        .map_err(db_error)?;
    let labels = label::Entity::find()
        .filter(label::Column::ShopId.eq(user.shop_id))
        .order_by_asc(label::Column::Kind)
        .order_by_asc(label::Column::Key)
        .all(db)
        .await
        .map_err(db_error)?;
    let campaigns = summaries(db, user, rows, &labels).await?;
    Ok(CampaignList {
        campaigns,
        automations: automatic::automations(db, user.shop_id).await?,
        labels: labels
            .into_iter()
            .map(|label| SegmentLabel {
                id: label.id,
                name: label.name,
                is_group: label.kind == LabelKind::Group.code(),
            })
            .collect(),
    })
}

#[derive(FromQueryResult)]
struct StatusCount {
    campaign_id: i64,
    status: String,
    messages: i64,
}

async fn summaries(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    rows: Vec<mail_campaign::Model>,
    labels: &[label::Model],
) -> Result<Vec<CampaignSummary>, AppError> {
    let zone = shop_zone(&user.time_zone);
    let mut counts: HashMap<i64, MailCounts> = HashMap::new();
    if !rows.is_empty() {
        let counted = outgoing_mail::Entity::find()
            .select_only()
            .column(outgoing_mail::Column::CampaignId)
            .column(outgoing_mail::Column::Status)
            .column_as(Expr::col(outgoing_mail::Column::Id).count(), "messages")
            .filter(outgoing_mail::Column::ShopId.eq(user.shop_id))
            .filter(outgoing_mail::Column::CampaignId.is_in(rows.iter().map(|row| row.id)))
            .group_by(outgoing_mail::Column::CampaignId)
            .group_by(outgoing_mail::Column::Status)
            .into_model::<StatusCount>()
            .all(db)
            .await
            .map_err(db_error)?;
        for count in counted {
            if let Some(status) = MailStatus::from_code(&count.status) {
                counts
                    .entry(count.campaign_id)
                    .or_default()
                    .add(status, u64::try_from(count.messages).unwrap_or(0));
            }
        }
    }
    let authors = display_names(db, rows.iter().map(|row| row.author_user_id)).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let segment = Segment::from_code(&row.segment).unwrap_or(Segment::AllConsenting);
            let label_name = match segment {
                Segment::Label(label_id) => labels
                    .iter()
                    .find(|label| label.id == label_id)
                    .map(|label| label.name.clone()),
                _ => None,
            };
            CampaignSummary {
                id: row.id,
                subject: row.subject,
                segment,
                label_name,
                created_at: format_date_time(row.created_at, zone),
                author_name: authors
                    .get(&row.author_user_id)
                    .cloned()
                    .unwrap_or_default(),
                counts: counts.get(&row.id).copied().unwrap_or_default(),
            }
        })
        .collect())
}

/// How many would get the campaign now, and the text as the first of them would read it.
pub async fn preview(
    db: &Db,
    actor: &Actor,
    form: &CampaignForm,
) -> Result<CampaignPreview, AppError> {
    owner_only(actor)?;
    let text = read_form(db, actor.shop_id, form).await?;
    let ids = recipients(db, actor.shop_id, text.segment, Utc::now()).await?;
    let first = match ids.first() {
        Some(&client_id) => active_clients(actor.shop_id)
            .filter(client::Column::Id.eq(client_id))
            .one(db)
            .await
            .map_err(db_error)?,
        None => None,
    };
    let values = first
        .as_ref()
        .map(|client| values_for(client, &actor.shop_name))
        .unwrap_or_else(|| sample_values(actor));
    Ok(CampaignPreview {
        recipients: ids.len() as u64,
        client_name: first.as_ref().map(name_of),
        subject: fill(&text.subject, &values),
        body: fill(&text.body, &values),
    })
}

/// With no client in the segment, the owner's own name fills the preview and the test.
fn sample_values(actor: &Actor) -> MailValues {
    let (first_name, last_name) = actor
        .display_name
        .split_once(' ')
        .unwrap_or((&actor.display_name, ""));
    MailValues {
        first_name: first_name.to_owned(),
        last_name: last_name.to_owned(),
        points: 0,
        shop: actor.shop_name.clone(),
        ..MailValues::default()
    }
}

/// Sends the campaign to the owner's own address, filled with the owner's name, marked as a
/// test; nothing is queued or kept but the audit line.
pub async fn send_test(
    db: &Db,
    mailer: &Mailer,
    actor: &Actor,
    form: &CampaignForm,
) -> Result<String, AppError> {
    owner_only(actor)?;
    let text = read_form(db, actor.shop_id, form).await?;
    let values = sample_values(actor);
    let mail = MailText {
        subject: format!("[Test] {}", fill(&text.subject, &values)),
        body: format!(
            "{}{}",
            fill(&text.body, &values),
            super::mail::texts::campaign_test_footer()
        ),
    };
    mailer
        .send(OutgoingMail {
            to: &actor.email,
            text: mail,
            from_name: Some(&actor.shop_name),
            list_unsubscribe: None,
        })
        .await
        .map_err(|error| {
            tracing::error!(%error, "the test e-mail was not sent");
            AppError::Internal
        })?;
    audit::write(
        db,
        AuditRecord::by(actor, AuditKind::CampaignTested).detail(text.subject),
    )
    .await?;
    Ok(actor.email.clone())
}

/// Queues the campaign for every client of its segment who agreed to e-mails, in one write
/// transaction: either every recipient is queued or none is. The segment is read before it, so
/// the write holds SQLite's one writer only for the inserts (BENCHMARKS.md). Returns the
/// campaign's id.
pub async fn send_campaign(db: &Db, actor: &Actor, form: &CampaignForm) -> Result<i64, AppError> {
    owner_only(actor)?;
    let now = Utc::now();
    let text = read_form(db, actor.shop_id, form).await?;
    let ids = recipients(db, actor.shop_id, text.segment, now).await?;
    if ids.is_empty() {
        return Err(AppError::invalid("segment", FieldProblem::NoRecipients));
    }
    let txn = db.begin_write().await?;
    let campaign = mail_campaign::ActiveModel {
        shop_id: Set(actor.shop_id),
        author_user_id: Set(actor.user_id),
        subject: Set(text.subject.clone()),
        body: Set(text.body),
        segment: Set(text.segment.code()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(db_error)?;
    for chunk in ids.chunks(QUEUED_PER_INSERT) {
        outgoing_mail::Entity::insert_many(chunk.iter().map(|&client_id| {
            outgoing_mail::ActiveModel {
                shop_id: Set(actor.shop_id),
                kind: Set(MailKind::Campaign.code().to_owned()),
                campaign_id: Set(Some(campaign.id)),
                client_id: Set(client_id),
                dedupe_key: Set(campaign_dedupe_key(campaign.id, client_id)),
                status: Set(MailStatus::Queued.code().to_owned()),
                queued_at: Set(now),
                ..Default::default()
            }
        }))
        .exec_without_returning(&txn)
        .await
        .map_err(db_error)?;
    }
    audit::write(
        &txn,
        AuditRecord::by(actor, AuditKind::CampaignSent).detail(format!(
            "campaign {}: {} recipient(s), {}",
            campaign.id,
            ids.len(),
            text.subject
        )),
    )
    .await?;
    txn.commit().await.map_err(db_error)?;
    Ok(campaign.id)
}

/// A campaign with its recipients' messages, a page at a time; owners only.
pub async fn campaign_detail(
    db: &Db,
    user: &CurrentUser,
    campaign_id: i64,
    page: u64,
) -> Result<CampaignDetail, AppError> {
    owner_only(user)?;
    let row = mail_campaign::Entity::find_by_id(campaign_id)
        .filter(mail_campaign::Column::ShopId.eq(user.shop_id))
        .one(db)
        .await
        .map_err(db_error)?
        .ok_or(AppError::NotFound)?;
    let labels = match Segment::from_code(&row.segment) {
        Some(Segment::Label(label_id)) => label::Entity::find_by_id(label_id)
            .filter(label::Column::ShopId.eq(user.shop_id))
            .all(db)
            .await
            .map_err(db_error)?,
        _ => Vec::new(),
    };
    let body = row.body.clone();
    let summary = summaries(db, user, vec![row], &labels)
        .await?
        .pop()
        .ok_or(AppError::NotFound)?;
    let offset = existing_page_offset(page, CAMPAIGN_PAGE_SIZE, summary.counts.total())?;
    let messages = outgoing_mail::Entity::find()
        .filter(outgoing_mail::Column::ShopId.eq(user.shop_id))
        .filter(outgoing_mail::Column::CampaignId.eq(campaign_id))
        .order_by_asc(outgoing_mail::Column::Id)
        .offset(offset)
        .limit(CAMPAIGN_PAGE_SIZE)
        .all(db)
        .await
        .map_err(db_error)?;
    Ok(CampaignDetail {
        summary,
        body,
        page,
        lines: lines(db, user, messages).await?,
    })
}

/// The automatic e-mails of the shop, newest first; owners only.
pub async fn automatic_messages(
    db: &Db,
    user: &CurrentUser,
    page: u64,
) -> Result<AutomaticMailLog, AppError> {
    owner_only(user)?;
    let automatic = || {
        outgoing_mail::Entity::find()
            .filter(outgoing_mail::Column::ShopId.eq(user.shop_id))
            .filter(outgoing_mail::Column::CampaignId.is_null())
    };
    let total = automatic().count(db).await.map_err(db_error)?;
    let offset = existing_page_offset(page, CAMPAIGN_PAGE_SIZE, total)?;
    let messages = automatic()
        .order_by_desc(outgoing_mail::Column::Id)
        .offset(offset)
        .limit(CAMPAIGN_PAGE_SIZE)
        .all(db)
        .await
        .map_err(db_error)?;
    Ok(AutomaticMailLog {
        page,
        total,
        lines: lines(db, user, messages).await?,
    })
}

/// The messages as the pages list them, with their clients' names.
async fn lines(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    messages: Vec<outgoing_mail::Model>,
) -> Result<Vec<MailLine>, AppError> {
    let clients: HashMap<i64, client::Model> = client::Entity::find()
        .filter(client::Column::ShopId.eq(user.shop_id))
        .filter(client::Column::Id.is_in(messages.iter().map(|message| message.client_id)))
        .all(db)
        .await
        .map_err(db_error)?
        .into_iter()
        .map(|client| (client.id, client))
        .collect();
    let zone = shop_zone(&user.time_zone);
    Ok(messages
        .into_iter()
        .map(|message| MailLine {
            kind: MailKind::from_code(&message.kind).unwrap_or(MailKind::Campaign),
            client_id: message.client_id,
            client_name: clients
                .get(&message.client_id)
                .map(name_of)
                .unwrap_or_default(),
            status: MailStatus::from_code(&message.status).unwrap_or(MailStatus::Queued),
            finished_at: message.finished_at.map(|at| format_date_time(at, zone)),
            error: message.error,
        })
        .collect())
}
