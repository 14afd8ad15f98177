//! Everything the shop holds about one client, as a file the merchant can hand over when the
//! client asks for it (GDPR art. 15): identity, consents with their history, acceptances of the
//! programme's terms, member cards, notes, technical sheets, every ledger entry with the
//! purchases' tickets and every store credit entry, in JSON and in CSV.

use chrono::Utc;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use super::lookup::{find_in_shop, form_of};
use super::sheets::sheets_of;
use crate::entities::{
    client, client_note, consent_change, ledger_entry, member_card, terms_acceptance, ticket,
    ticket_line,
};
use crate::model::audit::AuditKind;
use crate::model::cards::printed_token;
use crate::model::client::ClientForm;
use crate::model::error::AppError;
use crate::model::money::format_euros;
use crate::services::audit::{self, Actor, AuditRecord};
use crate::services::csv_file::defused;
use crate::services::db::Db;
use crate::services::ledger::credit_entries_of;
use crate::services::time::{format_date_time, shop_zone};
use crate::services::{db_error, display_names, shop_check};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClientReport {
    pub shop: String,
    /// In the shop's time zone, `23/11/2026 14:05`.
    pub generated_at: String,
    pub client: ReportIdentity,
    /// Other files of the same person, merged into this one, as they were.
    pub merged_files: Vec<ReportIdentity>,
    pub points_balance: i64,
    /// Store credit, in cents.
    pub credit_cents: i64,
    pub consents: Vec<ReportConsent>,
    pub terms_acceptances: Vec<ReportAcceptance>,
    pub member_cards: Vec<ReportCard>,
    pub notes: Vec<ReportNote>,
    pub technical_sheets: Vec<ReportSheet>,
    pub transactions: Vec<ReportEntry>,
    pub store_credit: Vec<ReportCredit>,
    pub tickets: Vec<ReportTicket>,
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
pub struct ReportAcceptance {
    pub accepted_at: String,
    pub version: i32,
    pub source: String,
    pub by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportCard {
    pub issued_at: String,
    /// As printed on the card.
    pub code: String,
    pub replaced_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportNote {
    pub written_at: String,
    pub by: String,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportSheet {
    pub written_at: String,
    /// When its author corrected it, the same day.
    pub corrected_at: Option<String>,
    pub by: String,
    pub formula: String,
    pub products: String,
    pub pose_minutes: Option<i32>,
    pub remarks: String,
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportCredit {
    pub id: i64,
    pub recorded_at: String,
    pub kind: String,
    pub amount_cents: i64,
    pub reason: String,
    pub refers_to: Option<i64>,
    pub by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportTicket {
    /// The purchase it is the ticket of.
    pub transaction_id: i64,
    pub reference: String,
    /// `Coupe × 1 (service) 25,00 €`.
    pub lines: Vec<String>,
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
        .filter(shop_check(db, client::Column::ShopId, actor.shop_id))
        .filter(client::Column::MergedIntoId.eq(client.id))
        .order_by_asc(client::Column::Id)
        .all(db)
        .await
        .map_err(db_error)?;
    let ids: Vec<i64> = std::iter::once(client.id)
        .chain(merged.iter().map(|file| file.id))
        .collect();
    let consents = consent_change::Entity::find()
        .filter(consent_change::Column::ShopId.eq(actor.shop_id))
        .filter(consent_change::Column::ClientId.is_in(ids.clone()))
        .order_by_asc(consent_change::Column::Id)
        .all(db)
        .await
        .map_err(db_error)?;
    let acceptances = terms_acceptance::Entity::find()
        .filter(shop_check(
            db,
            terms_acceptance::Column::ShopId,
            actor.shop_id,
        ))
        .filter(terms_acceptance::Column::ClientId.is_in(ids.clone()))
        .order_by_asc(terms_acceptance::Column::Id)
        .all(db)
        .await
        .map_err(db_error)?;
    let cards = member_card::Entity::find()
        .filter(shop_check(db, member_card::Column::ShopId, actor.shop_id))
        .filter(member_card::Column::ClientId.is_in(ids.clone()))
        .order_by_asc(member_card::Column::Id)
        .all(db)
        .await
        .map_err(db_error)?;
    let notes = client_note::Entity::find()
        .filter(client_note::Column::ShopId.eq(actor.shop_id))
        .filter(client_note::Column::ClientId.is_in(ids.clone()))
        .order_by_asc(client_note::Column::Id)
        .all(db)
        .await
        .map_err(db_error)?;
    let mut sheets = sheets_of(db, actor.shop_id, &ids).await?;
    sheets.reverse();
    let entries = ledger_entry::Entity::find()
        .filter(shop_check(db, ledger_entry::Column::ShopId, actor.shop_id))
        .filter(ledger_entry::Column::ClientId.is_in(ids.clone()))
        .order_by_asc(ledger_entry::Column::Id)
        .all(db)
        .await
        .map_err(db_error)?;
    let tickets = ticket::Entity::find()
        .filter(shop_check(db, ticket::Column::ShopId, actor.shop_id))
        .filter(ticket::Column::ClientId.is_in(ids.clone()))
        .order_by_asc(ticket::Column::Id)
        .all(db)
        .await
        .map_err(db_error)?;
    let mut ticket_lines: std::collections::HashMap<i64, Vec<String>> = Default::default();
    for line in ticket_line::Entity::find()
        .filter(shop_check(db, ticket_line::Column::ShopId, actor.shop_id))
        .filter(ticket_line::Column::ClientId.is_in(ids.clone()))
        .order_by_asc(ticket_line::Column::Id)
        .all(db)
        .await
        .map_err(db_error)?
    {
        let price = line
            .unit_cents
            .map(|cents| format!(" {}", format_euros(cents)))
            .unwrap_or_default();
        ticket_lines
            .entry(line.ticket_id)
            .or_default()
            .push(format!(
                "{} × {} ({}){price}",
                line.label, line.quantity, line.kind
            ));
    }
    let mut credit = credit_entries_of(db, actor.shop_id, &ids, None).await?;
    credit.reverse();
    let authors = consents
        .iter()
        .map(|change| change.author_user_id)
        .chain(acceptances.iter().map(|yes| yes.author_user_id))
        .chain(notes.iter().map(|note| note.author_user_id))
        .chain(sheets.iter().map(|sheet| sheet.author_user_id))
        .chain(entries.iter().map(|entry| entry.author_user_id))
        .chain(credit.iter().map(|entry| entry.author_user_id));
    let names = display_names(db, authors).await?;
    let name = |id: i64| names.get(&id).cloned().unwrap_or_default();
    let report = ClientReport {
        shop: actor.shop_name.clone(),
        generated_at: format_date_time(Utc::now(), zone),
        client: identity(&client, zone),
        merged_files: merged.iter().map(|file| identity(file, zone)).collect(),
        points_balance: client.points_balance,
        credit_cents: client.credit_cents,
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
        terms_acceptances: acceptances
            .iter()
            .map(|yes| ReportAcceptance {
                accepted_at: format_date_time(yes.accepted_at, zone),
                version: yes.version,
                source: yes.source.clone(),
                by: name(yes.author_user_id),
            })
            .collect(),
        member_cards: cards
            .iter()
            .map(|card| ReportCard {
                issued_at: format_date_time(card.issued_at, zone),
                code: printed_token(&card.token),
                replaced_at: card.replaced_at.map(|at| format_date_time(at, zone)),
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
        technical_sheets: sheets
            .iter()
            .map(|sheet| ReportSheet {
                written_at: format_date_time(sheet.created_at, zone),
                corrected_at: (sheet.updated_at != sheet.created_at)
                    .then(|| format_date_time(sheet.updated_at, zone)),
                by: name(sheet.author_user_id),
                formula: sheet.formula.clone(),
                products: sheet.products.clone(),
                pose_minutes: sheet.pose_minutes,
                remarks: sheet.remarks.clone(),
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
        store_credit: credit
            .iter()
            .map(|entry| ReportCredit {
                id: entry.id,
                recorded_at: format_date_time(entry.created_at, zone),
                kind: entry.kind.clone(),
                amount_cents: entry.amount_cents,
                reason: entry.reason.clone(),
                refers_to: entry.reverses_entry_id,
                by: name(entry.author_user_id),
            })
            .collect(),
        tickets: tickets
            .iter()
            .map(|ticket| ReportTicket {
                transaction_id: ticket.ledger_entry_id,
                reference: ticket.reference.clone(),
                lines: ticket_lines.remove(&ticket.id).unwrap_or_default(),
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

/// Text a spreadsheet would run as a formula is prefixed with `'`, so a note typed as
/// `=HYPERLINK(…)` stays text; a plain negative number stays a number.
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
        ("country", details.country.clone()),
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
    /// The same report as rows of `section,date,field,value,by`, readable in any spreadsheet;
    /// amounts as the pages show them (`-0,50 €`).
    pub fn to_csv(&self) -> Result<String, AppError> {
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
        rows.push([
            "client".into(),
            self.client.created_at.clone(),
            "credit_balance".into(),
            format_euros(self.credit_cents),
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
        for yes in &self.terms_acceptances {
            rows.push([
                "terms".into(),
                yes.accepted_at.clone(),
                format!("version {}", yes.version),
                format!("accepted ({})", yes.source),
                yes.by.clone(),
            ]);
        }
        for card in &self.member_cards {
            let state = card
                .replaced_at
                .as_ref()
                .map_or_else(|| "current".to_owned(), |at| format!("replaced {at}"));
            rows.push([
                "member_card".into(),
                card.issued_at.clone(),
                card.code.clone(),
                state,
                String::new(),
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
        for sheet in &self.technical_sheets {
            let pose = sheet
                .pose_minutes
                .map(|minutes| minutes.to_string())
                .unwrap_or_default();
            for (field, value) in [
                ("formula", &sheet.formula),
                ("products", &sheet.products),
                ("pose_minutes", &pose),
                ("remarks", &sheet.remarks),
            ] {
                if !value.is_empty() {
                    rows.push([
                        "technical_sheet".into(),
                        sheet.written_at.clone(),
                        field.into(),
                        value.clone(),
                        sheet.by.clone(),
                    ]);
                }
            }
        }
        for entry in &self.transactions {
            let amount = entry
                .amount_cents
                .map(|cents| format!(" {}", format_euros(cents)))
                .unwrap_or_default();
            rows.push([
                "transaction".into(),
                entry.recorded_at.clone(),
                format!("{} #{}", entry.kind, entry.id),
                format!("{:+} points{amount}", entry.points),
                entry.by.clone(),
            ]);
        }
        for entry in &self.store_credit {
            let refers_to = entry
                .refers_to
                .map(|id| format!(" (#{id})"))
                .unwrap_or_default();
            rows.push([
                "store_credit".into(),
                entry.recorded_at.clone(),
                format!("{} #{}{refers_to}", entry.kind, entry.id),
                format!("{} {}", format_euros(entry.amount_cents), entry.reason),
                entry.by.clone(),
            ]);
        }
        for ticket in &self.tickets {
            rows.push([
                "ticket".into(),
                String::new(),
                format!("transaction #{}", ticket.transaction_id),
                format!("{} {}", ticket.reference, ticket.lines.join("; "))
                    .trim()
                    .to_owned(),
                String::new(),
            ]);
        }
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::new());
        for row in &rows {
            writer
                .write_record(row.iter().map(|field| defused(field).into_owned()))
                .map_err(csv_error)?;
        }
        let bytes = writer
            .into_inner()
            .map_err(|error| csv_error(error.into_error().into()))?;
        String::from_utf8(bytes).map_err(|_| AppError::Internal)
    }
}

fn csv_error(error: csv::Error) -> AppError {
    tracing::error!(%error, "writing the CSV report");
    AppError::Internal
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::client_file::{ConsentSource, ConsentUpdate, NoteForm};
    use crate::model::sheets::SheetForm;
    use crate::services::clients::file::{add_note, update_consents};
    use crate::services::clients::sheets::write_sheet;
    use crate::services::ledger::record_transaction;
    use crate::services::test_support::{TestShop, earn};

    fn report_with(notes: &[&str], amounts: &[Option<i64>]) -> ClientReport {
        let identity = ReportIdentity {
            id: 1,
            created_at: "23/11/2026 14:05".into(),
            details: ClientForm {
                first_name: "Léa".into(),
                last_name: "Morel".into(),
                ..ClientForm::default()
            },
        };
        ClientReport {
            shop: "Boulangerie".into(),
            generated_at: "24/11/2026 09:00".into(),
            client: identity,
            merged_files: Vec::new(),
            points_balance: 0,
            credit_cents: 0,
            consents: Vec::new(),
            terms_acceptances: Vec::new(),
            member_cards: Vec::new(),
            notes: notes
                .iter()
                .map(|body| ReportNote {
                    written_at: "23/11/2026 14:06".into(),
                    by: "Jeanne".into(),
                    body: (*body).to_owned(),
                })
                .collect(),
            technical_sheets: Vec::new(),
            transactions: amounts
                .iter()
                .enumerate()
                .map(|(index, amount_cents)| ReportEntry {
                    id: index as i64 + 1,
                    recorded_at: "23/11/2026 14:07".into(),
                    kind: "earn".into(),
                    points: 1,
                    amount_cents: *amount_cents,
                    refers_to: None,
                    by: "Jeanne".into(),
                })
                .collect(),
            store_credit: Vec::new(),
            tickets: Vec::new(),
        }
    }

    fn rows_of(csv: &str) -> Vec<Vec<String>> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(csv.as_bytes())
            .records()
            .map(|record| {
                record
                    .expect("a valid CSV record")
                    .iter()
                    .map(str::to_owned)
                    .collect()
            })
            .collect()
    }

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(defused("Lyon"), "Lyon");
        assert_eq!(defused("-5"), "-5");
        assert_eq!(defused("-cmd"), "'-cmd");
        assert_eq!(defused("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(defused("\tx"), "'\tx");
        let notes = [
            "a, b",
            "dit \"oui\"",
            "=HYPERLINK(\"x\")",
            "+33 6 12",
            "deux\r\nlignes",
        ];
        let csv = report_with(&notes, &[]).to_csv().expect("csv");
        assert!(csv.ends_with("\r\n"));
        assert!(csv.contains("\"'=HYPERLINK(\"\"x\"\")\""), "{csv}");
        let bodies: Vec<String> = rows_of(&csv)
            .into_iter()
            .filter(|row| row[0] == "note")
            .map(|row| row[3].clone())
            .collect();
        assert_eq!(
            bodies,
            vec![
                "a, b",
                "dit \"oui\"",
                "'=HYPERLINK(\"x\")",
                "'+33 6 12",
                "deux\r\nlignes"
            ]
        );
    }

    #[test]
    fn csv_amounts_keep_their_sign_and_read_as_on_the_pages() {
        let csv = report_with(&[], &[Some(-50), Some(123_456), None])
            .to_csv()
            .expect("csv");
        let values: Vec<String> = rows_of(&csv)
            .into_iter()
            .filter(|row| row[0] == "transaction")
            .map(|row| row[3].clone())
            .collect();
        assert_eq!(
            values,
            vec![
                format!("'+1 points {}", format_euros(-50)),
                format!("'+1 points {}", format_euros(123_456)),
                "'+1 points".to_owned(),
            ]
        );
        assert!(values[0].contains("-0,50"), "{}", values[0]);
    }

    #[tokio::test]
    async fn the_report_holds_identity_consents_notes_sheets_and_ledger() {
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
        write_sheet(
            &shop.db,
            &shop.owner,
            &SheetForm {
                client_id: client.id,
                formula: "6.3 + 7.43".into(),
                pose_minutes: "35".into(),
                ..SheetForm::default()
            },
        )
        .await
        .expect("sheet");
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
        assert_eq!(report.technical_sheets.len(), 1);
        assert_eq!(report.technical_sheets[0].pose_minutes, Some(35));
        assert_eq!(report.technical_sheets[0].corrected_at, None);
        let csv = report.to_csv().expect("csv");
        let sheet_rows: Vec<(String, String)> = rows_of(&csv)
            .into_iter()
            .filter(|row| row[0] == "technical_sheet")
            .map(|row| (row[2].clone(), row[3].clone()))
            .collect();
        assert_eq!(
            sheet_rows,
            vec![
                ("formula".to_owned(), "6.3 + 7.43".to_owned()),
                ("pose_minutes".to_owned(), "35".to_owned())
            ]
        );
        assert!(csv.starts_with("section,date,field,value,by\r\n"));
        assert!(csv.contains("client,"));
        assert!(csv.contains("\"'=1+1, sans gluten\""), "{csv}");
        assert!(csv.contains(&format!("+12 points {}", format_euros(1250))));
        let json = serde_json::to_value(&report).expect("json");
        assert_eq!(json["client"]["email"], client.email);

        let stranger = shop.other_shop().await;
        assert_eq!(
            client_report(&shop.db, &stranger, client.id).await,
            Err(AppError::NotFound)
        );
    }
}
