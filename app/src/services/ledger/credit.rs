//! Store credit ("cagnotte", "avoirs"): money a client holds at the shop, kept by the ledger's
//! rules — append-only entries with author, time and reason, a cached balance changed in the
//! same transaction, never below zero (the client's row is locked while it is decided), the
//! device's idempotency keys, corrections by reversal, shop isolation. Few a day, so each is
//! its own write transaction, beside the till's batching writer.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use super::current_file;
use super::rules::{Account, CreditRefusal, decide_credit};
use super::views::JournalScope;
use super::write::read_accounts;
use crate::entities::{client, credit_entry};
use crate::model::audit::AuditKind;
use crate::model::auth::CurrentUser;
use crate::model::credit::{
    CREDIT_ENTRIES_SHOWN, CREDIT_REASON_MAX_CHARS, CreditAccount, CreditAction, CreditEntryView,
    CreditJournalPage, CreditKind, CreditRequest, CreditReversalRequest,
};
use crate::model::error::{AppError, FieldErrors, FieldProblem};
use crate::model::fields::text_field;
use crate::model::ledger::JournalFilter;
use crate::services::audit::{self, Actor, AuditRecord};
use crate::services::clients::lookup::{file_ids, find_in_shop, name_of};
use crate::services::db::Db;
use crate::services::time::{format_date_time, shop_zone};
use crate::services::{db_error, display_names, owner_only, shop_check, unique_or_db_error};

/// One credit entry to append, once its rule has accepted it.
struct NewCredit {
    client_id: i64,
    kind: CreditKind,
    amount_cents: i64,
    reason: String,
    reverses_entry_id: Option<i64>,
    idempotency_key: Option<String>,
}

/// Decides `entry` on its client's locked row, changes the balance and appends the entry, all
/// in the caller's transaction.
async fn write_credit(
    txn: &impl ConnectionTrait,
    user: &CurrentUser,
    entry: NewCredit,
) -> Result<credit_entry::Model, AppError> {
    let accounts = read_accounts(txn, [(user.shop_id, entry.client_id)])
        .await
        .map_err(db_error)?;
    let mut account = accounts.get(&entry.client_id).map(Account::from);
    decide_credit(account.as_mut(), user.shop_id, entry.amount_cents).map_err(refused)?;
    let changed = client::Entity::update_many()
        .col_expr(
            client::Column::CreditCents,
            Expr::col(client::Column::CreditCents).add(entry.amount_cents),
        )
        .col_expr(client::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(shop_check(txn, client::Column::ShopId, user.shop_id))
        .filter(client::Column::Id.eq(entry.client_id))
        .exec(txn)
        .await
        .map_err(db_error)?;
    if changed.rows_affected != 1 {
        tracing::error!(
            client_id = entry.client_id,
            "store credit matched no client"
        );
        return Err(AppError::NotFound);
    }
    credit_entry::ActiveModel {
        shop_id: Set(user.shop_id),
        client_id: Set(entry.client_id),
        kind: Set(entry.kind.code().to_owned()),
        amount_cents: Set(entry.amount_cents),
        reason: Set(entry.reason),
        reverses_entry_id: Set(entry.reverses_entry_id),
        idempotency_key: Set(entry.idempotency_key),
        author_user_id: Set(user.user_id),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(txn)
    .await
    .map_err(|error| {
        // The same key, or a second reversal of one entry, committed meanwhile.
        unique_or_db_error(error, AppError::AlreadyModified)
    })
}

fn refused(refusal: CreditRefusal) -> AppError {
    match refusal {
        CreditRefusal::NotEnoughCredit { balance_cents } => {
            AppError::invalid("amount", FieldProblem::NotEnoughCredit { balance_cents })
        }
        CreditRefusal::NoSuchAccount => AppError::NotFound,
    }
}

async fn entry_with_key(
    db: &impl ConnectionTrait,
    shop_id: i64,
    key: &str,
) -> Result<Option<credit_entry::Model>, AppError> {
    credit_entry::Entity::find()
        .filter(shop_check(db, credit_entry::Column::ShopId, shop_id))
        .filter(credit_entry::Column::IdempotencyKey.eq(key))
        .one(db)
        .await
        .map_err(db_error)
}

/// Puts money on a client's account or uses it. A retry with the same key writes nothing more
/// and answers with the account as it is.
pub async fn record_credit(
    db: &Db,
    actor: &Actor,
    request: &CreditRequest,
) -> Result<CreditAccount, AppError> {
    let values = request.form.validate(request.action)?;
    let key = request.idempotency_key.to_string();
    if entry_with_key(db.connection(), actor.shop_id, &key)
        .await?
        .is_some()
    {
        return client_credit(db.connection(), actor, request.client_id).await;
    }
    let (kind, audit_kind) = match request.action {
        CreditAction::Credit => (CreditKind::Credit, AuditKind::CreditAdded),
        CreditAction::Use => (CreditKind::Use, AuditKind::CreditUsed),
    };
    let txn = db.begin_write().await?;
    let written = write_credit(
        &txn,
        actor,
        NewCredit {
            client_id: request.client_id,
            kind,
            amount_cents: values.amount_cents,
            reason: values.reason,
            reverses_entry_id: None,
            idempotency_key: Some(key),
        },
    )
    .await;
    let entry = match written {
        Ok(entry) => entry,
        Err(AppError::AlreadyModified) => {
            drop(txn);
            return client_credit(db.connection(), actor, request.client_id).await;
        }
        Err(error) => return Err(error),
    };
    audit::write(
        &txn,
        AuditRecord::by(actor, audit_kind)
            .client(request.client_id)
            .detail(format!("credit {} cents {}", entry.id, entry.amount_cents)),
    )
    .await?;
    txn.commit().await.map_err(db_error)?;
    client_credit(db.connection(), actor, request.client_id).await
}

/// The owner cancels a credit or a use with a reversal, with the reason: once per entry, never
/// below zero (a credit already spent cannot be taken back), on the file that holds the balance
/// now when the entry's file was merged since.
pub async fn reverse_credit(
    db: &Db,
    actor: &Actor,
    request: &CreditReversalRequest,
) -> Result<CreditAccount, AppError> {
    owner_only(actor)?;
    let mut errors = FieldErrors::default();
    let reason = text_field(
        &mut errors,
        "reason",
        &request.reason,
        true,
        CREDIT_REASON_MAX_CHARS,
        false,
    );
    errors.into_result()?;
    let key = request.idempotency_key.to_string();
    if let Some(earlier) = entry_with_key(db.connection(), actor.shop_id, &key).await? {
        return client_credit(
            db.connection(),
            actor,
            current_file(db.connection(), actor, earlier.client_id).await?,
        )
        .await;
    }
    let txn = db.begin_write().await?;
    let original = credit_entry::Entity::find_by_id(request.entry_id)
        .filter(shop_check(
            &txn,
            credit_entry::Column::ShopId,
            actor.shop_id,
        ))
        .one(&txn)
        .await
        .map_err(db_error)?
        .ok_or(AppError::NotFound)?;
    let reversible = matches!(
        CreditKind::from_code(&original.kind),
        Some(CreditKind::Credit | CreditKind::Use)
    );
    if !reversible {
        return Err(AppError::Forbidden);
    }
    let already = credit_entry::Entity::find()
        .filter(shop_check(
            &txn,
            credit_entry::Column::ShopId,
            actor.shop_id,
        ))
        .filter(credit_entry::Column::ReversesEntryId.eq(original.id))
        .one(&txn)
        .await
        .map_err(db_error)?;
    if already.is_some() {
        return Err(AppError::AlreadyModified);
    }
    let account_id = current_file(&txn, actor, original.client_id).await?;
    // A credit already spent cannot be taken back: the balance is told, as for a use.
    let entry = write_credit(
        &txn,
        actor,
        NewCredit {
            client_id: account_id,
            kind: CreditKind::Reversal,
            amount_cents: -original.amount_cents,
            reason: reason.unwrap_or_default(),
            reverses_entry_id: Some(original.id),
            idempotency_key: Some(key),
        },
    )
    .await?;
    audit::write(
        &txn,
        AuditRecord::by(actor, AuditKind::CreditReversed)
            .client(account_id)
            .detail(format!("credit {} reverses {}", entry.id, original.id)),
    )
    .await?;
    txn.commit().await.map_err(db_error)?;
    client_credit(db.connection(), actor, account_id).await
}

/// A claimed reward of kind "crédit fidélité": its amount put on the client's store credit,
/// inside the claim's transaction (which the claim's key makes happen once).
pub(super) async fn credit_reward(
    txn: &impl ConnectionTrait,
    user: &CurrentUser,
    client_id: i64,
    cents: i64,
    reward_name: &str,
) -> Result<(), AppError> {
    let entry = NewCredit {
        client_id,
        kind: CreditKind::Reward,
        amount_cents: cents,
        reason: reward_name.to_owned(),
        reverses_entry_id: None,
        idempotency_key: None,
    };
    write_credit(txn, user, entry).await.map(drop)
}

/// Moves all the store credit of `from` to `to_id` with a pair of transfer entries, inside the
/// caller's transaction; the merge that calls it writes the audit entry.
pub(crate) async fn transfer_credit(
    txn: &impl ConnectionTrait,
    user: &CurrentUser,
    from: &client::Model,
    to_id: i64,
) -> Result<(), AppError> {
    let cents = from.credit_cents;
    if cents == 0 {
        return Ok(());
    }
    let reason = format!("#{} → #{to_id}", from.id);
    for (client_id, amount_cents) in [(from.id, -cents), (to_id, cents)] {
        let entry = NewCredit {
            client_id,
            kind: CreditKind::Transfer,
            amount_cents,
            reason: reason.clone(),
            reverses_entry_id: None,
            idempotency_key: None,
        };
        write_credit(txn, user, entry).await?;
    }
    Ok(())
}

/// The entries of these files of one client, newest first: the page and the data report.
pub(crate) async fn credit_entries_of(
    db: &impl ConnectionTrait,
    shop_id: i64,
    file_ids: &[i64],
    limit: Option<u64>,
) -> Result<Vec<credit_entry::Model>, AppError> {
    credit_entry::Entity::find()
        .filter(shop_check(db, credit_entry::Column::ShopId, shop_id))
        .filter(credit_entry::Column::ClientId.is_in(file_ids.iter().copied()))
        .order_by_desc(credit_entry::Column::Id)
        .limit(limit)
        .all(db)
        .await
        .map_err(db_error)
}

/// A client's store credit: the balance and the latest entries, merged files' included.
pub async fn client_credit(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    client_id: i64,
) -> Result<CreditAccount, AppError> {
    let client = find_in_shop(db, user.shop_id, client_id).await?;
    let ids = file_ids(db, user.shop_id, client_id).await?;
    let entries = credit_entries_of(db, user.shop_id, &ids, Some(CREDIT_ENTRIES_SHOWN)).await?;
    Ok(CreditAccount {
        client_id: client.id,
        balance_cents: client.credit_cents,
        entries: credit_views(db, user, entries).await?,
    })
}

/// The shop's store credit entries in the journal's range (days, client), newest first: the
/// owner's, as the journal.
pub async fn credit_journal(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    filter: &JournalFilter,
) -> Result<CreditJournalPage, AppError> {
    owner_only(user)?;
    let query = credit_entry::Entity::find()
        .filter(
            JournalScope::read(db, user, filter)
                .await?
                .credit_condition(),
        )
        .order_by_desc(credit_entry::Column::Id);
    let total = query.clone().count(db).await.map_err(db_error)?;
    let entries = query
        .limit(CREDIT_ENTRIES_SHOWN)
        .all(db)
        .await
        .map_err(db_error)?;
    Ok(CreditJournalPage {
        entries: credit_views(db, user, entries).await?,
        total,
    })
}

/// Entries of one shop as the pages show them: client and author names, which were reversed.
async fn credit_views(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    entries: Vec<credit_entry::Model>,
) -> Result<Vec<CreditEntryView>, AppError> {
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = entries.iter().map(|entry| entry.id).collect();
    let reversed_by: HashMap<i64, i64> = credit_entry::Entity::find()
        .filter(shop_check(db, credit_entry::Column::ShopId, user.shop_id))
        .filter(credit_entry::Column::ReversesEntryId.is_in(ids))
        .all(db)
        .await
        .map_err(db_error)?
        .into_iter()
        .filter_map(|reversal| {
            reversal
                .reverses_entry_id
                .map(|original| (original, reversal.id))
        })
        .collect();
    let client_ids: HashSet<i64> = entries.iter().map(|entry| entry.client_id).collect();
    let clients: HashMap<i64, String> = client::Entity::find()
        .filter(shop_check(db, client::Column::ShopId, user.shop_id))
        .filter(client::Column::Id.is_in(client_ids))
        .all(db)
        .await
        .map_err(db_error)?
        .iter()
        .map(|client| (client.id, name_of(client)))
        .collect();
    let names = display_names(db, entries.iter().map(|entry| entry.author_user_id)).await?;
    let zone = shop_zone(&user.time_zone);
    Ok(entries
        .into_iter()
        .filter_map(|entry| {
            let Some(kind) = CreditKind::from_code(&entry.kind) else {
                tracing::error!(entry = entry.id, kind = %entry.kind, "unknown credit entry kind");
                return None;
            };
            Some(CreditEntryView {
                id: entry.id,
                client_id: entry.client_id,
                client_name: clients.get(&entry.client_id).cloned().unwrap_or_default(),
                kind,
                amount_cents: entry.amount_cents,
                author_name: names
                    .get(&entry.author_user_id)
                    .cloned()
                    .unwrap_or_default(),
                recorded_at: format_date_time(entry.created_at, zone),
                reversed_by: reversed_by.get(&entry.id).copied(),
                reason: entry.reason,
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;
    use crate::model::credit::CreditForm;
    use crate::services::clients::merge::merge_clients;
    use crate::services::test_support::TestShop;

    fn request(client_id: i64, action: CreditAction, amount: &str, reason: &str) -> CreditRequest {
        CreditRequest {
            client_id,
            action,
            form: CreditForm {
                amount: amount.into(),
                reason: reason.into(),
            },
            idempotency_key: Uuid::new_v4(),
        }
    }

    fn reversal(entry_id: i64, reason: &str) -> CreditReversalRequest {
        CreditReversalRequest {
            entry_id,
            reason: reason.into(),
            idempotency_key: Uuid::new_v4(),
        }
    }

    #[tokio::test]
    async fn an_avoir_is_credited_used_and_never_below_zero() {
        let shop = TestShop::new().await;
        let lea = shop.client("Léa", "Morel").await;
        let staff = shop.staff();
        let credited = record_credit(
            &shop.db,
            &staff,
            &request(lea.id, CreditAction::Credit, "25,50", "Retour pull"),
        )
        .await
        .expect("credited");
        assert_eq!(credited.balance_cents, 2550);
        let used = record_credit(
            &shop.db,
            &staff,
            &request(lea.id, CreditAction::Use, "20", ""),
        )
        .await
        .expect("used");
        assert_eq!(used.balance_cents, 550);
        assert_eq!(
            record_credit(
                &shop.db,
                &staff,
                &request(lea.id, CreditAction::Use, "6", "")
            )
            .await,
            Err(AppError::invalid(
                "amount",
                FieldProblem::NotEnoughCredit { balance_cents: 550 }
            ))
        );
        let kinds: Vec<(CreditKind, i64, &str, &str)> = used
            .entries
            .iter()
            .map(|entry| {
                (
                    entry.kind,
                    entry.amount_cents,
                    entry.reason.as_str(),
                    entry.author_name.as_str(),
                )
            })
            .collect();
        assert_eq!(
            kinds,
            [
                (CreditKind::Use, -2000, "", "Odile Owner"),
                (CreditKind::Credit, 2550, "Retour pull", "Odile Owner"),
            ],
            "newest first, with author and reason"
        );
        let row = find_in_shop(&shop.db, shop.owner.shop_id, lea.id)
            .await
            .expect("client");
        assert_eq!(
            (row.credit_cents, row.points_balance, row.visit_count),
            (550, 0, 0)
        );
        shop.assert_balances_are_sums().await;
    }

    #[tokio::test]
    async fn a_retried_tap_is_written_once() {
        let shop = TestShop::new().await;
        let lea = shop.client("Léa", "Morel").await;
        let tap = request(lea.id, CreditAction::Credit, "10", "Geste commercial");
        record_credit(&shop.db, &shop.owner, &tap)
            .await
            .expect("first");
        let again = record_credit(&shop.db, &shop.owner, &tap)
            .await
            .expect("retry");
        assert_eq!((again.balance_cents, again.entries.len()), (1000, 1));
    }

    /// Two tills use 8 € of a 10 € credit at the same second: one is refused.
    async fn two_tills_at_once(shop: TestShop) {
        let lea = shop.client("Léa", "Morel").await;
        record_credit(
            &shop.db,
            &shop.owner,
            &request(lea.id, CreditAction::Credit, "10", "Retour"),
        )
        .await
        .expect("credited");
        let till = |shop: TestShop| async move {
            record_credit(
                &shop.db,
                &shop.owner,
                &request(lea.id, CreditAction::Use, "8", ""),
            )
            .await
        };
        let (first, second) = tokio::join!(
            tokio::spawn(till(shop.clone())),
            tokio::spawn(till(shop.clone()))
        );
        let answers = [first.expect("first till"), second.expect("second till")];
        assert_eq!(answers.iter().filter(|answer| answer.is_ok()).count(), 1);
        shop.assert_balances_are_sums().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn two_tills_using_the_same_credit_at_once_leave_no_negative_balance() {
        for _ in 0..5 {
            two_tills_at_once(TestShop::on_file().await).await;
        }
        match TestShop::on_postgres().await {
            Some(shop) => two_tills_at_once(shop).await,
            None => eprintln!("PostgreSQL case skipped: TEST_DATABASE_URL is not set"),
        }
    }

    #[tokio::test]
    async fn the_owner_reverses_an_entry_once_and_not_a_spent_credit() {
        let shop = TestShop::new().await;
        let lea = shop.client("Léa", "Morel").await;
        let credited = record_credit(
            &shop.db,
            &shop.owner,
            &request(lea.id, CreditAction::Credit, "15", "Retour"),
        )
        .await
        .expect("credited");
        let credit_id = credited.entries[0].id;
        assert_eq!(
            reverse_credit(&shop.db, &shop.staff(), &reversal(credit_id, "Erreur")).await,
            Err(AppError::Forbidden),
            "staff do not cancel entries"
        );
        assert_eq!(
            reverse_credit(&shop.db, &shop.owner, &reversal(credit_id, " ")).await,
            Err(AppError::invalid("reason", FieldProblem::Required))
        );
        let used = record_credit(
            &shop.db,
            &shop.owner,
            &request(lea.id, CreditAction::Use, "10", ""),
        )
        .await
        .expect("used");
        assert_eq!(
            reverse_credit(&shop.db, &shop.owner, &reversal(credit_id, "Erreur")).await,
            Err(AppError::invalid(
                "amount",
                FieldProblem::NotEnoughCredit { balance_cents: 500 }
            )),
            "10 € of the 15 € were spent"
        );
        let use_id = used.entries[0].id;
        let back = reverse_credit(&shop.db, &shop.owner, &reversal(use_id, "Mauvais client"))
            .await
            .expect("use reversed");
        assert_eq!(back.balance_cents, 1500);
        assert_eq!(back.entries[0].kind, CreditKind::Reversal);
        assert_eq!(back.entries[1].reversed_by, Some(back.entries[0].id));
        assert!(!back.entries[1].can_be_reversed());
        assert_eq!(
            reverse_credit(&shop.db, &shop.owner, &reversal(use_id, "Encore")).await,
            Err(AppError::AlreadyModified)
        );
        assert_eq!(
            reverse_credit(&shop.db, &shop.owner, &reversal(back.entries[0].id, "x")).await,
            Err(AppError::Forbidden),
            "a reversal is not reversed"
        );
        shop.assert_balances_are_sums().await;
    }

    #[tokio::test]
    async fn another_shop_sees_and_touches_nothing() {
        let shop = TestShop::new().await;
        let lea = shop.client("Léa", "Morel").await;
        let credited = record_credit(
            &shop.db,
            &shop.owner,
            &request(lea.id, CreditAction::Credit, "15", "Retour"),
        )
        .await
        .expect("credited");
        let other = shop.other_shop().await;
        assert_eq!(
            client_credit(&shop.db, &other, lea.id).await,
            Err(AppError::NotFound)
        );
        assert_eq!(
            record_credit(
                &shop.db,
                &other,
                &request(lea.id, CreditAction::Credit, "5", "x")
            )
            .await,
            Err(AppError::NotFound)
        );
        assert_eq!(
            reverse_credit(&shop.db, &other, &reversal(credited.entries[0].id, "x")).await,
            Err(AppError::NotFound)
        );
        let still = client_credit(&shop.db, &shop.owner, lea.id)
            .await
            .expect("own shop");
        assert_eq!((still.balance_cents, still.entries.len()), (1500, 1));
    }

    #[tokio::test]
    async fn a_merge_moves_the_credit_to_the_kept_file() {
        let shop = TestShop::new().await;
        let kept = shop.client("Léa", "Morel").await;
        let merged = shop.client("Lea", "Morel-Dubois").await;
        for (client_id, amount) in [(kept.id, "5"), (merged.id, "7,50")] {
            record_credit(
                &shop.db,
                &shop.owner,
                &request(client_id, CreditAction::Credit, amount, "Retour"),
            )
            .await
            .expect("credited");
        }
        merge_clients(&shop.db, &shop.owner, kept.id, merged.id)
            .await
            .expect("merged");
        let account = client_credit(&shop.db, &shop.owner, kept.id)
            .await
            .expect("kept");
        assert_eq!(account.balance_cents, 1250);
        // The merged file's credit, written before the merge, is cancelled on the kept file.
        let merged_credit = account
            .entries
            .iter()
            .find(|entry| entry.kind == CreditKind::Credit && entry.amount_cents == 750)
            .expect("the merged file's entry is shown")
            .id;
        let after = reverse_credit(&shop.db, &shop.owner, &reversal(merged_credit, "Doublon"))
            .await
            .expect("reversed on the kept file");
        assert_eq!(after.balance_cents, 500);
        shop.assert_balances_are_sums().await;
    }

    #[tokio::test]
    async fn a_claimed_credit_reward_puts_its_amount_on_the_account_once() {
        use crate::model::rewards::{ClaimRequest, EarnedStatus, RewardForm, RewardKind};
        use crate::services::ledger::{claim_reward, record_transaction};
        use crate::services::programme::rewards::{add_reward, client_rewards};
        use crate::services::test_support::earn;

        let shop = TestShop::new().await;
        let lea = shop.client("Léa", "Morel").await;
        let form = RewardForm {
            name: "Crédit fidélité 5 €".into(),
            kind: RewardKind::StoreCredit,
            value: "5".into(),
            cost: "20".into(),
            validity_days: String::new(),
        };
        add_reward(&shop.db, &shop.owner, &form)
            .await
            .expect("added");
        record_transaction(&shop.db, &shop.owner, &earn(lea.id, "25", ""))
            .await
            .expect("earned");
        let earned = client_rewards(&shop.db, &shop.owner, lea.id)
            .await
            .expect("rewards")
            .earned
            .into_iter()
            .find(|earned| earned.status == EarnedStatus::Earned)
            .expect("issued at 20 points");
        let claim = ClaimRequest {
            earned_id: earned.id,
            idempotency_key: Uuid::new_v4(),
        };
        let claimed = claim_reward(&shop.db, &shop.staff(), &claim)
            .await
            .expect("claimed");
        assert_eq!(claimed.client.points_balance, 5);
        assert_eq!(claimed.client.credit_cents, 500);
        claim_reward(&shop.db, &shop.staff(), &claim)
            .await
            .expect("a retried claim answers the same");
        let account = client_credit(&shop.db, &shop.owner, lea.id)
            .await
            .expect("credit");
        assert_eq!(account.balance_cents, 500, "credited once");
        assert_eq!(account.entries.len(), 1);
        assert_eq!(account.entries[0].kind, CreditKind::Reward);
        assert_eq!(account.entries[0].reason, "Crédit fidélité 5 €");
        assert!(!account.entries[0].can_be_reversed());
        shop.assert_balances_are_sums().await;
    }

    #[tokio::test]
    async fn the_journal_lists_the_shops_entries_of_its_range_for_the_owner() {
        use crate::model::ledger::JournalFilter;

        let shop = TestShop::new().await;
        let lea = shop.client("Léa", "Morel").await;
        let marc = shop.client("Marc", "Petit").await;
        for (client_id, amount) in [(lea.id, "5"), (marc.id, "7")] {
            record_credit(
                &shop.db,
                &shop.owner,
                &request(client_id, CreditAction::Credit, amount, "Retour"),
            )
            .await
            .expect("credited");
        }
        let other = shop.other_shop().await;
        let theirs = other.user.clone();
        let all = credit_journal(&shop.db, &shop.owner, &JournalFilter::default())
            .await
            .expect("journal");
        assert_eq!(all.total, 2);
        assert_eq!(all.entries[0].client_name, "Marc Petit");
        let lea_only = JournalFilter {
            client_id: Some(lea.id),
            ..JournalFilter::default()
        };
        let filtered = credit_journal(&shop.db, &shop.owner, &lea_only)
            .await
            .expect("one client");
        assert_eq!((filtered.total, filtered.entries[0].amount_cents), (1, 500));
        let tomorrow = JournalFilter {
            from: (chrono::Utc::now().date_naive() + chrono::Duration::days(2)).to_string(),
            ..JournalFilter::default()
        };
        assert_eq!(
            credit_journal(&shop.db, &shop.owner, &tomorrow)
                .await
                .expect("later days")
                .total,
            0
        );
        assert_eq!(
            credit_journal(&shop.db, &shop.staff(), &JournalFilter::default()).await,
            Err(AppError::Forbidden)
        );
        assert_eq!(
            credit_journal(&shop.db, &theirs, &JournalFilter::default())
                .await
                .expect("their journal")
                .total,
            0,
            "another shop sees none of these"
        );
        assert_eq!(
            credit_journal(&shop.db, &theirs, &lea_only).await,
            Err(AppError::NotFound)
        );
    }
}
