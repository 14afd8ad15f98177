//! Login throttling, per account and per client address, kept in the database so it holds
//! across app servers: after too many failures in a sliding window, logins wait.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use super::tokens::hash_secret;
use crate::entities::login_failure;
use crate::model::error::AppError;
use crate::services::db_error;

#[derive(Debug, Clone, Copy)]
pub struct ThrottlePolicy {
    pub max_failures: u64,
    pub window: Duration,
}

/// Five wrong passwords for one account in ten minutes: a person mistyping gets five tries, a
/// guesser gets 720 a day at most.
pub const PER_ACCOUNT: ThrottlePolicy = ThrottlePolicy {
    max_failures: 5,
    window: Duration::minutes(10),
};

/// One address tries many accounts: more room, since a shop's tills share one address.
pub const PER_ADDRESS: ThrottlePolicy = ThrottlePolicy {
    max_failures: 30,
    window: Duration::minutes(10),
};

/// Reset links asked for one e-mail address: enough for someone who lost the first mail, too
/// few to flood an inbox.
pub const RESET_PER_ACCOUNT: ThrottlePolicy = ThrottlePolicy {
    max_failures: 3,
    window: Duration::minutes(10),
};

/// Reset links asked from one client address, whatever the e-mail.
pub const RESET_PER_ADDRESS: ThrottlePolicy = ThrottlePolicy {
    max_failures: 10,
    window: Duration::minutes(10),
};

/// Invitations sent by one shop in an hour: a new shop brings its whole team in at once, but
/// the invitation form cannot be turned into a way to mail strangers in bulk.
pub const INVITATIONS_PER_SHOP: ThrottlePolicy = ThrottlePolicy {
    max_failures: 20,
    window: Duration::hours(1),
};

/// How long a row stays in the throttle table: the longest window of the policies above.
const KEPT_FOR: Duration = Duration::hours(1);

/// Keyed by a hash of the address typed: fixed length whatever was typed, and no e-mail
/// addresses sitting in the throttle table.
pub fn account_key(normalized_email: &str) -> String {
    format!("account:{}", hash_secret(normalized_email))
}

/// An IPv6 client holds a whole /64, so it is counted as one address.
pub fn address_key(address: &str) -> String {
    match address.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none() => {
            let [a, b, c, d, ..] = v6.segments();
            format!("address:{a:x}:{b:x}:{c:x}:{d:x}::/64")
        }
        _ => {
            let address: String = address.chars().take(64).collect();
            format!("address:{address}")
        }
    }
}

/// How long `key` must wait, counting the attempt just recorded for it: if more than
/// `max_failures` attempts fall in the window, until the oldest of the newest `max_failures`
/// before this one leaves it. `None`: this attempt may go on.
pub async fn wait_before_next_try(
    db: &impl ConnectionTrait,
    key: &str,
    policy: ThrottlePolicy,
    now: DateTime<Utc>,
) -> Result<Option<Duration>, AppError> {
    let oldest_counted = login_failure::Entity::find()
        .select_only()
        .column(login_failure::Column::FailedAt)
        .filter(login_failure::Column::Key.eq(key))
        .filter(login_failure::Column::FailedAt.gt(now - policy.window))
        .order_by_desc(login_failure::Column::FailedAt)
        .order_by_desc(login_failure::Column::Id)
        .offset(policy.max_failures)
        .limit(1)
        .into_tuple::<DateTime<Utc>>()
        .one(db)
        .await
        .map_err(db_error)?;
    Ok(oldest_counted
        .map(|failed_at| failed_at + policy.window - now)
        .filter(|wait| *wait > Duration::zero()))
}

/// The longest wait among `checks`, in whole seconds rounded up.
pub async fn longest_wait(
    db: &impl ConnectionTrait,
    checks: &[(&str, ThrottlePolicy)],
    now: DateTime<Utc>,
) -> Result<Option<u64>, AppError> {
    let mut longest: Option<Duration> = None;
    for (key, policy) in checks {
        if let Some(wait) = wait_before_next_try(db, key, *policy, now).await? {
            longest = Some(longest.map_or(wait, |current| current.max(wait)));
        }
    }
    Ok(longest.map(|wait| {
        let millis = u64::try_from(wait.num_milliseconds()).unwrap_or(0);
        millis.div_ceil(1000).max(1)
    }))
}

/// The rows of one attempt, one per key.
pub struct Attempt(Vec<i64>);

/// Counts an attempt against each key before the password is checked, so parallel requests
/// see each other: of many sent at once, only the allowed number get a hash. An attempt that
/// fails stays counted; one that succeeds or is turned away is withdrawn. Failures that left
/// every window are dropped on the way.
pub async fn begin_attempt(
    db: &impl ConnectionTrait,
    keys: &[&str],
    now: DateTime<Utc>,
) -> Result<Attempt, AppError> {
    let oldest_useful = now - KEPT_FOR;
    login_failure::Entity::delete_many()
        .filter(login_failure::Column::FailedAt.lt(oldest_useful))
        .exec(db)
        .await
        .map_err(db_error)?;
    let mut rows = Vec::with_capacity(keys.len());
    for key in keys {
        let row = login_failure::ActiveModel {
            key: Set((*key).to_owned()),
            failed_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await
        .map_err(db_error)?;
        rows.push(row.id);
    }
    Ok(Attempt(rows))
}

/// Records an attempt against every key and lets it go on, or takes it back and answers
/// `TooManyAttempts` with the longest wait among `checks`.
pub async fn admit(
    db: &impl ConnectionTrait,
    checks: &[(&str, ThrottlePolicy)],
    now: DateTime<Utc>,
) -> Result<Attempt, AppError> {
    let keys: Vec<&str> = checks.iter().map(|(key, _)| *key).collect();
    let attempt = begin_attempt(db, &keys, now).await?;
    match longest_wait(db, checks, now).await? {
        None => Ok(attempt),
        Some(retry_after_seconds) => {
            withdraw(db, attempt).await?;
            Err(AppError::TooManyAttempts {
                retry_after_seconds,
            })
        }
    }
}

/// Notes `key` and answers `true` if it was not noted yet within `window`, else `false`: one
/// indexed look-up and at most one insert, the same work whatever the key stands for.
pub async fn first_in_window(
    db: &impl ConnectionTrait,
    key: &str,
    window: Duration,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let noted = login_failure::Entity::find()
        .select_only()
        .column(login_failure::Column::Id)
        .filter(login_failure::Column::Key.eq(key))
        .filter(login_failure::Column::FailedAt.gt(now - window))
        .limit(1)
        .into_tuple::<i64>()
        .one(db)
        .await
        .map_err(db_error)?;
    if noted.is_some() {
        return Ok(false);
    }
    begin_attempt(db, &[key], now).await?;
    Ok(true)
}

/// Takes an attempt back: it was turned away before any check, or it succeeded.
pub async fn withdraw(db: &impl ConnectionTrait, attempt: Attempt) -> Result<(), AppError> {
    login_failure::Entity::delete_many()
        .filter(login_failure::Column::Id.is_in(attempt.0))
        .exec(db)
        .await
        .map_err(db_error)?;
    Ok(())
}

/// A successful login clears its account's failures (not its address's: a guesser who also
/// owns one account must not reset their own counter with it).
pub async fn forget_failures(db: &impl ConnectionTrait, key: &str) -> Result<(), AppError> {
    login_failure::Entity::delete_many()
        .filter(login_failure::Column::Key.eq(key))
        .exec(db)
        .await
        .map_err(db_error)?;
    Ok(())
}

#[cfg(test)]
mod tests {

    use super::*;
    use crate::services::db::{Db, connect_for_tests};

    async fn fail(db: &Db, key: &str, at: DateTime<Utc>) {
        begin_attempt(db, &[key], at).await.expect("attempt");
    }

    async fn try_at(db: &Db, key: &str, at: DateTime<Utc>) -> Option<Duration> {
        let attempt = begin_attempt(db, &[key], at).await.expect("attempt");
        let wait = wait_before_next_try(db, key, PER_ACCOUNT, at)
            .await
            .expect("check");
        withdraw(db, attempt).await.expect("withdraw");
        wait
    }

    #[tokio::test]
    async fn the_sixth_try_within_ten_minutes_waits_until_the_first_failure_expires() {
        let db = connect_for_tests().await.expect("database");
        let key = account_key("odile@exemple.fr");
        let start = Utc::now();
        for minute in 0..4 {
            fail(&db, &key, start + Duration::minutes(minute)).await;
        }
        let after_four = start + Duration::minutes(4);
        assert_eq!(
            try_at(&db, &key, after_four).await,
            None,
            "the fifth try goes on"
        );
        fail(&db, &key, after_four).await;
        assert_eq!(
            try_at(&db, &key, after_four).await,
            Some(Duration::minutes(6)),
            "the sixth waits for the first failure (0 + 10 min)"
        );
        assert_eq!(
            try_at(
                &db,
                &key,
                start + Duration::minutes(10) + Duration::seconds(1)
            )
            .await,
            None,
            "the first failure left the window"
        );
    }

    #[tokio::test]
    async fn keys_are_counted_apart_and_a_success_clears_its_own() {
        let db = connect_for_tests().await.expect("database");
        let now = Utc::now();
        let odile = account_key("odile@exemple.fr");
        let victor = account_key("victor@exemple.fr");
        for _ in 0..5 {
            fail(&db, &odile, now).await;
        }
        assert!(try_at(&db, &odile, now).await.is_some());
        assert!(try_at(&db, &victor, now).await.is_none());
        forget_failures(&db, &odile).await.expect("forget");
        assert!(try_at(&db, &odile, now).await.is_none());
    }

    #[test]
    fn rows_are_kept_as_long_as_the_longest_window() {
        for policy in [
            PER_ACCOUNT,
            PER_ADDRESS,
            RESET_PER_ACCOUNT,
            RESET_PER_ADDRESS,
            INVITATIONS_PER_SHOP,
        ] {
            assert!(policy.window <= KEPT_FOR, "{policy:?}");
        }
    }

    #[test]
    fn an_ipv6_client_is_counted_by_its_64_prefix() {
        assert_eq!(
            address_key("2001:db8:1:2:aaaa::1"),
            address_key("2001:db8:1:2:bbbb::9")
        );
        assert_ne!(
            address_key("2001:db8:1:2::1"),
            address_key("2001:db8:1:3::1")
        );
        assert_eq!(address_key("192.0.2.1"), "address:192.0.2.1");
    }
}
