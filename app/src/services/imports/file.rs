//! Reading an uploaded file as people really have them: UTF-8 with or without a BOM, or
//! Windows-1252 (Excel in French), cells split by `;`, `,` or a tab.

use crate::model::imports::{MAX_IMPORT_BYTES, UploadProblem};

/// An uploaded file that reads as CSV.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvText {
    pub text: String,
    pub delimiter: u8,
}

/// The candidates, in the order a tie is settled: `;` is what Excel writes in French.
const DELIMITERS: [u8; 3] = [b';', b',', b'\t'];
/// Rows read to settle the delimiter.
const SAMPLE_ROWS: usize = 20;

/// The file's text and delimiter, or why it cannot be a client list.
pub fn read_upload(bytes: &[u8]) -> Result<CsvText, UploadProblem> {
    if bytes.len() > MAX_IMPORT_BYTES {
        return Err(UploadProblem::TooLarge);
    }
    let text = decode(bytes);
    if !looks_like_text(&text) {
        return Err(UploadProblem::NotCsv);
    }
    let delimiter = guess_delimiter(&text);
    // A header alone lists nobody.
    if records(&text, delimiter).nth(1).is_none() {
        return Err(UploadProblem::Empty);
    }
    Ok(CsvText { text, delimiter })
}

/// UTF-8 (its BOM dropped) when the bytes are UTF-8, else Windows-1252: every byte is a
/// character there, and it is what Excel saves as "CSV (séparateur : point-virgule)".
fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

/// A spreadsheet saved as `.xlsx`, a PDF or a picture holds control characters that no text
/// file has (a ZIP starts with `PK\x03\x04`).
fn looks_like_text(text: &str) -> bool {
    let sample: Vec<char> = text.chars().take(4096).collect();
    let controls = sample
        .iter()
        .filter(|c| c.is_control() && !matches!(c, '\t' | '\r' | '\n'))
        .count();
    controls == 0
}

/// The delimiter that splits the first rows into the same number of cells, the most of them;
/// a file of one column keeps `;`.
fn guess_delimiter(text: &str) -> u8 {
    let mut best = (DELIMITERS[0], 1usize, false);
    for delimiter in DELIMITERS {
        let widths: Vec<usize> = records(text, delimiter)
            .take(SAMPLE_ROWS)
            .map(|row| row.len())
            .collect();
        let Some(&header) = widths.first() else {
            continue;
        };
        let regular = widths.iter().all(|&width| width == header);
        let (_, best_width, best_regular) = best;
        let better = header > 1
            && ((regular && !best_regular) || (regular == best_regular && header > best_width));
        if better {
            best = (delimiter, header, regular);
        }
    }
    best.0
}

/// A reader of the file: no row taken as a header, each row of any width.
fn reader(text: &str, delimiter: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
}

/// A row's cells trimmed; `None` for a blank line.
fn cells(record: &csv::StringRecord) -> Option<Vec<String>> {
    let cells: Vec<String> = record.iter().map(|cell| cell.trim().to_owned()).collect();
    cells.iter().any(|cell| !cell.is_empty()).then_some(cells)
}

/// The file's rows, read only as far as the caller goes; blank lines are skipped.
pub fn records(text: &str, delimiter: u8) -> impl Iterator<Item = Vec<String>> + '_ {
    reader(text, delimiter)
        .into_records()
        // A broken quote ends the row where the reader gave up, never the whole import.
        .filter_map(Result::ok)
        .filter_map(|record| cells(&record))
}

/// The rows with the line each starts on (the header is line 1).
pub fn numbered_records(text: &str, delimiter: u8) -> Vec<(u64, Vec<String>)> {
    let mut reader = reader(text, delimiter);
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        let before = reader.position().line();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                if let Some(cells) = cells(&record) {
                    let line = record
                        .position()
                        .map_or(before, |start| first_line(text, start));
                    rows.push((line, cells));
                }
            }
            // A malformed row is kept empty-handed so its line is refused, not lost.
            Err(_) => rows.push((before, Vec::new())),
        }
    }
    rows
}

/// The line a record's first cell is on: the reader counts a record from the blank lines
/// before it.
fn first_line(text: &str, start: &csv::Position) -> u64 {
    let skipped = text
        .get(usize::try_from(start.byte()).unwrap_or(usize::MAX)..)
        .unwrap_or_default()
        .chars()
        .take_while(|c| matches!(c, '\r' | '\n'))
        .filter(|c| *c == '\n')
        .count();
    start.line() + skipped as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_in_french_is_read_from_windows_1252_with_semicolons() {
        // "Prénom;Nom\nHélène;Béranger" as Excel saves it in France.
        let bytes = b"Pr\xe9nom;Nom\r\nH\xe9l\xe8ne;B\xe9ranger\r\n";
        let read = read_upload(bytes).expect("read");
        assert_eq!(read.delimiter, b';');
        let rows: Vec<_> = records(&read.text, read.delimiter).collect();
        assert_eq!(rows[1], ["Hélène", "Béranger"]);
    }

    #[test]
    fn a_utf8_bom_is_dropped_and_commas_or_tabs_are_found() {
        let read =
            read_upload("\u{feff}first name,email\nLéa,lea@example.fr\n".as_bytes()).expect("read");
        assert_eq!(read.delimiter, b',');
        assert!(read.text.starts_with("first name"));
        let tabs = read_upload(b"nom\tville\nMorel\tLyon\n").expect("read");
        assert_eq!(tabs.delimiter, b'\t');
    }

    #[test]
    fn a_comma_inside_a_cell_does_not_make_it_the_delimiter() {
        let text = "Nom;Note\nMorel;\"Aime le pain, les croissants\"\nDurand;Rien\n";
        assert_eq!(read_upload(text.as_bytes()).expect("read").delimiter, b';');
    }

    #[test]
    fn files_that_are_no_client_list_are_told_apart() {
        assert_eq!(read_upload(b""), Err(UploadProblem::Empty));
        assert_eq!(read_upload(b"\n\n  \n"), Err(UploadProblem::Empty));
        assert_eq!(read_upload(b"nom;prenom\n"), Err(UploadProblem::Empty));
        assert_eq!(
            read_upload(b"PK\x03\x04\x14\x00\x06\x00xl/workbook.xml"),
            Err(UploadProblem::NotCsv)
        );
        let huge = vec![b'a'; MAX_IMPORT_BYTES + 1];
        assert_eq!(read_upload(&huge), Err(UploadProblem::TooLarge));
    }

    #[test]
    fn rows_keep_their_line_and_blank_lines_are_skipped() {
        let rows = numbered_records(
            "nom;ville\n\nMorel;Lyon\n\"Le\nGall\";Brest\nDurand;Paris",
            b';',
        );
        let lines: Vec<u64> = rows.iter().map(|(line, _)| *line).collect();
        assert_eq!(lines, [1, 3, 4, 6]);
        assert_eq!(rows[2].1, ["Le\nGall", "Brest"]);
    }
}
