//! The changes a till device asks for to keep its copy of the shop's clients: clients changed
//! since its cursor (their list row, stored phone and card in use) and the files to forget
//! (erased, merged). Notes and history never leave the server this way.

use std::collections::HashMap;

use chrono::{Duration, Utc};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::lookup::{active_clients, count_at_most};
use super::search::listed_rows;
use crate::entities::{client, member_card};
use crate::model::auth::CurrentUser;
use crate::model::error::AppError;
use crate::model::offline::{
    ClientChanges, DEVICE_CLIENTS_MAX, DeviceClient, SYNC_PAGE_SIZE, SyncCursor,
};
use crate::services::db::Db;
use crate::services::db_error;

/// Changes committed this long after their moment are still seen: a write's `updated_at` is
/// taken before its transaction commits, and several app servers' clocks differ a little.
const LATE_COMMIT: Duration = Duration::seconds(10);

/// The clients changed at or after `since`, oldest change first; without a cursor, the device's
/// first copy: the [`DEVICE_CLIENTS_MAX`] most recently changed clients.
pub async fn client_changes(
    db: &Db,
    user: &CurrentUser,
    since: Option<SyncCursor>,
) -> Result<ClientChanges, AppError> {
    let limits = Limits {
        kept: DEVICE_CLIENTS_MAX as u64,
        page: SYNC_PAGE_SIZE,
    };
    changes_within(db, user, since, limits).await
}

/// How many clients a device keeps, and sends per answer.
#[derive(Debug, Clone, Copy)]
struct Limits {
    kept: u64,
    page: u64,
}

async fn changes_within(
    db: &Db,
    user: &CurrentUser,
    since: Option<SyncCursor>,
    limits: Limits,
) -> Result<ClientChanges, AppError> {
    let shop_id = user.shop_id;
    let since = match since {
        Some(cursor) => cursor,
        None => first_cursor(db, shop_id, limits.kept).await?,
    };
    let rows = client::Entity::find()
        .filter(client::Column::ShopId.eq(shop_id))
        .filter(
            Condition::any()
                .add(client::Column::UpdatedAt.gt(since.changed_at))
                .add(
                    Condition::all()
                        .add(client::Column::UpdatedAt.eq(since.changed_at))
                        .add(client::Column::Id.gte(since.id)),
                ),
        )
        .order_by_asc(client::Column::UpdatedAt)
        .order_by_asc(client::Column::Id)
        .limit(limits.page)
        .all(db)
        .await
        .map_err(db_error)?;
    let more = rows.len() as u64 == limits.page;
    let after_last = rows.last().map(|last| SyncCursor {
        changed_at: last.updated_at,
        id: last.id + 1,
    });
    let settled = SyncCursor {
        changed_at: Utc::now() - LATE_COMMIT,
        id: 0,
    };
    let next = match (more, after_last) {
        (true, Some(after_last)) => after_last,
        // Caught up: the last moments are asked again next time, in case a write of theirs
        // commits late.
        (_, after_last) => after_last.unwrap_or(since).min(settled),
    };
    let (active, gone): (Vec<client::Model>, Vec<client::Model>) = rows
        .into_iter()
        .partition(|row| row.merged_into_id.is_none() && row.erased_at.is_none());
    let kept_count = count_at_most(db, active_clients(shop_id), limits.kept + 1).await?;
    Ok(ClientChanges {
        clients: device_clients(db, user, active).await?,
        gone: gone.into_iter().map(|row| row.id).collect(),
        next,
        more,
        partial: kept_count > limits.kept,
    })
}

/// Where a device's first copy starts: the `kept`-th most recently changed client, or the
/// beginning for a smaller shop.
async fn first_cursor(db: &Db, shop_id: i64, kept: u64) -> Result<SyncCursor, AppError> {
    let oldest_kept = active_clients(shop_id)
        .order_by_desc(client::Column::UpdatedAt)
        .order_by_desc(client::Column::Id)
        .offset(kept.saturating_sub(1))
        .one(db)
        .await
        .map_err(db_error)?;
    Ok(oldest_kept.map_or(
        SyncCursor {
            changed_at: chrono::DateTime::UNIX_EPOCH,
            id: 0,
        },
        |row| SyncCursor {
            changed_at: row.updated_at,
            id: row.id,
        },
    ))
}

async fn device_clients(
    db: &Db,
    user: &CurrentUser,
    rows: Vec<client::Model>,
) -> Result<Vec<DeviceClient>, AppError> {
    let listed = listed_rows(db, user, &rows).await?;
    let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    let mut cards: HashMap<i64, String> = if ids.is_empty() {
        HashMap::new()
    } else {
        member_card::Entity::find()
            .filter(member_card::Column::ShopId.eq(user.shop_id))
            .filter(member_card::Column::ClientId.is_in(ids))
            .filter(member_card::Column::ReplacedAt.is_null())
            .all(db)
            .await
            .map_err(db_error)?
            .into_iter()
            .map(|card| (card.client_id, card.token))
            .collect()
    };
    Ok(rows
        .into_iter()
        .zip(listed)
        .map(|(row, listed)| DeviceClient {
            card_token: cards.remove(&row.id),
            row: listed,
            phone: row.phone,
            changed_at: row.updated_at,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use chrono::Duration;
    use sea_orm::sea_query::Expr;

    use super::*;
    use crate::model::client::ClientQuery;
    use crate::model::offline::DeviceClients;
    use crate::services::clients::edit::{SharedPhone, create_client};
    use crate::services::clients::labels::tag_client;
    use crate::services::clients::merge::merge_clients;
    use crate::services::clients::search::list_clients;
    use crate::services::ledger::record_transaction;
    use crate::services::test_support::{TestShop, client_form, earn};

    /// Every client last changed an hour ago: a cursor after them is settled, and what a test
    /// changes next is all a sync sends.
    async fn an_hour_ago(shop: &TestShop) {
        client::Entity::update_many()
            .col_expr(
                client::Column::UpdatedAt,
                Expr::value(Utc::now() - Duration::hours(1)),
            )
            .exec(&shop.db)
            .await
            .expect("aged");
    }

    fn ids(changes: &ClientChanges) -> Vec<i64> {
        let mut ids: Vec<i64> = changes.clients.iter().map(|client| client.row.id).collect();
        ids.sort_unstable();
        ids
    }

    #[tokio::test]
    async fn a_device_gets_every_client_then_what_changed_since() {
        let shop = TestShop::new().await;
        let user = &shop.owner.user;
        let anne = shop.client("Anne", "Martin").await;
        let bruno = shop.client("Bruno", "Petit").await;
        let chloe = shop.client("Chloé", "Roux").await;
        an_hour_ago(&shop).await;
        let first = client_changes(&shop.db, user, None).await.unwrap();
        assert_eq!(ids(&first), [anne.id, bruno.id, chloe.id]);
        assert!(!first.more && !first.partial && first.gone.is_empty());
        let quiet = client_changes(&shop.db, user, Some(first.next))
            .await
            .unwrap();
        assert!(quiet.clients.is_empty(), "nothing changed: {quiet:?}");

        record_transaction(&shop.db, &shop.owner, &earn(anne.id, "7", ""))
            .await
            .unwrap();
        tag_client(&shop.db, &shop.owner, bruno.id, "VIP")
            .await
            .unwrap();
        let changed = client_changes(&shop.db, user, Some(quiet.next))
            .await
            .unwrap();
        assert_eq!(ids(&changed), [anne.id, bruno.id]);
        let anne_now = changed
            .clients
            .iter()
            .find(|c| c.row.id == anne.id)
            .unwrap();
        assert_eq!(anne_now.row.points_balance, 7);
        let bruno_now = changed
            .clients
            .iter()
            .find(|c| c.row.id == bruno.id)
            .unwrap();
        assert_eq!(bruno_now.row.labels[0].name, "VIP");
        assert_eq!(bruno_now.phone, None);

        an_hour_ago(&shop).await;
        let settled = client_changes(&shop.db, user, None).await.unwrap();
        merge_clients(&shop.db, &shop.owner, anne.id, chloe.id)
            .await
            .unwrap();
        let merged = client_changes(&shop.db, user, Some(settled.next))
            .await
            .unwrap();
        assert_eq!(merged.gone, [chloe.id]);
        assert_eq!(ids(&merged), [anne.id]);
    }

    #[tokio::test]
    async fn changes_come_in_pages_and_a_device_keeps_the_most_recent() {
        let shop = TestShop::new().await;
        let user = &shop.owner.user;
        let mut made = Vec::new();
        for name in ["Anne", "Bruno", "Chloé", "David", "Emma"] {
            made.push(shop.client(name, "Martin").await.id);
        }
        let limits = Limits { kept: 3, page: 2 };
        let mut seen = Vec::new();
        let mut since = None;
        loop {
            let page = changes_within(&shop.db, user, since, limits).await.unwrap();
            assert!(page.partial, "5 clients, 3 kept");
            assert!(page.clients.len() <= 2);
            seen.extend(page.clients.iter().map(|client| client.row.id));
            since = Some(page.next);
            if !page.more {
                break;
            }
        }
        // The three most recently changed, each once.
        assert_eq!(seen, made[2..]);
    }

    #[tokio::test]
    async fn another_shops_clients_never_reach_a_device() {
        let shop = TestShop::new().await;
        shop.client("Anne", "Martin").await;
        let other = shop.other_shop().await;
        let changes = client_changes(&shop.db, &other.user, None).await.unwrap();
        assert!(changes.clients.is_empty() && changes.gone.is_empty());
    }

    /// The device searches its copy with the server's rules: for each query, the same clients.
    #[tokio::test]
    async fn a_device_finds_the_clients_the_server_finds() {
        let shop = TestShop::new().await;
        let corpus = [
            ("Hélène", "Dupont", "06 12 34 56 78", "75011", "Paris"),
            ("Helene", "Du Pont", "06 98 76 54 32", "69003", "Lyon"),
            (
                "Jean-Pierre",
                "Le Gall",
                "+32 470 12 34 56",
                "29200",
                "Brest",
            ),
            ("Zoé", "Lefèvre", "07 11 22 33 44", "75020", "Paris"),
            ("Œdipe", "Mårtensson", "", "L-1234", "Luxembourg"),
            ("Anne", "O'Brien", "06 12 99 00 11", "13001", "Marseille"),
        ];
        for (first, last, phone, postal_code, city) in corpus {
            let mut form = client_form(first, last);
            form.email = format!("{}.{}@exemple.fr", first.len(), last.len());
            form.phone = phone.into();
            form.postal_code = postal_code.into();
            form.city = city.into();
            if postal_code.starts_with("L-") {
                form.country = "LU".into();
            }
            create_client(&shop.db, &shop.owner, &form, SharedPhone::Refuse)
                .await
                .unwrap();
        }
        let changes = client_changes(&shop.db, &shop.owner.user, None)
            .await
            .unwrap();
        let device = DeviceClients::new(changes.clients);
        for query in [
            "helene",
            "hélène dup",
            "dupont",
            "du pont",
            "legall",
            "le gall",
            "jean pierre",
            "0612",
            "06 12 34",
            "+33 6 12",
            "0470",
            "+32 470",
            "750",
            "paris",
            "l-1234",
            "1234",
            "oedipe",
            "martensson",
            "obrien",
            "o brien",
            "zoe lef",
            "exemple",
            "lyon 69",
            "x",
        ] {
            let online = list_clients(
                &shop.db,
                &shop.owner.user,
                &ClientQuery {
                    text: query.into(),
                    ..ClientQuery::default()
                },
            )
            .await
            .unwrap();
            let mut online: Vec<i64> = online.rows.iter().map(|row| row.id).collect();
            let mut offline: Vec<i64> = device
                .search(query, 50)
                .iter()
                .map(|client| client.row.id)
                .collect();
            online.sort_unstable();
            offline.sort_unstable();
            assert_eq!(
                online.is_empty(),
                query == "x",
                "the corpus answers {query}"
            );
            assert_eq!(offline, online, "{query}");
        }
    }
}
