//! The one write path of the ledger: reads the accounts inside the write transaction, decides
//! each entry with `rules::decide`, then changes every balance in one statement and appends the
//! entries and their audit traces. The batching writer and a request written alone both call
//! `write_till_entries`; modifications and transfers use the same reading, rules and change.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{CaseStatement, Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::rules::{Account, BalanceChange, Refusal, decide, decide_daily_visit};
use super::{NewEntry, entry_row};
use crate::entities::{client, ledger_entry};
use crate::model::audit::AuditKind;
use crate::model::auth::CurrentUser;
use crate::model::ledger::{EntryKind, TransactionValues};
use crate::services::audit::{self, Actor, AuditRecord};
use crate::services::programme::rewards::{Reached, issue_reached};
use crate::services::shop_check;

/// What became of one till request.
#[derive(Debug, Clone)]
pub(crate) enum TillDecision {
    /// The entry and its client after it (boxed: the other answers carry almost nothing).
    Written(Box<(ledger_entry::Model, client::Model)>),
    /// Its key is in the ledger already (or earlier in the same batch): answered as the first
    /// time by the caller.
    Replayed,
    Refused(Refusal),
}

/// The clients of these (shop, client id) pairs as they are inside the transaction, by id,
/// locked until it ends on PostgreSQL (SQLite's write transaction holds the whole database
/// already). In id order, so two transactions never wait for each other in a circle.
pub(super) async fn read_accounts(
    txn: &impl ConnectionTrait,
    accounts: impl IntoIterator<Item = (i64, i64)>,
) -> Result<HashMap<i64, client::Model>, DbErr> {
    let accounts: Vec<(i64, i64)> = accounts.into_iter().collect();
    if accounts.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(client::Entity::find()
        .filter(in_their_shops(txn, accounts))
        .order_by_asc(client::Column::Id)
        .lock_exclusive()
        .all(txn)
        .await?
        .into_iter()
        .map(|client| (client.id, client))
        .collect())
}

/// Each client id of these (shop, client id) pairs under its own shop: a batch holds the
/// requests of several shops, and a client is changed only in the shop that decided it. The
/// rows are found by their ids alone (`shop_check`), each till batch, under the write lock.
fn in_their_shops(
    txn: &impl ConnectionTrait,
    accounts: impl IntoIterator<Item = (i64, i64)>,
) -> Condition {
    let mut by_shop: BTreeMap<i64, BTreeSet<i64>> = BTreeMap::new();
    for (shop_id, client_id) in accounts {
        by_shop.entry(shop_id).or_default().insert(client_id);
    }
    let all_ids: Vec<i64> = by_shop.values().flatten().copied().collect();
    let in_its_shop = by_shop
        .into_iter()
        .fold(Condition::any(), |any, (shop_id, client_ids)| {
            any.add(
                Condition::all()
                    .add(shop_check(txn, client::Column::ShopId, shop_id))
                    .add(client::Column::Id.is_in(client_ids)),
            )
        });
    Condition::all()
        .add(client::Column::Id.is_in(all_ids))
        .add(in_its_shop)
}

/// Applies the accepted changes, keyed by (shop, client id), in one `UPDATE … RETURNING`: the
/// clients after it, by id. An error when it did not change exactly those clients.
pub(super) async fn change_balances(
    txn: &impl ConnectionTrait,
    changes: &HashMap<(i64, i64), BalanceChange>,
    now: DateTime<Utc>,
) -> Result<HashMap<i64, client::Model>, DbErr> {
    if changes.is_empty() {
        return Ok(HashMap::new());
    }
    let by_client = |value: fn(&BalanceChange) -> i64| {
        changes
            .iter()
            .fold(CaseStatement::new(), |case, ((_, client_id), change)| {
                case.case(Expr::col(client::Column::Id).eq(*client_id), value(change))
            })
            .finally(0)
    };
    let visited: Vec<i64> = changes
        .iter()
        .filter(|(_, change)| change.visits > 0)
        .map(|((_, client_id), _)| *client_id)
        .collect();
    let mut update = client::Entity::update_many()
        .col_expr(
            client::Column::PointsBalance,
            Expr::col(client::Column::PointsBalance).add(by_client(|change| change.points)),
        )
        .col_expr(client::Column::UpdatedAt, Expr::value(now))
        .filter(in_their_shops(txn, changes.keys().copied()));
    if !visited.is_empty() {
        update = update
            .col_expr(
                client::Column::VisitCount,
                Expr::col(client::Column::VisitCount).add(by_client(|change| change.visits)),
            )
            .col_expr(
                client::Column::FirstVisitAt,
                CaseStatement::new()
                    .case(
                        Expr::col(client::Column::Id)
                            .is_in(visited.iter().copied())
                            .and(Expr::col(client::Column::FirstVisitAt).is_null()),
                        Expr::value(now),
                    )
                    .finally(Expr::col(client::Column::FirstVisitAt))
                    .into(),
            )
            .col_expr(
                client::Column::LastVisitAt,
                CaseStatement::new()
                    .case(
                        Expr::col(client::Column::Id).is_in(visited),
                        Expr::value(now),
                    )
                    .finally(Expr::col(client::Column::LastVisitAt))
                    .into(),
            );
    }
    let updated = update.exec_with_returning(txn).await?;
    if updated.len() != changes.len() {
        return Err(DbErr::Custom(format!(
            "balance change matched {} clients of {}",
            updated.len(),
            changes.len()
        )));
    }
    Ok(updated
        .into_iter()
        .map(|client| (client.id, client))
        .collect())
}

/// Writes till requests in the order given, inside the caller's write transaction: one decision
/// each. An error leaves the transaction to be rolled back whole (nothing of it is kept).
pub(crate) async fn write_till_entries(
    txn: &impl ConnectionTrait,
    requests: &[(&Actor, &TillEntry)],
) -> Result<Vec<TillDecision>, DbErr> {
    let mut decisions: Vec<Option<TillDecision>> = vec![None; requests.len()];
    let known = known_keys(txn, requests).await?;
    let accounts = read_accounts(
        txn,
        requests
            .iter()
            .map(|(user, request)| (user.shop_id, request.client_id)),
    )
    .await?;
    let mut held: HashMap<i64, Account> = accounts
        .iter()
        .map(|(id, client)| (*id, Account::from(client)))
        .collect();
    let mut seen: HashSet<(i64, &str)> = HashSet::new();
    let mut changes: HashMap<(i64, i64), BalanceChange> = HashMap::new();
    let mut accepted = Vec::with_capacity(requests.len());
    for (index, (user, request)) in requests.iter().enumerate() {
        let shop_key = (user.shop_id, request.key.as_str());
        // A key written before, or earlier in this batch; a refused request wrote nothing, so
        // its key stays free for the next one.
        if known.contains(&(user.shop_id, request.key.clone())) || seen.contains(&shop_key) {
            decisions[index] = Some(TillDecision::Replayed);
            continue;
        }
        let account = held.get_mut(&request.client_id);
        let decided = match request.one_visit_a_day_since {
            Some(since) => decide_daily_visit(account, user.shop_id, request.values.points, since),
            None => decide(account, user.shop_id, request.kind, request.values.points),
        };
        match decided {
            Ok(change) => {
                seen.insert(shop_key);
                changes
                    .entry((user.shop_id, request.client_id))
                    .or_default()
                    .add(change);
                accepted.push(index);
            }
            Err(refusal) => decisions[index] = Some(TillDecision::Refused(refusal)),
        }
    }
    if !accepted.is_empty() {
        let now = Utc::now();
        let clients = change_balances(txn, &changes, now).await?;
        // One statement for every entry, one for every audit trace; RETURNING comes in any
        // order, so entries are matched back by their (shop, key).
        let rows = accepted.iter().map(|&index| {
            let (user, request) = requests[index];
            till_entry_row(user, request, now)
        });
        let mut entries: HashMap<(i64, String), ledger_entry::Model> =
            ledger_entry::Entity::insert_many(rows)
                .exec_with_returning(txn)
                .await?
                .into_iter()
                .filter_map(|entry| Some(((entry.shop_id, entry.idempotency_key.clone()?), entry)))
                .collect();
        let mut traces = Vec::with_capacity(accepted.len());
        let mut reached = Vec::new();
        for &index in &accepted {
            let (user, request) = requests[index];
            let entry = entries
                .remove(&(user.shop_id, request.key.clone()))
                .ok_or_else(|| DbErr::Custom("an appended entry did not come back".into()))?;
            let client = clients
                .get(&request.client_id)
                .cloned()
                .ok_or_else(|| DbErr::Custom("a changed client did not come back".into()))?;
            traces.push(till_entry_audit(user, request, entry.id));
            // Points carried over from another system reach a reward as earned ones do.
            if matches!(request.kind, EntryKind::Earn | EntryKind::Import) {
                reached.push(Reached {
                    shop_id: user.shop_id,
                    client_id: client.id,
                    balance: client.points_balance,
                    entry_id: entry.id,
                });
            }
            decisions[index] = Some(TillDecision::Written(Box::new((entry, client))));
        }
        audit::write_many(txn, traces).await?;
        issue_reached(txn, &reached, now).await?;
    }
    decisions
        .into_iter()
        .map(|decision| decision.ok_or_else(|| DbErr::Custom("a request left undecided".into())))
        .collect()
}

/// The (shop, key) pairs of these requests already in the ledger.
async fn known_keys(
    txn: &impl ConnectionTrait,
    requests: &[(&Actor, &TillEntry)],
) -> Result<HashSet<(i64, String)>, DbErr> {
    let keys: HashSet<&str> = requests
        .iter()
        .map(|(_, request)| request.key.as_str())
        .collect();
    let shops: HashSet<i64> = requests.iter().map(|(user, _)| user.shop_id).collect();
    Ok(ledger_entry::Entity::find()
        .select_only()
        .column(ledger_entry::Column::ShopId)
        .column(ledger_entry::Column::IdempotencyKey)
        .filter(ledger_entry::Column::ShopId.is_in(shops))
        .filter(ledger_entry::Column::IdempotencyKey.is_in(keys))
        .into_tuple::<(i64, String)>()
        .all(txn)
        .await?
        .into_iter()
        .collect())
}

/// One till request to record: an earn or a use of points, with its idempotency key.
#[derive(Debug, Clone)]
pub(crate) struct TillEntry {
    pub kind: EntryKind,
    pub client_id: i64,
    pub values: TransactionValues,
    pub key: String,
    /// Set for an earn under a programme counting one visit a day: the start of the shop's day.
    pub one_visit_a_day_since: Option<DateTime<Utc>>,
}

/// The ledger row of a till request.
fn till_entry_row(
    user: &CurrentUser,
    request: &TillEntry,
    now: DateTime<Utc>,
) -> ledger_entry::ActiveModel {
    let entry = NewEntry {
        client_id: request.client_id,
        kind: request.kind,
        values: request.values,
        reverses_entry_id: None,
        corrects_entry_id: None,
        idempotency_key: Some(request.key.clone()),
    };
    entry_row(user, entry, now)
}

/// The audit trace of a written till entry.
fn till_entry_audit<'a>(user: &'a Actor, request: &TillEntry, entry_id: i64) -> AuditRecord<'a> {
    AuditRecord::by(user, AuditKind::TransactionRecorded)
        .client(request.client_id)
        .entry(entry_id)
        .detail(format!("{:+} points", request.values.points))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::services::ledger::rules::Refusal;
    use crate::services::test_support::TestShop;

    fn till_entry(kind: EntryKind, client_id: i64, points: i64, key: &str) -> TillEntry {
        TillEntry {
            kind,
            client_id,
            values: TransactionValues {
                points,
                amount_cents: None,
            },
            key: key.to_owned(),
            one_visit_a_day_since: None,
        }
    }

    /// Two tills send the same key at once: the use is refused (no points yet), so it wrote
    /// nothing and the earn after it in the same batch is written, not taken for a replay.
    #[tokio::test]
    async fn a_refused_request_leaves_its_key_to_the_next_in_the_batch() {
        let shop = TestShop::new().await;
        let client = shop.client("Léa", "Morel").await;
        let refused = till_entry(EntryKind::Redeem, client.id, -5, "same-key");
        let earned = till_entry(EntryKind::Earn, client.id, 7, "same-key");
        let again = till_entry(EntryKind::Earn, client.id, 7, "same-key");
        let txn = shop.db.begin_write().await.expect("write");
        let decisions = write_till_entries(
            &txn,
            &[
                (&shop.owner, &refused),
                (&shop.owner, &earned),
                (&shop.owner, &again),
            ],
        )
        .await
        .expect("written");
        txn.commit().await.expect("committed");
        assert!(matches!(
            decisions[0],
            TillDecision::Refused(Refusal::NotEnoughPoints { balance: 0 })
        ));
        assert!(
            matches!(&decisions[1], TillDecision::Written(written) if written.1.points_balance == 7)
        );
        assert!(matches!(decisions[2], TillDecision::Replayed));
        shop.assert_balances_are_sums().await;
    }

    /// The till's reading and balance change find their clients by primary key, whichever
    /// shops the batch holds: a `(shop_id, …)` index would scan the whole shop under the write lock.
    #[tokio::test]
    async fn a_batch_reads_and_changes_its_clients_by_primary_key() {
        use sea_orm::{DbBackend, QueryTrait};

        use crate::services::test_support::query_plan;
        let shop = TestShop::new().await;
        let one_shop = [(1, 10), (1, 11)];
        let two_shops = [(1, 10), (1, 11), (2, 20)];
        for accounts in [&one_shop[..], &two_shops[..]] {
            let read = client::Entity::find()
                .filter(in_their_shops(&shop.db, accounts.iter().copied()))
                .order_by_asc(client::Column::Id)
                .build(DbBackend::Sqlite);
            let change = client::Entity::update_many()
                .col_expr(
                    client::Column::VisitCount,
                    Expr::col(client::Column::VisitCount).add(1),
                )
                .filter(in_their_shops(&shop.db, accounts.iter().copied()))
                .build(DbBackend::Sqlite);
            for statement in [read, change] {
                assert_eq!(
                    query_plan(&shop.db, &statement).await,
                    ["SEARCH clients USING INTEGER PRIMARY KEY (rowid=?)"],
                    "the plan of {}",
                    statement.sql
                );
            }
        }
    }
}
