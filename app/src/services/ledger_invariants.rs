//! The ledger's invariants under random use: points earned and used, modifications, replays,
//! claims and the expiry job, store credit put on, used and cancelled, gift cards spent, several
//! at a time from concurrent tasks, with the server's connection pool: on a SQLite file and,
//! when `TEST_DATABASE_URL` is set, on PostgreSQL, each with till requests written by the
//! batching writer and alone.
//!
//! Whatever happens, afterwards: each client's balance is the sum of its entries and never
//! negative, its visit count is its number of earn entries, an idempotency key names at most
//! one entry, an entry is reversed at most once, every correction has its reversal, and a
//! replayed request gets the answer the first one got. With a reward in the catalogue: a client
//! holds at most one waiting reward of it, each claimed reward took its cost by exactly one
//! entry of its own, and was issued by an earn of its client. Store credit and gift cards: each
//! balance is the sum of its entries and never below zero, a gift card never gives more than
//! its amount, a key names at most one entry, a credit entry is cancelled at most once.

use std::collections::HashMap;

use proptest::prelude::*;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::clients::edit::{SharedPhone, create_client};
use super::db::TillWrites;
use super::ledger::{
    claim_reward, modify_transaction, record_credit, record_transaction, redeem_points,
    reverse_credit, run_expiry, sell_gift_card, spend_gift_card,
};
use super::programme::rewards::add_reward;
use super::programme::start as start_programme;
use super::test_support::{TestShop, client_form};
use crate::entities::{
    client, credit_entry, earned_reward, gift_card, gift_card_entry, ledger_entry, reward,
};
use crate::model::credit::{CreditAction, CreditForm, CreditRequest, CreditReversalRequest};
use crate::model::error::{AppError, FieldProblem};
use crate::model::gift_cards::{GiftCardForm, GiftCardSaleRequest, GiftCardSpendRequest};
use crate::model::ledger::{
    EntryKind, ModifyRequest, RecordRequest, RedeemRequest, TransactionForm,
};
use crate::model::programme::{ExpiryChoice, ProgrammeForm, ProgrammeKind};
use crate::model::rewards::{ClaimRequest, EarnedStatus, RewardForm};

/// The catalogue's one reward costs this many points.
const REWARD_COST: &str = "150";

const CLIENTS: usize = 3;
/// Gift cards sold before the tills start, of 100 € each.
const GIFT_CARDS: usize = 2;

#[derive(Debug, Clone)]
enum Op {
    Record {
        client: usize,
        points: i64,
        key: u8,
    },
    /// Use points; the balance may be short, then the use is refused.
    Redeem {
        client: usize,
        points: i64,
        key: u8,
    },
    /// Modify the `target`-th transaction known so far (modulo their number).
    Modify {
        target: usize,
        points: i64,
        key: u8,
    },
    /// Send again, unchanged, the `which`-th request that succeeded so far.
    Replay {
        which: usize,
    },
    /// Claim the client's waiting reward, or one it claimed already.
    Claim {
        client: usize,
        key: u8,
    },
    /// Run the expiry job as of two months on: every point held expires, beside the tills.
    Expire,
    /// Put store credit on (`use_it` false) or use it; a use may be short, then it is refused.
    Credit {
        client: usize,
        cents: i64,
        use_it: bool,
        key: u8,
    },
    /// The owner cancels the `target`-th credit entry known so far.
    CancelCredit {
        target: usize,
        key: u8,
    },
    /// Spend from a gift card; more than is left is refused.
    SpendGift {
        card: usize,
        cents: i64,
        key: u8,
    },
}

fn op() -> impl Strategy<Value = Op> {
    // Few keys, so that keys collide: the same key with other content must be refused.
    prop_oneof![
        4 => (0..CLIENTS, 0..300i64, 0..40u8)
            .prop_map(|(client, points, key)| Op::Record { client, points, key }),
        2 => (0..CLIENTS, 1..300i64, 0..40u8)
            .prop_map(|(client, points, key)| Op::Redeem { client, points, key }),
        3 => (0..64usize, 0..300i64, 0..40u8)
            .prop_map(|(target, points, key)| Op::Modify { target, points, key }),
        2 => (0..64usize).prop_map(|which| Op::Replay { which }),
        2 => (0..CLIENTS, 0..40u8).prop_map(|(client, key)| Op::Claim { client, key }),
        1 => Just(Op::Expire),
        3 => (0..CLIENTS, 1..6_000i64, any::<bool>(), 0..40u8)
            .prop_map(|(client, cents, use_it, key)| Op::Credit { client, cents, use_it, key }),
        1 => (0..64usize, 0..40u8).prop_map(|(target, key)| Op::CancelCredit { target, key }),
        3 => (0..GIFT_CARDS, 1..6_000i64, 0..40u8)
            .prop_map(|(card, cents, key)| Op::SpendGift { card, cents, key }),
    ]
}

fn key(index: u8) -> Uuid {
    Uuid::from_u128(0x00C0_FFEE_0000 + u128::from(index))
}

/// `1234` → `12,34`, as typed at the till.
fn euros(cents: i64) -> String {
    format!("{},{:02}", cents / 100, cents % 100)
}

fn form(points: i64) -> TransactionForm {
    TransactionForm {
        points: points.to_string(),
        amount: String::new(),
        items: String::new(),
    }
}

#[derive(Debug, Clone)]
enum Request {
    Record(RecordRequest),
    Redeem(RedeemRequest),
    Modify(ModifyRequest),
    Claim(ClaimRequest),
    Expire,
    Credit(CreditRequest),
    CancelCredit(CreditReversalRequest),
    SpendGift(GiftCardSpendRequest),
}

/// What a request got: a ledger transaction, a store credit or gift card change, or a refusal
/// the rules allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    Transaction(i64),
    Done,
    Refused,
}

/// A refusal the rules allow: a key used for something else, an entry modified or cancelled
/// already, a balance short (points, credit, a gift card's), a reward claimed already.
fn allowed(error: &AppError) -> bool {
    match error {
        AppError::IdempotencyConflict
        | AppError::AlreadyModified
        | AppError::InsufficientBalance
        | AppError::RewardNotClaimable => true,
        AppError::Invalid(errors) => matches!(
            errors.0.first().map(|(_, problem)| problem),
            Some(
                FieldProblem::NotEnoughPoints { .. }
                    | FieldProblem::NotEnoughCredit { .. }
                    | FieldProblem::NotEnoughOnGiftCard { .. }
                    | FieldProblem::GiftCardUnusable
            )
        ),
        _ => false,
    }
}

/// Sends one request and says what it got; anything but an allowed refusal fails the test.
async fn send(shop: &TestShop, request: &Request) -> Result<Answer, AppError> {
    let answer = match request {
        Request::Record(record) => record_transaction(&shop.db, &shop.owner, record).await,
        Request::Redeem(redeem) => redeem_points(&shop.db, &shop.owner, redeem).await,
        Request::Modify(modify) => modify_transaction(&shop.db, &shop.owner, modify).await,
        Request::Claim(claim) => claim_reward(&shop.db, &shop.owner, claim).await,
        Request::Expire => {
            let two_months_on = chrono::Utc::now() + chrono::Duration::days(62);
            return run_expiry(&shop.db, two_months_on, Some(shop.owner.shop_id))
                .await
                .map(|_| Answer::Done);
        }
        Request::Credit(credit) => {
            return done(record_credit(&shop.db, &shop.owner, credit).await);
        }
        Request::CancelCredit(cancel) => {
            return done(reverse_credit(&shop.db, &shop.owner, cancel).await);
        }
        Request::SpendGift(spend) => {
            return done(spend_gift_card(&shop.db, &shop.owner, spend).await);
        }
    };
    match answer {
        Ok(outcome) => Ok(Answer::Transaction(outcome.transaction.id)),
        Err(error) if allowed(&error) => Ok(Answer::Refused),
        Err(other) => Err(other),
    }
}

fn done<T>(answer: Result<T, AppError>) -> Result<Answer, AppError> {
    match answer {
        Ok(_) => Ok(Answer::Done),
        Err(error) if allowed(&error) => Ok(Answer::Refused),
        Err(other) => Err(other),
    }
}

#[derive(Debug, Clone, Copy)]
enum Engine {
    Sqlite,
    Postgres,
}

/// A shop on `engine` with `till_writes`; `None` for PostgreSQL without `TEST_DATABASE_URL`.
async fn shop_on(engine: Engine, till_writes: TillWrites) -> Option<TestShop> {
    let shop = match engine {
        Engine::Sqlite => TestShop::on_file().await,
        Engine::Postgres => TestShop::on_postgres().await?,
    };
    Some(shop.with_till_writes(till_writes))
}

async fn run(shop: TestShop, batches: Vec<Vec<Op>>) -> Result<(), TestCaseError> {
    let mut client_ids = Vec::new();
    for index in 0..CLIENTS {
        let name = format!("Client{}", (b'a' + index as u8) as char);
        let row = create_client(
            &shop.db,
            &shop.owner,
            &client_form("Prop", &name),
            SharedPhone::Refuse,
        )
        .await
        .map_err(|error| TestCaseError::fail(format!("client: {error}")))?;
        client_ids.push(row.id);
    }
    let reward = RewardForm {
        name: "Un café offert".into(),
        cost: REWARD_COST.into(),
        ..RewardForm::default()
    };
    add_reward(&shop.db, &shop.owner, &reward)
        .await
        .map_err(|error| TestCaseError::fail(format!("reward: {error}")))?;
    // Points typed at the till, expiring a month after they were earned.
    let programme = ProgrammeForm {
        name: "Saisie".into(),
        kind: ProgrammeKind::Manual,
        expiry: ExpiryChoice::AfterEarned,
        expiry_months: "1".into(),
        ..ProgrammeForm::default()
    };
    start_programme(&shop.db, &shop.owner, &programme)
        .await
        .map_err(|error| TestCaseError::fail(format!("programme: {error}")))?;
    let mut gift_codes = Vec::new();
    for _ in 0..GIFT_CARDS {
        let sale = GiftCardSaleRequest {
            form: GiftCardForm {
                amount: "100".into(),
                beneficiary_name: "Chloé".into(),
                ..GiftCardForm::default()
            },
            idempotency_key: Uuid::new_v4(),
        };
        let card = sell_gift_card(&shop.db, &shop.owner, &sale)
            .await
            .map_err(|error| TestCaseError::fail(format!("gift card: {error}")))?;
        gift_codes.push(card.code);
    }
    let mut transactions: Vec<i64> = Vec::new();
    let mut succeeded: Vec<(Request, Answer)> = Vec::new();
    for batch in batches {
        // Each client's waiting reward, else its latest one, as the till's page shows it.
        let mut claimable: HashMap<i64, i64> = HashMap::new();
        for earned in earned_reward::Entity::find()
            .all(&shop.db)
            .await
            .map_err(|error| TestCaseError::fail(error.to_string()))?
        {
            let waiting = earned.status == EarnedStatus::Earned.code();
            if waiting || !claimable.contains_key(&earned.client_id) {
                claimable.insert(earned.client_id, earned.id);
            }
        }
        let credit_entries: Vec<i64> = credit_entry::Entity::find()
            .filter(credit_entry::Column::ShopId.eq(shop.owner.shop_id))
            .all(&shop.db)
            .await
            .map_err(|error| TestCaseError::fail(error.to_string()))?
            .into_iter()
            // Reversals are never cancelled themselves: the page offers credits and uses only.
            .filter(|entry| entry.reverses_entry_id.is_none())
            .map(|entry| entry.id)
            .collect();
        let requests: Vec<(Request, Option<Answer>)> = batch
            .into_iter()
            .filter_map(|op| match op {
                Op::Record {
                    client,
                    points,
                    key: k,
                } => Some((
                    Request::Record(RecordRequest {
                        client_id: client_ids[client],
                        form: form(points),
                        idempotency_key: key(k),
                    }),
                    None,
                )),
                Op::Redeem {
                    client,
                    points,
                    key: k,
                } => Some((
                    Request::Redeem(RedeemRequest {
                        client_id: client_ids[client],
                        points: points.to_string(),
                        idempotency_key: key(k),
                    }),
                    None,
                )),
                Op::Modify {
                    target,
                    points,
                    key: k,
                } => (!transactions.is_empty()).then(|| {
                    (
                        Request::Modify(ModifyRequest {
                            transaction_id: transactions[target % transactions.len()],
                            form: form(points),
                            idempotency_key: key(k),
                        }),
                        None,
                    )
                }),
                Op::Claim { client, key: k } => {
                    claimable.get(&client_ids[client]).map(|earned_id| {
                        (
                            Request::Claim(ClaimRequest {
                                earned_id: *earned_id,
                                idempotency_key: key(k),
                            }),
                            None,
                        )
                    })
                }
                Op::Expire => Some((Request::Expire, None)),
                Op::Credit {
                    client,
                    cents,
                    use_it,
                    key: k,
                } => Some((
                    Request::Credit(CreditRequest {
                        client_id: client_ids[client],
                        action: if use_it {
                            CreditAction::Use
                        } else {
                            CreditAction::Credit
                        },
                        form: CreditForm {
                            amount: euros(cents),
                            reason: "Retour".into(),
                        },
                        idempotency_key: key(k),
                    }),
                    None,
                )),
                Op::CancelCredit { target, key: k } => (!credit_entries.is_empty()).then(|| {
                    (
                        Request::CancelCredit(CreditReversalRequest {
                            entry_id: credit_entries[target % credit_entries.len()],
                            reason: "Erreur".into(),
                            idempotency_key: key(k),
                        }),
                        None,
                    )
                }),
                Op::SpendGift {
                    card,
                    cents,
                    key: k,
                } => Some((
                    Request::SpendGift(GiftCardSpendRequest {
                        code: gift_codes[card].clone(),
                        amount: euros(cents),
                        idempotency_key: key(k),
                    }),
                    None,
                )),
                Op::Replay { which } => (!succeeded.is_empty()).then(|| {
                    let (request, answered) = &succeeded[which % succeeded.len()];
                    (request.clone(), Some(*answered))
                }),
            })
            .collect();
        // The batch runs at once, as from several tills.
        let answers = run_at_once(&shop, &requests).await;
        for ((request, first_answer), answer) in requests.into_iter().zip(answers) {
            let answer = answer.map_err(|error| {
                TestCaseError::fail(format!("{request:?} failed with {error:?}"))
            })?;
            if let Some(expected) = first_answer {
                prop_assert_eq!(answer, expected, "a replay gets the first answer");
                continue;
            }
            if let Answer::Transaction(id) = answer
                && !transactions.contains(&id)
            {
                transactions.push(id);
            }
            if answer != Answer::Refused {
                succeeded.push((request, answer));
            }
        }
    }
    check_invariants(&shop).await
}

async fn run_at_once(
    shop: &TestShop,
    requests: &[(Request, Option<Answer>)],
) -> Vec<Result<Answer, AppError>> {
    let mut tasks = tokio::task::JoinSet::new();
    for (index, (request, _)) in requests.iter().enumerate() {
        let shop = shop.clone();
        let request = request.clone();
        tasks.spawn(async move { (index, send(&shop, &request).await) });
    }
    let mut answers: Vec<Option<Result<Answer, AppError>>> = vec![None; requests.len()];
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok((index, answer)) => answers[index] = Some(answer),
            Err(error) => panic!("task panicked: {error}"),
        }
    }
    answers
        .into_iter()
        .map(|answer| answer.unwrap_or(Err(AppError::Internal)))
        .collect()
}

async fn check_invariants(shop: &TestShop) -> Result<(), TestCaseError> {
    let entries = ledger_entry::Entity::find()
        .filter(ledger_entry::Column::ShopId.eq(shop.owner.shop_id))
        .all(&shop.db)
        .await
        .map_err(|error| TestCaseError::fail(error.to_string()))?;
    let clients = client::Entity::find()
        .filter(client::Column::ShopId.eq(shop.owner.shop_id))
        .all(&shop.db)
        .await
        .map_err(|error| TestCaseError::fail(error.to_string()))?;
    for client in &clients {
        let own = entries.iter().filter(|entry| entry.client_id == client.id);
        let sum: i64 = own.clone().map(|entry| entry.points).sum();
        let earns = own
            .filter(|entry| entry.kind == EntryKind::Earn.code())
            .count() as i64;
        prop_assert_eq!(client.points_balance, sum, "balance = sum of entries");
        prop_assert!(client.points_balance >= 0, "balance never below zero");
        prop_assert_eq!(client.visit_count, earns, "one visit per earn entry");
    }
    let mut keys: HashMap<&str, usize> = HashMap::new();
    let mut reversals: HashMap<i64, usize> = HashMap::new();
    let mut corrections: HashMap<i64, usize> = HashMap::new();
    for entry in &entries {
        if let Some(key) = &entry.idempotency_key {
            *keys.entry(key).or_default() += 1;
        }
        if let Some(original) = entry.reverses_entry_id {
            *reversals.entry(original).or_default() += 1;
        }
        if let Some(original) = entry.corrects_entry_id {
            *corrections.entry(original).or_default() += 1;
        }
    }
    prop_assert!(keys.values().all(|count| *count == 1), "one entry per key");
    prop_assert!(
        reversals.values().all(|count| *count == 1),
        "one reversal at most per transaction"
    );
    prop_assert_eq!(
        reversals,
        corrections,
        "each correction comes with its reversal"
    );
    check_rewards(shop, &entries).await?;
    check_money(shop, &clients).await
}

/// Store credit and gift cards: balances are the sums of their entries, never below zero; a
/// card never gives more than its amount; one entry per key; a credit entry cancelled once.
async fn check_money(shop: &TestShop, clients: &[client::Model]) -> Result<(), TestCaseError> {
    let fail = |error: sea_orm::DbErr| TestCaseError::fail(error.to_string());
    let credit = credit_entry::Entity::find()
        .filter(credit_entry::Column::ShopId.eq(shop.owner.shop_id))
        .all(&shop.db)
        .await
        .map_err(fail)?;
    for client in clients {
        let sum: i64 = credit
            .iter()
            .filter(|entry| entry.client_id == client.id)
            .map(|entry| entry.amount_cents)
            .sum();
        prop_assert_eq!(client.credit_cents, sum, "credit = sum of its entries");
        prop_assert!(client.credit_cents >= 0, "credit never below zero");
    }
    let mut keys: HashMap<&str, usize> = HashMap::new();
    let mut cancelled: HashMap<i64, usize> = HashMap::new();
    for entry in &credit {
        if let Some(key) = &entry.idempotency_key {
            *keys.entry(key).or_default() += 1;
        }
        if let Some(original) = entry.reverses_entry_id {
            *cancelled.entry(original).or_default() += 1;
        }
    }
    prop_assert!(
        keys.values().all(|count| *count == 1),
        "one credit entry per key"
    );
    prop_assert!(
        cancelled.values().all(|count| *count == 1),
        "a credit entry cancelled once at most"
    );
    let entries = gift_card_entry::Entity::find()
        .filter(gift_card_entry::Column::ShopId.eq(shop.owner.shop_id))
        .all(&shop.db)
        .await
        .map_err(fail)?;
    for card in gift_card::Entity::find()
        .filter(gift_card::Column::ShopId.eq(shop.owner.shop_id))
        .all(&shop.db)
        .await
        .map_err(fail)?
    {
        let own: Vec<&gift_card_entry::Model> = entries
            .iter()
            .filter(|entry| entry.gift_card_id == card.id)
            .collect();
        let sum: i64 = own.iter().map(|entry| entry.amount_cents).sum();
        let spent: i64 = own
            .iter()
            .filter(|entry| entry.amount_cents < 0)
            .map(|entry| -entry.amount_cents)
            .sum();
        prop_assert_eq!(card.balance_cents, sum, "what is left = sum of its entries");
        prop_assert!(card.balance_cents >= 0, "a gift card never below zero");
        prop_assert!(spent <= card.initial_cents, "never beyond its amount");
    }
    let mut gift_keys: HashMap<&str, usize> = HashMap::new();
    for key in entries
        .iter()
        .filter_map(|entry| entry.idempotency_key.as_deref())
    {
        *gift_keys.entry(key).or_default() += 1;
    }
    prop_assert!(
        gift_keys.values().all(|count| *count == 1),
        "one gift card entry per key"
    );
    Ok(())
}

async fn check_rewards(
    shop: &TestShop,
    entries: &[ledger_entry::Model],
) -> Result<(), TestCaseError> {
    let fail = |error: sea_orm::DbErr| TestCaseError::fail(error.to_string());
    let costs: HashMap<i64, i64> = reward::Entity::find()
        .all(&shop.db)
        .await
        .map_err(fail)?
        .into_iter()
        .map(|reward| (reward.id, reward.cost))
        .collect();
    let earned = earned_reward::Entity::find()
        .all(&shop.db)
        .await
        .map_err(fail)?;
    let by_id: HashMap<i64, &ledger_entry::Model> =
        entries.iter().map(|entry| (entry.id, entry)).collect();
    let mut waiting: HashMap<(i64, i64), usize> = HashMap::new();
    let mut claim_entries: HashMap<i64, usize> = HashMap::new();
    for row in &earned {
        let issued_by = row.earning_entry_id.and_then(|id| by_id.get(&id));
        prop_assert!(
            issued_by
                .is_some_and(|entry| entry.client_id == row.client_id
                    && entry.kind == EntryKind::Earn.code()),
            "issued by an earn of its client"
        );
        if row.status == EarnedStatus::Earned.code() {
            *waiting.entry((row.client_id, row.reward_id)).or_default() += 1;
        }
        if row.status == EarnedStatus::Claimed.code() {
            let taken = row.claim_entry_id.and_then(|id| by_id.get(&id));
            prop_assert!(
                taken.is_some_and(|entry| entry.client_id == row.client_id
                    && Some(-entry.points) == costs.get(&row.reward_id).copied()),
                "a claimed reward took its cost from its client"
            );
            *claim_entries
                .entry(row.claim_entry_id.unwrap_or_default())
                .or_default() += 1;
        }
    }
    prop_assert!(
        waiting.values().all(|count| *count == 1),
        "one waiting reward"
    );
    prop_assert!(
        claim_entries.values().all(|count| *count == 1),
        "a cost taken once per claimed reward"
    );
    Ok(())
}

fn check(
    engine: Engine,
    till_writes: TillWrites,
    batches: Vec<Vec<Op>>,
) -> Result<(), TestCaseError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        match shop_on(engine, till_writes).await {
            Some(shop) => run(shop, batches).await,
            None => {
                static SAID: std::sync::Once = std::sync::Once::new();
                SAID.call_once(|| {
                    eprintln!("skipped: the ledger's PostgreSQL cases need TEST_DATABASE_URL");
                });
                Ok(())
            }
        }
    })
}

fn batches() -> impl Strategy<Value = Vec<Vec<Op>>> {
    prop::collection::vec(prop::collection::vec(op(), 1..5), 1..14)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn the_ledger_never_lies_on_sqlite_batched(batches in batches()) {
        check(Engine::Sqlite, TillWrites::Batched, batches)?;
    }

    #[test]
    fn the_ledger_never_lies_on_sqlite_written_alone(batches in batches()) {
        check(Engine::Sqlite, TillWrites::Direct, batches)?;
    }
}

proptest! {
    // Each case creates a PostgreSQL database: fewer cases, the same properties.
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn the_ledger_never_lies_on_postgres_batched(batches in batches()) {
        check(Engine::Postgres, TillWrites::Batched, batches)?;
    }

    #[test]
    fn the_ledger_never_lies_on_postgres_written_alone(batches in batches()) {
        check(Engine::Postgres, TillWrites::Direct, batches)?;
    }
}

/// Two tills modify the same transaction at the same moment: exactly one wins, the other is told
/// it was already modified, and the balance reflects the winner only.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_two_simultaneous_modifications_exactly_one_wins() {
    let shop = TestShop::on_file().await;
    let client = shop.client("Léa", "Morel").await;
    for round in 0..20 {
        let recorded = record_transaction(
            &shop.db,
            &shop.owner,
            &RecordRequest {
                client_id: client.id,
                form: form(10),
                idempotency_key: Uuid::new_v4(),
            },
        )
        .await
        .expect("record");
        let till = |points: i64| {
            let shop = shop.clone();
            let request = ModifyRequest {
                transaction_id: recorded.transaction.id,
                form: form(points),
                idempotency_key: Uuid::new_v4(),
            };
            tokio::spawn(async move { modify_transaction(&shop.db, &shop.owner, &request).await })
        };
        let (first, second) = (till(20), till(30));
        let answers = [
            first.await.expect("first till"),
            second.await.expect("second till"),
        ];
        let winners = answers.iter().filter(|answer| answer.is_ok()).count();
        assert_eq!(winners, 1, "round {round}: {answers:?}");
        assert!(
            answers
                .iter()
                .any(|answer| matches!(answer, Err(AppError::AlreadyModified))),
            "round {round}: {answers:?}"
        );
    }
    let client = client::Entity::find_by_id(client.id)
        .one(&shop.db)
        .await
        .expect("query")
        .expect("client");
    let sum: i64 = ledger_entry::Entity::find()
        .filter(ledger_entry::Column::ClientId.eq(client.id))
        .all(&shop.db)
        .await
        .expect("entries")
        .iter()
        .map(|entry| entry.points)
        .sum();
    assert_eq!(client.points_balance, sum);
}
