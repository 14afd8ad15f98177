//! The downloads read back as a spreadsheet or a program would read them.

use super::clients::clients_in_batches;
use super::transactions::transactions_in_batches;
use super::{clients_csv, transactions_csv};
use crate::entities::audit_event;
use crate::model::audit::AuditKind;
use crate::model::client_file::{ConsentSource, ConsentUpdate};
use crate::model::error::AppError;
use crate::model::exports::ExportFormat;
use crate::model::ledger::JournalFilter;
use crate::services::clients::file::update_consents;
use crate::services::clients::labels::tag_client;
use crate::services::clients::merge::merge_clients;
use crate::services::ledger::record_transaction;
use crate::services::test_support::{TestShop, earn};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

/// The file as rows of cells, the header first.
fn read(bytes: &[u8], format: ExportFormat) -> Vec<Vec<String>> {
    let (delimiter, text) = match format {
        ExportFormat::Spreadsheet => (
            b';',
            std::str::from_utf8(bytes)
                .expect("utf-8")
                .strip_prefix('\u{feff}')
                .expect("a BOM for Excel"),
        ),
        ExportFormat::Data => (b',', std::str::from_utf8(bytes).expect("utf-8")),
    };
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|record| record.expect("record").iter().map(str::to_owned).collect())
        .collect()
}

fn column(rows: &[Vec<String>], name: &str) -> usize {
    rows[0]
        .iter()
        .position(|header| header == name)
        .unwrap_or_else(|| panic!("no column {name} in {:?}", rows[0]))
}

#[tokio::test]
async fn the_client_list_holds_balances_labels_and_consents_in_both_formats() {
    let shop = TestShop::new().await;
    let lea = shop.client("Léa", "Morel").await;
    let hacker = shop.client("=HYPERLINK(\"x\")", "Dupont").await;
    let twin = shop.client("Léa", "Morelle").await;
    record_transaction(&shop.db, &shop.owner, &earn(lea.id, "12", "12,50"))
        .await
        .expect("purchase");
    tag_client(&shop.db, &shop.owner, lea.id, "Végétarienne")
        .await
        .expect("tag");
    // A consent given on a file merged into Léa's is hers.
    update_consents(
        &shop.db,
        &shop.owner,
        &ConsentUpdate {
            client_id: twin.id,
            email: true,
            sms: false,
            source: ConsentSource::Till,
        },
    )
    .await
    .expect("consent");
    merge_clients(&shop.db, &shop.owner, lea.id, twin.id)
        .await
        .expect("merge");

    for format in [ExportFormat::Spreadsheet, ExportFormat::Data] {
        // Batches of two: the merged file is skipped and nobody is read twice.
        let download = clients_in_batches(&shop.db, &shop.owner, format, 2)
            .await
            .expect("export");
        let rows = read(&download.bytes, format);
        assert_eq!(download.rows, 2, "{format:?}");
        assert_eq!(rows.len(), 3, "{format:?}: header and two clients");
        let (points, tags, email) = match format {
            ExportFormat::Spreadsheet => ("Points", "Tags", "Accord e-mail"),
            ExportFormat::Data => ("points_balance", "tags", "email_consent"),
        };
        let lea_row = rows
            .iter()
            .find(|row| row[0] == lea.id.to_string())
            .expect("Léa");
        assert_eq!(lea_row[column(&rows, points)], "12");
        assert_eq!(lea_row[column(&rows, tags)], "Végétarienne");
        let granted = match format {
            ExportFormat::Spreadsheet => "oui",
            ExportFormat::Data => "yes",
        };
        assert_eq!(lea_row[column(&rows, email)], granted);
        let hacker_row = rows
            .iter()
            .find(|row| row[0] == hacker.id.to_string())
            .expect("Dupont");
        assert!(hacker_row.iter().all(|cell| !cell.starts_with('=')));
        assert!(hacker_row.contains(&"'=HYPERLINK(\"x\")".to_owned()));
    }
    let exported = audit_event::Entity::find()
        .filter(audit_event::Column::Kind.eq(AuditKind::ClientsExported.code()))
        .all(&shop.db)
        .await
        .expect("audit");
    assert_eq!(exported.len(), 2, "each download is in the audit log");
}

#[tokio::test]
async fn transactions_follow_the_journal_filter_with_amounts_in_each_format() {
    let shop = TestShop::new().await;
    let lea = shop.client("Léa", "Morel").await;
    let tom = shop.client("Tom", "Petit").await;
    for (client, amount) in [(lea.id, "12,50"), (tom.id, "3"), (lea.id, "0,40")] {
        record_transaction(&shop.db, &shop.owner, &earn(client, "5", amount))
            .await
            .expect("purchase");
    }
    let today =
        crate::services::time::today(crate::services::time::shop_zone(&shop.owner.time_zone))
            .format("%Y-%m-%d")
            .to_string();
    let all = JournalFilter {
        from: today.clone(),
        to: today.clone(),
        ..JournalFilter::default()
    };
    let download =
        transactions_in_batches(&shop.db, &shop.owner, ExportFormat::Spreadsheet, &all, 2)
            .await
            .expect("export");
    let rows = read(&download.bytes, ExportFormat::Spreadsheet);
    let amount = column(&rows, "Montant (€)");
    let amounts: Vec<&str> = rows[1..].iter().map(|row| row[amount].as_str()).collect();
    assert_eq!(amounts, vec!["12,50", "3,00", "0,40"], "oldest first");
    assert_eq!(rows[1][column(&rows, "Type")], "Achat");
    assert_eq!(rows[1][column(&rows, "Client")], "Léa Morel");
    assert_eq!(
        download.file_name,
        format!("transactions-{today}-{today}.csv")
    );

    let of_lea = JournalFilter {
        client_id: Some(lea.id),
        ..JournalFilter::default()
    };
    let download = transactions_csv(&shop.db, &shop.owner, ExportFormat::Data, &of_lea)
        .await
        .expect("export");
    let rows = read(&download.bytes, ExportFormat::Data);
    let amounts: Vec<&str> = rows[1..]
        .iter()
        .map(|row| row[column(&rows, "amount_eur")].as_str())
        .collect();
    assert_eq!(amounts, vec!["12.50", "0.40"]);
    assert_eq!(rows[1][column(&rows, "kind")], "earn");

    // A day before the first entry holds nothing; a day that does not read is refused.
    let before = JournalFilter {
        to: "2020-01-01".into(),
        ..JournalFilter::default()
    };
    let empty = transactions_csv(&shop.db, &shop.owner, ExportFormat::Data, &before)
        .await
        .expect("export");
    assert_eq!(empty.rows, 0);
    let unreadable = JournalFilter {
        from: "hier".into(),
        ..JournalFilter::default()
    };
    assert!(matches!(
        transactions_csv(&shop.db, &shop.owner, ExportFormat::Data, &unreadable).await,
        Err(AppError::Invalid(_))
    ));
}

#[tokio::test]
async fn staff_and_other_shops_export_nothing() {
    let shop = TestShop::new().await;
    let lea = shop.client("Léa", "Morel").await;
    let staff = shop.staff();
    assert_eq!(
        clients_csv(&shop.db, &staff, ExportFormat::Data)
            .await
            .expect_err("owner only"),
        AppError::Forbidden
    );
    assert_eq!(
        transactions_csv(
            &shop.db,
            &staff,
            ExportFormat::Data,
            &JournalFilter::default()
        )
        .await
        .expect_err("owner only"),
        AppError::Forbidden
    );
    let other = shop.other_shop().await;
    let theirs = clients_csv(&shop.db, &other, ExportFormat::Data)
        .await
        .expect("their own list");
    assert_eq!(theirs.rows, 0);
    let of_lea = JournalFilter {
        client_id: Some(lea.id),
        ..JournalFilter::default()
    };
    assert_eq!(
        transactions_csv(&shop.db, &other, ExportFormat::Data, &of_lea)
            .await
            .expect_err("another shop's client"),
        AppError::NotFound
    );
}

/// Entries written at the same moment (one batch of the till writer) are each exported once,
/// however the pages fall.
#[tokio::test]
async fn entries_of_one_moment_are_exported_once_across_pages() {
    use crate::entities::ledger_entry;
    use crate::model::ledger::EntryKind;
    use sea_orm::{ActiveModelTrait, Set};

    let shop = TestShop::new().await;
    let lea = shop.client("Léa", "Morel").await;
    let moment = chrono::Utc::now() - chrono::Duration::hours(1);
    let mut written = Vec::new();
    for points in 1..=5 {
        let entry = ledger_entry::ActiveModel {
            shop_id: Set(shop.owner.shop_id),
            client_id: Set(lea.id),
            kind: Set(EntryKind::Earn.code().to_owned()),
            points: Set(points),
            author_user_id: Set(shop.owner.user_id),
            created_at: Set(moment),
            ..Default::default()
        }
        .insert(shop.db.connection())
        .await
        .expect("entry");
        written.push(entry.id.to_string());
    }
    for batch in [1, 2, 3, 10] {
        let download = transactions_in_batches(
            &shop.db,
            &shop.owner,
            ExportFormat::Data,
            &JournalFilter::default(),
            batch,
        )
        .await
        .expect("export");
        let rows = read(&download.bytes, ExportFormat::Data);
        let ids: Vec<String> = rows[1..].iter().map(|row| row[0].clone()).collect();
        assert_eq!(ids, written, "pages of {batch}");
    }
}
