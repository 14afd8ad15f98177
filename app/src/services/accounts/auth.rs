//! Accounts: logging in and out, database-backed sessions, forgotten passwords.

use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    Set,
};

use super::passwords::PasswordHasher;
use super::throttle;
use super::tokens::{hash_secret, new_secret};
use crate::entities::{password_reset_token, session, shop, user};
use crate::model::audit::AuditKind;
use crate::model::auth::{CurrentUser, Role};
use crate::model::country::Country;
use crate::model::error::{AppError, FieldProblem};
use crate::model::password::unmet_password_rules;
use crate::model::retention::RetentionSettings;
use crate::services::audit::{self, Actor, AuditRecord};
use crate::services::db::Db;
use crate::services::db_error;
use crate::services::mail::{Mailer, OutgoingMail, texts};

/// "Se souvenir de moi": the session outlives the browser for this long.
pub const REMEMBERED_SESSION: Duration = Duration::days(30);
/// Without it the cookie ends with the browser; the server forgets the session after a shift.
pub const BROWSER_SESSION: Duration = Duration::hours(12);
/// The cookie that carries the session secret.
pub const SESSION_COOKIE: &str = "comptoir_session";
pub const RESET_LINK_LIFETIME: Duration = Duration::hours(1);

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
        country: Country::from_stored(&shop.country),
        display_name: account.display_name,
        email: account.email,
        role: Role::from_code(&account.role).unwrap_or(Role::Staff),
    })
}

/// An account of `shop_id` as it acts (work done later in its name: an import it confirmed).
pub(crate) async fn account_user(
    db: &impl ConnectionTrait,
    shop_id: i64,
    user_id: i64,
) -> Result<CurrentUser, AppError> {
    let account = user::Entity::find_by_id(user_id)
        .filter(user::Column::ShopId.eq(shop_id))
        .one(db)
        .await
        .map_err(db_error)?
        .ok_or(AppError::NotFound)?;
    current_user(db, account).await
}

/// The active owner account with this e-mail, for the command line (`server create-api-key`).
pub async fn owner_by_email(db: &Db, email: &str) -> Result<CurrentUser, AppError> {
    let account = active_account(db, &normalize_email(email))
        .await?
        .ok_or(AppError::NotFound)?;
    let owner = current_user(db, account).await?;
    crate::services::owner_only(&owner)?;
    Ok(owner)
}

/// What the login form sends.
pub struct Credentials<'a> {
    pub email: &'a str,
    pub password: &'a str,
    pub remember: bool,
}

async fn active_account(
    db: &impl ConnectionTrait,
    normalized_email: &str,
) -> Result<Option<user::Model>, AppError> {
    user::Entity::find()
        .filter(user::Column::Email.eq(normalized_email))
        .filter(user::Column::IsActive.eq(true))
        .one(db)
        .await
        .map_err(db_error)
}

/// An authentication event; `account` is `None` when the e-mail matches no account.
fn auth_event<'a>(
    kind: AuditKind,
    account: Option<&user::Model>,
    source: &'a str,
    email: &str,
) -> AuditRecord<'a> {
    AuditRecord {
        kind,
        shop_id: account.map(|account| account.shop_id),
        user_id: account.map(|account| account.id),
        source,
        client_id: None,
        entry_id: None,
        // What was typed is kept only when it names an account: a password typed into the
        // e-mail field must not stay in an append-only table.
        detail: if account.is_some() {
            email.to_owned()
        } else {
            String::new()
        },
    }
}

/// A throttled login is written down once per window and typed address, so a flood of refused
/// tries cannot fill the log. Known and unknown accounts go through the same statements (an
/// indexed look-up in the throttle table, then one event, with no shop for an unknown one): how
/// long a refusal takes says nothing about which addresses have an account.
async fn note_throttled(
    db: &Db,
    account: Option<&user::Model>,
    email: &str,
    source: &str,
) -> Result<(), AppError> {
    let marker = format!("throttled-{}", throttle::account_key(email));
    let window = throttle::PER_ACCOUNT.window;
    if !throttle::first_in_window(db, &marker, window, Utc::now()).await? {
        return Ok(());
    }
    audit::write(
        db,
        auth_event(AuditKind::LoginThrottled, account, source, email),
    )
    .await
}

/// Checks the credentials and opens a session. A wrong e-mail and a wrong password give the same
/// error, after the same work. Too many failures for the account or from `source` (the client's
/// address) make the next try wait, without any hashing.
pub async fn login(
    db: &Db,
    hasher: &PasswordHasher,
    credentials: Credentials<'_>,
    source: &str,
) -> Result<NewSession, AppError> {
    let email = normalize_email(credentials.email);
    if email.is_empty() {
        return Err(AppError::invalid("email", FieldProblem::Required));
    }
    if credentials.password.is_empty() {
        return Err(AppError::invalid("password", FieldProblem::Required));
    }
    // No account has control characters in its address (and PostgreSQL refuses NUL in a query).
    let account = if email.chars().any(char::is_control) {
        None
    } else {
        active_account(db, &email).await?
    };
    let account_key = throttle::account_key(&email);
    let address_key = throttle::address_key(source);
    let now = Utc::now();
    let checks = [
        (account_key.as_str(), throttle::PER_ACCOUNT),
        (address_key.as_str(), throttle::PER_ADDRESS),
    ];
    // Turned away before any check, the attempt does not count: waiting is enough to get in.
    let attempt = match throttle::admit(db, &checks, now).await {
        Ok(attempt) => attempt,
        Err(refusal) => {
            if matches!(refusal, AppError::TooManyAttempts { .. }) {
                note_throttled(db, account.as_ref(), &email, source).await?;
            }
            return Err(refusal);
        }
    };
    let verified = hasher
        .verify(
            credentials.password,
            account
                .as_ref()
                .map(|account| account.password_hash.as_str()),
        )
        .await?;
    let account = match account {
        Some(account) if verified => account,
        account => {
            // The attempt stays counted as a failure.
            audit::write(
                db,
                auth_event(AuditKind::LoginFailed, account.as_ref(), source, &email),
            )
            .await?;
            return Err(AppError::InvalidCredentials);
        }
    };
    throttle::forget_failures(db, &account_key).await?;
    throttle::withdraw(db, attempt).await?;
    audit::write(
        db,
        auth_event(AuditKind::LoginSucceeded, Some(&account), source, &email),
    )
    .await?;
    open_session(db, account, credentials.remember).await
}

/// Logs in and ends the session the browser came with, if any: a new session id at each login,
/// so a session fixed before it is worth nothing after.
pub async fn login_replacing(
    db: &Db,
    hasher: &PasswordHasher,
    credentials: Credentials<'_>,
    source: &str,
    previous_token: Option<&str>,
) -> Result<NewSession, AppError> {
    let session = login(db, hasher, credentials, source).await?;
    if let Some(previous) = previous_token {
        logout(db, previous, source).await?;
    }
    Ok(session)
}

async fn open_session(
    db: &Db,
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

/// The signed-in user behind a session cookie, if the session is still valid: one query for the
/// session, its account and its shop, since every server call starts here.
pub async fn user_for_session(db: &Db, token: &str) -> Result<Option<CurrentUser>, AppError> {
    use sea_orm::{Statement, Value};
    let token_hash = hash_secret(token);
    let found = db
        .query_one_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            "SELECT s.expires_at, u.id, u.shop_id, u.display_name, u.email, u.role, \
                    sh.name, sh.time_zone, sh.country \
             FROM sessions s \
             JOIN users u ON u.id = s.user_id \
             JOIN shops sh ON sh.id = u.shop_id \
             WHERE s.token_hash = $1 AND u.is_active = $2",
            [Value::from(token_hash.clone()), Value::from(true)],
        ))
        .await
        .map_err(db_error)?;
    let Some(row) = found else {
        return Ok(None);
    };
    let read = |error: sea_orm::DbErr| db_error(error);
    let expires_at: chrono::DateTime<Utc> = row.try_get_by_index(0).map_err(read)?;
    if expires_at <= Utc::now() {
        session::Entity::delete_by_id(token_hash)
            .exec(db)
            .await
            .map_err(db_error)?;
        return Ok(None);
    }
    let role: String = row.try_get_by_index(5).map_err(read)?;
    Ok(Some(CurrentUser {
        user_id: row.try_get_by_index(1).map_err(read)?,
        shop_id: row.try_get_by_index(2).map_err(read)?,
        display_name: row.try_get_by_index(3).map_err(read)?,
        email: row.try_get_by_index(4).map_err(read)?,
        role: Role::from_code(&role).unwrap_or(Role::Staff),
        shop_name: row.try_get_by_index(6).map_err(read)?,
        time_zone: row.try_get_by_index(7).map_err(read)?,
        country: Country::from_stored(&row.try_get_by_index::<String>(8).map_err(read)?),
    }))
}

/// Ends the session on the server; the cookie alone is worth nothing afterwards.
pub async fn logout(db: &Db, token: &str, source: &str) -> Result<(), AppError> {
    let hash = hash_secret(token);
    let Some(found) = session::Entity::find_by_id(hash.clone())
        .one(db)
        .await
        .map_err(db_error)?
    else {
        return Ok(());
    };
    session::Entity::delete_by_id(hash)
        .exec(db)
        .await
        .map_err(db_error)?;
    let account = user::Entity::find_by_id(found.user_id)
        .one(db)
        .await
        .map_err(db_error)?;
    if let Some(account) = account {
        audit::write(
            db,
            auth_event(AuditKind::Logout, Some(&account), source, &account.email),
        )
        .await?;
    }
    Ok(())
}

/// Counts a reset-link request for `email` from `source`; too many in ten minutes wait, known
/// and unknown addresses alike, so the answer still tells nothing about which exist.
pub async fn check_reset_rate(db: &Db, email: &str, source: &str) -> Result<(), AppError> {
    let account_key = format!("reset-{}", throttle::account_key(&normalize_email(email)));
    let address_key = format!("reset-{}", throttle::address_key(source));
    let now = Utc::now();
    let checks = [
        (account_key.as_str(), throttle::RESET_PER_ACCOUNT),
        (address_key.as_str(), throttle::RESET_PER_ADDRESS),
    ];
    throttle::admit(db, &checks, now).await?;
    Ok(())
}

/// A reset link asked from the "forgotten password" form: the address must look like one and
/// stay within the rate, then the link is looked up and mailed in the background, so the answer
/// and its time are the same whether or not the address has an account.
pub async fn ask_for_reset_link(
    db: &Db,
    mailer: &Mailer,
    public_url: &str,
    email: &str,
    source: &str,
) -> Result<(), AppError> {
    let email = email.trim().to_owned();
    if !crate::model::fields::is_valid_email(&email) {
        return Err(AppError::invalid("email", FieldProblem::InvalidEmail));
    }
    check_reset_rate(db, &email, source).await?;
    let (db, mailer) = (db.clone(), mailer.clone());
    let (public_url, source) = (public_url.to_owned(), source.to_owned());
    tokio::spawn(async move {
        if let Err(error) = request_password_reset(&db, &mailer, &public_url, &email, &source).await
        {
            tracing::error!(%error, "password reset request failed");
        }
    });
    Ok(())
}

/// Sends a reset link if the address belongs to an active account. The caller answers the same
/// whatever happens here, so the page reveals nothing about which addresses exist.
pub async fn request_password_reset(
    db: &Db,
    mailer: &Mailer,
    public_url: &str,
    email: &str,
    source: &str,
) -> Result<(), AppError> {
    let email = normalize_email(email);
    let Some(account) = active_account(db, &email).await? else {
        tracing::info!("password reset asked for an unknown address");
        return Ok(());
    };
    audit::write(
        db,
        auth_event(
            AuditKind::PasswordResetRequested,
            Some(&account),
            source,
            &email,
        ),
    )
    .await?;
    let token = issue_password_link(db, account.id, RESET_LINK_LIFETIME).await?;
    mailer
        .send(OutgoingMail {
            to: &account.email,
            text: texts::password_reset(&account.display_name, public_url, &token),
            from_name: None,
            list_unsubscribe: None,
        })
        .await
        .map_err(|error| {
            tracing::error!(%error, "could not send the password reset e-mail");
            AppError::Internal
        })
}

/// A single-use secret that lets the account choose a password until `lifetime` passes; only
/// its hash is stored.
pub(crate) async fn issue_password_link(
    db: &impl ConnectionTrait,
    user_id: i64,
    lifetime: Duration,
) -> Result<String, AppError> {
    let token = new_secret();
    let now = Utc::now();
    password_reset_token::ActiveModel {
        user_id: Set(user_id),
        token_hash: Set(hash_secret(&token)),
        created_at: Set(now),
        expires_at: Set(now + lifetime),
        used_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(db_error)?;
    Ok(token)
}

fn check_new_password(password: &str, confirmation: &str) -> Result<(), AppError> {
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
    Ok(())
}

/// Replaces the password, ends the account's sessions but `keep_session` (the one that made
/// the change, if any) and voids its other links, in one transaction with its audit event.
async fn replace_password(
    txn: &DatabaseTransaction,
    account: &user::Model,
    password_hash: String,
    keep_session: Option<String>,
    source: &str,
    how: &str,
) -> Result<(), AppError> {
    user::Entity::update_many()
        .col_expr(
            user::Column::PasswordHash,
            sea_orm::sea_query::Expr::value(password_hash),
        )
        .filter(user::Column::Id.eq(account.id))
        .exec(txn)
        .await
        .map_err(db_error)?;
    let mut other_sessions =
        session::Entity::delete_many().filter(session::Column::UserId.eq(account.id));
    if let Some(kept) = keep_session {
        other_sessions = other_sessions.filter(session::Column::TokenHash.ne(kept));
    }
    other_sessions.exec(txn).await.map_err(db_error)?;
    // Every other reset or invitation link of the account dies with the old password: one
    // mailed earlier, still in an inbox someone else may read, must not undo this change.
    password_reset_token::Entity::update_many()
        .col_expr(
            password_reset_token::Column::UsedAt,
            sea_orm::sea_query::Expr::value(Utc::now()),
        )
        .filter(password_reset_token::Column::UserId.eq(account.id))
        .filter(password_reset_token::Column::UsedAt.is_null())
        .exec(txn)
        .await
        .map_err(db_error)?;
    let mut event = auth_event(
        AuditKind::PasswordChanged,
        Some(account),
        source,
        &account.email,
    );
    event.detail = how.to_owned();
    audit::write(txn, event).await
}

/// Tells the account's owner their password changed, so a change they did not make is noticed.
/// Sent after the change is saved; a mail failure is logged, it does not undo the change.
async fn send_password_changed_notice(mailer: &Mailer, public_url: &str, account: &user::Model) {
    let when = Utc::now().format("%d/%m/%Y %H:%M").to_string();
    let text = texts::password_changed(&account.display_name, &account.email, &when, public_url);
    let sent = mailer
        .send(OutgoingMail {
            to: &account.email,
            text,
            from_name: None,
            list_unsubscribe: None,
        })
        .await;
    if let Err(error) = sent {
        tracing::error!(%error, "could not send the password-changed notice");
    }
}

/// What a password reset needs besides the form.
pub struct ResetContext<'a> {
    pub mailer: &'a Mailer,
    pub public_url: &'a str,
    pub source: &'a str,
}

/// Sets a new password from a reset link. The link works once; every open session of the account
/// ends, since whoever held the old password may hold one of them, and the owner is told by e-mail.
pub async fn reset_password(
    db: &Db,
    hasher: &PasswordHasher,
    context: ResetContext<'_>,
    token: &str,
    password: &str,
    confirmation: &str,
) -> Result<(), AppError> {
    check_new_password(password, confirmation)?;
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
    let account = user::Entity::find_by_id(reset.user_id)
        .one(db)
        .await
        .map_err(db_error)?
        .ok_or(AppError::ResetLinkInvalid)?;
    let password_hash = hasher.hash(password).await?;
    let txn = db.begin_write().await?;
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
    replace_password(
        &txn,
        &account,
        password_hash,
        None,
        context.source,
        "reset link",
    )
    .await?;
    txn.commit().await.map_err(db_error)?;
    // The next writer need not wait for the mail server.
    send_password_changed_notice(context.mailer, context.public_url, &account).await;
    Ok(())
}

/// The signed-in user's new password, confirmed with the current one.
pub struct PasswordChange<'a> {
    pub current: &'a str,
    pub password: &'a str,
    pub confirmation: &'a str,
}

/// Changes the signed-in user's password. The session that asked stays open; every other one
/// ends and the owner of the account gets an e-mail. Wrong current passwords count as failed
/// logins, so this form is no side door for guessing.
pub async fn change_password(
    db: &Db,
    hasher: &PasswordHasher,
    context: ResetContext<'_>,
    actor: &Actor,
    session_token: &str,
    change: PasswordChange<'_>,
) -> Result<(), AppError> {
    if change.current.is_empty() {
        return Err(AppError::invalid("current", FieldProblem::Required));
    }
    check_new_password(change.password, change.confirmation)?;
    let account = user::Entity::find_by_id(actor.user_id)
        .one(db)
        .await
        .map_err(db_error)?
        .ok_or(AppError::Unauthenticated)?;
    let account_key = throttle::account_key(&account.email);
    let now = Utc::now();
    let attempt = throttle::admit(db, &[(&account_key, throttle::PER_ACCOUNT)], now).await?;
    if !hasher
        .verify(change.current, Some(&account.password_hash))
        .await?
    {
        // The attempt stays counted: this form is no side door for guessing.
        return Err(AppError::invalid("current", FieldProblem::WrongPassword));
    }
    throttle::withdraw(db, attempt).await?;
    let password_hash = hasher.hash(change.password).await?;
    let txn = db.begin_write().await?;
    replace_password(
        &txn,
        &account,
        password_hash,
        Some(hash_secret(session_token)),
        context.source,
        "changed while signed in",
    )
    .await?;
    txn.commit().await.map_err(db_error)?;
    // The next writer need not wait for the mail server.
    send_password_changed_notice(context.mailer, context.public_url, &account).await;
    Ok(())
}

/// Creates a shop and its owner account (CLI and demo data).
pub async fn create_shop_with_owner(
    db: &Db,
    hasher: &PasswordHasher,
    shop_name: &str,
    owner_name: &str,
    owner_email: &str,
    owner_password: &str,
) -> Result<CurrentUser, AppError> {
    create_account(
        db,
        hasher,
        None,
        shop_name,
        owner_name,
        owner_email,
        owner_password,
        Role::Owner,
    )
    .await
}

/// Where the shop is: its clients live there unless their file says otherwise. Command line.
pub async fn set_shop_country(db: &Db, shop_id: i64, country: Country) -> Result<(), AppError> {
    let found = shop::Entity::find_by_id(shop_id)
        .one(db)
        .await
        .map_err(db_error)?
        .ok_or(AppError::NotFound)?;
    let mut shop: shop::ActiveModel = found.into();
    shop.country = Set(country.code().to_owned());
    shop.update(db).await.map_err(db_error)?;
    Ok(())
}

/// An account with its password, in the shop `shop_id` or, without one, in a new shop named
/// `shop_name` (the platform's home for a support account). Command line and demo only: the
/// team page invites by e-mail instead.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn create_account(
    db: &Db,
    hasher: &PasswordHasher,
    shop_id: Option<i64>,
    shop_name: &str,
    name: &str,
    email: &str,
    password: &str,
    role: Role,
) -> Result<CurrentUser, AppError> {
    let email = normalize_email(email);
    if !crate::model::fields::is_valid_email(&email) {
        return Err(AppError::invalid("email", FieldProblem::InvalidEmail));
    }
    let unmet = unmet_password_rules(password);
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
    let password_hash = hasher.hash(password).await?;
    let now = Utc::now();
    let txn = db.begin_write().await?;
    let new_shop = shop_id.is_none();
    let shop_id = match shop_id {
        Some(shop_id) => shop_id,
        None => {
            shop::ActiveModel {
                name: Set(shop_name.trim().to_owned()),
                time_zone: Set("Europe/Paris".to_owned()),
                country: Set(Country::default().code().to_owned()),
                created_at: Set(now),
                is_platform: Set(role == Role::Support),
                // Written out, not left to the columns' defaults: SQLite's RETURNING gave NULL
                // for them on a pooled connection opened before the migration that added them.
                retention_years: Set(RetentionSettings::default().years),
                retention_auto_erase: Set(RetentionSettings::default().auto_erase),
                ..Default::default()
            }
            .insert(&txn)
            .await
            .map_err(db_error)?
            .id
        }
    };
    let account = user::ActiveModel {
        shop_id: Set(shop_id),
        email: Set(email),
        display_name: Set(name.trim().to_owned()),
        password_hash: Set(password_hash),
        role: Set(role.code().to_owned()),
        is_active: Set(true),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(db_error)?;
    // An owner who creates a shop founds it; the platform's home has no founder.
    if new_shop && role == Role::Owner {
        shop::Entity::update_many()
            .col_expr(
                shop::Column::FounderUserId,
                sea_orm::sea_query::Expr::value(account.id),
            )
            .filter(shop::Column::Id.eq(shop_id))
            .exec(&txn)
            .await
            .map_err(db_error)?;
    }
    let current = current_user(&txn, account).await?;
    txn.commit().await.map_err(db_error)?;
    Ok(current)
}

#[cfg(test)]
mod tests {
    use sea_orm::Statement;

    use super::*;
    use crate::services::test_support::{OWNER_PASSWORD, TestShop, query_plan, taken, watched};

    async fn try_login(
        db: &Db,
        shop: &TestShop,
        email: &str,
        password: &str,
    ) -> Result<NewSession, AppError> {
        let credentials = Credentials {
            email,
            password,
            remember: false,
        };
        login(db, &shop.hasher, credentials, "192.0.2.10").await
    }

    #[tokio::test]
    async fn a_throttled_login_does_the_same_indexed_work_for_known_and_unknown_addresses() {
        let shop = TestShop::new().await;
        let known = shop.owner.email.clone();
        let unknown = "personne@exemple.fr";
        for email in [known.as_str(), unknown] {
            for _ in 0..throttle::PER_ACCOUNT.max_failures {
                assert_eq!(
                    try_login(&shop.db, &shop, email, "Mauvais-Pass-1")
                        .await
                        .err(),
                    Some(AppError::InvalidCredentials)
                );
            }
        }
        let (db, seen) = watched(&shop.db);
        // The first refusal of the window, then the ones after it.
        for round in 0..2 {
            let mut work = Vec::new();
            for email in [known.as_str(), unknown] {
                let refused = try_login(&db, &shop, email, OWNER_PASSWORD).await;
                assert!(
                    matches!(refused, Err(AppError::TooManyAttempts { .. })),
                    "{email}"
                );
                work.push(taken(&seen));
            }
            let sql = |statements: &[Statement]| -> Vec<String> {
                statements.iter().map(|s| s.sql.clone()).collect()
            };
            for statement in &work[0] {
                for detail in query_plan(&shop.db, statement).await {
                    assert!(
                        !detail.starts_with("SCAN"),
                        "{detail} in the plan of {}",
                        statement.sql
                    );
                }
                let lowered = statement.sql.to_lowercase();
                assert!(
                    lowered.starts_with("insert") || !lowered.contains("audit_events"),
                    "the audit log is only appended to: {}",
                    statement.sql
                );
            }
            assert_eq!(
                sql(&work[0]),
                sql(&work[1]),
                "round {round}: the same statements for a known and an unknown address"
            );
        }
        let throttled = crate::entities::audit_event::Entity::find()
            .filter(crate::entities::audit_event::Column::Kind.eq(AuditKind::LoginThrottled.code()))
            .all(&shop.db)
            .await
            .expect("events");
        assert_eq!(
            throttled
                .iter()
                .filter(|event| event.user_id == Some(shop.owner.user_id))
                .count(),
            1,
            "noted once per window in the shop's log"
        );
        assert_eq!(
            throttled.len(),
            2,
            "and once with no shop for the unknown address"
        );
    }

    fn context(mailer: &Mailer) -> ResetContext<'_> {
        ResetContext {
            mailer,
            public_url: "http://127.0.0.1:3000",
            source: "192.0.2.10",
        }
    }

    fn test_mailer() -> Mailer {
        let outbox =
            std::env::temp_dir().join(format!("comptoir-auth-{}", uuid::Uuid::new_v4().simple()));
        Mailer::from_config(&crate::services::config::AppConfig::for_tests(
            "unused", outbox,
        ))
        .expect("mailer")
    }

    #[tokio::test]
    async fn using_a_link_or_changing_the_password_voids_every_other_link() {
        let shop = TestShop::new().await;
        let mailer = test_mailer();
        let account = shop.owner.user_id;
        let reset = |token: String, password: &'static str| {
            let shop = &shop;
            let mailer = &mailer;
            async move {
                reset_password(
                    &shop.db,
                    &shop.hasher,
                    context(mailer),
                    &token,
                    password,
                    password,
                )
                .await
            }
        };
        let older = issue_password_link(&shop.db, account, RESET_LINK_LIFETIME)
            .await
            .expect("link");
        let invitation = issue_password_link(
            &shop.db,
            account,
            crate::services::accounts::team::INVITATION_LIFETIME,
        )
        .await
        .expect("link");
        let newer = issue_password_link(&shop.db, account, RESET_LINK_LIFETIME)
            .await
            .expect("link");
        reset(newer, "Seigle-2027!")
            .await
            .expect("newest link used");
        for (name, token) in [("older reset", older), ("invitation", invitation)] {
            assert_eq!(
                reset(token, "Froment-2028!").await,
                Err(AppError::ResetLinkInvalid),
                "{name} link after the newest was used"
            );
        }

        let pending = issue_password_link(&shop.db, account, RESET_LINK_LIFETIME)
            .await
            .expect("link");
        change_password(
            &shop.db,
            &shop.hasher,
            context(&mailer),
            &shop.owner,
            "session-of-the-change",
            PasswordChange {
                current: "Seigle-2027!",
                password: "Epeautre-2029!",
                confirmation: "Epeautre-2029!",
            },
        )
        .await
        .expect("password changed");
        assert_eq!(
            reset(pending, "Froment-2028!").await,
            Err(AppError::ResetLinkInvalid),
            "a link asked before the change"
        );
        try_login(&shop.db, &shop, &shop.owner.email, "Epeautre-2029!")
            .await
            .expect("the changed password stands");
    }

    #[tokio::test]
    async fn a_login_ends_the_session_the_browser_came_with() {
        let shop = TestShop::new().await;
        let email = shop.owner.email.clone();
        let credentials = || Credentials {
            email: &email,
            password: OWNER_PASSWORD,
            remember: false,
        };
        let first = login_replacing(&shop.db, &shop.hasher, credentials(), "test", None)
            .await
            .expect("first login");
        let second = login_replacing(
            &shop.db,
            &shop.hasher,
            credentials(),
            "test",
            Some(&first.token),
        )
        .await
        .expect("second login");
        assert_eq!(user_for_session(&shop.db, &first.token).await, Ok(None));
        assert!(matches!(
            user_for_session(&shop.db, &second.token).await,
            Ok(Some(_))
        ));
    }
}
