//! Gift cards: sold at the till under a random printed code, spent in one or several times
//! while valid, never below zero (the card's row is locked while a spend is decided, by the
//! ledger's rule), cancelled by the owner with a reason. A sale and a spend carry the device's
//! key, so a retry changes nothing more. Each card is the shop's: another shop's code is not
//! found.

use chrono::{NaiveDate, Utc};
use rand::Rng;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use super::rules::never_below_zero;
use crate::entities::{client, gift_card, gift_card_entry};
use crate::model::audit::AuditKind;
use crate::model::auth::CurrentUser;
use crate::model::error::{AppError, FieldErrors, FieldProblem};
use crate::model::fields::{euros_in_range, text_field};
use crate::model::gift_cards::{
    CANCEL_REASON_MAX_CHARS, GIFT_CODE_ALPHABET, GIFT_CODE_CHARS, GiftCardLine,
    GiftCardSaleRequest, GiftCardSpendRequest, GiftCardState, GiftCardView, GiftEntryKind,
    GiftEntryView, MAX_GIFT_EUROS, RECENT_GIFT_CARDS, gift_code_in, printed_gift_code,
};
use crate::services::audit::{self, Actor, AuditRecord};
use crate::services::clients::lookup::{file_ids, find_in_shop, name_of};
use crate::services::db::Db;
use crate::services::qr::qr_svg;
use crate::services::time::{format_date, format_date_time, shop_zone, today};
use crate::services::{
    db_error, display_names, is_unique_violation, owner_only, shop_check, unique_or_db_error,
};

/// A new code: 60 random bits. Two shops may hold the same code; one shop never twice (the
/// database's unique index, and a new draw if it ever happens).
fn new_code() -> String {
    let mut random = rand::rng();
    (0..GIFT_CODE_CHARS)
        .map(|_| char::from(GIFT_CODE_ALPHABET[random.random_range(0..GIFT_CODE_ALPHABET.len())]))
        .collect()
}

fn state_of(card: &gift_card::Model, today: NaiveDate) -> GiftCardState {
    if card.cancelled_at.is_some() {
        GiftCardState::Cancelled
    } else if card.balance_cents == 0 {
        GiftCardState::UsedUp
    } else if card.valid_until < today {
        GiftCardState::Expired
    } else {
        GiftCardState::Valid
    }
}

/// Sells a card; a retry with the same key answers with the card it sold.
pub async fn sell_gift_card(
    db: &Db,
    actor: &Actor,
    request: &GiftCardSaleRequest,
) -> Result<GiftCardView, AppError> {
    let zone = shop_zone(&actor.time_zone);
    let sale = request.form.validate(today(zone))?;
    let key = request.idempotency_key.to_string();
    if let Some(sold) = card_with_key(db.connection(), actor.shop_id, &key).await? {
        return view(db.connection(), actor, sold).await;
    }
    let beneficiary_name = match sale.beneficiary_client_id {
        Some(client_id) => {
            name_of(&client_or_field(db, actor, client_id, "beneficiary_name").await?)
        }
        None => sale.beneficiary_name.clone(),
    };
    if let Some(buyer) = sale.buyer_client_id {
        client_or_field(db, actor, buyer, "buyer").await?;
    }
    for _ in 0..3 {
        let now = Utc::now();
        let txn = db.begin_write().await?;
        let inserted = gift_card::ActiveModel {
            shop_id: Set(actor.shop_id),
            code: Set(new_code()),
            initial_cents: Set(sale.amount_cents),
            balance_cents: Set(sale.amount_cents),
            buyer_client_id: Set(sale.buyer_client_id),
            beneficiary_client_id: Set(sale.beneficiary_client_id),
            beneficiary_name: Set(beneficiary_name.clone()),
            valid_until: Set(sale.valid_until),
            idempotency_key: Set(key.clone()),
            sold_by_user_id: Set(actor.user_id),
            sold_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await;
        let card = match inserted {
            Ok(card) => card,
            Err(error) if is_unique_violation(&error) => {
                drop(txn);
                // The same sale sent twice at once, or (once in a blue moon) a code drawn twice.
                match card_with_key(db.connection(), actor.shop_id, &key).await? {
                    Some(sold) => return view(db.connection(), actor, sold).await,
                    None => continue,
                }
            }
            Err(error) => return Err(db_error(error)),
        };
        write_entry(
            &txn,
            actor,
            &card,
            GiftEntryKind::Sale,
            sale.amount_cents,
            None,
        )
        .await?;
        let mut record = AuditRecord::by(actor, AuditKind::GiftCardSold).detail(format!(
            "gift card {} {} cents",
            card.id, card.initial_cents
        ));
        if let Some(buyer) = card.buyer_client_id {
            record = record.client(buyer);
        }
        audit::write(&txn, record).await?;
        txn.commit().await.map_err(db_error)?;
        return view(db.connection(), actor, card).await;
    }
    tracing::error!("three gift card codes drawn were taken");
    Err(AppError::Internal)
}

/// A client of the shop named in a sale, or the field's problem.
async fn client_or_field(
    db: &Db,
    actor: &Actor,
    client_id: i64,
    field: &str,
) -> Result<client::Model, AppError> {
    find_in_shop(db, actor.shop_id, client_id)
        .await
        .map_err(|error| match error {
            AppError::NotFound => AppError::invalid(field, FieldProblem::InvalidChoice),
            other => other,
        })
}

async fn card_with_key(
    db: &impl ConnectionTrait,
    shop_id: i64,
    key: &str,
) -> Result<Option<gift_card::Model>, AppError> {
    gift_card::Entity::find()
        .filter(shop_check(db, gift_card::Column::ShopId, shop_id))
        .filter(gift_card::Column::IdempotencyKey.eq(key))
        .one(db)
        .await
        .map_err(db_error)
}

/// The shop's card with the code typed or scanned (`KDO-AB12-…`), locked on PostgreSQL when
/// asked inside a write transaction.
async fn card_by_code(
    db: &impl ConnectionTrait,
    shop_id: i64,
    typed: &str,
    lock: bool,
) -> Result<gift_card::Model, AppError> {
    let code = gift_code_in(typed).ok_or(AppError::NotFound)?;
    let mut query = gift_card::Entity::find()
        .filter(shop_check(db, gift_card::Column::ShopId, shop_id))
        .filter(gift_card::Column::Code.eq(code));
    if lock {
        query = query.lock_exclusive();
    }
    query
        .one(db)
        .await
        .map_err(db_error)?
        .ok_or(AppError::NotFound)
}

async fn write_entry(
    txn: &impl ConnectionTrait,
    user: &CurrentUser,
    card: &gift_card::Model,
    kind: GiftEntryKind,
    amount_cents: i64,
    idempotency_key: Option<String>,
) -> Result<gift_card_entry::Model, AppError> {
    gift_card_entry::ActiveModel {
        shop_id: Set(user.shop_id),
        gift_card_id: Set(card.id),
        kind: Set(kind.code().to_owned()),
        amount_cents: Set(amount_cents),
        idempotency_key: Set(idempotency_key),
        author_user_id: Set(user.user_id),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(txn)
    .await
    .map_err(|error| unique_or_db_error(error, AppError::AlreadyModified))
}

/// Changes what is left on a card by `change` and returns the card after it.
async fn change_balance(
    txn: &impl ConnectionTrait,
    card: &gift_card::Model,
    balance_cents: i64,
) -> Result<gift_card::Model, AppError> {
    let changed = gift_card::Entity::update_many()
        .col_expr(gift_card::Column::BalanceCents, Expr::value(balance_cents))
        .filter(shop_check(txn, gift_card::Column::ShopId, card.shop_id))
        .filter(gift_card::Column::Id.eq(card.id))
        .exec(txn)
        .await
        .map_err(db_error)?;
    if changed.rows_affected != 1 {
        return Err(AppError::NotFound);
    }
    Ok(gift_card::Model {
        balance_cents,
        ..card.clone()
    })
}

/// The card with this code, as its page shows it.
pub async fn find_gift_card(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    code: &str,
) -> Result<GiftCardView, AppError> {
    let card = card_by_code(db, user.shop_id, code, false).await?;
    view(db, user, card).await
}

/// Spends part or all of what is left on a valid card. A retry with the same key spends once.
pub async fn spend_gift_card(
    db: &Db,
    actor: &Actor,
    request: &GiftCardSpendRequest,
) -> Result<GiftCardView, AppError> {
    let mut errors = FieldErrors::default();
    let cents = euros_in_range(&mut errors, "amount", &request.amount, MAX_GIFT_EUROS);
    errors.into_result()?;
    let cents = cents.unwrap_or_default();
    let key = request.idempotency_key.to_string();
    let spent_before = gift_card_entry::Entity::find()
        .filter(shop_check(
            db,
            gift_card_entry::Column::ShopId,
            actor.shop_id,
        ))
        .filter(gift_card_entry::Column::IdempotencyKey.eq(key.as_str()))
        .one(db.connection())
        .await
        .map_err(db_error)?;
    if spent_before.is_some() {
        return find_gift_card(db.connection(), actor, &request.code).await;
    }
    let zone = shop_zone(&actor.time_zone);
    let txn = db.begin_write().await?;
    let card = card_by_code(&txn, actor.shop_id, &request.code, true).await?;
    if state_of(&card, today(zone)) != GiftCardState::Valid {
        return Err(AppError::invalid("amount", FieldProblem::GiftCardUnusable));
    }
    let left = never_below_zero(card.balance_cents, -cents).map_err(|balance_cents| {
        AppError::invalid(
            "amount",
            FieldProblem::NotEnoughOnGiftCard { balance_cents },
        )
    })?;
    match write_entry(&txn, actor, &card, GiftEntryKind::Spend, -cents, Some(key)).await {
        Ok(_) => {}
        // The same spend sent twice at once: the first one answers.
        Err(AppError::AlreadyModified) => {
            drop(txn);
            return find_gift_card(db.connection(), actor, &request.code).await;
        }
        Err(error) => return Err(error),
    }
    let card = change_balance(&txn, &card, left).await?;
    audit::write(
        &txn,
        AuditRecord::by(actor, AuditKind::GiftCardSpent)
            .detail(format!("gift card {} {} cents", card.id, cents)),
    )
    .await?;
    txn.commit().await.map_err(db_error)?;
    view(db.connection(), actor, card).await
}

/// The owner cancels a card, with the reason: what was left is written off, nothing more can
/// be spent.
pub async fn cancel_gift_card(
    db: &Db,
    actor: &Actor,
    code: &str,
    reason: &str,
) -> Result<GiftCardView, AppError> {
    owner_only(actor)?;
    let mut errors = FieldErrors::default();
    let reason = text_field(
        &mut errors,
        "reason",
        reason,
        true,
        CANCEL_REASON_MAX_CHARS,
        false,
    );
    errors.into_result()?;
    let txn = db.begin_write().await?;
    let card = card_by_code(&txn, actor.shop_id, code, true).await?;
    if card.cancelled_at.is_some() {
        return Err(AppError::AlreadyModified);
    }
    let written_off = card.balance_cents;
    write_entry(
        &txn,
        actor,
        &card,
        GiftEntryKind::Cancel,
        -written_off,
        None,
    )
    .await?;
    let now = Utc::now();
    gift_card::Entity::update_many()
        .col_expr(gift_card::Column::BalanceCents, Expr::value(0))
        .col_expr(gift_card::Column::CancelledAt, Expr::value(now))
        .col_expr(gift_card::Column::CancelReason, Expr::value(reason.clone()))
        .filter(shop_check(&txn, gift_card::Column::ShopId, actor.shop_id))
        .filter(gift_card::Column::Id.eq(card.id))
        .filter(gift_card::Column::CancelledAt.is_null())
        .exec(&txn)
        .await
        .map_err(db_error)?;
    audit::write(
        &txn,
        AuditRecord::by(actor, AuditKind::GiftCardCancelled).detail(format!(
            "gift card {} {} cents written off",
            card.id, written_off
        )),
    )
    .await?;
    txn.commit().await.map_err(db_error)?;
    let cancelled = gift_card::Model {
        balance_cents: 0,
        cancelled_at: Some(now),
        cancel_reason: reason,
        ..card
    };
    view(db.connection(), actor, cancelled).await
}

/// The shop's latest cards, newest first.
pub async fn recent_gift_cards(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
) -> Result<Vec<GiftCardLine>, AppError> {
    let cards = gift_card::Entity::find()
        .filter(shop_check(db, gift_card::Column::ShopId, user.shop_id))
        .order_by_desc(gift_card::Column::Id)
        .limit(RECENT_GIFT_CARDS)
        .all(db)
        .await
        .map_err(db_error)?;
    let zone = shop_zone(&user.time_zone);
    Ok(cards
        .iter()
        .map(|card| line(card, today(zone), false))
        .collect())
}

/// The cards a client bought and those received, merged files' included, newest first.
pub async fn client_gift_cards(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    client_id: i64,
) -> Result<Vec<GiftCardLine>, AppError> {
    find_in_shop(db, user.shop_id, client_id).await?;
    let ids = file_ids(db, user.shop_id, client_id).await?;
    let cards = gift_card::Entity::find()
        .filter(shop_check(db, gift_card::Column::ShopId, user.shop_id))
        .filter(
            Condition::any()
                .add(gift_card::Column::BuyerClientId.is_in(ids.clone()))
                .add(gift_card::Column::BeneficiaryClientId.is_in(ids.clone())),
        )
        .order_by_desc(gift_card::Column::Id)
        .all(db)
        .await
        .map_err(db_error)?;
    let zone = shop_zone(&user.time_zone);
    Ok(cards
        .iter()
        .map(|card| {
            let bought = card
                .buyer_client_id
                .is_some_and(|buyer| ids.contains(&buyer));
            line(card, today(zone), bought)
        })
        .collect())
}

fn line(card: &gift_card::Model, today: NaiveDate, bought: bool) -> GiftCardLine {
    GiftCardLine {
        code: printed_gift_code(&card.code),
        initial_cents: card.initial_cents,
        balance_cents: card.balance_cents,
        state: state_of(card, today),
        valid_until: card.valid_until.format("%d/%m/%Y").to_string(),
        beneficiary_name: card.beneficiary_name.clone(),
        bought,
    }
}

async fn view(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    card: gift_card::Model,
) -> Result<GiftCardView, AppError> {
    let zone = shop_zone(&user.time_zone);
    let entries = gift_card_entry::Entity::find()
        .filter(shop_check(
            db,
            gift_card_entry::Column::ShopId,
            user.shop_id,
        ))
        .filter(gift_card_entry::Column::GiftCardId.eq(card.id))
        .order_by_asc(gift_card_entry::Column::Id)
        .all(db)
        .await
        .map_err(db_error)?;
    let names = display_names(db, entries.iter().map(|entry| entry.author_user_id)).await?;
    let buyer = match card.buyer_client_id {
        Some(buyer_id) => client::Entity::find_by_id(buyer_id)
            .filter(shop_check(db, client::Column::ShopId, user.shop_id))
            .one(db)
            .await
            .map_err(db_error)?
            .map(|buyer| (buyer.id, name_of(&buyer))),
        None => None,
    };
    let printed = printed_gift_code(&card.code);
    Ok(GiftCardView {
        qr_svg: qr_svg(&printed)?,
        code: printed,
        shop_name: user.shop_name.clone(),
        initial_cents: card.initial_cents,
        balance_cents: card.balance_cents,
        state: state_of(&card, today(zone)),
        valid_until: card.valid_until.format("%d/%m/%Y").to_string(),
        buyer,
        beneficiary_client_id: card.beneficiary_client_id,
        beneficiary_name: card.beneficiary_name,
        sold_at: format_date(card.sold_at, zone),
        cancel_reason: card.cancel_reason,
        entries: entries
            .into_iter()
            .filter_map(|entry| {
                Some(GiftEntryView {
                    kind: GiftEntryKind::from_code(&entry.kind)?,
                    amount_cents: entry.amount_cents,
                    author_name: names
                        .get(&entry.author_user_id)
                        .cloned()
                        .unwrap_or_default(),
                    recorded_at: format_date_time(entry.created_at, zone),
                })
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;
    use crate::model::gift_cards::GiftCardForm;
    use crate::services::test_support::TestShop;

    fn sale(amount: &str, beneficiary: &str, buyer: Option<i64>) -> GiftCardSaleRequest {
        GiftCardSaleRequest {
            form: GiftCardForm {
                amount: amount.into(),
                buyer_client_id: buyer,
                beneficiary_client_id: None,
                beneficiary_name: beneficiary.into(),
                valid_until: String::new(),
            },
            idempotency_key: Uuid::new_v4(),
        }
    }

    fn spend(code: &str, amount: &str) -> GiftCardSpendRequest {
        GiftCardSpendRequest {
            code: code.into(),
            amount: amount.into(),
            idempotency_key: Uuid::new_v4(),
        }
    }

    #[tokio::test]
    async fn a_card_is_sold_once_spent_in_several_times_and_never_below_zero() {
        let shop = TestShop::new().await;
        let buyer = shop.client("Léa", "Morel").await;
        let staff = shop.staff();
        let request = sale("50", "Chloé", Some(buyer.id));
        let card = sell_gift_card(&shop.db, &staff, &request)
            .await
            .expect("sold");
        let again = sell_gift_card(&shop.db, &staff, &request)
            .await
            .expect("a retried sale answers the same card");
        assert_eq!(again.code, card.code);
        assert!(card.code.starts_with("KDO-"));
        assert_eq!(
            (card.balance_cents, card.state),
            (5000, GiftCardState::Valid)
        );
        assert_eq!(card.buyer, Some((buyer.id, "Léa Morel".to_owned())));
        assert!(card.qr_svg.starts_with("<svg"));

        let spent = spend_gift_card(&shop.db, &staff, &spend(&card.code, "30"))
            .await
            .expect("spent");
        assert_eq!(spent.balance_cents, 2000);
        // Typed by hand, in small letters and without dashes, it is the same card.
        let typed = card.code.replace('-', "").to_lowercase();
        assert_eq!(
            spend_gift_card(&shop.db, &staff, &spend(&typed, "25")).await,
            Err(AppError::invalid(
                "amount",
                FieldProblem::NotEnoughOnGiftCard {
                    balance_cents: 2000
                }
            ))
        );
        let retried = spend(&card.code, "20");
        let used_up = spend_gift_card(&shop.db, &staff, &retried)
            .await
            .expect("the rest spent");
        assert_eq!(
            (used_up.balance_cents, used_up.state),
            (0, GiftCardState::UsedUp)
        );
        spend_gift_card(&shop.db, &staff, &retried)
            .await
            .expect("a retried spend answers the card as it is");
        assert_eq!(
            spend_gift_card(&shop.db, &staff, &spend(&card.code, "1")).await,
            Err(AppError::invalid("amount", FieldProblem::GiftCardUnusable))
        );
        let kinds: Vec<(GiftEntryKind, i64)> = used_up
            .entries
            .iter()
            .map(|entry| (entry.kind, entry.amount_cents))
            .collect();
        assert_eq!(
            kinds,
            [
                (GiftEntryKind::Sale, 5000),
                (GiftEntryKind::Spend, -3000),
                (GiftEntryKind::Spend, -2000)
            ]
        );
        let listed = client_gift_cards(&shop.db, &shop.owner, buyer.id)
            .await
            .expect("the buyer's cards");
        assert_eq!(listed.len(), 1);
        assert!(listed[0].bought);
    }

    #[tokio::test]
    async fn a_sale_needs_a_beneficiary_and_a_client_of_the_shop() {
        let shop = TestShop::new().await;
        assert_eq!(
            sell_gift_card(&shop.db, &shop.owner, &sale("20", " ", None)).await,
            Err(AppError::invalid(
                "beneficiary_name",
                FieldProblem::Required
            ))
        );
        let other = shop.other_shop().await;
        let theirs = create_client_of(&shop, &other).await;
        assert_eq!(
            sell_gift_card(&shop.db, &shop.owner, &sale("20", "Chloé", Some(theirs))).await,
            Err(AppError::invalid("buyer", FieldProblem::InvalidChoice))
        );
    }

    async fn create_client_of(shop: &TestShop, owner: &Actor) -> i64 {
        use crate::services::clients::edit::{SharedPhone, create_client};
        use crate::services::test_support::client_form;
        create_client(
            &shop.db,
            owner,
            &client_form("Victor", "Voisin"),
            SharedPhone::Refuse,
        )
        .await
        .expect("their client")
        .id
    }

    #[tokio::test]
    async fn the_owner_cancels_a_card_and_another_shop_finds_nothing() {
        let shop = TestShop::new().await;
        let card = sell_gift_card(&shop.db, &shop.owner, &sale("40", "Chloé", None))
            .await
            .expect("sold");
        let other = shop.other_shop().await;
        assert_eq!(
            find_gift_card(&shop.db, &other, &card.code).await,
            Err(AppError::NotFound)
        );
        assert_eq!(
            spend_gift_card(&shop.db, &other, &spend(&card.code, "5")).await,
            Err(AppError::NotFound)
        );
        assert_eq!(
            cancel_gift_card(&shop.db, &other, &card.code, "Vol").await,
            Err(AppError::NotFound)
        );
        assert_eq!(
            cancel_gift_card(&shop.db, &shop.staff(), &card.code, "Vol").await,
            Err(AppError::Forbidden)
        );
        assert_eq!(
            cancel_gift_card(&shop.db, &shop.owner, &card.code, "").await,
            Err(AppError::invalid("reason", FieldProblem::Required))
        );
        let cancelled = cancel_gift_card(&shop.db, &shop.owner, &card.code, "Carte volée")
            .await
            .expect("cancelled");
        assert_eq!(
            (cancelled.state, cancelled.balance_cents),
            (GiftCardState::Cancelled, 0)
        );
        assert_eq!(cancelled.cancel_reason.as_deref(), Some("Carte volée"));
        assert_eq!(
            spend_gift_card(&shop.db, &shop.owner, &spend(&card.code, "5")).await,
            Err(AppError::invalid("amount", FieldProblem::GiftCardUnusable))
        );
        assert_eq!(
            cancel_gift_card(&shop.db, &shop.owner, &card.code, "Encore").await,
            Err(AppError::AlreadyModified)
        );
        assert_eq!(
            recent_gift_cards(&shop.db, &other)
                .await
                .expect("theirs")
                .len(),
            0
        );
    }

    /// Two tills spend 30 € of a 50 € card at the same second: one is refused.
    async fn two_tills_at_once(shop: TestShop) {
        let card = sell_gift_card(&shop.db, &shop.owner, &sale("50", "Chloé", None))
            .await
            .expect("sold");
        let till = |shop: TestShop, code: String| async move {
            spend_gift_card(&shop.db, &shop.owner, &spend(&code, "30")).await
        };
        let (first, second) = tokio::join!(
            tokio::spawn(till(shop.clone(), card.code.clone())),
            tokio::spawn(till(shop.clone(), card.code.clone()))
        );
        let answers = [first.expect("first till"), second.expect("second till")];
        assert_eq!(answers.iter().filter(|answer| answer.is_ok()).count(), 1);
        let after = find_gift_card(&shop.db, &shop.owner, &card.code)
            .await
            .expect("card");
        let sum: i64 = after.entries.iter().map(|entry| entry.amount_cents).sum();
        assert_eq!((after.balance_cents, sum), (2000, 2000));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn two_tills_spending_one_card_at_once_leave_no_negative_amount() {
        for _ in 0..5 {
            two_tills_at_once(TestShop::on_file().await).await;
        }
        match TestShop::on_postgres().await {
            Some(shop) => two_tills_at_once(shop).await,
            None => eprintln!("PostgreSQL case skipped: TEST_DATABASE_URL is not set"),
        }
    }
}
