//! The ledger's entries over a period, in time order, as the journal filters them.

use sea_orm::{EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::{BATCH, Download};
use crate::entities::ledger_entry;
use crate::model::audit::AuditKind;
use crate::model::error::AppError;
use crate::model::exports::ExportFormat;
use crate::model::ledger::{EntryKind, JournalFilter};
use crate::services::audit::{self, Actor, AuditRecord};
use crate::services::csv_file::{Cell, CsvFile};
use crate::services::db::Db;
use crate::services::ledger::{JournalScope, transaction_views};
use crate::services::time::{shop_zone, today};
use crate::services::{db_error, owner_only};

const COLUMNS: [(&str, &str); 10] = [
    ("id", "N° transaction"),
    ("recorded_at", "Date"),
    ("client_id", "N° client"),
    ("client", "Client"),
    ("kind", "Type"),
    ("points", "Points"),
    ("amount_eur", "Montant (€)"),
    ("refers_to", "Corrige la transaction"),
    ("reversed_by", "Annulée par"),
    ("by", "Par"),
];

fn kind(format: ExportFormat, kind: EntryKind) -> Cell {
    Cell::Value(
        match format {
            ExportFormat::Data => kind.code(),
            ExportFormat::Spreadsheet => match kind {
                EntryKind::Earn => "Achat",
                EntryKind::Reversal => "Annulation",
                EntryKind::Correction => "Correction",
                EntryKind::Redeem => "Points utilisés",
                EntryKind::Transfer => "Fusion de fiches",
                EntryKind::Expire => "Points expirés",
                EntryKind::Import => "Reprise (import)",
            },
        }
        .to_owned(),
    )
}

/// The shop's entries between two days (inclusive, in the shop's time zone; either may be
/// open), for one client when the filter names one.
pub async fn transactions_csv(
    db: &Db,
    actor: &Actor,
    format: ExportFormat,
    filter: &JournalFilter,
) -> Result<Download, AppError> {
    transactions_in_batches(db, actor, format, filter, BATCH).await
}

pub(super) async fn transactions_in_batches(
    db: &Db,
    actor: &Actor,
    format: ExportFormat,
    filter: &JournalFilter,
    batch_size: u64,
) -> Result<Download, AppError> {
    owner_only(actor)?;
    let zone = shop_zone(&actor.time_zone);
    let scope = JournalScope::read(db, actor, filter).await?;
    let mut file = CsvFile::new(format);
    file.header(&COLUMNS)?;
    let mut resume = None;
    loop {
        let batch = ledger_entry::Entity::find()
            .filter(scope.condition(resume))
            .order_by_asc(ledger_entry::Column::CreatedAt)
            .order_by_asc(ledger_entry::Column::Id)
            .limit(batch_size)
            .all(db)
            .await
            .map_err(db_error)?;
        let Some(last) = batch.last() else { break };
        resume = Some((last.created_at, last.id));
        let moments: Vec<_> = batch.iter().map(|entry| entry.created_at).collect();
        for (entry, moment) in transaction_views(db, zone, batch)
            .await?
            .into_iter()
            .zip(moments)
        {
            let cells = vec![
                file.number(entry.id),
                file.moment(Some(moment), zone),
                file.number(entry.client_id),
                Cell::Text(entry.client_name),
                kind(format, entry.kind),
                file.number(entry.points),
                entry
                    .amount_cents
                    .map_or(Cell::Value(String::new()), |cents| file.euros(cents)),
                Cell::Value(entry.refers_to.map(|id| id.to_string()).unwrap_or_default()),
                Cell::Value(
                    entry
                        .reversed_by
                        .map(|id| id.to_string())
                        .unwrap_or_default(),
                ),
                Cell::Text(entry.author_name),
            ];
            file.row(cells)?;
        }
    }
    let rows = file.rows();
    let period = format!("{}..{}", filter.from.trim(), filter.to.trim());
    audit::write(
        db,
        AuditRecord::by(actor, AuditKind::TransactionsExported).detail(format!("{rows} {period}")),
    )
    .await?;
    let day = |text: &str| match text.trim() {
        "" => None,
        day => Some(day.to_owned()),
    };
    let file_name = match (day(&filter.from), day(&filter.to)) {
        (None, None) => format!("transactions-{}.csv", today(zone).format("%Y-%m-%d")),
        (from, to) => format!(
            "transactions-{}-{}.csv",
            from.unwrap_or_else(|| "debut".into()),
            to.unwrap_or_else(|| today(zone).format("%Y-%m-%d").to_string())
        ),
    };
    Ok(Download {
        file_name,
        bytes: file.finish()?,
        rows,
    })
}
