use chrono::{DateTime, Duration, Utc};
use sea_orm::{EntityTrait, PaginatorTrait};

use super::*;
use crate::entities::shop_day;
use crate::model::dashboard::PeriodChoice;
use crate::model::error::FieldProblem;
use crate::services::ledger::{modify_transaction, record_transaction, redeem_points};
use crate::services::test_support::{TestShop, change, earn, redeem};

fn period(period: PeriodChoice) -> DashboardQuery {
    DashboardQuery {
        period,
        ..DashboardQuery::default()
    }
}

/// Léa buys twice (12,50 € then 7,50 €) and uses 3 points; Marc buys once (9,00 €), and his
/// purchase is then corrected to 4 points without an amount.
async fn a_day_of_sales(shop: &TestShop) -> (i64, i64) {
    let lea = shop.client("Léa", "Morel").await;
    let marc = shop.client("Marc", "Petit").await;
    let owner = &shop.owner;
    record_transaction(&shop.db, owner, &earn(lea.id, "12", "12,50"))
        .await
        .expect("earned");
    record_transaction(&shop.db, owner, &earn(lea.id, "7", "7,50"))
        .await
        .expect("earned");
    redeem_points(&shop.db, owner, &redeem(lea.id, "3"))
        .await
        .expect("used");
    let marc_purchase = record_transaction(&shop.db, owner, &earn(marc.id, "9", "9"))
        .await
        .expect("earned");
    modify_transaction(&shop.db, owner, &change(marc_purchase.transaction.id, "4"))
        .await
        .expect("corrected");
    (lea.id, marc.id)
}

fn expected_totals() -> Figures {
    Figures {
        visits: 3,
        paid_visits: 2,
        spent_cents: 2_000,
        points_issued: 12 + 7 + 4,
        points_used: 3,
        points_expired: 0,
        new_clients: 2,
        rewards_earned: 0,
        rewards_claimed: 0,
    }
}

#[tokio::test]
async fn a_period_adds_up_the_ledger_whether_its_days_are_closed_or_not() {
    let shop = TestShop::new().await;
    let (lea, marc) = a_day_of_sales(&shop).await;
    let user = &shop.owner.user;
    let now = Utc::now();

    let live = dashboard(&shop.db, user, &period(PeriodChoice::Week), now)
        .await
        .expect("dashboard");
    assert_eq!(live.totals, expected_totals());
    assert_eq!(live.totals.average_basket_cents(), Some(1_000));
    assert_eq!((live.active_clients, live.returning_clients), (2, 1));
    assert_eq!(live.returning_percent(), Some(50));
    assert_eq!(live.steps.len(), 7);
    assert_eq!(live.steps[6].figures, expected_totals(), "all of it today");
    let best: Vec<(i64, i64, i64)> = live
        .best_clients
        .iter()
        .map(|best| (best.client_id, best.visits, best.spent_cents))
        .collect();
    assert_eq!(best, vec![(lea, 2, 2_000), (marc, 1, 0)]);
    assert_eq!(live.best_clients[0].name, "Léa Morel");

    // Two days on, the job has written the closed days; the figures are the same.
    let later = now + Duration::days(2);
    let written = roll_up_closed_days(&shop.db, later)
        .await
        .expect("rolled up");
    assert!(written.days >= 2, "{written:?}");
    assert_eq!(written.best_lists, 3, "7 days, 30 days and 12 months");
    assert_eq!(
        roll_up_closed_days(&shop.db, later).await.expect("again"),
        RollUpReport::default(),
        "a day and a list are written once"
    );
    let stored = shop_day::Entity::find()
        .all(shop.db.connection())
        .await
        .expect("days");
    assert_eq!(
        stored.iter().map(|day| day.visits).sum::<i64>(),
        3,
        "the sales are in the stored days"
    );
    let rolled = dashboard(&shop.db, user, &period(PeriodChoice::Week), later)
        .await
        .expect("dashboard");
    assert_eq!(rolled.totals, expected_totals());
    assert_eq!((rolled.active_clients, rolled.returning_clients), (2, 1));

    // A period in the past counts its clients from the ledger, and agrees.
    let zone = shop_zone(&user.time_zone);
    let sale_day = now.with_timezone(&zone).date_naive().to_string();
    let past = DashboardQuery {
        period: PeriodChoice::Dates,
        from: sale_day.clone(),
        to: sale_day,
    };
    let in_the_past = dashboard(&shop.db, user, &past, later)
        .await
        .expect("dashboard");
    assert_eq!(in_the_past.totals, expected_totals());
    assert_eq!(
        (in_the_past.active_clients, in_the_past.returning_clients),
        (2, 1)
    );
    assert_eq!(in_the_past.best_clients, live.best_clients);

    // Twelve months are drawn month by month, the sales in this month's.
    let year = dashboard(&shop.db, user, &period(PeriodChoice::Year), later)
        .await
        .expect("dashboard");
    assert_eq!(year.step, Step::Month);
    assert_eq!(year.totals, expected_totals());
    assert_eq!(
        year.steps
            .iter()
            .map(|step| step.figures.visits)
            .sum::<i64>(),
        3
    );
}

#[tokio::test]
async fn a_period_without_sales_shows_zeros_and_other_shops_see_none_of_ours() {
    let shop = TestShop::new().await;
    a_day_of_sales(&shop).await;
    let other = shop.other_shop().await;
    let theirs = dashboard(
        &shop.db,
        &other.user,
        &period(PeriodChoice::Month),
        Utc::now(),
    )
    .await
    .expect("dashboard");
    assert_eq!(theirs.totals, Figures::default());
    assert_eq!((theirs.active_clients, theirs.returning_clients), (0, 0));
    assert!(theirs.best_clients.is_empty());
    assert_eq!(theirs.returning_percent(), None);
    assert_eq!(theirs.totals.average_basket_cents(), None);
    assert_eq!(theirs.steps.len(), 30);

    // Our sales are more than a week old a week later.
    let next_week = Utc::now() + Duration::days(8);
    let ours = dashboard(
        &shop.db,
        &shop.owner.user,
        &period(PeriodChoice::Week),
        next_week,
    )
    .await
    .expect("dashboard");
    assert_eq!(ours.totals, Figures::default());
    assert_eq!(ours.active_clients, 0);
}

#[tokio::test]
async fn the_dashboard_is_the_owners_and_checks_typed_dates() {
    let shop = TestShop::new().await;
    let staff = shop.staff();
    assert_eq!(
        dashboard(
            &shop.db,
            &staff.user,
            &DashboardQuery::default(),
            Utc::now()
        )
        .await,
        Err(AppError::Forbidden)
    );
    let backwards = DashboardQuery {
        period: PeriodChoice::Dates,
        from: "2026-11-30".into(),
        to: "2026-11-01".into(),
    };
    assert_eq!(
        dashboard(&shop.db, &shop.owner.user, &backwards, Utc::now()).await,
        Err(AppError::invalid("to", FieldProblem::EndBeforeStart))
    );
    let rows = shop_day::Entity::find()
        .count(shop.db.connection())
        .await
        .expect("count");
    assert_eq!(rows, 0, "reading writes nothing");
}

/// A purchase dated `at`, written straight into the ledger: the services date entries now, and
/// this test needs purchases on a day to come.
async fn purchase_at(shop: &TestShop, client_id: i64, cents: i64, at: DateTime<Utc>) {
    use crate::entities::ledger_entry;
    use sea_orm::{ActiveModelTrait, Set};
    ledger_entry::ActiveModel {
        shop_id: Set(shop.owner.user.shop_id),
        client_id: Set(client_id),
        kind: Set(EntryKind::Earn.code().to_owned()),
        points: Set(1),
        amount_cents: Set(Some(cents)),
        author_user_id: Set(shop.owner.user.user_id),
        created_at: Set(at),
        ..Default::default()
    }
    .insert(shop.db.connection())
    .await
    .expect("entry");
}

#[tokio::test]
async fn the_kept_best_clients_plus_today_are_the_periods_best_clients() {
    let shop = TestShop::new().await;
    let mut ids = Vec::new();
    for (index, euros) in [90, 80, 70, 60, 55, 52, 50, 10].into_iter().enumerate() {
        let client = shop.client("Client", &format!("Numéro {index}")).await;
        record_transaction(
            &shop.db,
            &shop.owner,
            &earn(client.id, "1", &euros.to_string()),
        )
        .await
        .expect("earned");
        ids.push(client.id);
    }
    // Two days on, the job keeps the six best of the closed days; the seventh and the eighth
    // come back today.
    let later = Utc::now() + Duration::days(2);
    roll_up_closed_days(&shop.db, later)
        .await
        .expect("rolled up");
    purchase_at(&shop, ids[6], 2_000, later).await;
    purchase_at(&shop, ids[7], 100, later).await;

    let user = &shop.owner.user;
    let kept = dashboard(&shop.db, user, &period(PeriodChoice::Month), later)
        .await
        .expect("dashboard");
    let ranked: Vec<(i64, i64, i64)> = kept
        .best_clients
        .iter()
        .map(|best| (best.client_id, best.visits, best.spent_cents))
        .collect();
    assert_eq!(
        ranked,
        vec![
            (ids[0], 1, 9_000),
            (ids[1], 1, 8_000),
            (ids[6], 2, 7_000),
            (ids[2], 1, 7_000),
            (ids[3], 1, 6_000),
        ],
        "the seventh, off the kept list, is read exactly and comes third"
    );
    // The same period typed as dates reads every entry, and agrees.
    let zone = shop_zone(&user.time_zone);
    let today = later.with_timezone(&zone).date_naive();
    let typed = DashboardQuery {
        period: PeriodChoice::Dates,
        from: (today - Duration::days(29)).to_string(),
        to: today.to_string(),
    };
    let read_whole = dashboard(&shop.db, user, &typed, later)
        .await
        .expect("dashboard");
    assert_eq!(read_whole.best_clients, kept.best_clients);
}
