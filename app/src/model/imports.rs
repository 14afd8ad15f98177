//! Importing a client list from a CSV file, as the owner's pages show it: which field each
//! column fills, how each row would be taken, and how far a running import is.

use serde::{Deserialize, Serialize};

use super::error::FieldErrors;

/// Larger files are refused before they are read: 20 MB holds far more than 50,000 clients.
pub const MAX_IMPORT_BYTES: usize = 20 * 1024 * 1024;
/// Rows shown under the mapping; the counts cover the whole file.
pub const PREVIEW_ROWS: usize = 20;
/// The largest opening balance a row may bring.
pub const MAX_OPENING_POINTS: i64 = 1_000_000;
/// The upload form's field names, read by the server's upload route.
pub const UPLOAD_FILE_FIELD: &str = "fichier";

/// What a column of the file fills in a client's file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImportField {
    Ignore,
    Civility,
    FirstName,
    LastName,
    Email,
    Phone,
    Address,
    PostalCode,
    City,
    BirthDate,
    Note,
    /// The points the client had in the previous system: an opening balance in the ledger.
    Points,
    /// The day the client agreed to e-mails; a consent is imported only with its date.
    EmailConsent,
    SmsConsent,
    /// The day the client accepted the programme's terms: recorded against the version in force.
    TermsAccepted,
}

coded!(ImportField {
    Ignore => "ignore",
    Civility => "civility",
    FirstName => "first_name",
    LastName => "last_name",
    Email => "email",
    Phone => "phone",
    Address => "address",
    PostalCode => "postal_code",
    City => "city",
    BirthDate => "birth_date",
    Note => "note",
    Points => "points",
    EmailConsent => "email_consent",
    SmsConsent => "sms_consent",
    TermsAccepted => "terms_accepted",
});

impl ImportField {
    /// The mapping as stored: one code per column.
    pub fn write_mapping(mapping: &[ImportField]) -> String {
        mapping
            .iter()
            .map(|field| field.code())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// A stored mapping read back; an unknown code is a column left out.
    pub fn read_mapping(stored: &str) -> Vec<ImportField> {
        if stored.is_empty() {
            return Vec::new();
        }
        stored
            .split(',')
            .map(|code| ImportField::from_code(code).unwrap_or(ImportField::Ignore))
            .collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImportStatus {
    /// Uploaded: the owner maps the columns and reads the preview.
    Draft,
    /// Confirmed: the server writes its rows in batches.
    Running,
    Done,
}

coded!(ImportStatus { Draft => "draft", Running => "running", Done => "done" });

/// How a row of the file would be taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RowCheck {
    New,
    /// The same phone or e-mail as a client of the shop (or an earlier row): the row completes
    /// that file instead of making a second one.
    Duplicate {
        name: String,
    },
    Invalid(FieldErrors),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewRow {
    /// The row's line in the file; the header is line 1.
    pub line: u64,
    pub cells: Vec<String>,
    pub check: RowCheck,
}

/// The whole file's rows by how they would be taken.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowCounts {
    pub new: u64,
    pub duplicate: u64,
    pub invalid: u64,
}

/// What a finished (or running) import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSummary {
    pub rows_total: u64,
    pub rows_done: u64,
    pub created: u64,
    /// Rows that completed an existing client's file or brought an opening balance to it.
    pub merged: u64,
    /// Rows with nothing new: their client holds all they say (the same file imported again).
    pub skipped: u64,
    pub refused: u64,
}

/// An import as its page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportView {
    pub id: i64,
    pub file_name: String,
    pub status: ImportStatus,
    pub headers: Vec<String>,
    pub mapping: Vec<ImportField>,
    /// Filled while the import is a draft.
    pub preview: Vec<PreviewRow>,
    pub counts: RowCounts,
    pub summary: ImportSummary,
}

/// An earlier import in the owner's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportListItem {
    pub id: i64,
    pub file_name: String,
    pub status: ImportStatus,
    /// The day it was uploaded, in the shop's time zone (`YYYY-MM-DD HH:MM`).
    pub uploaded: String,
    pub summary: ImportSummary,
}

/// Why an uploaded file was not taken; the upload page reads it from its address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum UploadProblem {
    NoFile,
    Empty,
    TooLarge,
    NotCsv,
}

coded!(UploadProblem {
    NoFile => "aucun-fichier",
    Empty => "vide",
    TooLarge => "trop-gros",
    NotCsv => "pas-csv",
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mapping_reads_back_as_written_and_unknown_codes_are_left_out() {
        let mapping = [
            ImportField::LastName,
            ImportField::Ignore,
            ImportField::Points,
        ];
        let stored = ImportField::write_mapping(&mapping);
        assert_eq!(stored, "last_name,ignore,points");
        assert_eq!(ImportField::read_mapping(&stored), mapping);
        assert_eq!(
            ImportField::read_mapping("email,shoe_size"),
            [ImportField::Email, ImportField::Ignore]
        );
        assert!(ImportField::read_mapping("").is_empty());
    }
}
