//! Everything the shop holds about one client, as a file the merchant can hand over when the
//! client asks for it (GDPR art. 15): identity, consents with their history, notes and every
//! ledger entry, in JSON and in CSV.

use chrono::Utc;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use super::lookup::{find_in_shop, form_of};
use crate::entities::{client, client_note, consent_change, ledger_entry};
use crate::model::audit::AuditKind;
use crate::model::client::ClientForm;
use crate::model::error::AppError;
use crate::services::audit::{self, Actor, AuditRecord};
use crate::services::db::Db;
use crate::services::time::{format_date_time, shop_zone};
use crate::services::{db_error, display_names};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClientReport {
    pub shop: String,
    /// In the shop's time zone, `23/11/2026 14:05`.
    pub generated_at: String,
    pub client: ReportIdentity,
    /// Other files of the same person, merged into this one, as they were.
    pub merged_files: Vec<ReportIdentity>,
    pub points_balance: i64,
    pub consents: Vec<ReportConsent>,
    pub notes: Vec<ReportNote>,
    pub transactions: Vec<ReportEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportIdentity {
    pub id: i64,
    pub created_at: String,
    /// The fields of the client form, as the shop's edit form shows them.
    #[serde(flatten)]
    pub details: ClientForm,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportConsent {
    pub changed_at: String,
    pub channel: String,
    pub granted: bool,
    pub source: String,
    pub by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportNote {
    pub written_at: String,
    pub by: String,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportEntry {
    pub id: i64,
    pub recorded_at: String,
    pub kind: String,
    pub points: i64,
    pub amount_cents: Option<i64>,
    pub refers_to: Option<i64>,
    pub by: String,
}

/// The client's data report, oldest first; the export itself is written in the audit log.
pub async fn client_report(
    db: &Db,
    actor: &Actor,
    client_id: i64,
) -> Result<ClientReport, AppError> {
    let zone = shop_zone(&actor.time_zone);
    let client = find_in_shop(db, actor.shop_id, client_id).await?;
    // Files merged into this one are the same person's data.
    let merged = client::Entity::find()
        .filter(client::Column::MergedIntoId.eq(client.id))
        .order_by_asc(client::Column::Id)
        .all(db)
        .await
        .map_err(db_error)?;
    let ids: Vec<i64> = std::iter::once(client.id)
        .chain(merged.iter().map(|file| file.id))
        .collect();
    let consents = consent_change::Entity::find()
        .filter(consent_change::Column::ClientId.is_in(ids.clone()))
        .order_by_asc(consent_change::Column::Id)
        .all(db)
        .await
        .map_err(db_error)?;
    let notes = client_note::Entity::find()
        .filter(client_note::Column::ClientId.is_in(ids.clone()))
        .order_by_asc(client_note::Column::Id)
        .all(db)
        .await
        .map_err(db_error)?;
    let entries = ledger_entry::Entity::find()
        .filter(ledger_entry::Column::ClientId.is_in(ids.clone()))
        .order_by_asc(ledger_entry::Column::Id)
        .all(db)
        .await
        .map_err(db_error)?;
    let authors = consents
        .iter()
        .map(|change| change.author_user_id)
        .chain(notes.iter().map(|note| note.author_user_id))
        .chain(entries.iter().map(|entry| entry.author_user_id));
    let names = display_names(db, authors).await?;
    let name = |id: i64| names.get(&id).cloned().unwrap_or_default();
    let report = ClientReport {
        shop: actor.shop_name.clone(),
        generated_at: format_date_time(Utc::now(), zone),
        client: identity(&client, zone),
        merged_files: merged.iter().map(|file| identity(file, zone)).collect(),
        points_balance: client.points_balance,
        consents: consents
            .iter()
            .map(|change| ReportConsent {
                changed_at: format_date_time(change.changed_at, zone),
                channel: change.channel.clone(),
                granted: change.granted,
                source: change.source.clone(),
                by: name(change.author_user_id),
            })
            .collect(),
        notes: notes
            .iter()
            .map(|note| ReportNote {
                written_at: format_date_time(note.created_at, zone),
                by: name(note.author_user_id),
                body: note.body.clone(),
            })
            .collect(),
        transactions: entries
            .iter()
            .map(|entry| ReportEntry {
                id: entry.id,
                recorded_at: format_date_time(entry.created_at, zone),
                kind: entry.kind.clone(),
                points: entry.points,
                amount_cents: entry.amount_cents,
                refers_to: entry.reverses_entry_id.or(entry.corrects_entry_id),
                by: name(entry.author_user_id),
            })
            .collect(),
    };
    audit::write(
        db,
        AuditRecord::by(actor, AuditKind::DataExported).client(client_id),
    )
    .await?;
    Ok(report)
}

/// One CSV field: quoted when needed, and text that a spreadsheet would run as a formula is
/// prefixed with `'` (a note typed as `=HYPERLINK(…)` stays text).
fn csv_field(value: &str) -> String {
    let risky = value.starts_with(['=', '+', '@', '\t', '\r'])
        || (value.starts_with('-') && value.parse::<f64>().is_err());
    let value = if risky {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

fn identity(client: &client::Model, zone: chrono_tz::Tz) -> ReportIdentity {
    ReportIdentity {
        id: client.id,
        created_at: format_date_time(client.created_at, zone),
        details: form_of(client),
    }
}

/// The rows of one file's identity, in the CSV's `section,date,field,value,by` shape.
fn identity_rows(rows: &mut Vec<[String; 5]>, section: &str, identity: &ReportIdentity) {
    let details = &identity.details;
    for (field, value) in [
        ("id", identity.id.to_string()),
        ("civility", details.civility.clone()),
        ("first_name", details.first_name.clone()),
        ("last_name", details.last_name.clone()),
        ("email", details.email.clone()),
        ("phone", details.phone.clone()),
        ("address", details.address.clone()),
        ("postal_code", details.postal_code.clone()),
        ("city", details.city.clone()),
        ("birth_date", details.birth_date.clone()),
        ("note", details.note.clone()),
    ] {
        rows.push([
            section.into(),
            identity.created_at.clone(),
            field.into(),
            value,
            String::new(),
        ]);
    }
}

impl ClientReport {
    /// The same report as rows of `section,date,field,value,by`, readable in any spreadsheet.
    pub fn to_csv(&self) -> String {
        let mut rows: Vec<[String; 5]> = vec![[
            "section".into(),
            "date".into(),
            "field".into(),
            "value".into(),
            "by".into(),
        ]];
        let files = std::iter::once(("client", &self.client))
            .chain(self.merged_files.iter().map(|file| ("merged_file", file)));
        for (section, identity) in files {
            identity_rows(&mut rows, section, identity);
        }
        rows.push([
            "client".into(),
            self.client.created_at.clone(),
            "points_balance".into(),
            self.points_balance.to_string(),
            String::new(),
        ]);
        for consent in &self.consents {
            rows.push([
                "consent".into(),
                consent.changed_at.clone(),
                consent.channel.clone(),
                format!(
                    "{} ({})",
                    if consent.granted { "yes" } else { "no" },
                    consent.source
                ),
                consent.by.clone(),
            ]);
        }
        for note in &self.notes {
            rows.push([
                "note".into(),
                note.written_at.clone(),
                "body".into(),
                note.body.clone(),
                note.by.clone(),
            ]);
        }
        for entry in &self.transactions {
            let amount = entry
                .amount_cents
                .map(|cents| format!(" {}.{:02} EUR", cents / 100, (cents % 100).abs()))
                .unwrap_or_default();
            rows.push([
                "transaction".into(),
                entry.recorded_at.clone(),
                format!("{} #{}", entry.kind, entry.id),
                format!("{:+} points{amount}", entry.points),
                entry.by.clone(),
            ]);
        }
        rows.iter()
            .map(|row| {
                row.iter()
                    .map(|field| csv_field(field))
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .collect::<Vec<_>>()
            .join("\r\n")
            + "\r\n"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::client_file::{ConsentSource, ConsentUpdate, NoteForm};
    use crate::services::clients::file::{add_note, update_consents};
    use crate::services::ledger::record_transaction;
    use crate::services::test_support::{TestShop, earn};

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(csv_field("Lyon"), "Lyon");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("dit \"oui\""), "\"dit \"\"oui\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("-5"), "-5");
        assert_eq!(csv_field("-cmd"), "'-cmd");
    }

    #[tokio::test]
    async fn the_report_holds_identity_consents_notes_and_ledger() {
        let shop = TestShop::new().await;
        let client = shop.client("Léa", "Morel").await;
        record_transaction(&shop.db, &shop.owner, &earn(client.id, "12", "12,50"))
            .await
            .expect("recorded");
        add_note(
            &shop.db,
            &shop.owner,
            &NoteForm {
                client_id: client.id,
                body: "=1+1, sans gluten".into(),
            },
        )
        .await
        .expect("note");
        update_consents(
            &shop.db,
            &shop.owner,
            &ConsentUpdate {
                client_id: client.id,
                email: true,
                sms: false,
                source: ConsentSource::Form,
            },
        )
        .await
        .expect("consents");
        let report = client_report(&shop.db, &shop.owner, client.id)
            .await
            .expect("report");
        assert_eq!(report.client.details.first_name, "Léa");
        assert_eq!(report.points_balance, 12);
        assert_eq!(report.consents.len(), 2);
        assert_eq!(report.notes[0].by, shop.owner.display_name);
        assert_eq!(report.transactions[0].amount_cents, Some(1250));
        let csv = report.to_csv();
        assert!(csv.starts_with("section,date,field,value,by\r\n"));
        assert!(csv.contains("client,"));
        assert!(csv.contains("\"'=1+1, sans gluten\""), "{csv}");
        assert!(csv.contains("+12 points 12.50 EUR"));
        let json = serde_json::to_value(&report).expect("json");
        assert_eq!(json["client"]["email"], client.email);

        let stranger = shop.other_shop().await;
        assert_eq!(
            client_report(&shop.db, &stranger, client.id).await,
            Err(AppError::NotFound)
        );
    }
}
