//! Campaigns on the real migrator: who gets one, when consent is read, and that a message is
//! never sent twice.

use chrono::{Datelike, Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use super::automatic::{plan_automatic, save_automation};
use super::send::{SENDING_HOLD, SendReport, Sending, send_queued};
use super::unsubscribe::{unsubscribe, unsubscribe_view};
use super::{automatic_messages, campaign_detail, campaign_list, preview, send_campaign};
use crate::entities::{client, consent_change, earned_reward, outgoing_mail, reward};
use crate::model::campaigns::{AutomationForm, CampaignForm, MailKind, MailStatus, SegmentForm};
use crate::model::client::ClientRow;
use crate::model::client_file::{ConsentSource, ConsentUpdate};
use crate::model::error::{AppError, FieldProblem};
use crate::model::rewards::EarnedStatus;
use crate::model::routes;
use crate::services::clients::file::update_consents;
use crate::services::clients::labels::tag_client;
use crate::services::clients::merge::merge_clients;
use crate::services::config::AppConfig;
use crate::services::mail::Mailer;
use crate::services::test_support::TestShop;

fn form(kind: &str, label_id: Option<i64>, days: &str) -> CampaignForm {
    CampaignForm {
        subject: "Nouveautés pour {prenom}".to_owned(),
        body: "Bonjour {prenom}, vous avez {points} points chez {boutique}.".to_owned(),
        segment: SegmentForm {
            kind: kind.to_owned(),
            label_id,
            days: days.to_owned(),
        },
    }
}

async fn consent(shop: &TestShop, client: &ClientRow, email: bool) {
    update_consents(
        &shop.db,
        &shop.owner,
        &ConsentUpdate {
            client_id: client.id,
            email,
            sms: false,
            source: ConsentSource::Till,
        },
    )
    .await
    .expect("consent");
}

/// A mailer writing to a folder of its own; the folder's `.eml` files are what was sent.
fn outbox() -> (Mailer, std::path::PathBuf) {
    let folder = std::env::temp_dir().join(format!(
        "comptoir-campaigns-{}",
        uuid::Uuid::new_v4().simple()
    ));
    let config = AppConfig::for_tests("unused", folder.clone());
    (Mailer::from_config(&config).expect("mailer"), folder)
}

fn sent_mails(folder: &std::path::Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut mails: Vec<String> = entries
        .map(|entry| std::fs::read_to_string(entry.expect("entry").path()).expect("mail"))
        .collect();
    mails.sort();
    mails
}

fn sending() -> Sending {
    Sending {
        public_url: "https://boutique.example.fr".to_owned(),
        batch: 50,
        pause: std::time::Duration::ZERO,
    }
}

async fn statuses(shop: &TestShop, campaign_id: i64) -> Vec<(i64, MailStatus)> {
    let detail = campaign_detail(&shop.db, &shop.owner, campaign_id, 0)
        .await
        .expect("detail");
    detail
        .lines
        .into_iter()
        .map(|line| (line.client_id, line.status))
        .collect()
}

#[tokio::test]
async fn a_segment_is_the_clients_whose_latest_answer_is_yes() {
    let shop = TestShop::new().await;
    let yes = shop.client("Ana", "Vidal").await;
    let never_asked = shop.client("Bruno", "Roy").await;
    let withdrew = shop.client("Chloé", "Petit").await;
    consent(&shop, &yes, true).await;
    consent(&shop, &withdrew, true).await;
    consent(&shop, &withdrew, false).await;
    // A yes given on a file merged since counts for the file it went into.
    let twin = shop.client("Bruno", "Roy-Bis").await;
    consent(&shop, &twin, true).await;
    merge_clients(&shop.db, &shop.owner, never_asked.id, twin.id)
        .await
        .expect("merge");
    tag_client(&shop.db, &shop.owner, yes.id, "VIP")
        .await
        .expect("tag");

    let everyone = preview(&shop.db, &shop.owner, &form("all", None, ""))
        .await
        .expect("preview");
    assert_eq!(
        everyone.recipients, 2,
        "Ana and Bruno (through his merged file)"
    );
    assert_eq!(everyone.subject, "Nouveautés pour Ana");
    assert_eq!(
        everyone.body,
        "Bonjour Ana, vous avez 0 points chez Boulangerie Test."
    );

    let list = campaign_list(&shop.db, &shop.owner).await.expect("list");
    let vip = list
        .labels
        .iter()
        .find(|label| label.name == "VIP")
        .expect("VIP");
    let tagged = preview(&shop.db, &shop.owner, &form("label", Some(vip.id), ""))
        .await
        .expect("preview");
    assert_eq!(tagged.recipients, 1);

    // Nobody here has been away for 30 days; Ana has, once her file is that old.
    let lapsed = form("lapsed", None, "30");
    let none = preview(&shop.db, &shop.owner, &lapsed)
        .await
        .expect("preview");
    assert_eq!(none.recipients, 0);
    let mut older: client::ActiveModel = client::Entity::find_by_id(yes.id)
        .one(&shop.db)
        .await
        .expect("read")
        .expect("Ana")
        .into();
    older.created_at = Set(Utc::now() - Duration::days(40));
    older.update(&shop.db).await.expect("older");
    let one = preview(&shop.db, &shop.owner, &lapsed)
        .await
        .expect("preview");
    assert_eq!(one.recipients, 1);
    assert_eq!(
        one.client_name.as_deref().map(|name| name.contains("Ana")),
        Some(true)
    );

    // Another shop's label is not a choice, and a staff account cannot write to clients.
    let other = shop.other_shop().await;
    assert_eq!(
        preview(&shop.db, &other, &form("label", Some(vip.id), "")).await,
        Err(AppError::invalid("label", FieldProblem::InvalidChoice))
    );
    assert_eq!(
        send_campaign(&shop.db, &shop.staff(), &form("all", None, "")).await,
        Err(AppError::Forbidden)
    );
    assert_eq!(
        send_campaign(&shop.db, &other, &form("all", None, "")).await,
        Err(AppError::invalid("segment", FieldProblem::NoRecipients)),
        "the other shop has no consenting client"
    );
}

#[tokio::test]
async fn consent_is_read_again_when_each_message_leaves_and_nothing_leaves_twice() {
    let shop = TestShop::new().await;
    let ana = shop.client("Ana", "Vidal").await;
    let chloe = shop.client("Chloé", "Petit").await;
    let erased_later = shop.client("Denis", "Faure").await;
    for client in [&ana, &chloe, &erased_later] {
        consent(&shop, client, true).await;
    }
    let campaign_id = send_campaign(&shop.db, &shop.owner, &form("all", None, ""))
        .await
        .expect("queued");
    // After the campaign was queued: Chloé says no, Denis's file is erased.
    consent(&shop, &chloe, false).await;
    let support = shop.support().await;
    let erasure = crate::model::support::ErasureRequest {
        shop_id: shop.owner.shop_id,
        client_id: erased_later.id,
        reason: Some(crate::model::support::ErasureReason::ClientRequest),
    };
    crate::services::support::erase_client(&shop.db, &support, &erasure)
        .await
        .expect("erase");

    let (mailer, folder) = outbox();
    let report = send_queued(&shop.db, &mailer, &sending())
        .await
        .expect("send");
    assert_eq!(
        report,
        SendReport {
            sent: 1,
            unsubscribed: 1,
            skipped: 1,
            ..SendReport::default()
        }
    );
    let mails = sent_mails(&folder);
    assert_eq!(mails.len(), 1);
    assert!(
        mails[0].contains("To: ana.vidal@exemple.fr"),
        "{}",
        mails[0]
    );
    assert!(mails[0].contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
    assert!(mails[0].contains("https://boutique.example.fr/desabonnement/un-clic?jeton="));
    let mut expected = vec![
        (ana.id, MailStatus::Sent),
        (chloe.id, MailStatus::Unsubscribed),
        (erased_later.id, MailStatus::Skipped),
    ];
    expected.sort_by_key(|(id, _)| *id);
    assert_eq!(statuses(&shop, campaign_id).await, expected);

    // A second round finds nothing; sending the same campaign again is another campaign.
    let again = send_queued(&shop.db, &mailer, &sending())
        .await
        .expect("send");
    assert_eq!(again, SendReport::default());
    assert_eq!(sent_mails(&folder).len(), 1);
    let _ = std::fs::remove_dir_all(folder);
}

#[tokio::test]
async fn a_message_a_stopped_server_was_sending_is_marked_failed_not_sent_again() {
    let shop = TestShop::new().await;
    let ana = shop.client("Ana", "Vidal").await;
    consent(&shop, &ana, true).await;
    let campaign_id = send_campaign(&shop.db, &shop.owner, &form("all", None, ""))
        .await
        .expect("queued");
    // As a server leaves it when it stops between taking the message and finishing it.
    let message = outgoing_mail::Entity::find()
        .filter(outgoing_mail::Column::CampaignId.eq(campaign_id))
        .one(&shop.db)
        .await
        .expect("read")
        .expect("message");
    let mut taken: outgoing_mail::ActiveModel = message.into();
    taken.status = Set(MailStatus::Sending.code().to_owned());
    taken.claimed_at = Set(Some(Utc::now() - Duration::minutes(1)));
    let taken = taken.update(&shop.db).await.expect("taken");

    let (mailer, folder) = outbox();
    let early = send_queued(&shop.db, &mailer, &sending())
        .await
        .expect("send");
    assert_eq!(early, SendReport::default(), "still within its hold");
    let mut lost: outgoing_mail::ActiveModel = taken.into();
    lost.claimed_at = Set(Some(Utc::now() - SENDING_HOLD - Duration::minutes(1)));
    lost.update(&shop.db).await.expect("lost");
    let late = send_queued(&shop.db, &mailer, &sending())
        .await
        .expect("send");
    assert_eq!(late.interrupted, 1);
    assert_eq!(late.handled(), 0);
    assert!(sent_mails(&folder).is_empty(), "never sent again");
    assert_eq!(
        statuses(&shop, campaign_id).await,
        vec![(ana.id, MailStatus::Failed)]
    );
}

#[tokio::test]
async fn the_unsubscribe_link_withdraws_the_consent_once_and_only_in_its_shop() {
    let shop = TestShop::new().await;
    let ana = shop.client("Ana", "Vidal").await;
    consent(&shop, &ana, true).await;
    send_campaign(&shop.db, &shop.owner, &form("all", None, ""))
        .await
        .expect("queued");
    let (mailer, folder) = outbox();
    send_queued(&shop.db, &mailer, &sending())
        .await
        .expect("send");
    let mail = sent_mails(&folder).pop().expect("sent");
    let token = mail
        .split("jeton=")
        .nth(1)
        .and_then(|rest| rest.split(['>', '\r', '\n', ' ']).next())
        .expect("token")
        .to_owned();
    let _ = std::fs::remove_dir_all(folder);

    let before = unsubscribe_view(&shop.db, &token).await.expect("view");
    assert!(before.subscribed);
    assert_eq!(before.masked_email, "a•••@exemple.fr");
    assert_eq!(before.shop_name, "Boulangerie Test");

    // The same secret under another shop's number is no link at all.
    let (_, secret) = routes::read_unsubscribe_token(&token).expect("token");
    let elsewhere = routes::unsubscribe_token(shop.other_shop().await.shop_id, secret);
    assert_eq!(
        unsubscribe(&shop.db, &elsewhere, "198.51.100.4").await,
        Err(AppError::NotFound)
    );

    for _ in 0..2 {
        let after = unsubscribe(&shop.db, &token, "198.51.100.4")
            .await
            .expect("unsubscribe");
        assert!(!after.subscribed);
    }
    let answers = consent_change::Entity::find()
        .filter(consent_change::Column::ClientId.eq(ana.id))
        .filter(consent_change::Column::Channel.eq("email"))
        .all(&shop.db)
        .await
        .expect("consents");
    let last = answers.last().expect("answers");
    assert_eq!(
        answers.len(),
        2,
        "the yes, then one no however often the link is used"
    );
    assert!(!last.granted);
    assert_eq!(last.source, ConsentSource::Unsubscribe.code());
    let nobody = preview(&shop.db, &shop.owner, &form("all", None, ""))
        .await
        .expect("preview");
    assert_eq!(nobody.recipients, 0);
}

#[tokio::test]
async fn staff_cannot_record_an_unsubscribe_as_their_own_answer() {
    let shop = TestShop::new().await;
    let ana = shop.client("Ana", "Vidal").await;
    let refused = update_consents(
        &shop.db,
        &shop.owner,
        &ConsentUpdate {
            client_id: ana.id,
            email: false,
            sms: false,
            source: ConsentSource::Unsubscribe,
        },
    )
    .await;
    assert_eq!(
        refused,
        Err(AppError::invalid("source", FieldProblem::InvalidChoice))
    );
}

async fn switch_on(shop: &TestShop, kind: MailKind) {
    let (subject, body) = kind.default_text();
    save_automation(
        &shop.db,
        &shop.owner,
        &AutomationForm {
            kind,
            enabled: true,
            subject: subject.to_owned(),
            body: body.to_owned(),
        },
    )
    .await
    .expect("switched on");
}

#[tokio::test]
async fn a_welcome_goes_once_to_clients_enrolled_after_it_was_switched_on() {
    let shop = TestShop::new().await;
    let before = shop.client("Ana", "Vidal").await;
    consent(&shop, &before, true).await;
    assert_eq!(plan_automatic(&shop.db, Utc::now()).await, Ok(0), "all off");
    switch_on(&shop, MailKind::Welcome).await;
    let after = shop.client("Bruno", "Roy").await;
    consent(&shop, &after, true).await;
    let silent = shop.client("Chloé", "Petit").await; // never agreed

    assert_eq!(plan_automatic(&shop.db, Utc::now()).await, Ok(1));
    assert_eq!(
        plan_automatic(&shop.db, Utc::now()).await,
        Ok(0),
        "queued once"
    );
    let (mailer, folder) = outbox();
    let report = send_queued(&shop.db, &mailer, &sending())
        .await
        .expect("send");
    assert_eq!(report.sent, 1);
    let mails = sent_mails(&folder);
    assert!(
        mails[0].contains("To: bruno.roy@exemple.fr"),
        "{}",
        mails[0]
    );
    assert!(mails[0].contains("Bienvenue chez Boulangerie Test"));
    let log = automatic_messages(&shop.db, &shop.owner, 0)
        .await
        .expect("log");
    assert_eq!(log.total, 1);
    assert_eq!(log.lines[0].kind, MailKind::Welcome);
    assert_eq!(log.lines[0].client_id, after.id);
    assert_ne!(log.lines[0].client_id, silent.id);
    let _ = std::fs::remove_dir_all(folder);
}

#[tokio::test]
async fn a_birthday_is_wished_once_a_year_on_the_day() {
    let shop = TestShop::new().await;
    let ana = shop.client("Ana", "Vidal").await;
    consent(&shop, &ana, true).await;
    let now = Utc::now();
    let today = now.with_timezone(&chrono_tz::Europe::Paris).date_naive();
    let mut born: client::ActiveModel = client::Entity::find_by_id(ana.id)
        .one(&shop.db)
        .await
        .expect("read")
        .expect("Ana")
        .into();
    born.birth_date = Set(today.with_year(1992)); // a leap year: any day of the year exists
    born.update(&shop.db).await.expect("birthday");
    switch_on(&shop, MailKind::Birthday).await;

    assert_eq!(plan_automatic(&shop.db, now).await, Ok(1));
    assert_eq!(plan_automatic(&shop.db, now).await, Ok(0), "once today");
    assert_eq!(
        plan_automatic(&shop.db, now + Duration::days(1)).await,
        Ok(0),
        "not the day after"
    );
    let (mailer, folder) = outbox();
    send_queued(&shop.db, &mailer, &sending())
        .await
        .expect("send");
    assert!(sent_mails(&folder)[0].contains("Joyeux anniversaire"));
    let _ = std::fs::remove_dir_all(folder);
}

#[tokio::test]
async fn a_reward_is_written_about_when_earned_and_a_week_before_it_ends() {
    let shop = TestShop::new().await;
    let ana = shop.client("Ana", "Vidal").await;
    consent(&shop, &ana, true).await;
    switch_on(&shop, MailKind::RewardEarned).await;
    switch_on(&shop, MailKind::RewardExpiring).await;
    let now = Utc::now();
    let offer = |name: &str| reward::ActiveModel {
        shop_id: Set(shop.owner.shop_id),
        name: Set(name.to_owned()),
        kind: Set("free_product".to_owned()),
        value: Set(None),
        cost: Set(10),
        validity_days: Set(Some(30)),
        created_at: Set(now),
        retired_at: Set(None),
        ..Default::default()
    };
    let coffee = offer("Café offert").insert(&shop.db).await.expect("reward");
    let cake = offer("Gâteau offert")
        .insert(&shop.db)
        .await
        .expect("reward");
    let earned = |reward_id, valid_until| earned_reward::ActiveModel {
        shop_id: Set(shop.owner.shop_id),
        client_id: Set(ana.id),
        reward_id: Set(reward_id),
        status: Set(EarnedStatus::Earned.code().to_owned()),
        earned_at: Set(now),
        valid_until: Set(Some(valid_until)),
        ..Default::default()
    };
    let soon = earned(coffee.id, now + Duration::days(3))
        .insert(&shop.db)
        .await
        .expect("earned");
    earned(cake.id, now + Duration::days(30))
        .insert(&shop.db)
        .await
        .expect("earned");

    // Both are new (two "earned" e-mails); one ends within the week (one reminder).
    assert_eq!(plan_automatic(&shop.db, now).await, Ok(3));
    assert_eq!(plan_automatic(&shop.db, now).await, Ok(0));
    // Claimed before its reminder left: the reminder is not sent.
    let mut claimed: earned_reward::ActiveModel = soon.into();
    claimed.status = Set(EarnedStatus::Claimed.code().to_owned());
    claimed.update(&shop.db).await.expect("claimed");
    let (mailer, folder) = outbox();
    let report = send_queued(&shop.db, &mailer, &sending())
        .await
        .expect("send");
    assert_eq!((report.sent, report.skipped), (1, 2));
    let mail = sent_mails(&folder).pop().expect("one mail");
    assert!(
        mail.contains("G=C3=A2teau offert"),
        "the cake's earned e-mail; the coffee's two were skipped: {mail}"
    );
    let _ = std::fs::remove_dir_all(folder);
}

/// A message leaving reads its client's consent by key, not by scanning the shop's answers or
/// clients: on a shop of 100,000 that scan took the sender from 700 to 130 messages a second
/// (BENCHMARKS.md).
#[tokio::test]
async fn a_message_leaving_reads_its_clients_answers_by_key() {
    use crate::services::test_support::{query_plan, taken, watched};

    let shop = TestShop::new().await;
    let client = shop.client("Ana", "Vidal").await;
    let twin = shop.client("Ana", "Vidal-Bis").await;
    consent(&shop, &twin, true).await;
    merge_clients(&shop.db, &shop.owner, client.id, twin.id)
        .await
        .expect("merge");
    let (db, seen) = watched(&shop.db);
    assert!(
        super::may_email(&db, shop.owner.shop_id, client.id)
            .await
            .expect("consent read"),
        "the yes on the merged file counts"
    );
    let statements = taken(&seen);
    assert!(statements.len() >= 3, "{} statements", statements.len());
    for statement in statements {
        for detail in query_plan(&shop.db, &statement).await {
            assert!(
                !detail.ends_with("(shop_id=?)") && !detail.starts_with("SCAN"),
                "{detail} in the plan of {}",
                statement.sql
            );
        }
    }
}
