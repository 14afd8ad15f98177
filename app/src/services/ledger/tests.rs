//! The ledger's service tests, on the in-memory database with the real migrator.
use uuid::Uuid;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::*;
use crate::entities::ledger_entry;
use crate::model::client::ClientForm;
use crate::model::error::{AppError, FieldProblem};
use crate::model::ledger::MAX_POINTS;
use crate::model::ledger::{
    ContactPointsRequest, JournalFilter, PointsAction, RecordOutcome, RecordRequest,
    TransactionForm,
};
use crate::services::clients::edit::{SharedPhone, create_client};
use crate::services::clients::lookup::find_in_shop;
use crate::services::test_support::{TestShop, change, client_form, earn, redeem};
use crate::services::time::shop_zone;
use chrono::Duration;

async fn ledger_sum(shop: &TestShop, client_id: i64) -> i64 {
    ledger_entry::Entity::find()
        .filter(ledger_entry::Column::ClientId.eq(client_id))
        .all(&shop.db)
        .await
        .expect("entries")
        .iter()
        .map(|entry| entry.points)
        .sum()
}

#[tokio::test]
async fn recording_points_updates_balance_and_last_visit_at_once() {
    let shop = TestShop::new().await;
    let client = shop.client("Léa", "Morel").await;
    let outcome = record_transaction(&shop.db, &shop.owner, &earn(client.id, "12", "12,50"))
        .await
        .expect("recorded");
    assert_eq!(outcome.client.points_balance, 12);
    assert!(outcome.client.last_visit.is_some());
    assert_eq!(outcome.transaction.amount_cents, Some(1250));
    assert_eq!(outcome.transaction.author_name, shop.owner.display_name);
    assert_eq!(ledger_sum(&shop, client.id).await, 12);
}

#[tokio::test]
async fn a_replayed_request_is_recorded_once() {
    let shop = TestShop::new().await;
    let client = shop.client("Léa", "Morel").await;
    let request = earn(client.id, "5", "");
    let first = record_transaction(&shop.db, &shop.owner, &request)
        .await
        .expect("first");
    let second = record_transaction(&shop.db, &shop.owner, &request)
        .await
        .expect("replay");
    assert_eq!(first.transaction.id, second.transaction.id);
    assert_eq!(second.client.points_balance, 5);
    assert_eq!(ledger_sum(&shop, client.id).await, 5);
}

#[tokio::test]
async fn a_key_reused_with_other_points_is_refused() {
    let shop = TestShop::new().await;
    let client = shop.client("Léa", "Morel").await;
    let request = earn(client.id, "5", "");
    record_transaction(&shop.db, &shop.owner, &request)
        .await
        .expect("first");
    let tampered = RecordRequest {
        form: TransactionForm {
            points: "50".into(),
            amount: String::new(),
            items: String::new(),
        },
        ..request
    };
    assert_eq!(
        record_transaction(&shop.db, &shop.owner, &tampered).await,
        Err(AppError::IdempotencyConflict)
    );
    assert_eq!(ledger_sum(&shop, client.id).await, 5);
}

#[tokio::test]
async fn a_modification_is_a_reversal_plus_a_correction() {
    let shop = TestShop::new().await;
    let client = shop.client("Léa", "Morel").await;
    let recorded = record_transaction(&shop.db, &shop.owner, &earn(client.id, "12", ""))
        .await
        .expect("recorded");
    let corrected = modify_transaction(
        &shop.db,
        &shop.owner,
        &change(recorded.transaction.id, "21"),
    )
    .await
    .expect("modified");
    assert_eq!(corrected.client.points_balance, 21);
    assert_eq!(corrected.transaction.kind, EntryKind::Correction);
    assert_eq!(
        corrected.transaction.refers_to,
        Some(recorded.transaction.id)
    );
    let history = client_history(&shop.db, &shop.owner, client.id)
        .await
        .expect("history");
    let kinds: Vec<(EntryKind, i64)> = history
        .iter()
        .map(|entry| (entry.kind, entry.points))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (EntryKind::Correction, 21),
            (EntryKind::Reversal, -12),
            (EntryKind::Earn, 12)
        ]
    );
    assert!(!history[2].can_be_modified());
    assert!(history[0].can_be_modified());
    assert_eq!(ledger_sum(&shop, client.id).await, 21);
}

#[tokio::test]
async fn a_transaction_is_reversed_only_once() {
    let shop = TestShop::new().await;
    let client = shop.client("Léa", "Morel").await;
    let recorded = record_transaction(&shop.db, &shop.owner, &earn(client.id, "12", ""))
        .await
        .expect("recorded");
    modify_transaction(
        &shop.db,
        &shop.owner,
        &change(recorded.transaction.id, "10"),
    )
    .await
    .expect("first change");
    assert_eq!(
        modify_transaction(&shop.db, &shop.owner, &change(recorded.transaction.id, "8")).await,
        Err(AppError::AlreadyModified)
    );
    assert_eq!(ledger_sum(&shop, client.id).await, 10);
}

#[tokio::test]
async fn a_replayed_modification_is_applied_once() {
    let shop = TestShop::new().await;
    let client = shop.client("Léa", "Morel").await;
    let recorded = record_transaction(&shop.db, &shop.owner, &earn(client.id, "12", ""))
        .await
        .expect("recorded");
    let request = change(recorded.transaction.id, "3");
    let first = modify_transaction(&shop.db, &shop.owner, &request)
        .await
        .expect("first");
    let again = modify_transaction(&shop.db, &shop.owner, &request)
        .await
        .expect("replay");
    assert_eq!(first.transaction.id, again.transaction.id);
    assert_eq!(ledger_sum(&shop, client.id).await, 3);
}

#[tokio::test]
async fn a_correction_never_takes_the_balance_below_zero() {
    let shop = TestShop::new().await;
    let client = shop.client("Léa", "Morel").await;
    let recorded = record_transaction(&shop.db, &shop.owner, &earn(client.id, "10", ""))
        .await
        .expect("recorded");
    // 6 of the 10 points are already used.
    redeem_points(&shop.db, &shop.owner, &redeem(client.id, "6"))
        .await
        .expect("used");
    assert_eq!(
        modify_transaction(&shop.db, &shop.owner, &change(recorded.transaction.id, "0")).await,
        Err(AppError::InsufficientBalance)
    );
    let history = client_history(&shop.db, &shop.owner, client.id)
        .await
        .expect("history");
    assert_eq!(
        history.len(),
        2,
        "nothing written when the change is refused"
    );
}

#[tokio::test]
async fn using_points_never_takes_the_balance_below_zero() {
    let shop = TestShop::new().await;
    let client = shop.client("Léa", "Morel").await;
    record_transaction(&shop.db, &shop.owner, &earn(client.id, "10", "8"))
        .await
        .expect("earned");
    let used = redeem_points(&shop.db, &shop.owner, &redeem(client.id, "4"))
        .await
        .expect("used");
    assert_eq!(used.client.points_balance, 6);
    assert_eq!(used.transaction.kind, EntryKind::Redeem);
    assert_eq!(used.transaction.points, -4);
    assert_eq!(
        redeem_points(&shop.db, &shop.owner, &redeem(client.id, "7")).await,
        Err(AppError::invalid(
            "points",
            FieldProblem::NotEnoughPoints { balance: 6 }
        ))
    );
    assert_eq!(
        redeem_points(&shop.db, &shop.owner, &redeem(client.id, "0")).await,
        Err(AppError::invalid("points", FieldProblem::AtLeastOnePoint))
    );
    assert_eq!(ledger_sum(&shop, client.id).await, 6);
    let file = find_in_shop(&shop.db, shop.owner.shop_id, client.id)
        .await
        .expect("client");
    assert_eq!(file.visit_count, 1, "using points is not a visit");
    // Replayed, the use counts once.
    let request = redeem(client.id, "6");
    let first = redeem_points(&shop.db, &shop.owner, &request)
        .await
        .expect("first");
    let again = redeem_points(&shop.db, &shop.owner, &request)
        .await
        .expect("replay");
    assert_eq!(first.transaction.id, again.transaction.id);
    assert_eq!(ledger_sum(&shop, client.id).await, 0);
}

#[tokio::test]
async fn two_tills_using_the_same_points_at_once_leave_no_negative_balance() {
    for _ in 0..10 {
        let shop = TestShop::on_file().await;
        let client = shop.client("Léa", "Morel").await;
        record_transaction(&shop.db, &shop.owner, &earn(client.id, "10", ""))
            .await
            .expect("earned");
        let till = |shop: TestShop| async move {
            redeem_points(&shop.db, &shop.owner, &redeem(client.id, "8")).await
        };
        let (first, second) = tokio::join!(
            tokio::spawn(till(shop.clone())),
            tokio::spawn(till(shop.clone()))
        );
        let answers = [first.expect("first till"), second.expect("second till")];
        let used = answers.iter().filter(|answer| answer.is_ok()).count();
        assert_eq!(used, 1, "{answers:?}");
        assert!(answers.iter().any(|answer| *answer
            == Err(AppError::invalid(
                "points",
                FieldProblem::NotEnoughPoints { balance: 2 }
            ))));
        assert_eq!(ledger_sum(&shop, client.id).await, 2);
    }
}

#[tokio::test]
async fn a_use_of_points_is_modified_into_another_use() {
    let shop = TestShop::new().await;
    let client = shop.client("Léa", "Morel").await;
    record_transaction(&shop.db, &shop.owner, &earn(client.id, "10", ""))
        .await
        .expect("earned");
    let used = redeem_points(&shop.db, &shop.owner, &redeem(client.id, "4"))
        .await
        .expect("used");
    let request = change(used.transaction.id, "6");
    let modified = modify_transaction(&shop.db, &shop.owner, &request)
        .await
        .expect("modified");
    assert_eq!(modified.transaction.kind, EntryKind::Redeem);
    assert_eq!(modified.transaction.points, -6);
    assert_eq!(modified.transaction.refers_to, Some(used.transaction.id));
    assert_eq!(modified.client.points_balance, 4);
    let replayed = modify_transaction(&shop.db, &shop.owner, &request)
        .await
        .expect("replayed");
    assert_eq!(replayed.transaction.id, modified.transaction.id);
    // A use has no amount.
    let mut with_amount = change(modified.transaction.id, "6");
    with_amount.form.amount = "5".into();
    assert_eq!(
        modify_transaction(&shop.db, &shop.owner, &with_amount).await,
        Err(AppError::invalid("amount", FieldProblem::InvalidAmount))
    );
    assert_eq!(ledger_sum(&shop, client.id).await, 4);
}

#[tokio::test]
async fn points_go_by_email_or_phone_without_opening_the_file() {
    let shop = TestShop::new().await;
    let form = ClientForm {
        phone: "06 12 34 56 78".into(),
        email: "lea.morel@exemple.fr".into(),
        ..client_form("Léa", "Morel")
    };
    let client = create_client(&shop.db, &shop.owner, &form, SharedPhone::Refuse)
        .await
        .expect("client");
    let by_contact = |contact: &str, points: &str, action| ContactPointsRequest {
        contact: contact.into(),
        points: points.into(),
        amount: String::new(),
        items: String::new(),
        action,
        idempotency_key: Uuid::new_v4(),
    };
    let added = points_by_contact(
        &shop.db,
        &shop.owner,
        &by_contact("+33 6 12 34 56 78", "12", PointsAction::Add),
    )
    .await
    .expect("added by phone");
    assert_eq!(added.client.id, client.id);
    assert_eq!(added.client.points_balance, 12);
    let used = points_by_contact(
        &shop.db,
        &shop.owner,
        &by_contact(" LEA.MOREL@exemple.fr ", "5", PointsAction::Use),
    )
    .await
    .expect("used by e-mail");
    assert_eq!(used.client.points_balance, 7);

    let refused = |contact: &str, points: &str| {
        let request = by_contact(contact, points, PointsAction::Use);
        let shop = shop.clone();
        async move { points_by_contact(&shop.db, &shop.owner, &request).await }
    };
    let fields = |answer: Result<RecordOutcome, AppError>| match answer {
        Err(AppError::Invalid(errors)) => errors.0,
        other => panic!("expected field errors, got {other:?}"),
    };
    assert_eq!(
        fields(refused("07 00 00 00 00", "1").await),
        [("contact".to_owned(), FieldProblem::NoClientWithContact)]
    );
    assert_eq!(
        fields(refused("lea.morel@exemple.fr", "8").await),
        [(
            "points".to_owned(),
            FieldProblem::NotEnoughPoints { balance: 7 }
        )]
    );
    // Both mistakes at once are both reported.
    assert_eq!(
        fields(refused("pas un contact", "-1").await),
        [
            (
                "points".to_owned(),
                FieldProblem::PointsOutOfRange { max: MAX_POINTS }
            ),
            ("contact".to_owned(), FieldProblem::InvalidContact)
        ]
    );
    // A phone on two files (a family's, confirmed at creation): the till must pick by name.
    create_client(
        &shop.db,
        &shop.owner,
        &ClientForm {
            phone: "0612345678".into(),
            ..client_form("Paul", "Morel")
        },
        SharedPhone::Allow,
    )
    .await
    .expect("second client");
    assert_eq!(
        fields(refused("06 12 34 56 78", "1").await),
        [(
            "contact".to_owned(),
            FieldProblem::SeveralClientsWithContact { count: 2 }
        )]
    );
    assert_eq!(ledger_sum(&shop, client.id).await, 7);
}

#[tokio::test]
async fn another_shop_cannot_touch_the_ledger() {
    let shop = TestShop::new().await;
    let other = shop.other_shop().await;
    let client = shop.client("Léa", "Morel").await;
    let recorded = record_transaction(&shop.db, &shop.owner, &earn(client.id, "10", ""))
        .await
        .expect("recorded");
    assert_eq!(
        record_transaction(&shop.db, &other, &earn(client.id, "10", "")).await,
        Err(AppError::NotFound)
    );
    assert_eq!(
        modify_transaction(&shop.db, &other, &change(recorded.transaction.id, "1")).await,
        Err(AppError::NotFound)
    );
    assert_eq!(
        client_history(&shop.db, &other, client.id).await,
        Err(AppError::NotFound)
    );
    let journal_of_other = journal(&shop.db, &other, &JournalFilter::default())
        .await
        .expect("journal");
    assert_eq!(journal_of_other.total, 0);
    let filtered = JournalFilter {
        client_id: Some(client.id),
        ..Default::default()
    };
    assert_eq!(
        journal(&shop.db, &other, &filtered).await,
        Err(AppError::NotFound)
    );
    assert_eq!(ledger_sum(&shop, client.id).await, 10);
}

#[tokio::test]
async fn the_journal_lists_newest_first_and_filters() {
    let shop = TestShop::new().await;
    let lea = shop.client("Léa", "Morel").await;
    let paul = shop.client("Paul", "Roux").await;
    record_transaction(&shop.db, &shop.owner, &earn(lea.id, "1", ""))
        .await
        .expect("recorded");
    record_transaction(&shop.db, &shop.owner, &earn(paul.id, "2", ""))
        .await
        .expect("recorded");
    let all = journal(&shop.db, &shop.owner, &JournalFilter::default())
        .await
        .expect("journal");
    assert_eq!(
        all.entries
            .iter()
            .map(|entry| entry.points)
            .collect::<Vec<_>>(),
        vec![2, 1]
    );
    let only_lea = journal(
        &shop.db,
        &shop.owner,
        &JournalFilter {
            client_id: Some(lea.id),
            ..Default::default()
        },
    )
    .await
    .expect("journal");
    assert_eq!(only_lea.total, 1);
    let today = crate::services::time::today(shop_zone(&shop.owner.time_zone))
        .format("%Y-%m-%d")
        .to_string();
    let tomorrow = (crate::services::time::today(shop_zone(&shop.owner.time_zone))
        + Duration::days(1))
    .format("%Y-%m-%d")
    .to_string();
    let today_only = JournalFilter {
        from: today.clone(),
        to: today,
        ..Default::default()
    };
    assert_eq!(
        journal(&shop.db, &shop.owner, &today_only)
            .await
            .expect("journal")
            .total,
        2
    );
    let future = JournalFilter {
        from: tomorrow,
        ..Default::default()
    };
    assert_eq!(
        journal(&shop.db, &shop.owner, &future)
            .await
            .expect("journal")
            .total,
        0
    );
    let bad = JournalFilter {
        from: "23/11".into(),
        ..Default::default()
    };
    assert_eq!(
        journal(&shop.db, &shop.owner, &bad).await,
        Err(AppError::invalid(
            "from",
            crate::model::error::FieldProblem::InvalidDate
        ))
    );
}

/// An erased client's transactions stay as history: modifying one is refused before anything is
/// written, and the ledger and balance do not move.
#[tokio::test]
async fn a_transaction_of_an_erased_client_cannot_be_modified() {
    use crate::model::support::{ErasureReason, ErasureRequest};
    use crate::services::support::erase_client;

    let shop = TestShop::new().await;
    let client = shop.client("Léa", "Morel").await;
    let recorded = record_transaction(&shop.db, &shop.owner, &earn(client.id, "12", "12,00"))
        .await
        .expect("recorded");
    let support = shop.support().await;
    erase_client(
        &shop.db,
        &support,
        &ErasureRequest {
            shop_id: shop.owner.shop_id,
            client_id: client.id,
            reason: Some(ErasureReason::ClientRequest),
        },
    )
    .await
    .expect("erased");
    let entries_before = ledger_entry::Entity::find()
        .all(&shop.db)
        .await
        .expect("entries")
        .len();
    let answer = modify_transaction(
        &shop.db,
        &shop.owner,
        &change(recorded.transaction.id, "30"),
    )
    .await;
    assert_eq!(answer.map(|_| ()), Err(AppError::NotFound));
    let entries_after = ledger_entry::Entity::find()
        .all(&shop.db)
        .await
        .expect("entries")
        .len();
    assert_eq!(entries_after, entries_before, "nothing written");
    shop.assert_balances_are_sums().await;
}

#[tokio::test]
async fn a_journal_page_past_the_last_is_refused() {
    let shop = TestShop::new().await;
    let client = shop.client("Léa", "Morel").await;
    record_transaction(&shop.db, &shop.owner, &earn(client.id, "3", ""))
        .await
        .expect("recorded");
    let page = |page| JournalFilter {
        page,
        ..JournalFilter::default()
    };
    assert_eq!(
        journal(&shop.db, &shop.owner, &page(0))
            .await
            .expect("first page")
            .entries
            .len(),
        1
    );
    assert_eq!(
        journal(&shop.db, &shop.owner, &page(1)).await.map(|_| ()),
        Err(AppError::invalid("page", FieldProblem::InvalidChoice))
    );
}

/// The till and a client's page find their rows by key (ids, the client), the shop only
/// checked: never through a `(shop_id, …)` index alone, which reads every row of the shop.
#[tokio::test]
async fn the_till_and_a_client_page_find_rows_by_key_not_by_shop() {
    use crate::model::client_file::ActivityFilter;
    use crate::services::clients::{detail::get_client, file::activity};
    use crate::services::test_support::{query_plan, taken, watched};

    let shop = TestShop::new().await;
    let client = shop.client("Léa", "Morel").await;
    let (db, seen) = watched(&shop.db);
    record_transaction(&db, &shop.owner, &earn(client.id, "12", ""))
        .await
        .expect("recorded");
    get_client(&db, &shop.owner, client.id)
        .await
        .expect("client");
    client_history(&db, &shop.owner, client.id)
        .await
        .expect("history");
    activity(&db, &shop.owner, client.id, ActivityFilter::All, 0)
        .await
        .expect("activity");
    let mut checked = 0;
    for statement in taken(&seen) {
        let sql = statement.sql.to_lowercase();
        let by_key = [
            "\"client_id\" in",
            "\"client_id\" =",
            "\"id\" in",
            "\"merged_into_id\" =",
        ]
        .iter()
        .any(|key| sql.contains(key));
        if !by_key || sql.starts_with("insert") {
            continue;
        }
        checked += 1;
        for detail in query_plan(&shop.db, &statement).await {
            assert!(
                !detail.ends_with("(shop_id=?)"),
                "{detail} in the plan of {}",
                statement.sql
            );
        }
    }
    assert!(checked >= 5, "only {checked} statements by key");
}
