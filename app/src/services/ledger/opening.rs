//! Opening balances: the points a client brings from the shop's previous system, written once
//! per client through the ledger's one write path.

use sea_orm::{ConnectionTrait, DbErr};

use super::write::{TillDecision, TillEntry, write_till_entries};
use crate::model::ledger::{EntryKind, TransactionValues};
use crate::services::audit::Actor;

/// The key of a client's opening balance: a client has one, whichever file brought it and
/// however many times, so importing a list again never adds its points twice.
fn opening_key(client_id: i64) -> String {
    format!("import:{client_id}")
}

/// Writes each (client, points) as an `import` entry inside the caller's write transaction;
/// the clients whose entry was written now (not before, not refused).
pub(crate) async fn write_opening_balances(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    balances: &[(i64, i64)],
) -> Result<Vec<i64>, DbErr> {
    let entries: Vec<TillEntry> = balances
        .iter()
        .map(|&(client_id, points)| TillEntry {
            kind: EntryKind::Import,
            client_id,
            values: TransactionValues {
                points,
                amount_cents: None,
            },
            key: opening_key(client_id),
            one_visit_a_day_since: None,
        })
        .collect();
    let requests: Vec<(&Actor, &TillEntry)> = entries.iter().map(|entry| (actor, entry)).collect();
    let decisions = write_till_entries(txn, &requests).await?;
    Ok(entries
        .iter()
        .zip(decisions)
        .filter(|(_, decision)| matches!(decision, TillDecision::Written(_)))
        .map(|(entry, _)| entry.client_id)
        .collect())
}
