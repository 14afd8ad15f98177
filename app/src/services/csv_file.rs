//! CSV as the shop's downloads write it: for a spreadsheet opened in French (a BOM so Excel
//! reads UTF-8, `;` because `,` is the decimal mark there, `12,50`, `03/12/2026`) or as plain
//! data (`,`, `12.50`, ISO 8601). A cell a person typed is defused, so a spreadsheet never runs
//! it as a formula (OWASP, CSV injection).

use std::borrow::Cow;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use crate::model::error::AppError;
use crate::model::exports::ExportFormat;

/// Text a person typed (a name, a note): a leading `=`, `+`, `-`, `@`, tab or carriage return
/// is quoted with `'` unless the whole cell is a number.
pub fn defused(value: &str) -> Cow<'_, str> {
    let risky = value.starts_with(['=', '+', '@', '\t', '\r'])
        || (value.starts_with('-') && !is_number(value));
    if risky {
        Cow::Owned(format!("'{value}"))
    } else {
        Cow::Borrowed(value)
    }
}

/// `-12`, `-12.50`, `-12,50`: a number as either format writes it.
fn is_number(value: &str) -> bool {
    let digits = value.strip_prefix('-').unwrap_or(value);
    digits.starts_with(|c: char| c.is_ascii_digit())
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
}

/// One cell of a row.
pub enum Cell {
    /// Typed by a person: defused.
    Text(String),
    /// Written by the app (a number, a date, a code, a checked phone number): as is.
    Value(String),
}

pub struct CsvFile {
    format: ExportFormat,
    writer: csv::Writer<Vec<u8>>,
    rows: u64,
}

impl CsvFile {
    pub fn new(format: ExportFormat) -> Self {
        let (delimiter, start) = match format {
            // The BOM tells Excel the file is UTF-8; without it, accents come out garbled.
            ExportFormat::Spreadsheet => (b';', "\u{feff}".as_bytes().to_vec()),
            ExportFormat::Data => (b',', Vec::new()),
        };
        let writer = csv::WriterBuilder::new()
            .delimiter(delimiter)
            .terminator(csv::Terminator::CRLF)
            .from_writer(start);
        Self {
            format,
            writer,
            rows: 0,
        }
    }

    pub fn format(&self) -> ExportFormat {
        self.format
    }

    /// The header row: each column's name in this format (French for a spreadsheet, stable
    /// English for data).
    pub fn header(&mut self, columns: &[(&str, &str)]) -> Result<(), AppError> {
        let names = columns.iter().map(|(data, spreadsheet)| match self.format {
            ExportFormat::Spreadsheet => *spreadsheet,
            ExportFormat::Data => *data,
        });
        self.writer.write_record(names).map_err(csv_error)
    }

    pub fn row(&mut self, cells: Vec<Cell>) -> Result<(), AppError> {
        let fields = cells.into_iter().map(|cell| match cell {
            Cell::Text(text) => defused(&text).into_owned(),
            Cell::Value(value) => value,
        });
        self.writer.write_record(fields).map_err(csv_error)?;
        self.rows += 1;
        Ok(())
    }

    /// Data rows written so far, the header not counted.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    pub fn finish(self) -> Result<Vec<u8>, AppError> {
        self.writer
            .into_inner()
            .map_err(|error| csv_error(error.into_error().into()))
    }

    /// An amount in euros, without the currency: `12,50` or `12.50`.
    pub fn euros(&self, cents: i64) -> Cell {
        let sign = if cents < 0 { "-" } else { "" };
        let (units, fraction) = (cents.unsigned_abs() / 100, cents.unsigned_abs() % 100);
        let mark = match self.format {
            ExportFormat::Spreadsheet => ',',
            ExportFormat::Data => '.',
        };
        Cell::Value(format!("{sign}{units}{mark}{fraction:02}"))
    }

    pub fn number(&self, value: i64) -> Cell {
        Cell::Value(value.to_string())
    }

    pub fn date(&self, day: Option<NaiveDate>) -> Cell {
        Cell::Value(day.map_or_else(String::new, |day| match self.format {
            ExportFormat::Spreadsheet => day.format("%d/%m/%Y").to_string(),
            ExportFormat::Data => day.format("%Y-%m-%d").to_string(),
        }))
    }

    /// A moment in the shop's time zone: `03/12/2026 14:05`, or `2026-12-03T14:05:00+01:00`.
    pub fn moment(&self, moment: Option<DateTime<Utc>>, zone: Tz) -> Cell {
        Cell::Value(moment.map_or_else(String::new, |moment| {
            let local = moment.with_timezone(&zone);
            match self.format {
                ExportFormat::Spreadsheet => local.format("%d/%m/%Y %H:%M").to_string(),
                ExportFormat::Data => local.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            }
        }))
    }

    /// A postal code. Excel reads `01000` as the number 1000 and drops the zero; a spreadsheet
    /// gets `="01000"`, which it shows as written. Codes are checked (digits, letters, `-`, a
    /// space) before they are stored, so nothing else can reach the formula.
    pub fn postal_code(&self, code: Option<&str>) -> Cell {
        let code = code.unwrap_or_default();
        let all_digits = !code.is_empty() && code.bytes().all(|b| b.is_ascii_digit());
        match self.format {
            ExportFormat::Spreadsheet if all_digits && code.starts_with('0') => {
                Cell::Value(format!("=\"{code}\""))
            }
            _ => Cell::Text(code.to_owned()),
        }
    }
}

fn csv_error(error: csv::Error) -> AppError {
    tracing::error!(%error, "writing a CSV file");
    AppError::Internal
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(format: ExportFormat, cells: Vec<Cell>) -> String {
        let mut file = CsvFile::new(format);
        file.row(cells).expect("row");
        String::from_utf8(file.finish().expect("finish")).expect("utf-8")
    }

    #[test]
    fn typed_text_never_reaches_a_spreadsheet_as_a_formula() {
        for typed in [
            "=1+1",
            "+33 6",
            "@SUM(A1)",
            "-2+3",
            "\tx",
            "=HYPERLINK(\"x\")",
        ] {
            assert!(defused(typed).starts_with('\''), "{typed}");
        }
        for kept in ["-12", "-12,50", "-0.5", "Léa", "12 rue"] {
            assert_eq!(defused(kept), kept);
        }
    }

    #[test]
    fn a_spreadsheet_gets_a_bom_semicolons_and_comma_decimals() {
        let file = CsvFile::new(ExportFormat::Spreadsheet);
        let cells = vec![
            Cell::Text("Dupont; fils".into()),
            file.euros(1250),
            file.euros(-5),
            file.date(NaiveDate::from_ymd_opt(2026, 12, 3)),
            file.postal_code(Some("01000")),
            file.postal_code(Some("L-1234")),
        ];
        assert_eq!(
            written(ExportFormat::Spreadsheet, cells),
            "\u{feff}\"Dupont; fils\";12,50;-0,05;03/12/2026;\"=\"\"01000\"\"\";L-1234\r\n"
        );
    }

    #[test]
    fn data_is_plain_utf8_with_iso_dates_and_points() {
        let file = CsvFile::new(ExportFormat::Data);
        let moment = DateTime::parse_from_rfc3339("2026-12-03T13:05:00Z")
            .expect("moment")
            .with_timezone(&Utc);
        let cells = vec![
            Cell::Text("=cmd".into()),
            file.euros(1250),
            file.moment(Some(moment), chrono_tz::Europe::Paris),
            file.postal_code(Some("01000")),
        ];
        assert_eq!(
            written(ExportFormat::Data, cells),
            "'=cmd,12.50,2026-12-03T14:05:00+01:00,01000\r\n"
        );
    }
}
