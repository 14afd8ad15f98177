use chrono::{Duration, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::*;
use crate::entities::{audit_event, client, programme};
use crate::model::error::FieldProblem;
use crate::model::programme::{ProgrammeKind, Rounding};
use crate::services::ledger::record_transaction;
use crate::services::test_support::{TestShop, earn};
use crate::services::time::{shop_zone, today};

fn form(kind: ProgrammeKind) -> ProgrammeForm {
    ProgrammeForm {
        name: "Fidélité".into(),
        kind,
        starts_on: today(shop_zone("Europe/Paris")).to_string(),
        ..ProgrammeForm::default()
    }
}

fn purchase(client_id: i64, amount: &str, items: &str) -> crate::model::ledger::RecordRequest {
    let mut request = earn(client_id, "", amount);
    request.form.items = items.into();
    request
}

async fn audit_kinds(shop: &TestShop) -> Vec<(String, String)> {
    audit_event::Entity::find()
        .filter(audit_event::Column::ShopId.eq(shop.owner.shop_id))
        .filter(audit_event::Column::Kind.starts_with("programme_"))
        .order_by_asc(audit_event::Column::Id)
        .all(&shop.db)
        .await
        .expect("audit")
        .into_iter()
        .map(|event| (event.kind, event.detail))
        .collect()
}

#[tokio::test]
async fn the_till_earns_by_the_programme_rule_and_by_hand_without_one() {
    let shop = TestShop::new().await;
    let client = shop.client("Léa", "Morel").await;
    let typed = record_transaction(&shop.db, &shop.owner, &earn(client.id, "4", ""))
        .await
        .expect("by hand");
    assert_eq!(typed.transaction.points, 4, "no programme: points typed");

    let mut per_euro = form(ProgrammeKind::PerEuro);
    per_euro.points_per_euro = "2".into();
    per_euro.rounding = Rounding::WholeEuro;
    start(&shop.db, &shop.owner, &per_euro)
        .await
        .expect("started");
    let outcome = record_transaction(&shop.db, &shop.owner, &earn(client.id, "999", "12,90"))
        .await
        .expect("by the rule");
    assert_eq!(
        outcome.transaction.points, 24,
        "12 whole euros × 2; typed points ignored"
    );
    assert_eq!(outcome.transaction.amount_cents, Some(1290));
    assert_eq!(outcome.client.points_balance, 28);
    let missing = record_transaction(&shop.db, &shop.owner, &earn(client.id, "5", "")).await;
    assert_eq!(
        missing,
        Err(AppError::invalid("amount", FieldProblem::Required))
    );
    shop.assert_balances_are_sums().await;
}

#[tokio::test]
async fn a_suspended_programme_records_purchases_without_points_until_resumed() {
    let shop = TestShop::new().await;
    let client = shop.client("Léa", "Morel").await;
    start(&shop.db, &shop.owner, &form(ProgrammeKind::PerEuro))
        .await
        .expect("started");
    let suspended = step(&shop.db, &shop.owner, ProgrammeStep::Suspend)
        .await
        .expect("suspended")
        .expect("still live");
    assert_eq!(suspended.state, ProgrammeState::Suspended);
    let paused = record_transaction(&shop.db, &shop.owner, &earn(client.id, "", "10"))
        .await
        .expect("recorded");
    assert_eq!(
        (paused.transaction.points, paused.transaction.amount_cents),
        (0, Some(1000))
    );
    assert!(paused.client.last_visit.is_some(), "still a visit");
    step(&shop.db, &shop.owner, ProgrammeStep::Suspend)
        .await
        .expect("suspending twice changes nothing");
    step(&shop.db, &shop.owner, ProgrammeStep::Resume)
        .await
        .expect("resumed");
    let earned = record_transaction(&shop.db, &shop.owner, &earn(client.id, "", "10"))
        .await
        .expect("recorded");
    assert_eq!(earned.transaction.points, 10);
    let kinds: Vec<String> = audit_kinds(&shop).await.into_iter().map(|k| k.0).collect();
    assert_eq!(
        kinds,
        [
            "programme_started",
            "programme_suspended",
            "programme_resumed"
        ]
    );
}

#[tokio::test]
async fn one_live_programme_per_shop_and_another_starts_once_it_ended() {
    let shop = TestShop::new().await;
    start(&shop.db, &shop.owner, &form(ProgrammeKind::PerVisit))
        .await
        .expect("started");
    assert_eq!(
        start(&shop.db, &shop.owner, &form(ProgrammeKind::StampCard)).await,
        Err(AppError::ProgrammeExists)
    );
    // The database itself holds one live programme per shop, whatever the code does.
    let second = programme::ActiveModel {
        shop_id: Set(shop.owner.shop_id),
        name: Set("Doublon".into()),
        kind: Set("manual".into()),
        rule: Set("{\"kind\":\"manual\"}".into()),
        starts_on: Set(today(shop_zone("Europe/Paris"))),
        created_at: Set(Utc::now()),
        ..Default::default()
    };
    let refused = second
        .insert(&shop.db)
        .await
        .expect_err("unique live programme");
    assert!(is_unique_violation(&refused), "{refused}");

    assert_eq!(
        step(&shop.db, &shop.owner, ProgrammeStep::End).await,
        Ok(None)
    );
    assert_eq!(current(&shop.db, &shop.owner).await, Ok(None));
    let card = start(&shop.db, &shop.owner, &form(ProgrammeKind::StampCard))
        .await
        .expect("another programme");
    assert_eq!(card.rule.kind(), ProgrammeKind::StampCard);
    let other = shop.other_shop().await;
    assert_eq!(current(&shop.db, &other).await, Ok(None), "shops apart");
    assert_eq!(
        step(&shop.db, &other, ProgrammeStep::Suspend).await,
        Err(AppError::NotFound)
    );
}

#[tokio::test]
async fn a_change_keeps_balances_and_is_audited_with_old_and_new_values() {
    let shop = TestShop::new().await;
    let client = shop.client("Léa", "Morel").await;
    start(&shop.db, &shop.owner, &form(ProgrammeKind::PerEuro))
        .await
        .expect("started");
    record_transaction(&shop.db, &shop.owner, &earn(client.id, "", "20"))
        .await
        .expect("recorded");
    let mut doubled = form(ProgrammeKind::PerEuro);
    doubled.points_per_euro = "3".into();
    let changed = change(&shop.db, &shop.owner, &doubled)
        .await
        .expect("changed");
    assert!(matches!(
        changed.rule,
        EarningRule::PerEuro { points: 3, .. }
    ));
    let balance = client::Entity::find_by_id(client.id)
        .one(&shop.db)
        .await
        .expect("read")
        .map(|row| row.points_balance);
    assert_eq!(balance, Some(20), "earned points stay as they were");
    let after = record_transaction(&shop.db, &shop.owner, &earn(client.id, "", "20"))
        .await
        .expect("recorded");
    assert_eq!(after.transaction.points, 60);
    let audit = audit_kinds(&shop).await;
    let (kind, detail) = audit.last().cloned().unwrap_or_default();
    assert_eq!(kind, "programme_changed");
    assert!(
        detail.contains("\"points\":1") && detail.contains("\"points\":3"),
        "{detail}"
    );
    assert_eq!(
        change(&shop.db, &shop.owner, &form(ProgrammeKind::StampCard)).await,
        Err(AppError::invalid("kind", FieldProblem::KindIsFixed))
    );
    shop.assert_balances_are_sums().await;
}

#[tokio::test]
async fn staff_follow_the_programme_but_cannot_change_it() {
    let shop = TestShop::new().await;
    let staff = shop.staff();
    assert_eq!(
        start(&shop.db, &staff, &form(ProgrammeKind::PerEuro)).await,
        Err(AppError::Forbidden)
    );
    start(&shop.db, &shop.owner, &form(ProgrammeKind::PerEuro))
        .await
        .expect("started");
    for attempt in [ProgrammeStep::Suspend, ProgrammeStep::End] {
        assert_eq!(
            step(&shop.db, &staff, attempt).await,
            Err(AppError::Forbidden)
        );
    }
    assert_eq!(
        change(&shop.db, &staff, &form(ProgrammeKind::PerEuro)).await,
        Err(AppError::Forbidden)
    );
    let seen = current(&shop.db, &staff).await.expect("read");
    assert_eq!(
        seen.map(|programme| programme.state),
        Some(ProgrammeState::Running)
    );
}

#[tokio::test]
async fn a_visit_counts_once_a_day_when_the_programme_says_so() {
    let shop = TestShop::new().await;
    let client = shop.client("Léa", "Morel").await;
    let mut per_visit = form(ProgrammeKind::PerVisit);
    per_visit.points_per_visit = "5".into();
    per_visit.once_per_day = true;
    start(&shop.db, &shop.owner, &per_visit)
        .await
        .expect("started");
    let first = record_transaction(&shop.db, &shop.owner, &earn(client.id, "", ""))
        .await
        .expect("first visit");
    assert_eq!(first.transaction.points, 5);
    assert_eq!(
        record_transaction(&shop.db, &shop.owner, &earn(client.id, "", "3")).await,
        Err(AppError::AlreadyVisitedToday)
    );
    // Yesterday's visit does not count against today.
    client::Entity::update_many()
        .col_expr(
            client::Column::LastVisitAt,
            sea_orm::sea_query::Expr::value(Utc::now() - Duration::days(2)),
        )
        .filter(client::Column::Id.eq(client.id))
        .exec(&shop.db)
        .await
        .expect("moved back");
    let next = record_transaction(&shop.db, &shop.owner, &earn(client.id, "", ""))
        .await
        .expect("a new day");
    assert_eq!(next.client.points_balance, 10);

    per_visit.once_per_day = false;
    change(&shop.db, &shop.owner, &per_visit)
        .await
        .expect("changed");
    record_transaction(&shop.db, &shop.owner, &earn(client.id, "", ""))
        .await
        .expect("every visit counts now");
    shop.assert_balances_are_sums().await;
}

#[tokio::test]
async fn a_stamp_card_counts_items_or_visits() {
    let shop = TestShop::new().await;
    let client = shop.client("Léa", "Morel").await;
    let mut card = form(ProgrammeKind::StampCard);
    card.per_item = true;
    start(&shop.db, &shop.owner, &card).await.expect("started");
    let three = record_transaction(&shop.db, &shop.owner, &purchase(client.id, "", "3"))
        .await
        .expect("three coffees");
    assert_eq!(three.transaction.points, 3);
    assert_eq!(
        record_transaction(&shop.db, &shop.owner, &purchase(client.id, "", "0")).await,
        Err(AppError::invalid(
            "items",
            FieldProblem::ItemsOutOfRange {
                max: crate::model::programme::MAX_ITEMS
            }
        ))
    );
    card.per_item = false;
    change(&shop.db, &shop.owner, &card).await.expect("changed");
    let one = record_transaction(&shop.db, &shop.owner, &purchase(client.id, "", "3"))
        .await
        .expect("a visit");
    assert_eq!(one.transaction.points, 1);
}

#[tokio::test]
async fn a_programme_not_yet_started_or_over_earns_nothing() {
    let shop = TestShop::new().await;
    let client = shop.client("Léa", "Morel").await;
    let mut later = form(ProgrammeKind::PerVisit);
    let tomorrow = today(shop_zone("Europe/Paris")) + Duration::days(1);
    later.starts_on = tomorrow.to_string();
    let programme = start(&shop.db, &shop.owner, &later).await.expect("started");
    assert_eq!(programme.state, ProgrammeState::NotStarted);
    let outcome = record_transaction(&shop.db, &shop.owner, &earn(client.id, "", ""))
        .await
        .expect("recorded");
    assert_eq!(outcome.transaction.points, 0);
}

mod rewards {
    use super::*;
    use crate::entities::earned_reward;
    use crate::model::rewards::{
        ClaimRequest, ClientRewards, EarnedStatus, ExtendRequest, RevokeRequest, RewardForm,
        RewardKind,
    };
    use crate::services::ledger::{claim_reward, run_expiry};
    use crate::services::programme::rewards::{
        add_reward, client_rewards, extend_earned, retire_reward, revoke_earned,
    };

    fn coffee(cost: &str) -> RewardForm {
        RewardForm {
            name: "Un café offert".into(),
            kind: RewardKind::FreeProduct,
            cost: cost.into(),
            ..RewardForm::default()
        }
    }

    fn claim(earned_id: i64) -> ClaimRequest {
        ClaimRequest {
            earned_id,
            idempotency_key: uuid::Uuid::new_v4(),
        }
    }

    async fn waiting(shop: &TestShop, client_id: i64) -> Vec<i64> {
        client_rewards(&shop.db, &shop.owner, client_id)
            .await
            .expect("rewards")
            .earned
            .into_iter()
            .filter(|earned| earned.status == EarnedStatus::Earned)
            .map(|earned| earned.id)
            .collect()
    }

    #[tokio::test]
    async fn a_reward_is_issued_when_the_balance_reaches_its_cost_and_claimed_once() {
        let shop = TestShop::new().await;
        let client = shop.client("Léa", "Morel").await;
        add_reward(&shop.db, &shop.owner, &coffee("20"))
            .await
            .expect("added");
        record_transaction(&shop.db, &shop.owner, &earn(client.id, "15", ""))
            .await
            .expect("earned");
        assert!(waiting(&shop, client.id).await.is_empty(), "15 < 20");
        let crossing = earn(client.id, "10", "");
        record_transaction(&shop.db, &shop.owner, &crossing)
            .await
            .expect("earned");
        record_transaction(&shop.db, &shop.owner, &crossing)
            .await
            .expect("a replay answers the same");
        record_transaction(&shop.db, &shop.owner, &earn(client.id, "5", ""))
            .await
            .expect("earned");
        let earned = waiting(&shop, client.id).await;
        assert_eq!(earned.len(), 1, "once, whatever came after");

        let request = claim(earned[0]);
        let claimed = claim_reward(&shop.db, &shop.owner, &request)
            .await
            .expect("claimed");
        assert_eq!(claimed.transaction.points, -20);
        assert_eq!(claimed.client.points_balance, 10);
        let again = claim_reward(&shop.db, &shop.owner, &request)
            .await
            .expect("a retried claim answers the same");
        assert_eq!(again.transaction.id, claimed.transaction.id);
        assert_eq!(
            claim_reward(&shop.db, &shop.owner, &claim(earned[0])).await,
            Err(AppError::RewardNotClaimable),
            "never claimed twice"
        );
        let listed = client_rewards(&shop.db, &shop.owner, client.id)
            .await
            .expect("rewards")
            .earned;
        assert_eq!(listed[0].status, EarnedStatus::Claimed);
        assert_eq!(listed[0].claimed_by.as_deref(), Some("Odile Owner"));

        record_transaction(&shop.db, &shop.owner, &earn(client.id, "10", ""))
            .await
            .expect("earned");
        let reached_again = waiting(&shop, client.id).await;
        assert_eq!(reached_again.len(), 1, "reached again");
        let reused_key = ClaimRequest {
            earned_id: reached_again[0],
            idempotency_key: request.idempotency_key,
        };
        assert_eq!(
            claim_reward(&shop.db, &shop.owner, &reused_key).await,
            Err(AppError::IdempotencyConflict),
            "a key already used for another claim claims nothing"
        );
        assert_eq!(waiting(&shop, client.id).await, reached_again);
        shop.assert_balances_are_sums().await;
    }

    #[tokio::test]
    async fn a_retired_reward_is_no_longer_earned_and_other_shops_see_nothing() {
        let shop = TestShop::new().await;
        let client = shop.client("Léa", "Morel").await;
        let reward = add_reward(&shop.db, &shop.owner, &coffee("5"))
            .await
            .expect("added");
        record_transaction(&shop.db, &shop.owner, &earn(client.id, "5", ""))
            .await
            .expect("earned");
        let earned = waiting(&shop, client.id).await;
        let other = shop.other_shop().await;
        assert_eq!(
            claim_reward(&shop.db, &other, &claim(earned[0])).await,
            Err(AppError::NotFound)
        );
        assert_eq!(
            client_rewards(&shop.db, &other, client.id).await,
            Ok(ClientRewards::default())
        );
        assert_eq!(
            retire_reward(&shop.db, &other, reward.id).await,
            Err(AppError::NotFound)
        );
        assert_eq!(
            add_reward(&shop.db, &shop.staff(), &coffee("5")).await,
            Err(AppError::Forbidden)
        );

        let retired = retire_reward(&shop.db, &shop.owner, reward.id)
            .await
            .expect("retired");
        assert!(!retired.active);
        claim_reward(&shop.db, &shop.owner, &claim(earned[0]))
            .await
            .expect("one earned before is still claimed");
        record_transaction(&shop.db, &shop.owner, &earn(client.id, "50", ""))
            .await
            .expect("earned");
        assert!(waiting(&shop, client.id).await.is_empty());
        let rows = earned_reward::Entity::find()
            .all(&shop.db)
            .await
            .expect("rows");
        assert_eq!(rows.len(), 1);
    }

    #[tokio::test]
    async fn a_claim_needs_the_points_still_there() {
        let shop = TestShop::new().await;
        let client = shop.client("Léa", "Morel").await;
        add_reward(&shop.db, &shop.owner, &coffee("10"))
            .await
            .expect("added");
        record_transaction(&shop.db, &shop.owner, &earn(client.id, "10", ""))
            .await
            .expect("earned");
        crate::services::ledger::redeem_points(
            &shop.db,
            &shop.owner,
            &crate::services::test_support::redeem(client.id, "4"),
        )
        .await
        .expect("used");
        let earned = waiting(&shop, client.id).await;
        assert_eq!(
            claim_reward(&shop.db, &shop.owner, &claim(earned[0])).await,
            Err(AppError::invalid(
                "points",
                FieldProblem::NotEnoughPoints { balance: 6 }
            ))
        );
        assert_eq!(waiting(&shop, client.id).await.len(), 1, "still waiting");
        shop.assert_balances_are_sums().await;
    }
    async fn statuses(shop: &TestShop, client_id: i64) -> Vec<(EarnedStatus, Option<String>)> {
        client_rewards(&shop.db, &shop.owner, client_id)
            .await
            .expect("rewards")
            .earned
            .into_iter()
            .map(|earned| (earned.status, earned.revoke_reason))
            .collect()
    }

    /// A client who just earned a reward valid one day: the client and the earned reward's id.
    async fn earned_for_a_day(shop: &TestShop) -> (crate::model::client::ClientRow, i64) {
        let client = shop.client("Léa", "Morel").await;
        let mut short = coffee("10");
        short.validity_days = "1".into();
        add_reward(&shop.db, &shop.owner, &short)
            .await
            .expect("added");
        record_transaction(&shop.db, &shop.owner, &earn(client.id, "10", ""))
            .await
            .expect("earned");
        let earned = waiting(shop, client.id).await[0];
        (client, earned)
    }

    fn revoke(earned_id: i64, reason: &str) -> RevokeRequest {
        RevokeRequest {
            earned_id,
            reason: reason.into(),
        }
    }

    fn extend(earned_id: i64, day: chrono::NaiveDate) -> ExtendRequest {
        ExtendRequest {
            earned_id,
            valid_until: day.to_string(),
        }
    }

    #[tokio::test]
    async fn the_owner_revokes_with_a_reason_and_a_revoked_reward_stays_closed() {
        let shop = TestShop::new().await;
        let client = shop.client("Léa", "Morel").await;
        add_reward(&shop.db, &shop.owner, &coffee("10"))
            .await
            .expect("added");
        record_transaction(&shop.db, &shop.owner, &earn(client.id, "10", ""))
            .await
            .expect("earned");
        let earned = waiting(&shop, client.id).await[0];
        assert_eq!(
            revoke_earned(&shop.db, &shop.owner, &revoke(earned, "  ")).await,
            Err(AppError::invalid("reason", FieldProblem::Required))
        );
        assert_eq!(
            revoke_earned(&shop.db, &shop.staff(), &revoke(earned, "Erreur")).await,
            Err(AppError::Forbidden)
        );
        let other = shop.other_shop().await;
        assert_eq!(
            revoke_earned(&shop.db, &other, &revoke(earned, "Erreur")).await,
            Err(AppError::NotFound)
        );
        assert_eq!(
            waiting(&shop, client.id).await,
            vec![earned],
            "nothing changed"
        );

        revoke_earned(&shop.db, &shop.owner, &revoke(earned, "Achat annulé"))
            .await
            .expect("revoked");
        assert_eq!(
            statuses(&shop, client.id).await,
            vec![(EarnedStatus::Revoked, Some("Achat annulé".into()))]
        );
        assert_eq!(
            claim_reward(&shop.db, &shop.owner, &claim(earned)).await,
            Err(AppError::RewardNotClaimable)
        );
        assert_eq!(
            revoke_earned(&shop.db, &shop.owner, &revoke(earned, "Encore")).await,
            Err(AppError::RewardClosed)
        );
        let tomorrow = today(shop_zone("Europe/Paris")) + Duration::days(1);
        assert_eq!(
            extend_earned(&shop.db, &shop.owner, &extend(earned, tomorrow)).await,
            Err(AppError::RewardClosed)
        );
        let kinds = audit_event::Entity::find()
            .filter(audit_event::Column::Kind.eq("reward_revoked"))
            .all(&shop.db)
            .await
            .expect("audit");
        assert_eq!(kinds.len(), 1);
        assert_eq!(kinds[0].client_id, Some(client.id));
        shop.assert_balances_are_sums().await;
    }

    #[tokio::test]
    async fn a_reward_expires_with_the_job_and_the_owner_extends_it_again() {
        let shop = TestShop::new().await;
        let (client, earned) = earned_for_a_day(&shop).await;
        let now = chrono::Utc::now();
        assert_eq!(
            run_expiry(&shop.db, now, None)
                .await
                .map(|report| report.rewards_expired),
            Ok(0),
            "still valid"
        );
        let later = now + Duration::days(3);
        assert_eq!(
            run_expiry(&shop.db, later, None)
                .await
                .map(|report| report.rewards_expired),
            Ok(1)
        );
        assert_eq!(
            run_expiry(&shop.db, later, None)
                .await
                .map(|report| report.rewards_expired),
            Ok(0),
            "a second run changes nothing"
        );
        assert_eq!(statuses(&shop, client.id).await[0].0, EarnedStatus::Expired);
        assert_eq!(
            claim_reward(&shop.db, &shop.owner, &claim(earned)).await,
            Err(AppError::RewardNotClaimable)
        );

        let zone = shop_zone("Europe/Paris");
        assert_eq!(
            extend_earned(
                &shop.db,
                &shop.owner,
                &extend(earned, today(zone) - Duration::days(1))
            )
            .await,
            Err(AppError::invalid("valid_until", FieldProblem::DateInPast))
        );
        let in_ten_days = today(zone) + Duration::days(10);
        extend_earned(&shop.db, &shop.owner, &extend(earned, in_ten_days))
            .await
            .expect("extended");
        let listed = client_rewards(&shop.db, &shop.owner, client.id)
            .await
            .expect("rewards")
            .earned;
        assert_eq!(listed[0].status, EarnedStatus::Earned);
        assert_eq!(
            listed[0].valid_until,
            Some(in_ten_days.format("%d/%m/%Y").to_string()),
            "the whole last day, in the shop's calendar"
        );
        claim_reward(&shop.db, &shop.owner, &claim(earned))
            .await
            .expect("claimed once extended");
        shop.assert_balances_are_sums().await;
    }

    #[tokio::test]
    async fn an_expired_reward_is_not_extended_beside_a_new_one_of_its_kind() {
        let shop = TestShop::new().await;
        let (client, first) = earned_for_a_day(&shop).await;
        run_expiry(&shop.db, chrono::Utc::now() + Duration::days(3), None)
            .await
            .expect("expired");
        record_transaction(&shop.db, &shop.owner, &earn(client.id, "1", ""))
            .await
            .expect("earned again");
        assert_eq!(waiting(&shop, client.id).await.len(), 1, "a new one");
        let next_week = today(shop_zone("Europe/Paris")) + Duration::days(7);
        assert_eq!(
            extend_earned(&shop.db, &shop.owner, &extend(first, next_week)).await,
            Err(AppError::RewardAlreadyWaiting)
        );
        assert_eq!(statuses(&shop, client.id).await[1].0, EarnedStatus::Expired);
    }
}

mod points_expiry {
    use super::*;
    use crate::entities::ledger_entry;
    use crate::model::ledger::EntryKind;
    use crate::model::programme::ExpiryChoice;
    use crate::services::ledger::{ExpiryReport, redeem_points, run_expiry};
    use crate::services::programme::expiry::next_expiry;
    use crate::services::test_support::redeem;
    use sea_orm::sea_query::Expr;

    async fn expiring(shop: &TestShop, expiry: ExpiryChoice, months: &str) {
        let mut settings = form(ProgrammeKind::Manual);
        settings.expiry = expiry;
        settings.expiry_months = months.into();
        start(&shop.db, &shop.owner, &settings)
            .await
            .expect("started");
    }

    async fn balance(shop: &TestShop, client_id: i64) -> i64 {
        client::Entity::find_by_id(client_id)
            .one(&shop.db)
            .await
            .expect("client")
            .map(|client| client.points_balance)
            .unwrap_or(-1)
    }

    /// Moves the client's last visit (and file) back in time, as if made `days` ago; entries
    /// cannot be (the ledger is append-only): their tests move the clock instead.
    async fn age(shop: &TestShop, client_id: i64, days: i64) {
        let back = chrono::Utc::now() - Duration::days(days);
        client::Entity::update_many()
            .col_expr(client::Column::LastVisitAt, Expr::value(back))
            .col_expr(client::Column::CreatedAt, Expr::value(back))
            .filter(client::Column::Id.eq(client_id))
            .exec(&shop.db)
            .await
            .expect("aged client");
    }

    #[test]
    fn an_expiry_needs_months_between_1_and_120() {
        let mut settings = form(ProgrammeKind::Manual);
        settings.expiry = ExpiryChoice::AfterEarned;
        settings.expiry_months = "0".into();
        let problem = settings
            .validate()
            .err()
            .and_then(|error| error.field_errors()?.get("expiry_months").cloned());
        assert_eq!(
            problem,
            Some(FieldProblem::NumberOutOfRange { min: 1, max: 120 })
        );
    }

    #[tokio::test]
    async fn the_balance_expires_after_months_without_a_visit_once() {
        let shop = TestShop::new().await;
        let idle = shop.client("Léa", "Morel").await;
        let regular = shop.client("Marc", "Petit").await;
        expiring(&shop, ExpiryChoice::AfterLastVisit, "6").await;
        for client in [&idle, &regular] {
            record_transaction(&shop.db, &shop.owner, &earn(client.id, "10", ""))
                .await
                .expect("earned");
        }
        age(&shop, idle.id, 200).await;
        let due = next_expiry(&shop.db, &shop.owner, idle.id, chrono::Utc::now())
            .await
            .expect("next");
        assert_eq!(due.map(|due| due.points), Some(10), "already due");

        let report = run_expiry(&shop.db, chrono::Utc::now(), None)
            .await
            .expect("ran");
        assert_eq!(
            report,
            ExpiryReport {
                rewards_expired: 0,
                clients: 1,
                points_expired: 10
            }
        );
        assert_eq!(balance(&shop, idle.id).await, 0);
        assert_eq!(balance(&shop, regular.id).await, 10);
        assert_eq!(
            run_expiry(&shop.db, chrono::Utc::now(), None).await,
            Ok(ExpiryReport::default()),
            "two runs expire once"
        );
        let entry = ledger_entry::Entity::find()
            .filter(ledger_entry::Column::ClientId.eq(idle.id))
            .filter(ledger_entry::Column::Kind.eq(EntryKind::Expire.code()))
            .all(&shop.db)
            .await
            .expect("entries");
        assert_eq!(entry.len(), 1);
        assert_eq!(entry[0].points, -10);
        assert_eq!(
            entry[0].author_user_id, shop.owner.user_id,
            "in the founder's name"
        );
        let regular_due = next_expiry(&shop.db, &shop.owner, regular.id, chrono::Utc::now())
            .await
            .expect("next");
        let in_six_months = chrono::Utc::now()
            .checked_add_months(chrono::Months::new(6))
            .map(|at| {
                at.with_timezone(&shop_zone("Europe/Paris"))
                    .format("%d/%m/%Y")
                    .to_string()
            });
        assert_eq!(regular_due.map(|due| due.on), in_six_months);
        shop.assert_balances_are_sums().await;
    }

    #[tokio::test]
    async fn points_expire_months_after_earned_uses_taking_the_oldest_first() {
        let shop = TestShop::new().await;
        let client = shop.client("Léa", "Morel").await;
        expiring(&shop, ExpiryChoice::AfterEarned, "12").await;
        record_transaction(&shop.db, &shop.owner, &earn(client.id, "10", ""))
            .await
            .expect("earned");
        let recent = record_transaction(&shop.db, &shop.owner, &earn(client.id, "5", ""))
            .await
            .expect("earned");
        redeem_points(&shop.db, &shop.owner, &redeem(client.id, "3"))
            .await
            .expect("used");
        // The clock a year after the second earn: the first is older than a year, not it.
        let recent_at = ledger_entry::Entity::find_by_id(recent.transaction.id)
            .one(&shop.db)
            .await
            .expect("entry")
            .map(|entry| entry.created_at)
            .expect("written");
        let clock = recent_at
            .checked_add_months(chrono::Months::new(12))
            .expect("a date");
        // Of the 10 old points, 3 were used: 7 expire, the 5 recent ones stay.
        let report = run_expiry(&shop.db, clock, None).await.expect("ran");
        assert_eq!(report.points_expired, 7);
        assert_eq!(balance(&shop, client.id).await, 5);
        assert_eq!(
            run_expiry(&shop.db, clock, None).await,
            Ok(ExpiryReport::default()),
            "two runs expire once"
        );
        let next = next_expiry(&shop.db, &shop.owner, client.id, clock)
            .await
            .expect("next");
        assert_eq!(next.map(|due| due.points), Some(5));
        assert_eq!(
            run_expiry(&shop.db, clock + Duration::days(1), None)
                .await
                .map(|report| report.points_expired),
            Ok(5),
            "a day later the rest goes too"
        );
        assert_eq!(balance(&shop, client.id).await, 0);
        shop.assert_balances_are_sums().await;
    }

    #[tokio::test]
    async fn an_ended_programme_expires_nothing() {
        let shop = TestShop::new().await;
        let client = shop.client("Léa", "Morel").await;
        expiring(&shop, ExpiryChoice::AfterLastVisit, "1").await;
        record_transaction(&shop.db, &shop.owner, &earn(client.id, "10", ""))
            .await
            .expect("earned");
        step(&shop.db, &shop.owner, ProgrammeStep::End)
            .await
            .expect("ended");
        let in_a_year = chrono::Utc::now() + Duration::days(365);
        assert_eq!(
            run_expiry(&shop.db, in_a_year, None).await,
            Ok(ExpiryReport::default())
        );
        assert_eq!(balance(&shop, client.id).await, 10);
    }
}
