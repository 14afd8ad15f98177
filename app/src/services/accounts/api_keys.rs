//! The owner's API keys: made (the secret shown once, its SHA-256 kept), listed, revoked; and
//! the caller behind a key, found in one query the way a session is.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    Statement, Value,
};

use super::tokens::{hash_secret, new_secret};
use crate::entities::api_key;
use crate::model::api_keys::{
    API_KEY_HINT_CHARS, API_KEY_PREFIX, ApiKeyScope, ApiKeyView, CreatedApiKey, NewApiKey,
};
use crate::model::audit::AuditKind;
use crate::model::auth::{CurrentUser, Role};
use crate::model::country::Country;
use crate::model::error::AppError;
use crate::services::audit::{self, Actor, AuditRecord};
use crate::services::db::Db;
use crate::services::time::{format_date_time, shop_zone};
use crate::services::{db_error, display_names, owner_only, update_in_shop};

/// How stale a key's "last used" may get: writing it at every request would make each API
/// call a write.
pub const LAST_USE_PRECISION: Duration = Duration::minutes(1);

/// A request's caller: the key, and the owner it acts as.
#[derive(Debug, Clone)]
pub struct ApiCaller {
    pub key_id: i64,
    pub hint: String,
    pub scope: ApiKeyScope,
    pub user: CurrentUser,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl ApiCaller {
    /// The actor the services write down: the owner, from this key and this address.
    pub fn actor(&self, address: &str) -> Actor {
        Actor::new(self.user.clone(), format!("api {} {address}", self.hint))
    }

    /// Whether "last used" is due to be written again.
    pub fn use_is_due(&self, now: DateTime<Utc>) -> bool {
        self.last_used_at
            .is_none_or(|last| now - last >= LAST_USE_PRECISION)
    }
}

/// Makes a key for the owner's shop; the answer holds its secret, which is never shown again.
pub async fn create_key(
    db: &Db,
    owner: &Actor,
    form: &NewApiKey,
) -> Result<CreatedApiKey, AppError> {
    owner_only(owner)?;
    let (name, scope) = form.validate().map_err(AppError::Invalid)?;
    let secret = format!("{API_KEY_PREFIX}{}", new_secret());
    let hint: String = secret.chars().take(API_KEY_HINT_CHARS).collect();
    let txn = db.begin_write().await?;
    let key = api_key::ActiveModel {
        shop_id: Set(owner.shop_id),
        created_by_user_id: Set(owner.user_id),
        name: Set(name),
        hint: Set(hint),
        token_hash: Set(hash_secret(&secret)),
        can_write: Set(scope.can_write()),
        created_at: Set(Utc::now()),
        last_used_at: Set(None),
        revoked_at: Set(None),
        revoked_by_user_id: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(db_error)?;
    audit::write(
        &txn,
        AuditRecord::by(owner, AuditKind::ApiKeyCreated).detail(format!(
            "{} ({}, {})",
            key.name,
            key.hint,
            scope.code()
        )),
    )
    .await?;
    txn.commit().await.map_err(db_error)?;
    let key = view(owner, key, &owner.display_name);
    Ok(CreatedApiKey { key, secret })
}

/// The shop's keys, live ones first, newest first.
pub async fn list_keys(db: &Db, owner: &CurrentUser) -> Result<Vec<ApiKeyView>, AppError> {
    owner_only(owner)?;
    let keys = api_key::Entity::find()
        .filter(api_key::Column::ShopId.eq(owner.shop_id))
        .order_by_desc(api_key::Column::Id)
        .all(db)
        .await
        .map_err(db_error)?;
    let names = display_names(db, keys.iter().map(|key| key.created_by_user_id)).await?;
    let mut views: Vec<ApiKeyView> = keys
        .into_iter()
        .map(|key| {
            let author = names
                .get(&key.created_by_user_id)
                .cloned()
                .unwrap_or_default();
            view(owner, key, &author)
        })
        .collect();
    views.sort_by_key(|key| key.revoked_at.is_some());
    Ok(views)
}

/// Revokes a key of the owner's shop at once; revoking it again changes nothing.
pub async fn revoke_key(db: &Db, owner: &Actor, key_id: i64) -> Result<(), AppError> {
    owner_only(owner)?;
    let txn = db.begin_write().await?;
    let key = api_key::Entity::find_by_id(key_id)
        .filter(api_key::Column::ShopId.eq(owner.shop_id))
        .one(&txn)
        .await
        .map_err(db_error)?
        .ok_or(AppError::NotFound)?;
    if key.revoked_at.is_some() {
        return Ok(());
    }
    let detail = format!("{} ({})", key.name, key.hint);
    let mut revoked: api_key::ActiveModel = key.into();
    revoked.revoked_at = Set(Some(Utc::now()));
    revoked.revoked_by_user_id = Set(Some(owner.user_id));
    update_in_shop(&txn, revoked, api_key::Column::ShopId, owner.shop_id).await?;
    audit::write(
        &txn,
        AuditRecord::by(owner, AuditKind::ApiKeyRevoked).detail(detail),
    )
    .await?;
    txn.commit().await.map_err(db_error)
}

/// The caller behind a key's secret: a live key whose owner's account is active, with its shop,
/// in one query since every API request starts here. A secret of another form finds nothing.
pub async fn caller_for_key(db: &Db, secret: &str) -> Result<Option<ApiCaller>, AppError> {
    if !secret.starts_with(API_KEY_PREFIX) {
        return Ok(None);
    }
    let found = db
        .query_one_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            "SELECT k.id, k.hint, k.can_write, k.last_used_at, u.id, u.shop_id, u.display_name, \
                    u.email, u.role, sh.name, sh.time_zone, sh.country \
             FROM api_keys k \
             JOIN users u ON u.id = k.created_by_user_id AND u.shop_id = k.shop_id \
             JOIN shops sh ON sh.id = k.shop_id \
             WHERE k.token_hash = $1 AND k.revoked_at IS NULL AND u.is_active = $2",
            [Value::from(hash_secret(secret)), Value::from(true)],
        ))
        .await
        .map_err(db_error)?;
    let Some(row) = found else {
        return Ok(None);
    };
    let read = |error: sea_orm::DbErr| db_error(error);
    let can_write: bool = row.try_get_by_index(2).map_err(read)?;
    let role: String = row.try_get_by_index(8).map_err(read)?;
    Ok(Some(ApiCaller {
        key_id: row.try_get_by_index(0).map_err(read)?,
        hint: row.try_get_by_index(1).map_err(read)?,
        scope: ApiKeyScope::from_can_write(can_write),
        last_used_at: row.try_get_by_index(3).map_err(read)?,
        user: CurrentUser {
            user_id: row.try_get_by_index(4).map_err(read)?,
            shop_id: row.try_get_by_index(5).map_err(read)?,
            display_name: row.try_get_by_index(6).map_err(read)?,
            email: row.try_get_by_index(7).map_err(read)?,
            role: Role::from_code(&role).unwrap_or(Role::Staff),
            shop_name: row.try_get_by_index(9).map_err(read)?,
            time_zone: row.try_get_by_index(10).map_err(read)?,
            country: Country::from_stored(&row.try_get_by_index::<String>(11).map_err(read)?),
        },
    }))
}

/// Writes down that the key was used now (called when [`ApiCaller::use_is_due`]).
pub async fn note_use(db: &Db, caller: &ApiCaller, now: DateTime<Utc>) -> Result<(), AppError> {
    let txn = db.begin_write().await?;
    api_key::Entity::update_many()
        .col_expr(api_key::Column::LastUsedAt, Expr::value(now))
        .filter(api_key::Column::Id.eq(caller.key_id))
        .filter(api_key::Column::ShopId.eq(caller.user.shop_id))
        .exec(&txn)
        .await
        .map_err(db_error)?;
    txn.commit().await.map_err(db_error)
}

fn view(owner: &CurrentUser, key: api_key::Model, author: &str) -> ApiKeyView {
    let zone = shop_zone(&owner.time_zone);
    ApiKeyView {
        id: key.id,
        name: key.name,
        hint: key.hint,
        scope: ApiKeyScope::from_can_write(key.can_write),
        created_at: format_date_time(key.created_at, zone),
        created_by: author.to_owned(),
        last_used_at: key.last_used_at.map(|at| format_date_time(at, zone)),
        revoked_at: key.revoked_at.map(|at| format_date_time(at, zone)),
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

    use super::*;
    use crate::entities::user;
    use crate::model::error::FieldProblem;
    use crate::services::test_support::TestShop;

    fn form(name: &str, scope: ApiKeyScope) -> NewApiKey {
        NewApiKey {
            name: name.into(),
            scope: scope.code().into(),
        }
    }

    #[tokio::test]
    async fn a_key_is_shown_once_found_by_its_secret_and_dead_once_revoked() {
        let shop = TestShop::new().await;
        let created = create_key(&shop.db, &shop.owner, &form("Caisse", ApiKeyScope::Read))
            .await
            .unwrap();
        assert!(created.secret.starts_with("cpt_") && created.secret.len() > 40);
        assert_eq!(created.key.hint, created.secret[..API_KEY_HINT_CHARS]);
        let stored = api_key::Entity::find().all(&shop.db).await.unwrap();
        assert_eq!(stored.len(), 1);
        assert_ne!(
            stored[0].token_hash, created.secret,
            "only its hash is kept"
        );

        let caller = caller_for_key(&shop.db, &created.secret)
            .await
            .unwrap()
            .expect("a live key finds its caller");
        assert_eq!(caller.scope, ApiKeyScope::Read);
        assert_eq!(caller.user.user_id, shop.owner.user_id);
        assert_eq!(caller.user.shop_id, shop.owner.shop_id);
        assert!(caller.use_is_due(Utc::now()));
        note_use(&shop.db, &caller, Utc::now()).await.unwrap();
        let caller = caller_for_key(&shop.db, &created.secret)
            .await
            .unwrap()
            .unwrap();
        assert!(!caller.use_is_due(Utc::now()), "written down a moment ago");
        assert!(caller.use_is_due(Utc::now() + LAST_USE_PRECISION));
        for wrong in ["", "cpt_", "not-a-key", &created.secret[..20]] {
            assert!(
                caller_for_key(&shop.db, wrong).await.unwrap().is_none(),
                "{wrong}"
            );
        }

        revoke_key(&shop.db, &shop.owner, created.key.id)
            .await
            .unwrap();
        revoke_key(&shop.db, &shop.owner, created.key.id)
            .await
            .unwrap();
        assert!(
            caller_for_key(&shop.db, &created.secret)
                .await
                .unwrap()
                .is_none()
        );
        let listed = list_keys(&shop.db, &shop.owner).await.unwrap();
        assert!(listed[0].revoked_at.is_some());
        assert!(listed[0].last_used_at.is_some());
    }

    #[tokio::test]
    async fn keys_are_the_owners_of_their_shop_and_die_with_the_account() {
        let shop = TestShop::new().await;
        let staff = shop.staff();
        assert_eq!(
            create_key(&shop.db, &staff, &form("Caisse", ApiKeyScope::ReadWrite)).await,
            Err(AppError::Forbidden)
        );
        let refused = create_key(&shop.db, &shop.owner, &form(" ", ApiKeyScope::Read))
            .await
            .unwrap_err();
        assert_eq!(
            refused.field_errors().and_then(|errors| errors.get("name")),
            Some(&FieldProblem::Required)
        );
        let created = create_key(&shop.db, &shop.owner, &form("Site", ApiKeyScope::ReadWrite))
            .await
            .unwrap();
        let neighbour = shop.other_shop().await;
        assert_eq!(
            revoke_key(&shop.db, &neighbour, created.key.id).await,
            Err(AppError::NotFound)
        );
        assert!(list_keys(&shop.db, &neighbour).await.unwrap().is_empty());

        // An owner whose account is disabled no longer acts through the keys made.
        user::Entity::update_many()
            .col_expr(user::Column::IsActive, Expr::value(false))
            .filter(user::Column::Id.eq(shop.owner.user_id))
            .exec(&shop.db)
            .await
            .unwrap();
        assert!(
            caller_for_key(&shop.db, &created.secret)
                .await
                .unwrap()
                .is_none()
        );
    }
}
