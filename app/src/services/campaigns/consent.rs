//! The consent rule, written once: a client may get an e-mail when the latest answer on the
//! e-mail channel among its files (its own, and the files merged into it, whose answers count
//! for the client they went into) is a yes. The answers are read in one pass, a shop's at a time
//! for a segment or one client's for a message leaving, and decided here in Rust: asked of the
//! database client by client, the same rule took seconds in a shop of 20,000 (BENCHMARKS.md).

use std::collections::{HashMap, HashSet};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::entities::{client, consent_change};
use crate::model::client_file::ConsentChannel;
use crate::model::error::AppError;
use crate::services::db_error;

/// The clients whose latest e-mail answer is a yes.
#[derive(Debug, Default)]
pub(crate) struct Consenting(HashSet<i64>);

impl Consenting {
    pub(crate) fn allows(&self, client_id: i64) -> bool {
        self.0.contains(&client_id)
    }

    /// Decides from `answers` (answer id, the file it was given on, granted) in any order and
    /// `merged` (a merged file, the client it went into).
    fn decide(
        answers: impl IntoIterator<Item = (i64, i64, bool)>,
        merged: impl IntoIterator<Item = (i64, i64)>,
    ) -> Self {
        let merged_into: HashMap<i64, i64> = merged.into_iter().collect();
        let mut latest: HashMap<i64, (i64, bool)> = HashMap::new();
        for (answer_id, file_id, granted) in answers {
            let client_id = merged_into.get(&file_id).copied().unwrap_or(file_id);
            let entry = latest.entry(client_id).or_insert((answer_id, granted));
            if answer_id >= entry.0 {
                *entry = (answer_id, granted);
            }
        }
        Self(
            latest
                .into_iter()
                .filter(|(_, (_, granted))| *granted)
                .map(|(client_id, _)| client_id)
                .collect(),
        )
    }
}

fn email_answers() -> sea_orm::Select<consent_change::Entity> {
    consent_change::Entity::find()
        .select_only()
        .column(consent_change::Column::Id)
        .column(consent_change::Column::ClientId)
        .column(consent_change::Column::Granted)
        .filter(consent_change::Column::Channel.eq(ConsentChannel::Email.code()))
}

fn merged_files(shop_id: i64) -> sea_orm::Select<client::Entity> {
    client::Entity::find()
        .select_only()
        .column(client::Column::Id)
        .column(client::Column::MergedIntoId)
        .filter(client::Column::ShopId.eq(shop_id))
        .filter(client::Column::MergedIntoId.is_not_null())
}

/// The shop's clients who agreed to e-mails, in two reads.
pub(crate) async fn consenting_in_shop(
    db: &impl ConnectionTrait,
    shop_id: i64,
) -> Result<Consenting, AppError> {
    let answers: Vec<(i64, i64, bool)> = email_answers()
        .filter(consent_change::Column::ShopId.eq(shop_id))
        .into_tuple()
        .all(db)
        .await
        .map_err(db_error)?;
    let merged: Vec<(i64, i64)> = merged_files(shop_id)
        .into_tuple()
        .all(db)
        .await
        .map_err(db_error)?;
    Ok(Consenting::decide(answers, merged))
}

/// Whether one client agreed to e-mails, by the same rule.
pub(crate) async fn client_consents(
    db: &impl ConnectionTrait,
    shop_id: i64,
    client_id: i64,
) -> Result<bool, AppError> {
    let merged: Vec<(i64, i64)> = merged_files(shop_id)
        .filter(client::Column::MergedIntoId.eq(client_id))
        .into_tuple()
        .all(db)
        .await
        .map_err(db_error)?;
    let files: Vec<i64> = std::iter::once(client_id)
        .chain(merged.iter().map(|(file_id, _)| *file_id))
        .collect();
    let answers: Vec<(i64, i64, bool)> = email_answers()
        .filter(consent_change::Column::ShopId.eq(shop_id))
        .filter(consent_change::Column::ClientId.is_in(files))
        .into_tuple()
        .all(db)
        .await
        .map_err(db_error)?;
    Ok(Consenting::decide(answers, merged).allows(client_id))
}

#[cfg(test)]
mod tests {
    use super::Consenting;

    #[test]
    fn the_latest_answer_among_a_clients_files_decides() {
        // Client 1 said yes then no; client 2 said no, then yes on a file merged into it;
        // client 3 said yes on its own file after a no on a merged one; client 4 never answered.
        let answers = [
            (10, 1, true),
            (11, 2, false),
            (12, 1, false),
            (13, 20, true),
            (14, 30, false),
            (15, 3, true),
        ];
        let merged = [(20, 2), (30, 3)];
        let consenting = Consenting::decide(answers, merged);
        assert!(!consenting.allows(1));
        assert!(consenting.allows(2));
        assert!(consenting.allows(3));
        assert!(!consenting.allows(4));
        // A merged file is not a client to write to.
        assert!(!consenting.allows(20));
    }

    #[test]
    fn answers_in_any_order_give_the_same_decision() {
        let consenting = Consenting::decide([(15, 3, false), (9, 3, true)], []);
        assert!(!consenting.allows(3));
    }
}
