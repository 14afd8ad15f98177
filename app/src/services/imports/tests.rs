use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use super::run::{BATCH_ROWS, RunEnd, run_batches, run_import};
use super::*;
use crate::entities::{audit_event, consent_change, ledger_entry};
use crate::model::audit::AuditKind;
use crate::model::imports::RowCheck;
use crate::model::ledger::EntryKind;
use crate::services::test_support::TestShop;

/// A list as a shop brings it: `;`, French headers, a phone without its zero, a date as
/// Excel writes it, an opening balance, a dated consent, an invalid row, the same person twice.
const LIST: &str = "Nom;Prénom;Téléphone;E-mail;Date de naissance;Points;Consentement e-mail;Pointure\n\
Morel;Léa;612345678;lea.morel@exemple.fr;12/03/1985;120;05/06/2024;38\n\
Durand;Paul;0623456789;;;0;;42\n\
Sans;Contact;;;;;;40\n\
Morel;Léa;06 12 34 56 78;;;50;;38\n\
Petit;Anne;;anne.petit@exemple.fr;31/02/1990;;;37\n";

async fn uploaded(shop: &TestShop, text: &str) -> i64 {
    upload(&shop.db, &shop.owner, "clients.csv", text.as_bytes())
        .await
        .expect("uploaded")
}

async fn confirmed(shop: &TestShop, import_id: i64) {
    start_import(&shop.db, &shop.owner, import_id)
        .await
        .expect("started");
}

async fn imported(shop: &TestShop, text: &str) -> ImportView {
    let import_id = uploaded(shop, text).await;
    confirmed(shop, import_id).await;
    let end = run_import(&shop.db, shop.owner.shop_id, import_id)
        .await
        .expect("ran");
    assert_eq!(end, RunEnd::Finished);
    import_view(&shop.db, &shop.owner, import_id)
        .await
        .expect("view")
}

fn summary(created: u64, merged: u64, skipped: u64, refused: u64, total: u64) -> ImportSummary {
    ImportSummary {
        rows_total: total,
        rows_done: total,
        created,
        merged,
        skipped,
        refused,
    }
}

#[tokio::test]
async fn the_preview_guesses_the_columns_and_tells_each_row_apart() {
    let shop = TestShop::new().await;
    shop.client("Paul", "Durand").await;
    let import_id = uploaded(&shop, LIST).await;
    let view = import_view(&shop.db, &shop.owner, import_id)
        .await
        .expect("view");
    assert_eq!(view.status, ImportStatus::Draft);
    assert_eq!(
        view.mapping,
        [
            ImportField::LastName,
            ImportField::FirstName,
            ImportField::Phone,
            ImportField::Email,
            ImportField::BirthDate,
            ImportField::Points,
            ImportField::EmailConsent,
            ImportField::Ignore,
        ]
    );
    let checks: Vec<&RowCheck> = view.preview.iter().map(|row| &row.check).collect();
    assert_eq!(checks[0], &RowCheck::New);
    // Paul Durand's file exists (same name, no phone): his phone matches nobody, so he is new;
    // Léa's second row shares her phone.
    assert_eq!(checks[1], &RowCheck::New);
    assert!(
        matches!(checks[2], RowCheck::Invalid(problems) if problems.get("email") == Some(&FieldProblem::EmailOrPhone))
    );
    assert_eq!(
        checks[3],
        &RowCheck::Duplicate {
            name: "Léa Morel".into()
        }
    );
    assert!(
        matches!(checks[4], RowCheck::Invalid(problems) if problems.get("birth_date") == Some(&FieldProblem::InvalidDate))
    );
    assert_eq!(
        view.counts,
        RowCounts {
            new: 2,
            duplicate: 1,
            invalid: 2
        }
    );
    assert_eq!(view.preview[0].line, 2);
    assert_eq!(view.headers[1], "Prénom");
}

#[tokio::test]
async fn an_import_creates_completes_and_refuses_with_its_opening_balances_and_consents() {
    let shop = TestShop::new().await;
    let view = imported(&shop, LIST).await;
    assert_eq!(view.status, ImportStatus::Done);
    // Léa's second row brings nothing: her opening balance is the first row's.
    assert_eq!(view.summary, summary(2, 0, 1, 2, 5));
    let lea = client::Entity::find()
        .filter(client::Column::Email.eq("lea.morel@exemple.fr"))
        .one(&shop.db)
        .await
        .expect("read")
        .expect("Léa");
    assert_eq!(lea.phone.as_deref(), Some("+33612345678"));
    assert_eq!(lea.points_balance, 120);
    assert_eq!(lea.visit_count, 0, "an opening balance is no visit");
    let entries = ledger_entry::Entity::find()
        .filter(ledger_entry::Column::ClientId.eq(lea.id))
        .all(&shop.db)
        .await
        .expect("entries");
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].kind, EntryKind::Import.code());
    assert_eq!(entries[0].author_user_id, shop.owner.user_id);
    let consents = consent_change::Entity::find()
        .filter(consent_change::Column::ClientId.eq(lea.id))
        .all(&shop.db)
        .await
        .expect("consents");
    assert_eq!(consents.len(), 1);
    assert_eq!(consents[0].source, "import");
    assert_eq!(
        consents[0].changed_at.date_naive().to_string(),
        "2024-06-05"
    );
    // The import is in the audit log with its figures, and the new clients are found by name.
    let audit = audit_event::Entity::find()
        .filter(audit_event::Column::Kind.eq(AuditKind::ClientsImported.code()))
        .one(&shop.db)
        .await
        .expect("read")
        .expect("audited");
    assert!(audit.detail.contains("created=2"), "{}", audit.detail);
    let found = crate::services::clients::search::search_clients(&shop.db, &shop.owner, "durand")
        .await
        .expect("search");
    assert_eq!(found.total, 1);
    shop.assert_balances_are_sums().await;
}

#[tokio::test]
async fn the_same_file_imported_twice_creates_nothing_new() {
    let shop = TestShop::new().await;
    imported(&shop, LIST).await;
    let again = imported(&shop, LIST).await;
    assert_eq!(again.summary, summary(0, 0, 3, 2, 5));
    assert_eq!(
        client::Entity::find().count(&shop.db).await.expect("count"),
        2
    );
    assert_eq!(
        ledger_entry::Entity::find()
            .count(&shop.db)
            .await
            .expect("count"),
        1
    );
    shop.assert_balances_are_sums().await;
}

#[tokio::test]
async fn a_row_completes_an_existing_client_without_replacing_what_the_shop_wrote() {
    let shop = TestShop::new().await;
    let existing = shop.client("Lea", "Morel").await;
    let text = "Nom;Prénom;E-mail;Ville;Téléphone;Points\n\
        Moreau;Léa;lea.morel@exemple.fr;Lyon;0612345678;30\n";
    let view = imported(&shop, text).await;
    assert_eq!(view.summary, summary(0, 1, 0, 0, 1));
    let lea = client::Entity::find_by_id(existing.id)
        .one(&shop.db)
        .await
        .expect("read")
        .expect("Léa");
    assert_eq!(lea.last_name, "Morel", "the shop's own data wins");
    assert_eq!(lea.city.as_deref(), Some("Lyon"));
    assert_eq!(lea.phone.as_deref(), Some("+33612345678"));
    assert_eq!(lea.points_balance, 30);
    shop.assert_balances_are_sums().await;
}

#[tokio::test]
async fn an_import_stopped_between_batches_goes_on_without_writing_a_row_twice() {
    let shop = TestShop::new().await;
    let rows = BATCH_ROWS * 2 + 17;
    let mut text = String::from("nom,prénom,email,points\n");
    for index in 0..rows {
        text.push_str(&format!("Client{index},Test,client{index}@exemple.fr,10\n"));
    }
    let import_id = uploaded(&shop, &text).await;
    confirmed(&shop, import_id).await;
    let shop_id = shop.owner.shop_id;
    assert_eq!(
        run_batches(&shop.db, shop_id, import_id, Some(1))
            .await
            .expect("one batch"),
        RunEnd::Paused
    );
    // The server that wrote it still holds the import: another waits.
    assert_eq!(
        run_import(&shop.db, shop_id, import_id).await.expect("ran"),
        RunEnd::NotHeld
    );
    let halfway = import_view(&shop.db, &shop.owner, import_id)
        .await
        .expect("view");
    assert_eq!(halfway.summary.rows_done, BATCH_ROWS as u64);
    // The hold lapses (the server stopped); the next run takes the import over.
    client_import::Entity::update_many()
        .col_expr(
            client_import::Column::HeldUntil,
            sea_orm::sea_query::Expr::value(Utc::now() - chrono::Duration::seconds(1)),
        )
        .filter(client_import::Column::Id.eq(import_id))
        .exec(&shop.db)
        .await
        .expect("lapsed");
    assert_eq!(
        run_import(&shop.db, shop_id, import_id).await.expect("ran"),
        RunEnd::Finished
    );
    let done = import_view(&shop.db, &shop.owner, import_id)
        .await
        .expect("view");
    assert_eq!(done.summary, summary(rows as u64, 0, 0, 0, rows as u64));
    assert_eq!(
        client::Entity::find().count(&shop.db).await.expect("count"),
        rows as u64
    );
    assert_eq!(
        ledger_entry::Entity::find()
            .count(&shop.db)
            .await
            .expect("count"),
        rows as u64
    );
    shop.assert_balances_are_sums().await;
}

#[tokio::test]
async fn only_the_owner_imports_and_only_in_their_shop() {
    let shop = TestShop::new().await;
    let import_id = uploaded(&shop, LIST).await;
    assert_eq!(
        upload(&shop.db, &shop.staff(), "c.csv", LIST.as_bytes()).await,
        Err(UploadRefusal::App(AppError::Forbidden))
    );
    assert_eq!(
        import_view(&shop.db, &shop.staff(), import_id).await,
        Err(AppError::Forbidden)
    );
    let neighbour = shop.other_shop().await;
    assert_eq!(
        import_view(&shop.db, &neighbour, import_id).await,
        Err(AppError::NotFound)
    );
    assert_eq!(
        start_import(&shop.db, &neighbour, import_id).await,
        Err(AppError::NotFound)
    );
    assert_eq!(
        upload(
            &shop.db,
            &shop.owner,
            "photo.png",
            b"\x89PNG\r\n\x1a\n\x00\x00"
        )
        .await,
        Err(UploadRefusal::File(UploadProblem::NotCsv))
    );
}

#[tokio::test]
async fn a_mapping_is_changed_checked_and_a_list_without_contact_is_not_started() {
    let shop = TestShop::new().await;
    let import_id = uploaded(&shop, LIST).await;
    let mut mapping = vec![ImportField::Ignore; 8];
    mapping[0] = ImportField::LastName;
    mapping[1] = ImportField::FirstName;
    let view = change_mapping(&shop.db, &shop.owner, import_id, mapping.clone())
        .await
        .expect("changed");
    assert_eq!(view.mapping, mapping);
    assert_eq!(view.counts.invalid, 5, "nobody can be reached");
    assert_eq!(
        start_import(&shop.db, &shop.owner, import_id).await,
        Err(AppError::invalid("mapping", FieldProblem::Required))
    );
    mapping[2] = ImportField::LastName;
    assert_eq!(
        change_mapping(&shop.db, &shop.owner, import_id, mapping).await,
        Err(AppError::invalid("mapping", FieldProblem::InvalidChoice))
    );
    assert_eq!(
        change_mapping(&shop.db, &shop.owner, import_id, vec![ImportField::Email]).await,
        Err(AppError::invalid("mapping", FieldProblem::Malformed))
    );
}

#[tokio::test]
async fn the_refused_rows_come_back_with_their_reasons() {
    let shop = TestShop::new().await;
    let view = imported(&shop, LIST).await;
    let download = refusals_csv(&shop.db, &shop.owner, view.id, |field, _| {
        format!("{field} refusé")
    })
    .await
    .expect("download");
    let text = String::from_utf8(download.bytes).expect("utf-8");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].contains("Ligne;Motifs;Nom;Prénom"), "{text}");
    assert!(
        lines[1].starts_with("4;email refusé;Sans;Contact"),
        "{text}"
    );
    assert!(lines[2].starts_with("6;birth_date refusé;Petit"), "{text}");
}

#[tokio::test]
async fn an_opening_balance_reaches_a_reward_as_earned_points_do() {
    use crate::model::rewards::{EarnedStatus, RewardForm, RewardKind};
    use crate::services::programme::rewards::{add_reward, client_rewards};
    let shop = TestShop::new().await;
    let coffee = RewardForm {
        name: "Un café offert".into(),
        kind: RewardKind::FreeProduct,
        cost: "100".into(),
        ..RewardForm::default()
    };
    add_reward(&shop.db, &shop.owner, &coffee)
        .await
        .expect("added");
    imported(&shop, LIST).await;
    let lea = client::Entity::find()
        .filter(client::Column::Email.eq("lea.morel@exemple.fr"))
        .one(&shop.db)
        .await
        .expect("read")
        .expect("Léa");
    let earned = client_rewards(&shop.db, &shop.owner, lea.id)
        .await
        .expect("rewards")
        .earned;
    assert_eq!(earned.len(), 1);
    assert_eq!(earned[0].status, EarnedStatus::Earned);
}

#[tokio::test]
async fn an_acceptance_of_the_terms_is_recorded_against_the_version_in_force() {
    use crate::model::terms::{AcceptanceSource, TermsForm};
    use crate::services::clients::terms::client_terms;
    use crate::services::programme::terms::publish_terms;

    const WITH_TERMS: &str = "Nom;Prénom;E-mail;Règlement accepté le\n\
Morel;Léa;lea.morel@exemple.fr;07/06/2024\n\
Durand;Paul;paul.durand@exemple.fr;oui\n";
    // No terms published: the column brings nothing.
    let shop = TestShop::new().await;
    imported(&shop, WITH_TERMS).await;
    assert_eq!(
        crate::entities::terms_acceptance::Entity::find()
            .count(&shop.db)
            .await
            .expect("count"),
        0
    );

    let shop = TestShop::new().await;
    publish_terms(
        &shop.db,
        &shop.owner,
        &TermsForm {
            body: "Article 1".into(),
        },
    )
    .await
    .expect("published");
    imported(&shop, WITH_TERMS).await;
    imported(&shop, WITH_TERMS).await;
    let file = |email: &'static str| {
        let db = shop.db.clone();
        async move {
            client::Entity::find()
                .filter(client::Column::Email.eq(email))
                .one(&db)
                .await
                .expect("read")
                .expect("imported")
        }
    };
    let lea = file("lea.morel@exemple.fr").await;
    let standing = client_terms(&shop.db, &shop.owner, lea.id)
        .await
        .expect("standing");
    assert!(!standing.due());
    let accepted = standing.accepted.expect("accepted");
    assert_eq!(
        (accepted.version, accepted.source),
        (1, AcceptanceSource::Import)
    );
    assert!(
        accepted.accepted_at.starts_with("07/06/2024"),
        "{}",
        accepted.accepted_at
    );
    // "oui" has no day: Paul is asked at his next visit.
    let paul = file("paul.durand@exemple.fr").await;
    assert!(
        client_terms(&shop.db, &shop.owner, paul.id)
            .await
            .expect("standing")
            .due()
    );
    assert_eq!(
        crate::entities::terms_acceptance::Entity::find()
            .count(&shop.db)
            .await
            .expect("count"),
        1,
        "imported twice, recorded once"
    );
}
