//! The shop's downloads: its clients and its transactions, each written for a spreadsheet opened
//! in French or as plain data for other tools.

use serde::{Deserialize, Serialize};

use super::ledger::JournalFilter;

/// How a download is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExportFormat {
    /// For Excel in French: a BOM, `;` between fields, `12,50`, `03/12/2026`, French headers.
    #[default]
    Spreadsheet,
    /// For other tools: UTF-8, `,`, `12.50`, ISO 8601 dates, stable English headers.
    Data,
}

coded!(ExportFormat {
    Spreadsheet => "excel",
    Data => "csv",
});

/// The clients download, in this format.
pub fn clients_link(format: ExportFormat) -> String {
    format!("{}?format={}", super::routes::EXPORT_CLIENTS, format.code())
}

/// The transactions download for the journal's filter (its page aside).
pub fn transactions_link(format: ExportFormat, filter: &JournalFilter) -> String {
    let mut link = format!(
        "{}?format={}",
        super::routes::EXPORT_TRANSACTIONS,
        format.code()
    );
    for (key, day) in [("du", &filter.from), ("au", &filter.to)] {
        // Days are typed as `yyyy-mm-dd`: a well-formed one needs no escaping, and the server
        // refuses any other.
        if !day.is_empty() && day.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
            link.push_str(&format!("&{key}={day}"));
        }
    }
    if let Some(client_id) = filter.client_id {
        link.push_str(&format!("&client={client_id}"));
    }
    link
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_carry_the_format_and_only_well_formed_days() {
        assert_eq!(
            clients_link(ExportFormat::Spreadsheet),
            "/export/clients?format=excel"
        );
        let filter = |from: &str, to: &str, client_id| JournalFilter {
            from: from.into(),
            to: to.into(),
            client_id,
            page: 3,
        };
        assert_eq!(
            transactions_link(ExportFormat::Data, &filter("2026-11-01", "", None)),
            "/export/transactions?format=csv&du=2026-11-01"
        );
        assert_eq!(
            transactions_link(
                ExportFormat::Spreadsheet,
                &filter("x&y=1", "2026-11-30", Some(12))
            ),
            "/export/transactions?format=excel&au=2026-11-30&client=12"
        );
    }
}
