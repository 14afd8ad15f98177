//! The platform support: accounts made by the command line, living in the platform's own
//! "shop". Support sees the shops and, when a shop or a client asks, exports a client's data or
//! erases the client: identity gone, ledger amounts kept, an audit entry in the shop's log.

use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use super::accounts::auth::create_account;
use super::accounts::passwords::PasswordHasher;
use super::audit::{Actor, AuditRecord};
use super::clients::{erase::erase_in_transaction, search::search_clients};
use super::db::Db;
use super::shop_scope::across_shops;
use super::time::{format_date, shop_zone};
use super::{db_error, existing_page_offset};
use crate::entities::{client, shop};
use crate::model::audit::AuditKind;
use crate::model::auth::{CurrentUser, Role};
use crate::model::client::ClientSearchPage;
use crate::model::error::AppError;
use crate::model::support::{ErasureRequest, SHOPS_PAGE_SIZE, ShopPage, ShopSummary};

const PLATFORM_NAME: &str = "Comptoir — support";

/// Creates a support account (command line only), with the platform's home created the first
/// time.
pub async fn create_support_account(
    db: &Db,
    hasher: &PasswordHasher,
    name: &str,
    email: &str,
    password: &str,
) -> Result<CurrentUser, AppError> {
    let platform = shop::Entity::find()
        .filter(shop::Column::IsPlatform.eq(true))
        .one(db)
        .await
        .map_err(db_error)?;
    create_account(
        db,
        hasher,
        platform.map(|platform| platform.id),
        PLATFORM_NAME,
        name,
        email,
        password,
        Role::Support,
    )
    .await
}

fn support_only(user: &CurrentUser) -> Result<(), AppError> {
    if user.role == Role::Support {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

#[derive(Debug, FromQueryResult)]
struct ClientCount {
    shop_id: i64,
    clients: i64,
}

/// The shops whose name contains `filter` (any case), by name, 50 a page, with their number
/// of clients.
pub async fn shops(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    filter: &str,
    page: u64,
) -> Result<ShopPage, AppError> {
    support_only(user)?;
    let mut query = shop::Entity::find().filter(shop::Column::IsPlatform.eq(false));
    let filter = filter.trim().to_lowercase();
    if !filter.is_empty() {
        let pattern = format!(
            "%{}%",
            filter
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        query = query.filter(
            Expr::expr(Func::lower(Expr::col(shop::Column::Name)))
                .like(LikeExpr::new(pattern).escape('\\')),
        );
    }
    let total = query.clone().count(db).await.map_err(db_error)?;
    let offset = existing_page_offset(page, SHOPS_PAGE_SIZE, total)?;
    let found = query
        .order_by_asc(shop::Column::Name)
        .order_by_asc(shop::Column::Id)
        .offset(offset)
        .limit(SHOPS_PAGE_SIZE)
        .all(db)
        .await
        .map_err(db_error)?;
    let ids: Vec<i64> = found.iter().map(|shop| shop.id).collect();
    let counts: std::collections::HashMap<i64, u64> = client::Entity::find()
        .select_only()
        .column(client::Column::ShopId)
        .column_as(Expr::col(client::Column::Id).count(), "clients")
        .filter(client::Column::ShopId.is_in(ids))
        .filter(client::Column::MergedIntoId.is_null())
        .filter(client::Column::ErasedAt.is_null())
        .group_by(client::Column::ShopId)
        .into_model::<ClientCount>()
        .all(db)
        .await
        .map_err(db_error)?
        .into_iter()
        .map(|count| (count.shop_id, u64::try_from(count.clients).unwrap_or(0)))
        .collect();
    let shops = found
        .into_iter()
        .map(|shop| ShopSummary {
            clients: counts.get(&shop.id).copied().unwrap_or(0),
            created_on: format_date(shop.created_at, shop_zone(&shop.time_zone)),
            id: shop.id,
            name: shop.name,
        })
        .collect();
    Ok(ShopPage { shops, total, page })
}

/// A shop's id from its exact name, for the command line (`comptoir expire --shop`).
pub async fn shop_id_by_name(db: &impl ConnectionTrait, name: &str) -> Result<i64, AppError> {
    shop::Entity::find()
        .filter(shop::Column::Name.eq(name))
        .filter(shop::Column::IsPlatform.eq(false))
        .one(db)
        .await
        .map_err(db_error)?
        .map(|shop| shop.id)
        .ok_or(AppError::NotFound)
}

/// The support account acting in one shop: the shop's rules apply (its clients, its time zone)
/// and the audit entries go to the shop's log under the support account's name.
pub async fn acting_in_shop(
    db: &impl ConnectionTrait,
    support: &Actor,
    shop_id: i64,
) -> Result<Actor, AppError> {
    support_only(support)?;
    let shop = shop::Entity::find_by_id(shop_id)
        .filter(shop::Column::IsPlatform.eq(false))
        .one(db)
        .await
        .map_err(db_error)?
        .ok_or(AppError::NotFound)?;
    Ok(Actor::new(
        CurrentUser {
            shop_id: shop.id,
            shop_name: shop.name,
            time_zone: shop.time_zone,
            country: crate::model::country::Country::from_stored(&shop.country),
            ..support.user.clone()
        },
        support.source.clone(),
    ))
}

/// For a download link that names only the client: the support account acting in its shop.
pub async fn acting_for_client(
    db: &impl ConnectionTrait,
    support: &Actor,
    client_id: i64,
) -> Result<Actor, AppError> {
    support_only(support)?;
    let find_shop = client::Entity::find_by_id(client_id).one(db);
    let shop_id = across_shops(
        "a support download link names the client, not its shop",
        find_shop,
    )
    .await
    .map_err(db_error)?
    .ok_or(AppError::NotFound)?
    .shop_id;
    acting_in_shop(db, support, shop_id).await
}

/// A shop's clients found by name, e-mail or phone, as the shop's own search finds them.
pub async fn shop_clients(
    db: &Db,
    support: &Actor,
    shop_id: i64,
    text: &str,
) -> Result<ClientSearchPage, AppError> {
    let in_shop = acting_in_shop(db, support, shop_id).await?;
    search_clients(db, &in_shop, text).await
}

/// Erases a client on request: names, contact details, notes, consents, tags and groups are
/// removed (from the files merged into it too), a tag or group nobody else carries goes with
/// them, and the audit rows about the client lose their detail (tag names, consent answers).
/// The ledger keeps its entries and amounts, the shop's figures stay right, and the audit log
/// says who erased which file and who asked for it — as a code, never as free text.
pub async fn erase_client(
    db: &Db,
    support: &Actor,
    request: &ErasureRequest,
) -> Result<(), AppError> {
    let reason = request.valid_reason()?;
    let in_shop = acting_in_shop(db, support, request.shop_id).await?;
    let txn = db.begin_write().await?;
    erase_in_transaction(
        &txn,
        in_shop.shop_id,
        request.client_id,
        AuditRecord::by(&in_shop, AuditKind::ClientErased).detail(reason.code()),
    )
    .await?;
    txn.commit().await.map_err(db_error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::{client_note, ledger_entry};
    use crate::model::client_file::NoteForm;
    use crate::model::support::ErasureReason;
    use crate::services::clients::detail::get_client;
    use crate::services::clients::file::add_note;
    use crate::services::clients::labels::tag_client;
    use crate::services::clients::report::client_report;
    use crate::services::ledger::record_transaction;
    use crate::services::test_support::{OWNER_PASSWORD, TestShop, earn};

    async fn support(shop: &TestShop) -> Actor {
        shop.support().await
    }

    #[tokio::test]
    async fn support_sees_shops_but_not_the_platform_and_shops_do_not_see_support() {
        let shop = TestShop::new().await;
        shop.client("Marie", "Curie").await;
        shop.other_shop().await;
        let sam = support(&shop).await;
        let page = shops(&shop.db, &sam, "", 0).await.expect("shops");
        let listed: Vec<(&str, u64)> = page
            .shops
            .iter()
            .map(|shop| (shop.name.as_str(), shop.clients))
            .collect();
        assert_eq!(
            listed,
            vec![("Boulangerie Test", 1), ("Fleuriste Voisin", 0)]
        );
        let filtered = shops(&shop.db, &sam, "FLEUR", 0).await.expect("shops");
        assert_eq!(filtered.total, 1);
        assert_eq!(
            shops(&shop.db, &shop.owner, "", 0).await,
            Err(AppError::Forbidden)
        );
        // A second support account shares the platform's home.
        let second = create_support_account(
            &shop.db,
            &shop.hasher,
            "Alex",
            "alex@comptoir.example",
            OWNER_PASSWORD,
        )
        .await
        .expect("second");
        assert_eq!(second.shop_id, sam.shop_id);
        assert_eq!(shops(&shop.db, &sam, "", 0).await.expect("shops").total, 2);
    }

    #[tokio::test]
    async fn erasing_removes_the_identity_and_keeps_the_amounts() {
        let shop = TestShop::new().await;
        let marie = shop.client("Marie", "Curie").await;
        record_transaction(&shop.db, &shop.owner, &earn(marie.id, "12", "24,50"))
            .await
            .expect("earned");
        add_note(
            &shop.db,
            &shop.owner,
            &NoteForm {
                client_id: marie.id,
                body: "Allergique aux noix".into(),
            },
        )
        .await
        .expect("note");
        tag_client(&shop.db, &shop.owner, marie.id, "VIP")
            .await
            .expect("tagged");
        let sam = support(&shop).await;
        let found = shop_clients(&shop.db, &sam, shop.owner.shop_id, "curie")
            .await
            .expect("found");
        assert_eq!(found.rows[0].id, marie.id);
        let in_shop = acting_in_shop(&shop.db, &sam, shop.owner.shop_id)
            .await
            .expect("in shop");
        let report = client_report(&shop.db, &in_shop, marie.id)
            .await
            .expect("report");
        assert_eq!(report.client.details.last_name, "Curie");

        let request = ErasureRequest {
            shop_id: shop.owner.shop_id,
            client_id: marie.id,
            reason: Some(ErasureReason::ClientRequest),
        };
        assert_eq!(
            erase_client(&shop.db, &shop.owner, &request).await,
            Err(AppError::Forbidden)
        );
        erase_client(&shop.db, &sam, &request)
            .await
            .expect("erased");

        let row = client::Entity::find_by_id(marie.id)
            .one(&shop.db)
            .await
            .expect("read")
            .expect("row kept");
        assert_eq!(
            (
                row.first_name.as_str(),
                row.last_name.as_str(),
                row.email.as_str()
            ),
            ("", "", "")
        );
        assert!(row.erased_at.is_some());
        assert_eq!(row.points_balance, 12);
        let entries = ledger_entry::Entity::find()
            .filter(ledger_entry::Column::ClientId.eq(marie.id))
            .all(&shop.db)
            .await
            .expect("entries");
        assert_eq!(entries[0].amount_cents, Some(2450));
        assert_eq!(
            client_note::Entity::find()
                .count(&shop.db)
                .await
                .expect("notes"),
            0
        );
        // Gone from the shop's list, search and pages; erasing twice finds nothing.
        assert_eq!(
            search_clients(&shop.db, &shop.owner, "curie")
                .await
                .expect("search")
                .total,
            0
        );
        assert_eq!(
            search_clients(&shop.db, &shop.owner, "")
                .await
                .expect("list")
                .total,
            0
        );
        assert_eq!(
            get_client(&shop.db, &shop.owner, marie.id).await,
            Err(AppError::NotFound)
        );
        assert_eq!(
            erase_client(&shop.db, &sam, &request).await,
            Err(AppError::NotFound)
        );
        let audit = crate::entities::audit_event::Entity::find()
            .filter(crate::entities::audit_event::Column::Kind.eq(AuditKind::ClientErased.code()))
            .one(&shop.db)
            .await
            .expect("audit")
            .expect("written");
        assert_eq!(audit.shop_id, Some(shop.owner.shop_id));
        assert_eq!(audit.user_id, Some(sam.user_id));
        assert_eq!(audit.detail, "client_request");
    }

    #[tokio::test]
    async fn an_erasure_needs_a_reason_and_a_client_of_that_shop() {
        let shop = TestShop::new().await;
        let marie = shop.client("Marie", "Curie").await;
        let other = shop.other_shop().await;
        let sam = support(&shop).await;
        let mut request = ErasureRequest {
            shop_id: other.shop_id,
            client_id: marie.id,
            reason: Some(ErasureReason::ShopRequest),
        };
        assert_eq!(
            erase_client(&shop.db, &sam, &request).await,
            Err(AppError::NotFound)
        );
        request.shop_id = shop.owner.shop_id;
        request.reason = None;
        assert_eq!(
            erase_client(&shop.db, &sam, &request).await,
            Err(AppError::invalid(
                "reason",
                crate::model::error::FieldProblem::Required
            ))
        );
        assert_eq!(
            search_clients(&shop.db, &shop.owner, "")
                .await
                .expect("list")
                .total,
            1
        );
    }

    /// Every text value of every column of every table (read from the schema), lower-cased.
    async fn every_stored_text(db: &Db) -> Vec<(String, String, String)> {
        use sea_orm::{DbBackend, Statement};
        let tables: Vec<String> = db
            .query_all_raw(Statement::from_string(
                DbBackend::Sqlite,
                "SELECT name FROM sqlite_master WHERE type = 'table'",
            ))
            .await
            .expect("tables")
            .iter()
            .map(|row| row.try_get::<String>("", "name").expect("name"))
            .collect();
        assert!(tables.iter().any(|table| table == "audit_events"));
        let mut found = Vec::new();
        for table in tables {
            let columns: Vec<String> = db
                .query_all_raw(Statement::from_string(
                    DbBackend::Sqlite,
                    format!("PRAGMA table_info(\"{table}\")"),
                ))
                .await
                .expect("columns")
                .iter()
                .map(|row| row.try_get::<String>("", "name").expect("column"))
                .collect();
            for column in columns {
                let values = db
                    .query_all_raw(Statement::from_string(
                        DbBackend::Sqlite,
                        format!(
                            "SELECT lower(CAST(\"{column}\" AS TEXT)) AS value \
                             FROM \"{table}\" WHERE \"{column}\" IS NOT NULL"
                        ),
                    ))
                    .await
                    .expect("values");
                for row in values {
                    if let Ok(value) = row.try_get::<String>("", "value") {
                        found.push((table.clone(), column.clone(), value));
                    }
                }
            }
        }
        found
    }

    #[tokio::test]
    async fn after_an_erasure_no_table_holds_anything_the_client_or_the_shop_wrote_about_them() {
        use crate::model::client::ClientForm;
        use crate::model::client_file::{ConsentSource, ConsentUpdate};
        use crate::services::clients::edit::{SharedPhone, create_client, update_client};
        use crate::services::clients::file::update_consents;
        use crate::services::clients::labels::{create_group, set_client_groups};
        use crate::services::clients::merge::merge_clients;

        let shop = TestShop::new().await;
        let form = ClientForm {
            civility: "mme".into(),
            first_name: "Zéphyrine".into(),
            last_name: "Quaglinorex".into(),
            email: "zephyrine.quaglinorex@exemple.fr".into(),
            phone: "06 98 76 54 31".into(),
            address: "17 impasse Xylophagie".into(),
            postal_code: "29870".into(),
            city: "Kerbrunoc".into(),
            country: String::new(),
            birth_date: "1981-03-14".into(),
            note: "Préfère les Vorpalines".into(),
        };
        let kept = create_client(&shop.db, &shop.owner, &form, SharedPhone::Refuse)
            .await
            .expect("kept");
        let old_file = ClientForm {
            first_name: "Zéphy".into(),
            email: "zq.ancienne@oublimail.fr".into(),
            phone: "07 12 34 56 79".into(),
            note: "Ancienne fiche Brumaflore".into(),
            ..form.clone()
        };
        let old = create_client(&shop.db, &shop.owner, &old_file, SharedPhone::Refuse)
            .await
            .expect("old file");
        add_note(
            &shop.db,
            &shop.owner,
            &NoteForm {
                client_id: old.id,
                body: "Note de la fiche Grimoulette".into(),
            },
        )
        .await
        .expect("note on the old file");
        tag_client(&shop.db, &shop.owner, old.id, "Tag Ombrelune")
            .await
            .expect("tag on the old file");
        merge_clients(&shop.db, &shop.owner, kept.id, old.id)
            .await
            .expect("merged");
        update_client(
            &shop.db,
            &shop.owner,
            kept.id,
            &ClientForm {
                city: "Kerbrunoc-Plage".into(),
                ..form.clone()
            },
        )
        .await
        .expect("edited");
        record_transaction(&shop.db, &shop.owner, &earn(kept.id, "12", "24,50"))
            .await
            .expect("earned");
        add_note(
            &shop.db,
            &shop.owner,
            &NoteForm {
                client_id: kept.id,
                body: "Allergique aux Falbalix".into(),
            },
        )
        .await
        .expect("note");
        update_consents(
            &shop.db,
            &shop.owner,
            &ConsentUpdate {
                client_id: kept.id,
                email: true,
                sms: true,
                source: ConsentSource::Verbal,
            },
        )
        .await
        .expect("consents");
        tag_client(&shop.db, &shop.owner, kept.id, "Allergie Pistachivore")
            .await
            .expect("own tag");
        let group = create_group(&shop.db, &shop.owner, "Groupe Mordorelle")
            .await
            .expect("group");
        set_client_groups(&shop.db, &shop.owner, kept.id, &[group.id])
            .await
            .expect("grouped");
        // A tag another client has too stays as the shop's own word.
        let other = shop.client("Paul", "Martin").await;
        tag_client(&shop.db, &shop.owner, other.id, "Habitué")
            .await
            .expect("shared tag");
        tag_client(&shop.db, &shop.owner, kept.id, "Habitué")
            .await
            .expect("shared tag");
        let sam = support(&shop).await;
        let in_shop = acting_in_shop(&shop.db, &sam, shop.owner.shop_id)
            .await
            .expect("in shop");
        client_report(&shop.db, &in_shop, kept.id)
            .await
            .expect("exported");

        erase_client(
            &shop.db,
            &sam,
            &ErasureRequest {
                shop_id: shop.owner.shop_id,
                client_id: kept.id,
                reason: Some(ErasureReason::ClientRequest),
            },
        )
        .await
        .expect("erased");

        let stored = every_stored_text(&shop.db).await;
        for erased_value in [
            "zéphyrine",
            "zephyrine",
            "zéphy",
            "quaglinorex",
            "oublimail",
            "98 76 54 31",
            "698765431",
            "12 34 56 79",
            "712345679",
            "xylophagie",
            "29870",
            "kerbrunoc",
            "1981-03-14",
            "vorpalines",
            "brumaflore",
            "grimoulette",
            "falbalix",
            "ombrelune",
            "pistachivore",
            "mordorelle",
        ] {
            let left: Vec<_> = stored
                .iter()
                .filter(|(_, _, value)| value.contains(erased_value))
                .collect();
            assert!(left.is_empty(), "{erased_value} is still stored: {left:?}");
        }
        // Consents are the client's data too.
        assert_eq!(
            crate::entities::consent_change::Entity::find()
                .count(&shop.db)
                .await
                .expect("consents"),
            0
        );
        // What stays: the shared tag, the amounts, the fact of the erasure and who asked.
        assert!(
            stored
                .iter()
                .any(|(table, _, value)| table == "labels" && value == "habitué")
        );
        let entries = ledger_entry::Entity::find()
            .filter(ledger_entry::Column::ClientId.eq(kept.id))
            .all(&shop.db)
            .await
            .expect("entries");
        assert!(entries.iter().any(|entry| entry.amount_cents == Some(2450)));
        let erasure = crate::entities::audit_event::Entity::find()
            .filter(crate::entities::audit_event::Column::Kind.eq(AuditKind::ClientErased.code()))
            .one(&shop.db)
            .await
            .expect("audit")
            .expect("erasure kept");
        assert_eq!(
            (erasure.client_id, erasure.user_id, erasure.detail.as_str()),
            (Some(kept.id), Some(sam.user_id), "client_request")
        );
        assert!(
            crate::entities::audit_event::Entity::find()
                .filter(crate::entities::audit_event::Column::ClientId.eq(kept.id))
                .count(&shop.db)
                .await
                .expect("audit rows")
                > 5,
            "the history of what was done stays, without its detail"
        );
    }

    #[tokio::test]
    async fn the_audit_log_can_be_blanked_but_never_rewritten_nor_deleted() {
        use sea_orm::{DbBackend, Statement};
        let shop = TestShop::new().await;
        let marie = shop.client("Marie", "Curie").await;
        tag_client(&shop.db, &shop.owner, marie.id, "VIP")
            .await
            .expect("tagged");
        let run = |sql: &str| {
            shop.db
                .execute_raw(Statement::from_string(DbBackend::Sqlite, sql.to_owned()))
        };
        assert!(
            run("UPDATE audit_events SET detail = 'autre chose'")
                .await
                .is_err()
        );
        assert!(
            run("UPDATE audit_events SET kind = 'logout', detail = ''")
                .await
                .is_err()
        );
        assert!(
            run("UPDATE audit_events SET user_id = NULL, detail = ''")
                .await
                .is_err()
        );
        assert!(run("DELETE FROM audit_events").await.is_err());
        run("UPDATE audit_events SET detail = ''")
            .await
            .expect("blanked");
    }

    #[tokio::test]
    async fn sqlite_files_overwrite_deleted_data() {
        use sea_orm::{DbBackend, Statement};
        let path =
            std::env::temp_dir().join(format!("comptoir-secure-delete-{}.db", std::process::id()));
        let db = crate::services::db::connect(&format!("sqlite://{}?mode=rwc", path.display()))
            .await
            .expect("connect");
        let row = db
            .query_one_raw(Statement::from_string(
                DbBackend::Sqlite,
                "PRAGMA secure_delete",
            ))
            .await
            .expect("pragma")
            .expect("row");
        let secure_delete: i64 = row.try_get_by_index(0).expect("value");
        db.connection().clone().close().await.expect("closed");
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        assert_eq!(secure_delete, 1);
    }
}
