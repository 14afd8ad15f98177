//! The till's offline side: the clients a device keeps (no notes, no history), the changes that
//! keep them fresh, their search, and the transactions made offline that wait to be sent.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::cards::card_in;
use super::client::ClientRow;
use super::error::AppError;
use super::ledger::TransactionForm;
use super::search::{Searched, search_prefixes, search_terms, terms_match};

/// Most clients a device keeps: the most recently changed (a visit changes a client). 20,000
/// clients take about 8 MB in IndexedDB and 20 MB of the page's memory (BENCHMARKS.md).
pub const DEVICE_CLIENTS_MAX: usize = 20_000;
/// Clients per answer of a sync.
pub const SYNC_PAGE_SIZE: u64 = 1_000;
/// Results shown for a search, as online.
pub const DEVICE_RESULTS: usize = 50;

/// Where a device's copy stands: every change up to this moment (and this id, at the same
/// moment) is on the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SyncCursor {
    pub changed_at: DateTime<Utc>,
    pub id: i64,
}

/// A client as a device keeps it: the list's row, and what a search and a card scan need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceClient {
    pub row: ClientRow,
    /// As stored (`+33612345678`): the row holds the shown form.
    pub phone: Option<String>,
    /// The member card in use, if any.
    pub card_token: Option<String>,
    pub changed_at: DateTime<Utc>,
}

impl DeviceClient {
    fn terms(&self) -> Vec<String> {
        search_terms(Searched {
            first_name: &self.row.first_name,
            last_name: &self.row.last_name,
            email: &self.row.email,
            phone: self.phone.as_deref(),
            postal_code: self.row.postal_code.as_deref(),
            city: self.row.city.as_deref(),
        })
        .into_iter()
        .collect()
    }
}

/// One answer of a sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientChanges {
    /// Clients added or changed since the cursor.
    pub clients: Vec<DeviceClient>,
    /// Files erased or merged into another since the cursor: to forget.
    pub gone: Vec<i64>,
    /// What to ask from next time.
    pub next: SyncCursor,
    /// More changes wait: ask again at once.
    pub more: bool,
    /// The shop has more clients than a device keeps: a search offline may miss one.
    pub partial: bool,
}

/// The device's clients, searchable the way the server searches.
#[derive(Debug, Default)]
pub struct DeviceClients {
    entries: HashMap<i64, (DeviceClient, Vec<String>)>,
}

impl DeviceClients {
    pub fn new(clients: impl IntoIterator<Item = DeviceClient>) -> Self {
        let mut kept = Self::default();
        for client in clients {
            kept.put(client);
        }
        kept
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn get(&self, id: i64) -> Option<&DeviceClient> {
        self.entries.get(&id).map(|(client, _)| client)
    }

    pub fn put(&mut self, client: DeviceClient) {
        let terms = client.terms();
        self.entries.insert(client.row.id, (client, terms));
    }

    pub fn forget(&mut self, id: i64) {
        self.entries.remove(&id);
    }

    /// Takes a sync's answer in; returns the ids dropped beyond [`DEVICE_CLIENTS_MAX`] (the least
    /// recently changed), which the device's storage forgets too.
    pub fn apply(&mut self, changes: &ClientChanges) -> Vec<i64> {
        for id in &changes.gone {
            self.forget(*id);
        }
        for client in &changes.clients {
            self.put(client.clone());
        }
        let excess = self.entries.len().saturating_sub(DEVICE_CLIENTS_MAX);
        if excess == 0 {
            return Vec::new();
        }
        let mut oldest: Vec<(DateTime<Utc>, i64)> = self
            .entries
            .values()
            .map(|(client, _)| (client.changed_at, client.row.id))
            .collect();
        oldest.sort_unstable();
        let dropped: Vec<i64> = oldest.into_iter().take(excess).map(|(_, id)| id).collect();
        for id in &dropped {
            self.forget(*id);
        }
        dropped
    }

    /// What the search box finds: the card's client for a card typed or scanned, else the
    /// clients every word (or the phone's digits) starts a term of, by name, at most `limit`.
    pub fn search(&self, text: &str, limit: usize) -> Vec<&DeviceClient> {
        if let Some(card) = card_in(text) {
            let holder = self
                .entries
                .values()
                .map(|(client, _)| client)
                .find(|client| client.card_token.as_deref() == Some(card.token.as_str()));
            if holder.is_some() || card.scanned {
                return holder.into_iter().collect();
            }
        }
        let prefixes = search_prefixes(text);
        let mut found: Vec<&DeviceClient> = self
            .entries
            .values()
            .filter(|(_, terms)| terms_match(terms, &prefixes))
            .map(|(client, _)| client)
            .collect();
        found.sort_by(|a, b| {
            (&a.row.last_name, &a.row.first_name, a.row.id).cmp(&(
                &b.row.last_name,
                &b.row.first_name,
                b.row.id,
            ))
        });
        found.truncate(limit);
        found
    }
}

/// What a transaction made at the till does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum WaitingKind {
    /// Points earned, as the form was filled (the server applies the programme's rule).
    Earn(TransactionForm),
    /// Points used.
    Redeem { points: i64 },
}

/// A transaction made at the till and not yet recorded by the server: kept on the device with
/// the key made at the tap, so sending it again records it once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitingTransaction {
    pub idempotency_key: Uuid,
    pub client_id: i64,
    pub client_name: String,
    pub kind: WaitingKind,
    /// The change of balance as the device expects it (negative for a use): provisional.
    pub points: i64,
    pub made_at: DateTime<Utc>,
}

/// A waiting transaction the server refused when it was sent: staff see it with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefusedTransaction {
    pub transaction: WaitingTransaction,
    pub reason: AppError,
    pub refused_at: DateTime<Utc>,
}

/// How a send of a waiting transaction ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendOutcome {
    Recorded,
    /// The server said no for good: to the "À traiter" list.
    Refused,
    /// Not sent (no network, the server down, the session ended): to try again later.
    Later,
}

impl SendOutcome {
    pub fn of(answer: &Result<(), AppError>) -> Self {
        match answer {
            Ok(()) => Self::Recorded,
            Err(AppError::Communication(_) | AppError::Internal | AppError::Unauthenticated) => {
                Self::Later
            }
            Err(_) => Self::Refused,
        }
    }
}

/// The balance the device knows: the server's last, with what waits to be sent.
pub fn provisional_balance(client: &ClientRow, waiting: &[WaitingTransaction]) -> i64 {
    client.points_balance
        + waiting
            .iter()
            .filter(|transaction| transaction.client_id == client.id)
            .map(|transaction| transaction.points)
            .sum::<i64>()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::model::client::Civility;
    use crate::model::country::Country;

    fn client(id: i64, first: &str, last: &str, minute: u32) -> DeviceClient {
        DeviceClient {
            row: ClientRow {
                id,
                civility: Civility::Unspecified,
                first_name: first.into(),
                last_name: last.into(),
                email: String::new(),
                phone: None,
                postal_code: None,
                city: None,
                country: Country::default(),
                points_balance: 0,
                credit_cents: 0,
                last_visit: None,
                labels: Vec::new(),
                waiting_reward: None,
            },
            phone: Some(format!("+3361234{id:04}")),
            card_token: (id == 2).then(|| "0123456789abcdefghjk".into()),
            changed_at: Utc.with_ymd_and_hms(2026, 12, 1, 10, minute, 0).unwrap(),
        }
    }

    #[test]
    fn a_search_finds_by_name_phone_and_card_in_name_order() {
        let kept = DeviceClients::new([
            client(1, "Zoé", "Martin", 0),
            client(2, "Anne", "Martin", 1),
            client(3, "Hélène", "Dupont", 2),
        ]);
        let ids = |text: &str| -> Vec<i64> {
            kept.search(text, DEVICE_RESULTS)
                .iter()
                .map(|c| c.row.id)
                .collect()
        };
        assert_eq!(ids("mart"), [2, 1]);
        assert_eq!(ids("helene"), [3]);
        assert_eq!(ids("06 12 34 00 03"), [3]);
        assert_eq!(ids("01234 56789 abcde fghjk"), [2]);
        assert!(ids("durand").is_empty());
    }

    #[test]
    fn changes_replace_forget_and_keep_the_most_recent() {
        let mut kept = DeviceClients::new(
            (0..DEVICE_CLIENTS_MAX as i64).map(|id| client(id + 10, "A", "B", 0)),
        );
        let changes = ClientChanges {
            clients: vec![
                client(1, "Zoé", "Martin", 5),
                client(2, "Anne", "Martin", 5),
            ],
            gone: vec![10],
            next: SyncCursor {
                changed_at: Utc::now(),
                id: 0,
            },
            more: false,
            partial: true,
        };
        let dropped = kept.apply(&changes);
        assert_eq!(kept.len(), DEVICE_CLIENTS_MAX);
        assert_eq!(dropped.len(), 1);
        assert!(kept.get(10).is_none() && kept.get(1).is_some());
        assert!(kept.get(dropped[0]).is_none());
    }

    #[test]
    fn only_a_refusal_leaves_the_outbox_for_staff() {
        assert_eq!(SendOutcome::of(&Ok(())), SendOutcome::Recorded);
        assert_eq!(
            SendOutcome::of(&Err(AppError::Communication("offline".into()))),
            SendOutcome::Later
        );
        assert_eq!(
            SendOutcome::of(&Err(AppError::InsufficientBalance)),
            SendOutcome::Refused
        );
    }
}
