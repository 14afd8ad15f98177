//! The e-mails the app sends by itself once the owner switches them on: a welcome to a client
//! newly enrolled, a birthday wish, a reward earned, a reward a week from its end. The planner
//! looks for what is due in every shop and queues one message per purpose (`dedupe_key`), to
//! the clients who agreed to e-mails; the sender then handles them like a campaign's.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set,
};

use super::consent::consenting_in_shop;
use super::with_address;
use crate::entities::{client, earned_reward, mail_automation, outgoing_mail, shop};
use crate::model::audit::AuditKind;
use crate::model::campaigns::{
    AutomationForm, AutomationView, EXPIRY_REMINDER_DAYS, MailKind, MailStatus,
};
use crate::model::error::AppError;
use crate::model::rewards::EarnedStatus;
use crate::services::audit::{self, Actor, AuditRecord};
use crate::services::db::Db;
use crate::services::time::shop_zone;
use crate::services::{db_error, owner_only};

/// A welcome goes to clients enrolled since the e-mail was switched on, within this many days.
const WELCOME_WITHIN_DAYS: i64 = 30;
/// A reward earned is written about within this many days.
const EARNED_WITHIN_DAYS: i64 = 2;

/// The shop's automatic e-mails, each as the owner set it or as it starts.
pub async fn automations(
    db: &impl ConnectionTrait,
    shop_id: i64,
) -> Result<Vec<AutomationView>, AppError> {
    let saved: HashMap<String, mail_automation::Model> = mail_automation::Entity::find()
        .filter(mail_automation::Column::ShopId.eq(shop_id))
        .all(db)
        .await
        .map_err(db_error)?
        .into_iter()
        .map(|row| (row.kind.clone(), row))
        .collect();
    Ok(MailKind::AUTOMATIC
        .iter()
        .map(|&kind| match saved.get(kind.code()) {
            Some(row) => AutomationView {
                kind,
                enabled: row.enabled,
                subject: row.subject.clone(),
                body: row.body.clone(),
            },
            None => {
                let (subject, body) = kind.default_text();
                AutomationView {
                    kind,
                    enabled: false,
                    subject: subject.to_owned(),
                    body: body.to_owned(),
                }
            }
        })
        .collect())
}

/// Saves an automatic e-mail (owner only). Switching one on starts it from now: what happened
/// before (clients enrolled, rewards earned) is not written about.
pub async fn save_automation(
    db: &Db,
    actor: &Actor,
    form: &AutomationForm,
) -> Result<AutomationView, AppError> {
    owner_only(actor)?;
    let wanted = form.validate()?;
    let now = Utc::now();
    let txn = db.begin_write().await?;
    let found = mail_automation::Entity::find()
        .filter(mail_automation::Column::ShopId.eq(actor.shop_id))
        .filter(mail_automation::Column::Kind.eq(wanted.kind.code()))
        .one(&txn)
        .await
        .map_err(db_error)?;
    let switched_on = wanted.enabled && !found.as_ref().is_some_and(|row| row.enabled);
    let mut row: mail_automation::ActiveModel = match found {
        Some(row) => row.into(),
        None => mail_automation::ActiveModel {
            shop_id: Set(actor.shop_id),
            kind: Set(wanted.kind.code().to_owned()),
            ..Default::default()
        },
    };
    row.enabled = Set(wanted.enabled);
    row.subject = Set(wanted.subject.clone());
    row.body = Set(wanted.body.clone());
    row.changed_by_user_id = Set(actor.user_id);
    row.changed_at = Set(now);
    if switched_on {
        row.enabled_at = Set(Some(now));
    }
    row.save(&txn).await.map_err(db_error)?;
    audit::write(
        &txn,
        AuditRecord::by(actor, AuditKind::AutomaticMailChanged).detail(format!(
            "{} {}",
            wanted.kind.code(),
            if wanted.enabled { "on" } else { "off" }
        )),
    )
    .await?;
    txn.commit().await.map_err(db_error)?;
    Ok(wanted)
}

/// What an automatic e-mail is for, so it is queued once: a welcome once per client, a birthday
/// once a year, a reward's e-mails once per reward.
fn dedupe_key(kind: MailKind, client_id: i64, year: i32, earned_id: Option<i64>) -> String {
    match (kind, earned_id) {
        (MailKind::Birthday, _) => format!("birthday:{year}:client:{client_id}"),
        (_, Some(earned_id)) => format!("{}:{earned_id}", kind.code()),
        _ => format!("{}:client:{client_id}", kind.code()),
    }
}

/// One message to queue: to whom, and the reward it is about.
struct Due {
    client_id: i64,
    earned_id: Option<i64>,
}

impl Due {
    fn to_client(client_id: i64) -> Self {
        Self {
            client_id,
            earned_id: None,
        }
    }
}

/// Queues what every shop's switched-on e-mails have due at `now`; answers how many messages
/// were queued (those queued already are not queued again).
pub async fn plan_automatic(db: &Db, now: DateTime<Utc>) -> Result<u64, AppError> {
    // Across shops on purpose: the planner serves every shop (SCALING.md).
    let mut switched_on = mail_automation::Entity::find()
        .filter(mail_automation::Column::Enabled.eq(true))
        .all(db)
        .await
        .map_err(db_error)?;
    // A shop's row and its clients' answers are read once for all its automations, the answers
    // only when one of them finds someone to write to.
    switched_on.sort_by_key(|automation| automation.shop_id);
    let mut queued = 0;
    for automations in switched_on.chunk_by(|one, other| one.shop_id == other.shop_id) {
        let shop_id = automations[0].shop_id;
        let Some(found) = shop::Entity::find_by_id(shop_id)
            .one(db)
            .await
            .map_err(db_error)?
        else {
            continue;
        };
        let zone = shop_zone(&found.time_zone);
        let mut consenting = None;
        for automation in automations {
            let Some(kind) = MailKind::from_code(&automation.kind) else {
                continue;
            };
            let since = automation.enabled_at.unwrap_or(automation.changed_at);
            let candidates = due(db, shop_id, kind, since, now, zone).await?;
            if candidates.is_empty() {
                continue;
            }
            if consenting.is_none() {
                consenting = Some(consenting_in_shop(db, shop_id).await?);
            }
            let due: Vec<Due> = candidates
                .into_iter()
                .filter(|due| {
                    consenting
                        .as_ref()
                        .is_some_and(|yes| yes.allows(due.client_id))
                })
                .collect();
            queued += queue(db, shop_id, kind, &due, now, zone).await?;
        }
    }
    Ok(queued)
}

/// Whom an automation writes to now, before their answers about e-mails are read.
async fn due(
    db: &Db,
    shop_id: i64,
    kind: MailKind,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
    zone: Tz,
) -> Result<Vec<Due>, AppError> {
    Ok(match kind {
        MailKind::Campaign => Vec::new(),
        MailKind::Welcome => {
            let from = since.max(now - Duration::days(WELCOME_WITHIN_DAYS));
            let enrolled: Vec<i64> = with_address(shop_id)
                .select_only()
                .column(client::Column::Id)
                .filter(client::Column::CreatedAt.gte(from))
                .into_tuple()
                .all(db)
                .await
                .map_err(db_error)?;
            enrolled.into_iter().map(Due::to_client).collect()
        }
        MailKind::Birthday => {
            let today = now.with_timezone(&zone).date_naive();
            let born: Vec<(i64, Option<NaiveDate>)> = with_address(shop_id)
                .select_only()
                .column(client::Column::Id)
                .column(client::Column::BirthDate)
                .filter(client::Column::BirthDate.is_not_null())
                .into_tuple()
                .all(db)
                .await
                .map_err(db_error)?;
            born.into_iter()
                .filter(|(_, birth)| birth.is_some_and(|birth| is_birthday(birth, today)))
                .map(|(id, _)| Due::to_client(id))
                .collect()
        }
        MailKind::RewardEarned | MailKind::RewardExpiring => {
            let mut query = earned_reward::Entity::find()
                .select_only()
                .column(earned_reward::Column::ClientId)
                .column(earned_reward::Column::Id)
                .filter(earned_reward::Column::ShopId.eq(shop_id))
                .filter(earned_reward::Column::Status.eq(EarnedStatus::Earned.code()));
            query = if kind == MailKind::RewardEarned {
                query.filter(
                    earned_reward::Column::EarnedAt
                        .gte(since.max(now - Duration::days(EARNED_WITHIN_DAYS))),
                )
            } else {
                query
                    .filter(earned_reward::Column::ValidUntil.gt(now))
                    .filter(
                        earned_reward::Column::ValidUntil
                            .lte(now + Duration::days(EXPIRY_REMINDER_DAYS)),
                    )
            };
            let rewards: Vec<(i64, i64)> = query.into_tuple().all(db).await.map_err(db_error)?;
            let with_address: HashSet<i64> = if rewards.is_empty() {
                HashSet::new()
            } else {
                with_address(shop_id)
                    .select_only()
                    .column(client::Column::Id)
                    .filter(client::Column::Id.is_in(rewards.iter().map(|(client, _)| *client)))
                    .into_tuple::<i64>()
                    .all(db)
                    .await
                    .map_err(db_error)?
                    .into_iter()
                    .collect()
            };
            rewards
                .into_iter()
                .filter(|(client_id, _)| with_address.contains(client_id))
                .map(|(client_id, earned_id)| Due {
                    client_id,
                    earned_id: Some(earned_id),
                })
                .collect()
        }
    })
}

/// Born on this day; one born on 29 February is wished on the 28th in other years.
fn is_birthday(birth: NaiveDate, today: NaiveDate) -> bool {
    let leap_day = birth.month() == 2 && birth.day() == 29;
    if leap_day && NaiveDate::from_ymd_opt(today.year(), 2, 29).is_none() {
        today.month() == 2 && today.day() == 28
    } else {
        birth.month() == today.month() && birth.day() == today.day()
    }
}

/// Messages written per statement.
const QUEUED_PER_INSERT: usize = 500;

async fn queue(
    db: &Db,
    shop_id: i64,
    kind: MailKind,
    due: &[Due],
    now: DateTime<Utc>,
    zone: Tz,
) -> Result<u64, AppError> {
    let year = now.with_timezone(&zone).year();
    let mut queued = 0;
    for chunk in due.chunks(QUEUED_PER_INSERT) {
        let rows = chunk.iter().map(|due| outgoing_mail::ActiveModel {
            shop_id: Set(shop_id),
            kind: Set(kind.code().to_owned()),
            campaign_id: Set(None),
            client_id: Set(due.client_id),
            earned_reward_id: Set(due.earned_id),
            dedupe_key: Set(dedupe_key(kind, due.client_id, year, due.earned_id)),
            status: Set(MailStatus::Queued.code().to_owned()),
            queued_at: Set(now),
            ..Default::default()
        });
        queued += outgoing_mail::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::columns([
                    outgoing_mail::Column::ShopId,
                    outgoing_mail::Column::DedupeKey,
                ])
                .do_nothing()
                .to_owned(),
            )
            .exec_without_returning(db)
            .await
            .map_err(db_error)?;
    }
    Ok(queued)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_leap_day_birthday_is_wished_on_the_28th_in_other_years() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("date");
        assert!(is_birthday(day(1992, 2, 29), day(2027, 2, 28)));
        assert!(!is_birthday(day(1992, 2, 29), day(2028, 2, 28)));
        assert!(is_birthday(day(1992, 2, 29), day(2028, 2, 29)));
        assert!(is_birthday(day(1985, 12, 4), day(2026, 12, 4)));
        assert!(!is_birthday(day(1985, 12, 4), day(2026, 12, 5)));
    }

    #[test]
    fn each_purpose_has_its_own_key() {
        assert_eq!(
            dedupe_key(MailKind::Birthday, 5, 2026, None),
            "birthday:2026:client:5"
        );
        assert_eq!(
            dedupe_key(MailKind::Welcome, 5, 2026, None),
            "welcome:client:5"
        );
        assert_eq!(
            dedupe_key(MailKind::RewardEarned, 5, 2026, Some(9)),
            "reward_earned:9"
        );
        assert_ne!(
            dedupe_key(MailKind::RewardExpiring, 5, 2026, Some(9)),
            dedupe_key(MailKind::RewardEarned, 5, 2026, Some(9))
        );
    }
}
