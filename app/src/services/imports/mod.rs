//! Importing a shop's client list from a CSV file (owner only): the file is read and kept
//! (`file`), its columns mapped to fields and each row checked like the client form (`rows`),
//! a preview shows what each row would become, then the server writes the rows in batches
//! that resume after a crash (`run`).

pub mod file;
pub mod rows;
pub mod run;

#[cfg(test)]
mod tests;

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use self::file::{CsvText, numbered_records, read_upload};
use self::rows::{CheckedRow, check_row, guess_mapping};
use super::clients::lookup::{active_clients, name_of};
use super::csv_file::{Cell, CsvFile};
use super::exports::Download;
use super::time::{format_date_time, shop_zone, today};
use super::{db_error, owner_only, shop_check};
use crate::entities::{client, client_import, client_import_refusal};
use crate::model::auth::CurrentUser;
use crate::model::client::{ValidClient, display_name};
use crate::model::country::Country;
use crate::model::error::{AppError, FieldErrors, FieldProblem};
use crate::model::exports::ExportFormat;
use crate::model::imports::{
    ImportField, ImportListItem, ImportStatus, ImportSummary, ImportView, PREVIEW_ROWS, PreviewRow,
    RowCheck, RowCounts, UploadProblem,
};
use crate::services::db::Db;

/// Imports listed on the upload page, newest first.
const LISTED_IMPORTS: u64 = 20;
/// Contacts looked up per statement, well under either engine's limit on parameters.
const CONTACTS_PER_QUERY: usize = 400;
const MAX_FILE_NAME_CHARS: usize = 200;

/// Why an upload was not kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadRefusal {
    /// The file is no client list: the page says why.
    File(UploadProblem),
    App(AppError),
}

impl From<AppError> for UploadRefusal {
    fn from(error: AppError) -> Self {
        Self::App(error)
    }
}

/// Keeps an uploaded file as a draft import with its columns' fields guessed; its id.
pub async fn upload(
    db: &Db,
    user: &CurrentUser,
    file_name: &str,
    bytes: &[u8],
) -> Result<i64, UploadRefusal> {
    owner_only(user)?;
    let CsvText { text, delimiter } = read_upload(bytes).map_err(UploadRefusal::File)?;
    let rows = numbered_records(&text, delimiter);
    let headers = rows
        .first()
        .map(|(_, cells)| cells.clone())
        .unwrap_or_default();
    let mapping = guess_mapping(&headers);
    let created = client_import::ActiveModel {
        shop_id: Set(user.shop_id),
        author_user_id: Set(user.user_id),
        file_name: Set(clean_file_name(file_name)),
        content: Set(text),
        delimiter: Set(char::from(delimiter).to_string()),
        mapping: Set(ImportField::write_mapping(&mapping)),
        status: Set(ImportStatus::Draft.code().to_owned()),
        rows_total: Set(i64::try_from(rows.len().saturating_sub(1)).unwrap_or(i64::MAX)),
        rows_done: Set(0),
        created_count: Set(0),
        merged_count: Set(0),
        skipped_count: Set(0),
        refused_count: Set(0),
        created_at: Set(Utc::now()),
        started_at: Set(None),
        finished_at: Set(None),
        held_until: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(db_error)?;
    Ok(created.id)
}

/// The name as the browser sent it, without a folder, cut to fit; "clients.csv" when none.
fn clean_file_name(sent: &str) -> String {
    let name = sent.rsplit(['/', '\\']).next().unwrap_or_default().trim();
    let name: String = name
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_FILE_NAME_CHARS)
        .collect();
    if name.is_empty() {
        "clients.csv".to_owned()
    } else {
        name
    }
}

/// The shop's latest imports.
pub async fn imports(db: &Db, user: &CurrentUser) -> Result<Vec<ImportListItem>, AppError> {
    owner_only(user)?;
    let zone = shop_zone(&user.time_zone);
    let found = client_import::Entity::find()
        .select_only()
        .columns([
            client_import::Column::Id,
            client_import::Column::FileName,
            client_import::Column::Status,
            client_import::Column::CreatedAt,
            client_import::Column::RowsTotal,
            client_import::Column::RowsDone,
            client_import::Column::CreatedCount,
            client_import::Column::MergedCount,
            client_import::Column::SkippedCount,
            client_import::Column::RefusedCount,
        ])
        .filter(client_import::Column::ShopId.eq(user.shop_id))
        .order_by_desc(client_import::Column::Id)
        .limit(LISTED_IMPORTS)
        .into_tuple::<(
            i64,
            String,
            String,
            chrono::DateTime<Utc>,
            i64,
            i64,
            i64,
            i64,
            i64,
            i64,
        )>()
        .all(db)
        .await
        .map_err(db_error)?;
    Ok(found
        .into_iter()
        .map(
            |(
                id,
                file_name,
                status,
                created_at,
                total,
                done,
                created,
                merged,
                skipped,
                refused,
            )| {
                ImportListItem {
                    id,
                    file_name,
                    status: status_of(&status),
                    uploaded: format_date_time(created_at, zone),
                    summary: summary_of(total, done, created, merged, skipped, refused),
                }
            },
        )
        .collect())
}

fn status_of(code: &str) -> ImportStatus {
    ImportStatus::from_code(code).unwrap_or(ImportStatus::Done)
}

fn summary_of(
    total: i64,
    done: i64,
    created: i64,
    merged: i64,
    skipped: i64,
    refused: i64,
) -> ImportSummary {
    let count = |value: i64| u64::try_from(value).unwrap_or_default();
    ImportSummary {
        rows_total: count(total),
        rows_done: count(done),
        created: count(created),
        merged: count(merged),
        skipped: count(skipped),
        refused: count(refused),
    }
}

/// One import of the user's shop; another shop's is not found.
async fn find_import(
    db: &impl ConnectionTrait,
    shop_id: i64,
    import_id: i64,
) -> Result<client_import::Model, AppError> {
    client_import::Entity::find_by_id(import_id)
        .filter(shop_check(db, client_import::Column::ShopId, shop_id))
        .one(db)
        .await
        .map_err(db_error)?
        .ok_or(AppError::NotFound)
}

/// The delimiter found on upload.
fn delimiter_of(import: &client_import::Model) -> u8 {
    import.delimiter.bytes().next().unwrap_or(b';')
}

/// The import's rows after the header, each with its line.
pub(crate) fn data_rows(import: &client_import::Model) -> Vec<(u64, Vec<String>)> {
    let mut rows = numbered_records(&import.content, delimiter_of(import));
    if !rows.is_empty() {
        rows.remove(0);
    }
    rows
}

fn headers_of(import: &client_import::Model) -> Vec<String> {
    file::records(&import.content, delimiter_of(import))
        .next()
        .unwrap_or_default()
}

/// The import as its page shows it; a draft with the preview of its first rows and how every
/// row would be taken.
pub async fn import_view(
    db: &Db,
    user: &CurrentUser,
    import_id: i64,
) -> Result<ImportView, AppError> {
    owner_only(user)?;
    let import = find_import(db, user.shop_id, import_id).await?;
    view_of(db, user, &import).await
}

async fn view_of(
    db: &Db,
    user: &CurrentUser,
    import: &client_import::Model,
) -> Result<ImportView, AppError> {
    let status = status_of(&import.status);
    let mapping = ImportField::read_mapping(&import.mapping);
    let (preview, counts) = if status == ImportStatus::Draft {
        preview(db, user, import, &mapping).await?
    } else {
        (Vec::new(), RowCounts::default())
    };
    Ok(ImportView {
        id: import.id,
        file_name: import.file_name.clone(),
        status,
        headers: headers_of(import),
        mapping,
        preview,
        counts,
        summary: summary_of(
            import.rows_total,
            import.rows_done,
            import.created_count,
            import.merged_count,
            import.skipped_count,
            import.refused_count,
        ),
    })
}

/// Every row checked and matched against the shop's clients (and the file's earlier rows); the
/// first `PREVIEW_ROWS` shown.
async fn preview(
    db: &Db,
    user: &CurrentUser,
    import: &client_import::Model,
    mapping: &[ImportField],
) -> Result<(Vec<PreviewRow>, RowCounts), AppError> {
    let rows = data_rows(import);
    let checked = check_rows(
        &rows,
        mapping,
        today(shop_zone(&user.time_zone)),
        user.country,
    );
    let valid: Vec<&ValidClient> = checked
        .iter()
        .filter_map(|checked| checked.as_ref().ok().map(|row| &row.client))
        .collect();
    let mut matcher = Matcher::new(existing_clients(db, user.shop_id, &valid).await?);
    let mut counts = RowCounts::default();
    let mut preview = Vec::new();
    for ((line, cells), checked) in rows.iter().zip(checked) {
        let check = match checked {
            Err(problems) => {
                counts.invalid += 1;
                RowCheck::Invalid(problems)
            }
            Ok(row) => match matcher.place(&row.client) {
                Placed::New(_) => {
                    counts.new += 1;
                    RowCheck::New
                }
                Placed::With(holder) => {
                    counts.duplicate += 1;
                    RowCheck::Duplicate {
                        name: matcher.name(holder),
                    }
                }
            },
        };
        if preview.len() < PREVIEW_ROWS {
            preview.push(PreviewRow {
                line: *line,
                cells: cells.clone(),
                check,
            });
        }
    }
    Ok((preview, counts))
}

pub(crate) fn check_rows(
    rows: &[(u64, Vec<String>)],
    mapping: &[ImportField],
    today: NaiveDate,
    home: Country,
) -> Vec<Result<CheckedRow, FieldErrors>> {
    rows.iter()
        .map(|(_, cells)| {
            if cells.is_empty() {
                // The CSV reader could not read this row at all (a broken quote).
                Err(FieldErrors::single("file", FieldProblem::Malformed))
            } else {
                check_row(cells, mapping, today, home)
            }
        })
        .collect()
}

/// Changes a draft's columns' fields; the new preview.
pub async fn change_mapping(
    db: &Db,
    user: &CurrentUser,
    import_id: i64,
    mapping: Vec<ImportField>,
) -> Result<ImportView, AppError> {
    owner_only(user)?;
    let import = find_import(db, user.shop_id, import_id).await?;
    if status_of(&import.status) != ImportStatus::Draft {
        return Err(AppError::invalid("mapping", FieldProblem::InvalidChoice));
    }
    let columns = headers_of(&import).len();
    if mapping.len() != columns {
        return Err(AppError::invalid("mapping", FieldProblem::Malformed));
    }
    // A field filled by two columns would leave the reader guessing which one counts.
    let mut chosen: Vec<ImportField> = mapping
        .iter()
        .copied()
        .filter(|field| *field != ImportField::Ignore)
        .collect();
    let mapped = chosen.len();
    chosen.sort_by_key(|field| field.code());
    chosen.dedup();
    if chosen.len() != mapped {
        return Err(AppError::invalid("mapping", FieldProblem::InvalidChoice));
    }
    let updated = client_import::Entity::update_many()
        .col_expr(
            client_import::Column::Mapping,
            sea_orm::sea_query::Expr::value(ImportField::write_mapping(&mapping)),
        )
        .filter(client_import::Column::Id.eq(import_id))
        .filter(shop_check(db, client_import::Column::ShopId, user.shop_id))
        .filter(client_import::Column::Status.eq(ImportStatus::Draft.code()))
        .exec_with_returning(db)
        .await
        .map_err(db_error)?;
    let import = updated.into_iter().next().ok_or(AppError::NotFound)?;
    view_of(db, user, &import).await
}

/// The owner confirms: the draft becomes a running import, written by `run::run_import`.
pub async fn start_import(db: &Db, user: &CurrentUser, import_id: i64) -> Result<(), AppError> {
    owner_only(user)?;
    let import = find_import(db, user.shop_id, import_id).await?;
    let mapping = ImportField::read_mapping(&import.mapping);
    let named = |field| mapping.contains(&field);
    // Without a name and a way to reach them, no row could become a client.
    if !(named(ImportField::LastName) && (named(ImportField::Email) || named(ImportField::Phone))) {
        return Err(AppError::invalid("mapping", FieldProblem::Required));
    }
    // Confirmed twice (two tabs): the first one started it, the second changes nothing.
    client_import::Entity::update_many()
        .col_expr(
            client_import::Column::Status,
            sea_orm::sea_query::Expr::value(ImportStatus::Running.code()),
        )
        .col_expr(
            client_import::Column::StartedAt,
            sea_orm::sea_query::Expr::value(Utc::now()),
        )
        .filter(client_import::Column::Id.eq(import_id))
        .filter(shop_check(db, client_import::Column::ShopId, user.shop_id))
        .filter(client_import::Column::Status.eq(ImportStatus::Draft.code()))
        .exec(db)
        .await
        .map_err(db_error)?;
    Ok(())
}

/// The rows an import refused, with each reason in `reason_text`'s words, as a spreadsheet.
pub async fn refusals_csv(
    db: &Db,
    user: &CurrentUser,
    import_id: i64,
    reason_text: impl Fn(&str, &FieldProblem) -> String,
) -> Result<Download, AppError> {
    owner_only(user)?;
    let import = find_import(db, user.shop_id, import_id).await?;
    let refused = client_import_refusal::Entity::find()
        .filter(shop_check(
            db,
            client_import_refusal::Column::ShopId,
            user.shop_id,
        ))
        .filter(client_import_refusal::Column::ImportId.eq(import_id))
        .order_by_asc(client_import_refusal::Column::Line)
        .all(db)
        .await
        .map_err(db_error)?;
    let rows: HashMap<u64, Vec<String>> = data_rows(&import).into_iter().collect();
    let headers = headers_of(&import);
    let mut csv = CsvFile::new(ExportFormat::Spreadsheet);
    let mut header: Vec<(&str, &str)> = vec![("line", "Ligne"), ("reasons", "Motifs")];
    header.extend(headers.iter().map(|name| (name.as_str(), name.as_str())));
    csv.header(&header)?;
    for refusal in refused {
        let problems: FieldErrors = serde_json::from_str(&refusal.reasons).unwrap_or_default();
        let reasons = problems
            .0
            .iter()
            .map(|(field, problem)| reason_text(field, problem))
            .collect::<Vec<_>>()
            .join(" ; ");
        let line = u64::try_from(refusal.line).unwrap_or_default();
        let mut cells = vec![Cell::Value(line.to_string()), Cell::Text(reasons)];
        cells.extend(
            rows.get(&line)
                .into_iter()
                .flatten()
                .map(|cell| Cell::Text(cell.clone())),
        );
        csv.row(cells)?;
    }
    let stem = import
        .file_name
        .rsplit_once('.')
        .map_or(import.file_name.as_str(), |(stem, _)| stem);
    let safe_stem: String = stem
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    Ok(Download {
        file_name: format!("refus-{safe_stem}.csv"),
        rows: csv.rows(),
        bytes: csv.finish()?,
    })
}

/// The shop's active clients sharing an e-mail or a phone with these rows.
pub(crate) async fn existing_clients(
    db: &impl ConnectionTrait,
    shop_id: i64,
    rows: &[&ValidClient],
) -> Result<Vec<client::Model>, AppError> {
    let mut emails: Vec<&str> = rows
        .iter()
        .map(|row| row.email.as_str())
        .filter(|email| !email.is_empty())
        .collect();
    let mut phones: Vec<&str> = rows.iter().filter_map(|row| row.phone.as_deref()).collect();
    emails.sort_unstable();
    emails.dedup();
    phones.sort_unstable();
    phones.dedup();
    let mut found: HashMap<i64, client::Model> = HashMap::new();
    for chunk in emails.chunks(CONTACTS_PER_QUERY) {
        let same = client::Column::Email.is_in(chunk.iter().copied());
        found.extend(matching(db, shop_id, same).await?);
    }
    for chunk in phones.chunks(CONTACTS_PER_QUERY) {
        let same = client::Column::Phone.is_in(chunk.iter().copied());
        found.extend(matching(db, shop_id, same).await?);
    }
    let mut clients: Vec<client::Model> = found.into_values().collect();
    // The oldest file is the one a duplicate joins, as the client form offers it.
    clients.sort_by_key(|client| client.id);
    Ok(clients)
}

async fn matching(
    db: &impl ConnectionTrait,
    shop_id: i64,
    same_contact: impl Into<Condition>,
) -> Result<Vec<(i64, client::Model)>, AppError> {
    Ok(active_clients(shop_id)
        .filter(same_contact.into())
        .all(db)
        .await
        .map_err(db_error)?
        .into_iter()
        .map(|client| (client.id, client))
        .collect())
}

/// The file a row belongs with.
pub(crate) enum Holder {
    Existing(Box<client::Model>),
    /// A row of the file that makes a new client.
    New {
        name: String,
    },
}

pub(crate) enum Placed {
    /// The row makes a new client: this holder.
    New(usize),
    /// The row joins this holder's file.
    With(usize),
}

/// Matches rows to files by e-mail, then phone: the shop's clients first, then the rows
/// placed before (a file listing someone twice makes one client).
pub(crate) struct Matcher {
    pub holders: Vec<Holder>,
    by_email: HashMap<String, usize>,
    by_phone: HashMap<String, usize>,
}

impl Matcher {
    pub fn new(existing: Vec<client::Model>) -> Self {
        let mut matcher = Self {
            holders: Vec::with_capacity(existing.len()),
            by_email: HashMap::new(),
            by_phone: HashMap::new(),
        };
        for client in existing {
            let holder = matcher.holders.len();
            matcher.remember(&client.email, client.phone.as_deref(), holder);
            matcher.holders.push(Holder::Existing(Box::new(client)));
        }
        matcher
    }

    fn remember(&mut self, email: &str, phone: Option<&str>, holder: usize) {
        if !email.is_empty() {
            self.by_email.entry(email.to_owned()).or_insert(holder);
        }
        if let Some(phone) = phone {
            self.by_phone.entry(phone.to_owned()).or_insert(holder);
        }
    }

    pub fn place(&mut self, client: &ValidClient) -> Placed {
        let by_email = (!client.email.is_empty())
            .then(|| self.by_email.get(&client.email))
            .flatten();
        let by_phone = client
            .phone
            .as_ref()
            .and_then(|phone| self.by_phone.get(phone));
        match by_email.or(by_phone).copied() {
            Some(holder) => {
                self.remember(&client.email, client.phone.as_deref(), holder);
                Placed::With(holder)
            }
            None => {
                let holder = self.holders.len();
                self.remember(&client.email, client.phone.as_deref(), holder);
                self.holders.push(Holder::New {
                    name: display_name(
                        &client.first_name,
                        &client.last_name,
                        &client.email,
                        client.phone.as_deref(),
                    ),
                });
                Placed::New(holder)
            }
        }
    }

    pub fn name(&self, holder: usize) -> String {
        match &self.holders[holder] {
            Holder::Existing(client) => name_of(client),
            Holder::New { name, .. } => name.clone(),
        }
    }
}
