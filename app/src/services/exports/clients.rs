//! Every client of the shop, one row each.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::{BATCH, Download, next_batch};
use crate::entities::{client, consent_change};
use crate::model::audit::AuditKind;
use crate::model::client::Civility;
use crate::model::client_file::ConsentChannel;
use crate::model::error::AppError;
use crate::model::exports::ExportFormat;
use crate::model::labels::{Label, LabelKind};
use crate::model::phone::display_phone;
use crate::services::audit::{self, Actor, AuditRecord};
use crate::services::clients::labels::labels_of;
use crate::services::clients::lookup::active_clients;
use crate::services::csv_file::{Cell, CsvFile};
use crate::services::db::Db;
use crate::services::time::{shop_zone, today};
use crate::services::{db_error, owner_only, shop_check};

/// Each column's name as data and as a French spreadsheet shows it.
const COLUMNS: [(&str, &str); 21] = [
    ("id", "N° client"),
    ("civility", "Civilité"),
    ("first_name", "Prénom"),
    ("last_name", "Nom"),
    ("email", "E-mail"),
    ("phone", "Téléphone"),
    ("address", "Adresse"),
    ("postal_code", "Code postal"),
    ("city", "Ville"),
    ("country", "Pays"),
    ("birth_date", "Date de naissance"),
    ("points_balance", "Points"),
    ("visits", "Visites"),
    ("last_visit", "Dernière visite"),
    ("created_at", "Client depuis"),
    ("tags", "Tags"),
    ("groups", "Groupes"),
    ("email_consent", "Accord e-mail"),
    ("email_consent_at", "Accord e-mail le"),
    ("sms_consent", "Accord SMS"),
    ("sms_consent_at", "Accord SMS le"),
];

/// The latest answer on each channel, by client: the client's own and those of the files
/// merged into it, as the client's page counts them.
type Consents = HashMap<(i64, ConsentChannel), consent_change::Model>;

async fn latest_consents(
    db: &impl ConnectionTrait,
    shop_id: i64,
    client_ids: &[i64],
) -> Result<Consents, AppError> {
    let merged: Vec<(i64, Option<i64>)> = client::Entity::find()
        .select_only()
        .column(client::Column::Id)
        .column(client::Column::MergedIntoId)
        .filter(shop_check(db, client::Column::ShopId, shop_id))
        .filter(client::Column::MergedIntoId.is_in(client_ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await
        .map_err(db_error)?;
    let mut owner_of: HashMap<i64, i64> = client_ids.iter().map(|id| (*id, *id)).collect();
    owner_of.extend(
        merged
            .into_iter()
            .filter_map(|(id, into)| into.map(|into| (id, into))),
    );
    let changes = consent_change::Entity::find()
        .filter(consent_change::Column::ShopId.eq(shop_id))
        .filter(consent_change::Column::ClientId.is_in(owner_of.keys().copied()))
        .order_by_asc(consent_change::Column::Id)
        .all(db)
        .await
        .map_err(db_error)?;
    let mut latest = Consents::new();
    for change in changes {
        let (Some(client_id), Some(channel)) = (
            owner_of.get(&change.client_id).copied(),
            ConsentChannel::from_code(&change.channel),
        ) else {
            continue;
        };
        latest.insert((client_id, channel), change);
    }
    Ok(latest)
}

fn civility(file: &CsvFile, code: &str) -> Cell {
    Cell::Value(match file.format() {
        ExportFormat::Data => code.to_owned(),
        ExportFormat::Spreadsheet => match Civility::from_code(code) {
            Some(Civility::Madame) => "Mme".to_owned(),
            Some(Civility::Monsieur) => "M.".to_owned(),
            _ => String::new(),
        },
    })
}

fn answer(file: &CsvFile, granted: Option<bool>) -> Cell {
    let words = match file.format() {
        ExportFormat::Spreadsheet => ("oui", "non"),
        ExportFormat::Data => ("yes", "no"),
    };
    Cell::Value(
        granted
            .map(|granted| if granted { words.0 } else { words.1 })
            .unwrap_or_default()
            .to_owned(),
    )
}

fn names(labels: &[Label], kind: LabelKind) -> Cell {
    let names: Vec<&str> = labels
        .iter()
        .filter(|label| label.kind == kind)
        .map(|label| label.name.as_str())
        .collect();
    Cell::Text(names.join(", "))
}

/// Every client still a file of its own (not merged, not erased), by id.
pub async fn clients_csv(
    db: &Db,
    actor: &Actor,
    format: ExportFormat,
) -> Result<Download, AppError> {
    clients_in_batches(db, actor, format, BATCH).await
}

pub(super) async fn clients_in_batches(
    db: &Db,
    actor: &Actor,
    format: ExportFormat,
    batch_size: u64,
) -> Result<Download, AppError> {
    owner_only(actor)?;
    let zone = shop_zone(&actor.time_zone);
    let mut file = CsvFile::new(format);
    file.header(&COLUMNS)?;
    let mut after = 0;
    loop {
        let batch = next_batch(
            db,
            active_clients(actor.shop_id),
            client::Column::Id,
            after,
            batch_size,
        )
        .await?;
        let Some(last) = batch.last() else { break };
        after = last.id;
        let ids: Vec<i64> = batch.iter().map(|client| client.id).collect();
        let labels = labels_of(db, actor.shop_id, &ids).await?;
        let consents = latest_consents(db, actor.shop_id, &ids).await?;
        for client in batch {
            let consent = |channel| consents.get(&(client.id, channel));
            let email = consent(ConsentChannel::Email);
            let sms = consent(ConsentChannel::Sms);
            let client_labels = labels.get(&client.id).map(Vec::as_slice).unwrap_or(&[]);
            // A spreadsheet gets the phone as people write it (`06 12 34 56 78` stays text);
            // data gets E.164, checked when it was saved.
            let phone = client
                .phone
                .as_deref()
                .map_or_else(String::new, |phone| match format {
                    ExportFormat::Spreadsheet => display_phone(phone),
                    ExportFormat::Data => phone.to_owned(),
                });
            let cells = vec![
                file.number(client.id),
                civility(&file, &client.civility),
                Cell::Text(client.first_name),
                Cell::Text(client.last_name),
                Cell::Text(client.email),
                Cell::Text(phone),
                Cell::Text(client.address.unwrap_or_default()),
                file.postal_code(client.postal_code.as_deref()),
                Cell::Text(client.city.unwrap_or_default()),
                Cell::Value(client.country),
                file.date(client.birth_date),
                file.number(client.points_balance),
                file.number(client.visit_count),
                file.moment(client.last_visit_at, zone),
                file.moment(Some(client.created_at), zone),
                names(client_labels, LabelKind::Tag),
                names(client_labels, LabelKind::Group),
                answer(&file, email.map(|change| change.granted)),
                file.moment(email.map(|change| change.changed_at), zone),
                answer(&file, sms.map(|change| change.granted)),
                file.moment(sms.map(|change| change.changed_at), zone),
            ];
            file.row(cells)?;
        }
    }
    let rows = file.rows();
    audit::write(
        db,
        AuditRecord::by(actor, AuditKind::ClientsExported).detail(format!("{rows}")),
    )
    .await?;
    Ok(Download {
        file_name: format!("clients-{}.csv", today(zone).format("%Y-%m-%d")),
        bytes: file.finish()?,
        rows,
    })
}
