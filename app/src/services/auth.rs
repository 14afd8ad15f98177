//! Accounts: logging in and out, database-backed sessions, forgotten passwords.

use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set, TransactionTrait,
};

use super::db_error;
use super::mail::{Mailer, OutgoingMail};
use super::passwords::PasswordHasher;
use super::tokens::{hash_secret, new_secret};
use crate::entities::{password_reset_token, session, shop, user};
use crate::model::auth::{CurrentUser, Role};
use crate::model::error::{AppError, FieldProblem};
use crate::model::password::unmet_password_rules;

/// "Se souvenir de moi": the session outlives the browser for this long.
pub const REMEMBERED_SESSION: Duration = Duration::days(30);
/// Without it the cookie ends with the browser; the server forgets the session after a shift.
pub const BROWSER_SESSION: Duration = Duration::hours(12);
pub const RESET_LINK_LIFETIME: Duration = Duration::hours(1);
pub const RESET_MAIL_SUBJECT: &str = "Demande de réinitialisation de votre mot de passe Comptoir";

pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// A new session: the secret goes in the cookie, its hash in the database.
pub struct NewSession {
    pub token: String,
    pub user: CurrentUser,
    /// `Some` when the cookie must outlive the browser.
    pub max_age: Option<Duration>,
}

async fn current_user(
    db: &impl ConnectionTrait,
    account: user::Model,
) -> Result<CurrentUser, AppError> {
    let shop = shop::Entity::find_by_id(account.shop_id)
        .one(db)
        .await
        .map_err(db_error)?
        .ok_or(AppError::NotFound)?;
    Ok(CurrentUser {
        user_id: account.id,
        shop_id: account.shop_id,
        shop_name: shop.name,
        time_zone: shop.time_zone,
        display_name: account.display_name,
        email: account.email,
        role: Role::from_code(&account.role).unwrap_or(Role::Staff),
    })
}

/// Checks the credentials and opens a session. A wrong e-mail and a wrong password give the same
/// error, after the same work.
pub async fn login(
    db: &DatabaseConnection,
    hasher: &PasswordHasher,
    email: &str,
    password: &str,
    remember: bool,
) -> Result<NewSession, AppError> {
    let email = normalize_email(email);
    if email.is_empty() {
        return Err(AppError::invalid("email", FieldProblem::Required));
    }
    if password.is_empty() {
        return Err(AppError::invalid("password", FieldProblem::Required));
    }
    let account = user::Entity::find()
        .filter(user::Column::Email.eq(&email))
        .filter(user::Column::IsActive.eq(true))
        .one(db)
        .await
        .map_err(db_error)?;
    let verified = hasher
        .verify(
            password,
            account
                .as_ref()
                .map(|account| account.password_hash.as_str()),
        )
        .await?;
    let account = match account {
        Some(account) if verified => account,
        _ => return Err(AppError::InvalidCredentials),
    };
    open_session(db, account, remember).await
}

async fn open_session(
    db: &DatabaseConnection,
    account: user::Model,
    remember: bool,
) -> Result<NewSession, AppError> {
    let lifetime = if remember {
        REMEMBERED_SESSION
    } else {
        BROWSER_SESSION
    };
    let token = new_secret();
    let now = Utc::now();
    session::ActiveModel {
        token_hash: Set(hash_secret(&token)),
        user_id: Set(account.id),
        persistent: Set(remember),
        created_at: Set(now),
        expires_at: Set(now + lifetime),
    }
    .insert(db)
    .await
    .map_err(db_error)?;
    let user = current_user(db, account).await?;
    Ok(NewSession {
        token,
        user,
        max_age: remember.then_some(lifetime),
    })
}

/// The signed-in user behind a session cookie, if the session is still valid.
pub async fn user_for_session(
    db: &DatabaseConnection,
    token: &str,
) -> Result<Option<CurrentUser>, AppError> {
    let Some(found) = session::Entity::find_by_id(hash_secret(token))
        .one(db)
        .await
        .map_err(db_error)?
    else {
        return Ok(None);
    };
    if found.expires_at <= Utc::now() {
        session::Entity::delete_by_id(found.token_hash)
            .exec(db)
            .await
            .map_err(db_error)?;
        return Ok(None);
    }
    let account = user::Entity::find_by_id(found.user_id)
        .filter(user::Column::IsActive.eq(true))
        .one(db)
        .await
        .map_err(db_error)?;
    match account {
        Some(account) => current_user(db, account).await.map(Some),
        None => Ok(None),
    }
}

pub async fn logout(db: &DatabaseConnection, token: &str) -> Result<(), AppError> {
    session::Entity::delete_by_id(hash_secret(token))
        .exec(db)
        .await
        .map_err(db_error)?;
    Ok(())
}

/// Sends a reset link if the address belongs to an active account. The caller answers the same
/// whatever happens here, so the page reveals nothing about which addresses exist.
pub async fn request_password_reset(
    db: &DatabaseConnection,
    mailer: &Mailer,
    public_url: &str,
    email: &str,
) -> Result<(), AppError> {
    let email = normalize_email(email);
    let Some(account) = user::Entity::find()
        .filter(user::Column::Email.eq(&email))
        .filter(user::Column::IsActive.eq(true))
        .one(db)
        .await
        .map_err(db_error)?
    else {
        tracing::info!("password reset asked for an unknown address");
        return Ok(());
    };
    let token = new_secret();
    let now = Utc::now();
    password_reset_token::ActiveModel {
        user_id: Set(account.id),
        token_hash: Set(hash_secret(&token)),
        created_at: Set(now),
        expires_at: Set(now + RESET_LINK_LIFETIME),
        used_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(db_error)?;
    let link = format!("{public_url}/reinitialiser-mot-de-passe?jeton={token}");
    let body = format!(
        "Bonjour {name},\n\n\
         Vous avez demandé à réinitialiser votre mot de passe Comptoir.\n\
         Ouvrez ce lien dans l'heure qui vient pour en choisir un nouveau :\n\n{link}\n\n\
         Le lien ne sert qu'une fois. Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : \
         votre mot de passe reste inchangé.\n\n\
         --\nHello {name}, open the link above within an hour to choose a new Comptoir password.\n",
        name = account.display_name
    );
    mailer
        .send(OutgoingMail {
            to: &account.email,
            subject: RESET_MAIL_SUBJECT,
            body,
        })
        .await
        .map_err(|error| {
            tracing::error!(%error, "could not send the password reset e-mail");
            AppError::Internal
        })
}

/// Sets a new password from a reset link. The link works once; every open session of the account
/// ends, since whoever held the old password may hold one of them.
pub async fn reset_password(
    db: &DatabaseConnection,
    hasher: &PasswordHasher,
    token: &str,
    password: &str,
    confirmation: &str,
) -> Result<(), AppError> {
    let unmet = unmet_password_rules(password);
    if !unmet.is_empty() {
        return Err(AppError::invalid(
            "password",
            FieldProblem::PasswordRules(unmet),
        ));
    }
    if password != confirmation {
        return Err(AppError::invalid(
            "confirmation",
            FieldProblem::PasswordsDiffer,
        ));
    }
    let now = Utc::now();
    let Some(reset) = password_reset_token::Entity::find()
        .filter(password_reset_token::Column::TokenHash.eq(hash_secret(token)))
        .one(db)
        .await
        .map_err(db_error)?
    else {
        return Err(AppError::ResetLinkInvalid);
    };
    if reset.used_at.is_some() || reset.expires_at <= now {
        return Err(AppError::ResetLinkInvalid);
    }
    let password_hash = hasher.hash(password).await?;
    let txn = db.begin().await.map_err(db_error)?;
    // Conditional on `used_at IS NULL`: two clicks on the same link cannot both succeed.
    let claimed = password_reset_token::Entity::update_many()
        .col_expr(
            password_reset_token::Column::UsedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(password_reset_token::Column::Id.eq(reset.id))
        .filter(password_reset_token::Column::UsedAt.is_null())
        .exec(&txn)
        .await
        .map_err(db_error)?;
    if claimed.rows_affected != 1 {
        return Err(AppError::ResetLinkInvalid);
    }
    user::Entity::update_many()
        .col_expr(
            user::Column::PasswordHash,
            sea_orm::sea_query::Expr::value(password_hash),
        )
        .filter(user::Column::Id.eq(reset.user_id))
        .exec(&txn)
        .await
        .map_err(db_error)?;
    session::Entity::delete_many()
        .filter(session::Column::UserId.eq(reset.user_id))
        .exec(&txn)
        .await
        .map_err(db_error)?;
    txn.commit().await.map_err(db_error)?;
    Ok(())
}

/// Creates a shop and its owner account (CLI and demo data).
pub async fn create_shop_with_owner(
    db: &DatabaseConnection,
    hasher: &PasswordHasher,
    shop_name: &str,
    owner_name: &str,
    owner_email: &str,
    owner_password: &str,
) -> Result<CurrentUser, AppError> {
    let email = normalize_email(owner_email);
    if !crate::model::client::is_valid_email(&email) {
        return Err(AppError::invalid("email", FieldProblem::InvalidEmail));
    }
    let unmet = unmet_password_rules(owner_password);
    if !unmet.is_empty() {
        return Err(AppError::invalid(
            "password",
            FieldProblem::PasswordRules(unmet),
        ));
    }
    if shop_name.trim().is_empty() {
        return Err(AppError::invalid("shop_name", FieldProblem::Required));
    }
    if user::Entity::find()
        .filter(user::Column::Email.eq(&email))
        .one(db)
        .await
        .map_err(db_error)?
        .is_some()
    {
        return Err(AppError::invalid("email", FieldProblem::DuplicateEmail));
    }
    let password_hash = hasher.hash(owner_password).await?;
    let now = Utc::now();
    let txn = db.begin().await.map_err(db_error)?;
    let shop = shop::ActiveModel {
        name: Set(shop_name.trim().to_owned()),
        time_zone: Set("Europe/Paris".to_owned()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(db_error)?;
    let owner = user::ActiveModel {
        shop_id: Set(shop.id),
        email: Set(email),
        display_name: Set(owner_name.trim().to_owned()),
        password_hash: Set(password_hash),
        role: Set(Role::Owner.code().to_owned()),
        is_active: Set(true),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(db_error)?;
    let current = current_user(&txn, owner).await?;
    txn.commit().await.map_err(db_error)?;
    Ok(current)
}
