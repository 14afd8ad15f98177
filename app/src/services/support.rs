//! The platform support: accounts made by the command line, living in the platform's own
//! "shop". Support sees the shops and, when a shop or a client asks, exports a client's data or
//! erases the client: identity gone, ledger amounts kept, an audit entry in the shop's log.

use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};

use super::audit::{self, Actor, AuditRecord};
use super::auth::create_account;
use super::clients::{
    lookup::{active_clients, file_ids},
    search::search_clients,
};
use super::db::Db;
use super::passwords::PasswordHasher;
use super::time::{format_date, shop_zone};
use super::{db_error, page_offset};
use crate::entities::{client, client_label, client_note, client_search_term, shop};
use crate::model::audit::AuditKind;
use crate::model::auth::{CurrentUser, Role};
use crate::model::client::{Civility, ClientSearchPage};
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
    let offset = page_offset(page, SHOPS_PAGE_SIZE)?;
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
    let shop_id = client::Entity::find_by_id(client_id)
        .one(db)
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

/// Erases a client on request: names, contact details, notes, tags and groups are removed
/// (from the files merged into it too); the ledger keeps its entries and amounts, the shop's
/// figures stay right, and the audit log says who erased which file and why.
pub async fn erase_client(
    db: &Db,
    support: &Actor,
    request: &ErasureRequest,
) -> Result<(), AppError> {
    let reason = request.valid_reason()?;
    let in_shop = acting_in_shop(db, support, request.shop_id).await?;
    let txn = db.begin_write().await?;
    let erased = active_clients(in_shop.shop_id)
        .filter(client::Column::Id.eq(request.client_id))
        .one(&txn)
        .await
        .map_err(db_error)?
        .ok_or(AppError::NotFound)?;
    let now = Utc::now();
    for file_id in file_ids(&txn, erased.id).await? {
        let file = client::Entity::find_by_id(file_id)
            .one(&txn)
            .await
            .map_err(db_error)?
            .ok_or(AppError::NotFound)?;
        let mut anonymous: client::ActiveModel = file.into();
        anonymous.civility = Set(Civility::Unspecified.code().to_owned());
        anonymous.first_name = Set(String::new());
        anonymous.last_name = Set(String::new());
        anonymous.email = Set(String::new());
        anonymous.phone = Set(None);
        anonymous.address = Set(None);
        anonymous.postal_code = Set(None);
        anonymous.city = Set(None);
        anonymous.birth_date = Set(None);
        anonymous.note = Set(None);
        anonymous.erased_at = Set(Some(now));
        anonymous.updated_at = Set(now);
        anonymous.update(&txn).await.map_err(db_error)?;
        client_search_term::Entity::delete_many()
            .filter(client_search_term::Column::ClientId.eq(file_id))
            .exec(&txn)
            .await
            .map_err(db_error)?;
        client_note::Entity::delete_many()
            .filter(client_note::Column::ClientId.eq(file_id))
            .exec(&txn)
            .await
            .map_err(db_error)?;
        client_label::Entity::delete_many()
            .filter(client_label::Column::ClientId.eq(file_id))
            .exec(&txn)
            .await
            .map_err(db_error)?;
    }
    audit::write(
        &txn,
        AuditRecord::by(&in_shop, AuditKind::ClientErased)
            .client(erased.id)
            .detail(reason),
    )
    .await?;
    txn.commit().await.map_err(db_error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::ledger_entry;
    use crate::model::client_file::NoteForm;
    use crate::services::clients::detail::get_client;
    use crate::services::clients::file::add_note;
    use crate::services::clients::labels::tag_client;
    use crate::services::clients::report::client_report;
    use crate::services::ledger::record_transaction;
    use crate::services::test_support::{OWNER_PASSWORD, TestShop, earn};

    async fn support(shop: &TestShop) -> Actor {
        let account = create_support_account(
            &shop.db,
            &shop.hasher,
            "Sam Support",
            "sam@comptoir.example",
            OWNER_PASSWORD,
        )
        .await
        .expect("support account");
        Actor::new(account, "cli")
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
            reason: "Demande de la cliente par e-mail du 20/11".into(),
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
        assert_eq!(audit.detail, request.reason);
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
            reason: "Demande écrite".into(),
        };
        assert_eq!(
            erase_client(&shop.db, &sam, &request).await,
            Err(AppError::NotFound)
        );
        request.shop_id = shop.owner.shop_id;
        request.reason = "  ".into();
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
}
