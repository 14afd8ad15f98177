//! The shop's loyalty programme: one live at a time (the database holds to it), started, changed,
//! suspended, resumed and ended by the owner, each step in the audit log. The till asks it how a
//! purchase earns today (`earning_now`); the rule itself is the model's, shared with the browser.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, Set,
};

use super::audit::{self, Actor, AuditRecord};
use super::db::Db;
use super::time::{shop_zone, today};
use super::{db_error, is_unique_violation, owner_only, update_in_shop};
use crate::entities::programme;
use crate::model::audit::AuditKind;
use crate::model::auth::CurrentUser;
use crate::model::error::{AppError, FieldProblem};
use crate::model::programme::{
    Earning, EarningRule, PointsExpiry, ProgrammeForm, ProgrammeSettings, ProgrammeState,
    ProgrammeStep, ProgrammeView,
};

pub mod expiry;
pub mod rewards;
pub mod terms;
#[cfg(test)]
mod tests;

/// The shop's live programme row (not ended), if any.
async fn live_row(
    db: &impl ConnectionTrait,
    shop_id: i64,
) -> Result<Option<programme::Model>, AppError> {
    programme::Entity::find()
        .filter(programme::Column::ShopId.eq(shop_id))
        .filter(programme::Column::EndedAt.is_null())
        .one(db)
        .await
        .map_err(db_error)
}

/// A stored rule the code cannot read is a fault, logged; the till then falls back to points
/// typed by hand rather than refusing every sale.
fn stored_rule(row: &programme::Model) -> Option<EarningRule> {
    serde_json::from_str(&row.rule)
        .inspect_err(|error| {
            tracing::error!(programme_id = row.id, %error, "unreadable programme rule");
        })
        .ok()
}

/// The stored expiry; one the code cannot read is logged and read as none (no points taken).
pub(crate) fn stored_expiry(row: &programme::Model) -> Option<PointsExpiry> {
    let text = row.points_expiry.as_deref()?;
    serde_json::from_str(text)
        .inspect_err(|error| {
            tracing::error!(programme_id = row.id, %error, "unreadable points expiry");
        })
        .ok()
}

fn expiry_code(expiry: Option<PointsExpiry>) -> Option<String> {
    expiry.and_then(|expiry| serde_json::to_string(&expiry).ok())
}

fn view(row: &programme::Model, user: &CurrentUser) -> ProgrammeView {
    let today = today(shop_zone(&user.time_zone));
    ProgrammeView {
        id: row.id,
        name: row.name.clone(),
        rule: stored_rule(row).unwrap_or(EarningRule::Manual),
        starts_on: row.starts_on,
        ends_on: row.ends_on,
        state: ProgrammeState::of(
            row.starts_on,
            row.ends_on,
            row.suspended_at.is_some(),
            today,
        ),
        points_expiry: stored_expiry(row),
    }
}

/// The shop's live programme, as every member of the team sees it (the till follows it).
pub async fn current(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
) -> Result<Option<ProgrammeView>, AppError> {
    Ok(live_row(db, user.shop_id)
        .await?
        .map(|row| view(&row, user)))
}

/// Each shop's live programme row as last read, kept a moment: the till asks for it with every
/// purchase, and reading it each time cost the till a third of its throughput (BENCHMARKS.md).
/// A change made through this process forgets it at once; one made on another server shows
/// within `FRESH_FOR`.
#[derive(Default)]
struct ProgrammeCache(Mutex<HashMap<i64, (Instant, Option<programme::Model>)>>);

const FRESH_FOR: Duration = Duration::from_secs(1);

impl ProgrammeCache {
    fn entries(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<i64, (Instant, Option<programme::Model>)>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn fresh(&self, shop_id: i64) -> Option<Option<programme::Model>> {
        self.entries()
            .get(&shop_id)
            .filter(|(read_at, _)| read_at.elapsed() < FRESH_FOR)
            .map(|(_, row)| row.clone())
    }

    fn keep(&self, shop_id: i64, row: Option<programme::Model>) {
        self.entries().insert(shop_id, (Instant::now(), row));
    }

    fn forget(db: &Db, shop_id: i64) {
        db.attached::<Self>().entries().remove(&shop_id);
    }
}

/// How a purchase earns at the till today; with no programme, points are typed by hand.
pub async fn earning_now(db: &Db, user: &CurrentUser) -> Result<Earning, AppError> {
    let cache = db.attached::<ProgrammeCache>();
    let row = match cache.fresh(user.shop_id) {
        Some(row) => row,
        None => {
            let row = live_row(db, user.shop_id).await?;
            cache.keep(user.shop_id, row.clone());
            row
        }
    };
    Ok(row.map_or(Earning::ByHand, |row| view(&row, user).earning()))
}

/// `per_euro: 1 pt/€ …` — the settings as the audit log keeps them, to show a change.
fn described(settings: &ProgrammeSettings) -> String {
    let starts = settings
        .starts_on
        .map(|day| day.to_string())
        .unwrap_or_default();
    let ends = settings
        .ends_on
        .map(|day| format!(" → {day}"))
        .unwrap_or_default();
    let expiry = expiry_code(settings.points_expiry)
        .map(|expiry| format!(", expiry {expiry}"))
        .unwrap_or_default();
    format!(
        "{} ({}, {starts}{ends}{expiry})",
        settings.name,
        rule_code(&settings.rule),
    )
}

fn rule_code(rule: &EarningRule) -> String {
    serde_json::to_string(rule).unwrap_or_else(|_| rule.kind().code().to_owned())
}

fn settings_of(row: &programme::Model) -> ProgrammeSettings {
    ProgrammeSettings {
        name: row.name.clone(),
        rule: stored_rule(row).unwrap_or(EarningRule::Manual),
        starts_on: Some(row.starts_on),
        ends_on: row.ends_on,
        points_expiry: stored_expiry(row),
    }
}

/// The settings as checked by the model, with an empty start read as the shop's today; an end
/// before that day is refused like any end before its start.
fn dated(form: &ProgrammeForm, user: &CurrentUser) -> Result<ProgrammeSettings, AppError> {
    let mut settings = form.validate()?;
    let starts_on = settings
        .starts_on
        .unwrap_or_else(|| today(shop_zone(&user.time_zone)));
    if settings.ends_on.is_some_and(|end| end < starts_on) {
        return Err(AppError::invalid("ends_on", FieldProblem::EndBeforeStart));
    }
    settings.starts_on = Some(starts_on);
    Ok(settings)
}

/// The start of settings that went through `dated`.
fn start_day(settings: &ProgrammeSettings, user: &CurrentUser) -> chrono::NaiveDate {
    settings
        .starts_on
        .unwrap_or_else(|| today(shop_zone(&user.time_zone)))
}

/// Starts a programme. Refused while another is live: it must be ended first.
pub async fn start(
    db: &Db,
    actor: &Actor,
    form: &ProgrammeForm,
) -> Result<ProgrammeView, AppError> {
    owner_only(actor)?;
    let settings = dated(form, actor)?;
    let txn = db.begin_write().await?;
    if live_row(&txn, actor.shop_id).await?.is_some() {
        return Err(AppError::ProgrammeExists);
    }
    let row = programme::ActiveModel {
        shop_id: Set(actor.shop_id),
        name: Set(settings.name.clone()),
        kind: Set(settings.rule.kind().code().to_owned()),
        rule: Set(rule_code(&settings.rule)),
        starts_on: Set(start_day(&settings, actor)),
        ends_on: Set(settings.ends_on),
        suspended_at: Set(None),
        ended_at: Set(None),
        created_at: Set(Utc::now()),
        points_expiry: Set(expiry_code(settings.points_expiry)),
        ..Default::default()
    };
    let row = match row.insert(&txn).await {
        Ok(row) => row,
        // Another server started one between our check and our insert.
        Err(error) if is_unique_violation(&error) => return Err(AppError::ProgrammeExists),
        Err(error) => return Err(db_error(error)),
    };
    audit::write(
        &txn,
        AuditRecord::by(actor, AuditKind::ProgrammeStarted).detail(described(&settings)),
    )
    .await?;
    txn.commit().await.map_err(db_error)?;
    ProgrammeCache::forget(db, actor.shop_id);
    Ok(view(&row, actor))
}

/// Changes the live programme's settings from now on: balances stay as they are. Its kind stays
/// too (points and stamps do not convert); another kind is another programme.
pub async fn change(
    db: &Db,
    actor: &Actor,
    form: &ProgrammeForm,
) -> Result<ProgrammeView, AppError> {
    owner_only(actor)?;
    let settings = dated(form, actor)?;
    let txn = db.begin_write().await?;
    let row = live_row(&txn, actor.shop_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let before = settings_of(&row);
    if before.rule.kind() != settings.rule.kind() {
        return Err(AppError::invalid("kind", FieldProblem::KindIsFixed));
    }
    if before == settings {
        return Ok(view(&row, actor));
    }
    let mut changed = row.into_active_model();
    changed.name = Set(settings.name.clone());
    changed.rule = Set(rule_code(&settings.rule));
    changed.starts_on = Set(start_day(&settings, actor));
    changed.ends_on = Set(settings.ends_on);
    changed.points_expiry = Set(expiry_code(settings.points_expiry));
    let row = update_in_shop(&txn, changed, programme::Column::ShopId, actor.shop_id).await?;
    audit::write(
        &txn,
        AuditRecord::by(actor, AuditKind::ProgrammeChanged).detail(format!(
            "{} → {}",
            described(&before),
            described(&settings)
        )),
    )
    .await?;
    txn.commit().await.map_err(db_error)?;
    ProgrammeCache::forget(db, actor.shop_id);
    Ok(view(&row, actor))
}

/// Suspends, resumes or ends the live programme. Doing what is already done changes nothing
/// and writes no audit row.
pub async fn step(
    db: &Db,
    actor: &Actor,
    step: ProgrammeStep,
) -> Result<Option<ProgrammeView>, AppError> {
    owner_only(actor)?;
    let txn = db.begin_write().await?;
    let row = live_row(&txn, actor.shop_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = Utc::now();
    let suspended = row.suspended_at.is_some();
    let kind = match step {
        ProgrammeStep::Suspend if suspended => return Ok(Some(view(&row, actor))),
        ProgrammeStep::Resume if !suspended => return Ok(Some(view(&row, actor))),
        ProgrammeStep::Suspend => AuditKind::ProgrammeSuspended,
        ProgrammeStep::Resume => AuditKind::ProgrammeResumed,
        ProgrammeStep::End => AuditKind::ProgrammeEnded,
    };
    let mut changed = row.into_active_model();
    match step {
        ProgrammeStep::Suspend => changed.suspended_at = Set(Some(now)),
        ProgrammeStep::Resume => changed.suspended_at = Set(None),
        ProgrammeStep::End => changed.ended_at = Set(Some(now)),
    }
    let row = update_in_shop(&txn, changed, programme::Column::ShopId, actor.shop_id).await?;
    audit::write(&txn, AuditRecord::by(actor, kind).detail(row.name.clone())).await?;
    txn.commit().await.map_err(db_error)?;
    ProgrammeCache::forget(db, actor.shop_id);
    Ok((step != ProgrammeStep::End).then(|| view(&row, actor)))
}
